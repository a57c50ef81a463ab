import { describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import type { ChannelInstance, PluginContext, PublicRequest, TranscriptEntry, WebhookRequest } from "../../core/channels/contract.ts";
import webchat, { type WebchatConfig } from "../../plugins/webchat/index.ts";
import { VisitorStreams } from "../../plugins/webchat/streams.ts";

const BASE = "http://localhost:3000";
const CHANNEL = 7;
const START = Date.UTC(2026, 0, 15, 12);

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
  transcripts: Map<string, TranscriptEntry[]>;
  transcriptCalls: { customerId: string; limit?: number }[];
}

async function setup(config: WebchatConfig = {}, opts: { secure?: boolean; failTranscript?: boolean } = {}): Promise<Setup> {
  const clock = { t: START };
  const logs: LogLine[] = [];
  const store = new Map<string, string>();
  const transcripts = new Map<string, TranscriptEntry[]>();
  const transcriptCalls: { customerId: string; limit?: number }[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  const ctx: PluginContext = {
    channelId: CHANNEL,
    webhookUrl: `${BASE}/webhooks/${CHANNEL}`,
    publicUrl: `${BASE}/chat/${CHANNEL}`,
    secure: opts.secure ?? false,
    platform: { metaGraphUrl: "https://graph.facebook.com", metaGraphVersion: "v24.0" },
    reportHealth: async () => {},
    fetch,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    now: () => clock.t,
    kv: {
      get: async (k) => store.get(k) ?? null,
      set: async (k, v) => void store.set(k, v),
      delete: async (k) => void store.delete(k),
    },
    transcript: async (customerId, limit) => {
      transcriptCalls.push({ customerId, limit });
      if (opts.failTranscript) throw new Error("database is locked");
      return transcripts.get(customerId) ?? [];
    },
  };
  const instance = await webchat.create(ctx, config);
  return { instance, ctx, clock, logs, transcripts, transcriptCalls };
}

function publicReq(path: string, init: { headers?: Record<string, string>; query?: string; method?: "GET" | "POST"; signal?: AbortSignal } = {}): PublicRequest {
  return {
    method: init.method ?? "GET",
    url: new URL(`${BASE}/chat/${CHANNEL}${path ? `/${path}` : ""}${init.query ?? ""}`),
    headers: new Headers(init.headers),
    body: new Uint8Array(),
    clientAddress: "203.0.113.9",
    path,
    signal: init.signal ?? new AbortController().signal,
  };
}

function hook(
  body: unknown,
  init: { cookie?: string; headers?: Record<string, string>; address?: string; raw?: Uint8Array; method?: "GET" | "POST" } = {},
): WebhookRequest {
  const headers = new Headers({ "content-type": "application/json", ...init.headers });
  if (init.cookie) headers.set("cookie", init.cookie);
  return {
    method: init.method ?? "POST",
    url: new URL(`${BASE}/webhooks/${CHANNEL}`),
    headers,
    body: init.raw ?? new TextEncoder().encode(JSON.stringify(body)),
    clientAddress: init.address ?? "203.0.113.9",
  };
}

interface Visitor {
  token: string;
  cookie: string;
  customerId: string;
  response: Response;
}

/** Opens the chat page like a browser and keeps the cookie it sets. */
async function visit(instance: ChannelInstance, headers: Record<string, string> = {}, query = ""): Promise<Visitor> {
  const response = await instance.handlePublic!(publicReq("", { headers, query }));
  const first = response.headers.getSetCookie()[0]!;
  const token = first.slice(`charla_wc_${CHANNEL}=`.length).split(";")[0]!;
  return {
    token,
    cookie: `charla_wc_${CHANNEL}=${token}`,
    customerId: createHash("sha256").update(token).digest("hex").slice(0, 32),
    response,
  };
}

function entry(over: Partial<TranscriptEntry>): TranscriptEntry {
  return {
    id: 1,
    direction: "out",
    author: "agent",
    kind: "text",
    text: "hola",
    mediaUrl: null,
    mediaType: null,
    filename: null,
    status: "sent",
    externalId: null,
    createdAt: START - 60_000,
    ...over,
  };
}

const message = (clientId: string, text = "Hola, quiero información", extra: Record<string, unknown> = {}) => ({ type: "message", clientId, text, ...extra });

/** Reads a stream until `until` matches the text read so far (or a second passes). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 1000;
  while (!until(text)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`stream timed out; read so far: ${JSON.stringify(text)}`);
    const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)]);
    if (!chunk) continue;
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe("web chat: manifest and settings", () => {
  test("the manifest and config schema the core builds the settings form from", () => {
    expect(webchat.manifest).toMatchObject({ id: "webchat", name: "Web chat", apiVersion: 1, sendsPerSecond: 50 });
    expect([...webchat.manifest.capabilities]).toEqual(["text", "media", "read_receipts", "delivery_status"]);
    expect(webchat.manifest.description?.es).toContain("sitio web");
    const props = webchat.configSchema.properties!;
    expect(Object.keys(props)).toEqual(["title", "welcomeMessage", "askName", "askPhone", "color", "allowedOrigins"]);
    for (const [key, p] of Object.entries(props)) {
      expect(typeof p.title, key).toBe("string");
      expect(p.secret, key).toBeUndefined();
    }
    expect(props.askName!.type).toBe("boolean");
    expect(props.askName!.default).toBe(true);
    expect(webchat.configSchema.required).toEqual([]);
  });
});

describe("web chat: the hosted page", () => {
  test("a first visit sets the visitor cookie on the page and webhook paths, Lax over http", async () => {
    const { instance } = await setup();
    const v = await visit(instance);
    expect(v.response.status).toBe(200);
    expect(v.response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(v.response.headers.get("cache-control")).toBe("no-store");
    expect(v.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(v.token, "base64url").length).toBe(32);
    expect(v.response.headers.getSetCookie()).toEqual([
      `charla_wc_7=${v.token}; Path=/chat/7; Max-Age=31536000; HttpOnly; SameSite=Lax`,
      `charla_wc_7=${v.token}; Path=/webhooks/7; Max-Age=31536000; HttpOnly; SameSite=Lax`,
    ]);
    // Two visits without a cookie are two visitors.
    expect((await visit(instance)).token).not.toBe(v.token);
  });

  test("over https the cookie is SameSite=None, Secure and Partitioned so the iframe keeps it", async () => {
    const { instance } = await setup({}, { secure: true });
    const v = await visit(instance);
    for (const c of v.response.headers.getSetCookie()) expect(c).toEndWith("; HttpOnly; SameSite=None; Secure; Partitioned");
  });

  test("a returning visitor keeps the same token and sees the transcript so far", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    s.transcripts.set(v.customerId, [
      entry({ id: 1, direction: "in", author: "customer", text: "¿Tienen envíos a Lima?", externalId: `wc-in-${v.customerId}-abcdefgh` }),
      entry({ id: 2, text: "Sí, en 48 horas", externalId: "wc-out-9" }),
      entry({ id: 3, kind: "media", text: null, mediaUrl: `${BASE}/media/3?sig=x`, mediaType: "image/png", filename: "tarifas.png", externalId: "wc-out-10" }),
      // Still in the outbox: it will arrive through the stream, so it is not listed.
      entry({ id: 4, text: "en camino", status: "pending", externalId: null }),
    ]);
    const again = await s.instance.handlePublic!(publicReq("", { headers: { cookie: v.cookie } }));
    expect(again.headers.getSetCookie()[0]).toStartWith(`charla_wc_7=${v.token}; `);
    const html = await again.text();
    expect(html).toContain("¿Tienen envíos a Lima?");
    expect(html).toContain("Sí, en 48 horas");
    expect(html).toContain(`<img class="wc-media" src="${BASE}/media/3?sig=x" alt="tarifas.png"`);
    expect(html).toContain('data-external-id="wc-out-9"');
    expect(html).not.toContain("en camino");
    // Someone who already wrote is not asked for the name again.
    expect(html).not.toContain('id="wc-prechat"');
    expect(s.transcriptCalls).toEqual([{ customerId: v.customerId, limit: 100 }]);
  });

  test("Spanish by default, English from Accept-Language", async () => {
    const { instance } = await setup();
    const es = await (await visit(instance)).response.text();
    expect(es).toContain('<html lang="es">');
    expect(es).toContain("¡Hola! ¿En qué podemos ayudarte?");
    expect(es).toContain("Tu nombre");
    expect(es).toContain(">Enviar</button>");
    expect(es).toContain("Estás enviando mensajes muy rápido");

    const en = await (await visit(instance, { "accept-language": "fr-FR, en-GB;q=0.8, es;q=0.5" })).response.text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("Hi! How can we help you?");
    expect(en).toContain("Your name");
    expect(en).toContain(">Send</button>");
    expect(en).toContain("You are sending messages too fast");

    const esFirst = await (await visit(instance, { "accept-language": "en;q=0.4, es-MX" })).response.text();
    expect(esFirst).toContain('<html lang="es">');
  });

  test("title, welcome message and transcript text are escaped; no inline script or handler", async () => {
    const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;
    const s = await setup({ title: hostile, welcomeMessage: hostile, color: `red;}</style><script>alert(3)</script>` });
    const v = await visit(s.instance);
    s.transcripts.set(v.customerId, [entry({ text: hostile, externalId: "wc-out-1" }), entry({ id: 2, mediaUrl: "javascript:alert(4)", mediaType: "image/png", externalId: "wc-out-2" })]);
    const html = await (await s.instance.handlePublic!(publicReq("", { headers: { cookie: v.cookie } }))).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("javascript:");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.match(/&lt;script&gt;alert\(1\)/g)!.length).toBe(4); // <title>, <h1>, welcome, transcript
    // An invalid colour falls back to the default instead of reaching the style attribute.
    expect(html).toContain('style="--wc-brand: #0f766e"');
    // Every <script> loads a file; no on* attributes anywhere.
    const scripts = html.match(/<script\b[^>]*>/g)!;
    expect(scripts).toEqual([`<script src="${BASE}/chat/7/chat.js?v=1.0.0" defer>`]);
    for (const tag of html.match(/<[a-z][^>]*>/gi)!) expect(tag).not.toMatch(/\son[a-z]+=/i);
  });

  test("the page hands chat.js its URLs and strings in data attributes", async () => {
    const { instance } = await setup();
    const html = await (await visit(instance)).response.text();
    expect(html).toContain(`data-webhook-url="${BASE}/webhooks/7"`);
    expect(html).toContain(`data-stream-url="${BASE}/chat/7/stream"`);
    expect(html).toContain(`data-transcript-url="${BASE}/chat/7/transcript"`);
    const strings = JSON.parse(html.match(/data-strings="([^"]*)"/)![1]!.replaceAll("&#34;", '"').replaceAll("&amp;", "&")) as Record<string, string>;
    expect(strings.sending).toBe("Enviando…");
    expect(strings.rateLimited).toStartWith("Estás enviando mensajes muy rápido");
  });

  test("the pre-chat form follows askName / askPhone", async () => {
    const both = await (await visit((await setup({ askPhone: true })).instance)).response.text();
    expect(both).toContain('id="wc-prechat"');
    expect(both).toContain('name="name"');
    expect(both).toContain('name="phone"');
    const none = await (await visit((await setup({ askName: false })).instance)).response.text();
    expect(none).not.toContain('id="wc-prechat"');
    expect(none).not.toContain('name="name"');
  });

  test("the page still opens when the transcript cannot be read, and the failure is logged", async () => {
    const s = await setup({}, { failTranscript: true });
    const v = await visit(s.instance);
    const res = await s.instance.handlePublic!(publicReq("", { headers: { cookie: v.cookie } }));
    expect(res.status).toBe(200);
    expect(s.logs.find((l) => l.level === "error")).toEqual({ level: "error", msg: "web chat: could not load a transcript", fields: { error: "database is locked" } });
  });

  test("frame-ancestors: 'self' for the page, * or the allowed origins for the embed", async () => {
    const open = await setup();
    const page = (await visit(open.instance)).response.headers.get("content-security-policy")!;
    expect(page).toContain("frame-ancestors 'self'");
    expect(page).toContain("script-src 'self' http://localhost:3000");
    expect(page).toContain("default-src 'none'");
    const anyEmbed = (await visit(open.instance, {}, "?embed=1")).response;
    expect(anyEmbed.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(await anyEmbed.text()).toContain('class="wc-close"');

    const shop = await setup({ allowedOrigins: "https://shop.example, https://www.shop.example/catalog  not a url;frame-src *" });
    const embed = (await visit(shop.instance, {}, "?embed=1")).response.headers.get("content-security-policy")!;
    expect(embed).toEndWith("frame-ancestors https://shop.example https://www.shop.example");
    expect(shop.logs.filter((l) => l.level === "warn").map((l) => l.fields?.origin)).toEqual(["not", "a", "url;frame-src", "*"]);
  });

  test("unknown paths are 404, POST on a page is 405", async () => {
    const { instance } = await setup();
    expect((await instance.handlePublic!(publicReq("admin"))).status).toBe(404);
    expect((await instance.handlePublic!(publicReq("../webhooks/7"))).status).toBe(404);
    const post = await instance.handlePublic!(publicReq("", { method: "POST" }));
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});

describe("web chat: scripts", () => {
  test("widget.js is JavaScript with the channel's URL and colour written in", async () => {
    const { instance } = await setup({ color: "#1d4ed8", title: "Tienda Sol" });
    const res = await instance.handlePublic!(publicReq("widget.js"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const js = await res.text();
    expect(js).toContain(`var config = {"url":"${BASE}/chat/7","color":"#1d4ed8","title":"Tienda Sol"};`);
    expect(js).not.toContain("/*@config*/");
    expect(js).toContain('frame.src = config.url + "?embed=1"');
    // The served file parses as a script.
    expect(() => new Function(js)).not.toThrow();
  });

  test("chat.js and chat.css are served from the plugin's assets", async () => {
    const { instance } = await setup();
    const js = await instance.handlePublic!(publicReq("chat.js", { query: "?v=1.0.0" }));
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const source = await js.text();
    expect(source).toContain("new EventSource(streamUrl)");
    expect(source).toContain('credentials: "same-origin"');
    expect(source).not.toMatch(/\.innerHTML|insertAdjacentHTML|document\.write/);
    const css = await instance.handlePublic!(publicReq("chat.css"));
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await css.text()).toContain("--wc-brand");
  });
});

