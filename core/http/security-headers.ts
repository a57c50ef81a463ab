/**
 * The panel's Content-Security-Policy: scripts, styles and connections only from
 * Charla itself, no inline script or style, no framing (matches X-Frame-Options
 * DENY), forms post only to Charla. Violations are reported to /csp-report and
 * logged. The web chat (/chat/*) sends its own policy naming the sites allowed to
 * frame it; stored files (/media/*) are sandboxed by theirs.
 */
export const PANEL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "report-uri /csp-report",
].join("; ");

/** Paths whose responses carry a policy of their own. */
export function ownPolicy(path: string): boolean {
  return path.startsWith("/chat/") || path.startsWith("/media/");
}

/**
 * A raw Bun route's answer (see WebhookRoutes.rawRoutes) with what app.ts's
 * onRequest hook gives every Elysia answer outside /chat and /media: raw routes
 * skip Elysia, hooks and all. tests/channels/raw-webhook-route.test.ts compares both.
 */
export function secured(res: Response): Response {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "content-security-policy": PANEL_CSP,
  };
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    // Immutable headers (a Response a plugin got from fetch): the same answer, copied.
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}
