import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { MediaFetcher } from "../../core/media/media-fetcher.ts";
import { T } from "../../core/tokens.ts";
import { META_ERRORS, wa, type WaCtx } from "../fakes/meta-graph.ts";
import type { Client } from "../helpers/client.ts";
import { APP_SECRET, NUMBER_A, NUMBER_B, startWithMeta, WABA } from "../helpers/meta-setup.ts";
import { remoteClient } from "../helpers/spawned-server.ts";

type Env = Awaited<ReturnType<typeof startWithMeta>>;

describe("WhatsApp Cloud channel through the app", () => {
  let env: Env;
  let channel: ChannelView;
  let sup: Client;
  let n = 0;
  const ctx = (over: Partial<WaCtx> = {}): WaCtx => ({ wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from: "16505551234", name: "Sheena Nelson", id: `wamid.test${++n}`, ...over });
  const deliver = (payload: unknown, opts: Record<string, unknown> = {}) => env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET, retries: 0, ...opts });
  const db = () => env.server.db;
  const message = (externalId: string) =>
    db().query<{ id: number; kind: string; text: string | null; payload: string | null; conversation_id: number; reply_to_id: number | null; media_id: number | null }, [string]>(
      "SELECT id, kind, text, payload, conversation_id, reply_to_id, media_id FROM messages WHERE external_id = ?",
    ).get(externalId);
  const settle = async () => {
    await env.server.container.resolve<MediaFetcher>(T.MediaFetcher).idle();
  };

  beforeAll(async () => {
    env = await startWithMeta();
    channel = env.whatsapp(env.server.companyId);
    await env.server.makeUser(env.server.companyId, "sup", "supervisor");
    sup = remoteClient(env.server.url);
    await sup.login("sup", "password-123");
  });
  afterAll(() => env.stop());

  test("the verify handshake answers the challenge only to the right token", async () => {
    const ok = await env.meta.verifyHandshake(channel.webhookUrl, String(channel.config.verifyToken), "challenge-123");
    expect(ok).toMatchObject({ status: 200, body: "challenge-123" });
    const bad = await env.meta.verifyHandshake(channel.webhookUrl, "wrong", "challenge-123");
    expect(bad.status).toBe(403);
    expect(bad.body).not.toContain("challenge-123");
  });

  test("wrong, missing and stale-secret signatures are rejected and nothing is stored", async () => {
    const before = db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages").get()!.n;
    expect((await deliver(wa.text(ctx(), "firma mala"), { badSignature: true }))[0]!.status).toBe(401);
    expect((await deliver(wa.text(ctx(), "sin firma"), { noSignature: true }))[0]!.status).toBe(401);
    expect((await deliver(wa.text(ctx(), "secreto viejo"), { appSecret: "the-previous-app-secret" }))[0]!.status).toBe(401);
    expect(db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages").get()!.n).toBe(before);
  });

  test("every inbound type lands in the inbox, escaped JSON and all", async () => {
    env.meta.addMedia({ id: "media-img-1", bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), mimeType: "image/png" });
    env.meta.addMedia({ id: "media-voice-1", bytes: new Uint8Array(1200).fill(9), mimeType: "audio/ogg" });
    env.meta.addMedia({ id: "media-doc-1", bytes: "%PDF-1.4 factura", mimeType: "application/pdf" });
    env.meta.addMedia({ id: "media-video-1", bytes: new Uint8Array(2048).fill(1), mimeType: "video/mp4" });
    env.meta.addMedia({ id: "media-sticker-1", bytes: new Uint8Array(64).fill(2), mimeType: "image/webp" });
    const first = ctx({ id: "wamid.first" });
    const batch = wa.batch(
      wa.text(first, "¿Viene en otro color? Año ñandú 😀"),
      wa.media(ctx({ id: "wamid.img" }), "image", { id: "media-img-1", mimeType: "image/png", caption: "esta foto" }),
      wa.media(ctx({ id: "wamid.voice" }), "audio", { id: "media-voice-1", mimeType: "audio/ogg", voice: true }),
      wa.media(ctx({ id: "wamid.doc" }), "document", { id: "media-doc-1", mimeType: "application/pdf", filename: "factura.pdf", caption: "la factura" }),
      wa.media(ctx({ id: "wamid.video" }), "video", { id: "media-video-1", mimeType: "video/mp4" }),
      wa.media(ctx({ id: "wamid.sticker" }), "sticker", { id: "media-sticker-1", mimeType: "image/webp" }),
      wa.location(ctx({ id: "wamid.loc" }), { latitude: 4.6097, longitude: -74.0817, name: "Tienda Centro", address: "Cra 7 # 12" }),
      wa.contacts(ctx({ id: "wamid.card" }), [{ name: { formatted_name: "Pedro Pérez", first_name: "Pedro" }, phones: [{ phone: "+57 300 1234567", wa_id: "573001234567", type: "CELL" }] }]),
      wa.interactiveButtonReply(ctx({ id: "wamid.btn" }), "opt-yes", "Sí, quiero"),
      wa.interactiveListReply(ctx({ id: "wamid.list" }), "row-2", "Talla M", "Mediana"),
      wa.button(ctx({ id: "wamid.tplbtn" }), "Confirmar pedido", "CONFIRM_123"),
      wa.text(ctx({ id: "wamid.reply", context: { from: "16505551234", id: "wamid.first" } }), "respondo a mi primer mensaje"),
      wa.reaction(ctx({ id: "wamid.react" }), "wamid.first", "❤️"),
      wa.unknown(ctx({ id: "wamid.unknown" }), "order", { catalog_id: "123", product_items: [{ product_retailer_id: "sku-1" }] }),
    );
    const res = await deliver(batch);
    expect(res[0]!.status).toBe(200);
    await settle();
    expect(message("wamid.first")!.text).toBe("¿Viene en otro color? Año ñandú 😀");
    for (const [id, kind] of [["wamid.img", "media"], ["wamid.voice", "media"], ["wamid.doc", "media"], ["wamid.video", "media"], ["wamid.sticker", "media"]] as const) {
      const m = message(id)!;
      expect(m.kind).toBe(kind);
      expect(m.media_id).not.toBeNull();
    }
    const doc = db().query<{ mime_type: string; filename: string; size: number }, [number]>("SELECT mime_type, filename, size FROM media WHERE id = ?").get(message("wamid.doc")!.media_id!)!;
    expect(doc).toEqual({ mime_type: "application/pdf", filename: "factura.pdf", size: 16 });
    expect(JSON.parse(message("wamid.loc")!.payload!)).toMatchObject({ latitude: 4.6097, longitude: -74.0817 });
    expect(message("wamid.card")!.text).toBe("Pedro Pérez");
    expect(message("wamid.btn")).toMatchObject({ kind: "interactive_reply", text: "Sí, quiero" });
    expect(message("wamid.list")).toMatchObject({ kind: "interactive_reply", text: "Talla M" });
    expect(message("wamid.tplbtn")).toMatchObject({ kind: "interactive_reply", text: "Confirmar pedido" });
    expect(message("wamid.reply")!.reply_to_id).toBe(message("wamid.first")!.id);
    expect(message("wamid.react")).toMatchObject({ kind: "reaction", text: "❤️" });
    expect(message("wamid.unknown")!.kind).toBe("unsupported");
    expect(JSON.parse(message("wamid.unknown")!.payload!).raw).toMatchObject({ type: "order" });

    // And the agent sees all of it, rendered.
    const conv = message("wamid.first")!.conversation_id;
    const html = await sup.html(`/inbox/${conv}`);
    expect(html).toContain("Sheena Nelson");
    expect(html).toContain("¿Viene en otro color? Año ñandú 😀");
    expect(html).toMatch(/<img src="\/media\/\d+"/);
    expect(html).toMatch(/<audio src="\/media\/\d+"/);
    expect(html).toMatch(/<video src="\/media\/\d+"/);
    expect(html).toContain("factura.pdf");
    expect(html).toContain("https://www.openstreetmap.org/?mlat=4.6097&mlon=-74.0817");
    expect(html).toContain("Pedro Pérez");
    expect(html).toContain("Mensaje no soportado");
    expect(html).toContain("product_retailer_id");
    expect(html).toContain('<q class="quote">¿Viene en otro color? Año ñandú 😀</q>');
    const img = await sup.get(html.match(/<img src="(\/media\/\d+)"/)![1]!);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  });

  test("a duplicate delivery after a 200 stores nothing twice; statuses never move backwards", async () => {
    const res = await deliver(wa.text(ctx({ id: "wamid.dupe" }), "dos veces"), { duplicate: true });
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    expect(db().query("SELECT COUNT(*) AS n FROM messages WHERE external_id = 'wamid.dupe'").get()).toEqual({ n: 1 });
  });

  test("agent replies go out exactly as Meta expects: text, reply, media, reaction, mark-read", async () => {
    const conv = message("wamid.first")!.conversation_id;
    env.meta.clear();
    // Opening the conversation marks the customer's last message read.
    await sup.get(`/inbox/${conv}`);
    const first = message("wamid.first")!;
    const send = (form: Record<string, string>) => sup.request("POST", `/inbox/${conv}/messages`, { form, headers: { "hx-request": "true" } });
    expect((await send({ text: "¡Hola Sheena! Sí, en azul." })).status).toBe(200);
    expect((await send({ text: "Te respondo a esto", replyToId: String(first.id) })).status).toBe(200);
    const bodies = await env.meta.waitForSent(2, NUMBER_A.phoneNumberId);
    expect(bodies[0]).toEqual({ messaging_product: "whatsapp", biz_opaque_callback_data: expect.stringMatching(/^charla-\d+$/), recipient_type: "individual", to: "16505551234", type: "text", text: { preview_url: false, body: "¡Hola Sheena! Sí, en azul." } });
    expect(bodies[1]).toMatchObject({ type: "text", text: { body: "Te respondo a esto" }, context: { message_id: "wamid.first" } });
    const reads = env.meta.sent(NUMBER_A.phoneNumberId, { actions: true }).filter((b) => (b as { status?: string }).status === "read");
    expect(reads[0]).toEqual({ messaging_product: "whatsapp", status: "read", message_id: expect.stringMatching(/^wamid\./) });

    // A file: uploaded to /media, then sent by id with its filename.
    const form = new FormData();
    form.set("_csrf", await sup.csrf());
    form.set("text", "el catálogo");
    form.set("file", new File(["%PDF catálogo"], "catalogo.pdf", { type: "application/pdf" }));
    const up = await fetch(`${env.server.url}/inbox/${conv}/messages`, {
      method: "POST",
      body: form,
      headers: { cookie: [...sup.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "hx-request": "true" },
    });
    expect(up.status).toBe(200);
    const [doc] = (await env.meta.waitForSent(3, NUMBER_A.phoneNumberId)).slice(2);
    expect(doc).toMatchObject({ type: "document", document: { id: expect.any(String), caption: "el catálogo", filename: "catalogo.pdf" } });
    expect(env.meta.requests.some((r) => r.method === "POST" && r.path.endsWith(`/${NUMBER_A.phoneNumberId}/media`))).toBe(true);

    // A reaction on the customer's message.
    expect((await sup.request("POST", `/inbox/messages/${first.id}/react`, { form: { emoji: "👍" }, headers: { "hx-request": "true" } })).status).toBe(200);
    const [reaction] = (await env.meta.waitForSent(4, NUMBER_A.phoneNumberId)).slice(3);
    expect(reaction).toEqual({ messaging_product: "whatsapp", biz_opaque_callback_data: expect.stringMatching(/^charla-\d+$/), recipient_type: "individual", to: "16505551234", type: "reaction", reaction: { message_id: "wamid.first", emoji: "👍" } });
  });

  test("status webhooks move ticks forward, out of order and repeated; 131047 explains the window", async () => {
    const out = db().query<{ id: number; external_id: string }, []>("SELECT id, external_id FROM messages WHERE direction = 'out' AND author = 'agent' AND external_id IS NOT NULL ORDER BY id LIMIT 2").all();
    const [a, b] = out as [{ id: number; external_id: string }, { id: number; external_id: string }];
    await deliver(wa.batch(wa.status(ctx(), a.external_id, "read"), wa.status(ctx(), a.external_id, "delivered"), wa.status(ctx(), a.external_id, "sent")));
    await deliver(wa.status(ctx(), a.external_id, "delivered"));
    expect(db().query("SELECT status FROM messages WHERE id = ?").get(a.id)).toEqual({ status: "read" });
    await deliver(wa.status(ctx(), b.external_id, "failed", { errors: [131047] }));
    const failed = db().query<{ status: string; error_code: string; error: string }, [number]>("SELECT status, error_code, error FROM messages WHERE id = ?").get(b.id)!;
    expect(failed.status).toBe("failed");
    expect(failed.error_code).toBe("outside_window");
    const html = await sup.html(`/inbox/${db().query<{ c: number }, [number]>("SELECT conversation_id AS c FROM messages WHERE id = ?").get(b.id)!.c}`);
    expect(html).toContain("Fuera de la ventana de 24 horas: envíe una plantilla aprobada.");
  });

  test("130429 slows down and retries; 131026 fails for good with its reason; 190 flags the channel", async () => {
    const conv = message("wamid.first")!.conversation_id;
    const token = env.server.makeToken(env.server.companyId);
    const say = async (text: string) => {
      const r = await fetch(`${env.server.url}/api/v1/conversations/${conv}/messages`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text }) });
      return ((await r.json()) as { id: number }).id;
    };
    const status = (id: number) => db().query<{ status: string; error_code: string | null }, [number]>("SELECT status, error_code FROM messages WHERE id = ?").get(id)!;
    const waitFor = async (id: number, s: string) => {
      for (let i = 0; i < 400 && status(id).status !== s; i++) await Bun.sleep(10);
      return status(id);
    };
    env.meta.clear();
    env.meta.failNext("/messages", 130429);
    const limited = await say("despacio");
    expect(await waitFor(limited, "sent")).toEqual({ status: "sent", error_code: null });
    expect(env.meta.requests.filter((r) => r.injected).length).toBe(1);

    env.meta.failNext("/messages", 131026);
    const undeliverable = await say("no llega");
    expect(await waitFor(undeliverable, "failed")).toEqual({ status: "failed", error_code: "undeliverable" });

    env.meta.failNext("/messages", 190);
    const expired = await say("token vencido");
    expect(await waitFor(expired, "failed")).toEqual({ status: "failed", error_code: "token_expired" });
    const admin = await env.server.operator();
    void admin;
    const op = remoteClient(env.server.url);
    await op.login("admin", "operator-pass-123");
    const page = await op.html(`/admin/channels/${channel.id}`);
    expect(page).toContain('id="needs-attention"');
    expect(page).toContain("Este canal requiere atención:");
    expect(await op.html("/admin/channels")).toContain("Requiere atención");
    // A later successful send clears it.
    await say("ya funciona");
    for (let i = 0; i < 200 && db().query<{ s: string }, [number]>("SELECT status AS s FROM channels WHERE id = ?").get(channel.id)!.s !== "active"; i++) await Bun.sleep(10);
    expect(db().query("SELECT status FROM channels WHERE id = ?").get(channel.id)).toEqual({ status: "active" });
  });

  test("one Meta app, several numbers, one URL: each event lands in its own channel; unknown numbers are acknowledged, not stored", async () => {
    const other = env.whatsapp(env.server.companyId, NUMBER_B);
    const b = (id: string) => ({ wabaId: WABA, phoneNumberId: NUMBER_B.phoneNumberId, displayPhoneNumber: NUMBER_B.displayPhoneNumber, from: "5215550001", name: "Beto", id });
    const stranger = { wabaId: WABA, phoneNumberId: "999999999999", displayPhoneNumber: "15559999999", from: "5215550002", name: "Nadie", id: "wamid.stranger" };
    const res = await deliver(wa.batch(wa.text(ctx({ id: "wamid.for-a" }), "para A"), wa.text(b("wamid.for-b"), "para B"), wa.text(stranger, "para nadie")));
    expect(res[0]!.status).toBe(200);
    expect(JSON.parse(res[0]!.body)).toMatchObject({ stored: 2, unrouted: 1 });
    const channelOf = (id: string) => db().query<{ channel_id: number }, [string]>("SELECT channel_id FROM messages WHERE external_id = ?").get(id)?.channel_id;
    expect(channelOf("wamid.for-a")).toBe(channel.id);
    expect(channelOf("wamid.for-b")).toBe(other.id);
    expect(channelOf("wamid.stranger")).toBeUndefined();
  });

  test("templates sync from Meta; outside 24 h only a template may go, with its parameters", async () => {
    env.meta.addTemplate(WABA, { name: "pedido_listo", language: "es", body: "Hola {{1}}, tu pedido {{2}} está listo" });
    env.meta.addTemplate(WABA, { name: "borrador", language: "es", status: "PENDING", body: "No aprobado" });
    const op = remoteClient(env.server.url);
    await op.login("admin", "operator-pass-123");
    expect((await op.post(`/admin/channels/${channel.id}/templates/sync`)).status).toBe(303);
    const page = await op.html(`/admin/channels/${channel.id}`);
    expect(page).toContain("Plantillas sincronizadas: 2.");
    expect(page).toContain("pedido_listo");

    const conv = message("wamid.first")!.conversation_id;
    db().query("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").run(Date.now() - 25 * 3_600_000, conv);
    const pane = await sup.html(`/inbox/${conv}`);
    expect(pane).toContain("WhatsApp solo permite enviar una plantilla aprobada");
    expect(pane).not.toContain('id="composer"');
    expect(pane).toContain("Hola {{1}}, tu pedido {{2}} está listo");
    expect(pane).not.toContain("No aprobado");
    const free = await sup.post(`/inbox/${conv}/messages`, { text: "texto libre" });
    expect(free.status).toBe(409);
    expect(await free.text()).toContain("WhatsApp solo permite enviar una plantilla aprobada");
    env.meta.clear();
    const missing = await sup.post(`/inbox/${conv}/template`, { template: "pedido_listo|es", parameters: ["Sheena"] });
    expect(missing.status).toBe(422);
    expect((await sup.post(`/inbox/${conv}/template`, { template: "pedido_listo|es", parameters: ["Sheena", "#123"] })).status).toBe(303);
    const [tpl] = await env.meta.waitForSent(1, NUMBER_A.phoneNumberId);
    expect(tpl).toEqual({
      messaging_product: "whatsapp",
      biz_opaque_callback_data: expect.stringMatching(/^charla-\d+$/),
      recipient_type: "individual",
      to: "16505551234",
      type: "template",
      template: { name: "pedido_listo", language: { code: "es" }, components: [{ type: "body", parameters: [{ type: "text", text: "Sheena" }, { type: "text", text: "#123" }] }] },
    });
    expect(await sup.html(`/inbox/${conv}`)).toContain("Hola Sheena, tu pedido #123 está listo");
    void META_ERRORS;
  });

  test("sends to one customer are paced against Meta's pair rate limit", async () => {
    const conv = message("wamid.first")!.conversation_id;
    db().query("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").run(Date.now(), conv);
    const token = env.server.makeToken(env.server.companyId);
    env.meta.clear();
    for (const text of ["uno", "dos", "tres"]) {
      await fetch(`${env.server.url}/api/v1/conversations/${conv}/messages`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text }) });
    }
    await env.meta.waitForSent(3, NUMBER_A.phoneNumberId);
    const at = env.meta.outbox.filter((o) => o.target === NUMBER_A.phoneNumberId && !o.action).map((o) => o.at);
    expect(at).toHaveLength(3);
    // whatsapp-cloud's manifest asks for 600 ms between two sends to one recipient.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(550);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(550);
  });

  test("test connection reports the number's verified name", async () => {
    const op = remoteClient(env.server.url);
    await op.login("admin", "operator-pass-123");
    const res = await op.post(`/admin/channels/${channel.id}/test`);
    expect(res.status).toBe(303);
    expect(await op.html(`/admin/channels/${channel.id}`)).toContain("Conexión correcta.");
  });
});
