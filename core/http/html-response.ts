/** An htmx fragment or small page: HTML, never cached. */
export function html(body: JSX.Element, status = 200): Response {
  return new Response(body as string, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
