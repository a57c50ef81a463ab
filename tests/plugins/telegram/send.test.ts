/** Telegram plugin: text, files uploaded from read(), and menus as a reply keyboard mapped back from the tapped title. */
import { describe, expect, test } from "bun:test";
import { tg } from "../../fakes/telegram.ts";
import { CHAT, CUSTOMER, fake, JPEG, media, out, PNG, setup, useTelegramFake } from "./setup.ts";

useTelegramFake();

const menu = (options: { id: string; title: string }[], text = "¿Qué desea hacer?") => ({
  kind: "interactive" as const,
  text,
  options,
  button: "Ver opciones",
  numberedText: `${text}\n${options.map((o, i) => `${i + 1}. ${o.title}`).join("\n")}`,
});

describe("telegram plugin: sending", () => {
  test("text goes through sendMessage as plain text; the result is sent with id <chat>:<message_id>", async () => {
    const s = await setup();
    const r = await s.instance.send(out({ kind: "text", text: "¡Hola! Abrimos de 7 a 7 <b>todos</b> los días" }));
    const [sent] = fake.sent;
    expect(r).toEqual({ ok: true, externalId: `${CHAT}:${sent!.messageId}`, status: "sent" });
    expect(fake.callsOf("sendMessage")[0]!.params).toEqual({ chat_id: CHAT, text: "¡Hola! Abrimos de 7 a 7 <b>todos</b> los días" });
  });

  test("an answer to a message quotes it with reply_parameters (sent even if that message is gone)", async () => {
    const s = await setup();
    await s.instance.send(out({ kind: "text", text: "Sí, claro" }, { replyToExternalId: `${CHAT}:17` }));
    await s.instance.send(out({ kind: "text", text: "otro chat" }, { replyToExternalId: "999:17" }));
    const [a, b] = fake.callsOf("sendMessage");
    expect(a!.params.reply_parameters).toEqual({ message_id: 17, allow_sending_without_reply: true });
    expect(b!.params.reply_parameters).toBeUndefined();
    // An edit's id answers the edited message.
    await s.instance.send(out({ kind: "text", text: "anotado" }, { replyToExternalId: `${CHAT}:30:e1768478445` }));
    expect(fake.callsOf("sendMessage")[2]!.params.reply_parameters).toEqual({ message_id: 30, allow_sending_without_reply: true });
  });

  test("empty or over-long text is refused before any call", async () => {
    const s = await setup();
    expect(await s.instance.send(out({ kind: "text", text: "  " }))).toEqual({ ok: false, retryable: false, code: "invalid", reason: "The message is empty" });
    const long = await s.instance.send(out({ kind: "text", text: "a".repeat(4097) }));
    expect(long).toEqual({ ok: false, retryable: false, code: "invalid", reason: "Telegram takes at most 4096 characters per message (this one has 4097)" });
    expect(await s.instance.send(out({ kind: "text", text: "a".repeat(4096) }))).toMatchObject({ ok: true });
    expect(fake.calls.filter((c) => c.method === "sendMessage")).toHaveLength(1);
  });

  test("a photo is uploaded as multipart from read(), with its caption and file name; Telegram is never given our URL", async () => {
    const s = await setup();
    const r = await s.instance.send(out(media("image", PNG, "image/png", { caption: "nuestro horario", filename: "horario.png" }), { replyToExternalId: `${CHAT}:5` }));
    const [sent] = fake.sent;
    expect(r).toEqual({ ok: true, externalId: `${CHAT}:${sent!.messageId}`, status: "sent" });
    expect(sent).toMatchObject({ method: "sendPhoto", chatId: CHAT, caption: "nuestro horario", replyTo: 5 });
    expect(sent!.file).toMatchObject({ field: "photo", name: "horario.png", type: "image/png", size: PNG.length });
    expect(sent!.file!.bytes).toEqual(PNG);
    expect(JSON.stringify(fake.calls[fake.calls.length - 1]!.params)).not.toContain("media/public");
    // No file name: one from the type.
    await s.instance.send(out(media("image", JPEG, "image/jpeg")));
    expect(fake.sent[1]!.file!.name).toBe("photo.jpg");
  });

  test("each kind of file goes by the method that shows it best, anything else as a document", async () => {
    const s = await setup();
    const cases: [Parameters<typeof media>, string, string][] = [
      [["document", new TextEncoder().encode("%PDF-1.4"), "application/pdf", { filename: "cotizacion.pdf" }], "sendDocument", "document"],
      [["audio", new Uint8Array([1, 2, 3]), "audio/mpeg", { filename: "aviso.mp3" }], "sendAudio", "audio"],
      [["audio", new Uint8Array([4, 5, 6]), "audio/ogg"], "sendVoice", "voice"],
      [["video", new Uint8Array([7, 8, 9]), "video/mp4"], "sendVideo", "video"],
      [["video", new Uint8Array([7, 8, 9]), "video/quicktime", { filename: "clip.mov" }], "sendDocument", "document"],
      [["image", new Uint8Array([0x47, 0x49, 0x46]), "image/gif"], "sendDocument", "document"],
    ];
    for (const [args, method, field] of cases) {
      const r = await s.instance.send(out(media(...args)));
      expect(r.ok).toBe(true);
      const last = fake.sent.at(-1)!;
      expect([last.method, last.file?.field, last.file?.type]).toEqual([method, field, args[2]]);
    }
    expect(fake.sent.map((x) => x.file!.name)).toEqual(["cotizacion.pdf", "aviso.mp3", "audio.ogg", "video.mp4", "clip.mov", "photo.gif"]);
  });

  test("a caption longer than Telegram's 1,024 follows the file as text", async () => {
    const s = await setup();
    const caption = `Condiciones: ${"ñ".repeat(1100)}`;
    const r = await s.instance.send(out(media("image", PNG, "image/png", { caption })));
    expect(r.ok).toBe(true);
    expect(fake.sent.map((x) => [x.method, x.caption ?? x.text])).toEqual([
      ["sendPhoto", undefined],
      ["sendMessage", caption],
    ]);
    // The message's id is the file's.
    if (r.ok) expect(r.externalId).toBe(`${CHAT}:${fake.sent[0]!.messageId}`);
  });

  test("a menu is a one-time reply keyboard; tapping a button (its title as text) comes back as that option", async () => {
    const s = await setup();
    const options = [
      { id: "pedido", title: "Hacer un pedido" },
      { id: "horario", title: "Horario" },
      { id: "asesor", title: "Hablar con un asesor" },
    ];
    const r = await s.instance.send(out(menu(options)));
    expect(r.ok).toBe(true);
    expect(fake.sent[0]).toMatchObject({
      method: "sendMessage",
      text: "¿Qué desea hacer?",
      replyMarkup: { keyboard: [[{ text: "Hacer un pedido" }], [{ text: "Horario" }], [{ text: "Hablar con un asesor" }]], one_time_keyboard: true, resize_keyboard: true },
    });
    const tap = await s.message(tg.text(CUSTOMER, "Horario"));
    expect(tap.content).toEqual({ kind: "interactive_reply", id: "horario", title: "Horario" });
    // Typed by hand with stray spaces: the same answer; anything else stays text.
    expect((await s.message(tg.text(CUSTOMER, "  Hablar con un asesor "))).content).toEqual({ kind: "interactive_reply", id: "asesor", title: "Hablar con un asesor" });
    expect((await s.message(tg.text(CUSTOMER, "horario?"))).content).toEqual({ kind: "text", text: "horario?" });
    // Another chat's text that happens to match is that chat's business.
    expect((await s.message(tg.text({ user: { id: 5, first_name: "Otra" } }, "Horario"))).content).toEqual({ kind: "text", text: "Horario" });
    // An edit is a correction, not a new choice.
    expect((await s.message(tg.edited(CUSTOMER, 99, "Horario", 1_768_478_500))).content.kind).toBe("text");
  });

  test("short titles sit two to a row; a newer menu replaces the older one", async () => {
    const s = await setup();
    await s.instance.send(out(menu([{ id: "si", title: "Sí" }, { id: "no", title: "No" }, { id: "tal", title: "Tal vez" }], "¿Confirma el pedido?")));
    expect(fake.sent[0]!.replyMarkup).toMatchObject({ keyboard: [[{ text: "Sí" }, { text: "No" }], [{ text: "Tal vez" }]] });
    await s.instance.send(out(menu([{ id: "a", title: "Retiro en tienda" }, { id: "b", title: "Domicilio" }])));
    expect((await s.message(tg.text(CUSTOMER, "Domicilio"))).content).toEqual({ kind: "interactive_reply", id: "b", title: "Domicilio" });
    expect((await s.message(tg.text(CUSTOMER, "Sí"))).content).toEqual({ kind: "text", text: "Sí" });
  });

  test("a menu that does not fit a keyboard goes as numbered text and removes the old keyboard", async () => {
    const s = await setup();
    await s.instance.send(out(menu([{ id: "x", title: "Viejo" }, { id: "y", title: "Menú" }])));
    const many = Array.from({ length: 13 }, (_, i) => ({ id: `o${i}`, title: `Opción ${i + 1}` }));
    const tooLong = [{ id: "l", title: "x".repeat(65) }, { id: "m", title: "corto" }];
    const alike = [{ id: "a", title: "Sí" }, { id: "b", title: "sí" }];
    for (const options of [many, tooLong, alike]) {
      const c = menu(options);
      expect((await s.instance.send(out(c))).ok).toBe(true);
      expect(fake.sent.at(-1)).toMatchObject({ text: c.numberedText, replyMarkup: { remove_keyboard: true } });
    }
    expect(s.store.has(`menu:${CHAT}`)).toBe(false);
    expect((await s.message(tg.text(CUSTOMER, "Viejo"))).content.kind).toBe("text");
  });

  test("a remembered menu expires after 30 days", async () => {
    const s = await setup();
    await s.instance.send(out(menu([{ id: "si", title: "Sí" }, { id: "no", title: "No" }])));
    s.clock.t += 31 * 24 * 3_600_000;
    expect((await s.message(tg.text(CUSTOMER, "Sí"))).content).toEqual({ kind: "text", text: "Sí" });
  });

  test("reactions and templates are not sent", async () => {
    const s = await setup();
    expect(await s.instance.send(out({ kind: "reaction", emoji: "👍", targetExternalId: `${CHAT}:1` }))).toMatchObject({ ok: false, retryable: false, code: "unsupported" });
    expect(await s.instance.send(out({ kind: "template", name: "hola", language: "es", parameters: [] }))).toMatchObject({ ok: false, retryable: false, code: "unsupported" });
    expect(fake.sent).toHaveLength(0);
  });
});
