import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Scope, Viewer } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import { positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { FieldErrors } from "../../views/components/fields.tsx";
import { WebhooksPage } from "../../views/webhooks/webhooks-page.tsx";
import { WebhookPage, type TestOutcome } from "../../views/webhooks/webhook-page.tsx";
import type { WebhookFormValues } from "../../views/webhooks/webhook-form.tsx";
import type { WebhookService } from "./webhook-service.ts";

const LOG_PAGE = 50;

/** A delivery's public id (32 hex characters); anything else is a 400. */
function deliveryUid(raw: string): string {
  if (!/^[0-9a-f]{32}$/.test(raw)) throw new AppError(400, "bad_request", "error.bad_request", { detail: "not a delivery id" });
  return raw;
}

function formValues(body: unknown): WebhookFormValues {
  const raw = (body as Record<string, unknown> | null)?.events;
  const events = raw === undefined || raw === "" ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  return { url: str(body, "url"), description: str(body, "description"), events };
}

/** Admins' Webhooks pages: the list, one subscription with its log, and their actions. */
@injectable()
export class OutboundWebhookRoutes {
  constructor(
    @inject(T.WebhookService) private readonly webhooks: WebhookService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const list = (request: Request, viewer: Viewer, scope: Scope, extra: { form?: WebhookFormValues; errors?: FieldErrors } = {}) =>
      this.render.page(request, viewer, (ctx) => <WebhooksPage ctx={ctx} subscriptions={this.webhooks.list(scope)} {...extra} />, extra.errors ? 422 : 200);
    const one = (
      request: Request,
      viewer: Viewer,
      scope: Scope,
      id: number,
      extra: { secret?: string; test?: TestOutcome; form?: WebhookFormValues; errors?: FieldErrors; before?: number } = {},
      status = 200,
    ) => {
      const subscription = this.webhooks.get(scope, id);
      const attempts = this.webhooks.attempts(scope, id, extra.before ?? 0, LOG_PAGE + 1);
      const zone = this.companies.get(scope.companyId)?.timeZone ?? "UTC";
      const fmt = new Intl.DateTimeFormat(viewer.language, { dateStyle: "medium", timeStyle: "medium", timeZone: zone });
      return this.render.page(
        request,
        viewer,
        (ctx) => (
          <WebhookPage
            ctx={ctx}
            subscription={subscription}
            attempts={attempts.slice(0, LOG_PAGE)}
            olderFrom={attempts.length > LOG_PAGE ? attempts[LOG_PAGE - 1]!.id : null}
            pending={this.webhooks.pendingCount(scope, id)}
            formatTime={(ms) => (ms === null ? "—" : fmt.format(ms))}
            {...extra}
          />
        ),
        extra.errors ? 422 : status,
      );
    };
    const invalid = (e: unknown): FieldErrors | null => (e instanceof AppError && e.status === 422 ? e.fields : null);

    return new Elysia({ prefix: "/admin/webhooks" })
      .use(this.guard.plugin)
      .get("/", ({ request, viewer, scope }) => list(request, viewer, scope), { panel: "company.admin" })
      .post(
        "/",
        ({ request, viewer, scope, body }) => {
          const form = formValues(body);
          try {
            const { subscription, secret } = this.webhooks.create(scope, form, viewer.name);
            return one(request, viewer, scope, subscription.id, { secret }, 201);
          } catch (e) {
            const errors = invalid(e);
            if (errors) return list(request, viewer, scope, { form, errors });
            throw e;
          }
        },
        { panel: "company.admin" },
      )
      .get(
        "/:id",
        ({ request, viewer, scope, params, query }) => {
          const before = query.before ? positiveInt(String(query.before)) : 0;
          return one(request, viewer, scope, positiveInt(params.id), { before });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id",
        ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const form = formValues(body);
          try {
            this.webhooks.update(scope, id, form, viewer.name);
            return this.render.redirect(`/admin/webhooks/${id}`, { kind: "ok", key: "common.saved" });
          } catch (e) {
            const errors = invalid(e);
            if (errors) return one(request, viewer, scope, id, { form, errors });
            throw e;
          }
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/test",
        async ({ request, viewer, scope, params }) => {
          const id = positiveInt(params.id);
          const test = await this.webhooks.test(scope, id);
          return one(request, viewer, scope, id, { test });
        },
        { panel: "company.admin" },
      )
      .post("/:id/rotate", ({ request, viewer, scope, params }) => {
        const id = positiveInt(params.id);
        const secret = this.webhooks.rotate(scope, id, viewer.name);
        return one(request, viewer, scope, id, { secret });
      }, { panel: "company.admin" })
      .post(
        "/:id/pause",
        ({ viewer, scope, params }) => {
          const id = positiveInt(params.id);
          this.webhooks.pause(scope, id, viewer.name);
          return this.render.redirect(`/admin/webhooks/${id}`, { kind: "ok", key: "common.saved" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/resume",
        ({ viewer, scope, params }) => {
          const id = positiveInt(params.id);
          this.webhooks.resume(scope, id, viewer.name);
          return this.render.redirect(`/admin/webhooks/${id}`, { kind: "ok", key: "common.saved" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/delete",
        ({ viewer, scope, params }) => {
          this.webhooks.delete(scope, positiveInt(params.id), viewer.name);
          return this.render.redirect("/admin/webhooks", { kind: "ok", key: "common.deleted" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/deliveries/:deliveryId/redeliver",
        ({ scope, params }) => {
          const id = positiveInt(params.id);
          this.webhooks.redeliver(scope, id, deliveryUid(params.deliveryId));
          return this.render.redirect(`/admin/webhooks/${id}#webhook-log`, { kind: "ok", key: "webhook.redelivered" });
        },
        { panel: "company.admin" },
      );
  }
}