describe("web chat: inbound messages", () => {
  test("a message becomes one normalized inbound with the hashed visitor id and profile fields", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const result = await s.instance.handleWebhook(hook(message("3f2a9c1e-7b4d-4e1a-9c2b-1234567890ab", "  Hola, ¿hacen envíos?  ", { name: " Ana Pérez ", phone: "+51 987 654 321" }), { cookie: v.cookie }));
    expect(result).toEqual({
      type: "events",
      messages: [
        {
          externalId: `wc-in-${v.customerId}-3f2a9c1e-7b4d-4e1a-9c2b-1234567890ab`,
          from: v.customerId,
          profileName: "Ana Pérez",
          profilePhone: "+51 987 654 321",
          timestamp: START,
          content: { kind: "text", text: "Hola, ¿hacen envíos?" },
        },
      ],
      statuses: [],
    });
    expect(v.customerId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(result)).not.toContain(v.token);
  });

  test("the same clientId gives the same external id, so a browser retry is deduped by the core", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const a = await s.instance.handleWebhook(hook(message("retry-0001"), { cookie: v.cookie }));
    const b = await s.instance.handleWebhook(hook(message("retry-0001"), { cookie: v.cookie }));
    expect(a.type === "events" && b.type === "events" && a.messages[0]!.externalId === b.messages[0]!.externalId).toBe(true);
    const noProfile = a.type === "events" ? a.messages[0]! : null;
    expect(noProfile && "profileName" in noProfile).toBe(false);
  });

  test("a GET on the webhook is ignored", async () => {
    const { instance } = await setup();
    const result = await instance.handleWebhook(hook(null, { method: "GET", raw: new Uint8Array() }));
    expect(result.type).toBe("ignored");
  });

  test("every refusal comes back as a rejected result with its status", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const forged = `charla_wc_7=${randomBytes(32).toString("base64url")}`;
    const cases: [string, WebhookRequest, number][] = [
      ["no cookie", hook(message("abcdefgh")), 401],
      ["forged cookie", hook(message("abcdefgh"), { cookie: forged }), 401],
      ["garbage cookie", hook(message("abcdefgh"), { cookie: "charla_wc_7=<script>" }), 401],
      ["another channel's cookie name", hook(message("abcdefgh"), { cookie: v.cookie.replace("charla_wc_7", "charla_wc_8") }), 401],
      ["not JSON", hook(null, { cookie: v.cookie, raw: new TextEncoder().encode("text=hola") }), 400],
      ["not a JSON content type", hook(message("abcdefgh"), { cookie: v.cookie, headers: { "content-type": "text/plain" } }), 400],
      ["a JSON array", hook([message("abcdefgh")], { cookie: v.cookie }), 400],
      ["unknown type", hook({ type: "typing" }, { cookie: v.cookie }), 400],
      ["empty text", hook(message("abcdefgh", "   "), { cookie: v.cookie }), 400],
      ["text not a string", hook({ type: "message", clientId: "abcdefgh", text: 42 }, { cookie: v.cookie }), 400],
      ["text over 4000", hook(message("abcdefgh", "a".repeat(4001)), { cookie: v.cookie }), 400],
      ["clientId too short", hook(message("abc"), { cookie: v.cookie }), 400],
      ["clientId too long", hook(message("a".repeat(65)), { cookie: v.cookie }), 400],
      ["clientId with odd characters", hook(message("abc_defgh"), { cookie: v.cookie }), 400],
      ["clientId missing", hook({ type: "message", text: "hola" }, { cookie: v.cookie }), 400],
      ["name over 100", hook(message("abcdefgh", "hola", { name: "n".repeat(101) }), { cookie: v.cookie }), 400],
      ["name not a string", hook(message("abcdefgh", "hola", { name: ["Ana"] }), { cookie: v.cookie }), 400],
      ["phone with letters", hook(message("abcdefgh", "hola", { phone: "call me" }), { cookie: v.cookie }), 400],
      ["phone too short", hook(message("abcdefgh", "hola", { phone: "+123" }), { cookie: v.cookie }), 400],
      ["body over 16 KiB", hook(null, { cookie: v.cookie, raw: new Uint8Array(16 * 1024 + 1) }), 413],
    ];
    for (const [name, req, status] of cases) {
      const result = await s.instance.handleWebhook(req);
      expect(result.type, name).toBe("rejected");
      expect(result.type === "rejected" ? result.status : 0, name).toBe(status);
      expect(result.type === "rejected" ? result.reason.length : 0, name).toBeGreaterThan(5);
    }
    // Exactly 4000 characters and a 16 KiB body are still fine.
    expect((await s.instance.handleWebhook(hook(message("abcdefgh", "a".repeat(4000)), { cookie: v.cookie }))).type).toBe("events");
  });

  test("with allowedOrigins set, posts from other origins are 403; Charla's own origin and listed ones pass", async () => {
    const s = await setup({ allowedOrigins: "https://shop.example" });
    const v = await visit(s.instance);
    const from = (origin: string) => s.instance.handleWebhook(hook(message(crypto.randomUUID()), { cookie: v.cookie, headers: { origin } }));
    expect(await from("https://evil.example")).toMatchObject({ type: "rejected", status: 403 });
    expect(await from("null")).toMatchObject({ type: "rejected", status: 403 });
    expect((await from("https://shop.example")).type).toBe("events");
    expect((await from("http://localhost:3000")).type).toBe("events");

    const open = await setup();
    const w = await visit(open.instance);
    const anyOrigin = await open.instance.handleWebhook(hook(message("abcdefgh"), { cookie: w.cookie, headers: { origin: "https://evil.example" } }));
    expect(anyOrigin.type).toBe("events");
  });

  test("a visitor may send 20 messages a minute; the 21st is 429 until the window slides", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const send = (i: number) => s.instance.handleWebhook(hook(message(`msg-${String(i).padStart(4, "0")}`), { cookie: v.cookie }));
    for (let i = 0; i < 20; i++) {
      s.clock.t = START + i * 1000;
      expect((await send(i)).type).toBe("events");
    }
    s.clock.t = START + 30_000;
    const limited = await send(20);
    expect(limited).toMatchObject({ type: "rejected", status: 429 });
    // Another visitor is not affected.
    const other = await visit(s.instance);
    expect((await s.instance.handleWebhook(hook(message("other-001"), { cookie: other.cookie }))).type).toBe("events");
    // One minute after the first message, one slot is free again.
    s.clock.t = START + 60_000;
    expect((await send(21)).type).toBe("events");
    expect(await send(22)).toMatchObject({ type: "rejected", status: 429 });
  });

  test("one address may send 60 messages a minute, across visitors", async () => {
    const s = await setup();
    for (let n = 0; n < 3; n++) {
      const v = await visit(s.instance);
      for (let i = 0; i < 20; i++) {
        const r = await s.instance.handleWebhook(hook(message(`v${n}-msg-${i}`), { cookie: v.cookie, address: "198.51.100.4" }));
        expect(r.type).toBe("events");
      }
    }
    const fourth = await visit(s.instance);
    expect(await s.instance.handleWebhook(hook(message("v3-msg-0"), { cookie: fourth.cookie, address: "198.51.100.4" }))).toMatchObject({ type: "rejected", status: 429 });
    // A refused message spends nothing: the same visitor from another address still has all 20.
    expect((await s.instance.handleWebhook(hook(message("v3-msg-1"), { cookie: fourth.cookie, address: "198.51.100.5" }))).type).toBe("events");
  });
});

