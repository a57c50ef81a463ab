import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";

/** The stored first answer to an Idempotency-Key (status null: still running). */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number | null;
  body: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface IdempotencyOwner {
  companyId: number;
  tokenId: number;
  key: string;
}

@injectable()
export class IdempotencyRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Takes the key for a new request; false when a row for it exists already. */
  claim(o: IdempotencyOwner, fingerprint: string, now: number, expiresAt: number): boolean {
    return (
      this.db
        .query(
          `INSERT INTO idempotency_keys (company_id, token_id, key, fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (company_id, token_id, key) DO NOTHING`,
        )
        .run(o.companyId, o.tokenId, o.key, fingerprint, now, expiresAt).changes === 1
    );
  }

  find(o: IdempotencyOwner): IdempotencyRecord | null {
    return this.db
      .query<IdempotencyRecord, [number, number, string]>(
        "SELECT fingerprint, status, body, created_at AS createdAt, expires_at AS expiresAt FROM idempotency_keys WHERE company_id = ? AND token_id = ? AND key = ?",
      )
      .get(o.companyId, o.tokenId, o.key);
  }

  /** Starts the key over for a new request (its row expired, or its request was abandoned). */
  restart(o: IdempotencyOwner, fingerprint: string, now: number, expiresAt: number): void {
    this.db
      .query("UPDATE idempotency_keys SET fingerprint = ?, status = NULL, body = NULL, created_at = ?, expires_at = ? WHERE company_id = ? AND token_id = ? AND key = ?")
      .run(fingerprint, now, expiresAt, o.companyId, o.tokenId, o.key);
  }

  complete(o: IdempotencyOwner, status: number, body: string | null): void {
    this.db
      .query("UPDATE idempotency_keys SET status = ?, body = ? WHERE company_id = ? AND token_id = ? AND key = ? AND status IS NULL")
      .run(status, body, o.companyId, o.tokenId, o.key);
  }

  /** Frees a key whose request failed, so the same request may be sent again. */
  release(o: IdempotencyOwner): void {
    this.db.query("DELETE FROM idempotency_keys WHERE company_id = ? AND token_id = ? AND key = ? AND status IS NULL").run(o.companyId, o.tokenId, o.key);
  }

  /** Deletes up to `limit` expired rows (a little on every new key keeps the table small). */
  purgeExpired(now: number, limit: number): number {
    return this.db.query("DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM idempotency_keys WHERE expires_at <= ? LIMIT +?)").run(now, limit).changes;
  }
}
