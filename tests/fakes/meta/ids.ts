import { createHash, createHmac, randomBytes } from "node:crypto";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomAlnum(length: number): string {
  let out = "";
  for (const b of randomBytes(length)) out += ALNUM[b % ALNUM.length];
  return out;
}

/** A Graph object id: digits only, no leading zero (Meta's ids are 15-17 digits). */
export function randomGraphId(length = 16): string {
  let out = String(1 + (randomBytes(1)[0]! % 9));
  for (const b of randomBytes(length - 1)) out += String(b % 10);
  return out;
}

/** Looks like Meta's `wamid.HBgL...` message ids. */
export const newWamid = (): string => `wamid.HBgL${randomAlnum(48)}`;
/** Looks like Messenger's `m_...` message ids. */
export const newMid = (): string => `m_${randomAlnum(80)}`;
export const newFbtraceId = (): string => randomAlnum(11);

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function sha256Base64(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

export function hmacHex(algorithm: "sha1" | "sha256", secret: string, data: string | Uint8Array): string {
  return createHmac(algorithm, secret).update(data).digest("hex");
}
