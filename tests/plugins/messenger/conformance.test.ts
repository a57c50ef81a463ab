/**
 * The Messenger plugin against the channel conformance kit (tests/kit), with the
 * Meta Graph fake (tests/fakes/meta-graph.ts) on 127.0.0.1 as the provider.
 */
import messenger, { type MessengerConfig } from "../../../plugins/messenger/index.ts";
import { hubSignature256, MetaGraphFake, metaJson, ms, type MsCtx } from "../../fakes/meta-graph.ts";
import { PIXEL_PNG } from "../../fakes/meta/messenger.ts";
import { runChannelConformance, type ConformanceAdapter } from "../../kit/index.ts";

const PAGE = "104729375212345";
const PAGE_TOKEN = "EAAG-kit-page-token-4e7a1f";
const APP_SECRET = "kit-ms-app-secret-8c2d6b1e";
const VERIFY = "kit-verify-ms-31f0";
const PSID = "7012345678901234";
/** 2026-01-15T11:59:00Z: Messenger events carry epoch milliseconds. */
const WROTE_AT = Date.UTC(2026, 0, 15, 11, 59);

const meta = new MetaGraphFake();
const at = (over: Partial<MsCtx> = {}): MsCtx => ({ pageId: PAGE, psid: PSID, time: WROTE_AT, ...over });

const adapter: ConformanceAdapter<MessengerConfig> = {
  config: () => ({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, graphUrl: meta.url }),
  recipient: PSID,
  webhook: {
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
      url.searchParams.set("hub.challenge", "483920174");
      return { method: "GET", url, headers: new Headers(), body: new Uint8Array(), clientAddress: "173.252.88.1" };
    },
  },
  samples: {
    text: (n) => {
      const mid = `m_kit-text-${n}-AbCdEfGhIjKlMnOpQrStUvWxYz`;
      return { body: metaJson(ms.text(at({ mid }), "Hola, ¿tienen pan integral?")), expect: { externalId: mid, from: PSID, text: "Hola, ¿tienen pan integral?", timestamp: WROTE_AT } };
    },
    // Deliveries name their mids; reads are a watermark over what the page sent, so one send comes first.
    statuses: async (env) => {
      const sent = await env.instance.send({ idempotencyKey: "charla-77", to: PSID, lastInboundAt: env.kit.clock.t - 60_000, content: { kind: "text", text: "¡Sí, recién horneado!" } });
      if (!sent.ok) throw new Error(`the send before the read watermark failed: ${sent.reason}`);
      return [
        { body: metaJson(ms.delivery(at(), ["m_kit-out-1"], WROTE_AT)), expect: { status: "delivered", externalId: "m_kit-out-1" } },
        { body: metaJson(ms.read(at({ time: env.kit.clock.t + 1000 }), env.kit.clock.t + 1)), expect: { status: "read", externalId: sent.externalId } },
      ];
    },
    // Meta hands out a CDN link to the file; the fake serves one (a 1x1 PNG).
    media: () => ({ body: metaJson(ms.attachment(at({ mid: "m_kit-media-1" }), "image", `${meta.url}/profile-pic/${PSID}.png`)), expect: { bytes: PIXEL_PNG, mediaType: "image" } }),
    // The echo of a page's send repeats its message.metadata, exactly as the fake received it.
    callback: ({ externalId }) => {
      const sent = meta.outbox.find((r) => r.id === externalId);
      const message = (sent?.body.message ?? {}) as { text?: string; metadata?: string };
      const echo = ms.echo(at({ time: WROTE_AT + 60_000 }), message.text ?? "", externalId);
      if (message.metadata !== undefined) (echo.entry[0]!.messaging![0]!.message as Record<string, unknown>).metadata = message.metadata;
      return { body: metaJson(echo) };
    },
  },
  provider: {
    start: () => meta.start(),
    stop: () => meta.stop(),
    reset: () => {
      meta.clear();
      meta.sendLatencyMs = 0;
      for (const registry of [meta.pages, meta.profiles]) registry.clear();
      meta.addPage({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, name: "Panadería Lola" });
      meta.addProfile(PSID, { firstName: "Sheena", lastName: "Nelson", pageId: PAGE });
    },
    nextSend: (outcome) => {
      if (outcome === "rate_limited") meta.failNext("/messages", 613);
      if (outcome === "server_error") meta.failNext("/messages", 2);
      if (outcome === "timeout") meta.sendLatencyMs = 1500;
      if (outcome === "permanent") meta.failNext("/messages", 551);
      if (outcome === "token_expired") meta.failNext("/messages", 190);
    },
  },
};

runChannelConformance(messenger, adapter);
