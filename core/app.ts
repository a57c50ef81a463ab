import { Elysia } from "elysia";
import type { DependencyContainer } from "tsyringe";
import { ApiRoutes } from "./api/api-routes.ts";
import { ConversationApi } from "./api/conversation-api.ts";
import { ChannelApi } from "./api/channel-api.ts";
import { openapiRoutes } from "./api/openapi.tsx";
import { TokenRoutes } from "./api/token-routes.tsx";
import type { AuthService } from "./auth/auth-service.ts";
import { AuthRoutes } from "./auth/auth-routes.tsx";
import { AccountRoutes } from "./users/account-routes.tsx";
import { ChannelRoutes } from "./channels/channel-routes.tsx";
import { AppError } from "./errors.ts";
import { assetRoutes } from "./http/assets.ts";
import { bodyParser } from "./http/body-parser.ts";
import { ownPolicy, PANEL_CSP } from "./http/security-headers.ts";
import { CSRF_COOKIE, SESSION_COOKIE, readCookie } from "./http/cookies.ts";
import { csrfViolation } from "./http/csrf.ts";
import { errorHandler } from "./http/error-handler.tsx";
import type { Renderer } from "./http/render.ts";
import type { Logger } from "./logger.ts";
import { QueueRoutes } from "./queues/queue-routes.tsx";
import { healthRoutes } from "./system/health.ts";
import { cspReportRoutes } from "./http/csp-report.ts";
import type { SystemRepository } from "./system/system-repository.ts";
import { CompanyRoutes } from "./tenancy/company-routes.tsx";
import { T } from "./tokens.ts";
import { UserRoutes } from "./users/user-routes.tsx";
import { InboxRoutes } from "./conversations/inbox-routes.tsx";
import { InboxActionRoutes } from "./conversations/inbox-action-routes.tsx";
import { MediaRoutes } from "./media/media-routes.ts";
import { WebhookRoutes } from "./channels/webhook-routes.ts";
import { OutboundWebhookRoutes } from "./outbound-webhooks/outbound-webhook-routes.tsx";
import { WebhookApi } from "./api/webhook-api.ts";
import { ContactRoutes } from "./contacts/contact-routes.tsx";
import { ContactPanelRoutes } from "./contacts/contact-panel-routes.tsx";
import { ImportRoutes } from "./contacts/import-routes.tsx";
import { TagRoutes } from "./contacts/tag-routes.tsx";
import { FieldRoutes } from "./contacts/field-routes.tsx";
import { ContactApi } from "./api/contact-api.ts";
import { TemplateApi } from "./api/template-api.ts";
import { ResponseApi } from "./api/response-api.ts";
import { AiApi } from "./api/ai-api.ts";
import { ResponseRoutes } from "./responses/response-routes.tsx";
import { AiRoutes } from "./ai/ai-routes.tsx";
import { SettingsRoutes } from "./system/settings-routes.tsx";

import { BotApi } from "./api/bot-api.ts";
import { BillingApi } from "./api/billing-api.ts";
import { ReportApi } from "./api/report-api.ts";
import { RechargeRoutes } from "./billing/recharge-routes.tsx";
import { DashboardRoutes } from "./reports/dashboard-routes.tsx";
import { BotRoutes } from "./bot/bot-routes.tsx";
import { httpObserver } from "./observability/http-observer.ts";
import type { Metrics } from "./observability/metrics.ts";
import { MetricsRoutes } from "./observability/metrics-routes.ts";
import { SystemRoutes } from "./observability/system-routes.tsx";
import { auditHook } from "./audit/audit-hook.ts";
import type { AuditTrail } from "./audit/audit-trail.ts";
import { AuditRoutes } from "./audit/audit-routes.tsx";
import { AuditApi } from "./api/audit-api.ts";
import type { Config } from "./config.ts";
import { BackupRoutes } from "./backups/backup-routes.tsx";
/**
 * Builds the HTTP app from a container. No listen(): tests call app.handle().
 * Typed loosely on purpose: nothing reads the routes' types from the app, and the
 * inferred type of the whole chain is past the compiler's instantiation depth.
 */
