/** argon2id via Bun.password; parameters are stored inside the hash string. */
export function hashPassword(plain: string): Promise<string> {
  return Bun.password.hash(plain, { algorithm: "argon2id" });
}

export function verifyPassword(plain: string, hash: string): Promise<boolean> {
  return Bun.password.verify(plain, hash);
}

export const MIN_PASSWORD_LENGTH = 8;
/** argon2 over a megabyte is itself a denial of service: longer passwords are refused before hashing. */
export const MAX_PASSWORD_LENGTH = 256;
