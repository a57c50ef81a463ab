import { createHmac, hkdfSync } from "node:crypto";
import { constantTimeEqual } from "../crypto/tokens.ts";

/**
 * Public, expiring links to stored media, for whoever must fetch a file without a
 * session: a channel provider (WhatsApp fetches media by link) or a web chat visitor.
 */
export class MediaSigner {
  private readonly key: Buffer;

  constructor(masterSecret: string, private readonly baseUrl: string) {
    this.key = Buffer.from(hkdfSync("sha256", masterSecret, "charla", "media-links/v1", 32));
  }

  url(mediaId: number, expiresAt: number): string {
    return `${this.baseUrl}/media/public/${mediaId}?exp=${expiresAt}&sig=${this.sign(mediaId, expiresAt)}`;
  }

  verify(mediaId: number, exp: string | undefined, sig: string | undefined, now: number): boolean {
    const expiresAt = Number(exp);
    if (!sig || !Number.isSafeInteger(expiresAt) || expiresAt < now) return false;
    return constantTimeEqual(sig, this.sign(mediaId, expiresAt));
  }

  private sign(mediaId: number, expiresAt: number): string {
    return createHmac("sha256", this.key).update(`${mediaId}.${expiresAt}`).digest("base64url");
  }
}
