/**
 * The WhatsApp Cloud plugin against the channel conformance kit (tests/kit), with
 * the Meta Graph fake (tests/fakes/meta-graph.ts) on 127.0.0.1 as the provider.
 */
import whatsappCloud, { type WhatsAppCloudConfig } from "../../../plugins/whatsapp-cloud/index.ts";
import { hubSignature256, MetaGraphFake, metaJson, wa, type WaCtx } from "../../fakes/meta-graph.ts";
import { runChannelConformance, type ConformanceAdapter } from "../../kit/index.ts";

const PNID = "106540352242922";
const WABA = "102290129340398";
const TOKEN = "EAAG-kit-wa-token-7f3c9d2e";
const APP_SECRET = "kit-wa-app-secret-5b8e1a4c";
const VERIFY = "kit-verify-9d2c";
const CUSTOMER = "16505551234";
/** 2026-01-15T11:59:00Z in Unix seconds, as WhatsApp webhooks carry time. */
const SENT_AT = Math.floor(Date.UTC(2026, 0, 15, 11, 59) / 1000);
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

const meta = new MetaGraphFake();
const at = (over: Partial<WaCtx> = {}): WaCtx => ({ wabaId: WABA, phoneNumberId: PNID, displayPhoneNumber: "15550783881", from: CUSTOMER, name: "Sheena Nelson", timestamp: SENT_AT, ...over });

const adapter: ConformanceAdapter<WhatsAppCloudConfig> = {
  config: () => ({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, graphUrl: meta.url }),
  recipient: CUSTOMER,
  webhook: {
    // Meta signs the exact bytes with the app secret: X-Hub-Signature-256.
    request: (body, auth) => ({
      method: "POST",
      url: new URL("http://localhost:3000/webhooks/7"),
      headers: new Headers({
        "content-type": "application/json",
        ...(auth === "none" ? {} : { "x-hub-signature-256": hubSignature256(auth === "valid" ? APP_SECRET : "another-apps-secret", body) }),
      }),
      body,
      clientAddress: "173.252.88.1",
    }),
    handshake: (auth) => {
      const url = new URL("http://localhost:3000/webhooks/7");
      url.searchParams.set("hub.mode", "subscribe");
      url.searchParams.set("hub.verify_token", auth === "valid" ? VERIFY : "not-the-verify-token");
      url.searchParams.set("hub.challenge", "1158201444");
      return { method: "GET", url, headers: new Headers(), body: new Uint8Array(), clientAddress: "173.252.88.1" };
    },
  },
  samples: {
    text: (n) => {
      const id = `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUtJVC${n}`;
      return { body: metaJson(wa.text(at({ id }), "Hola, quiero información")), expect: { externalId: id, from: CUSTOMER, text: "Hola, quiero información", timestamp: SENT_AT * 1000 } };
    },
    statuses: () => [
      { body: metaJson(wa.status(at(), "wamid.OUT1", "sent")), expect: { status: "sent", externalId: "wamid.OUT1" } },
      { body: metaJson(wa.status(at(), "wamid.OUT1", "delivered")), expect: { status: "delivered", externalId: "wamid.OUT1" } },
      { body: metaJson(wa.status(at(), "wamid.OUT1", "read")), expect: { status: "read", externalId: "wamid.OUT1" } },
      { body: metaJson(wa.status(at(), "wamid.OUT2", "played")), expect: { status: "read", externalId: "wamid.OUT2" } },
      { body: metaJson(wa.status(at(), "wamid.OUT3", "failed", { errors: [131047] })), expect: { status: "failed", externalId: "wamid.OUT3", errorCode: "outside_window" } },
    ],
    media: () => {
      const id = meta.addMedia({ bytes: PNG, mimeType: "image/png" });
      return { body: metaJson(wa.media(at({ id: "wamid.KITMEDIA1" }), "image", { id, mimeType: "image/png", caption: "mi recibo" })), expect: { bytes: PNG, mediaType: "image" } };
    },
    // The status Meta sends for that send repeats its biz_opaque_callback_data, exactly as the fake received it.
    callback: ({ externalId }) => {
      const sent = meta.outbox.find((r) => r.id === externalId);
      const key = sent?.body.biz_opaque_callback_data;
      return { body: metaJson(wa.status(at(), externalId, "sent", { bizOpaqueCallbackData: typeof key === "string" ? key : undefined })) };
    },
  },
  provider: {
    start: () => meta.start(),
    stop: () => meta.stop(),
    reset: () => {
      meta.clear();
      meta.sendLatencyMs = 0;
      for (const registry of [meta.numbers, meta.media, meta.templates]) registry.clear();
      meta.addWhatsAppNumber({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, displayPhoneNumber: "+1 555-078-3881", verifiedName: "Tienda Demo" });
      // With templates registered the fake checks template sends (name, language, parameter count) as Meta does.
      meta.addTemplate(WABA, { name: "pedido_listo", language: "es", body: "Hola {{1}}, su pedido {{2}} está listo." });
      meta.addTemplate(WABA, { name: "promo_pendiente", language: "es", status: "PENDING", category: "MARKETING", body: "¡Oferta!" });
    },
    nextSend: (outcome) => {
      if (outcome === "rate_limited") meta.failNext("/messages", 130429);
      if (outcome === "server_error") meta.failNext("/messages", 2);
      if (outcome === "timeout") meta.sendLatencyMs = 1500;
      if (outcome === "permanent") meta.failNext("/messages", 131026);
      if (outcome === "token_expired") meta.failNext("/messages", 190);
    },
  },
};

runChannelConformance(whatsappCloud, adapter);
