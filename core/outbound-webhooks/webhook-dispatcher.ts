import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import { DueLoop } from "../shared/due-loop.ts";
import { T } from "../tokens.ts";
import type { WebhookDeliveryRepository } from "./delivery-repository.ts";
import type { SubscriptionCache } from "./subscription-cache.ts";
import type { WebhookSubscriptionRepository } from "./subscription-repository.ts";
import type { WebhookDelivery } from "./subscription.ts";
import { sendDelivery } from "./webhook-sender.ts";

export const SECRET_PURPOSE = "webhook-secret";
/** A subscription failing this long without one success is paused. */
export const PAUSE_AFTER_MS = 24 * 3_600_000;
const BATCH = 100;

/** 10 s, 20 s, 40 s ... capped at one hour, ±20 % jitter: about 30 tries in a day. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(10_000 * 2 ** (attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + random() * 0.4));
}

/**
 * Sends queued deliveries. Each subscription has its own lane (one request at a
 * time, so a slow receiver holds up only itself); within it only the oldest
 * pending delivery of each conversation (order key) is taken, so a receiver sees
 * a conversation's events in order even across retries. A failure is retried
 * with backoff until the delivery is a day old, then given up; a subscription
 * with no success for a day is paused (the admins see a banner) and its waiting
 * deliveries go when it is resumed. At least once: a request cut off by a stop
 * is sent again, with the same id.
 */
@injectable()
export class WebhookDispatcher {
  private readonly loop: DueLoop;
  private readonly lanes = new Map<number, Promise<void>>();

  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.SecretBox) private readonly box: SecretBox,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.SubscriptionCache) private readonly cache: SubscriptionCache,
    @inject(T.WebhookDeliveryRepository) private readonly deliveries: WebhookDeliveryRepository,
    @inject(T.WebhookSubscriptionRepository) private readonly subscriptions: WebhookSubscriptionRepository,
  ) {
    this.loop = new DueLoop({
      pass: () => this.pass(),
      nextDueAt: () => (this.lanes.size > 0 ? null : this.deliveries.nextDueAt()),
      now: () => this.clock.now(),
      wake: (kick) => this.bus.on("webhook.queued", kick),
      onError: (error, failures) => this.logger.error("webhook pass failed; retrying", { error, failures }),
    });
  }

  start(): void {
    const released = this.deliveries.releaseInterrupted();
    if (released) this.logger.warn("webhook deliveries interrupted by a restart are sent again", { count: released });
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.lanes.values());
  }

  kick(): void {
    this.loop.kick();
  }

  /** Resolves when nothing is being sent (tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.loop.idle();
      if (this.lanes.size === 0) return;
      await Promise.all(this.lanes.values());
    }
  }

  private async pass(): Promise<boolean> {
    const bySubscription = new Map<number, WebhookDelivery[]>();
    for (const d of this.deliveries.due(this.clock.now(), BATCH)) {
      if (this.lanes.has(d.subscriptionId)) continue;
      bySubscription.set(d.subscriptionId, [...(bySubscription.get(d.subscriptionId) ?? []), d]);
    }
    for (const [id, list] of bySubscription) {
      const lane = this.runLane(list).finally(() => {
        this.lanes.delete(id);
        this.loop.kick();
      });
      this.lanes.set(id, lane);
    }
    return false;
  }

  private async runLane(list: WebhookDelivery[]): Promise<void> {
    for (const d of list) {
      if (this.loop.isStopped) return;
      try {
        if (!(await this.sendOne(d))) return;
      } catch (error) {
        this.logger.error("webhook delivery could not be processed", { delivery: d.uid, error });
        return;
      }
    }
  }

  /** False when the subscription stopped taking deliveries (paused, deleted): the lane ends. */
  private async sendOne(d: WebhookDelivery): Promise<boolean> {
    const target = this.subscriptions.target(d.subscriptionId);
    if (!target || target.status !== "active") return false;
    this.deliveries.markSending(d.id, this.clock.now());
    const outcome = await sendDelivery(d, target.url, this.box.open(target.secretSealed, SECRET_PURPOSE), () => this.clock.now());
    let paused = false;
    let gone = false;
    this.uow.run(() => {
      // The subscription was deleted while this request was out: nothing is left to record.
      if (!this.deliveries.get(d.id)) {
        gone = true;
        return;
      }
      if (outcome.ok) {
        this.deliveries.record(d, outcome, "delivered", null);
        this.subscriptions.clearFailing(d.subscriptionId);
        return;
      }
      const retryAt = outcome.at + retryDelayMs(d.attempts + 1);
      const since = this.subscriptions.markFailing(d.subscriptionId, outcome.at);
      // Judged by the next try: the last one before a delivery gives up comes a little under a day in.
      // Deleted while this request was out: its deliveries went with it (the record below changes nothing).
      paused = since !== null && retryAt - since >= PAUSE_AFTER_MS;
      // A pause keeps the delivery waiting (it goes on resume); otherwise it gives up after its day.
      const retry = paused || retryAt < d.expiresAt;
      this.deliveries.record(d, outcome, retry ? "retry" : "failed", retry ? retryAt : null);
      if (paused) this.subscriptions.pause(d.subscriptionId, "failing", outcome.at);
    });
    if (gone) return false;
    if (!outcome.ok) this.logger.warn("webhook delivery failed", { delivery: d.uid, event: d.event, attempt: d.attempts + 1, error: outcome.error });
    if (paused) {
      this.cache.invalidate(target.companyId);
      this.logger.warn("webhook paused after a day of failures", { subscription: d.subscriptionId, url: target.url });
    }
    return !paused;
  }
}
