/** Telegram plugin: manifest, the settings the core renders and checks from configSchema, and a folder that stands alone. */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkConfig, configFields } from "../../../core/channels/config-schema.ts";
import telegram from "../../../plugins/telegram/index.ts";

const DIR = join(import.meta.dir, "../../../plugins/telegram");
const TOKEN = "7012345678:AAHk3pQ9vLx2mN8rT5wY1zB4cD6eF7gH0iJ";

describe("telegram plugin: manifest and settings", () => {
  test("the manifest names the channel, its capabilities and Telegram's limits", () => {
    expect(telegram.manifest).toMatchObject({
      id: "telegram",
      name: "Telegram",
      apiVersion: 1,
      capabilities: ["text", "media", "location", "contacts", "interactive"],
      maxTextLength: 4096,
      sendsPerSecond: 25,
      description: { es: expect.stringContaining("bot de Telegram"), en: expect.stringContaining("Telegram bot") },
    });
    // No window (a bot may write any time) and no idempotency key in the Bot API.
    expect(telegram.manifest.messagingWindowHours).toBeUndefined();
    expect(telegram.manifest.idempotency).toBeUndefined();
  });

  test("the form's fields: Spanish titles by default, English ones for English users; secrets and the generated secret", () => {
    const es = configFields(telegram.configSchema);
    expect(es.map((f) => [f.key, f.title, f.secret, f.generate, f.required])).toEqual([
      ["botToken", "Token del bot", true, false, true],
      ["webhookSecret", "Clave secreta del webhook", true, true, false],
      ["apiBaseUrl", "URL de la API de bots (opcional)", false, false, false],
    ]);
    expect(es[0]!.description).toContain("@BotFather");
    expect(es[2]!.default).toBe("https://api.telegram.org");
    const en = configFields(telegram.configSchema, "en");
    expect(en.map((f) => f.title)).toEqual(["Bot token", "Webhook secret", "Bot API URL (optional)"]);
    expect(en[1]!.description).toContain("Charla registers it with Telegram");
  });

  test("the core checks values with the plugin's patterns and its own wording", () => {
    const ok = checkConfig(telegram.configSchema, { botToken: ` ${TOKEN} `, webhookSecret: "abc_DEF-123", apiBaseUrl: "http://127.0.0.1:8081" });
    expect(ok).toEqual({ errors: {}, value: { botToken: TOKEN, webhookSecret: "abc_DEF-123", apiBaseUrl: "http://127.0.0.1:8081" } });
    const bad = checkConfig(telegram.configSchema, { botToken: "AAHk3pQ9vLx2mN8rT5wY1zB4cD6eF7gH0iJ", webhookSecret: "con espacios ñ", apiBaseUrl: "api.telegram.org" });
    expect(bad.errors.botToken).toEqual({ es: expect.stringContaining("123456789:AAH"), en: expect.stringContaining("123456789:AAH") });
    expect(bad.errors.webhookSecret).toEqual({ es: expect.stringContaining("letras sin tilde"), en: expect.stringContaining("unaccented letters") });
    expect(bad.errors.apiBaseUrl).toEqual({ es: expect.stringContaining("https://"), en: expect.stringContaining("https://") });
    expect(checkConfig(telegram.configSchema, {}).errors).toEqual({ botToken: "required" });
    // Too short after the colon.
    expect(checkConfig(telegram.configSchema, { botToken: "123:short" }).errors.botToken).toBeDefined();
  });

  test("create() refuses what the schema would have refused, for callers that skip the core", async () => {
    const ctx = {} as Parameters<typeof telegram.create>[0];
    await expect(telegram.create(ctx, { botToken: "" })).rejects.toThrow("telegram: the bot token is missing");
    await expect(telegram.create(ctx, { botToken: "nope" })).rejects.toThrow("does not look like");
    await expect(telegram.create(ctx, { botToken: TOKEN, webhookSecret: "a b" })).rejects.toThrow("webhook secret");
    await expect(telegram.create(ctx, { botToken: TOKEN, apiBaseUrl: "ftp://x" })).rejects.toThrow("Bot API URL");
  });

  test("the folder imports only types from the SDK and its own files, so it can be copied alone into PLUGINS_DIR", () => {
    const files = readdirSync(DIR).filter((f) => /\.(ts|js|mjs)$/.test(f));
    expect(files).toContain("index.ts");
    const offenders: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(DIR, f), "utf8");
      for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+["']([^"']+)["']/gms)) {
        const [, , typeOnly, , from] = m;
        if (from!.startsWith("./") && !from!.includes("/", 2)) continue;
        if (from === "../sdk/index.ts" && typeOnly) continue;
        offenders.push(`${f}: ${m[0].replace(/\s+/g, " ").trim()}`);
      }
      if (/\bimport\s*\(|\brequire\s*\(/.test(text)) offenders.push(`${f}: dynamic import or require`);
      if (/\bimport\s+["']/.test(text)) offenders.push(`${f}: side-effect import`);
    }
    expect(offenders).toEqual([]);
  });
});
