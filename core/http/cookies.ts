/** Cookie names and attributes in one place. */
export const SESSION_COOKIE = "charla_session";
export const CSRF_COOKIE = "charla_csrf";
export const FLASH_COOKIE = "charla_flash";
export const LANG_COOKIE = "charla_lang";

/** Every Charla cookie is HttpOnly and SameSite=Lax; Secure when PUBLIC_URL is https. */
export function serializeCookie(name: string, value: string, secure: boolean, maxAgeSeconds?: number): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    secure ? "Secure" : "",
    maxAgeSeconds !== undefined ? `Max-Age=${maxAgeSeconds}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/**
 * Reads one cookie from a raw Cookie header. A value that cannot be decoded
 * (`charla_session=%`) was not set by us: it is ignored, as if absent.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
