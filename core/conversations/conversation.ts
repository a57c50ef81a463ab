export type ConversationStatus = "bot" | "queued" | "open" | "closed";
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ["bot", "queued", "open", "closed"];

export interface Conversation {
  id: number;
  companyId: number;
  channelId: number;
  contactId: number;
  status: ConversationStatus;
  queueId: number | null;
  assigneeId: number | null;
  lastMessageAt: number;
  lastPreview: string;
  lastInboundAt: number | null;
  unansweredSince: number | null;
  unreadCount: number;
  queuedAt: number | null;
  assignedAt: number | null;
  firstResponseAt: number | null;
  closedAt: number | null;
  closedBy: number | null;
  closeNote: string | null;
  /** Handed back to its queue by this user: routing gives it to someone else. */
  avoidAssigneeId: number | null;
  /** AI answers so far (status "bot" with AI on); it hands off after the company's maximum. */
  aiTurns: number;
  /** The bot program's step it is on (status "bot" with a program), for the inbox. */
  botStep: string | null;
  createdAt: number;
}

/** A row of the inbox list: the conversation plus the names it shows. */
export interface ConversationListItem extends Conversation {
  contactName: string;
  contactPhone: string | null;
  channelName: string;
  pluginId: string;
  queueName: string | null;
  assigneeName: string | null;
}

export interface ConversationFilter {
  /** "active" = anything not closed. */
  status?: ConversationStatus | "active";
  queueId?: number;
  assigneeId?: number;
  /** Only conversations nobody has been assigned to. */
  unassigned?: boolean;
  channelId?: number;
  unanswered?: boolean;
  /** Words searched in message text and contact names. */
  q?: string;
  /** Keyset cursor: rows strictly older than this (lastMessageAt, id). */
  before?: { at: number; id: number };
}

/** Agents see conversations assigned to them and those of their queues; others see the whole company. */
export interface Visibility {
  companyId: number;
  restrictToUserId: number | null;
}

export type Direction = "in" | "out";
export type Author = "customer" | "agent" | "bot" | "system";
export type DeliveryStatus = "received" | "pending" | "sent" | "delivered" | "read" | "failed";

export interface Message {
  id: number;
  conversationId: number;
  companyId: number;
  channelId: number;
  direction: Direction;
  author: Author;
  authorUserId: number | null;
  authorName: string | null;
  kind: string;
  text: string | null;
  payload: Record<string, unknown> | null;
  mediaId: number | null;
  mediaMime: string | null;
  mediaName: string | null;
  mediaSize: number | null;
  replyToId: number | null;
  /** Text of the quoted message, for the quote shown above a reply. */
  replyToText: string | null;
  externalId: string | null;
  status: DeliveryStatus;
  error: string | null;
  /** A SendErrorCode when the plugin recognised the failure. */
  errorCode: string | null;
  /** Sent again after an interrupted request: the customer may have it twice. */
  maybeDuplicate: boolean;
  createdAt: number;
}

/** Outbound statuses only move forward; "failed" may replace pending/sent only. */
const RANK: Record<DeliveryStatus, number> = { received: 0, pending: 0, sent: 1, delivered: 2, read: 3, failed: 1.5 };
export function statusAdvances(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return RANK[to] > RANK[from];
}
