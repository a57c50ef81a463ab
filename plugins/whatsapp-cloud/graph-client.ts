import type { PluginContext } from "../../core/channels/contract.ts";
import { requestMayHaveArrived } from "../meta-common/network.ts";

/**
 * Meta's error envelope, flattened:
 * `{"error":{"message","type","code","error_subcode","error_data":{"details"},"is_transient","fbtrace_id"}}`.
 * https://developers.facebook.com/docs/graph-api/guides/error-handling
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
export interface GraphError {
  /** Meta's code (130429, 190...); null when no envelope came back (network, proxy page). */
  code: number | null;
  subcode: number | null;
  message: string;
  /** `error_data.details`: WhatsApp's longer explanation, when given. */
  details: string | null;
  /** Meta's own hint that retrying the same call may work. */
  transient: boolean;
  /** HTTP status; 0 when no answer arrived at all. */
  httpStatus: number;
  /** No answer, but the request may have arrived (timeout, connection cut after sending). */
  maybeDelivered?: boolean;
  fbtraceId: string | null;
}

export type GraphResult<T> = { ok: true; data: T } | { ok: false; error: GraphError };

export interface GraphClientOptions {
  fetch: PluginContext["fetch"];
  /** e.g. https://graph.facebook.com (no trailing slash). */
  base: string;
  /** e.g. v24.0 */
  version: string;
  token: string;
  timeoutMs?: number;
  /** Sees every outcome (null = success), so the channel can report an expired token or recovery. */
  observe?: (error: GraphError | null) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Media goes up to 100 MB (documents): give transfers more time than JSON calls. */
const TRANSFER_TIMEOUT_MS = 180_000;

/**
 * The only place that talks HTTP to the Graph API. Always a Bearer header (never
 * `access_token` in the query: URLs end up in logs). Branching on the outcome is
 * left to the callers, which look at Meta's `code`, not the HTTP status.
 */
export class GraphClient {
  constructor(private readonly opts: GraphClientOptions) {}

  /** `{base}/{version}/{path}`; each path segment is encoded. */
  url(path: string, query?: Record<string, string>): URL {
    const segments = path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
    const url = new URL(`${this.opts.base}/${this.opts.version}/${segments}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  get<T>(path: string | URL, query?: Record<string, string>): Promise<GraphResult<T>> {
    const url = path instanceof URL ? path : this.url(path, query);
    return this.call<T>(url, { method: "GET" });
  }

  postJson<T>(path: string, body: unknown): Promise<GraphResult<T>> {
    return this.call<T>(this.url(path), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  /** Multipart POST (media upload); fetch sets the boundary itself. */
  postForm<T>(path: string, form: FormData): Promise<GraphResult<T>> {
    return this.call<T>(this.url(path), { method: "POST", body: form }, TRANSFER_TIMEOUT_MS);
  }

  /**
   * GET a URL Graph handed out (a media file's 5-minute `url`) with the same Bearer
   * header, as Meta requires: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#download-media
   */
  async download(url: string): Promise<{ ok: true; blob: Blob; contentType: string | null } | { ok: false; error: GraphError }> {
    const res = await this.fetch(url, { method: "GET" }, TRANSFER_TIMEOUT_MS);
    if ("error" in res) return this.done(res);
    if (!res.response.ok) return this.done({ error: await errorFrom(res.response) });
    const blob = await res.response.blob();
    await this.opts.observe?.(null);
    return { ok: true, blob, contentType: res.response.headers.get("content-type") };
  }

  private async call<T>(url: URL, init: RequestInit, timeoutMs?: number): Promise<GraphResult<T>> {
    const res = await this.fetch(url.href, init, timeoutMs);
    if ("error" in res) return this.done(res);
    const response = res.response;
    if (!response.ok) return this.done({ error: await errorFrom(response) });
    const text = await response.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return this.done({ error: plainError(`The Graph API answered HTTP ${response.status} with a body that is not JSON`, response.status) });
    }
    // A body that carries an error envelope is a failure whatever the status says.
    const envelope = readEnvelope(data, response.status);
    if (envelope) return this.done({ error: envelope });
    await this.opts.observe?.(null);
    return { ok: true, data: data as T };
  }

  private async fetch(url: string, init: RequestInit, timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS): Promise<{ response: Response } | { error: GraphError }> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.opts.token}`);
    try {
      const response = await this.opts.fetch(url, {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { response };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      // No answer. Refused or unresolvable: nothing left. A timeout or a cut connection:
      // Meta may have taken the message; the core waits for its status before resending.
      return { error: { ...plainError(`Could not reach the Graph API: ${reason}`, 0), transient: true, maybeDelivered: requestMayHaveArrived(e) } };
    }
  }

  private async done(failure: { error: GraphError }): Promise<{ ok: false; error: GraphError }> {
    await this.opts.observe?.(failure.error);
    return { ok: false, error: failure.error };
  }
}

async function errorFrom(response: Response): Promise<GraphError> {
  const text = await response.text().catch(() => "");
  let data: unknown = null;
  try {
    data = JSON.parse(text);
  } catch {
    // A proxy's HTML page or an empty body: only the status is known.
  }
  return readEnvelope(data, response.status) ?? plainError(`The Graph API answered HTTP ${response.status}`, response.status);
}

function readEnvelope(data: unknown, httpStatus: number): GraphError | null {
  const e = (data as { error?: unknown } | null)?.error;
  if (!e || typeof e !== "object") return null;
  const err = e as Record<string, unknown>;
  const errorData = (err.error_data ?? {}) as Record<string, unknown>;
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : null);
  const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
  return {
    code: num(err.code),
    subcode: num(err.error_subcode),
    message: str(err.message) ?? str(err.error_user_msg) ?? str(err.title) ?? `The Graph API answered HTTP ${httpStatus}`,
    details: str(errorData.details),
    transient: err.is_transient === true,
    httpStatus,
    fbtraceId: str(err.fbtrace_id),
  };
}

function plainError(message: string, httpStatus: number): GraphError {
  return { code: null, subcode: null, message, details: null, transient: false, httpStatus, fbtraceId: null };
}
