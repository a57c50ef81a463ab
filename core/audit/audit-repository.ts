import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export interface AuditEntry {
  companyId: number | null;
  actorId: number | null;
  actorName: string;
  /** "contact.erased", "contact.merged", "contact.blocked"... */
  action: string;
  targetType: string;
  targetId: number | null;
  /** Counts and ids only: never message content, never secrets. */
  details?: Record<string, unknown>;
}

export interface AuditLine extends Omit<AuditEntry, "details"> {
  id: number;
  details: string | null;
  createdAt: number;
}

/** Who did what and when. Append-only: the table's triggers refuse updates and deletes. */
@injectable()
export class AuditRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  append(e: AuditEntry, now: number): void {
    this.db
      .query("INSERT INTO audit_log (company_id, actor_id, actor_name, action, target_type, target_id, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(e.companyId, e.actorId, e.actorName, e.action, e.targetType, e.targetId, e.details ? JSON.stringify(e.details) : null, now);
  }

  /** Newest first. */
  recent(companyId: number, limit = 100): AuditLine[] {
    return this.db
      .query<AuditLine, [number, number]>(
        `SELECT id, company_id AS companyId, actor_id AS actorId, actor_name AS actorName, action, target_type AS targetType,
           target_id AS targetId, details, created_at AS createdAt FROM audit_log WHERE company_id = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(companyId, limit);
  }
}
