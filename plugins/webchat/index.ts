import type { ChannelPlugin, OutboundMessage, SendResult } from "../../core/channels/contract.ts";
import { configSchema, resolveConfig, type WebchatConfig } from "./config.ts";
import { InboundHandler } from "./inbound.ts";
import { PublicPages } from "./public.ts";
import { VisitorStreams, type StreamMessage } from "./streams.ts";
import { loadVisitorKey, VisitorIdentity } from "./visitor.ts";

export type { WebchatConfig } from "./config.ts";

const VERSION = "1.0.0";

/**
 * The built-in web chat: a hosted chat page, an embeddable widget for the
 * business's site, and a Server-Sent Events stream per visitor. It needs no
 * account anywhere, so a fresh Charla can receive a message at once.
 */
const webchat: ChannelPlugin<WebchatConfig> = {
  manifest: {
    id: "webchat",
    name: "Web chat",
    version: VERSION,
    apiVersion: 1,
    capabilities: ["text", "media", "read_receipts", "delivery_status"],
    description: {
      es: "Chat para tu sitio web: una página propia y un botón flotante que se inserta con una línea.",
      en: "Chat for your website: a hosted page and a floating button embedded with one line.",
    },
    hostsClient: true,
    // Sends are in-memory pushes to open streams; the limit only guards against runaway loops.
    sendsPerSecond: 50,
    // The visitor's client dedupes by external id, which is derived from the key: a resend is harmless.
    idempotency: "provider",
  },
  configSchema,

  async create(ctx, rawConfig) {
    const config = resolveConfig(rawConfig ?? {}, ctx.logger);
    const identity = new VisitorIdentity({
      key: await loadVisitorKey(ctx.kv),
      channelId: ctx.channelId,
      secure: ctx.secure,
      paths: [new URL(ctx.publicUrl).pathname, new URL(ctx.webhookUrl).pathname],
    });
    const streams = new VisitorStreams();
    const inbound = new InboundHandler({
      identity,
      now: () => ctx.now(),
      allowedOrigins: config.allowedOrigins,
      ownOrigin: new URL(ctx.publicUrl).origin,
      transcript: (id, limit) => ctx.transcript(id, limit),
    });
    const pages = new PublicPages({ ctx, logger: ctx.logger, config, identity, streams, version: VERSION });

    return {
      handleWebhook: (req) => inbound.handle(req),
      handlePublic: (req) => pages.handle(req),
      async send(msg: OutboundMessage): Promise<SendResult> {
        const event = toStreamMessage(msg, ctx.now());
        if ("reason" in event) return { ok: false, retryable: false, reason: event.reason };
        const externalId = event.externalId;
        // Delivered when a tab of the visitor got it; otherwise the visitor sees it
        // in the transcript the next time the chat opens.
        return { ok: true, externalId, status: streams.push(msg.to, event) > 0 ? "delivered" : "sent" };
      },
      // An agent opened the conversation: the visitor's ticks turn to "Leído".
      async markRead(customerId: string) {
        streams.pushRead(customerId);
      },
      dispose() {
        streams.closeAll();
        inbound.clear();
      },
    };
  },
};

export default webchat;

function toStreamMessage(msg: OutboundMessage, now: number): StreamMessage | { reason: string } {
  const base = { id: null, externalId: `wc-out-${msg.idempotencyKey}`, author: "agent" as const, createdAt: now };
  const c = msg.content;
  switch (c.kind) {
    case "text":
      return { ...base, kind: "text", text: c.text, mediaUrl: null, mediaType: null, filename: null };
    case "media":
      return { ...base, kind: "media", text: c.caption ?? null, mediaUrl: c.url, mediaType: c.mimeType, filename: c.filename ?? null };
    case "reaction":
      return { reason: "The web chat cannot show reactions" };
    case "template":
      return { reason: "The web chat has no message templates; send a normal message instead" };
    case "interactive":
      // No buttons in the web chat: the menu as numbered text (the core sends it so already).
      return { ...base, kind: "text", text: c.numberedText, mediaUrl: null, mediaType: null, filename: null };
  }
}
