import { Elysia } from "elysia";
import { AppError } from "../errors.ts";
import type { AuthService } from "../auth/auth-service.ts";
import type { Logger } from "../logger.ts";
import { translator } from "../i18n/index.ts";
import { ErrorBox, ErrorPage } from "../../views/pages/error.tsx";
import { SESSION_COOKIE, readCookie } from "./cookies.ts";
import { isPartial, wantsJson } from "./htmx.ts";
import type { Renderer } from "./render.ts";
import { knownViewer } from "./request-state.ts";

/**
 * The one error mapper: JSON `{"error":{"code","message"}}` for the API, an htmx
 * fragment for targeted htmx swaps, a full HTML page for browsers. Unauthenticated
 * browsers are sent to the login page instead.
 */
export function errorHandler(renderer: Renderer, auth: AuthService, logger: Logger) {
  return new Elysia({ name: "charla.errors" }).onError({ as: "global" }, ({ error, code, request }) => {
    const appError = toAppError(error, code);
    if (appError.status >= 500) logger.error("request failed", { path: new URL(request.url).pathname, error });
    const remembered = knownViewer(request);
    const viewer = remembered !== undefined ? remembered : auth.viewer(readCookie(request.headers.get("cookie"), SESSION_COOKIE));
    const t = translator(renderer.language(request, viewer));
    const message = t.plain(appError.key, appError.params);
    const details = Object.values(appError.fields).map((k) => t.fieldPlain(k));

    if (wantsJson(request)) {
      const body: Record<string, unknown> = { code: appError.code, message };
      if (Object.keys(appError.fields).length) {
        body.fields = Object.fromEntries(Object.entries(appError.fields).map(([k, v]) => [k, t.fieldPlain(v)]));
      }
      return Response.json({ error: body }, { status: appError.status });
    }
    if (appError.status === 401) {
      const login = loginUrl(request);
      // fetch() follows a 303 silently, so htmx gets its own full-page redirect header.
      if (request.headers.get("hx-request") === "true") return new Response(null, { status: 204, headers: { "hx-redirect": login } });
      return new Response(null, { status: 303, headers: { location: login } });
    }
    if (appError.status === 409 && appError.code === "company_required") {
      return renderer.redirect("/admin/companies", { kind: "error", key: "error.company_required" });
    }
    if (appError.code === "password_change_required") {
      if (request.headers.get("hx-request") === "true") return new Response(null, { status: 204, headers: { "hx-redirect": "/account?must=1" } });
      return renderer.redirect("/account?must=1");
    }
    if (isPartial(request)) {
      return new Response(ErrorBox({ status: appError.status, message, details, homeLabel: t("error.go_home") }) as string, {
        status: appError.status,
        headers: { "content-type": "text/html; charset=utf-8", "hx-retarget": "#flash", "hx-reswap": "innerHTML" },
      });
    }
    return renderer.page(request, viewer, (ctx) => <ErrorPage ctx={ctx} status={appError.status} message={message} details={details} />, appError.status);
  });
}

/**
 * Where sign-in sends the user back: the page they were on, never the URL of a
 * fragment or of the POST that failed (a form post or an htmx request names its
 * page in HX-Current-URL or Referer). `expired` tells the login page to explain.
 */
function loginUrl(request: Request): string {
  const url = new URL(request.url);
  const fragment = request.headers.get("hx-request") === "true" && request.headers.get("hx-request-type") === "partial";
  let back = url.pathname + url.search;
  if (request.method !== "GET" || fragment) {
    back = "/";
    for (const raw of [request.headers.get("hx-current-url"), request.headers.get("referer")]) {
      try {
        const page = raw ? new URL(raw) : null;
        if (page && page.host === url.host) {
          back = page.pathname + page.search;
          break;
        }
      } catch {
        // Not a URL: ignore it.
      }
    }
  }
  const hadSession = !!readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  return `/login?next=${encodeURIComponent(back)}${hadSession ? "&expired=1" : ""}`;
}

function toAppError(error: unknown, code: string | number): AppError {
  if (error instanceof AppError) return error;
  switch (code) {
    case "NOT_FOUND":
      return AppError.notFound();
    case "VALIDATION":
      return new AppError(422, "validation_failed", "error.bad_request", { detail: validationDetail(error) });
    case "PARSE": {
      // The body parser's own refusals (415, 413, 400...) arrive wrapped by Elysia.
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof AppError) return cause;
      return new AppError(400, "bad_request", "error.bad_request", { detail: "the body could not be parsed" });
    }
    case "INVALID_COOKIE_SIGNATURE":
      return AppError.unauthenticated();
    default:
      return new AppError(500, "internal", "error.internal");
  }
}

function validationDetail(error: unknown): string {
  const e = error as { all?: { path?: string; summary?: string; message?: string }[]; message?: string };
  const first = e.all?.[0];
  if (first) return `${first.path ? `${first.path.replace(/^\//, "")}: ` : ""}${first.summary ?? first.message ?? "invalid"}`;
  return "invalid input";
}
