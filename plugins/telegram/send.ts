import type { OutboundMessage, PluginLogger, SendResult } from "../sdk/index.ts";
import type { ApiResult, BotApi } from "./bot-api.ts";
import { describe, mapSendError } from "./errors.ts";
import { normalize, type Menus } from "./menus.ts";
import { messageIdOf, messageKey } from "./parse-message.ts";

/** https://core.telegram.org/bots/api#sendmessage: 1-4096 characters after entity parsing (we send plain text). */
export const TEXT_LIMIT = 4096;
/** https://core.telegram.org/bots/api#sendphoto: captions take 0-1024 characters. */
export const CAPTION_LIMIT = 1024;
/** Multipart uploads by bots: 50 MB; photos 10 MB (bigger images go as documents). */
export const UPLOAD_LIMIT = 50 * 1024 * 1024;
export const PHOTO_LIMIT = 10 * 1024 * 1024;
/** More buttons than this crowd a phone's keyboard: such a menu goes as numbered text. */
export const MENU_MAX_OPTIONS = 12;
/** Telegram cuts long button labels with "…"; a cut title could not be matched back. */
export const MENU_TITLE_MAX = 64;
/** Every title at most this long: two buttons fit side by side. */
const PAIR_TITLE_MAX = 16;

type Content = OutboundMessage["content"];
type Interactive = Extract<Content, { kind: "interactive" }>;
type Media = Extract<Content, { kind: "media" }>;
type TgMessage = { message_id?: unknown; chat?: { id?: unknown } };

export interface SenderDeps {
  api: BotApi;
  menus: Menus;
  now(): number;
  logger: PluginLogger;
}

/**
 * Text through sendMessage; files uploaded as multipart from `read()` (Telegram
 * cannot be trusted to fetch Charla's own links: PUBLIC_URL may be private);
 * menus as a one-time reply keyboard. Telegram reports no delivery or read, so a
 * success is "sent". Our ids are `<chat_id>:<message_id>`, like inbound ones, so a
 * customer's reply to one of our messages finds it.
 */
