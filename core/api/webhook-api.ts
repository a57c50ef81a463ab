import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import { WEBHOOK_EVENTS } from "../outbound-webhooks/events.ts";
import type { DeliveryAttempt, WebhookDelivery, WebhookSubscription } from "../outbound-webhooks/subscription.ts";
import type { WebhookService } from "../outbound-webhooks/webhook-service.ts";
import { toSlice } from "../shared/paging.ts";
import { IdPage, limitOf } from "./pagination.ts";
import { T } from "../tokens.ts";
import { iso } from "./serializers.ts";
import { list, listOf } from "./api-schemas.ts";
import { op } from "./docs.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
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

// OpenAPI: the answers' shapes and examples (see docs.ts).
const tags = ["webhooks"];
const at = "2026-01-15T12:00:00.000Z";
const subscriptionExample = {
  id: 1,
  url: "https://n8n.example.com/webhook/charla",
  description: "n8n",
  events: ["message.received", "conversation.finalized"],
  status: "active",
  pausedReason: null,
  pausedAt: null,
  failingSince: null,
  createdAt: at,
};
const one = { schema: Subscription, example: subscriptionExample };
const Delivery = t.Object({
  id: t.String({ description: "The X-Charla-Delivery header of its requests" }),
  event: t.String(),
  state: t.String({ description: "pending, delivered, failed" }),
  attempts: t.Integer(),
  lastStatus: t.Nullable(t.Integer()),
  lastError: t.Nullable(t.String()),
  nextAttemptAt: t.Nullable(t.String()),
  createdAt: t.String(),
  finishedAt: t.Nullable(t.String()),
});
const deliveryExample = { id: "9f86d081884c7d659a2feaa0c55ad015", event: "message.received", state: "delivered", attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null, createdAt: at, finishedAt: at };
const Attempt = t.Object({ id: t.Integer(), deliveryId: t.String(), event: t.String(), attempt: t.Integer(), at: t.String(), statusCode: t.Nullable(t.Integer()), latencyMs: t.Nullable(t.Integer()), error: t.Nullable(t.String()) });
const attemptExample = { id: 31, deliveryId: deliveryExample.id, event: "message.received", attempt: 1, at, statusCode: 200, latencyMs: 84, error: null };
const TestResult = t.Object({ ok: t.Boolean(), statusCode: t.Nullable(t.Integer()), latencyMs: t.Integer(), error: t.Nullable(t.String()), deliveryId: t.String() });

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
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/webhooks",
        ({ scope, query }) => {
          const limit = limitOf(query);
          const p = toSlice(this.webhooks.list(scope, query.cursor ?? 0, limit + 1), limit);
          return { data: p.data.map(subscriptionJson), next: p.next };
        },
        { api: "read", query: IdPage, detail: op({ summary: "List webhook subscriptions (newest first)", tags, ok: { schema: listOf(Subscription), example: list(subscriptionExample) } }) },
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
          detail: op({
            summary: "Subscribe a URL to events. The answer carries `secret` (HMAC-SHA256 key of X-Charla-Signature) this once only.",
            tags,
            body: { url: "https://n8n.example.com/webhook/charla", events: ["message.received", "conversation.finalized"], description: "n8n" },
            ok: { status: 201, schema: t.Composite([Subscription, t.Object({ secret: t.String() })]), example: { ...subscriptionExample, secret: "whsec_3q2+7w8Z..." } },
          }),
        },
      )
      .get("/webhooks/:id", ({ scope, params }) => subscriptionJson(this.webhooks.get(scope, params.id)), {
        api: "read",
        params: Id,
        response: { 200: Subscription },
        detail: op({ summary: "Get a webhook subscription", tags, ok: one }),
      })
      .patch("/webhooks/:id", ({ scope, params, body }) => subscriptionJson(this.webhooks.update(scope, params.id, body, "API")), {
        api: "write",
        params: Id,
        body: t.Partial(Body),
        detail: op({ summary: "Change a subscription; omitted fields keep their value", tags, body: { events: ["message.received"] }, ok: one }),
      })
      .delete(
        "/webhooks/:id",
        ({ scope, params, set }) => {
          this.webhooks.delete(scope, params.id, "API");
          set.status = 204;
        },
        { api: "write", params: Id, detail: op({ summary: "Delete a subscription and its delivery log", tags, ok: { status: 204 } }) },
      )
      .post("/webhooks/:id/rotate", ({ scope, params }) => ({ secret: this.webhooks.rotate(scope, params.id, "API") }), {
        api: "write",
        params: Id,
        detail: op({
          summary: "Replace the signing secret (the old one stops working now); the new one is in the answer, once",
          tags,
          ok: { schema: t.Object({ secret: t.String() }), example: { secret: "whsec_9kQ1..." } },
        }),
      })
      .post("/webhooks/:id/pause", ({ scope, params }) => subscriptionJson(this.webhooks.pause(scope, params.id, "API")), {
        api: "write",
        params: Id,
        detail: op({ summary: "Pause deliveries (events are not queued while paused)", tags, ok: { ...one, example: { ...subscriptionExample, status: "paused", pausedReason: "manual", pausedAt: at } } }),
      })
      .post("/webhooks/:id/resume", ({ scope, params }) => subscriptionJson(this.webhooks.resume(scope, params.id, "API")), {
        api: "write",
        params: Id,
        detail: op({ summary: "Resume; deliveries that waited go now, with a fresh day of retries", tags, ok: one }),
      })
      .post("/webhooks/:id/test", ({ scope, params }) => this.webhooks.test(scope, params.id), {
        api: "write",
        params: Id,
        detail: op({
          summary: "Send a `webhook.test` event now and answer with the receiver's status and latency",
          tags,
          ok: { schema: TestResult, example: { ok: true, statusCode: 200, latencyMs: 84, error: null, deliveryId: deliveryExample.id } },
        }),
      })
      .get(
        "/webhooks/:id/deliveries",
        ({ scope, params, query }) => {
          const limit = limitOf(query);
          const p = toSlice(this.webhooks.deliveryList(scope, params.id, query.cursor ?? 0, limit + 1), limit);
          return { data: p.data.map(deliveryJson), next: p.next };
        },
        { api: "read", params: Id, query: IdPage, detail: op({ summary: "Deliveries of a subscription, newest first", tags, ok: { schema: listOf(Delivery), example: list(deliveryExample) } }) },
      )
      .get(
        "/webhooks/:id/attempts",
        ({ scope, params, query }) => {
          const limit = limitOf(query);
          const p = toSlice(this.webhooks.attempts(scope, params.id, query.cursor ?? 0, limit + 1), limit);
          return { data: p.data.map(attemptJson), next: p.next };
        },
        {
          api: "read",
          params: Id,
          query: IdPage,
          detail: op({ summary: "The delivery log: every request made (status code, latency, attempt), newest first", tags, ok: { schema: listOf(Attempt), example: list(attemptExample) } }),
        },
      )
      .post(
        "/webhooks/:id/deliveries/:deliveryId/redeliver",
        ({ scope, params }) => deliveryJson(this.webhooks.redeliver(scope, params.id, params.deliveryId)),
        {
          api: "write",
          params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }), deliveryId: t.String({ pattern: "^[0-9a-f]{32}$" }) }),
          detail: op({ summary: "Send a delivery again (same id and body) with a fresh day of retries", tags, ok: { schema: Delivery, example: { ...deliveryExample, state: "pending", attempts: 0 } } }),
        },
      );
  }
}
