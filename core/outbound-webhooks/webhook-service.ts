import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import { randomToken } from "../crypto/tokens.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { FieldError } from "../i18n/index.ts";
import type { AuditTrail } from "../audit/audit-trail.ts";
import { T } from "../tokens.ts";
import { isWebhookEvent, type WebhookEvent } from "./events.ts";
import type { WebhookDeliveryRepository } from "./delivery-repository.ts";
import type { SubscriptionCache } from "./subscription-cache.ts";
import type { WebhookSubscriptionRepository } from "./subscription-repository.ts";
import type { DeliveryAttempt, SubscriptionInput, WebhookDelivery, WebhookSubscription } from "./subscription.ts";
import { checkTargetUrl } from "./target-url.ts";
import { SECRET_PURPOSE, type WebhookDispatcher } from "./webhook-dispatcher.ts";
import { sendDelivery } from "./webhook-sender.ts";
import { RETRY_WINDOW_MS } from "./event-recorder.ts";

export const MAX_SUBSCRIPTIONS = 20;
const MAX_DESCRIPTION = 200;

export interface RawSubscription {
  url?: unknown;
  description?: unknown;
  events?: unknown;
}

/** Subscriptions of a company: create, change, rotate the secret, pause, test, redeliver. */
@injectable()
export class WebhookService {
  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Config) private readonly config: Config,
    @inject(T.SecretBox) private readonly box: SecretBox,
    @inject(T.WebhookSubscriptionRepository) private readonly subscriptions: WebhookSubscriptionRepository,
    @inject(T.WebhookDeliveryRepository) private readonly deliveries: WebhookDeliveryRepository,
    @inject(T.SubscriptionCache) private readonly cache: SubscriptionCache,
    @inject(T.WebhookDispatcher) private readonly dispatcher: WebhookDispatcher,
    @inject(T.AuditTrail) private readonly audit: AuditTrail,
  ) {}

  list(scope: Scope, after = 0, limit = 100): WebhookSubscription[] {
    return this.subscriptions.list(scope.companyId, after, limit);
  }

  get(scope: Scope, id: number): WebhookSubscription {
    return found(this.subscriptions.get(scope.companyId, id));
  }

  /** The secret is returned here and by rotate() only: it is never shown again. */
  create(scope: Scope, raw: RawSubscription, actorName: string): { subscription: WebhookSubscription; secret: string } {
    const input = this.check(raw);
    if (this.subscriptions.list(scope.companyId, 0, MAX_SUBSCRIPTIONS).length >= MAX_SUBSCRIPTIONS) throw AppError.invalid({ url: "webhook.error.too_many" });
    const secret = newSecret();
    const now = this.clock.now();
    const id = this.uow.run(() => {
      const id = this.subscriptions.insert(scope.companyId, input, this.box.seal(secret, SECRET_PURPOSE), now);
      this.log(scope, actorName, "webhook.created", id, { url: input.url, events: input.events }, now);
      return id;
    });
    this.cache.invalidate(scope.companyId);
    return { subscription: this.get(scope, id), secret };
  }

  update(scope: Scope, id: number, raw: RawSubscription, actorName: string): WebhookSubscription {
    const current = this.get(scope, id);
    const input = this.check({ url: raw.url ?? current.url, description: raw.description ?? current.description, events: raw.events ?? current.events });
    const now = this.clock.now();
    this.uow.run(() => {
      this.subscriptions.update(scope.companyId, id, input, now);
      this.log(scope, actorName, "webhook.updated", id, { url: input.url, events: input.events }, now);
    });
    this.cache.invalidate(scope.companyId);
    return this.get(scope, id);
  }

  rotate(scope: Scope, id: number, actorName: string): string {
    this.get(scope, id);
    const secret = newSecret();
    const now = this.clock.now();
    this.uow.run(() => {
      this.subscriptions.setSecret(scope.companyId, id, this.box.seal(secret, SECRET_PURPOSE), now);
      this.log(scope, actorName, "webhook.secret_rotated", id, {}, now);
    });
    return secret;
  }

  delete(scope: Scope, id: number, actorName: string): void {
    const s = this.get(scope, id);
    const now = this.clock.now();
    this.uow.run(() => {
      this.subscriptions.delete(scope.companyId, id);
      this.log(scope, actorName, "webhook.deleted", id, { url: s.url }, now);
    });
    this.cache.invalidate(scope.companyId);
  }

  pause(scope: Scope, id: number, actorName: string): WebhookSubscription {
    const s = this.get(scope, id);
    if (s.status === "active") {
      const now = this.clock.now();
      this.uow.run(() => {
        this.subscriptions.pause(id, "manual", now);
        this.log(scope, actorName, "webhook.paused", id, {}, now);
      });
      this.cache.invalidate(scope.companyId);
    }
    return this.get(scope, id);
  }

  /** Active again; what waited while paused goes now, with a fresh day of retries. */
  resume(scope: Scope, id: number, actorName: string): WebhookSubscription {
    const s = this.get(scope, id);
    if (s.status === "paused") {
      const now = this.clock.now();
      this.uow.run(() => {
        this.subscriptions.resume(id, now);
        this.deliveries.resumePending(id, now, now + RETRY_WINDOW_MS);
        this.log(scope, actorName, "webhook.resumed", id, {}, now);
      });
      this.cache.invalidate(scope.companyId);
      this.dispatcher.kick();
    }
    return this.get(scope, id);
  }

  /**
   * "Enviar prueba": a `webhook.test` delivery sent now, outside the queue (even
   * while paused), answered with what the receiver said; kept in the log.
   */
  async test(scope: Scope, id: number): Promise<{ ok: boolean; statusCode: number | null; latencyMs: number; error: string | null; deliveryId: string }> {
    const s = this.get(scope, id);
    const now = this.clock.now();
    const data = JSON.stringify({ subscriptionId: s.id, message: "Charla test event / Evento de prueba de Charla" });
    const deliveryId = this.deliveries.enqueue({ subscriptionId: s.id, companyId: scope.companyId, event: "webhook.test", orderKey: `test:${now}`, data, now, expiresAt: now, nextAttemptAt: Number.MAX_SAFE_INTEGER });
    // Never due, so the dispatcher leaves it alone: it is sent and recorded right here.
    const d = this.deliveries.get(deliveryId)!;
    const outcome = await sendDelivery(d, s.url, this.box.open(this.subscriptions.target(s.id)!.secretSealed, SECRET_PURPOSE), () => this.clock.now());
    this.uow.run(() => this.deliveries.record(d, outcome, outcome.ok ? "delivered" : "failed", null));
    return { ok: outcome.ok, statusCode: outcome.statusCode, latencyMs: outcome.latencyMs, error: outcome.error, deliveryId: d.uid };
  }

  redeliver(scope: Scope, id: number, delivery: string): WebhookDelivery {
    this.get(scope, id);
    const d = found(this.deliveries.find(scope.companyId, id, delivery));
    const now = this.clock.now();
    this.deliveries.redeliver(d.id, now, now + RETRY_WINDOW_MS);
    this.dispatcher.kick();
    return this.deliveries.get(d.id)!;
  }

  attempts(scope: Scope, id: number, before: number, limit: number): DeliveryAttempt[] {
    this.get(scope, id);
    return this.deliveries.attempts(id, before, limit);
  }

  deliveryList(scope: Scope, id: number, before: number, limit: number): WebhookDelivery[] {
    this.get(scope, id);
    return this.deliveries.list(id, before, limit);
  }

  pendingCount(scope: Scope, id: number): number {
    this.get(scope, id);
    return this.deliveries.pendingCount(id);
  }

  pausedForFailures(companyId: number): number {
    return this.subscriptions.pausedForFailures(companyId);
  }

  private check(raw: RawSubscription): SubscriptionInput {
    const errors: Record<string, FieldError> = {};
    const url = typeof raw.url === "string" ? raw.url.trim() : "";
    const urlProblem = url ? checkTargetUrl(url, this.config.webhooksAllowPrivate) : "webhook.error.url_required";
    if (urlProblem) errors.url = urlProblem;
    const description = typeof raw.description === "string" ? raw.description.trim() : raw.description == null ? "" : null;
    if (description === null || description.length > MAX_DESCRIPTION) errors.description = "webhook.error.description_too_long";
    const list = Array.isArray(raw.events) ? raw.events : typeof raw.events === "string" ? [raw.events] : null;
    const events = [...new Set((list ?? []).map(String))];
    if (events.length === 0) errors.events = "webhook.error.events_required";
    else if (!events.every(isWebhookEvent)) errors.events = "webhook.error.event_unknown";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { url, description: description!, events: events as WebhookEvent[] };
  }

  private log(scope: Scope, actorName: string, action: string, id: number, details: Record<string, unknown>, now: number): void {
    this.audit.record({ companyId: scope.companyId, actorId: scope.userId, actorName, action, targetType: "webhook", targetId: id, details }, now);
  }
}

function newSecret(): string {
  return `whsec_${randomToken(32)}`;
}
