import type { SendErrorCode, SendResult } from "../../core/channels/contract.ts";
import type { GraphError } from "./graph-client.ts";

/**
 * Meta's WhatsApp error codes, grouped the way the core acts on them.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 * Branch on `code`, never on the HTTP status: most errors come back as 400.
 */

/** Throughput limit of the number (default 80 msg/s): back off briefly. 4 and 80007 are the app / WABA rate limits. */
const THROUGHPUT_LIMIT = new Set([130429, 4, 80007]);
/** Pair rate limit: too many messages to the same recipient in a short time. */
const PAIR_LIMIT = 131056;
/** 190 expired / invalidated token; 0 AuthException ("unable to authenticate the app user"). */
const TOKEN = new Set([190, 0]);
/** Meta says "try again later": 1 unknown, 2 service, 131000 something went wrong, 131016 service unavailable, 133004 server unavailable. */
const TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);

export const RATE_LIMIT_RETRY_MS = 2_000;
export const PAIR_LIMIT_RETRY_MS = 6_000;

const PERMANENT: ReadonlyMap<number, SendErrorCode> = new Map<number, SendErrorCode>([
  [131047, "outside_window"], // more than 24 h since the customer's last message: only templates
  [131026, "undeliverable"], // not a WhatsApp user, old app, or has not accepted the terms
  [368, "policy"], // account temporarily blocked for policy violations
  [131031, "policy"], // business account locked
  [131049, "policy"], // not delivered to keep a healthy ecosystem engagement
  [131050, "policy"], // the customer stopped marketing messages
  [130497, "policy"], // the business may not message users in that country
  [100, "invalid"], // invalid parameter
  [131008, "invalid"], // required parameter missing
  [131009, "invalid"], // parameter value not valid
  [131053, "invalid"], // media upload error (unsupported or corrupt file)
  [131051, "unsupported"], // unsupported message type
]);

/** The core's failure class for a Meta code, or null when Meta's code must be passed on as is. */
export function sendErrorCode(code: number | null): SendErrorCode | null {
  if (code === null) return null;
  if (THROUGHPUT_LIMIT.has(code) || code === PAIR_LIMIT) return "rate_limited";
  if (TOKEN.has(code)) return "token_expired";
  const known = PERMANENT.get(code);
  if (known) return known;
  // 132xxx are all template problems: parameters, missing, paused, disabled...
  if (code >= 132000 && code < 133000) return "template";
  return null;
}

/** The code a StatusUpdate / SendResult carries: the core's class, else Meta's code as a string. */
export function failureCode(code: number | null): SendErrorCode | string | undefined {
  return sendErrorCode(code) ?? (code === null ? undefined : String(code));
}

export function isTokenError(error: GraphError): boolean {
  return error.code !== null && TOKEN.has(error.code);
}

/** Meta's own words; the core translates by code, this is what admins see next to it. */
export function describeError(e: { message?: string | null; title?: string | null; details?: string | null }): string {
  const base = e.message || e.title || "Unknown WhatsApp error";
  return e.details && !base.includes(e.details) ? `${base}: ${e.details}` : base;
}

/**
 * A failed Graph call as the outbox needs it: retry (and when) or give up.
 * `delivers`: the call was the one that sends to the customer (an upload is not),
 * so a request that may have arrived leaves the send in doubt.
 */
export function toSendFailure(error: GraphError, delivers = true): Extract<SendResult, { ok: false }> {
  const reason = describeError(error);
  const code = error.code;
  if (code !== null && THROUGHPUT_LIMIT.has(code)) return { ok: false, retryable: true, reason, retryAfterMs: RATE_LIMIT_RETRY_MS, code: "rate_limited" };
  if (code === PAIR_LIMIT) return { ok: false, retryable: true, reason, retryAfterMs: PAIR_LIMIT_RETRY_MS, code: "rate_limited" };
  const known = sendErrorCode(code);
  if (known) return { ok: false, retryable: false, reason, code: known };
  if (error.httpStatus === 429) return { ok: false, retryable: true, reason, retryAfterMs: RATE_LIMIT_RETRY_MS, code: "rate_limited" };
  // No answer, Meta's transient codes or flag, or a server error: the outbox retries with backoff.
  if (error.httpStatus === 0 || error.httpStatus >= 500 || error.transient || (code !== null && TRANSIENT.has(code))) {
    return error.maybeDelivered && delivers ? { ok: false, retryable: true, reason, code: "unavailable", maybeSent: true } : { ok: false, retryable: true, reason, code: "unavailable" };
  }
  return { ok: false, retryable: false, reason, code: code === null ? undefined : String(code) };
}
