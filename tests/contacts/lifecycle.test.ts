import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { ReplyService } from "../../core/conversations/reply-service.ts";
import { T } from "../../core/tokens.ts";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** Merging two contacts of one person, erasing a person, and blocking one. */
describe("contact merge, erasure and blocking", () => {
  let app: TestApp;
  let admin: Client;
  let token: string;
  let queue: number;
  let whatsapp: number;
  let messenger: number;
  const one = <R>(sql: string, ...args: (string | number)[]) => app.db.query<R, (string | number)[]>(sql).get(...args)!;
  const count = (sql: string, ...args: (string | number)[]) => one<{ n: number }>(sql, ...args).n;
  const contactOf = (from: string) => one<{ id: number }>("SELECT contact_id AS id FROM contact_identities WHERE external_id = ?", from).id;
  const write = async (channel: number, from: string, id: string, text: string, name?: string) =>
    expect((await app.webhook(channel, { messages: [{ id, from, text, name }] })).status).toBe(200);

  beforeEach(async () => {
    app = await createTestApp();
    queue = app.makeQueue(app.companyId, "ventas");
    // Two channels standing for WhatsApp and Messenger (the test relay plugin).
    whatsapp = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/wa", queue);
    messenger = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/fb", queue);
    await app.makeUser(app.companyId, "gerente", "admin");
    admin = app.client();
    await admin.login("gerente", "password-123");
    token = app.makeToken(app.companyId);
    for (const f of [
      { key: "cedula", label: "Cédula", type: "id_document" },
      { key: "ciudad", label: "Ciudad", type: "text" },
    ]) {
      expect((await api(app.app, "POST", "/api/v1/fields", token, f)).status).toBe(201);
    }
  });
  afterEach(() => app.close());

  test("a merge moves every conversation, identity, note and tag to the survivor, with values chosen per field, and records it", async () => {
    await write(whatsapp, "573001112233", "w1", "Hola por WhatsApp", "Marta");
    await write(messenger, "psid-778899", "m1", "Hola por Messenger", "Marta Ruiz");
    const a = contactOf("573001112233");
    const b = contactOf("psid-778899");
    expect(a).not.toBe(b);
    const vip = ((await (await api(app.app, "POST", "/api/v1/tags", token, { name: "VIP", color: "#d81b60" })).json()) as { id: number }).id;
    const sur = ((await (await api(app.app, "POST", "/api/v1/tags", token, { name: "Regional Sur", color: "#43a047" })).json()) as { id: number }).id;
    await api(app.app, "PATCH", `/api/v1/contacts/${a}`, token, { phone: "300 111 2233", fields: { cedula: "1023", ciudad: "Bogotá" }, tagIds: [vip] });
    await api(app.app, "PATCH", `/api/v1/contacts/${b}`, token, { email: "marta@example.com", fields: { ciudad: "Medellín" }, tagIds: [vip, sur] });
    await admin.post(`/contacts/${a}/notes`, { text: "nota sobre A" });
    await admin.post(`/contacts/${b}/notes`, { text: "nota sobre B" });

    // The contact page suggests nothing yet (different phones and e-mails); the preview shows both side by side.
    const preview = await admin.html(`/contacts/${a}/merge?with=${b}`);
    expect(preview).toContain('name="choose.ciudad"');
    expect(preview).toContain('name="choose.name"');
    expect(preview).not.toContain('name="choose.cedula"'); // only one side has a value: nothing to choose
    // Keep B's city and B's name; everything else as the survivor has it.
    const res = await admin.post(`/contacts/${a}/merge`, { otherId: String(b), "choose.ciudad": "other", "choose.name": "other" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/contacts/${a}`);

    const merged = (await (await api(app.app, "GET", `/api/v1/contacts/${a}`, token)).json()) as Record<string, unknown>;
    expect(merged).toMatchObject({
      id: a,
      name: "Marta Ruiz",
      phone: "+573001112233",
      email: "marta@example.com",
      fields: { cedula: "1023", ciudad: "Medellín" },
    });
    expect((merged.tags as { name: string }[]).map((t) => t.name).sort()).toEqual(["Regional Sur", "VIP"]);
    expect((merged.identities as { channelId: number }[]).map((i) => i.channelId).sort()).toEqual([whatsapp, messenger].sort());
    expect(count("SELECT COUNT(*) AS n FROM conversations WHERE contact_id = ?", a)).toBe(2);
    expect(count("SELECT COUNT(*) AS n FROM contact_notes WHERE contact_id = ?", a)).toBe(2);
    expect(count("SELECT COUNT(*) AS n FROM contacts WHERE id = ?", b)).toBe(0);
    expect((await api(app.app, "GET", `/api/v1/contacts/${b}`, token)).status).toBe(404);
    // Recorded: who, when, what.
    const record = one<{ by_name: string; merged_id: number; details: string }>("SELECT by_name, merged_id, details FROM contact_merges WHERE survivor_id = ?", a);
    expect(record).toMatchObject({ by_name: "Name gerente", merged_id: b });
    expect(JSON.parse(record.details)).toMatchObject({ merged: { id: b, name: "Marta Ruiz" }, moved: { identities: 1, conversations: 1, notes: 1 } });
    expect(one<{ action: string; target_id: number }>("SELECT action, target_id FROM audit_log ORDER BY id DESC LIMIT 1")).toEqual({ action: "contact.merged", target_id: a });
    const page = await admin.html(`/contacts/${a}`);
    expect(page).toContain("Name gerente unió a Marta Ruiz en este contacto");
    // Messenger messages from the person now land on the survivor.
    await write(messenger, "psid-778899", "m2", "sigo aquí");
    expect(count("SELECT COUNT(*) AS n FROM contacts")).toBe(1);
    expect(one<{ c: number }>("SELECT v.contact_id AS c FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE m.external_id = 'm2'").c).toBe(a);
    // Search finds the survivor by the merged-in e-mail.
    const found = (await (await api(app.app, "GET", "/api/v1/contacts?q=marta@example.com", token)).json()) as { data: { id: number }[] };
    expect(found.data.map((c) => c.id)).toEqual([a]);
  });

  test("two web chat contacts of one person, both talking on the same channel: the merged one's conversation ends, nothing is lost", async () => {
    await write(whatsapp, "visitor-1", "v1", "primera visita", "Juan");
    await write(whatsapp, "visitor-2", "v2", "segunda visita", "Juan");
    const a = contactOf("visitor-1");
    const b = contactOf("visitor-2");
    // Same e-mail: the contact page suggests the merge.
    await api(app.app, "PATCH", `/api/v1/contacts/${a}`, token, { email: "juan@example.com" });
    await api(app.app, "PATCH", `/api/v1/contacts/${b}`, token, { phone: "+573105556677" });
    app.db.query("UPDATE contacts SET email = 'juan@example.com' WHERE id = ?").run(b);
    const page = await admin.html(`/contacts/${a}`);
    expect(page).toContain("Posibles duplicados");
    expect(page).toContain(`/contacts/${a}/merge?with=${b}`);

    const res = await api(app.app, "POST", `/api/v1/contacts/${a}/merge`, token, { otherId: b });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { phone: string }).phone).toBe("+573105556677");
    const convs = app.db.query<{ status: string }, [number]>("SELECT status FROM conversations WHERE contact_id = ? ORDER BY id").all(a);
    expect(convs.map((c) => c.status)).toEqual(["queued", "closed"]);
    expect(count("SELECT COUNT(*) AS n FROM messages WHERE kind = 'event' AND payload LIKE '%contacts_merged%'")).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM messages WHERE external_id IN ('v1', 'v2')")).toBe(2);
  });

  test("erasure removes conversations, messages, media (rows and bytes) and notes, and leaves an audit line without content", async () => {
    await write(whatsapp, "573001234567", "e1", "mi clave es zqxjkmarkertext", "Persona Borrable");
    const contact = contactOf("573001234567");
    const conversation = one<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ?", contact).id;
    const sent = app.container.resolve<ReplyService>(T.ReplyService).send({ companyId: app.companyId, userId: null, name: "API", role: "api" }, conversation, {
      text: "adjunto",
      file: { bytes: new TextEncoder().encode("ZQXJKMEDIABYTES ".repeat(64)), mimeType: "text/plain", filename: "factura.txt" },
    });
    expect(sent.mediaId).toBeGreaterThan(0);
    await admin.post(`/contacts/${contact}/notes`, { text: "nota zqxjknote" });
    // Someone else's data stays.
    await write(messenger, "psid-otro", "o1", "otro cliente", "Otro");

    const confirm = await admin.html(`/contacts/${contact}/erase`);
    expect(confirm).toContain("Conversaciones: 1");
    expect(confirm).toContain("Mensajes: 2");
    expect(confirm).toContain("Archivos adjuntos: 1 (1 KB)");
    expect(confirm).toContain("Notas: 1");
    // Without the confirmation box ticked nothing happens.
    expect((await admin.post(`/contacts/${contact}/erase`, {})).headers.get("location")).toBe(`/contacts/${contact}/erase`);
    expect(count("SELECT COUNT(*) AS n FROM contacts WHERE id = ?", contact)).toBe(1);

    const res = await admin.post(`/contacts/${contact}/erase`, { confirm: "1" });
    expect(res.status).toBe(303);
    expect(count("SELECT COUNT(*) AS n FROM contacts WHERE id = ?", contact)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM conversations WHERE id = ?", conversation)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?", conversation)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM media WHERE id = ?", sent.mediaId!)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM media_chunks WHERE media_id = ?", sent.mediaId!)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM contact_notes WHERE contact_id = ?", contact)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH 'zqxjkmarkertext'")).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM contacts_fts WHERE contacts_fts MATCH 'borrable'")).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM messages WHERE external_id = 'o1'")).toBe(1);

    const audit = one<{ actor_name: string; action: string; target_type: string; target_id: number; details: string }>(
      "SELECT actor_name, action, target_type, target_id, details FROM audit_log WHERE action = 'contact.erased'",
    );
    expect(audit).toMatchObject({ actor_name: "Name gerente", action: "contact.erased", target_type: "contact", target_id: contact });
    expect(JSON.parse(audit.details)).toEqual({ conversations: 1, messages: 2, media: 1, notes: 1 });
    expect(JSON.stringify(audit)).not.toMatch(/zqxjk|Borrable|573001234567/i);
    // The log is append-only.
    expect(() => app.db.query("UPDATE audit_log SET actor_name = 'x'").run()).toThrow("append-only");
    expect(() => app.db.query("DELETE FROM audit_log").run()).toThrow("append-only");

    // The bytes are gone from the file itself, not only from its tables.
    app.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const file = readFileSync(`${app.dir}/charla.db`).toString("latin1");
    expect(file.includes("ZQXJKMEDIABYTES")).toBe(false);
    expect(file.includes("zqxjkmarkertext")).toBe(false);
    expect(file.includes("zqxjknote")).toBe(false);
    expect(file.toLowerCase().includes("borrable")).toBe(false);
  });

  test("the API erases too (DELETE), and an agent cannot", async () => {
    await write(whatsapp, "573009990000", "d1", "hola", "Para Borrar");
    const contact = contactOf("573009990000");
    await app.makeUser(app.companyId, "ana", "agent", [queue]);
    const ana = app.client();
    await ana.login("ana", "password-123");
    expect((await ana.get(`/contacts/${contact}/erase`)).status).toBe(403);
    expect((await ana.post(`/contacts/${contact}/erase`, { confirm: "1" })).status).toBe(403);
    expect(await ana.html(`/contacts/${contact}`)).not.toContain("/erase");
    expect((await api(app.app, "DELETE", `/api/v1/contacts/${contact}`, token)).status).toBe(204);
    expect(count("SELECT COUNT(*) AS n FROM contacts WHERE id = ?", contact)).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'contact.erased' AND actor_name = 'API'")).toBe(1);
  });

  test("a blocked contact's messages are stored but open nothing for routing; unblocking restores it", async () => {
    await app.makeUser(app.companyId, "ana", "agent", [queue]);
    const ana = app.client();
    await ana.login("ana", "password-123");
    expect((await ana.post("/inbox/presence", { online: "1" })).status).toBe(303);
    await write(whatsapp, "573004445566", "b1", "primer mensaje", "Molesto");
    const contact = contactOf("573004445566");
    const first = one<{ id: number; status: string; assignee_id: number | null }>("SELECT id, status, assignee_id FROM conversations WHERE contact_id = ?", contact);
    expect(first.status).toBe("open");

    // An agent blocks them from the contact page: the conversation going ends with a line saying why.
    const res = await ana.post(`/contacts/${contact}/block`, { blocked: "1" });
    expect(res.status).toBe(303);
    expect(one<{ status: string }>("SELECT status FROM conversations WHERE id = ?", first.id).status).toBe("closed");
    expect(count("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND payload LIKE '%contact_blocked%'", first.id)).toBe(1);
    expect(await ana.html(`/contacts/${contact}`)).toContain("Este contacto está bloqueado");

    await write(whatsapp, "573004445566", "b2", "¿hola? ¿hay alguien?");
    await write(whatsapp, "573004445566", "b3", "sigo escribiendo");
    // Stored, in their closed conversation: nothing waits, nobody got it, nothing unread.
    expect(count("SELECT COUNT(*) AS n FROM messages WHERE external_id IN ('b2', 'b3') AND conversation_id = ?", first.id)).toBe(2);
    expect(count("SELECT COUNT(*) AS n FROM conversations WHERE contact_id = ?", contact)).toBe(1);
    const after = one<{ status: string; unread_count: number; unanswered_since: number | null }>("SELECT status, unread_count, unanswered_since FROM conversations WHERE id = ?", first.id);
    expect(after).toEqual({ status: "closed", unread_count: 0, unanswered_since: null });
    expect(count("SELECT COUNT(*) AS n FROM conversations WHERE status <> 'closed'")).toBe(0);
    const list = (await (await api(app.app, "GET", "/api/v1/conversations?status=queued", token)).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(0);
    expect(count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'contact.blocked' AND target_id = ?", contact)).toBe(1);

    // Unblocked (through the API this time), the next message is handled as usual.
    const un = await api(app.app, "PATCH", `/api/v1/contacts/${contact}`, token, { blocked: false });
    expect(((await un.json()) as { blocked: boolean }).blocked).toBe(false);
    await write(whatsapp, "573004445566", "b4", "ahora sí");
    const fresh = one<{ status: string; assignee: string | null }>(
      "SELECT c.status, u.username AS assignee FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.contact_id = ? ORDER BY c.id DESC LIMIT 1",
      contact,
    );
    expect(fresh).toEqual({ status: "open", assignee: "ana" });
  });
});
