import { sha256 } from "../crypto/tokens.ts";
import type { ApiCaller } from "./api-token.ts";
import type { IdempotencyOwner } from "./idempotency-repository.ts";
import { IdempotencyService } from "./idempotency-service.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotent-replayed";

/**
 * The request side of IdempotencyService, run by the guard on every POST of the
 * API (so a route added later has it without asking): before the handler, after
 * it, and when it fails.
 */
export class IdempotencyHooks {
  private readonly pending = new WeakMap<Request, IdempotencyOwner>();

  constructor(private readonly service: IdempotencyService) {}

  /** A replayed answer, or undefined to run the handler (holding the key while it runs). */
  before(request: Request, caller: ApiCaller, body: unknown): Response | undefined {
    const raw = request.headers.get(IDEMPOTENCY_HEADER);
    if (raw === null) return undefined;
    const owner = { companyId: caller.companyId, tokenId: caller.tokenId, key: IdempotencyService.checkKey(raw) };
    const start = this.service.begin(owner, fingerprint(request, body));
    if (start.kind === "replay") {
      return new Response(start.body, {
        status: start.status,
        headers: { ...(start.body === null ? {} : { "content-type": "application/json" }), [REPLAYED_HEADER]: "true" },
      });
    }
    this.pending.set(request, owner);
    return undefined;
  }

  /** Keeps a successful JSON answer; anything else frees the key. */
  after(request: Request, response: unknown, status: unknown): Promise<void> | void {
    const owner = this.pending.get(request);
    if (!owner) return;
    this.pending.delete(request);
    const code = response instanceof Response ? response.status : typeof status === "number" ? status : 200;
    if (code < 200 || code > 299) return this.service.release(owner);
    if (response instanceof Response) {
      // Only JSON is replayed (a stream or a file would have to be kept whole).
      if (!(response.headers.get("content-type") ?? "").includes("json")) return this.service.release(owner);
      return response
        .clone()
        .text()
        .then((body) => this.service.complete(owner, code, body));
    }
    this.service.complete(owner, code, response === undefined || response === null ? null : JSON.stringify(response));
  }

  /** The request ended without a stored answer (it failed): the key is free again. */
  failed(request: Request): void {
    const owner = this.pending.get(request);
    if (!owner) return;
    this.pending.delete(request);
    this.service.release(owner);
  }
}

/**
 * What "the same request" means: method, path, query and body (objects with
 * their keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` match; uploaded
 * bytes by their hash).
 */
export function fingerprint(request: Request, body: unknown): string {
  const url = new URL(request.url);
  return sha256(`${request.method} ${url.pathname}${url.search}\n${canonical(body)}`);
}

function canonical(v: unknown): string {
  if (v instanceof Uint8Array) return JSON.stringify(`sha256:${new Bun.CryptoHasher("sha256").update(v).digest("hex")}`);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}
