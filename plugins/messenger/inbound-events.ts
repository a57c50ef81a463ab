import type { InboundContent, NormalizedInbound } from "../../core/channels/contract.ts";
import { isObject } from "./graph-client.ts";

type Json = Record<string, unknown>;

/** What one webhook body holds, before kv lookups (names, read watermarks). */
export interface ParsedEnvelope {
  messages: NormalizedInbound[];
  deliveries: { pageId: string; psid: string; mids: string[] | null; watermark: number; timestamp: number }[];
  reads: { pageId: string; psid: string; watermark: number; timestamp: number }[];
  /** Events without a sender, or of kinds that carry no conversation content. */
  skipped: string[];
}

/**
 * Meta sends these to a page webhook besides messages; none is something the
 * customer said, so they are skipped (logged) rather than stored as unsupported.
 */
const NOT_CONTENT = new Set([
  "optin",
  "referral",
  "account_linking",
  "pass_thread_control",
  "take_thread_control",
  "request_thread_control",
  "app_roles",
  "policy_enforcement",
  "policy-enforcement",
  "messaging_feedback",
  "response_feedback",
  "game_play",
]);
const ENVELOPE_KEYS = new Set(["sender", "recipient", "timestamp"]);

/**
 * The page webhook envelope: `{object:"page", entry:[{id, time, messaging:[..], standby:[..]}]}`.
 * Every entry and both arrays are read; `standby` holds events of threads another
 * app (a handover receiver) controls. Timestamps are epoch ms.
 * https://developers.facebook.com/docs/messenger-platform/webhooks
 */
export function parseEnvelope(payload: Json, now: number): ParsedEnvelope {
  const out: ParsedEnvelope = { messages: [], deliveries: [], reads: [], skipped: [] };
  const entries = Array.isArray(payload.entry) ? payload.entry : [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const pageId = idOf(entry);
    for (const list of [entry.messaging, entry.standby]) {
      if (!Array.isArray(list)) continue;
      for (const event of list) if (isObject(event)) parseEvent(event, pageId, numberOr(entry.time, now), out);
    }
  }
  return out;
}

function parseEvent(event: Json, pageId: string, entryTime: number, out: ParsedEnvelope): void {
  const sender = isObject(event.sender) ? idOf(event.sender) : "";
  const recipient = isObject(event.recipient) ? idOf(event.recipient) : "";
  const timestamp = numberOr(event.timestamp, entryTime);
  const channelKey = pageId || (event.message && isObject(event.message) && event.message.is_echo === true ? sender : recipient);
  const base: { channelKey?: string; timestamp: number } = { timestamp };
  if (channelKey) base.channelKey = channelKey;

  if (isObject(event.message)) {
    const message = event.message;
    const echo = message.is_echo === true;
    const from = echo ? recipient : sender;
    if (!from) return void out.skipped.push("message without a customer id");
    const mid = typeof message.mid === "string" && message.mid ? message.mid : `msg-${from}-${timestamp}`;
    const parts = messageParts(message);
    parts.forEach((content, i) => {
      const inbound: NormalizedInbound = { ...base, externalId: i === 0 ? mid : `${mid}#${i + 1}`, from, content };
      if (echo) inbound.echo = true;
      // The idempotency key our send carried as `metadata` (send.ts), echoed back by Meta.
      if (echo && i === 0 && typeof message.metadata === "string" && message.metadata) inbound.idempotencyKey = message.metadata;
      const replyTo = isObject(message.reply_to) ? message.reply_to.mid : undefined;
      if (i === 0 && typeof replyTo === "string" && replyTo) inbound.replyToExternalId = replyTo;
      out.messages.push(inbound);
    });
    return;
  }
  if (!sender) return void out.skipped.push(`${kindOf(event)} without a sender`);

  if (isObject(event.postback)) {
    const pb = event.postback;
    const externalId = typeof pb.mid === "string" && pb.mid ? pb.mid : `pb-${sender}-${timestamp}`;
    out.messages.push({ ...base, externalId, from: sender, content: { kind: "interactive_reply", id: str(pb.payload), title: str(pb.title) } });
  } else if (isObject(event.reaction)) {
    const r = event.reaction;
    const target = str(r.mid);
    const emoji = r.action === "unreact" ? "" : str(r.emoji);
    out.messages.push({ ...base, externalId: `react-${target}-${timestamp}`, from: sender, content: { kind: "reaction", emoji, targetExternalId: target } });
  } else if (isObject(event.delivery)) {
    const d = event.delivery;
    const mids = Array.isArray(d.mids) ? d.mids.filter((m): m is string => typeof m === "string" && m !== "") : null;
    out.deliveries.push({ pageId: channelKey, psid: sender, mids: mids?.length ? mids : null, watermark: numberOr(d.watermark, timestamp), timestamp });
  } else if (isObject(event.read)) {
    out.reads.push({ pageId: channelKey, psid: sender, watermark: numberOr(event.read.watermark, timestamp), timestamp });
  } else {
    const kind = kindOf(event);
    if (NOT_CONTENT.has(kind)) return void out.skipped.push(kind);
    // Something the customer did that this plugin does not know yet (message_edit...): kept, never dropped.
    out.messages.push({ ...base, externalId: `${kind}-${sender}-${timestamp}`, from: sender, content: { kind: "unsupported", raw: event } });
  }
}

/**
 * One content per attachment, then the text. A quick-reply tap is one interactive
 * reply (its text is the button's title). Nothing understood: unsupported, raw.
 */
function messageParts(message: Json): InboundContent[] {
  const text = typeof message.text === "string" ? message.text : "";
  if (isObject(message.quick_reply) && typeof message.quick_reply.payload === "string") {
    return [{ kind: "interactive_reply", id: message.quick_reply.payload, title: text }];
  }
  const parts: InboundContent[] = [];
  if (Array.isArray(message.attachments)) for (const a of message.attachments) parts.push(attachmentContent(a));
  if (text) parts.push({ kind: "text", text });
  if (!parts.length) parts.push({ kind: "unsupported", raw: message });
  return parts;
}

const MEDIA_TYPES = { image: "image", audio: "audio", video: "video", file: "document" } as const;

function attachmentContent(a: unknown): InboundContent {
  if (!isObject(a)) return { kind: "unsupported", raw: a };
  const payload = isObject(a.payload) ? a.payload : {};
  const type = str(a.type);
  if (type in MEDIA_TYPES && typeof payload.url === "string" && payload.url) {
    // Stickers arrive as images carrying a sticker_id.
    const mediaType = type === "image" && payload.sticker_id !== undefined ? "sticker" : MEDIA_TYPES[type as keyof typeof MEDIA_TYPES];
    return { kind: "media", mediaType, ref: { id: payload.url } };
  }
  if (type === "location" && isObject(payload.coordinates)) {
    const { lat, long } = payload.coordinates;
    if (typeof lat === "number" && typeof long === "number") {
      const loc: InboundContent = { kind: "location", latitude: lat, longitude: long };
      if (typeof a.title === "string" && a.title) loc.name = a.title;
      return loc;
    }
  }
  return { kind: "unsupported", raw: a };
}

function kindOf(event: Json): string {
  return Object.keys(event).find((k) => !ENVELOPE_KEYS.has(k)) ?? "event";
}

function idOf(o: Json): string {
  return typeof o.id === "string" || typeof o.id === "number" ? String(o.id) : "";
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function numberOr(v: unknown, fallback: number): number {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : fallback;
}
