/** Web chat plugin: manifest, the hosted page (cookies, languages, escaping, CSP, pre-chat form) and its scripts. */
import { describe, expect, test } from "bun:test";
import webchat from "../../../plugins/webchat/index.ts";
import { BASE, entry, publicReq, setup, visit } from "./setup.ts";

describe("web chat: manifest and settings", () => {
  test("the manifest and config schema the core builds the settings form from", () => {
    expect(webchat.manifest).toMatchObject({ id: "webchat", name: "Web chat", apiVersion: 1, sendsPerSecond: 50 });
    expect([...webchat.manifest.capabilities]).toEqual(["text", "media", "read_receipts", "delivery_status"]);
    expect(webchat.manifest.description?.es).toContain("sitio web");
    const props = webchat.configSchema.properties!;
    expect(Object.keys(props)).toEqual(["title", "welcomeMessage", "welcomeMessageEn", "askName", "askPhone", "color", "allowedOrigins"]);
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
    expect(es).toContain("¡Hola! ¿En qué podemos ayudarle?");
    expect(es).toContain("Su nombre");
    expect(es).toContain(">Enviar</button>");
    expect(es).toContain("Está enviando mensajes muy rápido");

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
    expect(strings.rateLimited).toStartWith("Está enviando mensajes muy rápido");
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

  test("with nobody online the page says so (in the visitor's language) and still takes the message; a welcome per language", async () => {
    const s = await setup({ welcomeMessage: "¡Bienvenido a Tienda Sol!", welcomeMessageEn: "Welcome to Tienda Sol!" }, { nobodyOnline: true });
    const es = await (await s.instance.handlePublic!(publicReq(""))).text();
    expect(es).toContain("En este momento no hay asesores conectados.");
    expect(es).toContain("¡Bienvenido a Tienda Sol!");
    expect(es).toContain('id="wc-form"');
    const en = await (await s.instance.handlePublic!(publicReq("", { headers: { "accept-language": "en" } }))).text();
    expect(en).toContain("Nobody is online right now.");
    expect(en).toContain("Welcome to Tienda Sol!");
    const online = await setup();
    expect(await (await online.instance.handlePublic!(publicReq(""))).text()).not.toContain("wc-nobody");
  });
});
