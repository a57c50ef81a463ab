import type { Server } from "bun";

/**
 * The caller's address for throttling. X-Forwarded-For is trusted only when the
 * operator says a proxy sits in front (TRUST_PROXY); otherwise anyone could
 * send a fresh fake address with every guess.
 */
export function clientAddress(request: Request, server: Server<unknown> | null | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return server?.requestIP(request)?.address ?? "unknown";
}
