import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { ApiCaller, ApiToken, TokenScope } from "./api-token.ts";

const COLUMNS = `id, company_id AS companyId, name, prefix, scope, created_at AS createdAt,
  last_used_at AS lastUsedAt, revoked_at AS revokedAt`;

@injectable()
export class ApiTokenRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  list(companyId: number): ApiToken[] {
    return this.db
      .query<ApiToken, [number]>(`SELECT ${COLUMNS} FROM api_tokens WHERE company_id = +? ORDER BY id DESC`)
      .all(companyId);
  }

  insert(companyId: number, name: string, prefix: string, hash: string, scope: TokenScope, createdBy: number | null, now: number): number {
    const r = this.db
      .query(
        `INSERT INTO api_tokens (company_id, name, prefix, token_hash, scope, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(companyId, name, prefix, hash, scope, createdBy, now);
    return Number(r.lastInsertRowid);
  }

  caller(hash: string): ApiCaller | null {
    return this.db
      .query<ApiCaller, [string]>(
        `SELECT t.id AS tokenId, t.name AS tokenName, t.company_id AS companyId, t.scope FROM api_tokens t
         JOIN companies c ON c.id = t.company_id AND c.active = 1
         WHERE t.token_hash = +? AND t.revoked_at IS NULL`,
      )
      .get(hash);
  }

  /** Written at most once a minute per token, so API reads stay read-only. */
  touch(id: number, now: number): void {
    this.db
      .query("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
      .run(now, id, now - 60_000);
  }

  revoke(companyId: number, id: number, now: number): boolean {
    return (
      this.db
        .query("UPDATE api_tokens SET revoked_at = ? WHERE company_id = ? AND id = ? AND revoked_at IS NULL")
        .run(now, companyId, id).changes === 1
    );
  }
}
