import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `X-Charla-Signature: sha256=<hex>`: HMAC-SHA256 of the raw request body under the
 * subscription's secret. A receiver recomputes it over the bytes it received
 * (before any JSON parsing) and compares in constant time — `verifySignature` is
 * that recipe, used by the tests exactly as the README documents it.
 */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function verifySignature(secret: string, rawBody: string | Uint8Array, header: string | null): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(rawBody).digest("hex"));
  const given = Buffer.from(header.slice(7));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
