import type { InboundContent, NormalizedInbound } from "../../core/channels/contract.ts";

/**
 * One `value.messages[]` item of a WhatsApp webhook → NormalizedInbound.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
 * Every field is read as optional: Meta adds fields and types over time, and newer
 * payloads may identify people by `user_id` / `from_user_id` instead of a phone.
 * Nothing is dropped: what cannot be read becomes "unsupported" with the raw JSON.
 */

type Json = Record<string, unknown>;

export interface MessageScope {
  /** value.metadata.phone_number_id: the number the event is for. */
  channelKey: string | undefined;
  /** value.contacts: profile names of the senders. */
  contacts: unknown;
  now: number;
  /** Stable id for a message that came without one, so a redelivery still dedupes. */
  fallbackId: (raw: unknown) => string;
}

const MEDIA_TYPES = ["image", "audio", "video", "document", "sticker"] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

export function parseMessage(raw: unknown, scope: MessageScope): NormalizedInbound {
  const m = obj(raw);
  const from = str(m.from) ?? str(m.from_user_id) ?? soleContactId(scope.contacts) ?? "unknown";
  const seconds = Number(m.timestamp);
  const context = obj(m.context);
  const out: NormalizedInbound = {
    externalId: str(m.id) ?? scope.fallbackId(raw),
    from,
    timestamp: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : scope.now,
    content: parseContent(m) ?? { kind: "unsupported", raw },
  };
  if (scope.channelKey) out.channelKey = scope.channelKey;
  const profileName = findProfileName(scope.contacts, str(m.from), str(m.from_user_id));
  if (profileName) out.profileName = profileName;
  // WhatsApp identifies senders by their number (wa_id): the contact's phone, vouched for by WhatsApp.
  const waId = str(m.from);
  if (waId && /^[1-9]\d{5,14}$/.test(waId)) {
    out.profilePhone = `+${waId}`;
    out.phoneVerified = true;
  }
  // A forwarded message carries `context.forwarded` without an id: only a quote has one.
  const replyTo = str(context.id);
  if (replyTo) out.replyToExternalId = replyTo;
  return out;
}

/** null: not a shape we understand (the caller stores it as unsupported). */
function parseContent(m: Json): InboundContent | null {
  const type = str(m.type);
  if (!type) return null;
  if (type === "text") {
    const body = str(obj(m.text).body, false);
    return body === null ? null : { kind: "text", text: body };
  }
  if ((MEDIA_TYPES as readonly string[]).includes(type)) return parseMedia(type as MediaType, obj(m[type]));
  if (type === "location") {
    const l = obj(m.location);
    const latitude = Number(l.latitude);
    const longitude = Number(l.longitude);
    if (l.latitude == null || l.longitude == null || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
    const out: InboundContent & { kind: "location" } = { kind: "location", latitude, longitude };
    const name = str(l.name);
    const address = str(l.address);
    if (name) out.name = name;
    if (address) out.address = address;
    return out;
  }
  if (type === "contacts") {
    if (!Array.isArray(m.contacts) || m.contacts.length === 0) return null;
    return {
      kind: "contacts",
      contacts: m.contacts.map((c) => {
        const card = obj(c);
        const name = obj(card.name);
        const fallback = [str(name.first_name), str(name.last_name)].filter(Boolean).join(" ");
        const phones = Array.isArray(card.phones) ? card.phones.map((p) => str(obj(p).phone) ?? str(obj(p).wa_id)).filter((p): p is string => !!p) : [];
        return { name: str(name.formatted_name) ?? fallback, phones };
      }),
    };
  }
  if (type === "interactive") {
    const i = obj(m.interactive);
    // Flows answers (nfm_reply) and future kinds stay unsupported with their raw JSON.
    const reply = i.type === "button_reply" ? obj(i.button_reply) : i.type === "list_reply" ? obj(i.list_reply) : null;
    const id = reply && str(reply.id);
    return reply && id ? { kind: "interactive_reply", id, title: str(reply.title, false) ?? "" } : null;
  }
  if (type === "button") {
    // A template's quick-reply button: `payload` is what the business set, `text` what the customer saw.
    const b = obj(m.button);
    const title = str(b.text, false);
    const id = str(b.payload) ?? title;
    return id ? { kind: "interactive_reply", id, title: title || id } : null;
  }
  if (type === "reaction") {
    const r = obj(m.reaction);
    const target = str(r.message_id);
    // No emoji (or an empty one) means the customer removed their reaction.
    return target ? { kind: "reaction", emoji: str(r.emoji, false) ?? "", targetExternalId: target } : null;
  }
  return null;
}

function parseMedia(mediaType: MediaType, media: Json): InboundContent | null {
  const id = str(media.id);
  if (!id) return null;
  const ref: { id: string; mimeType?: string } = { id };
  const mime = str(media.mime_type);
  if (mime) ref.mimeType = mime;
  const out: InboundContent & { kind: "media" } = { kind: "media", mediaType, ref };
  const caption = str(media.caption, false);
  if (caption) out.caption = caption;
  const filename = str(media.filename);
  if (filename) out.filename = filename;
  return out;
}

function findProfileName(contacts: unknown, from: string | null, fromUserId: string | null): string | undefined {
  if (!Array.isArray(contacts)) return undefined;
  const all = contacts.map(obj);
  // One value may batch several senders; a lone contact is the sender even if its wa_id is formatted differently.
  const match = all.find((c) => (from !== null && str(c.wa_id) === from) || (fromUserId !== null && str(c.user_id) === fromUserId)) ?? (all.length === 1 ? all[0] : undefined);
  return str(obj(match?.profile).name) ?? undefined;
}

/** A message without from / from_user_id: the sender is the value's only contact, if it has exactly one. */
function soleContactId(contacts: unknown): string | null {
  if (!Array.isArray(contacts) || contacts.length !== 1) return null;
  const c = obj(contacts[0]);
  return str(c.wa_id) ?? str(c.user_id);
}

export function obj(v: unknown): Json {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
}

/** A string (numbers too: ids are strings, but be lenient); `trim=false` keeps a body exactly as sent. */
export function str(v: unknown, trim = true): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string") return null;
  const s = trim ? v.trim() : v;
  return trim ? (s ? s : null) : s;
}
