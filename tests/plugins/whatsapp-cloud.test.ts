import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
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
  WebhookRequest,
} from "../../core/channels/contract.ts";
import whatsappCloud, { type WhatsAppCloudConfig } from "../../plugins/whatsapp-cloud/index.ts";
import { hubSignature256, META_ERRORS, MetaGraphFake, metaJson, wa, type MetaErrorSpec, type WaCtx } from "../fakes/meta-graph.ts";

const PNID = "106540352242922";
const OTHER_PNID = "106540352242999";
const WABA = "102290129340398";
const TOKEN = "EAAG-charla-wa-token";
const APP_SECRET = "3f9a1c0b7e2d4f6a8b0c2e4d6f8a0b1c";
const VERIFY = "vt-5c1e9a77d2";
const CUSTOMER = "16505551234";
const V = "v24.0";
const NOW = Date.UTC(2026, 0, 15, 12);

const meta = new MetaGraphFake();
let graphUrl = "";

beforeAll(async () => {
  graphUrl = await meta.start();
});
afterAll(() => meta.stop());
beforeEach(() => {
  meta.clear();
  meta.numbers.clear();
  meta.media.clear();
  meta.templates.clear();
  meta.addWhatsAppNumber({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, displayPhoneNumber: "+1 555-078-3881", verifiedName: "Tienda Demo" });
});

// ------------------------------------------------------------------ harness

interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

interface Setup {
  instance: ChannelInstance;
  ctx: PluginContext;
  health: ChannelHealth[];
  logs: LogLine[];
  kv: Map<string, string>;
}

function config(overrides: Partial<WhatsAppCloudConfig> = {}): WhatsAppCloudConfig {
  return { phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, ...overrides };
}

async function setup(
  overrides: Partial<WhatsAppCloudConfig> = {},
  opts: { platformUrl?: string; kv?: Map<string, string>; fetch?: PluginContext["fetch"] } = {},
): Promise<Setup> {
  const health: ChannelHealth[] = [];
  const logs: LogLine[] = [];
  const kv = opts.kv ?? new Map<string, string>();
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  const ctx: PluginContext = {
    channelId: 3,
    platform: { metaGraphUrl: opts.platformUrl ?? graphUrl, metaGraphVersion: V },
    reportHealth: async (h) => void health.push(h),
    webhookUrl: "http://localhost:3000/webhooks/3",
    publicUrl: "http://localhost:3000/chat/3",
    secure: false,
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    now: () => NOW,
    kv: {
      get: async (k) => kv.get(k) ?? null,
      set: async (k, v) => void kv.set(k, v),
      delete: async (k) => void kv.delete(k),
    },
    transcript: async () => [],
  };
  const instance = await whatsappCloud.create(ctx, config(overrides));
  return { instance, ctx, health, logs, kv };
}

/** A webhook POST exactly as Meta sends it: escaped JSON, signed over those bytes. */
function signedPost(payload: unknown, secret = APP_SECRET, headers: Record<string, string> = {}): WebhookRequest {
  const text = typeof payload === "string" ? payload : metaJson(payload);
  return {
    method: "POST",
    url: new URL("http://localhost:3000/webhooks/3"),
    headers: new Headers({ "content-type": "application/json", "x-hub-signature-256": hubSignature256(secret, text), ...headers }),
    body: new TextEncoder().encode(text),
    clientAddress: "173.252.88.1",
  };
}

function handshakeReq(query: Record<string, string>): WebhookRequest {
  const url = new URL("http://localhost:3000/webhooks/3");
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return { method: "GET", url, headers: new Headers(), body: new Uint8Array(), clientAddress: "173.252.88.1" };
}

async function events(instance: ChannelInstance, payload: unknown): Promise<{ messages: NormalizedInbound[]; statuses: StatusUpdate[] }> {
  const r = await instance.handleWebhook(signedPost(payload));
  if (r.type !== "events") throw new Error(`expected events, got ${JSON.stringify(r)}`);
  return { messages: r.messages, statuses: r.statuses };
}

async function oneMessage(instance: ChannelInstance, payload: unknown): Promise<NormalizedInbound> {
  const { messages, statuses } = await events(instance, payload);
  expect(statuses).toEqual([]);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

const ctxWa = (over: Partial<WaCtx> = {}): WaCtx => ({
  wabaId: WABA,
  phoneNumberId: PNID,
  displayPhoneNumber: "15550783881",
  from: CUSTOMER,
  name: "Sheena Nelson",
  timestamp: "1749416383",
  id: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGRjA1",
  ...over,
});

/** The first message object of an envelope, as Meta sent it. */
const rawMessage = (env: { entry: { changes: { value: Record<string, unknown> }[] }[] }): unknown =>
  (env.entry[0]!.changes[0]!.value.messages as unknown[])[0];

function outbound(content: OutboundMessage["content"], extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { idempotencyKey: "k-1", to: CUSTOMER, lastInboundAt: NOW - 60_000, content, ...extra };
}

const text = (t: string) => ({ kind: "text", text: t }) as const;

/** Requests the fake recorded for one route (without the version), e.g. "/106540352242922/messages". */
const requestsTo = (route: string) => meta.requests.filter((r) => r.route === route);

/** A tiny server that answers every request the same way (non-JSON gateway errors). */
function stubServer(status: number, body: string, contentType = "text/html"): Server<unknown> {
  return Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body, { status, headers: { "content-type": contentType } }) });
}

