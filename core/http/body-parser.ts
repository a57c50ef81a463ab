import { Elysia } from "elysia";
import { AppError } from "../errors.ts";
import { jsonTooDeep } from "./json-depth.ts";
import { LIMITS } from "./limits.ts";

/** Routes that read their raw body themselves (signatures are computed over the bytes). */
const RAW_PREFIXES = ["/webhooks/", "/chat/", "/csp-report"];
/** What raw routes and body-less requests see as `body`. */
export const NO_BODY: Readonly<Record<string, never>> = Object.freeze({});
/** Multipart uploads (a file up to 16 MB plus its fields). */
const MAX_MULTIPART_BYTES = 17 * 1024 * 1024;
const MAX_STRING = 100_000;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The one body parser, before any route sees its input. JSON is refused when too
 * big, too deep, not UTF-8, not an object, or malformed; forms are decoded strictly
 * (invalid UTF-8 is a 400, not U+FFFD stored); any other content type is a 415. A
 * refused body changes nothing: the route never runs.
 */
export function bodyParser() {
  return new Elysia({ name: "charla.body" }).onParse({ as: "global" }, async ({ request, contentType }) => {
    const path = new URL(request.url).pathname;
    if (RAW_PREFIXES.some((p) => path.startsWith(p))) return NO_BODY;
    if (!request.body) return NO_BODY;
    const api = path.startsWith("/api/");
    const type = (contentType ?? "").toLowerCase().trim();
    if (type === "multipart/form-data" && !api) return multipart(request);
    // A CSV import is bigger than any form; its bytes go as they are (the importer reads UTF-8 or Latin-1).
    if (type === "text/csv" && api) return { csv: await readLimited(request, LIMITS.csvBytes) };
    const bytes = await readLimited(request, LIMITS.bodyBytes);
    if (bytes.byteLength === 0) return NO_BODY;
    if (api && (type === "application/json" || type.endsWith("+json"))) return json(bytes);
    if (type === "application/x-www-form-urlencoded" && !api) return urlencoded(bytes);
    throw new AppError(415, "unsupported_media_type", "error.unsupported_media_type", { expected: api ? "application/json" : "application/x-www-form-urlencoded" });
  });
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw tooLarge(limit);
  return bytes;
}

function json(bytes: Uint8Array): Record<string, unknown> {
  if (jsonTooDeep(bytes, LIMITS.jsonDepth)) throw new AppError(413, "too_deep", "error.too_deep", { depth: LIMITS.jsonDepth });
  let value: unknown;
  try {
    value = JSON.parse(utf8(bytes));
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(400, "malformed_json", "error.malformed_json");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new AppError(400, "malformed_json", "error.json_object");
  checkStrings(value);
  return value as Record<string, unknown>;
}

/** Lone surrogates (`"\ud800"`) are not text; very long strings are refused before any service sees them. */
function checkStrings(value: unknown): void {
  if (typeof value === "string") {
    if (!value.isWellFormed()) throw new AppError(400, "invalid_utf8", "error.invalid_utf8");
    if (value.length > MAX_STRING) throw new AppError(413, "payload_too_large", "error.field_too_long", { max: MAX_STRING });
  } else if (Array.isArray(value)) for (const v of value) checkStrings(v);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) checkStrings(k), checkStrings(v);
}

function urlencoded(bytes: Uint8Array): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const pair of utf8(bytes).split("&")) {
    if (!pair) continue;
    const i = pair.indexOf("=");
    const key = decodeComponent(i < 0 ? pair : pair.slice(0, i));
    const value = decodeComponent(i < 0 ? "" : pair.slice(i + 1));
    add(out, key, value);
  }
  return out;
}

async function multipart(request: Request): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > MAX_MULTIPART_BYTES) throw tooLarge(MAX_MULTIPART_BYTES);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new AppError(400, "bad_request", "error.bad_request", { detail: "the form could not be read" });
  }
  const out: Record<string, unknown> = Object.create(null);
  form.forEach((value, key) => {
    // The platform decoded text fields already; a replacement character is the trace of bytes that were not UTF-8.
    if (typeof value === "string" && value.includes("\uFFFD")) throw new AppError(400, "invalid_utf8", "error.invalid_utf8");
    add(out, key, value);
  });
  return out;
}

function add<V>(out: Record<string, V | V[]>, key: string, value: V): void {
  if (key === "__proto__" || key === "constructor" || key === "prototype") return;
  if (typeof value === "string" && value.length > LIMITS.field) throw new AppError(413, "payload_too_large", "error.field_too_long", { max: LIMITS.field });
  const prev = out[key];
  out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
}

/** Percent-decoding that refuses byte sequences that are not UTF-8 (decodeURIComponent would throw a URIError). */
function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw new AppError(400, "invalid_utf8", "error.invalid_utf8");
  }
}

function utf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new AppError(400, "invalid_utf8", "error.invalid_utf8");
  }
}

function tooLarge(limit: number): AppError {
  return new AppError(413, "payload_too_large", "error.payload_too_large", { max: Math.round(limit / 1024) });
}
