import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";

export interface OutboxRow {
  id: number;
  messageId: number;
  channelId: number;
  conversationId: number;
  attempts: number;
  nextAttemptAt: number;
  /** When a request for this row left and no answer was recorded yet (null: none in flight). */
  sendingSince: number | null;
  /** This attempt repeats a request that may have reached the provider. */
  uncertain: boolean;
}

const COLUMNS = `o.id, o.message_id AS messageId, o.channel_id AS channelId, o.conversation_id AS conversationId, o.attempts,
  o.next_attempt_at AS nextAttemptAt, o.sending_since AS sendingSince, o.uncertain`;
type Row = Omit<OutboxRow, "uncertain"> & { uncertain: number };
const toRow = (r: Row): OutboxRow => ({ ...r, uncertain: r.uncertain === 1 });

@injectable()
export class OutboxRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  enqueue(messageId: number, channelId: number, conversationId: number, now: number): void {
    this.db
      .query("INSERT INTO outbox (message_id, channel_id, conversation_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(messageId, channelId, conversationId, now, now);
  }

  /**
   * Due rows that head their conversation, oldest first: a conversation's later
   * message waits while an earlier one is retrying, other conversations go ahead.
   */
  due(now: number, limit: number): OutboxRow[] {
    return this.db
      .query<Row, [number, number]>(
        `SELECT ${COLUMNS} FROM outbox o
         WHERE o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.conversation_id = o.conversation_id AND e.id < o.id)
         ORDER BY o.id LIMIT +?`,
      )
      .all(now, limit)
      .map(toRow);
  }

  get(id: number): OutboxRow | null {
    const r = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM outbox o WHERE o.id = ?`).get(id);
    return r ? toRow(r) : null;
  }

  /** Rows whose request was in flight when the previous process stopped. */
  interrupted(): OutboxRow[] {
    return this.db.query<Row, []>(`SELECT ${COLUMNS} FROM outbox o WHERE o.sending_since IS NOT NULL ORDER BY o.id`).all().map(toRow);
  }

  /**
   * When the next send may go: only rows that head their conversation count (the
   * others wait for them), and none of the channels busy sending now (their lane
   * comes back for them).
   */
  nextDueAt(busyChannels: number[] = []): number | null {
    return (
      this.db
        .query<{ t: number | null }, [string]>(
          `SELECT MIN(o.next_attempt_at) AS t FROM outbox o
           WHERE o.channel_id NOT IN (SELECT value FROM json_each(?))
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.conversation_id = o.conversation_id AND e.id < o.id)`,
        )
        .get(JSON.stringify(busyChannels))?.t ?? null
    );
  }

  /** The pending send of a message, if any. */
  forMessage(messageId: number): OutboxRow | null {
    const r = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM outbox o WHERE o.message_id = ?`).get(messageId);
    return r ? toRow(r) : null;
  }

  /** Recorded (committed) before the request leaves, so a crash mid-request is known afterwards. */
  markSending(id: number, at: number): void {
    this.db.query("UPDATE outbox SET sending_since = ? WHERE id = ?").run(at, id);
  }

  retryLater(id: number, attempts: number, at: number, error: string, uncertain: boolean): void {
    this.db
      .query("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, sending_since = NULL, uncertain = MAX(uncertain, ?) WHERE id = ?")
      .run(attempts, at, error, uncertain ? 1 : 0, id);
  }

  /**
   * A request that may have arrived: keep waiting for the provider to confirm it
   * until `at`, then send again (marked uncertain).
   */
  awaitConfirmation(id: number, attempts: number, at: number, error: string): void {
    this.db
      .query("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, sending_since = NULL, uncertain = 1 WHERE id = ?")
      .run(attempts, at, error, id);
  }

  remove(id: number): void {
    this.db.query("DELETE FROM outbox WHERE id = ?").run(id);
  }

  removeForMessage(messageId: number): void {
    this.db.query("DELETE FROM outbox WHERE message_id = ?").run(messageId);
  }
}
