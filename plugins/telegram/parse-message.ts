import type { InboundContent, NormalizedInbound } from "../sdk/index.ts";
import { isObject } from "./bot-api.ts";

type Json = Record<string, unknown>;

/** Prefix of an edit's text, so the agent sees the customer corrected an earlier message (language-neutral). */
export const EDIT_MARK = "✏️ ";

/** `<chat_id>:<message_id>`: message ids are per chat, so the chat is part of the id (and of our sends' ids). */
export function messageKey(chatId: string | number, messageId: string | number): string {
  return `${chatId}:${messageId}`;
}

/** The message id of a `<chat_id>:<message_id>` key, when it is one of this chat's. */
export function messageIdOf(key: string | undefined, chatId: string): number | null {
  if (!key) return null;
  const i = key.indexOf(":");
  if (i < 0 || key.slice(0, i) !== chatId) return null;
  const n = Number(key.slice(i + 1).split(":")[0]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export type Parsed = { ok: true; message: NormalizedInbound } | { ok: false; reason: string };

/**
 * One `message` or `edited_message` of a private chat, normalized.
 *
 * - externalId is `<chat_id>:<message_id>`, the same for every redelivery of the
 *   update, so the core stores it once.
 * - An edit is a new inbound message (the core keeps no edit history):
 *   `<chat_id>:<message_id>:e<edit_date>`, its text marked with ✏️, replying to the
 *   original, so the agent sees the correction next to what it corrects.
 * - `from` is the chat id (in a private chat it is the user's id); the name is the
 *   user's first and last name, else their @username.
 * https://core.telegram.org/bots/api#message
 */
export function parseMessage(m: Json, edited: boolean, now: number): Parsed {
  const chat = isObject(m.chat) ? m.chat : null;
  const chatId = chat && (typeof chat.id === "number" || typeof chat.id === "string") ? String(chat.id) : "";
  const messageId = typeof m.message_id === "number" ? m.message_id : null;
  if (!chatId || messageId === null) return { ok: false, reason: "a message without chat.id or message_id" };
  // Groups and channels are not customer conversations (and a bot in a group would flood the inbox).
  if (chat!.type !== undefined && chat!.type !== "private") return { ok: false, reason: `a message in a ${String(chat!.type)} chat (only private chats are served)` };
  const user = isObject(m.from) ? m.from : null;
  if (user?.is_bot === true) return { ok: false, reason: "a message from a bot" };

  const seconds = edited && typeof m.edit_date === "number" ? m.edit_date : typeof m.date === "number" ? m.date : null;
  const content = contentOf(m);
  const message: NormalizedInbound = {
    externalId: edited ? `${messageKey(chatId, messageId)}:e${seconds ?? 0}` : messageKey(chatId, messageId),
    from: chatId,
    timestamp: seconds !== null ? seconds * 1000 : now,
    content: edited ? markEdit(content) : content,
  };
  const name = profileName(user ?? chat!);
  if (name) message.profileName = name;
  if (edited) message.replyToExternalId = messageKey(chatId, messageId);
  else if (isObject(m.reply_to_message) && typeof m.reply_to_message.message_id === "number") {
    message.replyToExternalId = messageKey(chatId, m.reply_to_message.message_id);
  }
  // A contact card of the sender's own account carries the number Telegram verified for it.
  const contact = isObject(m.contact) ? m.contact : null;
  if (contact && user && contact.user_id === user.id && typeof contact.phone_number === "string") {
    message.profilePhone = e164(contact.phone_number);
    message.phoneVerified = true;
  }
  return { ok: true, message };
}

/** "Ana María Pérez", else "@anamaria", else nothing. */
export function profileName(who: Json): string | undefined {
  const full = [who.first_name, who.last_name].filter((x): x is string => typeof x === "string" && x.trim() !== "").join(" ").trim();
  if (full) return full.slice(0, 200);
  return typeof who.username === "string" && who.username ? `@${who.username}` : undefined;
}

function contentOf(m: Json): InboundContent {
  const caption = typeof m.caption === "string" && m.caption ? m.caption : undefined;
  const media = (mediaType: Extract<InboundContent, { kind: "media" }>["mediaType"], file: Json, mimeType?: string): InboundContent => {
    const out: Extract<InboundContent, { kind: "media" }> = { kind: "media", mediaType, ref: { id: String(file.file_id) } };
    const mime = typeof file.mime_type === "string" && file.mime_type ? file.mime_type : mimeType;
    if (mime) out.ref.mimeType = mime;
    if (caption) out.caption = caption;
    if (typeof file.file_name === "string" && file.file_name) out.filename = file.file_name;
    return out;
  };
  const hasFile = (v: unknown): v is Json => isObject(v) && typeof v.file_id === "string" && v.file_id !== "";

  if (typeof m.text === "string") return { kind: "text", text: m.text };
  if (Array.isArray(m.photo)) {
    const largest = largestPhoto(m.photo);
    if (largest) return media("image", largest, "image/jpeg");
  }
  // An animation (GIF, sent as MP4) also carries `document` for old clients: read it first.
  if (hasFile(m.animation)) return media("video", m.animation, "video/mp4");
  if (hasFile(m.video)) return media("video", m.video, "video/mp4");
  if (hasFile(m.video_note)) return media("video", m.video_note, "video/mp4");
  if (hasFile(m.voice)) return media("audio", m.voice, "audio/ogg");
  if (hasFile(m.audio)) return media("audio", m.audio, "audio/mpeg");
  if (hasFile(m.sticker)) {
    const s = m.sticker;
    return media("sticker", s, s.is_video === true ? "video/webm" : s.is_animated === true ? "application/x-tgsticker" : "image/webp");
  }
  if (hasFile(m.document)) return media("document", m.document, "application/octet-stream");
  // A venue also carries `location`: read it first, it has the name and address.
  if (isObject(m.venue) && isObject(m.venue.location)) {
    const v = m.venue;
    const loc = v.location as Json;
    if (onEarth(loc)) {
      const out: InboundContent = { kind: "location", latitude: loc.latitude, longitude: loc.longitude };
      if (typeof v.title === "string" && v.title) out.name = v.title;
      if (typeof v.address === "string" && v.address) out.address = v.address;
      return out;
    }
  }
  if (isObject(m.location) && onEarth(m.location)) return { kind: "location", latitude: m.location.latitude, longitude: m.location.longitude };
  if (isObject(m.contact)) {
    const c = m.contact;
    const name = [c.first_name, c.last_name].filter((x): x is string => typeof x === "string" && x !== "").join(" ");
    const phones = typeof c.phone_number === "string" && c.phone_number ? [e164(c.phone_number)] : [];
    return { kind: "contacts", contacts: [{ name: name || phones[0] || "", phones }] };
  }
  // Polls, dice, games, stories, service messages...: kept so the agent knows something came.
  return { kind: "unsupported", raw: { telegram: Object.keys(m).filter((k) => !ENVELOPE.has(k)) } };
}

const ENVELOPE = new Set(["message_id", "message_thread_id", "from", "sender_chat", "chat", "date", "edit_date", "reply_to_message", "forward_origin", "via_bot", "has_protected_content", "author_signature", "entities", "caption_entities", "link_preview_options", "is_from_offline"]);

function onEarth(loc: Json): loc is Json & { latitude: number; longitude: number } {
  const { latitude: lat, longitude: lon } = loc;
  return typeof lat === "number" && typeof lon === "number" && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Telegram lists a photo's sizes smallest first; the largest by area is the one worth keeping. */
function largestPhoto(sizes: unknown[]): Json | null {
  let best: Json | null = null;
  let bestArea = -1;
  for (const s of sizes) {
    if (!isObject(s) || typeof s.file_id !== "string" || !s.file_id) continue;
    const area = (Number(s.width) || 0) * (Number(s.height) || 0) || Number(s.file_size) || 0;
    if (area >= bestArea) {
      best = s;
      bestArea = area;
    }
  }
  return best;
}

function markEdit(content: InboundContent): InboundContent {
  if (content.kind === "text") return { kind: "text", text: `${EDIT_MARK}${content.text}` };
  if (content.kind === "media") return { ...content, caption: `${EDIT_MARK}${content.caption ?? ""}`.trimEnd() };
  return content;
}

/** Telegram gives numbers without "+" ("573001112233"); the core files phones in international form. */
function e164(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, "");
  return digits.startsWith("+") ? digits : `+${digits}`;
}
