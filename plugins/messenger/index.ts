import type { ChannelPlugin, MediaRef } from "../../core/channels/contract.ts";
import { appSecretTrustKey } from "../meta-common/trust-key.ts";
import { configSchema, resolveConfig, text, type MessengerConfig } from "./config.ts";
import { describe, TokenHealth } from "./errors.ts";
import { GraphClient, isObject } from "./graph-client.ts";
import { ProfileNames } from "./profile.ts";
import { SentLog } from "./read-receipts.ts";
import { HUMAN_AGENT_WINDOW_HOURS, RESPONSE_WINDOW_HOURS, Sender, TEXT_LIMIT } from "./send.ts";
import { WebhookHandler } from "./webhook.ts";

export type { MessengerConfig } from "./config.ts";

const MEDIA_TIMEOUT_MS = 60_000;

/**
 * Facebook Messenger through a page: Meta's webhook in, the Send API out.
 * https://developers.facebook.com/docs/messenger-platform
 */
const messenger: ChannelPlugin<MessengerConfig> = {
  manifest: {
    id: "messenger",
    name: "Facebook Messenger",
    version: "1.0.0",
    apiVersion: 1,
    capabilities: ["text", "media", "interactive", "read_receipts", "delivery_status"],
    messagingWindowHours: RESPONSE_WINDOW_HOURS,
    humanAgentWindowHours: HUMAN_AGENT_WINDOW_HOURS,
    // Meta's Send API allows far more per page; 40/s keeps a burst well inside it.
    sendsPerSecond: 40,
    maxTextLength: TEXT_LIMIT,
    // Our key rides in message.metadata and comes back in the echo (subscribe the page to message_echoes).
    idempotency: "callback",
    description: {
      es: "Mensajes de Facebook Messenger de su página: responda a sus clientes desde la bandeja.",
      en: "Facebook Messenger messages of your page: answer your customers from the inbox.",
    },
  },
  configSchema,

  /** Meta sends every page of one app to one URL: events are filed by page id. */
  routingKey: (config) => text(config?.pageId) || null,
  /** Channels of the same Meta app (same secret) may receive each other's events; the secret itself never leaves. */
  trustKey: (config) => appSecretTrustKey(config?.appSecret),

  async create(ctx, rawConfig) {
    const config = resolveConfig(rawConfig ?? {}, ctx.platform, ctx.logger);
    const health = new TokenHealth(ctx.kv, (h) => ctx.reportHealth(h), ctx.logger);
    await health.load();
    const client = new GraphClient({
      fetch: ctx.fetch,
      base: config.graphBase,
      version: config.graphVersion,
      token: config.pageAccessToken,
      logger: ctx.logger,
      observer: health,
    });
    const sentLog = new SentLog(ctx.kv);
    const now = () => ctx.now();
    const sender = new Sender({ client, sentLog, now, logger: ctx.logger });
    const webhook = new WebhookHandler({ config, sentLog, profiles: new ProfileNames(client, ctx.kv, now, ctx.logger), now, logger: ctx.logger });

    return {
      handleWebhook: (req) => webhook.handle(req),
      send: (msg) => sender.send(msg),
      markRead: (customerId) => sender.markSeen(customerId),

      async testConnection() {
        const res = await client.get<Record<string, unknown>>("me", { fields: "id,name" });
        if (!res.ok) return { ok: false, detail: describe(res.error) };
        const data = isObject(res.data) ? res.data : {};
        const name = typeof data.name === "string" ? data.name : "";
        const id = typeof data.id === "string" || typeof data.id === "number" ? String(data.id) : "";
        if (id && id !== config.pageId) {
          return { ok: false, detail: `The token belongs to ${name || id} (${id}), not to page ${config.pageId}: use that page's access token` };
        }
        return { ok: true, detail: name || config.pageId };
      },

      /** The attachment URL Meta gave in the webhook (a CDN link that expires). */
      async fetchMedia(ref: MediaRef): Promise<Blob> {
        const url = new URL(ref.id);
        if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("messenger: media reference is not an http(s) URL");
        const res = await ctx.fetch(url, { signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`messenger: media download failed with HTTP ${res.status}`);
        const type = res.headers.get("content-type") ?? ref.mimeType ?? "application/octet-stream";
        return new Blob([await res.arrayBuffer()], { type });
      },
    };
  },
};

export default messenger;
