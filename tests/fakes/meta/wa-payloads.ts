import { randomBytes } from "node:crypto";
import { webhookError, type WebhookError } from "./errors.ts";
import { newWamid } from "./ids.ts";

/** Who/where a WhatsApp webhook is about. `from` is the customer's wa_id (digits). */
export interface WaCtx {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  from: string;
  /** Customer's profile name (contacts[].profile.name); default "Test Customer". */
  name?: string;
  /** Unix seconds (number or string); default now. */
  timestamp?: number | string;
  /** The message's wamid; default a random one. */
  id?: string;
  /** Reply/forward context: `{ from?, id }` quotes a message; `forwarded` / `frequently_forwarded` mark forwards. */
  context?: { from?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean };
  /** Newer payloads: contacts[].user_id and messages[].from_user_id. */
  userId?: string;
  /** Newer payloads: contacts[].profile.username. */
  username?: string;
  /** Newer payloads may omit wa_id / from entirely. */
  omitWaId?: boolean;
}

export type WaMediaType = "image" | "audio" | "video" | "document" | "sticker";

export interface WaMediaInput {
  id: string;
  mimeType: string;
  /** Base64 SHA-256 as webhooks carry it; default random. */
  sha256?: string;
  caption?: string;
  /** document only */
  filename?: string;
  /** audio only: true for voice notes */
  voice?: boolean;
  /** sticker only */
  animated?: boolean;
  /** Newer payloads include a download url. */
  url?: string;
}

export interface WaContactCard {
  name: { formatted_name: string; first_name?: string; last_name?: string; [k: string]: unknown };
  phones?: { phone: string; wa_id?: string; type?: string }[];
  [k: string]: unknown;
}

export interface WaPricing {
  billable?: boolean;
  pricing_model?: string;
  type?: "regular" | "free_customer_service" | "free_entry_point";
  category?: string;
}

export interface WaStatusOptions {
  /** Error codes (looked up in META_ERRORS) or full error objects. */
  errors?: (number | WebhookError)[];
  /** Pricing; missing keys default to { billable: true, pricing_model: "PMP", type: "regular", category: "utility" }. `true` = all defaults. */
  pricing?: WaPricing | true;
  conversation?: Record<string, unknown>;
  /** recipient_id; default ctx.from. */
  recipientId?: string;
  /** Echo of the send's biz_opaque_callback_data. */
  bizOpaqueCallbackData?: string;
}

export interface WaEnvelope {
  object: "whatsapp_business_account";
  entry: { id: string; changes: { field: string; value: Record<string, unknown> }[] }[];
}

const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

function envelope(ctx: WaCtx, value: Record<string, unknown>): WaEnvelope {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: ctx.wabaId,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: ctx.displayPhoneNumber, phone_number_id: ctx.phoneNumberId },
              ...value,
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

function message(ctx: WaCtx, type: string, content: Record<string, unknown>): WaEnvelope {
  const profile: Record<string, unknown> = { name: ctx.name ?? "Test Customer" };
  if (ctx.username !== undefined) profile.username = ctx.username;
  const contact: Record<string, unknown> = { profile };
  if (!ctx.omitWaId) contact.wa_id = ctx.from;
  if (ctx.userId !== undefined) contact.user_id = ctx.userId;
  const msg: Record<string, unknown> = {};
  if (ctx.context) msg.context = { ...ctx.context };
  if (!ctx.omitWaId) msg.from = ctx.from;
  if (ctx.userId !== undefined) msg.from_user_id = ctx.userId;
  msg.id = ctx.id ?? newWamid();
  msg.timestamp = String(ctx.timestamp ?? nowSeconds());
  msg.type = type;
  Object.assign(msg, content);
  return envelope(ctx, { contacts: [contact], messages: [msg] });
}

