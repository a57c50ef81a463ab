/** Page-numbered lists for the panel ("Página 1 de N"). */
export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

export const PANEL_PAGE_SIZE = 20;
export const API_PAGE_SIZE = 50;

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

/** Keyset pages for the API: `next` is the last id of a full page, else null. */
export interface Slice<T> {
  data: T[];
  next: number | null;
}

export function toSlice<T extends { id: number }>(rows: T[], limit: number): Slice<T> {
  return { data: rows, next: rows.length === limit ? rows[rows.length - 1]!.id : null };
}
