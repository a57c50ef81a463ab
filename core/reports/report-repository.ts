import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";

export interface ActivityRow {
  bucket: number;
  received: number;
  sent: number;
  opened: number;
  closed: number;
}

/** A group's durations (ms): how many, their median and 90th percentile. */
export interface TimeStatRow {
  id: number | null;
  name: string | null;
  count: number;
  median: number | null;
  p90: number | null;
}

export interface ChannelActivity {
  channelId: number;
  name: string | null;
  pluginId: string | null;
  opened: number;
  received: number;
  sent: number;
}

/** Who should be there: the company's active people with their chosen presence and open conversations. */
export interface AgentRow {
  userId: number;
  username: string;
  name: string;
  role: string;
  choseOnline: boolean;
  open: number;
}

export interface CompanyActivity {
  companyId: number;
  received: number;
  sent: number;
  opened: number;
  closed: number;
}

/**
 * Read-only: every figure comes from the rollups and cycles the database keeps
 * (migration 0014), or from indexed counts on conversations. `companyId` null:
 * every company (the operator's platform view).
 */
@injectable()
export class ReportRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  activity(companyId: number | null, from: number, to: number): ActivityRow[] {
    const sql = `SELECT bucket, SUM(received) AS received, SUM(sent) AS sent, SUM(opened) AS opened, SUM(closed) AS closed FROM activity_rollups
      WHERE ${companyId === null ? "" : "company_id = $company AND "}bucket >= $from AND bucket < $to GROUP BY bucket ORDER BY bucket`;
    return this.db.query<ActivityRow, Record<string, number>>(sql).all(companyId === null ? { from, to } : { company: companyId, from, to });
  }

  activityByCompany(from: number, to: number): CompanyActivity[] {
    return this.db
      .query<CompanyActivity, [number, number]>(
        `SELECT company_id AS companyId, SUM(received) AS received, SUM(sent) AS sent, SUM(opened) AS opened, SUM(closed) AS closed
         FROM activity_rollups WHERE bucket >= ? AND bucket < ? GROUP BY company_id`,
      )
      .all(from, to);
  }

  byChannel(companyId: number, from: number, to: number): ChannelActivity[] {
    return this.db
      .query<ChannelActivity, [number, number, number]>(
        `SELECT r.channel_id AS channelId, ch.name, ch.plugin_id AS pluginId, SUM(r.opened) AS opened, SUM(r.received) AS received, SUM(r.sent) AS sent
         FROM activity_rollups r LEFT JOIN channels ch ON ch.id = r.channel_id
         WHERE r.company_id = +? AND r.bucket >= ? AND r.bucket < ? GROUP BY r.channel_id ORDER BY opened DESC, received DESC`,
      )
      .all(companyId, from, to);
  }

  /**
   * Count, median and 90th percentile (ms) of first-response or resolution times
   * in the range, overall or per queue or agent, computed by SQLite itself
   * (median(), percentile(): the linear-interpolation percentile, as spreadsheets'
   * PERCENTILE.INC) over a covering index, so 60k conversations a month stay cheap.
   * First response: from the cycle's start to a person's first answer, counted when
   * the answer came. Resolution: from the start to the close, counted when it
   * closed; per queue and agent only cycles a person had.
   */
  timeStats(companyId: number, from: number, to: number, metric: "first_response" | "resolution", by: "all" | "queue" | "agent"): TimeStatRow[] {
    const at = metric === "first_response" ? "first_response_at" : "closed_at";
    const key = by === "queue" ? "queue_id" : by === "agent" ? "agent_id" : "NULL";
    const handled = metric === "resolution" && by !== "all" ? " AND agent_id IS NOT NULL" : "";
    const name = by === "queue" ? "(SELECT name FROM queues WHERE id = k)" : by === "agent" ? "(SELECT name FROM users WHERE id = k)" : "NULL";
    return this.db
      .query<TimeStatRow, [number, number, number]>(
        `SELECT k AS id, ${name} AS name, COUNT(*) AS count, median(ms) AS median, percentile(ms, 90) AS p90
         FROM (SELECT ${key} AS k, ${at} - opened_at AS ms FROM conversation_cycles WHERE company_id = +? AND ${at} >= ? AND ${at} < ?${handled})
         ${by === "all" ? "" : "GROUP BY k ORDER BY name COLLATE NOCASE"}`,
      )
      .all(companyId, from, to)
      .filter((r) => r.count > 0);
  }

  /** Cycles that began with a bot and were finalized in the range: how many a person never had to touch. */
  containment(companyId: number, from: number, to: number): { finished: number; contained: number } {
    return this.db
      .query<{ finished: number; contained: number }, [number, number, number]>(
        `SELECT COUNT(*) AS finished, COALESCE(SUM(handoff IS NULL AND first_response_at IS NULL), 0) AS contained
         FROM conversation_cycles WHERE company_id = ? AND closed_at >= ? AND closed_at < ? AND via_bot = 1`,
      )
      .get(companyId, from, to)!;
  }

  /** Why the bots handed conversations to people, for cycles finalized in the range. */
  handoffs(companyId: number, from: number, to: number): { reason: string; count: number }[] {
    return this.db
      .query<{ reason: string; count: number }, [number, number, number]>(
        `SELECT handoff AS reason, COUNT(*) AS count FROM conversation_cycles
         WHERE company_id = +? AND closed_at >= ? AND closed_at < ? AND handoff IS NOT NULL GROUP BY handoff ORDER BY count DESC, reason`,
      )
      .all(companyId, from, to);
  }

  /** Conversations waiting for a person's answer (the inbox's "Sin responder" filter). */
  unanswered(companyId: number): { count: number; oldestSince: number | null } {
    return this.db
      .query<{ count: number; oldestSince: number | null }, [number]>(
        `SELECT COUNT(*) AS count, MIN(unanswered_since) AS oldestSince FROM conversations
         WHERE company_id = ? AND unanswered_since IS NOT NULL AND status IN ('queued', 'open')`,
      )
      .get(companyId)!;
  }

  unansweredByCompany(): Map<number, number> {
    const rows = this.db
      .query<{ companyId: number; n: number }, []>(
        "SELECT company_id AS companyId, COUNT(*) AS n FROM conversations WHERE unanswered_since IS NOT NULL AND status IN ('queued', 'open') GROUP BY company_id",
      )
      .all();
    return new Map(rows.map((r) => [r.companyId, r.n]));
  }

  agents(companyId: number): AgentRow[] {
    return this.db
      .query<AgentRow & { presence: string }, [number]>(
        `SELECT u.id AS userId, u.username, u.name, u.role, u.presence,
           (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = u.id AND c.status = 'open') AS open
         FROM users u WHERE u.company_id = +? AND u.active = 1 ORDER BY u.name COLLATE NOCASE, u.id`,
      )
      .all(companyId)
      .map(({ presence, ...r }) => ({ ...r, choseOnline: presence === "online" }));
  }

  /** Active users in id order after `afterId` (the API's keyset pages). */
  agentsAfter(companyId: number, afterId: number, limit: number): AgentRow[] {
    return this.db
      .query<AgentRow & { presence: string }, [number, number, number]>(
        `SELECT u.id AS userId, u.username, u.name, u.role, u.presence,
           (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = u.id AND c.status = 'open') AS open
         FROM users u WHERE u.company_id = +? AND u.active = 1 AND u.id > ? ORDER BY u.id LIMIT +?`,
      )
      .all(companyId, afterId, limit)
      .map(({ presence, ...r }) => ({ ...r, choseOnline: presence === "online" }));
  }

  /** People of each company who chose Conectado (whether they are really there is the presence service's call). */
  choseOnline(): { companyId: number; userId: number }[] {
    return this.db.query<{ companyId: number; userId: number }, []>("SELECT company_id AS companyId, id AS userId FROM users WHERE active = 1 AND presence = 'online' AND company_id IS NOT NULL").all();
  }
}