export class Sender {
  constructor(private readonly deps: SenderDeps) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const c = msg.content;
    const chat = msg.to;
    const reply = replyParameters(msg.replyToExternalId, chat);
    switch (c.kind) {
      case "text": {
        const invalid = checkText(c.text);
        if (invalid) return invalid;
        return this.result(chat, await this.deps.api.call<TgMessage>("sendMessage", { chat_id: chat, text: c.text, ...reply }));
      }
      case "interactive":
        return this.menu(chat, c, reply);
      case "media":
        return this.media(chat, c, reply);
      case "reaction":
        return { ok: false, retryable: false, code: "unsupported", reason: "This Telegram channel does not send reactions" };
      case "template":
        return { ok: false, retryable: false, code: "unsupported", reason: "Telegram has no message templates: write the message instead" };
    }
  }

  /**
   * A menu as a reply keyboard (one_time_keyboard hides it after a tap,
   * resize_keyboard keeps it small); remembered for the chat so the tap's text maps
   * back to its option. A menu the keyboard cannot carry goes as its numbered text,
   * and any older keyboard is taken away so its buttons do not answer this one.
   */
  private async menu(chat: string, c: Interactive, reply: Record<string, unknown>): Promise<SendResult> {
    const keyboard = replyKeyboard(c);
    if (!keyboard) {
      const invalid = checkText(c.numberedText);
      if (invalid) return invalid;
      const sent = await this.deps.api.call<TgMessage>("sendMessage", { chat_id: chat, text: c.numberedText, reply_markup: { remove_keyboard: true }, ...reply });
      if (sent.ok) await this.quietly(() => this.deps.menus.forget(chat));
      return this.result(chat, sent);
    }
    const sent = await this.deps.api.call<TgMessage>("sendMessage", { chat_id: chat, text: keyboard.text, reply_markup: keyboard.markup, ...reply });
    if (sent.ok) await this.quietly(() => this.deps.menus.remember(chat, c.options, this.deps.now()));
    return this.result(chat, sent);
  }

  private async media(chat: string, c: Media, reply: Record<string, unknown>): Promise<SendResult> {
    let blob: Blob;
    try {
      blob = await c.read();
    } catch (e) {
      // Nothing reached Telegram: trying again later is safe.
      return { ok: false, retryable: true, reason: `The file could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (blob.size > UPLOAD_LIMIT) {
      return { ok: false, retryable: false, code: "invalid", reason: `Telegram bots upload files of at most 50 MB (this one has ${(blob.size / 1048576).toFixed(1)} MB)` };
    }
    const mime = (c.mimeType || blob.type || "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    const { method, field } = uploadMethod(c.mediaType, mime, blob.size);
    const caption = c.caption?.trim() ?? "";
    // A caption Telegram would refuse follows the file as its own message.
    const inline = caption.length <= CAPTION_LIMIT ? caption : "";
    const params: Record<string, unknown> = { chat_id: chat, ...reply };
    if (inline) params.caption = inline;
    const typed = blob.type ? blob : new Blob([blob], { type: mime });
    const sent = await this.deps.api.upload<TgMessage>(method, params, { field, blob: typed, filename: filenameOf(c, mime) });
    const result = this.result(chat, sent);
    if (result.ok && caption && !inline) {
      for (const part of chunks(caption, TEXT_LIMIT)) {
        const follow = await this.deps.api.call<TgMessage>("sendMessage", { chat_id: chat, text: part });
        // The file (the message) was sent: a caption that did not follow is logged, not retried.
        if (!follow.ok) {
          this.deps.logger.warn("telegram: the long caption of a sent file could not follow it", { reason: describe(follow.error) });
          break;
        }
      }
    }
    return result;
  }

  private result(chat: string, res: ApiResult<TgMessage>): SendResult {
    if (!res.ok) return mapSendError(res.error);
    const id = res.result?.message_id;
    if (typeof id !== "number") {
      // Telegram accepted something but named no message: retrying could send it twice.
      return { ok: false, retryable: false, reason: "Telegram accepted the message without a message_id" };
    }
    const chatId = res.result?.chat?.id;
    return { ok: true, externalId: messageKey(typeof chatId === "number" || typeof chatId === "string" ? chatId : chat, id), status: "sent" };
  }

  private async quietly(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.logger.warn("telegram: could not update the chat's menu", { error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** `reply_parameters` for an answer to one of this chat's messages; sent even if that message is gone. */
function replyParameters(key: string | undefined, chat: string): Record<string, unknown> {
  const id = messageIdOf(key, chat);
  return id === null ? {} : { reply_parameters: { message_id: id, allow_sending_without_reply: true } };
}

function checkText(text: string): SendResult | null {
  if (!text.trim()) return { ok: false, retryable: false, code: "invalid", reason: "The message is empty" };
  // UTF-16 units, as Telegram counts them (an emoji counts 2).
  if (text.length > TEXT_LIMIT) return { ok: false, retryable: false, code: "invalid", reason: `Telegram takes at most ${TEXT_LIMIT} characters per message (this one has ${text.length})` };
  return null;
}

/**
 * The reply keyboard for a menu, or null when its options do not fit one: none, too
 * many, a title empty or longer than a button shows, or two titles alike (a tap
 * could not tell them apart).
 */
export function replyKeyboard(c: Interactive): { text: string; markup: Record<string, unknown> } | null {
  const titles = c.options.map((o) => normalize(o.title));
  if (!titles.length || titles.length > MENU_MAX_OPTIONS) return null;
  if (titles.some((t) => !t || [...t].length > MENU_TITLE_MAX)) return null;
  if (new Set(titles.map((t) => t.toLowerCase())).size !== titles.length) return null;
  const text = c.text.trim() || c.button.trim();
  if (!text || text.length > TEXT_LIMIT) return null;
  const perRow = titles.every((t) => [...t].length <= PAIR_TITLE_MAX) ? 2 : 1;
  const rows: { text: string }[][] = [];
  for (let i = 0; i < titles.length; i += perRow) rows.push(titles.slice(i, i + perRow).map((t) => ({ text: t })));
  return { text, markup: { keyboard: rows, one_time_keyboard: true, resize_keyboard: true } };
}

/**
 * Which Bot API method shows a file best: photos (JPEG, PNG, WebP up to 10 MB),
 * MP4 video, MP3/M4A audio, Opus voice notes; anything else as a document, which
 * Telegram takes in any format.
 */
export function uploadMethod(mediaType: Media["mediaType"], mime: string, size: number): { method: string; field: string } {
  if (mediaType === "image" && /^image\/(jpeg|jpg|png|webp)$/.test(mime) && size <= PHOTO_LIMIT) return { method: "sendPhoto", field: "photo" };
  if (mediaType === "video" && mime === "video/mp4") return { method: "sendVideo", field: "video" };
  if (mediaType === "audio" && /^audio\/(mpeg|mp3|mp4|m4a|x-m4a|aac)$/.test(mime)) return { method: "sendAudio", field: "audio" };
  if (mediaType === "audio" && /^audio\/(ogg|opus)$/.test(mime)) return { method: "sendVoice", field: "voice" };
  return { method: "sendDocument", field: "document" };
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "audio/mp4": "m4a",
  "application/pdf": "pdf",
};

function filenameOf(c: Media, mime: string): string {
  const name = c.filename?.trim();
  if (name) return name;
  return `${c.mediaType === "image" ? "photo" : c.mediaType}.${EXTENSIONS[mime] ?? "bin"}`;
}

/** Pieces of at most `max` UTF-16 units, never splitting a surrogate pair. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const ch of text) {
    if (current.length + ch.length > max) {
      out.push(current);
      current = "";
    }
    current += ch;
  }
  if (current) out.push(current);
  return out;
}
