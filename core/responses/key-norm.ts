/**
 * A key as it is matched: "¡PAGOS!", " pagos " and "Pagós" are all "pagos".
 * Lower case, no accents, no punctuation or symbols, single spaces, trimmed.
 * The same function reads a customer's whole message for AUTOMÁTICO.
 */
export function normalizeKey(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}
