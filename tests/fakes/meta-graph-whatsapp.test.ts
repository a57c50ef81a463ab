/** The Meta Graph fake's WhatsApp Cloud API: sends, media, templates, the phone number, and request recording. */
import { describe, expect, test } from "bun:test";
import { META_ERRORS, MetaGraphFake, type MetaErrorBody } from "./meta-graph.ts";
import { base, meta, PAGE, PAGE_TOKEN, PNID, TOKEN, useMetaGraphFake, V, WABA } from "../helpers/meta-graph-fixture.ts";

useMetaGraphFake();

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
