import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import { ms, type MsCtx } from "../fakes/meta-graph.ts";
import type { Client } from "../helpers/client.ts";
import { APP_SECRET, PAGE, startWithMeta } from "../helpers/meta-setup.ts";
import { remoteClient } from "../helpers/spawned-server.ts";

type Env = Awaited<ReturnType<typeof startWithMeta>>;

describe("Messenger channel through the app", () => {
  let env: Env;
  let channel: ChannelView;
  let sup: Client;
  const PSID = "24680135792468";
  let n = 0;
  const ctx = (over: Partial<MsCtx> = {}): MsCtx => ({ pageId: PAGE.pageId, psid: PSID, mid: `m_test${++n}`, ...over });
  const deliver = (payload: unknown, opts: Record<string, unknown> = {}) => env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET, retries: 0, ...opts });
  const db = () => env.server.db;
  const conversation = () => db().query<{ id: number }, []>("SELECT id FROM conversations WHERE channel_id = (SELECT id FROM channels WHERE plugin_id = 'messenger') ORDER BY id DESC").get()!.id;

  beforeAll(async () => {
    env = await startWithMeta();
    env.meta.addProfile(PSID, { firstName: "Lucía", lastName: "Gómez" });
    channel = env.messenger(env.server.companyId);
    await env.server.makeUser(env.server.companyId, "sup", "supervisor");
    sup = remoteClient(env.server.url);
    await sup.login("sup", "password-123");
  });
  afterAll(() => env.stop());

  test("handshake and signature", async () => {
    expect((await env.meta.verifyHandshake(channel.webhookUrl, String(channel.config.verifyToken), "c-42")).body).toBe("c-42");
    expect((await deliver(ms.text(ctx(), "firma falsa"), { badSignature: true }))[0]!.status).toBe(401);
    expect(db().query("SELECT COUNT(*) AS n FROM messages").get()).toEqual({ n: 0 });
  });

  test("text, quick replies, postbacks and attachments arrive with the customer's name from the profile API", async () => {
    const res = await deliver(
      ms.batch(
        ms.text(ctx({ mid: "m_hello" }), "Hola, ¿abren el domingo? ñ"),
        ms.quickReply(ctx({ mid: "m_qr" }), "Sí", "YES"),
        ms.postback(ctx({ mid: "m_pb" }), "Ver catálogo", "CATALOG"),
      ),
    );
    expect(res[0]!.status).toBe(200);
    expect(db().query("SELECT name FROM contacts").get()).toEqual({ name: "Lucía Gómez" });
    const rows = db().query<{ kind: string; text: string }, []>("SELECT kind, text FROM messages ORDER BY id").all();
    expect(rows).toEqual([
      { kind: "text", text: "Hola, ¿abren el domingo? ñ" },
      { kind: "interactive_reply", text: "Sí" },
      { kind: "interactive_reply", text: "Ver catálogo" },
    ]);
    expect(await sup.html(`/inbox/${conversation()}`)).toContain("Lucía Gómez");
  });

  test("an agent's text longer than Messenger takes (2,000) is refused with the channel's limit, and the composer says it first", async () => {
    const conv = conversation();
    const before = db().query("SELECT COUNT(*) AS n FROM messages").get();
    const res = await sup.post(`/inbox/${conv}/messages`, { text: "a".repeat(2001) }, { headers: { "hx-request": "true" } });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("El mensaje admite hasta 2000 caracteres en este canal.");
    expect(db().query("SELECT COUNT(*) AS n FROM messages").get()).toEqual(before);
    expect(await sup.html(`/inbox/${conv}`)).toContain('maxlength="2000"');
  });

  test("inside 24 h an answer goes as RESPONSE; the page's echo of it is not stored twice", async () => {
    const conv = conversation();
    env.meta.clear();
    expect((await sup.post(`/inbox/${conv}/messages`, { text: "¡Sí, de 9 a 1!" })).status).toBe(303);
    const [body] = await env.meta.waitForSent(1, PAGE.pageId);
    expect(body).toEqual({ recipient: { id: PSID }, messaging_type: "RESPONSE", message: { text: "¡Sí, de 9 a 1!", metadata: expect.stringMatching(/^charla-\d+$/) } });
    for (let i = 0; i < 100 && !db().query("SELECT 1 FROM messages WHERE direction = 'out' AND external_id IS NOT NULL").get(); i++) await Bun.sleep(10);
    const mid = db().query<{ external_id: string }, []>("SELECT external_id FROM messages WHERE direction = 'out' AND author = 'agent' ORDER BY id DESC").get()!.external_id;
    await deliver(ms.echo(ctx({ mid }), "¡Sí, de 9 a 1!", mid));
    expect(db().query("SELECT COUNT(*) AS n FROM messages WHERE text = '¡Sí, de 9 a 1!'").get()).toEqual({ n: 1 });
    // A message typed in the Page's own inbox echoes too, and is kept as the page's answer.
    await deliver(ms.echo(ctx({ mid: "m_from_page" }), "Escrito desde Facebook", "m_from_page"));
    expect(db().query("SELECT direction, author FROM messages WHERE external_id = 'm_from_page'").get()).toEqual({ direction: "out", author: "agent" });
    // Delivery and read receipts move the tick.
    await deliver(ms.delivery(ctx(), [mid], Date.now()));
    expect(db().query("SELECT status FROM messages WHERE external_id = ?").get(mid)).toEqual({ status: "delivered" });
    await deliver(ms.read(ctx(), Date.now() + 1000));
    expect(db().query("SELECT status FROM messages WHERE external_id = ?").get(mid)).toEqual({ status: "read" });
  });

  test("between 24 h and 7 days a person answers with HUMAN_AGENT; beyond 7 days the composer says why it cannot", async () => {
    const conv = conversation();
    db().query("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").run(Date.now() - 3 * 24 * 3_600_000, conv);
    const pane = await sup.html(`/inbox/${conv}`);
    expect(pane).toContain("Fuera de las 24 horas: puede responder como agente humano hasta");
    env.meta.clear();
    expect((await sup.post(`/inbox/${conv}/messages`, { text: "Seguimos atentos" })).status).toBe(303);
    const [body] = await env.meta.waitForSent(1, PAGE.pageId);
    expect(body).toEqual({ recipient: { id: PSID }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Seguimos atentos", metadata: expect.stringMatching(/^charla-\d+$/) } });

    // Integrations (API tokens) are not persons: HUMAN_AGENT is not theirs to use.
    const token = env.server.makeToken(env.server.companyId);
    const api = await fetch(`${env.server.url}/api/v1/conversations/${conv}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "bot" }),
    });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("outside_window");

    db().query("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").run(Date.now() - 8 * 24 * 3_600_000, conv);
    const closed = await sup.html(`/inbox/${conv}`);
    expect(closed).toContain("Pasaron más de 7 días desde el último mensaje del cliente");
    expect(closed).not.toContain('id="composer"');
    const refused = await sup.post(`/inbox/${conv}/messages`, { text: "¿hola?" });
    expect(refused.status).toBe(409);
  });

  test("a new customer message reopens the window", async () => {
    await deliver(ms.text(ctx({ mid: "m_back" }), "Volví"));
    expect(await sup.html(`/inbox/${conversation()}`)).toContain('id="composer"');
  });

  test("a file goes by Charla's signed link; its caption follows as text and neither echo is stored twice", async () => {
    const conv = conversation();
    env.meta.clear();
    const form = new FormData();
    form.set("_csrf", await sup.csrf());
    form.set("text", "nuestro horario");
    form.set("file", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "horario.png", { type: "image/png" }));
    const res = await fetch(`${env.server.url}/inbox/${conv}/messages`, {
      method: "POST",
      body: form,
      headers: { cookie: [...sup.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "hx-request": "true" },
    });
    expect(res.status).toBe(200);
    const [attachment, caption] = await env.meta.waitForSent(2, PAGE.pageId);
    const url = (attachment as { message: { attachment: { payload: { url: string } } } }).message.attachment.payload.url;
    expect(attachment).toMatchObject({ messaging_type: "RESPONSE", message: { attachment: { type: "image", payload: { is_reusable: false } } } });
    expect(url).toStartWith(`${env.server.url}/media/public/`);
    expect((await fetch(url)).headers.get("content-type")).toBe("image/png");
    expect(caption).toMatchObject({ message: { text: "nuestro horario" } });
    const mids = env.meta.outbox.filter((o) => o.target === PAGE.pageId).slice(-2).map((o) => o.id!);
    const before = db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages").get()!.n;
    for (const mid of mids) await deliver(ms.echo(ctx({ mid }), "", mid));
    expect(db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages").get()!.n).toBe(before);
  });
});
