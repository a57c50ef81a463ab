import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { META_ERRORS, MetaGraphFake, metaJson, ms, wa, type MetaErrorBody, type WaCtx } from "./meta-graph.ts";

const PNID = "106540352242922";
const WABA = "102290129340398";
const TOKEN = "EAAG-wa-token";
const PAGE = "1357924680";
const PAGE_TOKEN = "EAAG-page-token";
const V = "v24.0";

const meta = new MetaGraphFake();
let base = "";

beforeAll(async () => {
  base = await meta.start();
});
afterAll(() => meta.stop());
beforeEach(() => {
  meta.clear();
  meta.numbers.clear();
  meta.pages.clear();
  meta.templates.clear();
  meta.addWhatsAppNumber({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, displayPhoneNumber: "15550783881" });
  meta.addPage({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, name: "Tienda Demo" });
});

const waPost = (body: unknown, token = TOKEN, pnid = PNID) =>
  fetch(`${base}/${V}/${pnid}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const text = (body: string, extra: Record<string, unknown> = {}) => ({
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to: "16505551234",
  type: "text",
  text: { preview_url: false, body },
  ...extra,
});
type ErrBody = MetaErrorBody;

/** A tiny webhook receiver that records raw bytes and answers from a script. */
function receiver(script: number[] = []) {
  const got: { raw: Uint8Array; headers: Headers }[] = [];
  const server: Server<unknown> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET") {
        const ok = url.searchParams.get("hub.mode") === "subscribe" && url.searchParams.get("hub.verify_token") === "vt-123";
        return ok ? new Response(url.searchParams.get("hub.challenge"), { headers: { "content-type": "text/plain" } }) : new Response("Forbidden", { status: 403 });
      }
      got.push({ raw: new Uint8Array(await req.arrayBuffer()), headers: req.headers });
      const status = script.shift() ?? 200;
      return new Response(status === 200 ? "EVENT_RECEIVED" : "nope", { status });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/webhooks/ch1`, got, stop: () => server.stop(true) };
}

async function independentHmac(secret: string, bytes: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new Uint8Array(bytes)));
  return [...sig].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ctx: WaCtx = { wabaId: WABA, phoneNumberId: PNID, displayPhoneNumber: "15550783881", from: "16505551234", name: "Sheena Nelson", timestamp: 1749416383 };