// ------------------------------------------------------------------ manifest, schema, routing

describe("manifest and settings", () => {
  test("manifest declares the Cloud API's limits and capabilities", () => {
    expect(whatsappCloud.manifest).toEqual({
      id: "whatsapp-cloud",
      name: "WhatsApp Cloud API",
      version: "1.0.0",
      apiVersion: 1,
      capabilities: ["text", "media", "location", "contacts", "interactive", "reactions", "templates", "read_receipts", "delivery_status"],
      messagingWindowHours: 24,
      sendsPerSecond: 80,
      recipientGapMs: 600,
      description: whatsappCloud.manifest.description!,
    });
    expect(whatsappCloud.manifest.description!.es).toContain("WhatsApp");
    expect(whatsappCloud.manifest.description!.en).toContain("WhatsApp");
  });

  test("config schema: required ids and secrets, generated verify token, optional Graph overrides", () => {
    const s = whatsappCloud.configSchema;
    const p = s.properties!;
    expect(s.required).toEqual(["phoneNumberId", "wabaId", "accessToken", "appSecret"]);
    expect(Object.keys(p)).toEqual(["phoneNumberId", "wabaId", "accessToken", "appSecret", "verifyToken", "graphUrl", "graphVersion"]);
    expect(p.accessToken!.secret).toBe(true);
    expect(p.appSecret!.secret).toBe(true);
    expect(p.phoneNumberId!.secret).toBeUndefined();
    expect(p.verifyToken!.generate).toBe("token");
    const re = (k: string) => new RegExp(p[k]!.pattern as string);
    expect(re("phoneNumberId").test(PNID)).toBe(true);
    expect(re("phoneNumberId").test("+1 555 0783881")).toBe(false);
    expect(re("wabaId").test(WABA)).toBe(true);
    expect(re("graphVersion").test("v24.0")).toBe(true);
    expect(re("graphVersion").test("24.0")).toBe(false);
    expect(re("graphUrl").test("https://graph.facebook.com")).toBe(true);
    expect(re("graphUrl").test("ftp://graph.facebook.com")).toBe(false);
    for (const f of Object.values(p)) expect(typeof f.title).toBe("string");
    expect(p.accessToken!.title).toBe("Token de acceso");
  });

  test("routingKey is the phone_number_id; trustKey is the SHA-256 of the app secret", () => {
    expect(whatsappCloud.routingKey!(config())).toBe(PNID);
    const expected = createHash("sha256").update(APP_SECRET).digest("hex");
    expect(whatsappCloud.trustKey!(config())).toBe(expected);
    expect(whatsappCloud.trustKey!(config({ phoneNumberId: OTHER_PNID }))).toBe(expected);
    expect(whatsappCloud.trustKey!(config({ appSecret: "another-app" }))).not.toBe(expected);
    expect(whatsappCloud.trustKey!(config())).not.toContain(APP_SECRET);
  });

  test("per-channel graphUrl and graphVersion override the platform defaults", async () => {
    // The platform points nowhere: only the channel's own settings can reach the fake.
    const { instance } = await setup({ graphUrl: `${graphUrl}/`, graphVersion: "v23.0" }, { platformUrl: "http://127.0.0.1:9" });
    expect(await instance.testConnection!()).toEqual({ ok: true, detail: "Tienda Demo (+1 555-078-3881)" });
    expect(meta.requests.map((r) => r.path)).toEqual([`/v23.0/${PNID}`]);
  });

  test("without overrides the platform's Graph URL and version are used", async () => {
    const { instance } = await setup();
    await instance.testConnection!();
    expect(meta.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /${V}/${PNID}`]);
  });
});

// ------------------------------------------------------------------ webhook: handshake and signature

describe("webhook verification", () => {
  test("handshake with the right token echoes the challenge as text/plain", async () => {
    const { instance } = await setup();
    const r = await instance.handleWebhook(handshakeReq({ "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444" }));
    expect(r.type).toBe("challenge");
    if (r.type !== "challenge") return;
    expect(r.response.status).toBe(200);
    expect(r.response.headers.get("content-type")).toStartWith("text/plain");
    expect(await r.response.text()).toBe("1158201444");
  });

  test("handshake with a wrong token, wrong mode or no token configured is 403", async () => {
    const { instance } = await setup();
    const wrong = await instance.handleWebhook(handshakeReq({ "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1" }));
    expect(wrong).toEqual({ type: "rejected", status: 403, reason: expect.any(String) });
    const mode = await instance.handleWebhook(handshakeReq({ "hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1" }));
    expect(mode.type === "rejected" && mode.status).toBe(403);
    const { instance: noToken } = await setup({ verifyToken: "" });
    const empty = await noToken.handleWebhook(handshakeReq({ "hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1" }));
    expect(empty.type === "rejected" && empty.status).toBe(403);
  });

  test("the signature is checked over the raw escaped bytes (\\uXXXX), not re-serialised JSON", async () => {
    const { instance } = await setup();
    const body = "¿Lo tienen en azul? Señora Muñoz 👍 https://x.y/z";
    const payload = wa.text(ctxWa(), body);
    const escaped = metaJson(payload);
    expect(escaped).toContain("\\u00bfLo tienen");
    expect(escaped).toContain("\\ud83d\\udc4d");
    expect(escaped).toContain("https:\\/\\/x.y\\/z");
    const msg = await oneMessage(instance, escaped);
    expect(msg.content).toEqual({ kind: "text", text: body });

    // The same JSON signed unescaped is different bytes: Meta never sent those.
    const req = signedPost(escaped);
    req.headers.set("x-hub-signature-256", hubSignature256(APP_SECRET, JSON.stringify(payload)));
    expect(await instance.handleWebhook(req)).toEqual({ type: "rejected", status: 401, reason: expect.any(String) });
  });

  test("wrong, missing, malformed and stale-secret signatures are 401", async () => {
    const { instance } = await setup();
    const payload = wa.text(ctxWa(), "hola");
    expect((await instance.handleWebhook(signedPost(payload, "not-the-secret"))).type).toBe("rejected");
    const missing = signedPost(payload);
    missing.headers.delete("x-hub-signature-256");
    expect(await instance.handleWebhook(missing)).toEqual({ type: "rejected", status: 401, reason: "missing X-Hub-Signature-256" });
    const sha1Only = signedPost(payload);
    sha1Only.headers.set("x-hub-signature-256", sha1Only.headers.get("x-hub-signature-256")!.replace("sha256=", "sha1="));
    expect(await instance.handleWebhook(sha1Only)).toEqual({ type: "rejected", status: 401, reason: "bad X-Hub-Signature-256" });
    const tampered = signedPost(payload);
    tampered.body = new TextEncoder().encode(metaJson(wa.text(ctxWa(), "HOLA")));
    expect(await instance.handleWebhook(tampered)).toEqual({ type: "rejected", status: 401, reason: "bad X-Hub-Signature-256" });

    // The admin rotated the app secret: events signed with the old one are refused.
    const { instance: rotated } = await setup({ appSecret: "new-secret-after-rotation" });
    expect(await rotated.handleWebhook(signedPost(payload, APP_SECRET))).toEqual({ type: "rejected", status: 401, reason: "bad X-Hub-Signature-256" });
    expect((await rotated.handleWebhook(signedPost(payload, "new-secret-after-rotation"))).type).toBe("events");
  });

  test("over real HTTP: the fake's handshake and signed deliveries, good and bad", async () => {
    const { instance } = await setup();
    const seen: InboundResult[] = [];
    // Stands in for the core's webhook route: raw bytes in, the plugin's verdict out.
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const r = await instance.handleWebhook({
          method: req.method as "GET" | "POST",
          url: new URL(req.url),
          headers: req.headers,
          body: new Uint8Array(await req.arrayBuffer()),
          clientAddress: "127.0.0.1",
        });
        seen.push(r);
        if (r.type === "challenge") return r.response;
        if (r.type === "rejected") return new Response(r.reason, { status: r.status });
        return Response.json({ ok: true });
      },
    });
    try {
      const url = `http://127.0.0.1:${server.port}/webhooks/3`;
      expect(await meta.verifyHandshake(url, VERIFY, "98765")).toEqual({ status: 200, body: "98765", challenge: "98765" });
      expect((await meta.verifyHandshake(url, "nope", "98765")).status).toBe(403);
      const payload = wa.text(ctxWa(), "Ñandú 🐦");
      expect((await meta.deliver(url, payload, { appSecret: APP_SECRET })).map((d) => d.status)).toEqual([200]);
      expect((await meta.deliver(url, payload, { appSecret: APP_SECRET, badSignature: true, retries: 0 })).map((d) => d.status)).toEqual([401]);
      expect((await meta.deliver(url, payload, { noSignature: true, retries: 0 })).map((d) => d.status)).toEqual([401]);
      const delivered = seen.find((r) => r.type === "events");
      expect(delivered?.type === "events" && delivered.messages[0]!.content).toEqual({ kind: "text", text: "Ñandú 🐦" });
    } finally {
      await server.stop(true);
    }
  });

  test("bad JSON is 400; another object or a non-message field is ignored", async () => {
    const { instance } = await setup();
    expect(await instance.handleWebhook(signedPost("{not json"))).toEqual({ type: "rejected", status: 400, reason: "body is not JSON" });
    const page = await instance.handleWebhook(signedPost({ object: "page", entry: [] }));
    expect(page.type).toBe("ignored");
    const templateReview = {
      object: "whatsapp_business_account",
      entry: [{ id: WABA, changes: [{ field: "message_template_status_update", value: { event: "APPROVED", message_template_name: "order_update" } }] }],
    };
    expect(await instance.handleWebhook(signedPost(templateReview))).toEqual({ type: "ignored", reason: "no messages or statuses" });
  });
});

