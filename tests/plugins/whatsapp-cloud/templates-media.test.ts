/** WhatsApp Cloud plugin: template listing, the connection test and media download. */
import { describe, expect, test } from "bun:test";
import { meta, PNID, requestsTo, setup, TOKEN, useMetaGraphFake, V, WABA } from "./setup.ts";

useMetaGraphFake();

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
