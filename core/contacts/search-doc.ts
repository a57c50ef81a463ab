import { phoneQuery, phoneTokens } from "./phone.ts";

/**
 * The one full-text document of a contact (contacts_fts), and the queries that
 * search it. Every document starts with its company's token, and every query
 * requires it, so a search never leaves the company, inside the index itself.
 * The migration that created the index writes the same shape for old rows.
 */
export function companyToken(companyId: number): string {
  return `zzc${companyId}`;
}

export function searchDoc(c: { companyId: number; name: string; phone: string | null; email: string | null }, values: { type: string; value: string }[]): string {
  const parts = [companyToken(c.companyId), c.name, ...phoneTokens(c.phone)];
  if (c.email) parts.push(c.email);
  for (const v of values) parts.push(...(v.type === "phone" ? phoneTokens(v.value).slice(0, 1) : [v.value]));
  return parts.join(" ");
}

/**
 * FTS5 query from the search box: a number typed any way (+, spaces, dashes) is
 * one run of digits, which prefixes one of the phone's suffixes; words are quoted
 * prefix terms (no operator or quote of the user reaches FTS5 as syntax).
 */
export function contactQuery(companyId: number, q: string): string | null {
  const digits = phoneQuery(q.trim());
  const words = digits
    ? [digits]
    : q
        .normalize("NFC")
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 0)
        .slice(0, 8);
  if (words.length === 0) return null;
  return `"${companyToken(companyId)}" ${words.map((w) => `"${w}"*`).join(" ")}`;
}
