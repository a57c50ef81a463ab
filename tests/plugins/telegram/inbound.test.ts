/** Telegram plugin: what each kind of customer message becomes, edits, redeliveries, and media fetched through getFile. */
import { describe, expect, test } from "bun:test";
import { tg } from "../../fakes/telegram.ts";
import { bot, CHAT, CUSTOMER, CUSTOMER2, fake, JPEG, setup, useTelegramFake } from "./setup.ts";

useTelegramFake();

const DATE = 1_768_478_400; // 2026-01-15 12:00:00 UTC, in seconds as Telegram sends it

describe("telegram plugin: inbound messages", () => {
  test("a text: externalId <chat>:<message_id>, from the chat id, the name from first and last name, the time from `date`", async () => {
    const s = await setup();
    const m = await s.message(tg.text({ user: CUSTOMER, messageId: 17, date: DATE }, "Hola 👋, ¿abren el domingo?"));
    expect(m).toEqual({ externalId: `${CHAT}:17`, from: CHAT, timestamp: DATE * 1000, profileName: "Ana María Pérez", content: { kind: "text", text: "Hola 👋, ¿abren el domingo?" } });
    // Only a username: it is the name; a reply names the message it answers.
    const r = await s.message(tg.replyTo({ user: { id: 99, first_name: "", username: "solo_user" }, messageId: 5 }, 3, "esto"));
    expect(r).toMatchObject({ externalId: "99:5", profileName: "@solo_user", replyToExternalId: "99:3" });
  });

  test("the same update delivered again maps to the same externalId (the core stores it once)", async () => {
    const s = await setup();
    const update = tg.text({ user: CUSTOMER2, messageId: 8 }, "¿Hay domicilios?");
    const first = await s.message(update);
    const again = await s.message(update);
    expect(again).toEqual(first);
    expect(first.externalId).toBe(`${CUSTOMER2.id}:8`);
  });

  test("an edit is a new message: its own externalId with the edit date, marked ✏️, replying to the original", async () => {
    const s = await setup();
    const original = await s.message(tg.text({ user: CUSTOMER, messageId: 30, date: DATE }, "Quiero 2 panes"));
    const edit = await s.message(tg.edited(CUSTOMER, 30, "Quiero 3 panes", DATE + 45));
    expect(edit).toEqual({
      externalId: `${CHAT}:30:e${DATE + 45}`,
      from: CHAT,
      timestamp: (DATE + 45) * 1000,
      profileName: "Ana María Pérez",
      replyToExternalId: original.externalId,
      content: { kind: "text", text: "✏️ Quiero 3 panes" },
    });
    // Edited twice: two corrections; the same edit redelivered: the same id.
    const second = await s.message(tg.edited(CUSTOMER, 30, "Quiero 4 panes", DATE + 90));
    expect(second.externalId).toBe(`${CHAT}:30:e${DATE + 90}`);
    expect((await s.message(tg.edited(CUSTOMER, 30, "Quiero 4 panes", DATE + 90))).externalId).toBe(second.externalId);
  });

  test("a photo keeps its largest size; fetchMedia downloads it through getFile from /file/bot<token>/<path>", async () => {
    const s = await setup();
    const sizes = fake.addPhoto(JPEG, 1280, 720);
    const m = await s.message(tg.photo({ user: CUSTOMER, messageId: 40 }, sizes, "así quedó la torta"));
    expect(m.content).toEqual({ kind: "media", mediaType: "image", ref: { id: sizes[2]!.file_id, mimeType: "image/jpeg" }, caption: "así quedó la torta" });

    const blob = await s.instance.fetchMedia!({ id: sizes[2]!.file_id, mimeType: "image/jpeg" });
    // The file server says application/octet-stream; the update's type is kept.
    expect(blob.type).toBe("image/jpeg");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(JPEG);
    expect(fake.callsOf("getFile").map((c) => c.params)).toEqual([{ file_id: sizes[2]!.file_id }]);
    expect(fake.callsOf("file")).toEqual([expect.objectContaining({ status: 200, params: { path: expect.stringMatching(/^photos\//) } })]);
  });

  test("documents, voice notes, audio, video, GIFs and stickers become media with their type, name and MIME type", async () => {
    const s = await setup();
    const pdf = fake.addFile({ bytes: "%PDF-1.4 cotización", path: "documents/file_9.pdf" });
    const doc = await s.message(tg.document(CUSTOMER, { file_id: pdf, file_name: "cotización.pdf", mime_type: "application/pdf", file_size: 19 }, "la cotización"));
    expect(doc.content).toEqual({ kind: "media", mediaType: "document", ref: { id: pdf, mimeType: "application/pdf" }, caption: "la cotización", filename: "cotización.pdf" });
    expect(await (await s.instance.fetchMedia!({ id: pdf, mimeType: "application/pdf" })).text()).toBe("%PDF-1.4 cotización");

    expect((await s.message(tg.voice(CUSTOMER, "VOICE1"))).content).toEqual({ kind: "media", mediaType: "audio", ref: { id: "VOICE1", mimeType: "audio/ogg" } });
    expect((await s.message(tg.audio(CUSTOMER, "AUDIO1"))).content).toEqual({ kind: "media", mediaType: "audio", ref: { id: "AUDIO1", mimeType: "audio/mpeg" }, filename: "cancion.mp3" });
    expect((await s.message(tg.video(CUSTOMER, "VIDEO1", "mire"))).content).toEqual({ kind: "media", mediaType: "video", ref: { id: "VIDEO1", mimeType: "video/mp4" }, caption: "mire" });
    // A GIF carries `document` too; it is the animation that counts.
    expect((await s.message(tg.animation(CUSTOMER, "GIF1"))).content).toEqual({ kind: "media", mediaType: "video", ref: { id: "GIF1", mimeType: "video/mp4" }, filename: "risa.mp4" });
    expect((await s.message(tg.sticker(CUSTOMER, "STK1"))).content).toEqual({ kind: "media", mediaType: "sticker", ref: { id: "STK1", mimeType: "image/webp" } });
    expect((await s.message(tg.sticker(CUSTOMER, "STK2", "animated"))).content).toMatchObject({ ref: { mimeType: "application/x-tgsticker" } });
    expect((await s.message(tg.sticker(CUSTOMER, "STK3", "video"))).content).toMatchObject({ ref: { mimeType: "video/webm" } });
  });

  test("locations, venues and contacts; a contact of the sender's own account gives their verified phone", async () => {
    const s = await setup();
    expect((await s.message(tg.location(CUSTOMER, 4.6097, -74.0817))).content).toEqual({ kind: "location", latitude: 4.6097, longitude: -74.0817 });
    expect((await s.message(tg.venue(CUSTOMER, 4.6, -74.08, "Panadería Lola", "Cra. 7 # 12-34"))).content).toEqual({
      kind: "location",
      latitude: 4.6,
      longitude: -74.08,
      name: "Panadería Lola",
      address: "Cra. 7 # 12-34",
    });
    const someone = await s.message(tg.contact(CUSTOMER, { phone_number: "573001112233", first_name: "Pedro", last_name: "Gil", user_id: 123 }));
    expect(someone.content).toEqual({ kind: "contacts", contacts: [{ name: "Pedro Gil", phones: ["+573001112233"] }] });
    expect(someone.profilePhone).toBeUndefined();
    const own = await s.message(tg.contact(CUSTOMER, { phone_number: "+57 300 999 8877", first_name: "Ana María", user_id: CUSTOMER.id }));
    expect(own).toMatchObject({ profilePhone: "+573009998877", phoneVerified: true });
  });

  test("polls, dice and other messages are kept as unsupported, naming what came", async () => {
    const s = await setup();
    const m = await s.message(tg.message(CUSTOMER, { dice: { emoji: "🎲", value: 4 } }));
    expect(m.content).toEqual({ kind: "unsupported", raw: { telegram: ["dice"] } });
  });

  test("fetchMedia says why a file cannot be had: unknown file_id, too big for bots, a failing file server", async () => {
    const s = await setup();
    await expect(s.instance.fetchMedia!({ id: "nope" })).rejects.toThrow("telegram: getFile failed: Telegram error 400: Bad Request: invalid file_id");
    const big = fake.addFile({ bytes: "x", size: 25 * 1024 * 1024 });
    await expect(s.instance.fetchMedia!({ id: big })).rejects.toThrow("file is too big (bots may download files of at most 20 MB)");
    const ok = fake.addFile({ bytes: "hola" });
    fake.failNext({ method: "file", status: 502 });
    await expect(s.instance.fetchMedia!({ id: ok })).rejects.toThrow("telegram: media download failed");
    // No reason carries the token.
    const reason = await s.instance.fetchMedia!({ id: ok, mimeType: "text/plain" }).then(() => "", (e: Error) => e.message);
    expect(reason).toBe("");
    fake.failNext({ method: "file", status: 404 });
    expect(await s.instance.fetchMedia!({ id: ok }).then(() => "", (e: Error) => e.message)).not.toContain(bot.token);
    for (const line of s.logs) expect(JSON.stringify(line)).not.toContain(bot.token);
  });
});
