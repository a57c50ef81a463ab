import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "../helpers/client.ts";
import { api } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

describe("inbox in the panel", () => {
  let app: TestApp;
  let ventas: number;
  let soporte: number;
  let channel: number;
  let ana: Client;
  let beto: Client;
  let supervisor: Client;
  let n = 0;
  async function customer(text: string, from = `57${++n}`): Promise<number> {
    await app.webhook(channel, { messages: [{ id: `x${++n}`, from, text, name: `Cliente ${from}` }] });
    return app.db.query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(`x${n}`)!.id;
  }

  beforeAll(async () => {
    app = await createTestApp();
    ventas = app.makeQueue(app.companyId, "ventas", "manual");
    soporte = app.makeQueue(app.companyId, "soporte", "manual");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", ventas);
    await app.makeUser(app.companyId, "ana", "agent", [ventas]);
    await app.makeUser(app.companyId, "beto", "agent", [soporte], "en");
    await app.makeUser(app.companyId, "sup", "supervisor", []);
    ana = app.client();
    await ana.login("ana", "password-123");
    beto = app.client();
    await beto.login("beto", "password-123");
    supervisor = app.client();
    await supervisor.login("sup", "password-123");
  });
  afterAll(() => app.close());

  test("agents see their queues' conversations; others' stay hidden, also by id", async () => {
    const c = await customer("Quiero comprar zapatos");
    const list = await ana.html("/inbox?tab=waiting");
    expect(list).toContain("Quiero comprar zapatos");
    expect(list).toContain("En espera");
    expect(await beto.html("/inbox?tab=waiting")).not.toContain("Quiero comprar zapatos");
    expect((await beto.get(`/inbox/${c}`)).status).toBe(404);
    expect((await beto.post(`/inbox/${c}/messages`, { text: "intruso" })).status).toBe(404);
    expect((await beto.post(`/inbox/${c}/take`)).status).toBe(404);
    expect(await supervisor.html("/inbox?tab=all")).toContain("Quiero comprar zapatos");
  });

  test("opening clears the unread badge; answering takes the conversation and queues the send", async () => {
    const c = await customer("¿Hacen envíos a Cali?");
    expect(await ana.html("/inbox?tab=waiting")).toContain('class="badge unread"');
    const pane = await ana.html(`/inbox/${c}`);
    expect(pane).toContain("¿Hacen envíos a Cali?");
    expect(app.db.query("SELECT unread_count FROM conversations WHERE id = ?").get(c)).toEqual({ unread_count: 0 });
    const res = await ana.request("POST", `/inbox/${c}/messages`, { form: { text: "¡Sí! Llega en 2 días." }, headers: { "hx-request": "true" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toStartWith('<hx-partial hx-target="#messages" hx-swap="upsert">');
    expect(html).toContain("¡Sí! Llega en 2 días.");
    const row = app.db.query<{ status: string; assignee: string; unanswered: number | null }, [number]>(
      "SELECT c.status, u.username AS assignee, c.unanswered_since AS unanswered FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = ?",
    ).get(c)!;
    expect(row).toEqual({ status: "open", assignee: "ana", unanswered: null });
    expect(app.db.query("SELECT COUNT(*) AS n FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.conversation_id = ?").get(c)).toEqual({ n: 1 });
    expect(await ana.html("/inbox?tab=mine")).toContain("Llega en 2 días.");
  });

  test("an empty message is refused with a readable error and nothing is stored", async () => {
    const c = await customer("hola");
    const before = app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages").get()!.n;
    const res = await ana.post(`/inbox/${c}/messages`, { text: "   " });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Escriba un mensaje o adjunte un archivo.");
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages").get()!.n).toBe(before);
  });

  test("attachments are stored in the database and served only to who may see them", async () => {
    const c = await customer("mándame la factura");
    const form = new FormData();
    form.set("_csrf", await ana.csrf());
    form.set("text", "Aquí está");
    form.set("file", new File([new Uint8Array(300_000).fill(7)], "factura.pdf", { type: "application/pdf" }));
    const res = await app.app.handle(
      new Request(`http://localhost/inbox/${c}/messages`, {
        method: "POST",
        body: form,
        headers: { cookie: [...ana.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "hx-request": "true" },
      }),
    );
    expect(res.status).toBe(200);
    const media = app.db.query<{ id: number; size: number; chunks: number }, []>(
      "SELECT m.id, m.size, (SELECT COUNT(*) FROM media_chunks WHERE media_id = m.id) AS chunks FROM media m ORDER BY id DESC LIMIT 1",
    ).get()!;
    expect(media.size).toBe(300_000);
    expect(media.chunks).toBe(2);
    const file = await ana.get(`/media/${media.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect((await file.arrayBuffer()).byteLength).toBe(300_000);
    expect((await beto.get(`/media/${media.id}`)).status).toBe(404);
  });

  test("transfer to a queue and to an agent leave system lines; finalize leaves the active lists; reopen", async () => {
    const c = await customer("necesito soporte técnico");
    await ana.post(`/inbox/${c}/take`);
    expect((await ana.post(`/inbox/${c}/transfer`, { queueId: String(soporte) })).status).toBe(303);
    const afterQueue = await supervisor.html(`/inbox/${c}`);
    expect(afterQueue).toContain("Name ana transfirió a la cola soporte");
    // Now beto (soporte) sees it, ana no longer does.
    expect(await beto.html("/inbox?tab=waiting")).toContain("necesito soporte técnico");
    expect((await ana.get(`/inbox/${c}`)).status).toBe(404);
    const betoId = app.db.query<{ id: number }, []>("SELECT id FROM users WHERE username = 'beto'").get()!.id;
    expect((await supervisor.post(`/inbox/${c}/transfer`, { assigneeId: String(betoId), confirmOffline: "1" })).status).toBe(303);
    const betoPane = await beto.html(`/inbox/${c}`);
    expect(betoPane).toContain("Name sup transferred to Name beto"); // beto reads English
    expect((await beto.post(`/inbox/${c}/close`, { note: "Resuelto por teléfono" })).status).toBe(303);
    expect(await beto.html("/inbox?tab=all")).not.toContain("necesito soporte técnico");
    const closed = await beto.html("/inbox?tab=closed");
    expect(closed).toContain("necesito soporte técnico");
    const pane = await beto.html(`/inbox/${c}`);
    expect(pane).toContain("Name beto finalized the conversation");
    expect(pane).toContain("Resuelto por teléfono");
    expect(pane).not.toContain('id="composer"');
    expect((await beto.post(`/inbox/${c}/reopen`)).status).toBe(303);
    expect(app.db.query("SELECT status FROM conversations WHERE id = ?").get(c)).toEqual({ status: "open" });
  });

  test("supervisors filter by status, queue, agent, channel, unanswered, and search message text", async () => {
    const a = await customer("busco una bicicleta roja");
    const b = await customer("precio de la bicicleta azul");
    await ana.post(`/inbox/${b}/messages`, { text: "Cuesta 500" });
    const search = await supervisor.html("/inbox?tab=all&q=bicicleta");
    expect(search).toContain("busco una bicicleta roja");
    expect(search).toContain("Cuesta 500");
    const unanswered = await supervisor.html("/inbox?tab=all&q=bicicleta&unanswered=1");
    expect(unanswered).toContain("busco una bicicleta roja");
    expect(unanswered).not.toContain("Cuesta 500");
    const anaId = app.db.query<{ id: number }, []>("SELECT id FROM users WHERE username = 'ana'").get()!.id;
    const byAgent = await supervisor.html(`/inbox?tab=all&assigneeId=${anaId}&q=bicicleta`);
    expect(byAgent).toContain("Cuesta 500");
    expect(byAgent).not.toContain("busco una bicicleta roja");
    expect(await supervisor.html(`/inbox?tab=all&queueId=${soporte}&q=bicicleta`)).toContain("No hay conversaciones aquí.");
    expect(await supervisor.html(`/inbox?tab=all&channelId=${channel}&q=roja`)).toContain("busco una bicicleta roja");
    // Search terms can't inject FTS syntax.
    expect((await supervisor.get('/inbox?tab=all&q=%22OR%20*%20NEAR(')).status).toBe(200);
    void a;
  });

  test("search widens past the newest matches when the page is not full", async () => {
    const old = await customer("quiero una zanahoria gigante");
    const busy = await customer("hola");
    const ins = app.db.query(
      "INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, kind, text, status, created_at) VALUES (?, ?, ?, 'in', 'customer', 'text', ?, 'received', ?)",
    );
    app.db.transaction(() => {
      for (let i = 0; i < 2500; i++) ins.run(busy, app.companyId, channel, `zanahoria número ${i}`, Date.now());
    })();
    const html = await supervisor.html("/inbox?tab=all&q=zanahoria");
    expect(html).toContain(`href="/inbox/${busy}?`);
    expect(html).toContain(`href="/inbox/${old}?`);
  });

  test("a long conversation shows its latest page and loads earlier ones on demand", async () => {
    const from = "57long";
    for (let i = 1; i <= 130; i++) await app.webhook(channel, { messages: [{ id: `long-${i}`, from, text: `mensaje número ${i}` }] });
    const c = app.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'long-1'").get()!.id;
    const pane = await supervisor.html(`/inbox/${c}`);
    expect(pane).toContain("mensaje número 130");
    expect(pane).toContain("mensaje número 71");
    expect(pane).not.toContain("mensaje número 70<");
    const before = pane.match(/older\?before=(\d+)/)![1];
    const older = await supervisor.html(`/inbox/${c}/older?before=${before}`);
    expect(older).toContain("mensaje número 70");
    expect(older).toContain("mensaje número 11");
    expect(older).not.toContain("mensaje número 71<");
    const last = older.match(/older\?before=(\d+)/)![1];
    const first = await supervisor.html(`/inbox/${c}/older?before=${last}`);
    expect(first).toContain("mensaje número 1<");
    expect(first).not.toContain("older?before");
  });

  test("the JSON API lists, reads, answers, transfers and closes with the contract's shapes", async () => {
    const token = app.makeToken(app.companyId);
    const c = await customer("consulta por API");
    const list = (await (await api(app.app, "GET", `/api/v1/conversations?q=${encodeURIComponent("consulta por API")}`, token)).json()) as { data: Record<string, unknown>[]; next: unknown };
    expect(list.next).toBeNull();
    expect(list.data).toHaveLength(1);
    expect(Object.keys(list.data[0]!).sort()).toEqual(
      ["assigneeId", "botStep", "channelId", "closedAt", "contact", "createdAt", "id", "lastMessageAt", "queueId", "status", "unansweredSince", "unreadCount"].sort(),
    );
    const sent = await api(app.app, "POST", `/api/v1/conversations/${c}/messages`, token, { text: "respuesta API" });
    expect(sent.status).toBe(201);
    expect(await sent.json()).toMatchObject({ direction: "out", author: "bot", kind: "text", text: "respuesta API", status: "pending" });
    const msgs = (await (await api(app.app, "GET", `/api/v1/conversations/${c}/messages`, token)).json()) as { data: { text: string; direction: string }[] };
    expect(msgs.data.map((m) => [m.direction, m.text])).toEqual([
      ["in", "consulta por API"],
      ["out", "respuesta API"],
    ]);
    expect((await api(app.app, "POST", `/api/v1/conversations/${c}/transfer`, token, { queueId: soporte })).status).toBe(200);
    const closed = (await (await api(app.app, "POST", `/api/v1/conversations/${c}/close`, token, { note: "listo" })).json()) as { status: string };
    expect(closed.status).toBe("closed");
    expect((await api(app.app, "POST", `/api/v1/conversations/${c}/messages`, token, { text: "tarde" })).status).toBe(409);
    expect((await api(app.app, "POST", `/api/v1/conversations/${c}/transfer`, token, { queueId: 99999 })).status).toBe(409);
  });

  test("web chat channels are created and listed through the API with their webhook URL", async () => {
    const token = app.makeToken(app.companyId);
    const res = await api(app.app, "POST", "/api/v1/channels", token, { plugin: "webchat", name: "Tienda", queueId: ventas });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; webhookUrl: string; status: string; plugin: string };
    expect(body).toMatchObject({ plugin: "webchat", status: "active", webhookUrl: `http://localhost:3000/webhooks/${body.id}` });
    const list = (await (await api(app.app, "GET", "/api/v1/channels", token)).json()) as { data: { name: string }[] };
    expect(list.data.map((c) => c.name)).toContain("Tienda");
    const bad = await api(app.app, "POST", "/api/v1/channels", token, { plugin: "telepathy", name: "x" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("telepathy");
  });
});
