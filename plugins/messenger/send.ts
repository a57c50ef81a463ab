import type { OutboundMessage, PluginLogger, SendResult } from "../../core/channels/contract.ts";
import { describe, mapSendError } from "./errors.ts";
import type { GraphClient } from "./graph-client.ts";
import type { SentLog } from "./read-receipts.ts";

/** https://developers.facebook.com/docs/messenger-platform/reference/send-api */
export const TEXT_LIMIT = 2000;
export const RESPONSE_WINDOW_HOURS = 24;
export const HUMAN_AGENT_WINDOW_HOURS = 168;
const HOUR = 3_600_000;

type Window = { messaging_type: "RESPONSE" } | { messaging_type: "MESSAGE_TAG"; tag: "HUMAN_AGENT" };
type Attachment = { type: "image" | "audio" | "video" | "file"; payload: { url: string; is_reusable: false } };

/**
 * Messenger's policy: anything may be sent for 24 h after the customer's last
 * message (RESPONSE); a person may still answer for 7 days with the HUMAN_AGENT
 * tag; after that nothing. null: no customer message known.
 * https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window
 */
export function windowFor(lastInboundAt: number | null, now: number): Window | null {
  if (lastInboundAt === null) return null;
  const age = Math.max(0, now - lastInboundAt);
  if (age <= RESPONSE_WINDOW_HOURS * HOUR) return { messaging_type: "RESPONSE" };
  if (age <= HUMAN_AGENT_WINDOW_HOURS * HOUR) return { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" };
  return null;
}

export interface SenderDeps {
  client: GraphClient;
  sentLog: SentLog;
  now(): number;
  logger: PluginLogger;
}

/**
 * A menu as quick replies (up to 13, titles cut at 20 characters: the payload names
 * the option); more options than that go as numbered text.
 * https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies
 */
export function quickReplies(c: Extract<OutboundMessage["content"], { kind: "interactive" }>): { text: string; quick_replies?: { content_type: "text"; title: string; payload: string }[] } {
  if (c.options.length > 13) return { text: c.numberedText.slice(0, TEXT_LIMIT) };
  return {
    text: c.text.slice(0, TEXT_LIMIT),
    quick_replies: c.options.map((o) => ({ content_type: "text", title: [...o.title].slice(0, 20).join(""), payload: o.id })),
  };
}

/** Text and media through `POST /me/messages`; sender actions (mark_seen) too. */
export class Sender {
  constructor(private readonly deps: SenderDeps) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const c = msg.content;
    if (c.kind === "reaction" || c.kind === "template") {
      return { ok: false, retryable: false, code: "unsupported", reason: `Messenger channels cannot send ${c.kind === "reaction" ? "reactions" : "templates"}` };
    }
    if (c.kind === "text") {
      // UTF-16 units, like the Graph API's own length check (an emoji counts 2).
      const length = c.text.length;
      if (!c.text.trim()) return { ok: false, retryable: false, code: "invalid", reason: "The message is empty" };
      if (length > TEXT_LIMIT) return { ok: false, retryable: false, code: "invalid", reason: `Messenger takes at most ${TEXT_LIMIT} characters per message (this one has ${length})` };
    }
    const window = windowFor(msg.lastInboundAt, this.deps.now());
    if (!window) {
      return {
        ok: false,
        retryable: false,
        code: "outside_window",
        reason:
          msg.lastInboundAt === null
            ? "The customer has not written to this page: Messenger only allows answers to a customer's message"
            : `The customer's last message is older than ${HUMAN_AGENT_WINDOW_HOURS / 24} days: Messenger allows no more answers until they write again`,
      };
    }
    // The Send API has no reply_to for pages, so msg.replyToExternalId is not passed on.
    // `metadata` comes back in the message's echo: it names our message even when its mid was never recorded.
    const metadata = msg.idempotencyKey.slice(0, 1000);
    if (c.kind === "text") return this.post(msg.to, window, { text: c.text, metadata });
    if (c.kind === "interactive") return this.post(msg.to, window, { ...quickReplies(c), metadata });

    const sent = await this.post(msg.to, window, { attachment: attachmentOf(c.mediaType, c.url), metadata });
    // Attachments take no caption on Messenger: it follows as its own text message.
    const caption = c.caption?.trim();
    if (sent.ok && caption) {
      const follow = await this.post(msg.to, window, { text: caption.slice(0, TEXT_LIMIT) });
      // The caption's own doubt does not matter: the attachment (the message) was sent.
      if (!follow.ok) this.deps.logger.warn("messenger: the caption of a sent attachment could not be sent", { reason: follow.reason });
      // Charla stores the caption on the attachment's message: its echo must not come back as a second one.
      else await this.deps.sentLog.markCompanion(follow.externalId).catch(() => undefined);
    }
    return sent;
  }

  /** Tells Messenger the page has seen the customer's messages (no per-message receipt exists). */
  async markSeen(psid: string): Promise<void> {
    const res = await this.deps.client.post("me/messages", { recipient: { id: psid }, sender_action: "mark_seen" });
    if (!res.ok) this.deps.logger.warn("messenger: mark_seen failed", { psid, error: describe(res.error) });
  }

  private async post(psid: string, window: Window, message: ({ text: string; quick_replies?: { content_type: "text"; title: string; payload: string }[] } | { attachment: Attachment }) & { metadata?: string }): Promise<SendResult> {
    const res = await this.deps.client.post<{ recipient_id?: string; message_id?: string }>("me/messages", {
      recipient: { id: psid },
      ...window,
      message,
    });
    if (!res.ok) return mapSendError(res.error);
    const mid = res.data?.message_id;
    if (typeof mid !== "string" || !mid) {
      // Meta accepted something but named no message: retrying could send it twice.
      return { ok: false, retryable: false, reason: "Meta accepted the message without a message_id" };
    }
    try {
      await this.deps.sentLog.record(psid, mid, this.deps.now());
    } catch (e) {
      this.deps.logger.warn("messenger: could not remember a send for read receipts", { error: e instanceof Error ? e.message : String(e) });
    }
    return { ok: true, externalId: mid };
  }
}

function attachmentOf(mediaType: "image" | "audio" | "video" | "document", url: string): Attachment {
  // is_reusable false: the link is Charla's short-lived signed URL, fetched once by Meta.
  return { type: mediaType === "document" ? "file" : mediaType, payload: { url, is_reusable: false } };
}
