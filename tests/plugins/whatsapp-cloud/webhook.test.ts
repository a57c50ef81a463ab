/** WhatsApp Cloud plugin: the webhook handshake, signatures over the raw bytes, and status events. */
import { describe, expect, test } from "bun:test";
import { hubSignature256, metaJson, wa } from "../../fakes/meta-graph.ts";
import { serveWebhook } from "../../helpers/plugin-webhook-server.ts";
import { APP_SECRET, ctxWa, events, handshakeReq, meta, oneMessage, PNID, setup, signedPost, useMetaGraphFake, VERIFY, WABA } from "./setup.ts";

useMetaGraphFake();

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
    const hook = serveWebhook(instance, { clientAddress: "127.0.0.1", acknowledge: () => Response.json({ ok: true }) });
    try {
      const { url, results: seen } = hook;
      expect(await meta.verifyHandshake(url, VERIFY, "98765")).toEqual({ status: 200, body: "98765", challenge: "98765" });
      expect((await meta.verifyHandshake(url, "nope", "98765")).status).toBe(403);
      const payload = wa.text(ctxWa(), "Ñandú 🐦");
      expect((await meta.deliver(url, payload, { appSecret: APP_SECRET })).map((d) => d.status)).toEqual([200]);
      expect((await meta.deliver(url, payload, { appSecret: APP_SECRET, badSignature: true, retries: 0 })).map((d) => d.status)).toEqual([401]);
      expect((await meta.deliver(url, payload, { noSignature: true, retries: 0 })).map((d) => d.status)).toEqual([401]);
      const delivered = seen.find((r) => r.type === "events");
      expect(delivered?.type === "events" && delivered.messages[0]!.content).toEqual({ kind: "text", text: "Ñandú 🐦" });
    } finally {
      await hook.stop();
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
      {
        externalId: "wamid.S1",
        channelKey: PNID,
        status: "sent",
        timestamp: 1749416400000,
        // What Meta charges, for billing: type "regular" is billable; the object is kept as it came.
        pricing: { billable: true, category: "utility", recipient: c.from, raw: { billable: true, pricing_model: "PMP", type: "regular", category: "utility" } },
      },
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