describe("webhook delivery", () => {
  test("sends Meta-escaped JSON and signs exactly those bytes", async () => {
    const r = receiver();
    try {
      const payload = wa.text(ctx, "¿Tienen otro color? ñandú 😀 https://x.y/z");
      const res = await meta.deliver(r.url, payload, { appSecret: "s3cret" });
      expect(res).toEqual([{ status: 200, body: "EVENT_RECEIVED", attempt: 1, duplicate: false }]);
      const { raw, headers } = r.got[0]!;
      expect(raw.every((b) => b < 0x80)).toBe(true);
      const textBody = new TextDecoder().decode(raw);
      expect(textBody).toContain("\\u00bfTienen otro color? \\u00f1and\\u00fa \\ud83d\\ude00 https:\\/\\/x.y\\/z");
      expect(textBody).toBe(metaJson(payload));
      expect(JSON.parse(textBody)).toEqual(payload);
      expect(headers.get("content-type")).toBe("application/json");
      expect(headers.get("x-hub-signature-256")).toBe(`sha256=${await independentHmac("s3cret", raw)}`);
      // Signing the unescaped UTF-8 instead would not verify.
      expect(headers.get("x-hub-signature-256")).not.toBe(`sha256=${await independentHmac("s3cret", new TextEncoder().encode(JSON.stringify(payload)))}`);
    } finally {
      r.stop();
    }
  });

  test("retries on non-200 and stops at 200; gives up after 3 tries", async () => {
    const r = receiver([500, 403, 200, 200]);
    try {
      const res = await meta.deliver(r.url, wa.text(ctx, "hola"), { appSecret: "s", retryDelayMs: 1 });
      expect(res.map((x) => x.status)).toEqual([500, 403, 200]);
      expect(r.got.length).toBe(3);
      expect(new Set(r.got.map((g) => new TextDecoder().decode(g.raw))).size).toBe(1);
    } finally {
      r.stop();
    }
    const always = receiver([500, 500, 500, 500, 500]);
    try {
      expect((await meta.deliver(always.url, wa.text(ctx, "x"), { appSecret: "s", retryDelayMs: 1 })).length).toBe(3);
      expect((await meta.deliver(always.url, wa.text(ctx, "x"), { appSecret: "s", retries: 0 })).length).toBe(1);
    } finally {
      always.stop();
    }
  });

  test("duplicate delivery after a 200 repeats the exact bytes and signature", async () => {
    const r = receiver();
    try {
      const res = await meta.deliver(r.url, wa.text(ctx, "dup"), { appSecret: "s", duplicate: true, retryDelayMs: 1 });
      expect(res.map((x) => [x.status, x.duplicate])).toEqual([[200, false], [200, true]]);
      expect(r.got[0]!.raw).toEqual(r.got[1]!.raw);
      expect(r.got[0]!.headers.get("x-hub-signature-256")).toBe(r.got[1]!.headers.get("x-hub-signature-256")!);
    } finally {
      r.stop();
    }
  });

  test("bad and missing signatures; verify handshake", async () => {
    const r = receiver();
    try {
      await meta.deliver(r.url, wa.text(ctx, "a"), { appSecret: "s", badSignature: true, retries: 0 });
      await meta.deliver(r.url, wa.text(ctx, "b"), { noSignature: true, retries: 0 });
      expect(r.got[0]!.headers.get("x-hub-signature-256")).not.toBe(`sha256=${await independentHmac("s", r.got[0]!.raw)}`);
      expect(r.got[1]!.headers.get("x-hub-signature-256")).toBeNull();
      expect(await meta.verifyHandshake(r.url, "vt-123", "1158201444")).toEqual({ status: 200, body: "1158201444", challenge: "1158201444" });
      expect((await meta.verifyHandshake(r.url, "wrong", "1")).status).toBe(403);
    } finally {
      r.stop();
    }
  });
});

describe("payload builders", () => {
  test("WhatsApp envelope matches Meta's shape; batch groups by WABA and number", () => {
    expect(wa.text({ ...ctx, id: "wamid.X" }, "Does it come in another color?")).toEqual({
      object: "whatsapp_business_account",
      entry: [
        {
          id: WABA,
          changes: [
            {
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: PNID },
                contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }],
                messages: [{ from: "16505551234", id: "wamid.X", timestamp: "1749416383", type: "text", text: { body: "Does it come in another color?" } }],
              },
              field: "messages",
            },
          ],
        },
      ],
    });
    const other = { ...ctx, phoneNumberId: "999", displayPhoneNumber: "15550000000" };
    const b = wa.batch(wa.text(ctx, "1"), wa.reaction(ctx, "wamid.Y"), wa.status(other, "wamid.Z", "failed", { errors: [131047] }));
    expect(b.entry.length).toBe(1);
    expect(b.entry[0]!.changes.length).toBe(2);
    const v0 = b.entry[0]!.changes[0]!.value as { contacts: unknown[]; messages: { type: string; reaction?: unknown }[] };
    expect(v0.contacts.length).toBe(1);
    expect(v0.messages.map((m) => m.type)).toEqual(["text", "reaction"]);
    expect(v0.messages[1]!.reaction).toEqual({ message_id: "wamid.Y" });
    const st = (b.entry[0]!.changes[1]!.value as { statuses: { errors: { code: number; title: string }[] }[] }).statuses[0]!;
    expect(st.errors[0]).toMatchObject({ code: 131047, title: "Re-engagement message" });
  });

  test("Messenger envelope uses ms timestamps and echoes come from the page", () => {
    const e = ms.text({ pageId: PAGE, psid: "PSID1", time: 1458692752478, mid: "m_1" }, "hello");
    expect(e).toEqual({
      object: "page",
      entry: [{ id: PAGE, time: 1458692752478, messaging: [{ sender: { id: "PSID1" }, recipient: { id: PAGE }, timestamp: 1458692752478, message: { mid: "m_1", text: "hello" } }] }],
    });
    const echo = ms.echo({ pageId: PAGE, psid: "PSID1" }, "hi", "m_2").entry[0]!.messaging![0]!;
    expect(echo).toMatchObject({ sender: { id: PAGE }, recipient: { id: "PSID1" }, message: { mid: "m_2", is_echo: true, text: "hi" } });
  });
});

