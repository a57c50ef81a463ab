import type { Server } from "bun";
import { Elysia } from "elysia";
import { clientAddress } from "../http/client-address.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "./metrics.ts";
import { currentRequest, requestIdFrom, runInRequest, type RequestInfo } from "./request-context.ts";

/** Answered often and by machines: their lines only at debug level. */
const QUIET = /^\/(healthz|metrics|assets\/|webhooks\/)|\/stream$/;

/**
 * Wraps every request the app handles: a request id (the caller's X-Request-Id
 * when sane) set as the async context for all the request's log lines and echoed
 * in the response, the in-flight count graceful shutdown waits on, one access log
 * line, and the per-route counter of /metrics. The matched route pattern, not the
 * path, labels the counter, so made-up URLs cannot grow it.
 */
export function httpObserver(metrics: Metrics, logger: Logger, trustProxy: boolean) {
  return new Elysia({ name: "charla.observer" })
    .wrap((handle) => (request: Request, ...rest: unknown[]) => observe(metrics, logger, request, () => (handle as unknown as (...a: unknown[]) => Promise<Response>)(request, ...rest)))
    .onRequest(({ request, server, set }) => {
      const info = currentRequest();
      if (!info) return;
      set.headers["x-request-id"] = info.id;
      info.address = clientAddress(request, server, trustProxy);
    })
    .onTransform({ as: "global" }, ({ route }) => {
      const info = currentRequest();
      if (info) info.route = route;
    });
}

/**
 * The same for a raw Bun route beside Elysia (WebhookRoutes.rawRoutes), which
 * Elysia's hooks never see: its route is known up front and the id header set here.
 */
export function observeRaw(metrics: Metrics, logger: Logger, trustProxy: boolean, route: string, request: Request, server: Server<unknown> | null, handle: () => Promise<Response>): Promise<Response> {
  return observe(metrics, logger, request, async () => {
    const info = currentRequest()!;
    info.route = route;
    info.address = clientAddress(request, server, trustProxy);
    const response = await handle();
    response.headers.set("x-request-id", info.id);
    return response;
  });
}

/** Context, in-flight count, counter and access line around one request. */
function observe(metrics: Metrics, logger: Logger, request: Request, handle: () => Promise<Response>): Promise<Response> {
  const url = request.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const path = url.slice(pathStart, url.includes("?", pathStart) ? url.indexOf("?", pathStart) : undefined);
  const info: RequestInfo = {
    id: requestIdFrom(request.headers.get("x-request-id")),
    method: request.method,
    via: path.startsWith("/api/") ? "api" : "panel",
    startedAt: performance.now(),
  };
  metrics.inFlight++;
  return runInRequest(info, async () => {
    let status = 500;
    try {
      const response = await handle();
      status = response.status;
      return response;
    } finally {
      metrics.inFlight--;
      metrics.httpRequest(info.method, info.route, status);
      const ms = Math.round((performance.now() - info.startedAt) * 10) / 10;
      const line = { method: info.method, path, route: info.route, status, ms };
      if (QUIET.test(path)) logger.debug("request", line);
      else logger.info("request", line);
    }
  });
}
