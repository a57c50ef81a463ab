/**
 * Upper bounds on what a caller may send, in one place. Every text field has one;
 * argon2 on a megabyte password is itself a denial of service.
 */
export const LIMITS = {
  /** Any one form field or JSON string not listed below. */
  field: 10_000,
  password: 256,
  name: 100,
  configValue: 4_000,
  /** A JSON or form body (file uploads are multipart and have their own limit). */
  bodyBytes: 1024 * 1024,
  /** A CSV of contacts to import (about 200,000 rows). */
  csvBytes: 16 * 1024 * 1024,
  /** Nesting of a JSON body: Meta's webhooks are about 8 deep, API bodies 4. */
  jsonDepth: 64,
} as const;
