import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. Meta signs
 * the bytes it sends, with non-ASCII escaped as \uXXXX, so the HMAC is over the raw
 * body untouched, never over re-serialised JSON, and compared in constant time.
 * https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export function validSignature(body: Uint8Array, header: string | null, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = createHmac("sha256", appSecret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, "hex"));
}
