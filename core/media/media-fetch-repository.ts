import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export interface MediaFetch {
  messageId: number;
  channelId: number;
  attempts: number;
}

@injectable()
export class MediaFetchRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  enqueue(messageId: number, channelId: number, now: number): void {
    this.db.query("INSERT OR IGNORE INTO media_fetches (message_id, channel_id, next_attempt_at) VALUES (?, ?, ?)").run(messageId, channelId, now);
  }

  due(now: number, limit: number): MediaFetch[] {
    return this.db
      .query<MediaFetch, [number, number]>(
        "SELECT message_id AS messageId, channel_id AS channelId, attempts FROM media_fetches WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT +?",
      )
      .all(now, limit);
  }

  nextDueAt(): number | null {
    return this.db.query<{ t: number | null }, []>("SELECT MIN(next_attempt_at) AS t FROM media_fetches").get()?.t ?? null;
  }

  retryLater(messageId: number, attempts: number, at: number, error: string): void {
    this.db.query("UPDATE media_fetches SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE message_id = ?").run(attempts, at, error, messageId);
  }

  remove(messageId: number): void {
    this.db.query("DELETE FROM media_fetches WHERE message_id = ?").run(messageId);
  }
}
