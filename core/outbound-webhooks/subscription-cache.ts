import { inject, injectable } from "tsyringe";
import { T } from "../tokens.ts";
import type { WebhookSubscriptionRepository } from "./subscription-repository.ts";

/**
 * Which active subscriptions of a company want which events, kept in memory so
 * the hot paths (every stored message) cost one map lookup when nobody
 * subscribed. Every subscription write, pause and resume clears the company's entry.
 */
@injectable()
export class SubscriptionCache {
  private readonly byCompany = new Map<number, { id: number; events: Set<string> }[]>();

  constructor(@inject(T.WebhookSubscriptionRepository) private readonly subscriptions: WebhookSubscriptionRepository) {}

  /** Ids of the company's active subscriptions that want `event`. */
  wanting(companyId: number, event: string): number[] {
    let list = this.byCompany.get(companyId);
    if (!list) {
      list = this.subscriptions.active(companyId).map((s) => ({ id: s.id, events: new Set(s.events) }));
      this.byCompany.set(companyId, list);
    }
    const ids: number[] = [];
    for (const s of list) if (s.events.has(event)) ids.push(s.id);
    return ids;
  }

  /** True when the company has any active subscription (skip building data otherwise). */
  any(companyId: number, events: readonly string[]): boolean {
    return events.some((e) => this.wanting(companyId, e).length > 0);
  }

  invalidate(companyId: number): void {
    this.byCompany.delete(companyId);
  }
}
