import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export type AuditVia = "panel" | "api" | "cli";

export interface AuditEntry {
  companyId: number | null;
  actorId: number | null;
  actorName: string;
  /** "contact.erased", "queue.created", "user.password_reset"... */
  action: string;
  targetType: string;
  targetId: number | null;
  /** Names, counts and ids only: never message content, never secrets. */
  details?: Record<string, unknown>;
  /** The client address (see core/http/client-address.ts); null outside a request. */
  ip?: string | null;
  via?: AuditVia | null;
  /** The id the same request's log lines carry. */
  requestId?: string | null;
}

export interface AuditLine {
  id: number;
  companyId: number | null;
  companyName: string | null;
  actorId: number | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: number | null;
  details: string | null;
  ip: string | null;
  via: AuditVia | null;
  requestId: string | null;
  createdAt: number;
}

export interface AuditFilter {
  /** null: every company (the operator's view). */
  companyId: number | null;
  /** "queue.created", or a whole kind: "queue". */
  action?: string;
  /** Part of the actor's name. */
  actor?: string;
  /** Epoch ms, inclusive / exclusive. */
  from?: number;
  to?: number;
}

const COLUMNS = `a.id, a.company_id AS companyId, c.name AS companyName, a.actor_id AS actorId, a.actor_name AS actorName, a.action,
  a.target_type AS targetType, a.target_id AS targetId, a.details, a.ip, a.via, a.request_id AS requestId, a.created_at AS createdAt`;

/**
 * Who did what, when and from where. `= +?` in statements with ORDER BY: see
 * ARCHITECTURE.md (SQLite 3.54 re-prepares them otherwise; same index plan).
 * Append-only: the table's triggers refuse updates and deletes.
 */
@injectable()
export class AuditRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  append(e: AuditEntry, now: number): void {
    this.db
      .query(
        "INSERT INTO audit_log (company_id, actor_id, actor_name, action, target_type, target_id, details, ip, via, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(e.companyId, e.actorId, e.actorName, e.action, e.targetType, e.targetId, e.details ? JSON.stringify(e.details) : null, e.ip ?? null, e.via ?? null, e.requestId ?? null, now);
  }

  /** Newest first, `before` an id (the keyset cursor: 0 or absent = from the newest), at most `limit` rows. */
  page(f: AuditFilter, before: number, limit: number): AuditLine[] {
    const where: string[] = ["a.id < ?"];
    const args: (string | number)[] = [before > 0 ? before : Number.MAX_SAFE_INTEGER];
    if (f.companyId !== null) {
      where.push("a.company_id = +?");
      args.push(f.companyId);
    }
    if (f.action) {
      if (f.action.includes(".")) {
        where.push("a.action = +?");
        args.push(f.action);
      } else {
        // A kind: every "queue.*" action, as a range the index-free scan checks cheaply.
        where.push("a.action >= ? AND a.action < ?");
        args.push(`${f.action}.`, `${f.action}/`);
      }
    }
    if (f.actor) {
      where.push("a.actor_name LIKE +? ESCAPE '\\'");
      args.push(`%${f.actor.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    }
    if (f.from !== undefined) {
      where.push("a.created_at >= ?");
      args.push(f.from);
    }
    if (f.to !== undefined) {
      where.push("a.created_at < ?");
      args.push(f.to);
    }
    args.push(limit);
    return this.db
      .query<AuditLine, (string | number)[]>(`SELECT ${COLUMNS} FROM audit_log a LEFT JOIN companies c ON c.id = a.company_id WHERE ${where.join(" AND ")} ORDER BY a.id DESC LIMIT +?`)
      .all(...args);
  }

  /** The action names recorded so far (the filter's choices), in a company or everywhere. */
  actions(companyId: number | null): string[] {
    const rows =
      companyId === null
        ? this.db.query<{ action: string }, []>("SELECT DISTINCT action FROM audit_log ORDER BY action").all()
        : this.db.query<{ action: string }, [number]>("SELECT DISTINCT action FROM audit_log WHERE company_id = +? ORDER BY action").all(companyId);
    return rows.map((r) => r.action);
  }
}