// ------------------------------------------------------------------ webhook: inbound messages

describe("inbound messages", () => {
  test("text: wamid, number, sender, profile name, timestamp in ms", async () => {
    const { instance } = await setup();
    const msg = await oneMessage(instance, wa.text(ctxWa(), "Does it come in another color?"));
    expect(msg).toEqual({
      externalId: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGRjA1",
      channelKey: PNID,
      from: CUSTOMER,
      profileName: "Sheena Nelson",
      timestamp: 1749416383000,
      content: { kind: "text", text: "Does it come in another color?" },
    });
  });

  test("a quoted reply carries the quoted wamid; a forward does not", async () => {
    const { instance } = await setup();
    const reply = await oneMessage(instance, wa.text(ctxWa({ context: { from: "15550783881", id: "wamid.QUOTED123" } }), "this one"));
    expect(reply.replyToExternalId).toBe("wamid.QUOTED123");
    const fwd = await oneMessage(instance, wa.text(ctxWa({ context: { forwarded: true } }), "look"));
    expect(fwd.replyToExternalId).toBeUndefined();
  });

  test("image, audio, video, document and sticker become media references", async () => {
    const { instance } = await setup();
    const image = await oneMessage(instance, wa.media(ctxWa(), "image", { id: "1479537139650973", mimeType: "image/jpeg", caption: "¿este modelo?" }));
    expect(image.content).toEqual({ kind: "media", mediaType: "image", ref: { id: "1479537139650973", mimeType: "image/jpeg" }, caption: "¿este modelo?" });
    const audio = await oneMessage(instance, wa.media(ctxWa(), "audio", { id: "4411", mimeType: "audio/ogg; codecs=opus", voice: true }));
    expect(audio.content).toEqual({ kind: "media", mediaType: "audio", ref: { id: "4411", mimeType: "audio/ogg; codecs=opus" } });
    const video = await oneMessage(instance, wa.media(ctxWa(), "video", { id: "4412", mimeType: "video/mp4" }));
    expect(video.content).toEqual({ kind: "media", mediaType: "video", ref: { id: "4412", mimeType: "video/mp4" } });
    const doc = await oneMessage(instance, wa.media(ctxWa(), "document", { id: "4413", mimeType: "application/pdf", filename: "factura-0042.pdf", caption: "la factura" }));
    expect(doc.content).toEqual({
      kind: "media",
      mediaType: "document",
      ref: { id: "4413", mimeType: "application/pdf" },
      caption: "la factura",
      filename: "factura-0042.pdf",
    });
    const sticker = await oneMessage(instance, wa.media(ctxWa(), "sticker", { id: "4414", mimeType: "image/webp", animated: true }));
    expect(sticker.content).toEqual({ kind: "media", mediaType: "sticker", ref: { id: "4414", mimeType: "image/webp" } });
  });

  test("location and contacts", async () => {
    const { instance } = await setup();
    const loc = await oneMessage(instance, wa.location(ctxWa(), { latitude: 19.4326, longitude: -99.1332, name: "Zócalo", address: "Plaza de la Constitución, CDMX" }));
    expect(loc.content).toEqual({ kind: "location", latitude: 19.4326, longitude: -99.1332, name: "Zócalo", address: "Plaza de la Constitución, CDMX" });
    const pin = await oneMessage(instance, wa.location(ctxWa(), { latitude: -34.6037, longitude: -58.3816 }));
    expect(pin.content).toEqual({ kind: "location", latitude: -34.6037, longitude: -58.3816 });
    const cards = await oneMessage(
      instance,
      wa.contacts(ctxWa(), [
        {
          name: { formatted_name: "Pablo Pérez", first_name: "Pablo", last_name: "Pérez" },
          phones: [
            { phone: "+52 55 1234 5678", wa_id: "5215512345678", type: "CELL" },
            { phone: "+52 55 8765 4321", type: "WORK" },
          ],
        },
        { name: { formatted_name: "Ana" } },
      ]),
    );
    expect(cards.content).toEqual({
      kind: "contacts",
      contacts: [
        { name: "Pablo Pérez", phones: ["+52 55 1234 5678", "+52 55 8765 4321"] },
        { name: "Ana", phones: [] },
      ],
    });
  });

  test("button and list replies, and template quick-reply buttons, become interactive replies", async () => {
    const { instance } = await setup();
    expect((await oneMessage(instance, wa.interactiveButtonReply(ctxWa(), "btn-yes", "Sí, confirmo"))).content).toEqual({
      kind: "interactive_reply",
      id: "btn-yes",
      title: "Sí, confirmo",
    });
    expect((await oneMessage(instance, wa.interactiveListReply(ctxWa(), "row-ventas", "Ventas", "Hablar con ventas"))).content).toEqual({
      kind: "interactive_reply",
      id: "row-ventas",
      title: "Ventas",
    });
    expect((await oneMessage(instance, wa.button(ctxWa(), "Dejar de recibir", "STOP_PROMOS"))).content).toEqual({
      kind: "interactive_reply",
      id: "STOP_PROMOS",
      title: "Dejar de recibir",
    });
  });

  test("reactions, including a removed one (no emoji)", async () => {
    const { instance } = await setup();
    expect((await oneMessage(instance, wa.reaction(ctxWa(), "wamid.OURS1", "❤️"))).content).toEqual({
      kind: "reaction",
      emoji: "❤️",
      targetExternalId: "wamid.OURS1",
    });
    expect((await oneMessage(instance, wa.reaction(ctxWa({ id: "wamid.R2" }), "wamid.OURS1"))).content).toEqual({
      kind: "reaction",
      emoji: "",
      targetExternalId: "wamid.OURS1",
    });
  });

  test("unknown types, Meta's own 'unsupported' and malformed messages are kept as unsupported with the raw JSON", async () => {
    const { instance } = await setup();
    const order = wa.unknown(ctxWa(), "order", { catalog_id: "123", product_items: [{ product_retailer_id: "sku-1", quantity: 2 }] });
    const o = await oneMessage(instance, order);
    expect(o.content).toEqual({ kind: "unsupported", raw: rawMessage(order) });
    expect(o.externalId).toBe("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGRjA1");
    expect(o.from).toBe(CUSTOMER);

    const unsupported = wa.unknown(ctxWa(), "unsupported");
    expect((await oneMessage(instance, unsupported)).content).toEqual({ kind: "unsupported", raw: rawMessage(unsupported) });

    // An image without a media id cannot be fetched: keep what came, do not drop it.
    const broken = wa.text(ctxWa(), "x");
    const m = rawMessage(broken) as Record<string, unknown>;
    delete m.text;
    m.type = "image";
    m.image = { mime_type: "image/jpeg" };
    expect((await oneMessage(instance, broken)).content).toEqual({ kind: "unsupported", raw: m });

    // Flows answers are not plain replies.
    const nfm = wa.unknown(ctxWa(), "interactive", { type: "nfm_reply", nfm_reply: { response_json: "{}", name: "flow" } });
    expect((await oneMessage(instance, nfm)).content).toEqual({ kind: "unsupported", raw: rawMessage(nfm) });
  });

  test("newer payloads without wa_id / from use from_user_id and contacts[].user_id", async () => {
    const { instance } = await setup();
    const msg = await oneMessage(instance, wa.text(ctxWa({ omitWaId: true, userId: "US.13491208655302741918", username: "sheena" }), "hi"));
    expect(msg.from).toBe("US.13491208655302741918");
    expect(msg.profileName).toBe("Sheena Nelson");
  });

  test("every entry, change, message and status is read, each with its own number", async () => {
    const { instance } = await setup();
    const other = ctxWa({ phoneNumberId: OTHER_PNID, from: "5215512345678", name: "Pablo", id: "wamid.OTHER1" });
    const batch = wa.batch(
      wa.text(ctxWa({ id: "wamid.A1" }), "uno"),
      wa.text(ctxWa({ id: "wamid.A2" }), "dos"),
      wa.text(other, "tres"),
      wa.status(ctxWa(), "wamid.OUT9", "delivered"),
    );
    const { messages, statuses } = await events(instance, batch);
    expect(messages.map((m) => [m.externalId, m.channelKey, m.from, m.profileName, m.content])).toEqual([
      ["wamid.A1", PNID, CUSTOMER, "Sheena Nelson", { kind: "text", text: "uno" }],
      ["wamid.A2", PNID, CUSTOMER, "Sheena Nelson", { kind: "text", text: "dos" }],
      ["wamid.OTHER1", OTHER_PNID, "5215512345678", "Pablo", { kind: "text", text: "tres" }],
    ]);
    expect(statuses).toEqual([{ externalId: "wamid.OUT9", channelKey: PNID, status: "delivered", timestamp: 1749416383000 }]);
  });
});

