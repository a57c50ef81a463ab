import type { Conversation } from "./conversation.ts";
import type { NewMessage } from "./message-repository.ts";

/**
 * What happened to a conversation, kept as a message so its history reads in
 * order ("Ana transfirió a la cola ventas"). Every line is built here, always as
 * direction "out" with author "system"; views translate `event` (see
 * views/inbox/message-bubble.tsx, whose key table is checked against this union).
 */
export type SystemEvent =
  | { event: "auto_assigned"; to: string; queue: string }
  | { event: "taken"; by: string }
  | { event: "transferred_queue"; by: string; queue: string }
  | { event: "transferred_agent"; by: string; to: string; queue: string | null }
  | { event: "closed"; by: string; note: string | null }
  | { event: "reopened"; by: string }
  | { event: "reopened_by_customer" }
  | { event: "contact_blocked"; by: string }
  | { event: "contacts_merged"; by: string }
  | { event: "ai_handoff"; reason: AiHandoffReason; detail: string | null }
  /** The bot program handed the conversation to the queue (ran out of steps, or failed). */
  | { event: "bot_handoff"; program: string; step: string | null };

/** Why the AI gave a conversation to a person. */
export type AiHandoffReason = "customer_asked" | "tool" | "turns" | "budget" | "balance" | "error" | "disabled" | "empty";

export type SystemEventName = SystemEvent["event"];

export function systemLine(c: Pick<Conversation, "id" | "companyId" | "channelId">, e: SystemEvent, now: number): NewMessage {
  return {
    conversationId: c.id,
    companyId: c.companyId,
    channelId: c.channelId,
    direction: "out",
    author: "system",
    kind: "event",
    payload: e,
    status: "received",
    createdAt: now,
  };
}
