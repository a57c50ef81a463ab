import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Author, DeliveryStatus, Direction, Message } from "./conversation.ts";

type Row = Omit<Message, "payload" | "maybeDuplicate"> & { payloadJson: string | null; maybeDuplicate: number };
const SELECT = `SELECT m.id, m.conversation_id AS conversationId, m.company_id AS companyId, m.channel_id AS channelId,
  m.direction, m.author, m.author_user_id AS authorUserId, u.name AS authorName, m.kind, m.text, m.payload AS payloadJson,
  m.media_id AS mediaId, md.mime_type AS mediaMime, md.filename AS mediaName, md.size AS mediaSize,
  m.reply_to_id AS replyToId, r.text AS replyToText, m.external_id AS externalId, m.status, m.error, m.error_code AS errorCode,
  m.maybe_duplicate AS maybeDuplicate, m.created_at AS createdAt
  FROM messages m LEFT JOIN users u ON u.id = m.author_user_id LEFT JOIN media md ON md.id = m.media_id
  LEFT JOIN messages r ON r.id = m.reply_to_id`;
const toMessage = ({ payloadJson, maybeDuplicate, ...r }: Row): Message => ({
  ...r,
  maybeDuplicate: maybeDuplicate === 1,
  payload: payloadJson ? (JSON.parse(payloadJson) as Record<string, unknown>) : null,
});
/**
 * How far a message got, for markSent: the provider accepting it outranks an earlier
 * "failed" (that attempt's failure no longer stands); delivered and read stay.
 */
const RANK_SQL = (col: string) => `CASE ${col} WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END`;
export type MessageRef = { id: number; conversationId: number; companyId: number; status: DeliveryStatus };

export interface NewMessage {
  conversationId: number;
  companyId: number;
  channelId: number;
  direction: Direction;
  author: Author;
  authorUserId?: number | null;
  kind: string;
  text?: string | null;
  payload?: Record<string, unknown> | null;
  mediaId?: number | null;
  replyToId?: number | null;
  externalId?: string | null;
  status: DeliveryStatus;
  createdAt: number;
  submissionKey?: string | null;
}

@injectable()
export class MessageRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  insert(m: NewMessage): number {
    return Number(
      this.db
        .query(
          `INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, author_user_id, kind, text, payload,
             media_id, reply_to_id, external_id, status, created_at, submission_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.conversationId, m.companyId, m.channelId, m.direction, m.author, m.authorUserId ?? null, m.kind, m.text ?? null,
          m.payload ? JSON.stringify(m.payload) : null, m.mediaId ?? null, m.replyToId ?? null, m.externalId ?? null, m.status, m.createdAt,
          m.submissionKey ?? null,
        ).lastInsertRowid,
    );
  }

  get(companyId: number, id: number): Message | null {
    const row = this.db.query<Row, [number, number]>(`${SELECT} WHERE m.company_id = +? AND m.id = +?`).get(companyId, id);
    return row ? toMessage(row) : null;
  }

  /** Just a message's text (null: none, as a location has), or null when there is no such message. */
  textOf(companyId: number, id: number): { text: string | null } | null {
    return this.db.query<{ text: string | null }, [number, number]>("SELECT text FROM messages WHERE company_id = ? AND id = ?").get(companyId, id);
  }

  /** A page of a conversation, oldest first within the page; `beforeId` pages back in time. */
  page(companyId: number, conversationId: number, limit: number, beforeId?: number): Message[] {
    const rows = this.db
      .query<Row, [number, number, number, number]>(
        `${SELECT} WHERE m.company_id = +? AND m.conversation_id = +? AND m.id < ? ORDER BY m.id DESC LIMIT +?`,
      )
      .all(companyId, conversationId, beforeId ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.reverse().map(toMessage);
  }

  /** Messages after an id, oldest first (API forward paging). */
  after(companyId: number, conversationId: number, afterId: number, limit: number): Message[] {
    return this.db
      .query<Row, [number, number, number, number]>(`${SELECT} WHERE m.company_id = +? AND m.conversation_id = +? AND m.id > ? ORDER BY m.id LIMIT +?`)
      .all(companyId, conversationId, afterId, limit)
      .map(toMessage);
  }

  /** The message a composer submission already stored, if any. */
  bySubmission(conversationId: number, key: string): number | null {
    return (
      this.db
        .query<{ id: number }, [number, string]>("SELECT id FROM messages WHERE conversation_id = ? AND submission_key = ?")
        .get(conversationId, key)?.id ?? null
    );
  }

  inboundExists(channelId: number, externalId: string): boolean {
    return !!this.db.query("SELECT 1 FROM messages WHERE channel_id = ? AND direction = 'in' AND external_id = ?").get(channelId, externalId);
  }

  byExternal(channelId: number, direction: Direction, externalId: string): MessageRef | null {
    return this.db
      .query<MessageRef, [number, string, string]>(
        "SELECT id, conversation_id AS conversationId, company_id AS companyId, status FROM messages WHERE channel_id = ? AND direction = ? AND external_id = ?",
      )
      .get(channelId, direction, externalId);
  }

  setStatus(id: number, status: DeliveryStatus, error: string | null, errorCode: string | null = null): void {
    this.db.query("UPDATE messages SET status = ?, error = ?, error_code = ? WHERE id = ?").run(status, error, errorCode, id);
  }

  /**
   * The provider accepted it. Never moves the status backwards: a status webhook
   * may have arrived before the send's own answer was recorded.
   */
  markSent(id: number, externalId: string, status: DeliveryStatus, maybeDuplicate = false): void {
    this.db
      .query(
        `UPDATE messages SET external_id = ?1, error = NULL, error_code = NULL, maybe_duplicate = MAX(maybe_duplicate, ?3),
           status = CASE WHEN ${RANK_SQL("status")} >= ${RANK_SQL("?2")} THEN status ELSE ?2 END WHERE id = +?4`,
      )
      .run(externalId, status, maybeDuplicate ? 1 : 0, id);
  }

  /** An outbound message of this channel still waiting for its provider id (send confirmations by idempotency key). */
  unconfirmed(channelId: number, id: number): MessageRef | null {
    return this.db
      .query<MessageRef, [number, number]>(
        "SELECT id, conversation_id AS conversationId, company_id AS companyId, status FROM messages WHERE id = ? AND channel_id = ? AND direction = 'out' AND external_id IS NULL",
      )
      .get(id, channelId);
  }

  attachMedia(id: number, mediaId: number): void {
    this.db.query("UPDATE messages SET media_id = ? WHERE id = ?").run(mediaId, id);
  }

  /** The latest customer message of a conversation (what "mark as read" refers to). */
  lastInbound(conversationId: number): { id: number; externalId: string | null; channelId: number } | null {
    return this.db
      .query<{ id: number; externalId: string | null; channelId: number }, [number]>(
        "SELECT id, external_id AS externalId, channel_id AS channelId FROM messages WHERE conversation_id = +? AND direction = 'in' AND author = 'customer' ORDER BY id DESC LIMIT 1",
      )
      .get(conversationId);
  }

  /** The conversation whose message carries this file (media is visible exactly when that message is). */
  conversationOfMedia(companyId: number, mediaId: number): number | null {
    return (
      this.db
        .query<{ c: number }, [number, number]>("SELECT conversation_id AS c FROM messages WHERE media_id = ? AND company_id = ? LIMIT 1")
        .get(mediaId, companyId)?.c ?? null
    );
  }
}
