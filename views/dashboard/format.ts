import type { Bucket } from "../../core/reports/report-range.ts";

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: string, timeZone: string, bucket: Bucket): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${bucket}`;
  let f = cache.get(key);
  if (!f) {
    const locale = lang === "en" ? "en-US" : "es-CO";
    f = new Intl.DateTimeFormat(locale, bucket === "hour" ? { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : { timeZone, day: "2-digit", month: "short" });
    cache.set(key, f);
  }
  return f;
}

/** A bucket's name as the viewer reads it: "14:00" for an hour, "02 dic" / "Dec 02" for a day. */
export function bucketLabel(ms: number, lang: string, timeZone: string, bucket: Bucket): string {
  return formatter(lang, timeZone, bucket).format(ms).replace(/\.$/, "");
}

/** A duration people read at a glance: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function percent(share: number | null, lang: string): string {
  if (share === null) return "—";
  return new Intl.NumberFormat(lang === "en" ? "en-US" : "es-CO", { style: "percent", maximumFractionDigits: 0 }).format(share);
}
