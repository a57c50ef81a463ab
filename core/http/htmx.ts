/** htmx 4 request headers; see node_modules/htmx.org/dist/skills/htmx-guidance.md. */
export function isHtmx(request: Request): boolean {
  return request.headers.get("hx-request") === "true";
}

/** A targeted swap (not a boosted full-page navigation): answer with a fragment. */
export function isPartial(request: Request): boolean {
  return isHtmx(request) && request.headers.get("hx-request-type") === "partial";
}

export function wantsJson(request: Request): boolean {
  const path = new URL(request.url).pathname;
  return path.startsWith("/api/") || path === "/healthz";
}
