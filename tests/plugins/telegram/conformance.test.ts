/**
 * The Telegram plugin against the channel conformance kit (tests/kit), with the Bot API fake
 * (tests/fakes/telegram.ts) on 127.0.0.1 as the provider.
 */
import telegram, { type TelegramConfig } from "../../../plugins/telegram/index.ts";
import { TelegramFake, tg, type TgUser } from "../../fakes/telegram.ts";
import { runChannelConformance, type ConformanceAdapter } from "../../kit/index.ts";

const TOKEN = "7012345678:AAHkitTokenQ9vLx2mN8rT5wY1zB4cD6eF7g";
const SECRET = "kit-telegram-secret_3f9a1c7e";
const CUSTOMER: TgUser = { id: 584930211, first_name: "Ana María", last_name: "Pérez" };
/** 2026-01-15T11:59:00Z: Telegram's `date` is in seconds. */
const WROTE_AT = Date.UTC(2026, 0, 15, 11, 59);
const PHOTO = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

const fake = new TelegramFake();

const adapter: ConformanceAdapter<TelegramConfig> = {
  config: () => ({ botToken: TOKEN, webhookSecret: SECRET, apiBaseUrl: fake.base }),
  recipient: String(CUSTOMER.id),
  webhook: {
    // Telegram authenticates a delivery by the secret_token header only; it does not sign the body.
    request: (body, auth) => ({
      method: "POST",
      url: new URL("http://localhost:3000/webhooks/7"),
      headers: new Headers({ "content-type": "application/json", ...(auth === "none" ? {} : { "x-telegram-bot-api-secret-token": auth === "valid" ? SECRET : "not-this-channels-secret" }) }),
      body,
      clientAddress: "149.154.167.220",
    }),
  },
  samples: {
    text: (n) => {
      const update = tg.text({ user: CUSTOMER, messageId: 40 + n, date: WROTE_AT / 1000 }, "Hola, ¿tienen pan de yuca?");
      return { body: update, expect: { externalId: `${CUSTOMER.id}:${40 + n}`, from: String(CUSTOMER.id), text: "Hola, ¿tienen pan de yuca?", timestamp: WROTE_AT } };
    },
    // The file lives on the fake's servers: getFile names its path, /file/bot<token>/<path> serves it.
    media: () => ({ body: tg.photo({ user: CUSTOMER, messageId: 90, date: WROTE_AT / 1000 }, fake.addPhoto(PHOTO, 640, 480), "así quedó"), expect: { bytes: PHOTO, mediaType: "image" } }),
  },
  provider: {
    start: () => fake.start(),
    stop: () => fake.stop(),
    reset: () => {
      fake.reset();
      fake.addBot({ token: TOKEN, username: "kit_bot", firstName: "Kit" });
    },
    nextSend: (outcome) => {
      if (outcome === "rate_limited") fake.failNext({ status: 429, retryAfter: 3 });
      if (outcome === "server_error") fake.failNext({ status: 500 });
      if (outcome === "timeout") fake.delayNext({ ms: 1_500 });
      if (outcome === "permanent") fake.failNext({ status: 403 });
      if (outcome === "token_expired") fake.failNext({ status: 401 });
    },
  },
  notApplicable: {
    "webhook-rejects-altered":
      "Telegram signs no body: a delivery proves itself only by the secret_token header setWebhook registered (over TLS), so a body changed in transit cannot be told from an authentic one",
  },
};

runChannelConformance(telegram, adapter);
