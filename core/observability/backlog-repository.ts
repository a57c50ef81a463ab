import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";

export interface Backlog {
  /** Rows waiting, and when the oldest was queued (epoch ms; null when none). */
  depth: number;
  oldestAt: number | null;
}

/** Work waiting in the database, read when /metrics or the status page asks (never on a hot path). */
@injectable()
export class BacklogRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Replies not yet sent: queued, retrying, or in flight. */
  outbox(): Backlog {
    return this.db.query<Backlog, []>("SELECT COUNT(*) AS depth, MIN(created_at) AS oldestAt FROM outbox").get() ?? { depth: 0, oldestAt: null };
  }

  /** Outbound webhook deliveries still to go (pending, including retries). */
  webhookDeliveries(): Backlog {
    return (
      this.db.query<Backlog, []>("SELECT COUNT(*) AS depth, MIN(created_at) AS oldestAt FROM webhook_deliveries WHERE state = 'pending'").get() ?? { depth: 0, oldestAt: null }
    );
  }
}
