import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";
import type { PauseReason, SubscriptionInput, WebhookSubscription } from "./subscription.ts";

const COLUMNS = `id, company_id AS companyId, url, description, events, status, paused_reason AS pausedReason,
  paused_at AS pausedAt, failing_since AS failingSince, created_at AS createdAt, updated_at AS updatedAt`;
type Row = Omit<WebhookSubscription, "events"> & { events: string };
const toSubscription = (r: Row): WebhookSubscription => ({ ...r, events: JSON.parse(r.events) });

@injectable()
export class WebhookSubscriptionRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  insert(companyId: number, input: SubscriptionInput, secretSealed: string, now: number): number {
    const r = this.db
      .query("INSERT INTO webhook_subscriptions (company_id, url, description, events, secret_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(companyId, input.url, input.description, JSON.stringify(input.events), secretSealed, now, now);
    return Number(r.lastInsertRowid);
  }

  update(companyId: number, id: number, input: SubscriptionInput, now: number): boolean {
    return (
      this.db
        .query("UPDATE webhook_subscriptions SET url = ?, description = ?, events = ?, updated_at = ? WHERE id = ? AND company_id = ?")
        .run(input.url, input.description, JSON.stringify(input.events), now, id, companyId).changes === 1
    );
  }

  setSecret(companyId: number, id: number, secretSealed: string, now: number): boolean {
    return this.db.query("UPDATE webhook_subscriptions SET secret_sealed = ?, updated_at = ? WHERE id = ? AND company_id = ?").run(secretSealed, now, id, companyId).changes === 1;
  }

  delete(companyId: number, id: number): boolean {
    return this.db.query("DELETE FROM webhook_subscriptions WHERE id = ? AND company_id = ?").run(id, companyId).changes === 1;
  }

  get(companyId: number, id: number): WebhookSubscription | null {
    const r = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = ? AND company_id = ?`).get(id, companyId);
    return r ? toSubscription(r) : null;
  }

  /** Newest first, `after` an id (0: from the start). */
  list(companyId: number, after: number, limit: number): WebhookSubscription[] {
    return this.db
      .query<Row, [number, number, number, number]>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE company_id = +? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT +?`)
      .all(companyId, after, after, limit)
      .map(toSubscription);
  }

  /** The active subscriptions of a company with the events they want (what the recorder caches). */
  active(companyId: number): { id: number; events: string[] }[] {
    return this.db
      .query<{ id: number; events: string }, [number]>("SELECT id, events FROM webhook_subscriptions WHERE company_id = +? AND status = 'active' ORDER BY id")
      .all(companyId)
      .map((r) => ({ id: r.id, events: JSON.parse(r.events) }));
  }

  /** What the dispatcher needs to send, in one read: where, whether it may, and the sealed key to sign with. */
  target(id: number): { url: string; status: string; companyId: number; secretSealed: string } | null {
    return (
      this.db
        .query<{ url: string; status: string; companyId: number; secretSealed: string }, [number]>(
          "SELECT url, status, company_id AS companyId, secret_sealed AS secretSealed FROM webhook_subscriptions WHERE id = ?",
        )
        .get(id) ?? null
    );
  }

  pause(id: number, reason: PauseReason, now: number): void {
    this.db.query("UPDATE webhook_subscriptions SET status = 'paused', paused_reason = ?, paused_at = ?, updated_at = ? WHERE id = ?").run(reason, now, now, id);
  }

  resume(id: number, now: number): void {
    this.db
      .query("UPDATE webhook_subscriptions SET status = 'active', paused_reason = NULL, paused_at = NULL, failing_since = NULL, updated_at = ? WHERE id = ?")
      .run(now, id);
  }

  /** Returns when the failures began (this one, if it is the first since a success); null when the subscription was deleted meanwhile. */
  markFailing(id: number, now: number): number | null {
    return (
      this.db
        .query<{ since: number }, [number, number]>("UPDATE webhook_subscriptions SET failing_since = coalesce(failing_since, ?) WHERE id = ? RETURNING failing_since AS since")
        .get(now, id)?.since ?? null
    );
  }

  clearFailing(id: number): void {
    this.db.query("UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL").run(id);
  }

  /** Subscriptions Charla paused after a day of failures (the admins' banner). */
  pausedForFailures(companyId: number): number {
    return this.db
      .query<{ n: number }, [number]>("SELECT count(*) AS n FROM webhook_subscriptions WHERE company_id = ? AND status = 'paused' AND paused_reason = 'failing'")
      .get(companyId)!.n;
  }
}
