import { createHash, timingSafeEqual } from "node:crypto";
import type { InboundResult } from "../../core/channels/contract.ts";

/**
 * Meta's webhook verification request: `GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`.
 * True only for `subscribe` with the channel's own (non-empty) verify token: an empty
 * token never verifies, so a channel without one cannot be subscribed by anybody.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export function subscriptionVerified(url: URL, verifyToken: string): boolean {
  const q = url.searchParams;
  return q.get("hub.mode") === "subscribe" && !!verifyToken && sameSecret(q.get("hub.verify_token") ?? "", verifyToken);
}

/** Meta expects the challenge echoed back, exactly and alone, with 200. */
export function challengeResponse(challenge: string): InboundResult {
  return { type: "challenge", response: new Response(challenge, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } }) };
}

/** Constant-time equality for strings of any length: hashing first evens the lengths without revealing the secret's. */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
