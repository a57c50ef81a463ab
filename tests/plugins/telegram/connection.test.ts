/** Telegram plugin: setWebhook when an instance starts on new settings and on "Probar conexión", getMe, health, retries. */
import { describe, expect, test } from "bun:test";
import { BotApi } from "../../../plugins/telegram/bot-api.ts";
import { Health } from "../../../plugins/telegram/health.ts";
import { WebhookRegistration } from "../../../plugins/telegram/webhook-registration.ts";
import telegram, { type TelegramConfig } from "../../../plugins/telegram/index.ts";
import { buildPluginContext } from "../../helpers/plugin-context.ts";
import { bot, fake, SECRET, setup, START, useTelegramFake } from "./setup.ts";

useTelegramFake();

describe("telegram plugin: webhook registration and test connection", () => {
  test("starting on settings not registered yet calls setWebhook with this channel's URL, the secret and the update kinds", async () => {
    const s = await setup();
    const calls = fake.callsOf("setWebhook");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toEqual({ url: s.ctx.webhookUrl, secret_token: SECRET, allowed_updates: ["message", "edited_message"] });
    expect(bot.webhook).toEqual({ url: s.ctx.webhookUrl, secretToken: SECRET, allowedUpdates: ["message", "edited_message"] });
    expect(s.ctx.webhookUrl).toEndWith("/webhooks/3");
    // What was registered is kept as a hash: neither the token nor the secret is in the kv.
    const kept = s.store.get("webhook:registered")!;
    expect(kept).toMatch(/^[0-9a-f]{64}$/);
    expect([...s.store.values()].join(" ")).not.toContain(SECRET);
  });

  test("a restart on the same settings does not call Telegram; a changed secret, token or URL registers again", async () => {
    const store = new Map<string, string>();
    const start = async (config: Partial<TelegramConfig> = {}, baseUrl = "https://charla.example") => {
      const h = buildPluginContext({ start: START, baseUrl, store });
      const instance = await telegram.create(h.ctx, { botToken: bot.token, webhookSecret: SECRET, apiBaseUrl: fake.base, ...config });
      await instance.dispose?.();
    };
    await start();
    await start();
    expect(fake.callsOf("setWebhook")).toHaveLength(1);
    await start({ webhookSecret: "another_secret-123" });
    expect(bot.webhook?.secretToken).toBe("another_secret-123");
    const other = fake.addBot({ username: "otro_bot", firstName: "Otro" });
    await start({ botToken: other.token, webhookSecret: "another_secret-123" });
    await start({ botToken: other.token, webhookSecret: "another_secret-123" }, "https://nuevo.example");
    expect(fake.callsOf("setWebhook").map((c) => [c.token === bot.token ? "bot" : "other", c.params.url])).toEqual([
      ["bot", "https://charla.example/webhooks/3"],
      ["bot", "https://charla.example/webhooks/3"],
      ["other", "https://charla.example/webhooks/3"],
      ["other", "https://nuevo.example/webhooks/3"],
    ]);
  });

  test("the core's check of a new channel's settings (channel 0, no URL yet) calls nothing", async () => {
    await setup({}, { channelId: 0 });
    expect(fake.calls).toEqual([]);
  });

  test("testConnection: getMe names the bot, then setWebhook registers again", async () => {
    const s = await setup();
    bot.webhook = null; // e.g. someone pointed the bot elsewhere with deleteWebhook
    expect(await s.instance.testConnection!()).toEqual({ ok: true, detail: "@panaderia_lola_bot (Panadería Lola)" });
    expect(fake.calls.map((c) => c.method)).toEqual(["setWebhook", "getMe", "setWebhook"]);
    expect(fake.bots.get(bot.token)!.webhook?.url).toBe(s.ctx.webhookUrl);
  });

  test("a token Telegram does not know: the test says so, the channel needs attention, and nothing throws", async () => {
    const wrong = `${bot.id}:AAH${"x".repeat(32)}`;
    const s = await setup({ botToken: wrong });
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.stringContaining("Telegram no longer accepts the bot token (Telegram error 401: Unauthorized)") }]);
    expect(await s.instance.testConnection!()).toEqual({ ok: false, detail: "Telegram error 401: Unauthorized" });
    expect(s.store.has("webhook:registered")).toBe(false);
  });

  test("Telegram refusing the URL (not https) shows why, naming PUBLIC_URL; fixed, the channel is active again", async () => {
    fake.requireHttps = true;
    const s = await setup();
    const reason = "Telegram refused the webhook: Telegram error 400: Bad Request: bad webhook: An HTTPS URL must be provided for webhook";
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.stringContaining(reason) }]);
    expect((s.health[0] as { reason: string }).reason).toContain("check PUBLIC_URL");
    const test1 = await s.instance.testConnection!();
    expect(test1).toMatchObject({ ok: false, detail: expect.stringContaining(reason) });
    fake.requireHttps = false;
    expect(await s.instance.testConnection!()).toMatchObject({ ok: true });
    expect(s.health.at(-1)).toEqual({ status: "active" });
  });

  test("an unreachable Telegram at start: create() still returns and health says so (the retry is the next test)", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const dead = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const s = await setup({ apiBaseUrl: dead });
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.stringMatching(/^Could not register the webhook with Telegram: Could not reach Telegram/) }]);
    expect(await s.instance.testConnection!()).toMatchObject({ ok: false, detail: expect.stringMatching(/^Could not reach Telegram/) });
  });

  test("a transient failure is retried in the background until it works; dispose stops the retries", async () => {
    const h = buildPluginContext({ start: START });
    const health = new Health(h.ctx.kv, h.ctx.reportHealth, h.ctx.logger);
    const api = new BotApi({ fetch: h.ctx.fetch, base: fake.base, token: bot.token, logger: h.ctx.logger, observer: health });
    const registration = new WebhookRegistration({ api, kv: h.ctx.kv, health, logger: h.ctx.logger, url: h.ctx.webhookUrl, secret: SECRET, token: bot.token, retryDelaysMs: [20, 20] });
    fake.failNext({ method: "setWebhook", status: 502, times: 2 });
    await registration.ensure();
    expect(h.health).toEqual([{ status: "needs_attention", reason: "Could not register the webhook with Telegram: Telegram error 502: Bad Gateway (Charla tries again by itself)" }]);
    for (let i = 0; i < 200 && h.health.at(-1)?.status !== "active"; i++) await Bun.sleep(5);
    expect(fake.callsOf("setWebhook").map((c) => c.status)).toEqual([502, 502, 200]);
    expect(h.health.at(-1)).toEqual({ status: "active" });

    // 429 waits at least retry_after; dispose before it fires: no more calls.
    fake.failNext({ method: "setWebhook", status: 429, retryAfter: 1 });
    await registration.register();
    registration.dispose();
    await Bun.sleep(1_100);
    expect(fake.callsOf("setWebhook")).toHaveLength(4);
  });
});