// ------------------------------------------------------------------ webhook: statuses

describe("statuses", () => {
  test("sent, delivered, read, and played (voice message listened) as read", async () => {
    const { instance } = await setup();
    const c = ctxWa({ timestamp: "1749416400" });
    const { statuses } = await events(
      instance,
      wa.batch(
        wa.status(c, "wamid.S1", "sent", { pricing: true }),
        wa.status(c, "wamid.S1", "delivered"),
        wa.status(c, "wamid.S1", "read"),
        wa.status(c, "wamid.S2", "played"),
      ),
    );
    expect(statuses).toEqual([
      { externalId: "wamid.S1", channelKey: PNID, status: "sent", timestamp: 1749416400000 },
      { externalId: "wamid.S1", channelKey: PNID, status: "delivered", timestamp: 1749416400000 },
      { externalId: "wamid.S1", channelKey: PNID, status: "read", timestamp: 1749416400000 },
      { externalId: "wamid.S2", channelKey: PNID, status: "read", timestamp: 1749416400000 },
    ]);
  });

  test("failed 131047 is outside_window with Meta's explanation; unknown codes pass through", async () => {
    const { instance } = await setup();
    const { statuses } = await events(
      instance,
      wa.batch(wa.status(ctxWa(), "wamid.F1", "failed", { errors: [131047] }), wa.status(ctxWa(), "wamid.F2", "failed", { errors: [131026] })),
    );
    expect(statuses[0]).toEqual({
      externalId: "wamid.F1",
      channelKey: PNID,
      status: "failed",
      timestamp: 1749416383000,
      error: {
        code: "outside_window",
        message: "Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
      },
    });
    expect(statuses[1]!.error!.code).toBe("undeliverable");

    const unknown = await events(
      instance,
      wa.status(ctxWa(), "wamid.F3", "failed", { errors: [{ code: 131042, title: "Business eligibility payment issue", message: "Business eligibility payment issue" }] }),
    );
    expect(unknown.statuses[0]!.error).toEqual({ code: "131042", message: "Business eligibility payment issue" });
  });
});