describe("web chat: read receipts", () => {
  test("read receipts become 'read' statuses, only for the visitor's own messages", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const someoneElse = await visit(s.instance);
    s.transcripts.set(v.customerId, [entry({ id: 1, externalId: "wc-out-41" }), entry({ id: 2, externalId: "wc-out-42" }), entry({ id: 3, direction: "in", author: "customer", externalId: "wc-in-x-abcdefgh" })]);
    s.transcripts.set(someoneElse.customerId, [entry({ id: 9, externalId: "wc-out-99" })]);
    s.clock.t = START + 5000;
    const result = await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wc-out-41", "wc-out-42", "wc-out-41", "wc-out-99"] }, { cookie: v.cookie }));
    expect(result).toEqual({
      type: "events",
      messages: [],
      statuses: [
        { externalId: "wc-out-41", status: "read", timestamp: START + 5000 },
        { externalId: "wc-out-42", status: "read", timestamp: START + 5000 },
      ],
    });
    expect((await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wc-out-99"] }, { cookie: v.cookie }))).type).toBe("ignored");
    expect(await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wamid.123"] }, { cookie: v.cookie }))).toMatchObject({ type: "rejected", status: 400 });
    expect(await s.instance.handleWebhook(hook({ type: "read", externalIds: [] }, { cookie: v.cookie }))).toMatchObject({ type: "rejected", status: 400 });
    expect(await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wc-out-41"] }))).toMatchObject({ type: "rejected", status: 401 });
  });
});

describe("web chat: stream and sending", () => {
  test("the stream needs the visitor cookie", async () => {
    const { instance } = await setup();
    const res = await instance.handlePublic!(publicReq("stream"));
    expect(res.status).toBe(401);
    const t = await instance.handlePublic!(publicReq("transcript"));
    expect(t.status).toBe(401);
  });

  test("a sent message reaches the open stream and is 'delivered'; with no stream it is 'sent'", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const abort = new AbortController();
    const res = await s.instance.handlePublic!(publicReq("stream", { headers: { cookie: v.cookie }, signal: abort.signal }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const reader = res.body!.getReader();
    expect(await readUntil(reader, (t) => t.includes(": connected\n\n"))).toBe("retry: 3000\n: connected\n\n");

    s.clock.t = START + 1234;
    const sent = await s.instance.send({ idempotencyKey: "m-501", lastInboundAt: null, to: v.customerId, content: { kind: "text", text: "¡Hola! Soy Carla, ¿en qué te ayudo?" } });
    expect(sent).toEqual({ ok: true, externalId: "wc-out-m-501", status: "delivered" });
    const frame = await readUntil(reader, (t) => t.endsWith("\n\n"));
    const lines = frame.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["id: wc-out-m-501", "event: message"]);
    expect(JSON.parse(lines[2]!.slice("data: ".length))).toEqual({
      id: null,
      externalId: "wc-out-m-501",
      author: "agent",
      kind: "text",
      text: "¡Hola! Soy Carla, ¿en qué te ayudo?",
      mediaUrl: null,
      mediaType: null,
      filename: null,
      createdAt: START + 1234,
    });

    const media = await s.instance.send({
      idempotencyKey: "m-502", lastInboundAt: null,
      to: v.customerId,
      content: { kind: "media", mediaType: "document", url: `${BASE}/media/8?sig=abc`, mimeType: "application/pdf", caption: "Catálogo", filename: "catalogo.pdf", read: async () => new Blob(["%PDF"]) },
    });
    expect(media).toEqual({ ok: true, externalId: "wc-out-m-502", status: "delivered" });
    const mediaFrame = await readUntil(reader, (t) => t.endsWith("\n\n"));
    expect(JSON.parse(mediaFrame.split("\ndata: ")[1]!)).toMatchObject({ kind: "media", text: "Catálogo", mediaUrl: `${BASE}/media/8?sig=abc`, mediaType: "application/pdf", filename: "catalogo.pdf" });

    const other = await visit(s.instance);
    expect(await s.instance.send({ idempotencyKey: "m-503", lastInboundAt: null, to: other.customerId, content: { kind: "text", text: "hola" } })).toEqual({ ok: true, externalId: "wc-out-m-503", status: "sent" });

    // Closing the tab aborts the request: the stream ends and later sends are "sent".
    abort.abort();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(await s.instance.send({ idempotencyKey: "m-504", lastInboundAt: null, to: v.customerId, content: { kind: "text", text: "¿Sigues ahí?" } })).toMatchObject({ status: "sent" });
  });

  test("every tab of the visitor gets the message", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const tabs = [0, 1].map(() => s.instance.handlePublic!(publicReq("stream", { headers: { cookie: v.cookie } })));
    const readers = (await Promise.all(tabs)).map((r) => r.body!.getReader());
    for (const r of readers) await readUntil(r, (t) => t.includes("connected"));
    await s.instance.send({ idempotencyKey: "k1", lastInboundAt: null, to: v.customerId, content: { kind: "text", text: "para las dos pestañas" } });
    for (const r of readers) expect(await readUntil(r, (t) => t.endsWith("\n\n"))).toContain('"text":"para las dos pestañas"');
    s.instance.dispose!();
    for (const r of readers) expect((await r.read()).done).toBe(true);
  });

  test("reactions and templates are refused with a readable reason", async () => {
    const { instance } = await setup();
    expect(await instance.send({ idempotencyKey: "r1", lastInboundAt: null, to: "abc", content: { kind: "reaction", emoji: "👍", targetExternalId: "wc-in-x" } })).toEqual({
      ok: false,
      retryable: false,
      reason: "The web chat cannot show reactions",
    });
    const template = await instance.send({ idempotencyKey: "t1", lastInboundAt: null, to: "abc", content: { kind: "template", name: "hello", language: "es", parameters: [] } });
    expect(template).toMatchObject({ ok: false, retryable: false });
    expect(template.ok ? "" : template.reason).toContain("templates");
  });

  test("the transcript endpoint returns the visitor's messages as JSON", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    s.transcripts.set(v.customerId, [entry({ id: 5, text: "Hola <b>", externalId: "wc-out-5", status: "read" })]);
    const res = await s.instance.handlePublic!(publicReq("transcript", { headers: { cookie: v.cookie } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      messages: [
        { id: 5, direction: "out", author: "agent", kind: "text", text: "Hola <b>", mediaUrl: null, mediaType: null, filename: null, status: "read", externalId: "wc-out-5", createdAt: START - 60_000 },
      ],
    });
  });

  test("open streams get a heartbeat comment", async () => {
    const streams = new VisitorStreams(20);
    const res = streams.connect("c1", new AbortController().signal);
    const reader = res.body!.getReader();
    expect(await readUntil(reader, (t) => t.includes(": ping\n\n"))).toContain(": connected\n\n");
    expect(streams.count("c1")).toBe(1);
    streams.closeAll();
    expect(streams.count("c1")).toBe(0);
  });
});
