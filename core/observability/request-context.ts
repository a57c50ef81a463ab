import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

/** What every log line of a request carries, and what the audit trail reads (who asked from where). */
export interface RequestInfo {
  /** The caller's X-Request-Id when it is sane, else a fresh one; echoed in the response. */
  readonly id: string;
  readonly method: string;
  /** "api" for /api/..., "panel" for everything else a browser asks. */
  readonly via: "panel" | "api";
  /** The client address (X-Forwarded-For only under TRUST_PROXY), once the server told it. */
  address?: string;
  /** The matched route pattern ("/admin/queues/:id"), once routing found one. */
  route?: string;
  readonly startedAt: number;
}

/**
 * One store per request, set around the whole handling (the HTTP observer wraps
 * Elysia's handler in `run`), so a logger deep inside a service knows which request
 * it serves without being handed it. Background loops run outside (`outsideRequest`),
 * or every later pass of a loop first kicked by a request would carry its id.
 */
const storage = new AsyncLocalStorage<RequestInfo>();

export function currentRequest(): RequestInfo | undefined {
  return storage.getStore();
}

export function runInRequest<R>(info: RequestInfo, fn: () => R): R {
  return storage.run(info, fn);
}

/** Runs `fn` (and whatever it schedules) with no request attached. */
export function outsideRequest<R>(fn: () => R): R {
  return storage.exit(fn);
}

/**
 * A proxy's or client's id is kept when it looks like one (letters, digits and
 * `-_.:` up to 128 characters: UUIDs, ULIDs, nginx's $request_id, Cloudflare ray
 * ids); anything else (control characters, JSON, a megabyte) is replaced, so logs
 * never carry what a caller injected.
 */
export function requestIdFrom(header: string | null): string {
  if (header && /^[A-Za-z0-9._:-]{1,128}$/.test(header)) return header;
  return randomBytes(12).toString("base64url");
}
