import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { createHash } from "node:crypto";
import type {
  ChannelHealth,
  ChannelInstance,
  InboundResult,
  NormalizedInbound,
  OutboundMessage,
  PluginContext,
  StatusUpdate,
} from "../../core/channels/contract.ts";
import { hubSignature256, MetaGraphFake, metaJson, ms, type MsCtx, type MsEnvelope } from "../fakes/meta-graph.ts";
import messenger, { type MessengerConfig } from "../../plugins/messenger/index.ts";

const PAGE = "104729375212345";
const OTHER_PAGE = "209876543210987";
const PAGE_TOKEN = "EAAG-page-token-lola";
const APP_SECRET = "9f1c2e7a4b6d8f0a1c3e5b7d9f2a4c6e";
const OLD_SECRET = "0aa0aa0aa0aa0aa0aa0aa0aa0aa0aa0a";
const VERIFY = "vt-4f8a2c9e1b7d";
const PSID = "7012345678901234";
const PSID2 = "7098765432109876";
const START = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;
const MEDIA_URL = "https://charla.example/media/42?exp=1768482000000&sig=abc123";

const meta = new MetaGraphFake();
let graphUrl = "";

beforeAll(async () => {
  graphUrl = await meta.start();
});
afterAll(() => meta.stop());
beforeEach(() => {
  meta.clear();
  meta.pages.clear();
  meta.profiles.clear();
  meta.addPage({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, name: "Panadería Lola" });
  meta.addProfile(PSID, { firstName: "Sheena", lastName: "Nelson", pageId: PAGE });
  meta.addProfile(PSID2, { firstName: "Íñigo", lastName: "Muñoz", pageId: PAGE });
});

interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

interface Setup {
  instance: ChannelInstance;
  ctx: PluginContext;
  clock: { t: number };
  logs: LogLine[];
  health: ChannelHealth[];
  store: Map<string, string>;
  /** Every InboundResult the plugin returned to the receiver, in order. */
  results: InboundResult[];
  webhookUrl: string;
  /** Posts a payload like Meta (escaped JSON, signed over those bytes); returns the HTTP status and the plugin's result. */
  deliver(payload: unknown, opts?: Parameters<MetaGraphFake["deliver"]>[2]): Promise<{ status: number; result: InboundResult | undefined }>;
  /** Delivers and expects events. */
  events(payload: unknown): Promise<{ messages: NormalizedInbound[]; statuses: StatusUpdate[] }>;
}

const servers: Server<unknown>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop(true)));
});

async function setup(config: Partial<MessengerConfig> = {}, platform = { metaGraphUrl: graphUrl, metaGraphVersion: "v24.0" }): Promise<Setup> {
  const clock = { t: START };
  const logs: LogLine[] = [];
  const health: ChannelHealth[] = [];
  const store = new Map<string, string>();
  const results: InboundResult[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  const ctx: PluginContext = {
    channelId: 3,
    platform,
    reportHealth: async (h) => void health.push(h),
    webhookUrl: "http://localhost:3000/webhooks/3",
    publicUrl: "http://localhost:3000/chat/3",
    secure: false,
    fetch: (input, init) => fetch(input, init),
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    now: () => clock.t,
    kv: {
      get: async (k) => store.get(k) ?? null,
      set: async (k, v) => void store.set(k, v),
      delete: async (k) => void store.delete(k),
    },
    transcript: async () => [],
  };
  const full = { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, ...config } as MessengerConfig;
  const instance = await messenger.create(ctx, full);

  // The core's webhook route in miniature: raw bytes in, the plugin's verdict out.
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const result = await instance.handleWebhook({
        method: req.method as "GET" | "POST",
        url: new URL(req.url),
        headers: req.headers,
        body: new Uint8Array(await req.arrayBuffer()),
        clientAddress: "173.252.88.1",
      });
      results.push(result);
      if (result.type === "challenge") return result.response;
      if (result.type === "rejected") return new Response(result.reason, { status: result.status });
      return new Response("EVENT_RECEIVED");
    },
  });
  servers.push(server);
  const webhookUrl = `http://127.0.0.1:${server.port}/webhooks/3`;

  const deliver: Setup["deliver"] = async (payload, opts = {}) => {
    const before = results.length;
    const responses = await meta.deliver(webhookUrl, payload, { appSecret: APP_SECRET, retries: 0, ...opts });
    return { status: responses.at(-1)!.status, result: results[before] };
  };
  const events: Setup["events"] = async (payload) => {
    const { status, result } = await deliver(payload);
    expect(status).toBe(200);
    if (result?.type !== "events") throw new Error(`expected events, got ${JSON.stringify(result)}`);
    return { messages: result.messages, statuses: result.statuses };
  };
  return { instance, ctx, clock, logs, health, store, results, webhookUrl, deliver, events };
}

