import type { ChannelPlugin } from "../../core/channels/contract.ts";
import { appSecretTrustKey } from "../meta-common/trust-key.ts";
import { configSchema, resolveConfig, type WhatsAppCloudConfig } from "./config.ts";
import { describeError } from "./errors.ts";
import { GraphClient } from "./graph-client.ts";
import { TokenHealth } from "./health.ts";
import { fetchMedia } from "./media.ts";
import { MAX_TEXT_CHARS, markRead, sendMessage } from "./send.ts";
import { listTemplates } from "./templates.ts";
import { handleWebhook } from "./webhook.ts";

export type { WhatsAppCloudConfig } from "./config.ts";

/**
 * WhatsApp through Meta's Cloud API: signed webhooks in, Graph API calls out.
 * https://developers.facebook.com/docs/whatsapp/cloud-api
 */
const whatsappCloud: ChannelPlugin<WhatsAppCloudConfig> = {
  manifest: {
    id: "whatsapp-cloud",
    name: "WhatsApp Cloud API",
    version: "1.0.0",
    apiVersion: 1,
    capabilities: ["text", "media", "location", "contacts", "interactive", "reactions", "templates", "read_receipts", "delivery_status"],
    // Free-form messages only within 24 h of the customer's last message; templates after.
    // https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
    messagingWindowHours: 24,
    // Default throughput of a business number is 80 messages/s (error 130429 beyond it).
    // https://developers.facebook.com/docs/whatsapp/throughput
    sendsPerSecond: 80,
    maxTextLength: MAX_TEXT_CHARS,
    // Pair rate limit (131056): roughly one message every 6 s per recipient sustained, short bursts allowed;
    // spacing sends to one customer keeps bursts of agent replies under it.
    recipientGapMs: 600,
    // Our key rides in biz_opaque_callback_data and comes back in status webhooks.
    idempotency: "callback",
    description: {
      es: "WhatsApp Business mediante la Cloud API de Meta: mensajes, multimedia, plantillas y confirmaciones de lectura.",
      en: "WhatsApp Business through Meta's Cloud API: messages, media, templates and read receipts.",
    },
  },
  configSchema,

  async create(ctx, rawConfig) {
    const config = resolveConfig(rawConfig ?? {}, ctx.platform, ctx.logger);
    const health = await TokenHealth.load(ctx);
    const graph = new GraphClient({
      fetch: ctx.fetch,
      base: config.graphBase,
      version: config.graphVersion,
      token: config.accessToken,
      observe: health.observe,
    });
    const webhookDeps = { verifyToken: config.verifyToken, appSecret: config.appSecret, now: () => ctx.now(), logger: ctx.logger };

    return {
      handleWebhook: (req) => handleWebhook(req, webhookDeps),
      send: (msg) => sendMessage(graph, config.phoneNumberId, msg),
      fetchMedia: (ref) => fetchMedia(graph, ref),
      markRead: (_customerId, externalId) => markRead(graph, config.phoneNumberId, externalId),
      listTemplates: () => listTemplates(graph, config.wabaId),
      async testConnection() {
        // https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/
        const res = await graph.get<{ display_phone_number?: unknown; verified_name?: unknown }>(config.phoneNumberId, {
          fields: "display_phone_number,verified_name",
        });
        if (!res.ok) return { ok: false, detail: describeError(res.error) };
        const name = typeof res.data.verified_name === "string" ? res.data.verified_name : "";
        const phone = typeof res.data.display_phone_number === "string" ? res.data.display_phone_number : "";
        return { ok: true, detail: name && phone ? `${name} (${phone})` : name || phone || config.phoneNumberId };
      },
    };
  },

  // One Meta app posts every number's events to one URL: each event names its phone_number_id.
  routingKey: (config) => (typeof config.phoneNumberId === "string" && config.phoneNumberId.trim()) || null,
  // Channels of the same Meta app share its secret, so a webhook signed for one is genuine for all of them.
  trustKey: (config) => appSecretTrustKey(config.appSecret),
};

export default whatsappCloud;