describe("WhatsApp send", () => {
  test("accepts a valid text and answers like Meta", async () => {
    const res = await waPost(text("Hola"));
    expect(res.status).toBe(200);
    const json = (await res.json()) as { messaging_product: string; contacts: unknown[]; messages: { id: string }[] };
    expect(json.messaging_product).toBe("whatsapp");
    expect(json.contacts).toEqual([{ input: "16505551234", wa_id: "16505551234" }]);
    expect(json.messages[0]!.id).toMatch(/^wamid\./);
    expect(meta.sent(PNID)).toEqual([text("Hola")]);
    expect(meta.outbox[0]!.id).toBe(json.messages[0]!.id);
  });

  test("invalid bodies get (#100) with error_data", async () => {
    const cases: [unknown, string][] = [
      [{ ...text("x"), messaging_product: "sms" }, "messaging_product"],
      [{ ...text("x"), to: undefined }, "to"],
      [{ ...text("x"), type: "carousel" }, "type"],
      [text("x".repeat(4097)), "4096"],
      [{ messaging_product: "whatsapp", to: "16505551234", type: "template", template: { name: "t" } }, "language"],
      [{ messaging_product: "whatsapp", to: "16505551234", type: "image", image: { id: "1", link: "https://a/b.jpg" } }, "exactly one"],
      [{ messaging_product: "whatsapp", to: "16505551234", type: "audio", audio: { id: "1", caption: "no" } }, "caption"],
      [{ messaging_product: "whatsapp", to: "16505551234", type: "reaction", reaction: { emoji: "👍" } }, "message_id"],
    ];
    for (const [body, hint] of cases) {
      const res = await waPost(body);
      expect(res.status).toBe(400);
      const err = ((await res.json()) as ErrBody).error;
      expect(err.code).toBe(100);
      expect(err.type).toBe("OAuthException");
      expect(err.message).toStartWith("(#100) ");
      expect(err.error_data!.messaging_product).toBe("whatsapp");
      expect(`${err.message} ${err.error_data!.details}`).toContain(hint);
      expect(typeof err.fbtrace_id).toBe("string");
    }
    expect(meta.sent()).toEqual([]);
  });

  test("mark as read answers success", async () => {
    const res = await waPost({ messaging_product: "whatsapp", status: "read", message_id: "wamid.ABC" });
    expect(await res.json()).toEqual({ success: true });
    expect(meta.sent(PNID)).toEqual([]);
    expect(meta.sent(PNID, { actions: true }).length).toBe(1);
  });

  test("bad token: 401 with code 190; a foreign number: (#100) subcode 33", async () => {
    const res = await waPost(text("x"), "nope");
    expect(res.status).toBe(401);
    const body = (await res.json()) as ErrBody;
    expect({ ...body.error, fbtrace_id: "" }).toEqual({ ...META_ERRORS[190].body.error, fbtrace_id: "" });
    expect(body.error.message).toStartWith("Error validating access token: Session has expired");
    const foreign = await waPost(text("x"), TOKEN, "123456789");
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as ErrBody).error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  test("failNext answers the exact envelope the given times, then normally", async () => {
    meta.failNext(META_ERRORS[130429]);
    const r1 = await waPost(text("a"));
    expect(r1.status).toBe(400);
    expect(await r1.json()).toEqual(META_ERRORS[130429].body);
    expect((await waPost(text("b"))).status).toBe(200);

    meta.failNext("/messages", 2, 2);
    meta.failNext({ target: PAGE }, 10);
    for (let i = 0; i < 2; i++) {
      const r = await waPost(text("c"));
      expect(r.status).toBe(500);
      expect(await r.json()).toEqual({ error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", code: 2, is_transient: true, fbtrace_id: expect.any(String) } });
    }
    expect((await waPost(text("d"))).status).toBe(200);
    const m = await fetch(`${base}/${V}/me/messages?access_token=${PAGE_TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ recipient: { id: "P1" }, messaging_type: "RESPONSE", message: { text: "hi" } }),
    });
    expect(await m.json()).toEqual(META_ERRORS[10].body);
    expect(meta.sent(PNID).map((b) => (b.text as { body: string }).body)).toEqual(["b", "d"]);
    expect(meta.requests.filter((r) => r.injected).length).toBe(4);
  });

  test("templates: checked against added templates; Meta's 132001 / 132000", async () => {
    meta.addTemplate(WABA, { name: "order_update", language: "es", body: "Hola {{1}}, tu pedido {{2}} está listo" });
    const tpl = (name: string, params: string[]) => ({
      messaging_product: "whatsapp",
      to: "16505551234",
      type: "template",
      template: { name, language: { code: "es" }, components: [{ type: "body", parameters: params.map((t) => ({ type: "text", text: t })) }] },
    });
    const ok = (await (await waPost(tpl("order_update", ["Pablo", "A-1"]))).json()) as { messages: { message_status: string }[] };
    expect(ok.messages[0]!.message_status).toBe("accepted");
    expect((((await (await waPost(tpl("nope", []))).json()) as ErrBody).error.code)).toBe(132001);
    expect((((await (await waPost(tpl("order_update", ["Pablo"]))).json()) as ErrBody).error.code)).toBe(132000);
  });
});

describe("media", () => {
  test("upload -> metadata -> authorized download", async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
    const fd = new FormData();
    fd.set("messaging_product", "whatsapp");
    fd.set("type", "image/jpeg");
    fd.set("file", new File([bytes], "foto.jpg", { type: "image/jpeg" }));
    const up = await fetch(`${base}/${V}/${PNID}/media`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: fd });
    expect(up.status).toBe(200);
    const { id } = (await up.json()) as { id: string };
    expect(id).toMatch(/^\d+$/);
    expect(meta.requests.at(-1)!.body).toMatchObject({ messaging_product: "whatsapp", type: "image/jpeg", file: { filename: "foto.jpg", size: 6 } });

    const info = (await (await fetch(`${base}/${V}/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ mime_type: "image/jpeg", file_size: 6, id, messaging_product: "whatsapp" });
    expect(info.sha256).toBe(new Bun.CryptoHasher("sha256").update(bytes).digest("hex"));
    expect(String(info.url)).toStartWith(`${base}/download/${id}?sig=`);

    expect((await fetch(String(info.url))).status).toBe(401);
    const dl = await fetch(String(info.url), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("image/jpeg");
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${base}/download/${id}?sig=0.bad`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);

    const bad = new FormData();
    bad.set("messaging_product", "whatsapp");
    bad.set("type", "application/x-msdownload");
    bad.set("file", new File([bytes], "x.exe"));
    expect((await fetch(`${base}/${V}/${PNID}/media`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: bad })).status).toBe(400);
  });

  test("addMedia stages inbound media; expired URLs stop working", async () => {
    const short = new MetaGraphFake({ mediaUrlTtlMs: 300 });
    const b = await short.start();
    try {
      short.addWhatsAppNumber({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, displayPhoneNumber: "1" });
      const id = short.addMedia({ bytes: "OggS-voice", mimeType: "audio/ogg; codecs=opus" });
      const info = (await (await fetch(`${b}/${V}/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { url: string; mime_type: string };
      expect(info.mime_type).toBe("audio/ogg; codecs=opus");
      expect(await (await fetch(info.url, { headers: { authorization: `Bearer ${TOKEN}` } })).text()).toBe("OggS-voice");
      await Bun.sleep(350);
      expect((await fetch(info.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await short.stop();
    }
  });
});

test("message_templates pages with limit / after like Graph", async () => {
  for (let i = 1; i <= 5; i++) meta.addTemplate(WABA, { name: `t${i}`, category: "MARKETING", body: `Hola {{1}} #${i}`, status: i === 5 ? "PENDING" : "APPROVED" });
  const names: string[] = [];
  let next: string | undefined = `${base}/${V}/${WABA}/message_templates?limit=2`;
  let pages = 0;
  while (next) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${TOKEN}` } });
    const json = (await res.json()) as { data: { name: string; status: string; components: unknown[] }[]; paging: { cursors: { after: string }; next?: string } };
    names.push(...json.data.map((t) => t.name));
    expect(json.paging.cursors.after).toBeString();
    next = json.paging.next;
    pages++;
  }
  expect(pages).toBe(3);
  expect(names).toEqual(["t1", "t2", "t3", "t4", "t5"]);
  const approved = (await (await fetch(`${base}/${V}/${WABA}/message_templates?status=APPROVED`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { data: { components: unknown[] }[] };
  expect(approved.data.length).toBe(4);
  expect(approved.data[0]!.components).toEqual([{ type: "BODY", text: "Hola {{1}} #1" }]);
  expect((await fetch(`${base}/${V}/${WABA}/message_templates`, { headers: { authorization: "Bearer x" } })).status).toBe(401);
});

test("phone number info for test connection", async () => {
  const res = await fetch(`${base}/${V}/${PNID}?fields=display_phone_number,verified_name,quality_rating`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(await res.json()).toEqual({ display_phone_number: "15550783881", verified_name: "Charla Test", quality_rating: "GREEN", id: PNID });
});

describe("Messenger", () => {
  const send = (body: unknown, auth: "query" | "bearer" = "query", token = PAGE_TOKEN) =>
    fetch(`${base}/${V}/me/messages${auth === "query" ? `?access_token=${token}` : ""}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth === "bearer" ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  test("send, sender actions, validation and bad token", async () => {
    const ok = (await (await send({ recipient: { id: "PSID1" }, messaging_type: "RESPONSE", message: { text: "hola" } })).json()) as { recipient_id: string; message_id: string };
    expect(ok.recipient_id).toBe("PSID1");
    expect(ok.message_id).toMatch(/^m_/);
    const att = await send(
      { recipient: { id: "PSID1" }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { attachment: { type: "image", payload: { url: "https://x/y.png", is_reusable: true } } } },
      "bearer",
    );
    expect(att.status).toBe(200);
    expect(await (await send({ recipient: { id: "PSID1" }, sender_action: "typing_on" })).json()).toEqual({ recipient_id: "PSID1" });

    const noTag = await send({ recipient: { id: "PSID1" }, messaging_type: "MESSAGE_TAG", message: { text: "x" } });
    expect(noTag.status).toBe(400);
    expect(((await noTag.json()) as ErrBody).error.code).toBe(100);
    const bad = await send({ recipient: { id: "PSID1" }, messaging_type: "RESPONSE", message: { text: "x" } }, "query", "nope");
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as ErrBody).error.code).toBe(190);

    expect(meta.sent(PAGE).length).toBe(2);
    expect(meta.sent(PAGE, { actions: true }).length).toBe(3);
    expect(meta.requests.filter((r) => r.route === "/me/messages").every((r) => r.target === PAGE || r.query.access_token === "nope")).toBe(true);
  });

  test("profile and /me", async () => {
    meta.addProfile("PSID1", { firstName: "Fulanito", lastName: "De Tal" });
    const p = (await (await fetch(`${base}/${V}/PSID1?fields=first_name,last_name,profile_pic&access_token=${PAGE_TOKEN}`)).json()) as Record<string, string>;
    expect(p).toMatchObject({ first_name: "Fulanito", last_name: "De Tal", id: "PSID1" });
    expect((await fetch(p.profile_pic!)).headers.get("content-type")).toBe("image/png");
    const unknown = await fetch(`${base}/${V}/PSID9?fields=first_name&access_token=${PAGE_TOKEN}`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrBody).error.code).toBe(100);
    expect(await (await fetch(`${base}/${V}/me?access_token=${PAGE_TOKEN}`)).json()).toEqual({ name: "Tienda Demo", id: PAGE });
  });
});

test("every request is recorded; clear() forgets", async () => {
  await waPost(text("rec"));
  const r = meta.requests.at(-1)!;
  expect(r).toMatchObject({ method: "POST", path: `/${V}/${PNID}/messages`, version: V, route: `/${PNID}/messages`, target: PNID, query: {}, status: 200 });
  expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(r.body).toEqual(text("rec"));
  expect(typeof r.at).toBe("number");
  await fetch(`${base}/${V}/${PNID}?fields=id&access_token=${TOKEN}`);
  expect(meta.requests.at(-1)!.query).toEqual({ fields: "id", access_token: TOKEN });
  expect((await meta.waitForSent(1, PNID)).length).toBe(1);
  meta.clear();
  expect(meta.requests).toEqual([]);
  expect(meta.sent()).toEqual([]);
});
