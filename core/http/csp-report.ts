import { Elysia } from "elysia";
import type { Logger } from "../logger.ts";

const MAX_REPORT_BYTES = 16 * 1024;
/** Reports logged per minute at most: a page stuck in a loop must not flood the log. */
const PER_MINUTE = 30;

/** Browsers post CSP violations here (report-uri): logged, so a broken page shows up in the operator's logs. */
export function cspReportRoutes(logger: Logger) {
  let windowStart = 0;
  let count = 0;
  return new Elysia().post("/csp-report", async ({ request }) => {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_REPORT_BYTES * 4) return new Response(null, { status: 413 });
    const text = (await request.text().catch(() => "")).slice(0, MAX_REPORT_BYTES);
    const now = Date.now();
    if (now - windowStart > 60_000) [windowStart, count] = [now, 0];
    if (++count <= PER_MINUTE) {
      let report: unknown = text;
      try {
        report = (JSON.parse(text) as { "csp-report"?: unknown })["csp-report"] ?? JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      logger.warn("content security policy violation", { report });
    }
    return new Response(null, { status: 204 });
  });
}
