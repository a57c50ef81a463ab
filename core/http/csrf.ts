import { constantTimeEqual } from "../crypto/tokens.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Bearer-token API, provider webhooks and browsers' CSP reports are not cookie-authenticated, so CSRF does not apply. */
const EXEMPT_PREFIXES = ["/api/", "/webhooks/", "/csp-report"];

/**
 * Double-submit CSRF check for every state-changing panel request: the token in
 * the HttpOnly `charla_csrf` cookie must come back in the `_csrf` form field or
 * the `X-CSRF-Token` header (htmx). A cross-site page can neither read the cookie
 * nor set it, and SameSite=Lax keeps it off cross-site POSTs anyway. A foreign
 * Origin header is refused outright.
 */
export function csrfViolation(request: Request, body: unknown, cookieToken: string | undefined): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const url = new URL(request.url);
  if (EXEMPT_PREFIXES.some((p) => url.pathname.startsWith(p))) return false;
  const origin = request.headers.get("origin");
  if (origin && origin !== "null" && origin !== url.origin && !sameHost(origin, request)) return true;
  const sent =
    request.headers.get("x-csrf-token") ??
    (body && typeof body === "object" && "_csrf" in body ? String((body as Record<string, unknown>)._csrf) : "");
  return !cookieToken || !sent || !constantTimeEqual(sent, cookieToken);
}

/** Behind a reverse proxy the request URL may say http://internal:3000; compare with Host. */
function sameHost(origin: string, request: Request): boolean {
  try {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}
