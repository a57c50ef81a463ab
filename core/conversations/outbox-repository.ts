import type { Database } from "bun:sqlite";
import { inject, injectable } from "tsyringe";
import { T } from "../tokens.ts";

export interface OutboxRow {
  id: number;
  messageId: number;
  channelId: number;
  attempts: number;
  nextAttemptAt: number;
}

@injectable()
export class OutboxRepository {
  constructor(@inject(T.Database) private readonly db: Database) {}

  enqueue(messageId: number, channelId: number, now: number): void {
    this.db.query("INSERT INTO outbox (message_id, channel_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?)").run(messageId, channelId, now, now);
  }

  /** Due rows, oldest first, so a conversation's messages leave in the order they were written. */
  due(now: number, limit: number): OutboxRow[] {
    return this.db
      .query<OutboxRow, [number, number]>(
        `SELECT id, message_id AS messageId, channel_id AS channelId, attempts, next_attempt_at AS nextAttemptAt
         FROM outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?`,
      )
      .all(now, limit);
  }

  nextDueAt(): number | null {
    return this.db.query<{ t: number | null }, []>("SELECT MIN(next_attempt_at) AS t FROM outbox").get()?.t ?? null;
  }

  retryLater(id: number, attempts: number, at: number, error: string): void {
    this.db.query("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?").run(attempts, at, error, id);
  }

  remove(id: number): void {
    this.db.query("DELETE FROM outbox WHERE id = ?").run(id);
  }

}
