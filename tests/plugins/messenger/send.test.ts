/** Messenger plugin: outbound bodies, the 24 h / 7 day windows and what is refused. */
import { describe, expect, test } from "bun:test";
import type { OutboundMessage } from "../../../core/channels/contract.ts";
import { HOUR, MEDIA_URL, messengerRequests, meta, out, PAGE, PAGE_TOKEN, PSID, setup, START, useMetaGraphFake } from "./setup.ts";

useMetaGraphFake();

describe("messenger plugin: send", () => {
  test("inside 24 h: RESPONSE, the exact body Meta receives, token in the query", async () => {
    const s = await setup();
    const res = await s.instance.send(out({ kind: "text", text: "¡Sí! Abrimos de 9 a 14 h." }, START - 23 * HOUR, { replyToExternalId: "m_q" }));
    expect(res).toEqual({ ok: true, externalId: meta.outbox[0]!.id! });
    expect(res.ok && res.externalId).toStartWith("m_");
    expect(meta.sent(PAGE)).toEqual([{ recipient: { id: PSID }, messaging_type: "RESPONSE", message: { text: "¡Sí! Abrimos de 9 a 14 h.", metadata: expect.stringMatching(/^out-/) } }]);
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
    expect(meta.sent(PAGE)).toEqual([{ recipient: { id: PSID }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Perdón por la demora", metadata: expect.stringMatching(/^out-/) } }]);
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
        message: { attachment: { type, payload: { url: MEDIA_URL, is_reusable: false } }, metadata: expect.stringMatching(/^out-/) },
      })),
    );

    meta.clear();
    const res = await s.instance.send(out(media("image", "Pan de muerto recién hecho"), START - 2 * 24 * HOUR));
    expect(res).toEqual({ ok: true, externalId: meta.outbox[0]!.id! });
    expect(meta.sent(PAGE)).toEqual([
      { recipient: { id: PSID }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { attachment: { type: "image", payload: { url: MEDIA_URL, is_reusable: false } }, metadata: expect.stringMatching(/^out-/) } },
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
