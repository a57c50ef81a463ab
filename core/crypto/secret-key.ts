import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The master secret: CHARLA_SECRET when set, else DATA_DIR/secret.key, generated
 * (32 random bytes, mode 0600) on first start. Losing the file makes stored
 * channel secrets unreadable, which is why backups must copy it too.
 */
export function resolveMasterSecret(configured: string, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, "secret.key");
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value.length >= 32) return value;
    throw new Error(`${file} is shorter than 32 characters; restore it from a backup or set CHARLA_SECRET`);
  }
  mkdirSync(dataDir, { recursive: true });
  const value = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  writeFileSync(file, value + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}