const at = (t: number, extra: Partial<MsCtx> = {}): MsCtx => ({ pageId: PAGE, psid: PSID, time: t, ...extra });

function out(content: OutboundMessage["content"], lastInboundAt: number | null, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { idempotencyKey: `out-${Math.random()}`, to: PSID, lastInboundAt, content, ...extra };
}

/** An envelope with one raw messaging event (for shapes the builders do not cover). */
function rawEvent(event: Record<string, unknown>, t = START, key: "messaging" | "standby" = "messaging"): MsEnvelope {
  return { object: "page", entry: [{ id: PAGE, time: t, [key]: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: t, ...event }] }] };
}

const messengerRequests = (route: string) => meta.requests.filter((r) => r.route === route);

describe("messenger plugin: manifest and config", () => {
  test("manifest, Spanish config schema, routing and trust keys", () => {
    expect(messenger.manifest).toEqual({
      id: "messenger",
      name: "Facebook Messenger",
      version: "1.0.0",
      apiVersion: 1,
      capabilities: ["text", "media", "interactive", "read_receipts", "delivery_status"],
      messagingWindowHours: 24,
      humanAgentWindowHours: 168,
      sendsPerSecond: 40,
      description: { es: expect.stringContaining("Messenger"), en: expect.stringContaining("Messenger") },
    });
    const props = messenger.configSchema.properties!;
    expect(Object.keys(props)).toEqual(["pageId", "pageAccessToken", "appSecret", "verifyToken", "graphUrl", "graphVersion"]);
    expect(messenger.configSchema.required).toEqual(["pageId", "pageAccessToken", "appSecret"]);
    expect(props.pageAccessToken!.secret).toBe(true);
    expect(props.appSecret!.secret).toBe(true);
    expect(props.verifyToken!.generate).toBe("token");
    expect(props.pageId!.title).toBe("Identificador de la página de Facebook (Page ID)");
    expect(new RegExp(props.pageId!.pattern as string).test("104729375212345")).toBe(true);
    expect(new RegExp(props.pageId!.pattern as string).test("lola-bakery")).toBe(false);
    expect(new RegExp(props.graphVersion!.pattern as string).test("v24.0")).toBe(true);
    expect(new RegExp(props.graphVersion!.pattern as string).test("24.0")).toBe(false);
    expect(new RegExp(props.graphUrl!.pattern as string).test("http://127.0.0.1:9999")).toBe(true);
    expect(new RegExp(props.graphUrl!.pattern as string).test("graph.facebook.com")).toBe(false);

    const config = { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET };
    expect(messenger.routingKey!(config)).toBe(PAGE);
    expect(messenger.trustKey!(config)).toBe(createHash("sha256").update(APP_SECRET).digest("hex"));
    expect(messenger.trustKey!({ ...config, appSecret: OLD_SECRET })).not.toBe(messenger.trustKey!(config));
  });

  test("per-channel graphUrl and graphVersion override the platform's", async () => {
    // The platform default points at a closed port: only the override can reach the fake.
    const s = await setup({ graphUrl: `${graphUrl}/`, graphVersion: "v23.0" }, { metaGraphUrl: "http://127.0.0.1:9", metaGraphVersion: "v24.0" });
    const res = await s.instance.send(out({ kind: "text", text: "Hola" }, START - HOUR));
    expect(res.ok).toBe(true);
    expect(meta.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v23.0/me/messages"]);
  });
});

describe("messenger plugin: webhook handshake and signature", () => {
  test("the verify handshake answers the challenge as text/plain only for the right token", async () => {
    const s = await setup();
    const ok = await meta.verifyHandshake(s.webhookUrl, VERIFY, "1158201444");
    expect(ok).toEqual({ status: 200, body: "1158201444", challenge: "1158201444" });
    expect(s.results[0]?.type).toBe("challenge");
    const direct = await fetch(`${s.webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=abc-123`);
    expect(direct.status).toBe(200);
    expect(direct.headers.get("content-type")).toStartWith("text/plain");
    expect(await direct.text()).toBe("abc-123");

    const wrong = await meta.verifyHandshake(s.webhookUrl, `${VERIFY}x`, "77");
    expect(wrong.status).toBe(403);
    expect(wrong.body).not.toContain("77");
    expect(s.results[2]).toEqual({ type: "rejected", status: 403, reason: expect.any(String) });

    const noMode = await fetch(`${s.webhookUrl}?hub.verify_token=${VERIFY}&hub.challenge=5`);
    expect(noMode.status).toBe(403);
  });

  test("a channel without a verify token never completes a handshake", async () => {
    const s = await setup({ verifyToken: "" });
    expect((await meta.verifyHandshake(s.webhookUrl, "", "5")).status).toBe(403);
  });

  test("the signature is checked over the raw escaped bytes; wrong, missing or stale signatures are 401", async () => {
    const s = await setup();
    const payload = ms.text(at(START, { mid: "m_escaped" }), "¿Tienen pan de muerto? 🍞 / ñ");
    // Meta's bytes: non-ASCII as \uXXXX and "/" as "\/" -- re-serialising would change the hash.
    const bytes = metaJson(payload);
    expect(bytes).toContain("\\u00bfTienen pan de muerto? \\ud83c\\udf5e \\/ \\u00f1");
    expect(bytes).not.toBe(JSON.stringify(payload));

    const good = await s.deliver(payload);
    expect(good.status).toBe(200);
    if (good.result?.type !== "events") throw new Error("expected events");
    expect(good.result.messages[0]!.content).toEqual({ kind: "text", text: "¿Tienen pan de muerto? 🍞 / ñ" });

    const wrong = await s.deliver(payload, { badSignature: true });
    expect(wrong).toEqual({ status: 401, result: { type: "rejected", status: 401, reason: expect.stringContaining("X-Hub-Signature-256") } });

    const missing = await s.deliver(payload, { noSignature: true });
    expect(missing.status).toBe(401);

    // The app secret was rotated in Charla but Meta still signs with the old one.
    const stale = await s.deliver(payload, { appSecret: OLD_SECRET });
    expect(stale.status).toBe(401);

    // A valid signature over a re-serialised (unescaped) body of the same event is a different hash.
    const res = await fetch(s.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": hubSignature256(APP_SECRET, bytes) },
      body: JSON.stringify(payload),
    });
    expect(res.status).toBe(401);
  });

  test("bad JSON is 400 and other objects are ignored", async () => {
    const s = await setup();
    expect(await s.deliver("{not json")).toEqual({ status: 400, result: { type: "rejected", status: 400, reason: "The body is not valid JSON" } });
    const other = await s.deliver({ object: "instagram", entry: [] });
    expect(other.status).toBe(200);
    expect(other.result).toEqual({ type: "ignored", reason: expect.stringContaining("instagram") });
  });
});

