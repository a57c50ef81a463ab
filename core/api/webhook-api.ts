import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import { WEBHOOK_EVENTS } from "../outbound-webhooks/events.ts";
import type { DeliveryAttempt, WebhookDelivery, WebhookSubscription } from "../outbound-webhooks/subscription.ts";
import type { WebhookService } from "../outbound-webhooks/webhook-service.ts";
import { API_PAGE_SIZE } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import { iso } from "./serializers.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Cursor = t.Object({ cursor: t.Optional(t.Numeric({ minimum: 0, multipleOf: 1 })), limit: t.Optional(t.Numeric({ minimum: 1, maximum: 200, multipleOf: 1 })) });
const Event = t.Union(WEBHOOK_EVENTS.map((e) => t.Literal(e)));
const Body = t.Object({
  url: t.String({ maxLength: 500, examples: ["https://n8n.example.com/webhook/charla"] }),
  events: t.Array(Event, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, examples: [["message.received", "conversation.finalized"]] }),
  description: t.Optional(t.String({ maxLength: 200 })),
});
const Subscription = t.Object({
  id: t.Integer(),
  url: t.String(),
  description: t.String(),
  events: t.Array(t.String()),
  status: t.Union([t.Literal("active"), t.Literal("paused")]),
  pausedReason: t.Nullable(t.Union([t.Literal("failing"), t.Literal("manual")])),
  pausedAt: t.Nullable(t.String()),
  failingSince: t.Nullable(t.String()),
  createdAt: t.String(),
});

export function subscriptionJson(s: WebhookSubscription) {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    events: s.events,
    status: s.status,
    pausedReason: s.pausedReason,
    pausedAt: iso(s.pausedAt),
    failingSince: iso(s.failingSince),
    createdAt: iso(s.createdAt)!,
  };
}

function deliveryJson(d: WebhookDelivery) {
  return {
    id: d.uid,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.state === "pending" ? iso(d.nextAttemptAt) : null,
    createdAt: iso(d.createdAt),
    finishedAt: iso(d.finishedAt),
  };
}

function attemptJson(a: DeliveryAttempt) {
  return { id: a.id, deliveryId: a.deliveryUid, event: a.event, attempt: a.attempt, at: iso(a.at), statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error };
}

/** `/api/v1/webhooks`: outbound webhook subscriptions (CONTRACT.md "Outbound webhooks"), their deliveries and attempts. */
@injectable()
export class WebhookApi {
  constructor(
    @inject(T.WebhookService) private readonly webhooks: WebhookService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const page = <R extends { id: number }>(rows: R[], limit: number) => ({ rows: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.id : null });
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/webhooks",
        ({ scope, query }) => {
          const limit = query.limit ?? API_PAGE_SIZE;
          const p = page(this.webhooks.list(scope, query.cursor ?? 0, limit + 1), limit);
          return { data: p.rows.map(subscriptionJson), next: p.next };
        },
        { api: "read", query: Cursor, detail: { summary: "List webhook subscriptions (newest first)", tags: ["webhooks"] } },
      )
      .post(
        "/webhooks",
        ({ scope, body, set }) => {
          const { subscription, secret } = this.webhooks.create(scope, body, "API");
          set.status = 201;
          return { ...subscriptionJson(subscription), secret };
        },
        {
          api: "write",
          body: Body,
          detail: {
            summary: "Subscribe a URL to events. The answer carries `secret` (HMAC-SHA256 key of X-Charla-Signature) this once only.",
            tags: ["webhooks"],
          },
        },
      )
      .get("/webhooks/:id", ({ scope, params }) => subscriptionJson(this.webhooks.get(scope, params.id)), {
        api: "read",
        params: Id,
        response: { 200: Subscription },
        detail: { summary: "Get a webhook subscription", tags: ["webhooks"] },
      })
      .patch("/webhooks/:id", ({ scope, params, body }) => subscriptionJson(this.webhooks.update(scope, params.id, body, "API")), {
        api: "write",
        params: Id,
        body: t.Partial(Body),
        detail: { summary: "Change a subscription; omitted fields keep their value", tags: ["webhooks"] },
      })
      .delete(
        "/webhooks/:id",
        ({ scope, params, set }) => {
          this.webhooks.delete(scope, params.id, "API");
          set.status = 204;
        },
        { api: "write", params: Id, detail: { summary: "Delete a subscription and its delivery log", tags: ["webhooks"] } },
      )
      .post("/webhooks/:id/rotate", ({ scope, params }) => ({ secret: this.webhooks.rotate(scope, params.id, "API") }), {
        api: "write",
        params: Id,
        detail: { summary: "Replace the signing secret (the old one stops working now); the new one is in the answer, once", tags: ["webhooks"] },
      })
      .post("/webhooks/:id/pause", ({ scope, params }) => subscriptionJson(this.webhooks.pause(scope, params.id, "API")), {
        api: "write",
        params: Id,
        detail: { summary: "Pause deliveries (events are not queued while paused)", tags: ["webhooks"] },
      })
      .post("/webhooks/:id/resume", ({ scope, params }) => subscriptionJson(this.webhooks.resume(scope, params.id, "API")), {
        api: "write",
        params: Id,
        detail: { summary: "Resume; deliveries that waited go now, with a fresh day of retries", tags: ["webhooks"] },
      })
      .post("/webhooks/:id/test", ({ scope, params }) => this.webhooks.test(scope, params.id), {
        api: "write",
        params: Id,
        detail: { summary: "Send a `webhook.test` event now and answer with the receiver's status and latency", tags: ["webhooks"] },
      })
      .get(
        "/webhooks/:id/deliveries",
        ({ scope, params, query }) => {
          const limit = query.limit ?? API_PAGE_SIZE;
          const p = page(this.webhooks.deliveryList(scope, params.id, query.cursor ?? 0, limit + 1), limit);
          return { data: p.rows.map(deliveryJson), next: p.next };
        },
        { api: "read", params: Id, query: Cursor, detail: { summary: "Deliveries of a subscription, newest first", tags: ["webhooks"] } },
      )
      .get(
        "/webhooks/:id/attempts",
        ({ scope, params, query }) => {
          const limit = query.limit ?? API_PAGE_SIZE;
          const p = page(this.webhooks.attempts(scope, params.id, query.cursor ?? 0, limit + 1), limit);
          return { data: p.rows.map(attemptJson), next: p.next };
        },
        { api: "read", params: Id, query: Cursor, detail: { summary: "The delivery log: every request made (status code, latency, attempt), newest first", tags: ["webhooks"] } },
      )
      .post(
        "/webhooks/:id/deliveries/:deliveryId/redeliver",
        ({ scope, params }) => deliveryJson(this.webhooks.redeliver(scope, params.id, params.deliveryId)),
        {
          api: "write",
          params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }), deliveryId: t.String({ pattern: "^[0-9a-f]{32}$" }) }),
          detail: { summary: "Send a delivery again (same id and body) with a fresh day of retries", tags: ["webhooks"] },
        },
      );
  }
}
