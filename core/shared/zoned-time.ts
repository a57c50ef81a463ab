/** Calendar arithmetic in a company's time zone (no library: Intl has what is needed). */

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `timeZone` at `ms`: year, month, day, hour (0-23), minute, second. */
export function localParts(ms: number, timeZone: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(ms)) p[x.type] = x.value;
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second) };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The calendar day (YYYY-MM-DD) `ms` falls on in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  return dateOf(localParts(ms, timeZone));
}

/** YYYY-MM-DD of a wall clock's parts. */
export function dateOf(p: { y: number; m: number; d: number }): string {
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** The instant a wall-clock time in `timeZone` happens (DST: the first one). */
export function zonedInstant(y: number, m: number, d: number, h: number, mi: number, timeZone: string): number {
  let guess = Date.UTC(y, m - 1, d, h, mi);
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, timeZone);
    const shown = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    guess -= shown - Date.UTC(y, m - 1, d, h, mi);
  }
  return guess;
}

/** Midnight of the first day of the month `ms` falls in, in `timeZone`, and of the next month. */
export function monthRange(ms: number, timeZone: string): { from: number; to: number } {
  const p = localParts(ms, timeZone);
  const next = p.m === 12 ? { y: p.y + 1, m: 1 } : { y: p.y, m: p.m + 1 };
  return { from: zonedInstant(p.y, p.m, 1, 0, 0, timeZone), to: zonedInstant(next.y, next.m, 1, 0, 0, timeZone) };
}

/**
 * "2026-07-20T10:00" as a wall clock in `timeZone` (what a datetime-local input
 * sends), or an ISO instant with its own offset ("…Z", "…-05:00"); null when neither.
 */
export function parseDateTime(s: string, timeZone: string): number | null {
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?$/.exec(s.trim());
  if (local) {
    const [, y, m, d, h, mi] = local.map(Number) as [number, number, number, number, number, number];
    if (m < 1 || m > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
    return zonedInstant(y, m, d, h, mi, timeZone);
  }
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s.trim())) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

/** An instant as ISO 8601 with the zone's offset at that moment ("2026-12-02T00:00:00-05:00"). */
export function isoInZone(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const offsetMin = Math.round((Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