describe("messenger plugin: inbound messages", () => {
  test("a text message: mid, page id, PSID, ms timestamp and the customer's name from the profile API", async () => {
    const s = await setup();
    const t = START - 5_000;
    const { messages, statuses } = await s.events(ms.text(at(t, { mid: "m_text1" }), "Hola, ¿abren el domingo?"));
    expect(statuses).toEqual([]);
    expect(messages).toEqual([
      {
        externalId: "m_text1",
        channelKey: PAGE,
        from: PSID,
        timestamp: t,
        profileName: "Sheena Nelson",
        content: { kind: "text", text: "Hola, ¿abren el domingo?" },
      },
    ]);
    const lookups = meta.requests.filter((r) => r.route === `/${PSID}`);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.method).toBe("GET");
    expect(lookups[0]!.version).toBe("v24.0");
    expect(lookups[0]!.query).toEqual({ fields: "first_name,last_name", access_token: PAGE_TOKEN });
    expect(JSON.parse(s.store.get(`profile:${PSID}`)!)).toEqual({ name: "Sheena Nelson" });

    // Seen before: the cached name, no second lookup.
    const again = await s.events(ms.text(at(t + 1000, { mid: "m_text2" }), "¿Y los lunes?"));
    expect(again.messages[0]!.profileName).toBe("Sheena Nelson");
    expect(meta.requests.filter((r) => r.route === `/${PSID}`)).toHaveLength(1);
  });

  test("a failing profile lookup is logged and the message still goes through", async () => {
    const s = await setup();
    meta.failNext(PSID, 190);
    const { status, result } = await s.deliver(ms.text(at(START, { mid: "m_noname" }), "hola"));
    expect(status).toBe(200);
    if (result?.type !== "events") throw new Error("expected events");
    expect(result.messages).toEqual([{ externalId: "m_noname", channelKey: PAGE, from: PSID, timestamp: START, content: { kind: "text", text: "hola" } }]);
    expect(s.logs.some((l) => l.level === "warn" && l.msg.includes("name") && String(l.fields?.error).includes("190"))).toBe(true);
    // The same page token failed: the channel is flagged, and the failure is remembered (no lookup per message).
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.any(String) }]);
    expect(JSON.parse(s.store.get(`profile:${PSID}`)!)).toEqual({ failedAt: START });
    await s.events(ms.text(at(START, { mid: "m_noname_2" }), "¿hola?"));
    expect(meta.requests.filter((r) => r.route === `/${PSID}`)).toHaveLength(1);
    // An unknown profile (Meta's #100) is no failure of the webhook either.
    meta.profiles.delete(PSID2);
    const other = await s.events(ms.text(at(START, { psid: PSID2, mid: "m_noname2" }), "hola"));
    expect(other.messages[0]!.profileName).toBeUndefined();
    expect(other.messages[0]!.from).toBe(PSID2);
  });

  test("quick reply taps and postbacks are interactive replies", async () => {
    const s = await setup();
    const qr = await s.events(ms.quickReply(at(START, { mid: "m_qr" }), "Pedido a domicilio", "DELIVERY"));
    expect(qr.messages[0]).toMatchObject({ externalId: "m_qr", from: PSID, content: { kind: "interactive_reply", id: "DELIVERY", title: "Pedido a domicilio" } });
    expect(qr.messages).toHaveLength(1);

    const pb = await s.events(ms.postback(at(START + 1, { mid: "m_pb" }), "Empezar", "GET_STARTED"));
    expect(pb.messages).toEqual([
      { externalId: "m_pb", channelKey: PAGE, from: PSID, timestamp: START + 1, profileName: "Sheena Nelson", content: { kind: "interactive_reply", id: "GET_STARTED", title: "Empezar" } },
    ]);

    // Older postbacks carry no mid: a stable id from sender and time.
    const noMid = await s.events(rawEvent({ postback: { title: "Ver menú", payload: "MENU" } }, START + 2));
    expect(noMid.messages[0]!.externalId).toBe(`pb-${PSID}-${START + 2}`);
    expect(noMid.messages[0]!.content).toEqual({ kind: "interactive_reply", id: "MENU", title: "Ver menú" });
  });

  test("attachments become media by URL; several in one message give one message each", async () => {
    const s = await setup();
    const one = await s.events(ms.attachment(at(START, { mid: "m_img" }), "image", "https://scontent.xx.fbcdn.net/v/t1.15752-9/pan.jpg?oh=1"));
    expect(one.messages).toEqual([
      {
        externalId: "m_img",
        channelKey: PAGE,
        from: PSID,
        timestamp: START,
        profileName: "Sheena Nelson",
        content: { kind: "media", mediaType: "image", ref: { id: "https://scontent.xx.fbcdn.net/v/t1.15752-9/pan.jpg?oh=1" } },
      },
    ]);

    const several = await s.events(
      rawEvent({
        message: {
          mid: "m_many",
          text: "Mira estos",
          attachments: [
            { type: "image", payload: { url: "https://cdn.fbsbx.com/a.jpg" } },
            { type: "file", payload: { url: "https://cdn.fbsbx.com/factura.pdf" } },
            { type: "audio", payload: { url: "https://cdn.fbsbx.com/nota.mp4" } },
            { type: "video", payload: { url: "https://cdn.fbsbx.com/clip.mp4" } },
            { type: "image", payload: { url: "https://cdn.fbsbx.com/sticker.png", sticker_id: 369239263222822 } },
            { type: "location", title: "Panadería Lola", payload: { coordinates: { lat: 19.4326, long: -99.1332 } } },
            { type: "fallback", title: "Un enlace", payload: { url: "https://example.com/x" } },
          ],
        },
      }),
    );
    expect(several.messages.map((m) => [m.externalId, m.content])).toEqual([
      ["m_many", { kind: "media", mediaType: "image", ref: { id: "https://cdn.fbsbx.com/a.jpg" } }],
      ["m_many#2", { kind: "media", mediaType: "document", ref: { id: "https://cdn.fbsbx.com/factura.pdf" } }],
      ["m_many#3", { kind: "media", mediaType: "audio", ref: { id: "https://cdn.fbsbx.com/nota.mp4" } }],
      ["m_many#4", { kind: "media", mediaType: "video", ref: { id: "https://cdn.fbsbx.com/clip.mp4" } }],
      ["m_many#5", { kind: "media", mediaType: "sticker", ref: { id: "https://cdn.fbsbx.com/sticker.png" } }],
      ["m_many#6", { kind: "location", latitude: 19.4326, longitude: -99.1332, name: "Panadería Lola" }],
      ["m_many#7", { kind: "unsupported", raw: { type: "fallback", title: "Un enlace", payload: { url: "https://example.com/x" } } }],
      ["m_many#8", { kind: "text", text: "Mira estos" }],
    ]);
    expect(new Set(several.messages.map((m) => m.from))).toEqual(new Set([PSID]));
  });

  test("a reply carries the quoted mid", async () => {
    const s = await setup();
    const { messages } = await s.events(ms.text(at(START, { mid: "m_reply", replyTo: "m_original" }), "Sí, ese"));
    expect(messages[0]).toMatchObject({ externalId: "m_reply", replyToExternalId: "m_original", content: { kind: "text", text: "Sí, ese" } });
  });

  test("reactions and their removal", async () => {
    const s = await setup();
    const react = await s.events(ms.reaction(at(START), "m_target", "❤"));
    expect(react.messages).toEqual([
      {
        externalId: `react-m_target-${START}`,
        channelKey: PAGE,
        from: PSID,
        timestamp: START,
        profileName: "Sheena Nelson",
        content: { kind: "reaction", emoji: "❤", targetExternalId: "m_target" },
      },
    ]);
    const unreact = await s.events(ms.reaction(at(START + 10), "m_target", "❤", "unreact"));
    expect(unreact.messages[0]).toMatchObject({ externalId: `react-m_target-${START + 10}`, content: { kind: "reaction", emoji: "", targetExternalId: "m_target" } });
  });

  test("unknown content and unknown events are kept as unsupported with the raw JSON", async () => {
    const s = await setup();
    const empty = await s.events(rawEvent({ message: { mid: "m_weird", is_unsupported: true } }));
    expect(empty.messages[0]).toMatchObject({ externalId: "m_weird", content: { kind: "unsupported", raw: { mid: "m_weird", is_unsupported: true } } });

    const edit = { message_edit: { mid: "m_old", text: "corregido", num_edit: 1 } };
    const edited = await s.events(rawEvent(edit, START + 5));
    expect(edited.messages[0]).toMatchObject({
      externalId: `message_edit-${PSID}-${START + 5}`,
      from: PSID,
      content: { kind: "unsupported", raw: { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: START + 5, ...edit } },
    });

    // Not something the customer said: skipped, answered 200.
    const optin = await s.deliver(rawEvent({ optin: { ref: "landing" } }));
    expect(optin).toEqual({ status: 200, result: { type: "ignored", reason: expect.any(String) } });
  });

  test("events under standby (another app controls the thread) are read too", async () => {
    const s = await setup();
    const both = ms.batch(ms.text(at(START, { mid: "m_active" }), "uno"), ms.text(at(START + 1, { mid: "m_standby", standby: true }), "dos"));
    expect(both.entry[0]!.messaging).toHaveLength(1);
    expect(both.entry[0]!.standby).toHaveLength(1);
    const { messages } = await s.events(both);
    expect(messages.map((m) => [m.externalId, m.content])).toEqual([
      ["m_active", { kind: "text", text: "uno" }],
      ["m_standby", { kind: "text", text: "dos" }],
    ]);
  });

  test("echoes of the page's own messages are flagged, addressed to the customer, and cost no profile call", async () => {
    const s = await setup();
    const { messages } = await s.events(ms.echo(at(START), "Enviado desde la bandeja de la página", "m_echo1", "1517776481860111"));
    expect(messages).toEqual([
      { externalId: "m_echo1", channelKey: PAGE, from: PSID, timestamp: START, echo: true, content: { kind: "text", text: "Enviado desde la bandeja de la página" } },
    ]);
    expect(meta.requests).toHaveLength(0);
  });

  test("events of several pages in one delivery keep their page id", async () => {
    const s = await setup();
    const { messages } = await s.events(ms.batch(ms.text(at(START, { mid: "m_a" }), "a"), ms.text(at(START, { pageId: OTHER_PAGE, psid: PSID2, mid: "m_b" }), "b")));
    expect(messages.map((m) => [m.externalId, m.channelKey, m.from])).toEqual([
      ["m_a", PAGE, PSID],
      ["m_b", OTHER_PAGE, PSID2],
    ]);
    // PSIDs are page-scoped: this channel's token cannot name the other page's customer.
    expect(messages[1]!.profileName).toBeUndefined();
    expect(meta.requests.map((r) => r.route)).toEqual([`/${PSID}`]);
  });
});

