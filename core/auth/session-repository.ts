import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "./access.ts";

type ViewerRow = Omit<Viewer, "sessionId" | "mustChangePassword"> & { expiresAt: number; mustChange: number };

@injectable()
export class SessionRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  create(id: string, userId: number, activeCompanyId: number | null, now: number, expiresAt: number): void {
    this.db
      .query("INSERT INTO sessions (id, user_id, active_company_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, userId, activeCompanyId, now, expiresAt);
  }

  /**
   * The whole viewer in one indexed lookup: session, user, and the company in play
   * (own company, or the operator's selection). Inactive users and users of an
   * inactive company have no live sessions.
   */
  viewer(id: string, now: number): (Viewer & { expiresAt: number }) | null {
    const row = this.db
      .query<ViewerRow, [string, number]>(
        `SELECT u.id AS userId, u.username, u.name, u.role, u.language, s.expires_at AS expiresAt, u.must_change_password AS mustChange,
                c.id AS companyId, c.name AS companyName
         FROM sessions s
         JOIN users u ON u.id = s.user_id AND u.active = 1
         LEFT JOIN companies c ON c.id = COALESCE(u.company_id, s.active_company_id)
         WHERE s.id = +? AND s.expires_at > ? AND (u.company_id IS NULL OR c.active = 1)`,
      )
      .get(id, now);
    if (!row) return null;
    const { mustChange, ...rest } = row;
    return { ...rest, mustChangePassword: mustChange === 1, sessionId: id };
  }

  extend(id: string, expiresAt: number): void {
    this.db.query("UPDATE sessions SET expires_at = ? WHERE id = ?").run(expiresAt, id);
  }

  selectCompany(id: string, companyId: number): void {
    this.db.query("UPDATE sessions SET active_company_id = ? WHERE id = ?").run(companyId, id);
  }

  delete(id: string): void {
    this.db.query("DELETE FROM sessions WHERE id = ?").run(id);
  }

  /** Every session of a user but one (their own password change keeps them signed in here). */
  deleteOthers(userId: number, keepId: string): void {
    this.db.query("DELETE FROM sessions WHERE user_id = ? AND id <> ?").run(userId, keepId);
  }

  deleteForUser(userId: number): void {
    this.db.query("DELETE FROM sessions WHERE user_id = ?").run(userId);
  }

  deleteExpired(now: number): number {
    return this.db.query("DELETE FROM sessions WHERE expires_at <= ?").run(now).changes;
  }
}
