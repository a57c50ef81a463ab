/**
 * Money in integer minor units of a currency (ISO 4217 digits: COP has 2, so
 * $230.000 is 23 000 000). Forms and the CLI take the major unit; JSON carries minor.
 */
const digitsOf = new Map<string, number>();

export function fractionDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    // Only real ISO codes reach here in practice (validated on input); the map stays tiny.
    if (digitsOf.size < 300) digitsOf.set(currency, digits);
  }
  return digits;
}

/** "230000", "230.000" (es) or "230,000.50": the major unit typed by a person, as minor units; null when it is not an amount. */
export function parseMajor(text: string, currency: string): number | null {
  const digits = fractionDigits(currency);
  let s = text.trim().replace(/[$\s]/g, "");
  if (!s) return null;
  // A decimal part is the last separator followed by 1..digits digits; other separators group thousands.
  const m = /^(\d{1,3}(?:[.,]\d{3})*|\d+)(?:([.,])(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const whole = m[1]!.replace(/[.,]/g, "");
  let frac = m[3] ?? "";
  // "230.000" is thousands, not 230 and three decimals; "1,5" is one and a half.
  if (frac.length > digits) return null;
  frac = frac.padEnd(digits, "0");
  s = `${whole}${frac}`;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Minor units as the major unit with its decimals, for CSV ("230000.00"): what a spreadsheet sums. */
export function majorText(minor: number, currency: string): string {
  const digits = fractionDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** As people there write it: $230.000 in Colombia (no decimals when there are none). */
export function formatMoney(minor: number, currency: string, locale = "es-CO"): string {
  const digits = fractionDigits(currency);
  const major = minor / 10 ** digits;
  const whole = Number.isInteger(major);
  const f = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol", minimumFractionDigits: whole ? 0 : digits, maximumFractionDigits: digits });
  return f.format(major).replace(/\s/g, "");
}
