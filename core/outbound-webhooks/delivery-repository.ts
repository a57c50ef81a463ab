import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";
import type { DeliveryAttempt, WebhookDelivery } from "./subscription.ts";

const COLUMNS = `d.id, d.uid, d.subscription_id AS subscriptionId, d.company_id AS companyId, d.event, d.order_key AS orderKey, d.data,
  d.state, d.attempts, d.next_attempt_at AS nextAttemptAt, d.expires_at AS expiresAt, d.sending_since AS sendingSince,
  d.last_status AS lastStatus, d.last_error AS lastError, d.created_at AS createdAt, d.finished_at AS finishedAt`;

export interface NewDelivery {
  subscriptionId: number;
  companyId: number;
  event: string;
  orderKey: string;
  data: string;
  now: number;
  expiresAt: number;
  /** Default `now`; the test send, made at once outside the queue, is never due. */
  nextAttemptAt?: number;
}

export interface AttemptOutcome {
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

@injectable()
export class WebhookDeliveryRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  enqueue(d: NewDelivery): number {
    const r = this.db
      .query("INSERT INTO webhook_deliveries (subscription_id, company_id, event, order_key, data, next_attempt_at, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(d.subscriptionId, d.companyId, d.event, d.orderKey, d.data, d.nextAttemptAt ?? d.now, d.expiresAt, d.now);
    return Number(r.lastInsertRowid);
  }

  get(id: number): WebhookDelivery | null {
    return this.db.query<WebhookDelivery, [number]>(`SELECT ${COLUMNS} FROM webhook_deliveries d WHERE d.id = ?`).get(id) ?? null;
  }

  /** A delivery of this company's subscription, by its public uid. */
  find(companyId: number, subscriptionId: number, uid: string): WebhookDelivery | null {
    return (
      this.db
        .query<WebhookDelivery, [string, number, number]>(`SELECT ${COLUMNS} FROM webhook_deliveries d WHERE d.uid = ? AND d.subscription_id = ? AND d.company_id = ?`)
        .get(uid, subscriptionId, companyId) ?? null
    );
  }

  /**
   * Due deliveries that head their order key on an active subscription, oldest
   * first: a conversation's later event waits while an earlier one is retrying.
   */
  due(now: number, limit: number): WebhookDelivery[] {
    return this.db
      .query<WebhookDelivery, [number, number]>(
        `SELECT ${COLUMNS} FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
         WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND s.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id AND e.order_key = d.order_key AND e.state = 'pending' AND e.id < d.id)
         ORDER BY d.id LIMIT +?`,
      )
      .all(now, limit);
  }

  /** The earliest time a pending delivery of an active subscription is due. */
  nextDueAt(): number | null {
    return (
      this.db
        .query<{ at: number | null }, []>(
          "SELECT min(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.state = 'pending' AND s.status = 'active'",
        )
        .get()?.at ?? null
    );
  }

  markSending(id: number, now: number): void {
    this.db.query("UPDATE webhook_deliveries SET sending_since = ? WHERE id = ?").run(now, id);
  }

  /** Requests cut off by a stop: sent again (receivers dedupe by the delivery id). */
  releaseInterrupted(): number {
    return this.db.query("UPDATE webhook_deliveries SET sending_since = NULL WHERE sending_since IS NOT NULL AND state = 'pending'").run().changes;
  }

  /** Logs the request and moves the delivery on: delivered, retried at `retryAt`, or given up (`retryAt` null). */
  record(d: WebhookDelivery, o: AttemptOutcome, result: "delivered" | "retry" | "failed", retryAt: number | null): void {
    const attempt = d.attempts + 1;
    this.db
      .query("INSERT INTO webhook_attempts (delivery_id, subscription_id, attempt, at, status_code, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(d.id, d.subscriptionId, attempt, o.at, o.statusCode, o.latencyMs, o.error);
    const state = result === "retry" ? "pending" : result;
    this.db
      .query(
        `UPDATE webhook_deliveries SET attempts = ?, state = ?, sending_since = NULL, last_status = ?, last_error = ?,
           next_attempt_at = coalesce(?, next_attempt_at), finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END WHERE id = ?`,
      )
      .run(attempt, state, o.statusCode, o.error, retryAt, state, o.at, d.id);
  }

  /** Sent again from now, with a fresh day of retries (the redeliver button). */
  redeliver(id: number, now: number, expiresAt: number): void {
    this.db
      .query("UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?, expires_at = ?, finished_at = NULL WHERE id = ?")
      .run(now, expiresAt, id);
  }

  /** A resumed subscription's waiting deliveries go now and get a fresh day of retries. */
  resumePending(subscriptionId: number, now: number, expiresAt: number): void {
    this.db
      .query("UPDATE webhook_deliveries SET next_attempt_at = ?, expires_at = max(expires_at, ?) WHERE subscription_id = ? AND state = 'pending'")
      .run(now, expiresAt, subscriptionId);
  }

  pendingCount(subscriptionId: number): number {
    return this.db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM webhook_deliveries WHERE subscription_id = ? AND state = 'pending'").get(subscriptionId)!.n;
  }

  /** The log, newest first: attempts made, and deliveries not tried yet. `before` an attempt id (0: the newest). */
  attempts(subscriptionId: number, before: number, limit: number): DeliveryAttempt[] {
    return this.db
      .query<DeliveryAttempt, [number, number, number, number]>(
        `SELECT a.id, a.delivery_id AS deliveryId, d.uid AS deliveryUid, d.event, d.state, a.attempt, a.at, a.status_code AS statusCode,
                a.latency_ms AS latencyMs, a.error
         FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
         WHERE a.subscription_id = +? AND (? = 0 OR a.id < ?) ORDER BY a.id DESC LIMIT +?`,
      )
      .all(subscriptionId, before, before, limit);
  }

  /** Deliveries of a subscription, newest first (the API's list), `before` a delivery id. */
  list(subscriptionId: number, before: number, limit: number): WebhookDelivery[] {
    return this.db
      .query<WebhookDelivery, [number, number, number, number]>(
        `SELECT ${COLUMNS} FROM webhook_deliveries d WHERE d.subscription_id = +? AND (? = 0 OR d.id < ?) ORDER BY d.id DESC LIMIT +?`,
      )
      .all(subscriptionId, before, before, limit);
  }

  /** Finished deliveries (and their attempts) older than `before` are dropped: the log keeps 30 days. */
  purgeFinished(before: number): number {
    return this.db.query("DELETE FROM webhook_deliveries WHERE finished_at IS NOT NULL AND finished_at < ?").run(before).changes;
  }
}
