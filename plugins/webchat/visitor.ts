import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PluginKeyValue } from "../../core/channels/contract.ts";

const KEY_NAME = "visitor-key";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The channel's key for visitor tokens, made once and kept in the plugin's
 * key-value store so tokens stay valid across restarts.
 */
export async function loadVisitorKey(kv: PluginKeyValue): Promise<Buffer> {
  const stored = await kv.get(KEY_NAME);
  if (stored) return Buffer.from(stored, "base64url");
  const key = randomBytes(32);
  await kv.set(KEY_NAME, key.toString("base64url"));
  return key;
}

export interface VisitorIdentityOptions {
  key: Buffer;
  channelId: number;
  secure: boolean;
  /** Paths the cookie must reach: the public pages and the webhook the widget posts to. */
  paths: string[];
}

/**
 * Who a browser is on this channel. The cookie holds a 32-byte base64url token:
 * 16 random bytes followed by 16 bytes of HMAC over them with the channel's key,
 * so a token this channel never issued is refused without storing one row per
 * visitor (a crawler hitting the page costs nothing). The customer id is
 * sha256(token) in hex, first 32 characters: agents and the database see the id,
 * never the token, so the id cannot be used to impersonate the visitor.
 */
export class VisitorIdentity {
  readonly cookieName: string;

  constructor(private readonly opts: VisitorIdentityOptions) {
    this.cookieName = `charla_wc_${opts.channelId}`;
  }

  issue(): string {
    const nonce = randomBytes(16);
    return Buffer.concat([nonce, this.mac(nonce)]).toString("base64url");
  }

  isValid(token: string | null | undefined): token is string {
    if (!token || !TOKEN.test(token)) return false;
    const raw = Buffer.from(token, "base64url");
    if (raw.length !== 32) return false;
    return timingSafeEqual(raw.subarray(16), this.mac(raw.subarray(0, 16)));
  }

  /** The valid token of the request's cookie, or null (missing, malformed or not ours). */
  tokenOf(headers: Headers): string | null {
    const token = readCookie(headers.get("cookie"), this.cookieName);
    return this.isValid(token) ? token : null;
  }

  private mac(nonce: Uint8Array): Buffer {
    return createHmac("sha256", this.opts.key).update(nonce).digest().subarray(0, 16);
  }

  customerId(token: string): string {
    return createHash("sha256").update(token).digest("hex").slice(0, 32);
  }

  /**
   * One Set-Cookie per path. The page lives under /chat/<id> but the widget posts
   * to /webhooks/<id>, and no single Path narrower than "/" covers both; two
   * cookies of the same name keep the token away from the rest of the app.
   * In https deployments the cookie is SameSite=None + Partitioned (CHIPS) so the
   * chat keeps working inside the iframe on the business's own site.
   */
  setCookieHeaders(token: string): string[] {
    const site = this.opts.secure ? "SameSite=None; Secure; Partitioned" : "SameSite=Lax";
    return this.opts.paths.map((path) => `${this.cookieName}=${token}; Path=${path}; Max-Age=${YEAR_SECONDS}; HttpOnly; ${site}`);
  }
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
