import { inject, injectable } from "tsyringe";
import { T } from "../tokens.ts";
import type { WebhookSubscriptionRepository } from "./subscription-repository.ts";

/**
 * Which active subscriptions of a company want which events, kept in memory so
 * the hot paths (every stored message) cost one map lookup when nobody
 * subscribed. Every subscription write, pause and resume clears the company's entry.
 */
const NONE: number[] = [];

@injectable()
export class SubscriptionCache {
  private readonly byCompany = new Map<number, { subscriptions: { id: number; events: Set<string> }[]; wanted: Set<string> }>();

  constructor(@inject(T.WebhookSubscriptionRepository) private readonly subscriptions: WebhookSubscriptionRepository) {}

  /** Ids of the company's active subscriptions that want `event`. */
  wanting(companyId: number, event: string): number[] {
    const entry = this.entry(companyId);
    if (!entry.wanted.has(event)) return NONE;
    return entry.subscriptions.filter((s) => s.events.has(event)).map((s) => s.id);
  }

  /** True when an active subscription of the company wants one of `events` (skip loading data otherwise). */
  any(companyId: number, events: readonly string[]): boolean {
    const { wanted } = this.entry(companyId);
    return wanted.size > 0 && events.some((e) => wanted.has(e));
  }

  private entry(companyId: number) {
    let entry = this.byCompany.get(companyId);
    if (!entry) {
      const subscriptions = this.subscriptions.active(companyId).map((s) => ({ id: s.id, events: new Set(s.events) }));
      entry = { subscriptions, wanted: new Set(subscriptions.flatMap((s) => [...s.events])) };
      this.byCompany.set(companyId, entry);
    }
    return entry;
  }

  invalidate(companyId: number): void {
    this.byCompany.delete(companyId);
  }
}