describe("messenger plugin: delivery and read statuses", () => {
  test("deliveries name their mids; a read watermark marks every send to that PSID up to it", async () => {
    const s = await setup();
    const sent: string[] = [];
    for (const [i, text] of ["uno", "dos", "tres"].entries()) {
      s.clock.t = START + i * 60_000;
      const r = await s.instance.send(out({ kind: "text", text }, START - HOUR));
      if (!r.ok) throw new Error(r.reason);
      sent.push(r.externalId);
    }
    expect(sent).toEqual(meta.outbox.map((o) => o.id!));
    expect(JSON.parse(s.store.get(`sent:${PSID}`)!)).toEqual(sent.map((mid, i) => ({ mid, at: START + i * 60_000 })));

    const delivered = await s.events(ms.delivery(at(START + 130_000), [sent[0]!, sent[1]!], START + 125_000));
    expect(delivered.messages).toEqual([]);
    expect(delivered.statuses).toEqual([
      { externalId: sent[0]!, channelKey: PAGE, status: "delivered", timestamp: START + 130_000 },
      { externalId: sent[1]!, channelKey: PAGE, status: "delivered", timestamp: START + 130_000 },
    ]);

    // Read up to just after the second send: the first two, not the third.
    const read = await s.events(ms.read(at(START + 140_000), START + 60_000));
    expect(read.statuses).toEqual([
      { externalId: sent[0]!, channelKey: PAGE, status: "read", timestamp: START + 140_000 },
      { externalId: sent[1]!, channelKey: PAGE, status: "read", timestamp: START + 140_000 },
    ]);
    expect(JSON.parse(s.store.get(`sent:${PSID}`)!)).toEqual([{ mid: sent[2], at: START + 120_000 }]);

    // The same watermark again: nothing left to mark.
    expect((await s.deliver(ms.read(at(START + 150_000), START + 60_000))).result?.type).toBe("ignored");
    const rest = await s.events(ms.read(at(START + 160_000), START + 120_000));
    expect(rest.statuses.map((x) => [x.externalId, x.status])).toEqual([[sent[2]!, "read"]]);
    expect(s.store.has(`sent:${PSID}`)).toBe(false);
  });

  test("the page's messages sent elsewhere (echoes) get read ticks; a delivery without mids uses the watermark", async () => {
    const s = await setup();
    await s.events(ms.echo(at(START), "Desde la app de páginas", "m_echo_read"));
    s.clock.t = START + 1_000;
    const r = await s.instance.send(out({ kind: "text", text: "Y desde Charla" }, START));
    if (!r.ok) throw new Error(r.reason);
    // Meta echoes Charla's own send too: it is not logged twice.
    await s.events(ms.echo(at(START + 1_100), "Y desde Charla", r.externalId));
    expect(JSON.parse(s.store.get(`sent:${PSID}`)!)).toEqual([
      { mid: "m_echo_read", at: START },
      { mid: r.externalId, at: START + 1_000 },
    ]);

    const delivered = await s.events(rawEvent({ delivery: { watermark: START + 500 } }, START + 2_000));
    expect(delivered.statuses).toEqual([{ externalId: "m_echo_read", channelKey: PAGE, status: "delivered", timestamp: START + 2_000 }]);
    const read = await s.events(ms.read(at(START + 3_000), START + 2_000));
    expect(read.statuses.map((x) => [x.externalId, x.status])).toEqual([
      ["m_echo_read", "read"],
      [r.externalId, "read"],
    ]);
  });

  test("only the last 50 sends per customer are kept, and each customer has their own", async () => {
    const s = await setup();
    for (let i = 0; i < 53; i++) {
      s.clock.t = START + i;
      expect((await s.instance.send(out({ kind: "text", text: `n${i}` }, START))).ok).toBe(true);
    }
    await s.instance.send(out({ kind: "text", text: "otro" }, START, { to: PSID2 }));
    const list = JSON.parse(s.store.get(`sent:${PSID}`)!) as { mid: string; at: number }[];
    expect(list).toHaveLength(50);
    expect(list[0]!.at).toBe(START + 3);
    expect(list.map((e) => e.mid)).toEqual(meta.outbox.slice(3, 53).map((o) => o.id!));
    const read = await s.events(ms.read(at(START + 99, { psid: PSID2 }), START + 99));
    expect(read.statuses.map((x) => x.externalId)).toEqual([meta.outbox[53]!.id!]);
  });
});

