import type { TProperties, TSchema } from "@sinclair/typebox";
import { t } from "elysia";
import { AppError } from "../errors.ts";
import { API_PAGE_MAX, API_PAGE_SIZE, toSlice, type Slice } from "../shared/paging.ts";

/**
 * Every list of the API pages the same way: `?limit=` (1..200, default 50) and
 * `?cursor=` = the `next` of the page before; `next` is null on the last page.
 * Cursors are keysets (an id, or the sort key and id), so a page costs the same
 * wherever it is in the list and rows added meanwhile are neither skipped nor
 * repeated (lists sorted by a changing value, like conversations by last message,
 * may show a conversation again after it moved up).
 */
export const Limit = t.Numeric({
  minimum: 1,
  maximum: API_PAGE_MAX,
  multipleOf: 1,
  description: `Items per page, 1 to ${API_PAGE_MAX} (default ${API_PAGE_SIZE})`,
  examples: [API_PAGE_SIZE],
});

/** The cursor of lists in id order: the id of the previous page's last item. */
export const IdCursor = t.Numeric({ minimum: 0, multipleOf: 1, description: "The `next` value of the previous page (absent: the first page)" });

/** A cursor made of a sort key and an id (an opaque string to clients). */
export const KeyCursor = t.String({ maxLength: 200, pattern: "^[A-Za-z0-9_-]+$", description: "The `next` value of the previous page (absent: the first page)" });

/** Query schema of a list: its own filters plus `cursor` and `limit`. */
export function pageQuery<P extends TProperties, C extends TSchema>(filters: P, cursor: C) {
  return t.Object({ ...filters, cursor: t.Optional(cursor), limit: t.Optional(Limit) });
}

/** `?cursor=&limit=` of id-ordered lists. */
export const IdPage = pageQuery({}, IdCursor);

export function limitOf(query: { limit?: number }): number {
  return query.limit ?? API_PAGE_SIZE;
}

/**
 * Composite cursors travel as base64url JSON arrays; anything else is a 422 (a
 * client that edits a cursor learns so instead of getting an odd page).
 */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor<K extends readonly ("string" | "number")[]>(raw: string | undefined, kinds: K): { [I in keyof K]: K[I] extends "number" ? number : string } | null {
  if (raw === undefined || raw === "") return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    parts = null;
  }
  const ok = Array.isArray(parts) && parts.length === kinds.length && parts.every((p, i) => (kinds[i] === "number" ? Number.isSafeInteger(p) : typeof p === "string" && p.length <= 600));
  if (!ok) throw AppError.invalid({ cursor: "apidocs.error.cursor" });
  return parts as never;
}

/** A page of rows fetched with `limit + 1` (see toSlice), mapped to JSON. */
export function pageOf<R, J, C>(rows: R[], limit: number, json: (r: R) => J, cursorOf: (last: R) => C): Slice<J, C> {
  const s = toSlice(rows, limit, cursorOf);
  return { data: s.data.map(json), next: s.next };
}