// ------------------------------------------------------------------ outbound

describe("send", () => {
  test("text: exact Cloud API body with Bearer token, wamid returned", async () => {
    const { instance } = await setup();
    const r = await instance.send(outbound(text("Hola Sheena, sí lo tenemos en azul 💙")));
    const [sent] = meta.sent(PNID);
    expect(sent).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: CUSTOMER,
      type: "text",
      text: { preview_url: false, body: "Hola Sheena, sí lo tenemos en azul 💙" },
    });
    expect(r).toEqual({ ok: true, externalId: meta.outbox[0]!.id! });
    expect(r.ok && r.externalId).toStartWith("wamid.");
    const req = requestsTo(`/${PNID}/messages`)[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/${V}/${PNID}/messages`);
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers["content-type"]).toStartWith("application/json");
    expect(req.query).toEqual({});
  });

  test("a reply quotes the customer's message", async () => {
    const { instance } = await setup();
    await instance.send(outbound(text("Claro"), { replyToExternalId: "wamid.CUSTOMER1" }));
    expect(meta.sent(PNID)[0]).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: CUSTOMER,
      type: "text",
      text: { preview_url: false, body: "Claro" },
      context: { message_id: "wamid.CUSTOMER1" },
    });
  });

  test("text over 4096 characters is refused before calling Meta", async () => {
    const { instance } = await setup();
    const r = await instance.send(outbound(text("a".repeat(4097))));
    expect(r).toEqual({ ok: false, retryable: false, reason: expect.stringContaining("4096"), code: "invalid" });
    expect(meta.requests).toEqual([]);
    expect((await instance.send(outbound(text("a".repeat(4096))))).ok).toBe(true);
  });

  test("image: uploads the bytes multipart, then sends by media id with the caption", async () => {
    const { instance } = await setup();
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
    let reads = 0;
    const r = await instance.send(
      outbound({
        kind: "media",
        mediaType: "image",
        url: "http://localhost:3000/media/9?sig=x",
        mimeType: "image/png",
        caption: "El modelo azul",
        read: async () => (reads++, new Blob([bytes])),
      }),
    );
    expect(reads).toBe(1);
    const upload = requestsTo(`/${PNID}/media`);
    expect(upload).toHaveLength(1);
    expect(upload[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upload[0]!.headers["content-type"]).toStartWith("multipart/form-data");
    expect(upload[0]!.body).toEqual({ messaging_product: "whatsapp", type: "image/png", file: { filename: "image.png", type: "image/png", size: bytes.length } });
    const mediaId = (upload[0]!.response as { id: string }).id;
    expect([...meta.media.get(mediaId)!.bytes]).toEqual([...bytes]);
    expect(meta.sent(PNID)).toEqual([
      { messaging_product: "whatsapp", recipient_type: "individual", to: CUSTOMER, type: "image", image: { id: mediaId, caption: "El modelo azul" } },
    ]);
    expect(r).toEqual({ ok: true, externalId: meta.outbox[0]!.id! });
  });

  test("document keeps its filename; audio takes no caption", async () => {
    const { instance } = await setup();
    const pdf = new Blob(["%PDF-1.4 factura"], { type: "application/pdf" });
    await instance.send(
      outbound({ kind: "media", mediaType: "document", url: "http://x/1", mimeType: "application/pdf", caption: "Tu factura", filename: "factura-0042.pdf", read: async () => pdf }),
    );
    const docUpload = requestsTo(`/${PNID}/media`)[0]!;
    expect(docUpload.body).toEqual({ messaging_product: "whatsapp", type: "application/pdf", file: { filename: "factura-0042.pdf", type: "application/pdf", size: pdf.size } });
    const docId = (docUpload.response as { id: string }).id;
    await instance.send(
      outbound({ kind: "media", mediaType: "audio", url: "http://x/2", mimeType: "audio/ogg", caption: "ignored", read: async () => new Blob(["OggS"]) }),
    );
    const audioId = (requestsTo(`/${PNID}/media`)[1]!.response as { id: string }).id;
    expect(meta.sent(PNID)).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: CUSTOMER,
        type: "document",
        document: { id: docId, caption: "Tu factura", filename: "factura-0042.pdf" },
      },
      { messaging_product: "whatsapp", recipient_type: "individual", to: CUSTOMER, type: "audio", audio: { id: audioId } },
    ]);
  });

  test("a failed upload is mapped like any Graph error and nothing is sent", async () => {
    const { instance } = await setup();
    const r = await instance.send(
      outbound({ kind: "media", mediaType: "image", url: "http://x/1", mimeType: "image/gif", read: async () => new Blob(["GIF89a"]) }),
    );
    expect(r).toMatchObject({ ok: false, retryable: false, code: "invalid" });
    expect(!r.ok && r.reason).toContain("(#100) Invalid parameter");
    expect(meta.sent(PNID)).toEqual([]);
  });

  test("reaction", async () => {
    const { instance } = await setup();
    const r = await instance.send(outbound({ kind: "reaction", emoji: "👍", targetExternalId: "wamid.CUSTOMER7" }));
    expect(r.ok).toBe(true);
    expect(meta.sent(PNID)).toEqual([
      { messaging_product: "whatsapp", recipient_type: "individual", to: CUSTOMER, type: "reaction", reaction: { message_id: "wamid.CUSTOMER7", emoji: "👍" } },
    ]);
  });

  test("template with body parameters, and without any (no components)", async () => {
    meta.addTemplate(WABA, { name: "order_update", language: "es", body: "Hola {{1}}, tu pedido {{2}} está en camino." });
    meta.addTemplate(WABA, { name: "hello_world", language: "en_US", body: "Hello World" });
    const { instance } = await setup();
    const r1 = await instance.send(outbound({ kind: "template", name: "order_update", language: "es", parameters: ["Pablo", "#1042"] }));
    const r2 = await instance.send(outbound({ kind: "template", name: "hello_world", language: "en_US", parameters: [] }));
    expect(r1.ok && r2.ok).toBe(true);
    expect(meta.sent(PNID)).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: CUSTOMER,
        type: "template",
        template: {
          name: "order_update",
          language: { code: "es" },
          components: [{ type: "body", parameters: [{ type: "text", text: "Pablo" }, { type: "text", text: "#1042" }] }],
        },
      },
      { messaging_product: "whatsapp", recipient_type: "individual", to: CUSTOMER, type: "template", template: { name: "hello_world", language: { code: "en_US" } } },
    ]);
  });

  test("markRead posts Meta's read receipt for the wamid", async () => {
    const { instance } = await setup();
    await instance.markRead!(CUSTOMER, "wamid.CUSTOMER9");
    expect(meta.sent(PNID, { actions: true })).toEqual([{ messaging_product: "whatsapp", status: "read", message_id: "wamid.CUSTOMER9" }]);
    expect(requestsTo(`/${PNID}/messages`)[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    meta.failNext(100);
    await expect(instance.markRead!(CUSTOMER, "wamid.X")).rejects.toThrow("(#100) Invalid parameter");
  });
});

// ------------------------------------------------------------------ error mapping

describe("send errors are mapped by Meta's code", () => {
  const detailsOf = (code: keyof typeof META_ERRORS) => {
    const e = (META_ERRORS[code] as MetaErrorSpec).body.error;
    return `${e.message}: ${e.error_data!.details}`;
  };

  test("130429 throughput: retryable rate_limited after ~2 s", async () => {
    const { instance } = await setup();
    meta.failNext(130429);
    expect(await instance.send(outbound(text("hola")))).toEqual({
      ok: false,
      retryable: true,
      reason: "(#130429) Rate limit hit: Cloud API message throughput has been reached.",
      retryAfterMs: 2000,
      code: "rate_limited",
    });
  });

  test("131056 pair rate limit: retryable rate_limited after ~6 s", async () => {
    const { instance } = await setup();
    meta.failNext(131056);
    expect(await instance.send(outbound(text("hola")))).toEqual({ ok: false, retryable: true, reason: detailsOf(131056), retryAfterMs: 6000, code: "rate_limited" });
  });

  test("permanent classes: 131047 outside_window, 131026 undeliverable, 100 invalid, 368/131049/131050 policy, 132000/132001 template", async () => {
    const { instance } = await setup();
    const cases: [keyof typeof META_ERRORS, string][] = [
      [131047, "outside_window"],
      [131026, "undeliverable"],
      [100, "invalid"],
      [368, "policy"],
      [131049, "policy"],
      [131050, "policy"],
      [132000, "template"],
      [132001, "template"],
    ];
    for (const [code, expected] of cases) {
      meta.failNext(code);
      expect({ code, result: await instance.send(outbound(text("hola"))) }).toEqual({
        code,
        result: { ok: false, retryable: false, reason: detailsOf(code), code: expected },
      });
    }
  });

  test("an unknown Meta code is permanent and passed on as is", async () => {
    const { instance } = await setup();
    meta.failNext({
      status: 400,
      body: { error: { message: "(#131042) Business eligibility payment issue", type: "OAuthException", code: 131042, fbtrace_id: "AbC" } },
    });
    expect(await instance.send(outbound(text("hola")))).toEqual({ ok: false, retryable: false, reason: "(#131042) Business eligibility payment issue", code: "131042" });
  });

  test("190 expired token: channel needs attention, permanent token_expired; the next success reports active", async () => {
    const kv = new Map<string, string>();
    const { instance, health } = await setup({}, { kv });
    meta.failNext(190);
    const r = await instance.send(outbound(text("hola")));
    const reason = META_ERRORS[190].body.error.message;
    expect(r).toEqual({ ok: false, retryable: false, reason, code: "token_expired" });
    expect(health).toEqual([{ status: "needs_attention", reason }]);

    // The admin pastes a new token: the channel is rebuilt, and its first good call clears the flag.
    const again = await setup({}, { kv });
    expect((await again.instance.send(outbound(text("hola")))).ok).toBe(true);
    expect(again.health).toEqual([{ status: "active" }]);
    expect((await again.instance.send(outbound(text("otra")))).ok).toBe(true);
    expect(again.health).toEqual([{ status: "active" }]);
  });

  test("a token Meta does not know is reported the same way; a healthy channel reports nothing", async () => {
    const { instance, health } = await setup({ accessToken: "EAAG-revoked" });
    const r = await instance.send(outbound(text("hola")));
    expect(r).toMatchObject({ ok: false, retryable: false, code: "token_expired" });
    expect(health).toEqual([{ status: "needs_attention", reason: expect.stringContaining("Error validating access token") }]);
    const fine = await setup();
    await fine.instance.send(outbound(text("hola")));
    expect(fine.health).toEqual([]);
  });

  test("transient: code 2 (HTTP 500, is_transient) is retryable", async () => {
    const { instance } = await setup();
    meta.failNext(2);
    expect(await instance.send(outbound(text("hola")))).toEqual({
      ok: false,
      retryable: true,
      reason: "An unexpected error has occurred. Please retry your request later.",
      code: "unavailable",
    });
    expect((await instance.send(outbound(text("hola")))).ok).toBe(true);
  });

  test("a 5xx without a Graph envelope (gateway page) and an unreachable Graph are retryable", async () => {
    const gateway = stubServer(502, "<html><body>Bad Gateway</body></html>");
    try {
      const { instance } = await setup({ graphUrl: `http://127.0.0.1:${gateway.port}` });
      expect(await instance.send(outbound(text("hola")))).toEqual({ ok: false, retryable: true, reason: "The Graph API answered HTTP 502", code: "unavailable" });
    } finally {
      await gateway.stop(true);
    }
    const { instance: offline } = await setup({ graphUrl: "http://127.0.0.1:9" });
    const r = await offline.send(outbound(text("hola")));
    expect(r).toMatchObject({ ok: false, retryable: true, code: "unavailable" });
    expect(!r.ok && r.reason).toStartWith("Could not reach the Graph API");
  });
});

