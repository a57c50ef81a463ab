import { newMid } from "./ids.ts";

/** Who/where a Messenger webhook is about. */
export interface MsCtx {
  pageId: string;
  psid: string;
  /** Event timestamp in ms; default now. Also used as entry.time. */
  time?: number;
  /** Message id for message/postback events; default a random `m_...`. */
  mid?: string;
  /** Put the event under `standby` (handover protocol) instead of `messaging`. */
  standby?: boolean;
  /** message.reply_to.mid for replies. */
  replyTo?: string;
}

export interface MsEnvelope {
  object: "page";
  entry: { id: string; time: number; messaging?: Record<string, unknown>[]; standby?: Record<string, unknown>[] }[];
}

function envelope(ctx: MsCtx, event: Record<string, unknown>, fromPage = false): MsEnvelope {
  const time = ctx.time ?? Date.now();
  const e = {
    sender: { id: fromPage ? ctx.pageId : ctx.psid },
    recipient: { id: fromPage ? ctx.psid : ctx.pageId },
    timestamp: time,
    ...event,
  };
  return { object: "page", entry: [{ id: ctx.pageId, time, [ctx.standby ? "standby" : "messaging"]: [e] }] };
}

function msg(ctx: MsCtx, fields: Record<string, unknown>): Record<string, unknown> {
  const m: Record<string, unknown> = { mid: ctx.mid ?? newMid(), ...fields };
  if (ctx.replyTo !== undefined) m.reply_to = { mid: ctx.replyTo };
  return m;
}

const REACTIONS: Record<string, string> = {
  "😆": "smile", "😄": "smile", "😍": "love", "❤": "love", "❤️": "love", "😮": "wow",
  "😢": "sad", "😠": "angry", "👍": "like", "👎": "dislike",
};

/** Inbound Messenger webhook builders (ms timestamps). Context first, full envelope back. */
export const ms = {
  text: (ctx: MsCtx, text: string): MsEnvelope => envelope(ctx, { message: msg(ctx, { text }) }),

  attachment: (ctx: MsCtx, type: "image" | "audio" | "video" | "file" | "location" | "fallback" | string, url: string): MsEnvelope =>
    envelope(ctx, { message: msg(ctx, { attachments: [{ type, payload: { url } }] }) }),

  quickReply: (ctx: MsCtx, text: string, payload: string): MsEnvelope =>
    envelope(ctx, { message: msg(ctx, { text, quick_reply: { payload } }) }),

  postback: (ctx: MsCtx, title: string, payload: string): MsEnvelope =>
    envelope(ctx, { postback: { mid: ctx.mid ?? newMid(), title, payload } }),

  /** Echo of a message the page sent (sender = page, recipient = PSID). */
  echo: (ctx: MsCtx, text: string, mid: string, appId?: string): MsEnvelope =>
    envelope(ctx, { message: { mid, is_echo: true, ...(appId === undefined ? {} : { app_id: appId }), text } }, true),

  delivery: (ctx: MsCtx, mids: string[], watermark: number): MsEnvelope => envelope(ctx, { delivery: { mids, watermark } }),

  read: (ctx: MsCtx, watermark: number): MsEnvelope => envelope(ctx, { read: { watermark } }),

  reaction: (ctx: MsCtx, mid: string, emoji: string, action: "react" | "unreact" = "react"): MsEnvelope =>
    envelope(ctx, { reaction: { reaction: REACTIONS[emoji] ?? "other", emoji, action, mid } }),

  /** Several events in one delivery: one entry per page, events concatenated in order. */
  batch(...payloads: MsEnvelope[]): MsEnvelope {
    const out: MsEnvelope = { object: "page", entry: [] };
    for (const p of payloads) {
      for (const e of p.entry) {
        const entry = out.entry.find((x) => x.id === e.id);
        if (!entry) {
          out.entry.push(structuredClone(e));
          continue;
        }
        for (const key of ["messaging", "standby"] as const) {
          if (e[key]) entry[key] = [...(entry[key] ?? []), ...structuredClone(e[key])];
        }
      }
    }
    return out;
  },
};
