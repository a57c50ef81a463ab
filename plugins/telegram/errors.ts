import type { SendErrorCode, SendResult } from "../sdk/index.ts";
import type { ApiError } from "./bot-api.ts";

type SendFailure = Extract<SendResult, { ok: false }>;

/** "Telegram error 403: Forbidden: bot was blocked by the user", or the network's words. */
export function describe(e: ApiError): string {
  return e.httpStatus === 0 ? e.description : `Telegram error ${e.code}: ${e.description}`;
}

/**
 * The token is wrong or revoked: Telegram answers 401 Unauthorized for a token it
 * does not know, and 404 Not Found for one whose shape it cannot even route.
 */
export function isTokenError(e: ApiError): boolean {
  return e.httpStatus === 401 || e.httpStatus === 404 || e.code === 401 || e.code === 404;
}

/** Gateway answers: the request may have been acted on behind the proxy. 503 means it was turned away. */
const MAYBE_HANDLED = new Set([500, 502, 504]);

/**
 * One Bot API failure of a send, as the outbox should treat it. Telegram's
 * error_code mirrors the HTTP status and its description says the rest.
 * https://core.telegram.org/bots/api#making-requests
 * https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
export function mapSendError(e: ApiError): SendFailure {
  const reason = describe(e);
  const permanent = (code: SendErrorCode | string): SendFailure => ({ ok: false, retryable: false, reason, code });
  const retry = (code: SendErrorCode | string | null, maybeSent: boolean): SendFailure => {
    const out: SendFailure = { ok: false, retryable: true, reason };
    if (code) out.code = code;
    if (e.retryAfterMs) out.retryAfterMs = e.retryAfterMs;
    if (maybeSent) out.maybeSent = true;
    return out;
  };

  if (e.httpStatus === 0) return retry("unavailable", e.maybeArrived);
  // Accepted, but the answer (and with it the message id) was lost on the way back.
  if (e.httpStatus >= 200 && e.httpStatus < 300) return retry("unavailable", true);
  if (e.code === 429 || e.httpStatus === 429) return retry("rate_limited", false);
  if (isTokenError(e)) return permanent("token_expired");
  // "bot was blocked by the user", "user is deactivated", "bot can't initiate conversation with a user".
  if (e.code === 403) return permanent("undeliverable");
  if (e.code === 400 && /chat not found|user not found|PEER_ID_INVALID|have no rights to send/i.test(e.description)) return permanent("undeliverable");
  if (e.code === 400) return permanent("invalid");
  if (e.httpStatus >= 500) return retry("unavailable", MAYBE_HANDLED.has(e.httpStatus) || e.maybeArrived);
  return permanent(`http_${e.httpStatus}`);
}
