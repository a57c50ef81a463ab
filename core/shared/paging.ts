/** Page-numbered lists for the panel ("Página 1 de N"). */
export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

export const PANEL_PAGE_SIZE = 20;
export const API_PAGE_SIZE = 50;

export function pageWindow(page: number, size = PANEL_PAGE_SIZE): { limit: number; offset: number; page: number } {
  const p = Number.isInteger(page) && page > 0 ? page : 1;
  return { limit: size, offset: (p - 1) * size, page: p };
}

export function toPage<T>(items: T[], total: number, page: number, size = PANEL_PAGE_SIZE): Page<T> {
  return { items, total, page, pages: Math.max(1, Math.ceil(total / size)) };
}

/** Keyset pages for the API: `next` is the last id of a full page, else null. */
export interface Slice<T> {
  data: T[];
  next: number | null;
}

export function toSlice<T extends { id: number }>(rows: T[], limit: number): Slice<T> {
  return { data: rows, next: rows.length === limit ? rows[rows.length - 1]!.id : null };
}
