/** Page-numbered lists for the panel ("Página 1 de N"). */
export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

export const PANEL_PAGE_SIZE = 20;
/** API lists: `?limit=` defaults to this many items... */
export const API_PAGE_SIZE = 50;
/** ...and never exceeds this many. */
export const API_PAGE_MAX = 200;

/**
 * A numbered page of a list. A page past the end (`?page=99` of 2) shows the last
 * one and says so ("Página 2 de 2"); an empty list is page 1 of 1.
 */
export function paged<T>(page: number, fetch: (limit: number, offset: number) => { rows: T[]; total: number }, size = PANEL_PAGE_SIZE): Page<T> {
  let p = Number.isInteger(page) && page > 0 ? page : 1;
  let { rows, total } = fetch(size, (p - 1) * size);
  const pages = Math.max(1, Math.ceil(total / size));
  if (p > pages) {
    p = pages;
    ({ rows, total } = fetch(size, (p - 1) * size));
  }
  return { items: rows, total, page: p, pages };
}

/**
 * Keyset pages for the API: `next` is the cursor after the page's last item, null
 * on the last page. Repositories are asked for `limit + 1` rows: the extra one only
 * says that there is more, so a page that ends the list never points at an empty one.
 */
export interface Slice<T, C = number> {
  data: T[];
  next: C | null;
}

export function toSlice<T extends { id: number }>(rows: T[], limit: number): Slice<T>;
export function toSlice<T, C>(rows: T[], limit: number, cursorOf: (last: T) => C): Slice<T, C>;
export function toSlice<T, C>(rows: T[], limit: number, cursorOf?: (last: T) => C): Slice<T, C | number> {
  if (rows.length <= limit) return { data: rows, next: null };
  const data = rows.slice(0, limit);
  const last = data[data.length - 1]!;
  return { data, next: cursorOf ? cursorOf(last) : (last as unknown as { id: number }).id };
}
