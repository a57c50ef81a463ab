import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Config } from "../config.ts";
import { T } from "../tokens.ts";
import { prometheusText } from "./prometheus.ts";
import type { SystemStatus } from "./system-status.ts";

/**
 * `GET /metrics` for Prometheus (or anything that reads its text format), behind
 * its own bearer token rather than a session: scrapers have no cookies. Without
 * METRICS_TOKEN the route does not exist (404), so an appliance that never set
 * one exposes nothing; a wrong or missing token gets 401.
 */
@injectable()
export class MetricsRoutes {
  private readonly expected: Buffer | null;

  constructor(
    @inject(T.Config) config: Config,
    @inject(T.SystemStatus) private readonly status: SystemStatus,
  ) {
    this.expected = config.metricsToken ? Buffer.from(config.metricsToken) : null;
  }

  routes() {
    return new Elysia().get("/metrics", ({ request }) => {
      if (!this.expected) return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
      if (!this.allowed(request.headers.get("authorization"))) {
        return new Response("Unauthorized\n", { status: 401, headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' } });
      }
      return new Response(prometheusText(this.status.families()), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      });
    });
  }

  private allowed(header: string | null): boolean {
    const given = Buffer.from(/^Bearer\s+(\S+)$/.exec(header ?? "")?.[1] ?? "");
    return given.length === this.expected!.length && timingSafeEqual(given, this.expected!);
  }
}
