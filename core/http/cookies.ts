/** Cookie names and attributes in one place. */
export const SESSION_COOKIE = "charla_session";
export const CSRF_COOKIE = "charla_csrf";
export const FLASH_COOKIE = "charla_flash";
export const LANG_COOKIE = "charla_lang";

export function cookieAttributes(secure: boolean, maxAgeSeconds?: number) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure,
    path: "/",
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** Reads one cookie from a raw Cookie header (for places without Elysia's cookie jar). */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