export function buildApp(c: DependencyContainer): Elysia<any, any, any, any, any, any, any> {
  const routes = <R extends { routes(): Elysia<any, any, any, any, any, any, any> }>(cls: new (...a: never[]) => R) =>
    c.resolve(cls as unknown as new () => R).routes();

  const renderer = c.resolve<Renderer>(T.Renderer);
  const webhooks = c.resolve(WebhookRoutes);
  // Provider webhooks go straight to a Bun route when the app listens (Elysia passes
  // `serve.routes` to Bun.serve): the hottest path skips the framework's per-request
  // work; WebhookRoutes observes those requests itself as httpObserver would.
  return new Elysia({ serve: { routes: webhooks.rawRoutes() } })
    // First: request id, access log and counters around everything below (errors included).
    .use(httpObserver(c.resolve<Metrics>(T.Metrics), c.resolve<Logger>(T.Logger), c.resolve<Config>(T.Config).trustProxy))
    .use(auditHook(c.resolve<AuditTrail>(T.AuditTrail)))
    .use(errorHandler(renderer, c.resolve<AuthService>(T.AuthService), c.resolve<Logger>(T.Logger)))
    .use(bodyParser())
    .onBeforeHandle({ as: "global" }, ({ request, body }) => {
      if (csrfViolation(request, body, readCookie(request.headers.get("cookie"), CSRF_COOKIE))) {
        throw new AppError(403, "csrf_failed", "error.csrf");
      }
    })
    .onRequest(({ set, request }) => {
      set.headers["x-content-type-options"] = "nosniff";
      set.headers["referrer-policy"] = "same-origin";
      const path = new URL(request.url).pathname;
      // The web chat page is meant to be framed by the business's site (its own CSP says by whom).
      if (!path.startsWith("/chat/")) set.headers["x-frame-options"] = "DENY";
      if (!ownPolicy(path)) set.headers["content-security-policy"] = PANEL_CSP;
    })
    .use(healthRoutes(c.resolve<SystemRepository>(T.SystemRepository)))
    .use(routes(MetricsRoutes))
    .use(cspReportRoutes(c.resolve<Logger>(T.Logger)))
    .use(assetRoutes())
    .use(routes(AuthRoutes))
    .use(routes(AccountRoutes))
    .use(routes(CompanyRoutes))
    .use(routes(BackupRoutes))
    .use(routes(SettingsRoutes))
    .use(routes(QueueRoutes))
    .use(routes(UserRoutes))
    .use(routes(ChannelRoutes))
    .use(routes(TokenRoutes))
    .use(routes(InboxRoutes))
    .use(routes(InboxActionRoutes))
    .use(routes(ImportRoutes))
    .use(routes(ContactRoutes))
    .use(routes(ContactPanelRoutes))
    .use(routes(TagRoutes))
    .use(routes(FieldRoutes))
    .use(routes(ResponseRoutes))
    .use(routes(AiRoutes))
    .use(routes(BotRoutes))
    .use(routes(RechargeRoutes))
    .use(routes(DashboardRoutes))
    .use(routes(SystemRoutes))
    .use(routes(AuditRoutes))
    .use(routes(MediaRoutes))
    .use(webhooks.routes())
    .use(routes(OutboundWebhookRoutes))
    .use(
      // The docs page speaks the signed-in user's language (else the browser's).
      openapiRoutes(new Elysia().use(routes(ApiRoutes)).use(routes(ConversationApi)).use(routes(ChannelApi)).use(routes(TemplateApi)).use(routes(ContactApi)).use(routes(ResponseApi)).use(routes(AiApi)).use(routes(BotApi)).use(routes(BillingApi)).use(routes(ReportApi)).use(routes(WebhookApi)).use(routes(AuditApi)), (request) =>
        renderer.language(request, c.resolve<AuthService>(T.AuthService).viewer(readCookie(request.headers.get("cookie"), SESSION_COOKIE))),
      ),
    );
}

export type App = ReturnType<typeof buildApp>;
