import { hmacHex } from "./ids.ts";

/**
 * Serializes like Meta's webhooks (and Graph responses): JSON with every non-ASCII
 * UTF-16 code unit escaped as lowercase `\uXXXX` ("ñ" -> `\u00f1`, emoji -> a
 * surrogate pair) and "/" escaped as `\/`. The result is pure ASCII.
 * "/" and non-ASCII can only occur inside JSON strings, so escaping the whole text is safe.
 */
export function metaJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("metaJson: value is not JSON-serializable");
  return json
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

/** `sha256=<hex HMAC-SHA256(appSecret, body)>`, the X-Hub-Signature-256 header value. */
export function hubSignature256(appSecret: string, body: string | Uint8Array): string {
  return `sha256=${hmacHex("sha256", appSecret, body)}`;
}

/** `sha1=<hex HMAC-SHA1(appSecret, body)>`, the legacy X-Hub-Signature header Meta still sends. */
export function hubSignature1(appSecret: string, body: string | Uint8Array): string {
  return `sha1=${hmacHex("sha1", appSecret, body)}`;
}

export interface DeliverOptions {
  /** The Meta app secret the receiver verifies with. Required unless `noSignature`. */
  appSecret?: string;
  /** Extra attempts after the first non-200 answer (default 2, i.e. up to 3 tries). */
  retries?: number;
  /** Pause between attempts (default 20 ms). */
  retryDelayMs?: number;
  /** After a 200, send the exact same bytes again this many times (true = once). Not retried. */
  duplicate?: boolean | number;
  /** Sign with a wrong secret. */
  badSignature?: boolean;
  /** Send no X-Hub-Signature(-256) headers at all. */
  noSignature?: boolean;
  /** Per-attempt timeout (default 20 000 ms, Meta's limit); a timeout counts as status 0. */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface DeliveryResponse {
  /** HTTP status, or 0 when the request failed (connection refused, timeout). */
  status: number;
  /** Response body text (or the error message when status is 0). */
  body: string;
  /** 1-based attempt number of this delivery (duplicates continue the count). */
  attempt: number;
  /** True for the extra copy sent after a 200. */
  duplicate: boolean;
}

/**
 * POSTs a webhook the way Meta does: escaped JSON (a string payload is sent
 * verbatim), signed over those exact bytes, retried on anything but 200, and
 * optionally duplicated after a 200. Returns every response in order.
 */
export async function deliverWebhook(url: string, payload: unknown, opts: DeliverOptions = {}): Promise<DeliveryResponse[]> {
  const body = typeof payload === "string" ? payload : metaJson(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "facebookexternalua",
    ...opts.headers,
  };
  if (!opts.noSignature) {
    if (opts.appSecret === undefined) throw new Error("deliver: appSecret is required unless noSignature is set");
    const secret = opts.badSignature ? `${opts.appSecret}-wrong` : opts.appSecret;
    headers["x-hub-signature"] = hubSignature1(secret, body);
    headers["x-hub-signature-256"] = hubSignature256(secret, body);
  }
  const tries = 1 + Math.max(0, opts.retries ?? 2);
  const delay = opts.retryDelayMs ?? 20;
  const duplicates = opts.duplicate === true ? 1 : typeof opts.duplicate === "number" ? opts.duplicate : 0;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const out: DeliveryResponse[] = [];

  const post = async (duplicate: boolean): Promise<DeliveryResponse> => {
    const attempt = out.length + 1;
    try {
      const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, body: await res.text(), attempt, duplicate };
    } catch (err) {
      return { status: 0, body: err instanceof Error ? err.message : String(err), attempt, duplicate };
    }
  };

  for (let i = 0; i < tries; i++) {
    if (i > 0 && delay > 0) await Bun.sleep(delay);
    const res = await post(false);
    out.push(res);
    if (res.status === 200) {
      for (let d = 0; d < duplicates; d++) {
        if (delay > 0) await Bun.sleep(delay);
        out.push(await post(true));
      }
      break;
    }
  }
  return out;
}

/** Meta's subscription check: `GET url?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..`. */
export async function verifyHandshake(
  url: string,
  verifyToken: string,
  challenge: string = String(Math.floor(Math.random() * 1e9)),
): Promise<{ status: number; body: string; challenge: string }> {
  const u = new URL(url);
  u.searchParams.set("hub.mode", "subscribe");
  u.searchParams.set("hub.verify_token", verifyToken);
  u.searchParams.set("hub.challenge", challenge);
  const res = await fetch(u, { headers: { "user-agent": "facebookplatform/1.0 (+http://developers.facebook.com)" } });
  return { status: res.status, body: await res.text(), challenge };
}
