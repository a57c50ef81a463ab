import { isIP } from "node:net";

export const MAX_URL_LENGTH = 500;

export type UrlProblem = "webhook.error.url_invalid" | "webhook.error.url_private";

/**
 * A subscription's URL: http(s), no credentials in it, at most 500 characters.
 * Unless the operator allows it (WEBHOOKS_ALLOW_PRIVATE, e.g. n8n on the same
 * host), it may not name this machine or a private network by literal address or
 * "localhost": one company's admin must not make the server call into the
 * operator's network. (A public name that resolves to a private address is not
 * caught here; an operator exposing such a network should firewall egress.)
 */
export function checkTargetUrl(raw: string, allowPrivate: boolean): UrlProblem | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "webhook.error.url_invalid";
  }
  if ((u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password || raw.length > MAX_URL_LENGTH || !u.hostname) return "webhook.error.url_invalid";
  if (allowPrivate) return null;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return "webhook.error.url_private";
  return isIP(host) && isPrivateAddress(host) ? "webhook.error.url_private" : null;
}

function isPrivateAddress(ip: string): boolean {
  if (ip.includes(":")) {
    const v4 = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (v4) return isPrivateAddress(v4[1]!);
    return ip === "::" || ip === "::1" || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip);
  }
  const [a, b] = ip.split(".").map(Number) as [number, number];
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}
