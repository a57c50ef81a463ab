import type { PluginLogger } from "../../core/channels/contract.ts";
import { requestMayHaveArrived } from "../meta-common/network.ts";

/** A Graph API failure, as far as Meta (or the network) told us. */
export interface GraphError {
  /** HTTP status; 0 when no answer came (network error, timeout). */
  httpStatus: number;
  /** Meta's `error.code` (branch on it, not on the HTTP status). */
  code: number | null;
  subcode: number | null;
  message: string;
  isTransient: boolean;
  /** No answer, but the request may have arrived (timeout, connection cut after sending). */
  maybeDelivered?: boolean;
  fbtraceId?: string;
  /** From a Retry-After header, when Meta sent one. */
  retryAfterMs?: number;
}

export type GraphResult<T> = { ok: true; data: T } | { ok: false; error: GraphError };

/** Told about every answer, so token trouble and recovery reach the channel's health. */
export interface GraphObserver {
  succeeded(): Promise<void>;
  failed(error: GraphError): Promise<void>;
}

export interface GraphClientOptions {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** e.g. https://graph.facebook.com (no trailing slash). */
  base: string;
  /** e.g. v24.0 */
  version: string;
  /** Page access token, sent as `access_token` like Meta's Messenger docs do. */
  token: string;
  logger: PluginLogger;
  observer?: GraphObserver;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The few Graph API calls Messenger needs. Never throws: every failure comes back
 * as a GraphError. The access token never appears in logs or error messages.
 */
export class GraphClient {
  constructor(private readonly opts: GraphClientOptions) {}

  get<T>(path: string, query: Record<string, string> = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GraphResult<T>> {
    return this.request<T>("GET", path, query, undefined, timeoutMs);
  }

  post<T>(path: string, body: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GraphResult<T>> {
    return this.request<T>("POST", path, {}, body, timeoutMs);
  }

  /** The URL of a Graph path with query and token, e.g. `me/messages`. */
  url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.opts.base}/${this.opts.version}/${path.replace(/^\/+/, "")}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    url.searchParams.set("access_token", this.opts.token);
    return url;
  }

  private async request<T>(method: "GET" | "POST", path: string, query: Record<string, string>, body: unknown, timeoutMs: number): Promise<GraphResult<T>> {
    let res: Response;
    try {
      res = await this.opts.fetch(this.url(path, query), {
        method,
        headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      const error: GraphError = {
        httpStatus: 0,
        code: null,
        subcode: null,
        message: timedOut ? `No answer from the Graph API within ${timeoutMs / 1000} s` : `Could not reach the Graph API: ${e instanceof Error ? e.message : String(e)}`,
        isTransient: true,
        maybeDelivered: requestMayHaveArrived(e),
      };
      this.opts.logger.warn("messenger: Graph API request failed", { method, path, error: error.message });
      return { ok: false, error };
    }

    const text = await res.text().catch(() => "");
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    const err = isObject(data) && isObject(data.error) ? data.error : null;
    if (res.ok && !err) {
      await this.opts.observer?.succeeded();
      return { ok: true, data: data as T };
    }

    const error: GraphError = {
      httpStatus: res.status,
      code: toInt(err?.code),
      subcode: toInt(err?.error_subcode),
      message: typeof err?.message === "string" ? err.message : `HTTP ${res.status} ${text.slice(0, 200)}`.trim(),
      isTransient: err?.is_transient === true,
    };
    if (typeof err?.fbtrace_id === "string") error.fbtraceId = err.fbtrace_id;
    const retryAfter = Number(res.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfterMs = retryAfter * 1000;
    this.opts.logger.warn("messenger: Graph API error", {
      method,
      path,
      status: res.status,
      code: error.code,
      subcode: error.subcode,
      message: error.message,
      fbtraceId: error.fbtraceId,
    });
    await this.opts.observer?.failed(error);
    return { ok: false, error };
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toInt(v: unknown): number | null {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) ? n : null;
}
