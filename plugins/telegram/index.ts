import type { ChannelPlugin, MediaRef } from "../sdk/index.ts";
import { BotApi, isObject } from "./bot-api.ts";
import { configSchema, resolveConfig, type TelegramConfig } from "./config.ts";
import { describe } from "./errors.ts";
import { Health } from "./health.ts";
import { Menus } from "./menus.ts";
import { Sender, TEXT_LIMIT } from "./send.ts";
import { WebhookHandler } from "./webhook.ts";
import { REGISTER_TIMEOUT_MS, WebhookRegistration } from "./webhook-registration.ts";

export type { TelegramConfig } from "./config.ts";

const MEDIA_TIMEOUT_MS = 60_000;

/**
 * Telegram through a bot: the Bot API's webhook in, its send methods out. This
 * folder imports nothing but types from the plugin SDK, so it can be copied alone
 * into PLUGINS_DIR. https://core.telegram.org/bots/api
 */
const telegram: ChannelPlugin<TelegramConfig> = {
  manifest: {
    id: "telegram",
    name: "Telegram",
    version: "1.0.0",
    apiVersion: 1,
    capabilities: ["text", "media", "location", "contacts", "interactive"],
    maxTextLength: TEXT_LIMIT,
    // Telegram allows about 30 messages per second per bot; 25 leaves room for bursts.
    // https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
    sendsPerSecond: 25,
    // No messagingWindowHours: a bot may write to anyone who started it, at any time.
    // No idempotency: the Bot API takes no key, so a send cut off mid-request is sent again and marked.
    description: {
      es: "Mensajes de su bot de Telegram: sus clientes le escriben al bot y usted responde desde la bandeja.",
      en: "Messages to your Telegram bot: your customers write to the bot and you answer from the inbox.",
    },
  },
  configSchema,

  async create(ctx, rawConfig) {
    const config = resolveConfig(rawConfig ?? {});
    const health = new Health(ctx.kv, (h) => ctx.reportHealth(h), ctx.logger);
    await health.load();
    const api = new BotApi({ fetch: ctx.fetch, base: config.apiBase, token: config.botToken, logger: ctx.logger, observer: health });
    const menus = new Menus(ctx.kv);
    const now = () => ctx.now();
    const sender = new Sender({ api, menus, now, logger: ctx.logger });
    const webhook = new WebhookHandler({ secret: config.webhookSecret, menus, now, logger: ctx.logger });
    const registration = new WebhookRegistration({ api, kv: ctx.kv, health, logger: ctx.logger, url: ctx.webhookUrl, secret: config.webhookSecret, token: config.botToken });

    // Settings of a channel not saved yet are checked with channelId 0 (and a
    // placeholder webhook URL): there is nothing to register until it has an id.
    if (ctx.channelId > 0) {
      try {
        await registration.ensure();
      } catch (e) {
        // Never refuse to start over the webhook: health says what is wrong.
        ctx.logger.error("telegram: webhook registration failed", { error: api.redact(e instanceof Error ? e.message : String(e)) });
      }
    }

    return {
      handleWebhook: (req) => webhook.handle(req),
      send: (msg) => sender.send(msg),

      /** getMe proves the token; setWebhook tells Telegram this channel's URL and secret again. */
      async testConnection() {
        const me = await api.call<Record<string, unknown>>("getMe", {}, REGISTER_TIMEOUT_MS);
        if (!me.ok) return { ok: false, detail: describe(me.error) };
        const bot = isObject(me.result) ? me.result : {};
        const name = [typeof bot.username === "string" ? `@${bot.username}` : "", typeof bot.first_name === "string" ? `(${bot.first_name})` : ""].filter(Boolean).join(" ");
        const registered = await registration.register();
        if (!registered.ok) return { ok: false, detail: registered.detail };
        return { ok: true, detail: name || "Telegram" };
      },

      /** getFile names the file's path on Telegram's file server, then the bytes come from there (bots: up to 20 MB). */
      async fetchMedia(ref: MediaRef): Promise<Blob> {
        const info = await api.call<Record<string, unknown>>("getFile", { file_id: ref.id });
        if (!info.ok) {
          const big = /too big/i.test(info.error.description) ? " (bots may download files of at most 20 MB)" : "";
          throw new Error(`telegram: getFile failed: ${describe(info.error)}${big}`);
        }
        const path = isObject(info.result) && typeof info.result.file_path === "string" ? info.result.file_path : "";
        if (!path) throw new Error("telegram: getFile named no file_path (the file may be too big for bots to download)");
        const res = await api.download(path, MEDIA_TIMEOUT_MS);
        if (!res.ok) throw new Error(`telegram: media download failed: ${describe(res.error)}`);
        const header = (res.result.headers.get("content-type") ?? "").split(";")[0]!.trim();
        // Telegram's file server mostly answers application/octet-stream: the update's own type is better.
        const type = header && header !== "application/octet-stream" ? header : (ref.mimeType ?? (header || "application/octet-stream"));
        return new Blob([await res.result.arrayBuffer()], { type });
      },

      dispose() {
        registration.dispose();
      },
    };
  },
};

export default telegram;