describe("messenger plugin: send", () => {
  test("inside 24 h: RESPONSE, the exact body Meta receives, token in the query", async () => {
    const s = await setup();
    const res = await s.instance.send(out({ kind: "text", text: "¡Sí! Abrimos de 9 a 14 h." }, START - 23 * HOUR, { replyToExternalId: "m_q" }));
    expect(res).toEqual({ ok: true, externalId: meta.outbox[0]!.id! });
    expect(res.ok && res.externalId).toStartWith("m_");
    expect(meta.sent(PAGE)).toEqual([{ recipient: { id: PSID }, messaging_type: "RESPONSE", message: { text: "¡Sí! Abrimos de 9 a 14 h." } }]);
    const req = messengerRequests("/me/messages")[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v24.0/me/messages");
    expect(req.query).toEqual({ access_token: PAGE_TOKEN });
    expect(req.headers["content-type"]).toBe("application/json");
  });

  test("between 24 h and 7 days: MESSAGE_TAG with HUMAN_AGENT", async () => {
    const s = await setup();
    const res = await s.instance.send(out({ kind: "text", text: "Perdón por la demora" }, START - 3 * 24 * HOUR));
    expect(res.ok).toBe(true);
    expect(meta.sent(PAGE)).toEqual([{ recipient: { id: PSID }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Perdón por la demora" } }]);
    // The edges: exactly 24 h is still RESPONSE, exactly 7 days is still HUMAN_AGENT.
    await s.instance.send(out({ kind: "text", text: "a" }, START - 24 * HOUR));
    await s.instance.send(out({ kind: "text", text: "b" }, START - 168 * HOUR));
    expect(meta.sent(PAGE).slice(1).map((b) => [b.messaging_type, b.tag])).toEqual([
      ["RESPONSE", undefined],
      ["MESSAGE_TAG", "HUMAN_AGENT"],
    ]);
  });

  test("beyond 7 days or with no customer message: refused without calling Meta", async () => {
    const s = await setup();
    const late = await s.instance.send(out({ kind: "text", text: "¿Sigue interesado?" }, START - 168 * HOUR - 1));
    expect(late).toEqual({ ok: false, retryable: false, code: "outside_window", reason: expect.stringContaining("7 days") });
    const never = await s.instance.send(out({ kind: "text", text: "Hola" }, null));
    expect(never).toEqual({ ok: false, retryable: false, code: "outside_window", reason: expect.any(String) });
    expect(meta.requests).toHaveLength(0);
  });

  test("media goes by Charla's signed URL; a caption follows as text", async () => {
    const s = await setup();
    const media = (mediaType: "image" | "audio" | "video" | "document", caption?: string): OutboundMessage["content"] => ({
      kind: "media",
      mediaType,
      url: MEDIA_URL,
      mimeType: "application/octet-stream",
      ...(caption ? { caption } : {}),
      read: async () => new Blob(["x"]),
    });
    for (const t of ["image", "audio", "video", "document"] as const) expect((await s.instance.send(out(media(t), START - HOUR))).ok).toBe(true);
    expect(meta.sent(PAGE)).toEqual(
      ["image", "audio", "video", "file"].map((type) => ({
        recipient: { id: PSID },
        messaging_type: "RESPONSE",
        message: { attachment: { type, payload: { url: MEDIA_URL, is_reusable: false } } },
      })),
    );

    meta.clear();
    const res = await s.instance.send(out(media("image", "Pan de muerto recién hecho"), START - 2 * 24 * HOUR));
    expect(res).toEqual({ ok: true, externalId: meta.outbox[0]!.id! });
    expect(meta.sent(PAGE)).toEqual([
      { recipient: { id: PSID }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { attachment: { type: "image", payload: { url: MEDIA_URL, is_reusable: false } } } },
      { recipient: { id: PSID }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Pan de muerto recién hecho" } },
    ]);
  });

  test("reactions, templates and over-long text are refused permanently without a request", async () => {
    const s = await setup();
    expect(await s.instance.send(out({ kind: "reaction", emoji: "👍", targetExternalId: "m_x" }, START))).toEqual({
      ok: false,
      retryable: false,
      code: "unsupported",
      reason: expect.any(String),
    });
    expect(await s.instance.send(out({ kind: "template", name: "hola", language: "es", parameters: [] }, START))).toMatchObject({
      ok: false,
      retryable: false,
      code: "unsupported",
    });
    expect(await s.instance.send(out({ kind: "text", text: "a".repeat(2001) }, START))).toMatchObject({ ok: false, retryable: false, code: "invalid" });
    expect(meta.requests).toHaveLength(0);
    expect((await s.instance.send(out({ kind: "text", text: "a".repeat(2000) }, START))).ok).toBe(true);
  });
});

describe("messenger plugin: send errors", () => {
  const text = (t = "hola") => out({ kind: "text", text: t }, START - HOUR);

  test("10/2018278 outside the window is permanent outside_window", async () => {
    const s = await setup();
    meta.failNext("/me/messages", 10);
    expect(await s.instance.send(text())).toEqual({
      ok: false,
      retryable: false,
      code: "outside_window",
      reason: "Meta error 10/2018278: (#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
    });
  });

  test("551 is permanent unavailable; 100 is invalid; unknown codes keep Meta's code", async () => {
    const s = await setup();
    meta.failNext(551);
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: false, code: "unavailable", reason: "Meta error 551/1545041: (#551) This person isn't available right now." });
    meta.failNext({ status: 400, body: { error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 } } });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: false, code: "invalid" });
    meta.failNext({ status: 400, body: { error: { message: "(#200) Permissions error", type: "OAuthException", code: 200 } } });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: false, code: "200" });
  });

  test("613 is a retryable rate limit; 2, 5xx and network failures are retryable", async () => {
    const s = await setup();
    meta.failNext(613);
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: true, code: "rate_limited", reason: "Meta error 613: (#613) Calls to this api have exceeded the rate limit." });
    meta.failNext(2);
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: true, code: "2" });
    meta.failNext({ status: 503, body: { error: { message: "Service temporarily unavailable", type: "FacebookApiException", code: 9999 } } });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: true });
    expect(meta.outbox).toHaveLength(0);

    const down = await setup({ graphUrl: "http://127.0.0.1:9" });
    expect(await down.instance.send(text())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining("Graph API") });
  });

  test("190 reports the channel needs attention; the next success reports it active again", async () => {
    const s = await setup();
    meta.failNext(190);
    const res = await s.instance.send(text());
    expect(res).toMatchObject({ ok: false, retryable: false, code: "token_expired" });
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.stringContaining("Session has expired") }]);
    expect(s.store.get("health:token")).toBe("463");

    expect((await s.instance.send(text())).ok).toBe(true);
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.any(String) }, { status: "active" }]);
    expect(s.store.has("health:token")).toBe(false);
    // Nothing more to report on later successes.
    await s.instance.send(text());
    expect(s.health).toHaveLength(2);
  });

  test("a token problem survives a restart of the instance until a success", async () => {
    const s = await setup();
    meta.failNext(190);
    await s.instance.send(text());
    const again = await messenger.create(s.ctx, { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY });
    expect((await again.send(text())).ok).toBe(true);
    expect(s.health.at(-1)).toEqual({ status: "active" });
  });
});

