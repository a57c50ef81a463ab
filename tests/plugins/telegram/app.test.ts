/**
 * Telegram end to end through the real app: the plugin folder copied alone into PLUGINS_DIR (as an
 * operator would drop it in), a channel made in Canales, Telegram's deliveries to the URL and
 * secret the plugin registered, the inbox, and answers reaching the Bot API fake.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramFake, tg, type FakeBot, type TgUser } from "../../fakes/telegram.ts";
import type { Client } from "../../helpers/client.ts";
import { startLiveServer } from "../../helpers/live-server.ts";
import { remoteClient } from "../../helpers/spawned-server.ts";

const ROOT = join(import.meta.dir, "../../..");
const CUSTOMER: TgUser = { id: 584930211, first_name: "Ana María", last_name: "Pérez", username: "anamaria" };
const CHAT = String(CUSTOMER.id);
const DATE = Math.floor(Date.now() / 1000) - 60;
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 0xff, 0xd9]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe("Telegram channel through the app, loaded from PLUGINS_DIR", () => {
  const telegram = new TelegramFake();
  let bot: FakeBot;
  let pluginsDir: string;
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let admin: Client;
  let sup: Client;
  let channelId = 0;
  const db = () => server.db;
  const conversation = () => db().query<{ id: number }, [number]>("SELECT id FROM conversations WHERE channel_id = ? ORDER BY id DESC").get(channelId)!.id;
  const messages = () => db().query<{ id: number; kind: string; text: string | null; external_id: string | null }, [number]>("SELECT id, kind, text, external_id FROM messages WHERE channel_id = ? ORDER BY id").all(channelId);
  const push = async (update: ReturnType<typeof tg.text>) => {
    const res = await telegram.pushUpdate(bot.token, update);
    expect(res?.status).toBe(200);
    return res!;
  };
  async function until<T>(what: string, probe: () => T | null | undefined | false): Promise<T> {
    for (let i = 0; i < 500; i++) {
      const v = probe();
      if (v) return v;
      await Bun.sleep(10);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    await telegram.start();
    bot = telegram.addBot({ username: "panaderia_lola_bot", firstName: "Panadería Lola" });
    pluginsDir = mkdtempSync(join(tmpdir(), "charla-tg-plugins-"));
    // Only the plugin's own folder: nothing of the checkout next to it.
    cpSync(join(ROOT, "plugins/telegram"), join(pluginsDir, "telegram"), { recursive: true });
    server = await startLiveServer({ PLUGINS_DIR: pluginsDir });
    await server.makeUser(server.companyId, "jefa", "admin");
    await server.makeUser(server.companyId, "boss", "admin", [], "en");
    await server.makeUser(server.companyId, "sup", "supervisor");
    admin = remoteClient(server.url);
    await admin.login("jefa", "password-123");
    sup = remoteClient(server.url);
    await sup.login("sup", "password-123");
  });
  afterAll(async () => {
    await server?.stop();
    await telegram.stop();
    rmSync(pluginsDir, { recursive: true, force: true });
  });

  test("Canales lists the external Telegram plugin; its settings form is in Spanish, and in English for an English admin", async () => {
    const list = await admin.html("/admin/channels");
    expect(list).toContain("Mensajes de su bot de Telegram");
    expect(list).toContain('href="/admin/channels/new?plugin=telegram"');
    const es = await admin.html("/admin/channels/new?plugin=telegram");
    for (const s of ["Token del bot", "Clave secreta del webhook", "URL de la API de bots (opcional)", "@BotFather", 'name="config.botToken"', 'value="https://api.telegram.org"']) expect(es).toContain(s);
    expect(es).toMatch(/type="password"[^>]*name="config.botToken"|name="config.botToken"[^>]*type="password"/);

    const boss = remoteClient(server.url);
    await boss.login("boss", "password-123");
    const en = await boss.html("/admin/channels/new?plugin=telegram");
    for (const s of ["Bot token", "Webhook secret", "Bot API URL (optional)", "Charla registers it with Telegram"]) expect(en).toContain(s);
    expect(en).not.toContain("Token del bot");
  });

  test("a malformed token is refused with the plugin's own words", async () => {
    const res = await admin.post("/admin/channels?plugin=telegram", { name: "Telegram", queueId: "", reopenWindowMinutes: "0", "config.botToken": "AAH-no-number", "config.webhookSecret": "", "config.apiBaseUrl": telegram.base });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("El token del bot tiene la forma 123456789:AAH");
    expect(telegram.calls).toEqual([]);
  });

  test("saving a channel registers its webhook with Telegram: this channel's URL and a generated secret", async () => {
    const res = await admin.post("/admin/channels?plugin=telegram", {
      name: "Telegram Panadería",
      queueId: "",
      reopenWindowMinutes: "0",
      "config.botToken": bot.token,
      "config.webhookSecret": "",
      "config.apiBaseUrl": telegram.base,
    });
    expect(res.status).toBe(303);
    channelId = Number(/\/admin\/channels\/(\d+)$/.exec(res.headers.get("location") ?? "")?.[1]);
    expect(channelId).toBeGreaterThan(0);
    const page = await admin.html(`/admin/channels/${channelId}`);
    expect(page).toContain(`${server.url}/webhooks/${channelId}`);
    expect(page).not.toContain(bot.token);
    expect(bot.webhook).toEqual({ url: `${server.url}/webhooks/${channelId}`, secretToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), allowedUpdates: ["message", "edited_message"] });
    expect(page).not.toContain(bot.webhook!.secretToken!);
    // Once: the check before saving had no channel id yet, and the page's instance registered it.
    expect(telegram.callsOf("setWebhook")).toHaveLength(1);

    // "Probar conexión": getMe, and the webhook again.
    const test1 = await admin.post(`/admin/channels/${channelId}/test`);
    expect(test1.status).toBe(303);
    expect(await admin.html(`/admin/channels/${channelId}`)).toContain("Conexión correcta. @panaderia_lola_bot (Panadería Lola)");
    expect(telegram.calls.map((c) => c.method)).toEqual(["setWebhook", "getMe", "setWebhook"]);
  });

  test("a customer's text reaches the inbox under their name; Telegram's redelivery of it is stored once; a forged one is refused", async () => {
    const update = tg.text({ user: CUSTOMER, messageId: 11, date: DATE }, "Hola, ¿tienen pan de yuca hoy?");
    await push(update);
    await push(update);
    expect(messages()).toEqual([{ id: expect.any(Number), kind: "text", text: "Hola, ¿tienen pan de yuca hoy?", external_id: `${CHAT}:11` }]);
    expect(db().query("SELECT name FROM contacts").all()).toContainEqual({ name: "Ana María Pérez" });
    const inbox = await sup.html("/inbox");
    expect(inbox).toContain("Ana María Pérez");
    expect(await sup.html(`/inbox/${conversation()}`)).toContain("Hola, ¿tienen pan de yuca hoy?");

    const forged = await fetch(`${server.url}/webhooks/${channelId}`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "guess" }, body: JSON.stringify(tg.text(CUSTOMER, "falso")) });
    expect(forged.status).toBe(403);
    expect(messages()).toHaveLength(1);
  });

  test("a photo is fetched through getFile into Charla; an edit shows as a marked correction of its message", async () => {
    const sizes = telegram.addPhoto(JPEG, 800, 600);
    await push(tg.photo({ user: CUSTOMER, messageId: 12, date: DATE }, sizes, "como esta"));
    const mediaId = await until("the photo's download", () => db().query<{ media_id: number | null }, [string]>("SELECT media_id FROM messages WHERE external_id = ?").get(`${CHAT}:12`)?.media_id);
    const file = await sup.get(`/media/${mediaId}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(JPEG);
    expect(telegram.callsOf("getFile")[0]!.params).toEqual({ file_id: sizes[2]!.file_id });

    await push(tg.edited(CUSTOMER, 11, "Hola, ¿tienen pan de bono hoy?", DATE + 30));
    const edit = db().query<{ text: string; reply_to_id: number }, [string]>("SELECT text, reply_to_id FROM messages WHERE external_id = ?").get(`${CHAT}:11:e${DATE + 30}`);
    expect(edit).toEqual({ text: "✏️ Hola, ¿tienen pan de bono hoy?", reply_to_id: messages()[0]!.id });
  });

  test("an agent's text and a photo reach Telegram; the photo as an upload of its bytes", async () => {
    const conv = conversation();
    telegram.clear();
    expect((await sup.post(`/inbox/${conv}/messages`, { text: "¡Sí! Recién salido del horno 🥖" })).status).toBe(303);
    const [text] = await telegram.waitForSent(1, CHAT);
    expect(text).toMatchObject({ method: "sendMessage", text: "¡Sí! Recién salido del horno 🥖" });
    const sentRow = await until("the reply's status", () =>
      db().query<{ status: string; external_id: string }, [string]>("SELECT status, external_id FROM messages WHERE text = ? AND status = 'sent'").get("¡Sí! Recién salido del horno 🥖"),
    );
    expect(sentRow.external_id).toBe(`${CHAT}:${text!.messageId}`);

    const form = new FormData();
    form.set("_csrf", await sup.csrf());
    form.set("text", "nuestra vitrina");
    form.set("file", new File([PNG], "vitrina.png", { type: "image/png" }));
    const res = await fetch(`${server.url}/inbox/${conv}/messages`, {
      method: "POST",
      body: form,
      headers: { cookie: [...sup.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "hx-request": "true" },
    });
    expect(res.status).toBe(200);
    const [, photo] = await telegram.waitForSent(2, CHAT);
    expect(photo).toMatchObject({ method: "sendPhoto", caption: "nuestra vitrina", file: { field: "photo", name: "vitrina.png", type: "image/png" } });
    expect(photo!.file!.bytes).toEqual(PNG);
    // The customer answers that photo: the reply points at it.
    await push(tg.replyTo({ user: CUSTOMER, messageId: 13 }, photo!.messageId, "¡Qué rico!"));
    const reply = db().query<{ reply_to_id: number | null }, [string]>("SELECT reply_to_id FROM messages WHERE external_id = ?").get(`${CHAT}:13`);
    const photoRow = db().query<{ id: number }, [string]>("SELECT id FROM messages WHERE external_id = ?").get(`${CHAT}:${photo!.messageId}`);
    expect(reply?.reply_to_id).toBe(photoRow!.id);
  });

  test("a revoked token marks the channel Requiere atención with Telegram's reason", async () => {
    telegram.clear();
    telegram.failNext({ method: "sendMessage", status: 401 });
    expect((await sup.post(`/inbox/${conversation()}/messages`, { text: "¿Sigue ahí?" })).status).toBe(303);
    await until("the failed send", () => db().query<{ status: string }, []>("SELECT status FROM messages WHERE text = '¿Sigue ahí?' AND status = 'failed'").get());
    const page = await admin.html(`/admin/channels/${channelId}`);
    expect(page).toContain('id="needs-attention"');
    expect(page).toContain("Telegram no longer accepts the bot token");
  });

  test("a channel created through the API registers its webhook with Telegram right away (no panel visit needed)", async () => {
    const other = telegram.addBot({ username: "api_bot", firstName: "Por API" });
    const token = server.makeToken(server.companyId);
    const res = await fetch(`${server.url}/api/v1/channels`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ plugin: "telegram", name: "Telegram API", config: { botToken: other.token, apiBaseUrl: telegram.base } }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: number }).id;
    const hook = await until("setWebhook of the API-made channel", () => other.webhook);
    expect(hook.url).toBe(`${server.url}/webhooks/${id}`);
  });
});