// ------------------------------------------------------------------ templates, connection, media

describe("templates, connection test and media download", () => {
  test("listTemplates follows the paging cursors and reads the body's parameters", async () => {
    for (let i = 0; i < 104; i++) meta.addTemplate(WABA, { name: `promo_${String(i).padStart(3, "0")}`, language: "es", category: "MARKETING", body: `Oferta ${i}` });
    const last = meta.addTemplate(WABA, {
      name: "order_update",
      language: "es_MX",
      status: "PENDING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Pedido {{1}}" },
        { type: "BODY", text: "Hola {{1}}, tu pedido {{2}} llega el {{3}}. Gracias, {{1}}." },
        { type: "FOOTER", text: "Tienda Demo" },
      ],
    });
    const { instance } = await setup();
    const list = await instance.listTemplates!();
    expect(list).toHaveLength(105);
    expect(list[0]).toEqual({
      name: "promo_000",
      language: "es",
      category: "MARKETING",
      status: "APPROVED",
      body: "Oferta 0",
      parameterCount: 0,
      raw: meta.templates.get(WABA)![0],
    });
    expect(list[104]).toEqual({
      name: "order_update",
      language: "es_MX",
      category: "UTILITY",
      status: "PENDING",
      body: "Hola {{1}}, tu pedido {{2}} llega el {{3}}. Gracias, {{1}}.",
      parameterCount: 3,
      raw: last,
    });
    const calls = requestsTo(`/${WABA}/message_templates`);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.query).toEqual({ limit: "100" });
    expect(calls[1]!.query.limit).toBe("100");
    expect(calls[1]!.query.after).toBe((calls[0]!.response as { paging: { cursors: { after: string } } }).paging.cursors.after);
    expect(calls.every((c) => c.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test("listTemplates throws Meta's message on failure", async () => {
    const { instance } = await setup();
    meta.failNext(`/${WABA}/message_templates`, 100);
    await expect(instance.listTemplates!()).rejects.toThrow("(#100) Invalid parameter");
  });

  test("testConnection shows the verified name and number, or Meta's error", async () => {
    const { instance } = await setup();
    expect(await instance.testConnection!()).toEqual({ ok: true, detail: "Tienda Demo (+1 555-078-3881)" });
    expect(requestsTo(`/${PNID}`)[0]!.query).toEqual({ fields: "display_phone_number,verified_name" });
    const { instance: bad, health } = await setup({ accessToken: "EAAG-revoked" });
    const r = await bad.testConnection!();
    expect(r.ok).toBe(false);
    expect(r.detail).toStartWith("Error validating access token");
    expect(health).toEqual([{ status: "needs_attention", reason: r.detail }]);
  });

  test("fetchMedia resolves the id, then downloads the URL with the same Bearer header", async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6, 5]);
    const id = meta.addMedia({ bytes, mimeType: "image/jpeg" });
    const { instance } = await setup();
    const blob = await instance.fetchMedia!({ id, mimeType: "image/jpeg" });
    expect(blob.type).toBe("image/jpeg");
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([...bytes]);
    expect(meta.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([`GET /${id} 200`, `GET /download/${id} 200`]);
    expect(meta.requests[0]!.path).toBe(`/${V}/${id}`);
    expect(meta.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  test("fetchMedia throws a readable error for an unknown id or a failed download", async () => {
    const { instance } = await setup();
    await expect(instance.fetchMedia!({ id: "999000111" })).rejects.toThrow("WhatsApp media 999000111: Unsupported get request");
    const id = meta.addMedia({ bytes: "OggS", mimeType: "audio/ogg" });
    meta.failNext(/^\/download\//, 190);
    await expect(instance.fetchMedia!({ id })).rejects.toThrow(`WhatsApp media ${id}: download failed: Error validating access token`);
  });
});