describe("messenger plugin: mark read, test connection, media", () => {
  test("markRead sends mark_seen", async () => {
    const s = await setup();
    await s.instance.markRead!(PSID, "m_last");
    expect(meta.sent(PAGE, { actions: true })).toEqual([{ recipient: { id: PSID }, sender_action: "mark_seen" }]);
    // A failure is logged, never thrown.
    meta.failNext(10);
    await s.instance.markRead!(PSID, "m_last");
    expect(s.logs.some((l) => l.level === "warn" && l.msg.includes("mark_seen"))).toBe(true);
  });

  test("testConnection names the page, or says what is wrong", async () => {
    const s = await setup();
    expect(await s.instance.testConnection!()).toEqual({ ok: true, detail: "Panadería Lola" });
    expect(messengerRequests("/me")[0]!.query).toEqual({ fields: "id,name", access_token: PAGE_TOKEN });

    const expired = await setup({ pageAccessToken: "EAAG-revoked" });
    const res = await expired.instance.testConnection!();
    expect(res.ok).toBe(false);
    expect(res.detail).toContain("190");
    expect(expired.health).toEqual([{ status: "needs_attention", reason: expect.any(String) }]);

    const otherPage = await setup({ pageId: OTHER_PAGE });
    expect(await otherPage.instance.testConnection!()).toEqual({ ok: false, detail: expect.stringContaining(`not to page ${OTHER_PAGE}`) });
  });

  test("fetchMedia downloads the attachment URL with its content type", async () => {
    const s = await setup();
    const blob = await s.instance.fetchMedia!({ id: `${graphUrl}/profile-pic/${PSID}.png` });
    expect(blob.type).toBe("image/png");
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expect(s.instance.fetchMedia!({ id: `${graphUrl}/nothing-here` })).rejects.toThrow("HTTP 400");
    await expect(s.instance.fetchMedia!({ id: "file:///etc/passwd" })).rejects.toThrow("not an http(s) URL");
  });
});
