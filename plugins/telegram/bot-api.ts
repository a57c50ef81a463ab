import type { PluginContext, PluginLogger } from "../sdk/index.ts";

/** A Bot API failure, as far as Telegram (or the network) told us. */
export interface ApiError {
  /** HTTP status; 0 when no answer came (network error, timeout). */
  httpStatus: number;
  /** Telegram's `error_code` (it mirrors the HTTP status); the HTTP status when the body had none. */
  code: number;
  /** Telegram's `description` ("Forbidden: bot was blocked by the user"), or what went wrong on the way. */
  description: string;
  /** From `parameters.retry_after` (seconds) on a 429. */
  retryAfterMs?: number;
  /** No usable answer, but the request may have reached Telegram (timeout, connection cut after sending). */
  maybeArrived: boolean;
}

export type ApiResult<T> = { ok: true; result: T } | { ok: false; error: ApiError };

/** Told about every answer, so token trouble and its end reach the channel's health. */
export interface ApiObserver {
  succeeded(): Promise<void>;
  failed(error: ApiError): Promise<void>;
}

export interface BotApiOptions {
  fetch: PluginContext["fetch"];
  /** e.g. https://api.telegram.org (no trailing slash). */
  base: string;
  token: string;
  logger: PluginLogger;
  observer?: ApiObserver;
}

export interface Upload {
  /** The multipart field the method takes the file in: "photo", "document", "audio", "video", "voice". */
  field: string;
  blob: Blob;
  filename: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The Bot API calls the plugin makes: `POST <base>/bot<token>/<method>` with a JSON
 * body, or multipart when a file goes up. Never throws: every failure comes back as
 * an ApiError. The token is part of every URL, so no URL is ever logged and the
 * token is cut out of every message that could carry it.
 * https://core.telegram.org/bots/api#making-requests
 */
export class BotApi {
  constructor(private readonly opts: BotApiOptions) {}

  call<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ApiResult<T>> {
    return this.request<T>(method, { headers: { "content-type": "application/json" }, body: JSON.stringify(params) }, timeoutMs);
  }

  /** A method that takes a file: plain fields as strings (nested values JSON-encoded, as the Bot API wants them in multipart). */
  upload<T>(method: string, params: Record<string, unknown>, file: Upload, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ApiResult<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null) continue;
      form.append(k, typeof v === "string" ? v : JSON.stringify(v));
    }
    form.append(file.field, file.blob, file.filename);
    return this.request<T>(method, { body: form }, timeoutMs);
  }

  /** Downloads `<base>/file/bot<token>/<file_path>` (a path getFile gave). */
  async download(filePath: string, timeoutMs: number): Promise<ApiResult<Response>> {
    const path = filePath.split("/").map(encodeURIComponent).join("/");
    const own = AbortSignal.timeout(timeoutMs);
    try {
      const res = await this.opts.fetch(`${this.opts.base}/file/bot${this.opts.token}/${path}`, { signal: own });
      if (res.ok) return { ok: true, result: res };
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, error: { httpStatus: res.status, code: res.status, description: `the file server answered HTTP ${res.status}`, maybeArrived: false } };
    } catch (e) {
      return { ok: false, error: this.networkError(e, own.aborted ? timeoutMs : null) };
    }
  }

  /** A message with the token cut out, for logs and reasons shown to people. */
  redact(message: string): string {
    return this.opts.token ? message.split(this.opts.token).join("<token>") : message;
  }

  private async request<T>(method: string, init: { headers?: Record<string, string>; body: BodyInit }, timeoutMs: number): Promise<ApiResult<T>> {
    let res: Response;
    const own = AbortSignal.timeout(timeoutMs);
    try {
      res = await this.opts.fetch(`${this.opts.base}/bot${this.opts.token}/${method}`, { method: "POST", ...init, signal: own });
    } catch (e) {
      const error = this.networkError(e, own.aborted ? timeoutMs : null);
      this.opts.logger.warn("telegram: Bot API request failed", { method, error: error.description });
      await this.opts.observer?.failed(error);
      return { ok: false, error };
    }

    let text = "";
    try {
      text = await res.text();
    } catch (e) {
      // The answer was cut mid-body: Telegram got the request and may have acted on it.
      const error: ApiError = { httpStatus: res.status, code: res.status, description: `the answer was cut off: ${this.describeThrown(e)}`, maybeArrived: true };
      this.opts.logger.warn("telegram: Bot API answer cut off", { method, status: res.status });
      await this.opts.observer?.failed(error);
      return { ok: false, error };
    }
    const data = parseJson(text);
    if (res.ok && data?.ok === true) {
      await this.opts.observer?.succeeded();
      return { ok: true, result: data.result as T };
    }
    if (res.ok && data === null) {
      // A 2xx whose body is not Telegram's JSON (cut off by a proxy?): the method ran, its answer is lost.
      const error: ApiError = { httpStatus: res.status, code: res.status, description: `Telegram's answer could not be read (HTTP ${res.status}, ${text.length} bytes of no JSON)`, maybeArrived: true };
      this.opts.logger.warn("telegram: Bot API answer unreadable", { method, status: res.status });
      await this.opts.observer?.failed(error);
      return { ok: false, error };
    }
    const parameters = isObject(data?.parameters) ? data.parameters : {};
    const retryAfter = Number(parameters.retry_after);
    const error: ApiError = {
      httpStatus: res.status,
      code: Number.isInteger(data?.error_code) ? (data!.error_code as number) : res.status,
      description: this.redact(typeof data?.description === "string" ? data.description : `HTTP ${res.status} ${text.slice(0, 200)}`.trim()),
      maybeArrived: false,
    };
    if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfterMs = retryAfter * 1000;
    this.opts.logger.warn("telegram: Bot API error", { method, status: res.status, code: error.code, description: error.description });
    await this.opts.observer?.failed(error);
    return { ok: false, error };
  }

  /** `ownTimeoutMs`: our own timeout fired (else the request was cut by someone else, or failed). */
  private networkError(e: unknown, ownTimeoutMs: number | null): ApiError {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    const waited = ownTimeoutMs !== null ? ` within ${ownTimeoutMs / 1000} s` : "";
    return {
      httpStatus: 0,
      code: 0,
      description: timedOut ? `No answer from Telegram${waited} (timed out)` : `Could not reach Telegram: ${this.describeThrown(e)}`,
      maybeArrived: timedOut || requestMayHaveArrived(e),
    };
  }

  private describeThrown(e: unknown): string {
    return this.redact(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Whether a failed fetch may still have delivered its request. Only errors raised
 * before anything is written (refused connection, unresolvable host) prove it never
 * arrived; a timeout or a connection cut mid-way leaves the send in doubt.
 */
export function requestMayHaveArrived(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return !(code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "FailedToOpenSocket" || code === "ConnectionRefused");
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}