/** Inbound WhatsApp webhook builders. Every builder takes the context first and returns the full envelope. */
export const wa = {
  text: (ctx: WaCtx, body: string): WaEnvelope => message(ctx, "text", { text: { body } }),

  media(ctx: WaCtx, type: WaMediaType, media: WaMediaInput): WaEnvelope {
    const m: Record<string, unknown> = {};
    if (media.caption !== undefined) m.caption = media.caption;
    if (type === "document" && media.filename !== undefined) m.filename = media.filename;
    m.mime_type = media.mimeType;
    m.sha256 = media.sha256 ?? randomBytes(32).toString("base64");
    m.id = media.id;
    if (media.url !== undefined) m.url = media.url;
    if (type === "audio" && media.voice !== undefined) m.voice = media.voice;
    if (type === "sticker") m.animated = media.animated ?? false;
    return message(ctx, type, { [type]: m });
  },

  location: (ctx: WaCtx, loc: { latitude: number; longitude: number; name?: string; address?: string; url?: string }): WaEnvelope =>
    message(ctx, "location", { location: { ...loc } }),

  contacts: (ctx: WaCtx, cards: WaContactCard[]): WaEnvelope => message(ctx, "contacts", { contacts: cards }),

  interactiveButtonReply: (ctx: WaCtx, id: string, title: string): WaEnvelope =>
    message(ctx, "interactive", { interactive: { type: "button_reply", button_reply: { id, title } } }),

  interactiveListReply: (ctx: WaCtx, id: string, title: string, description?: string): WaEnvelope =>
    message(ctx, "interactive", {
      interactive: { type: "list_reply", list_reply: description === undefined ? { id, title } : { id, title, description } },
    }),

  /** Template quick-reply button tap. */
  button: (ctx: WaCtx, text: string, payload: string): WaEnvelope => message(ctx, "button", { button: { payload, text } }),

  /** Reaction to `messageId`; omit `emoji` for "reaction removed" (Meta then sends no emoji key). */
  reaction: (ctx: WaCtx, messageId: string, emoji?: string): WaEnvelope =>
    message(ctx, "reaction", { reaction: emoji === undefined ? { message_id: messageId } : { message_id: messageId, emoji } }),

  /**
   * A type the app does not know: `{ type, [type]: raw }`. For `"unsupported"` without raw,
   * Meta's own shape (errors[131051]) is produced.
   */
  unknown(ctx: WaCtx, type: string, raw?: unknown): WaEnvelope {
    if (type === "unsupported" && raw === undefined) {
      return message(ctx, "unsupported", {
        errors: [
          {
            code: 131051,
            title: "Message type unknown",
            message: "Message type unknown",
            error_data: { details: "Message type is currently not supported." },
          },
        ],
      });
    }
    return message(ctx, type, raw === undefined ? {} : { [type]: raw });
  },

  /** Status update for an outbound wamid; `ctx.from` is the recipient. */
  status(ctx: WaCtx, wamid: string, status: "sent" | "delivered" | "read" | "failed" | "played", opts: WaStatusOptions = {}): WaEnvelope {
    const s: Record<string, unknown> = {
      id: wamid,
      status,
      timestamp: String(ctx.timestamp ?? nowSeconds()),
      recipient_id: opts.recipientId ?? ctx.from,
    };
    if (opts.conversation) s.conversation = opts.conversation;
    if (opts.bizOpaqueCallbackData !== undefined) s.biz_opaque_callback_data = opts.bizOpaqueCallbackData;
    if (opts.pricing) {
      const p = opts.pricing === true ? {} : opts.pricing;
      s.pricing = { billable: true, pricing_model: "PMP", type: "regular", category: "utility", ...p };
    }
    if (opts.errors) s.errors = opts.errors.map((e) => (typeof e === "number" ? webhookError(e) : e));
    return envelope(ctx, { statuses: [s] });
  },

  /**
   * Combines several envelopes into one delivery: one entry per WABA, one change per
   * phone_number_id, contacts deduped on wa_id, messages and statuses concatenated in order.
   */
  batch(...payloads: WaEnvelope[]): WaEnvelope {
    const out: WaEnvelope = { object: "whatsapp_business_account", entry: [] };
    for (const p of payloads) {
      for (const e of p.entry) {
        let entry = out.entry.find((x) => x.id === e.id);
        if (!entry) out.entry.push((entry = { id: e.id, changes: [] }));
        for (const c of e.changes) {
          const pnid = (c.value.metadata as { phone_number_id?: string } | undefined)?.phone_number_id;
          const same = entry.changes.find(
            (x) => x.field === c.field && (x.value.metadata as { phone_number_id?: string } | undefined)?.phone_number_id === pnid,
          );
          if (!same) {
            entry.changes.push(structuredClone(c));
            continue;
          }
          for (const key of ["contacts", "messages", "statuses", "errors"] as const) {
            const add = c.value[key] as Record<string, unknown>[] | undefined;
            if (!add) continue;
            const list = ((same.value[key] as Record<string, unknown>[] | undefined) ?? []).slice();
            for (const item of add) {
              if (key === "contacts" && item.wa_id !== undefined && list.some((x) => x.wa_id === item.wa_id)) continue;
              list.push(structuredClone(item));
            }
            same.value[key] = list;
          }
        }
      }
    }
    return out;
  },
};
