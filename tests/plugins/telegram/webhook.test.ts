/** Telegram plugin: who may post updates (the secret header), what a malformed body gets, and which updates are ignored. */
import { describe, expect, test } from "bun:test";
import { tg } from "../../fakes/telegram.ts";
import { bot, CUSTOMER, fake, SECRET, setup, useTelegramFake } from "./setup.ts";

useTelegramFake();

describe("telegram plugin: webhook verification", () => {
  test("an update with the registered secret is accepted; a missing header is 401, a wrong one 403, and nothing is parsed", async () => {
    const s = await setup();
    const update = tg.text(CUSTOMER, "Hola, ¿tienen pan de yuca?");
    const ok = await s.push(update);
    expect(ok.status).toBe(200);
    expect(ok.result?.type).toBe("events");

    expect(await s.deliver(update, { secret: null })).toEqual({ status: 401, result: { type: "rejected", status: 401, reason: "Missing X-Telegram-Bot-Api-Secret-Token" } });
    const wrong = await s.deliver(update, { secret: `${SECRET.slice(0, -1)}#` });
    expect(wrong).toEqual({ status: 403, result: { type: "rejected", status: 403, reason: expect.stringContaining("does not match") } });
    // Longer, shorter, differently cased: all the same refusal.
    for (const secret of [`${SECRET}x`, SECRET.slice(1), SECRET.toUpperCase()]) expect((await s.deliver(update, { secret })).status).toBe(403);
  });

  test("a channel without a webhook secret refuses every delivery", async () => {
    const s = await setup({ webhookSecret: "" });
    expect(fake.callsOf("setWebhook")).toHaveLength(0);
    const res = await s.deliver(tg.text(CUSTOMER, "hola"), { secret: "anything" });
    expect(res).toEqual({ status: 403, result: { type: "rejected", status: 403, reason: expect.stringContaining("no webhook secret") } });
    expect(s.health.at(-1)).toEqual({ status: "needs_attention", reason: expect.stringContaining("no webhook secret") });
  });

  test("malformed JSON, a body that is not an Update and bytes that are not UTF-8 are 400; a GET is 400", async () => {
    const s = await setup();
    expect(await s.deliver(null, { secret: SECRET, body: "{not json" })).toEqual({ status: 400, result: { type: "rejected", status: 400, reason: "The body is not valid JSON" } });
    expect((await s.deliver(null, { secret: SECRET, body: "[1,2]" })).result).toEqual({ type: "rejected", status: 400, reason: expect.stringContaining("update_id") });
    expect((await s.deliver(null, { secret: SECRET, body: '{"message":{}}' })).status).toBe(400);
    expect((await s.deliver(null, { secret: SECRET, body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) })).status).toBe(400);
    expect((await s.deliver(null, { secret: SECRET, method: "GET" })).result).toEqual({ type: "rejected", status: 400, reason: "Telegram delivers updates with POST" });
    // Without the secret a malformed body learns nothing more than "not authorised".
    expect((await s.deliver(null, { secret: null, body: "{not json" })).status).toBe(401);
  });

  test("updates of other kinds, group messages and bots' messages are acknowledged and ignored", async () => {
    const s = await setup();
    for (const update of [tg.callbackQuery(CUSTOMER, "menu:1"), tg.myChatMember(CUSTOMER, "kicked"), { update_id: tg.nextUpdateId(), poll: { id: "1" } }]) {
      const kind = Object.keys(update).find((k) => k !== "update_id");
      const res = await s.deliver(update);
      expect(res).toEqual({ status: 200, result: { type: "ignored", reason: `Telegram update of kind ${kind} is not handled` } });
    }
    const group = await s.deliver(tg.groupText(CUSTOMER, -100200300, "hola grupo"));
    expect(group.result).toEqual({ type: "ignored", reason: expect.stringContaining("group chat (only private chats are served)") });
    const fromBot = tg.text({ user: { id: 42, first_name: "Otro bot" } }, "beep");
    ((fromBot.message as Record<string, unknown>).from as Record<string, unknown>).is_bot = true;
    expect((await s.deliver(fromBot)).result).toEqual({ type: "ignored", reason: expect.stringContaining("from a bot") });
  });

  test("the fake delivers only the kinds the plugin registered in allowed_updates", async () => {
    const s = await setup();
    const [call] = fake.callsOf("setWebhook");
    expect(call!.params.allowed_updates).toEqual(["message", "edited_message"]);
    expect(await fake.pushUpdate(bot.token, tg.callbackQuery(CUSTOMER, "x"))).toBeNull();
    expect((await s.push(tg.edited(CUSTOMER, 77, "corregido", 1_768_480_000))).status).toBe(200);
  });
});
