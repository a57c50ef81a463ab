import type { Server } from "bun";
import type { Logger } from "../logger.ts";

/** How long a page waits before reconnecting its live stream (hx-sse adds ±30% jitter and backs off if the server is not back yet). */
export const RECONNECT_MS = 3_000;
/** After the last handler answered, how long responses may take to finish writing before connections are closed. */
const SETTLE_MS = 500;

interface Streams {
  closeAll(retryMs: number): void;
}

/**
 * The HTTP half of a graceful stop: the listening socket closes at once (new
 * connections are refused, so a load balancer or the provider's retry goes
 * elsewhere or later), live streams end telling their pages to reconnect,
 * requests being handled finish, then the remaining connections (idle
 * keep-alives, web chat visitors' streams, which reconnect by themselves) are
 * closed. Returns how many requests were still running at `deadline` and cut off.
 */
export async function drainHttp(server: Server<unknown>, o: { streams: Streams[]; inFlight: () => number; deadline: number; logger: Logger }): Promise<number> {
  const listening = server.stop(false);
  for (const s of o.streams) s.closeAll(RECONNECT_MS);
  while (o.inFlight() > 0 && Date.now() < o.deadline) await Bun.sleep(10);
  const cut = o.inFlight();
  const settleUntil = Math.min(o.deadline, Date.now() + SETTLE_MS);
  while (server.pendingRequests > 0 && Date.now() < settleUntil) await Bun.sleep(10);
  if (cut) o.logger.warn("requests still running when the shutdown grace ended were cut off", { count: cut });
  await server.stop(true);
  await Promise.race([listening, Bun.sleep(100)]);
  return cut;
}
