/** WhatsApp Cloud plugin: outbound bodies (text, media uploads, reactions, templates) and read receipts. */
import { describe, expect, test } from "bun:test";
import { CUSTOMER, meta, outbound, PNID, requestsTo, setup, text, TOKEN, useMetaGraphFake, V, WABA } from "./setup.ts";

useMetaGraphFake();

// ------------------------------------------------------------------ outbound

describe("send", () => {
  test("text: exact Cloud API body with Bearer token, wamid returned", async () => {
    const { instance } = await setup();
    const r = await instance.send(outbound(text("Hola Sheena, sí lo tenemos en azul 💙")));
    const [sent] = meta.sent(PNID);
    expect(sent).toEqual({
      messaging_product: "whatsapp",
      biz_opaque_callback_data: "k-1",
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
      biz_opaque_callback_data: "k-1",
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
      { messaging_product: "whatsapp", biz_opaque_callback_data: "k-1", recipient_type: "individual", to: CUSTOMER, type: "image", image: { id: mediaId, caption: "El modelo azul" } },
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
        biz_opaque_callback_data: "k-1",
        recipient_type: "individual",
        to: CUSTOMER,
        type: "document",
        document: { id: docId, caption: "Tu factura", filename: "factura-0042.pdf" },
      },
      { messaging_product: "whatsapp", biz_opaque_callback_data: "k-1", recipient_type: "individual", to: CUSTOMER, type: "audio", audio: { id: audioId } },
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
      { messaging_product: "whatsapp", biz_opaque_callback_data: "k-1", recipient_type: "individual", to: CUSTOMER, type: "reaction", reaction: { message_id: "wamid.CUSTOMER7", emoji: "👍" } },
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
        biz_opaque_callback_data: "k-1",
        recipient_type: "individual",
        to: CUSTOMER,
        type: "template",
        template: {
          name: "order_update",
          language: { code: "es" },
          components: [{ type: "body", parameters: [{ type: "text", text: "Pablo" }, { type: "text", text: "#1042" }] }],
        },
      },
      { messaging_product: "whatsapp", biz_opaque_callback_data: "k-1", recipient_type: "individual", to: CUSTOMER, type: "template", template: { name: "hello_world", language: { code: "en_US" } } },
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
