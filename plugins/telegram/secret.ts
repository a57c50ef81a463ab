/**
 * Whether `given` equals `expected`, in time that does not depend on where they
 * differ or on their lengths: both are hashed (SHA-256, Web Crypto) and the
 * digests compared in full. An empty expected secret matches nothing.
 */
export async function secretMatches(given: string | null, expected: string): Promise<boolean> {
  if (given === null || !expected) return false;
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(given)), crypto.subtle.digest("SHA-256", enc.encode(expected))]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** Hex SHA-256 of a string (a fingerprint that never stores what it was made from). */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
