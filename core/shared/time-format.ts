const cache = new Map<string, (ms: number) => string>();

/** "14:05" today, "12/05 14:05" otherwise, in the company's time zone and the viewer's language. */
export function timeFormatter(lang: string, timeZone: string): (ms: number) => string {
  const key = `${lang}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    const time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone });
    const full = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone });
    const day = new Intl.DateTimeFormat("en-CA", { timeZone });
    f = (ms: number) => (day.format(ms) === day.format(Date.now()) ? time.format(ms) : full.format(ms));
    cache.set(key, f);
  }
  return f;
}

const dates = new Map<string, (ms: number) => string>();

/** "05/01/2026 14:05": a day that may be long ago, in the company's time zone and the viewer's language. */
export function dateTimeFormatter(lang: string, timeZone: string): (ms: number) => string {
  const key = `${lang}|${timeZone}`;
  let f = dates.get(key);
  if (!f) {
    const fmt = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone });
    f = (ms: number) => fmt.format(ms);
    dates.set(key, f);
  }
  return f;
}
