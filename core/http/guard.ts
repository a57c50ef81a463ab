import { Elysia } from "elysia";
import { authorize, type Permission } from "../auth/access.ts";
import type { AuthService } from "../auth/auth-service.ts";
import type { ApiTokenService } from "../api/api-token-service.ts";
import type { ApiCaller, TokenScope } from "../api/api-token.ts";
import type { IdempotencyHooks } from "../api/idempotency-hooks.ts";
import { AppError } from "../errors.ts";
import { SESSION_COOKIE, readCookie } from "./cookies.ts";
import { rememberViewer } from "./request-state.ts";

/**
 * Route-level access in one place. Panel routes declare `{ panel: "<permission>" }`,
 * API routes `{ api: "read" | "write" }`; the macro resolves the caller, checks the
 * permission table in auth/access.ts and hands the handler a `scope` whose
 * companyId every service call filters on.
 */
const callers = new WeakMap<Request, ApiCaller>();

/** The API caller the guard authenticated for this request (the audit trail's "who"). */
export function knownCaller(request: Request): ApiCaller | undefined {
  return callers.get(request);
}

export function guard(auth: AuthService, tokens: ApiTokenService, idempotency: IdempotencyHooks) {
  return new Elysia({ name: "charla.guard" }).macro({
    panel: (permission: Permission) => ({
      resolve({ request }) {
        const viewer = auth.viewer(readCookie(request.headers.get("cookie"), SESSION_COOKIE));
        rememberViewer(request, viewer);
        const { scope } = authorize(viewer, permission);
        // After an admin's reset, the user's first stop is choosing their own password.
        if (viewer!.mustChangePassword && !/^\/(account|logout)(\/|$)/.test(new URL(request.url).pathname)) {
          throw new AppError(409, "password_change_required", "account.must_change");
        }
        return { viewer: viewer!, scope: scope! };
      },
    }),
    api: (need: TokenScope) => ({
      // Authenticate in `transform`, before body validation, so an anonymous or
      // read-only caller learns 401/403 rather than details of the schema.
      transform({ request }) {
        const caller = tokens.authenticate(request.headers.get("authorization"));
        if (!caller) throw new AppError(401, "unauthenticated", "error.unauthenticated");
        if (need === "write" && caller.scope !== "write") throw new AppError(403, "insufficient_scope", "error.forbidden");
        callers.set(request, caller);
      },
      resolve({ request }) {
        const caller = callers.get(request)!;
        return { caller, scope: { companyId: caller.companyId, userId: null, role: "admin" as const } };
      },
      // Every POST of the API honours Idempotency-Key (after the body is valid; see api/idempotency-hooks.ts).
      beforeHandle({ request, body }) {
        if (request.method === "POST") return idempotency.before(request, callers.get(request)!, body);
      },
      async afterHandle({ request, response, set }) {
        await idempotency.after(request, response, set.status);
      },
      // Runs after the error mapper too (synchronously, before the answer leaves): a key still held means the request failed.
      mapResponse({ request }) {
        idempotency.failed(request);
      },
    }),
  });
}
