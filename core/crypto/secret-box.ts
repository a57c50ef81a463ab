import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";

/**
 * Encrypts small secrets (channel tokens, app secrets) at rest with AES-256-GCM.
 * The key is derived from the master secret with HKDF under a fixed label, so the
 * same master secret can safely feed other purposes later. Output:
 * `v1.<iv>.<ciphertext>.<tag>` in base64url; the purpose is bound as AAD, so a
 * value sealed for one field cannot be replayed into another.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = Buffer.from(hkdfSync("sha256", masterSecret, "charla", "secret-box/v1", 32));
  }

  seal(plaintext: string, purpose = ""): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  open(sealed: string, purpose = ""): string {
    const [version, iv, body, tag] = sealed.split(".");
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
      throw new Error("secret-box: not a sealed value");
    }
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }

  /** For showing a stored secret back to an admin: never more than its last 4 characters. */
  static mask(plaintext: string): string {
    return plaintext.length <= 8 ? "••••" : `••••${plaintext.slice(-4)}`;
  }
}
