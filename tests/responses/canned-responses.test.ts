import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { T } from "../../core/tokens.ts";
import { wa } from "../fakes/meta-graph.ts";
import { api, type Client } from "../helpers/client.ts";
import { APP_SECRET, NUMBER_A, startWithMeta, WABA } from "../helpers/meta-setup.ts";

/** "Respuestas predeterminadas": the admin's list, variables, FINALIZAR, AUTOMÁTICO on WhatsApp, attachments. */
describe("canned responses", () => {
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let channel: ChannelView;
  let admin: Client;
  let token: string;
  let ventas: number;
  let soporte: number;
  let n = 0;
  const db = () => env.server.db;
  const call = (method: string, path: string, json?: unknown) => api(env.server.app, method, path, token, json, { "accept-language": "es" });
  const settle = async () => {
    await env.server.container.resolve<InboundResponder>(T.InboundResponder).idle();
  };
  const customer = async (text: string, from = "573001112233", id = `wamid.cr${++n}`) => {
    const ctx = { wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from, name: "Marta", id };
    const payload = wa.text(ctx, text);
    const [res] = await env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET });
    expect(res!.status).toBe(200);
    return { payload, conversation: db().query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(id)!.id };
  };
  /** A multipart form post from the signed-in admin (the response form carries a file). */
  const multipart = async (path: string, fields: Record<string, string>, file?: { name: string; type: string; bytes: Uint8Array }) => {
    const fd = new FormData();
    fd.append("_csrf", await admin.csrf());
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append("file", new File([file.bytes as unknown as BlobPart], file.name, { type: file.type }));
    const cookie = [...admin.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
    return env.server.app.handle(new Request(`http://localhost${path}`, { method: "POST", headers: { cookie }, body: fd }));
  };

  beforeAll(async () => {
    env = await startWithMeta();
    ventas = env.server.makeQueue(env.server.companyId, "ventas");
    soporte = env.server.makeQueue(env.server.companyId, "soporte");
    channel = env.whatsapp(env.server.companyId, NUMBER_A, ventas);
    await env.server.makeUser(env.server.companyId, "gerente", "admin");
    admin = env.server.client();
    await admin.login("gerente", "password-123");
    token = env.server.makeToken(env.server.companyId);
    expect((await call("POST", "/api/v1/fields", { key: "cedula", label: "Cédula", type: "id_document" })).status).toBe(201);
  });
  afterAll(() => env.stop());

  test("the admin's list has the manual's columns; keys are unique regardless of case and accents; text is required", async () => {
    const created = await multipart("/admin/responses", { name: "saludo", key: "sl", text: "Hola, {{contact.name}}. ¿Cómo está?" });
    expect(created.status).toBe(303);
    const pagos = await multipart("/admin/responses", {
      name: "MEDIOS DE PAGO",
      key: "PAGOS",
      text: "Tenemos distintos medios de pago:\n- Nequi\n- Daviplata\n- Tarjeta de crédito",
      automatic: "1",
    });
    expect(pagos.status).toBe(303);
    const list = await admin.html("/admin/responses");
    for (const col of ["Nombre", "Key", "Descripción", "Finalizar", "Automático", "Acciones"]) expect(list).toContain(`<th>${col}</th>`);
    expect(list).toContain("MEDIOS DE PAGO");
    for (const [key, name] of [
      ["SL", "otro"],
      ["Págos", "otro pago"],
    ]) {
      const dup = await multipart("/admin/responses", { name: name!, key: key!, text: "x" });
      expect(dup.status).toBe(422);
      expect(await dup.text()).toContain("Ya existe una respuesta con esa key (sin importar mayúsculas ni tildes)");
    }
    const empty = await multipart("/admin/responses", { name: "vacía", key: "vacia", text: "   " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Escriba el texto");
    const unknown = await multipart("/admin/responses", { name: "mala", key: "mala", text: "Hola {{contact.nada}} {{nombre}}" });
    expect(await unknown.text()).toContain("Variables desconocidas: {{contact.nada}}, {{nombre}}");
    // The API says the same.
    const apiDup = await call("POST", "/api/v1/responses", { name: "x", key: "sL", text: "y" });
    expect(apiDup.status).toBe(422);
    expect(((await apiDup.json()) as { error: { fields: Record<string, string> } }).error.fields.key).toContain("Ya existe");
    const found = (await (await call("GET", "/api/v1/responses?q=pago")).json()) as { data: { key: string; automatic: boolean; text: string }[] };
    expect(found.data).toEqual([expect.objectContaining({ key: "PAGOS", automatic: true, text: "Tenemos distintos medios de pago:\n- Nequi\n- Daviplata\n- Tarjeta de crédito" })]);
    expect(db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM canned_responses").get()!.n).toBe(2);
  });

  test("variables are filled in, a template field included; FINALIZAR closes the conversation after the message is queued", async () => {
    const r = (await (
      await call("POST", "/api/v1/responses", {
        name: "despedida",
        key: "chao",
        text: "Gracias, {{contact.name}} (cédula {{contact.cedula}}). Le atendió {{agent.name}} de {{company.name}}.",
        finalize: true,
      })
    ).json()) as { id: number };
    const { conversation } = await customer("Hola", "573005550000");
    const contact = db().query<{ id: number }, [number]>("SELECT contact_id AS id FROM conversations WHERE id = ?").get(conversation)!.id;
    await call("PATCH", `/api/v1/contacts/${contact}`, { name: "Marta Ruiz", fields: { cedula: "1.023.456" } });
    // The composer's suggestions already carry the filled text (the agent's name from the session).
    const suggestions = await (await admin.get(`/inbox/${conversation}/responses?q=ch`)).text();
    expect(suggestions).toContain('data-text="Gracias, Marta Ruiz (cédula 1023456). Le atendió Name gerente de Mi Empresa."');
    expect(suggestions).toContain('data-finalize="1"');
    // Sent through the API: filled, queued, then the conversation finalized.
    const sent = await call("POST", `/api/v1/conversations/${conversation}/messages`, { responseId: r.id });
    expect(sent.status).toBe(201);
    expect(((await sent.json()) as { text: string }).text).toBe("Gracias, Marta Ruiz (cédula 1023456). Le atendió  de Mi Empresa.");
    expect(db().query<{ status: string }, [number]>("SELECT status FROM conversations WHERE id = ?").get(conversation)!.status).toBe("closed");
    const [body] = await env.meta.waitForSent(1, NUMBER_A.phoneNumberId);
    expect((body as { text: { body: string } }).text.body).toContain("Gracias, Marta Ruiz");
  });

  test("AUTOMÁTICO answers a WhatsApp message that is exactly its key, once, even when Meta redelivers the webhook", async () => {
    const before = env.meta.sent(NUMBER_A.phoneNumberId).length;
    const { payload, conversation } = await customer("  ¡Pagos!  ", "573007770000");
    await settle();
    // Meta delivers the same webhook again (its retry after a slow 200, say).
    const [again] = await env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET });
    expect(again!.status).toBe(200);
    await settle();
    await env.server.container.resolve<OutboxDispatcher>(T.OutboxDispatcher).idle();
    const sent = await env.meta.waitForSent(before + 1, NUMBER_A.phoneNumberId);
    await Bun.sleep(200);
    expect(env.meta.sent(NUMBER_A.phoneNumberId).length).toBe(before + 1);
    expect((sent.at(-1) as { text: { body: string } }).text.body).toBe("Tenemos distintos medios de pago:\n- Nequi\n- Daviplata\n- Tarjeta de crédito");
    const msgs = db().query<{ author: string; payload: string | null }, [number]>("SELECT author, payload FROM messages WHERE conversation_id = ? ORDER BY id").all(conversation);
    expect(msgs.map((m) => m.author)).toEqual(["customer", "bot"]);
    expect(JSON.parse(msgs[1]!.payload!)).toEqual({ origin: "auto_response" });
    expect(await admin.html(`/inbox/${conversation}`)).toContain("Respuesta automática");
    // A message that only contains the key is for a person.
    const other = await customer("quiero saber los pagos", "573008880000");
    await settle();
    expect(db().query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND author = 'bot'").get(other.conversation)!.n).toBe(0);
  });

  test("a response limited to some queues is offered and sent only there", async () => {
    const r = (await (await call("POST", "/api/v1/responses", { name: "garantía", key: "gar", text: "La garantía es de un año.", queueIds: [soporte] })).json()) as { id: number };
    const { conversation } = await customer("Hola de nuevo", "573009990000");
    expect(await (await admin.get(`/inbox/${conversation}/responses?q=gar`)).text()).not.toContain("garantía");
    const refused = await call("POST", `/api/v1/conversations/${conversation}/messages`, { responseId: r.id });
    expect(refused.status).toBe(422);
    await call("PATCH", `/api/v1/responses/${r.id}`, { queueIds: [] });
    expect(await (await admin.get(`/inbox/${conversation}/responses?q=gar`)).text()).toContain("garantía");
  });

  test("an attachment (PDF) goes with the response; the file stays when a customer who got it is erased", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.4 catálogo");
    const res = await multipart("/admin/responses", { name: "catálogo", key: "cat", text: "Le comparto el catálogo." }, { name: "catalogo.pdf", type: "application/pdf", bytes: pdf });
    expect(res.status).toBe(303);
    const r = db().query<{ id: number; media_id: number }, []>("SELECT id, media_id FROM canned_responses WHERE key = 'cat'").get()!;
    expect(r.media_id).toBeGreaterThan(0);
    const bad = await multipart("/admin/responses", { name: "exe", key: "exe", text: "x" }, { name: "x.exe", type: "application/x-msdownload", bytes: new Uint8Array([1]) });
    expect(await bad.text()).toContain("Solo imágenes (JPG, PNG, WebP) o PDF");
    const { conversation } = await customer("¿Tienen catálogo?", "573001230000");
    const before = env.meta.sent(NUMBER_A.phoneNumberId).length;
    const sent = (await (await call("POST", `/api/v1/conversations/${conversation}/messages`, { responseId: r.id })).json()) as { kind: string; media: { id: number; filename: string } };
    expect(sent.kind).toBe("media");
    expect(sent.media).toMatchObject({ id: r.media_id, filename: "catalogo.pdf" });
    const out = await env.meta.waitForSent(before + 1, NUMBER_A.phoneNumberId);
    expect(out.at(-1)).toMatchObject({ type: "document", document: { caption: "Le comparto el catálogo.", filename: "catalogo.pdf" } });
    const contact = db().query<{ id: number }, [number]>("SELECT contact_id AS id FROM conversations WHERE id = ?").get(conversation)!.id;
    expect((await call("DELETE", `/api/v1/contacts/${contact}`)).status).toBe(204);
    expect(db().query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM media WHERE id = ?").get(r.media_id)!.n).toBe(1);
    // Deleting the response leaves nothing behind once no message holds the file.
    expect((await call("DELETE", `/api/v1/responses/${r.id}`)).status).toBe(204);
    expect(db().query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM media WHERE id = ?").get(r.media_id)!.n).toBe(0);
  });

  test("agents cannot manage responses", async () => {
    await env.server.makeUser(env.server.companyId, "ana", "agent", [ventas]);
    const ana = env.server.client();
    await ana.login("ana", "password-123");
    for (const path of ["/admin/responses", "/admin/responses/new"]) expect((await ana.get(path)).status).toBe(403);
    expect((await ana.post("/admin/responses", { name: "x", key: "x", text: "x" })).status).toBe(403);
  });
});
