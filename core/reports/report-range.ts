import { AppError } from "../errors.ts";
import { isIsoDate } from "../shared/iso-date.ts";
import { localDate, zonedInstant } from "../shared/zoned-time.ts";

/** Hoy (by hour), Semana and Mes (the last 7 and 30 days, by day), or Desde/Hasta. */
export const PRESETS = ["today", "week", "month", "custom"] as const;
export type Preset = (typeof PRESETS)[number];
export type Bucket = "hour" | "day";

/** Longest ranges a report answers: a year by day, a month by hour. */
const MAX_DAYS: Record<Bucket, number> = { day: 366, hour: 31 };

export interface ReportRange {
  preset: Preset;
  /** First and last calendar day shown, in the company's time zone (inclusive). */
  fromDate: string;
  toDate: string;
  /** The same as instants: [from, to). */
  from: number;
  to: number;
  bucket: Bucket;
  timeZone: string;
  /** Where each bucket starts, plus the range's end: n + 1 instants for n buckets. */
  edges: number[];
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function at(date: string, hour: number, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return zonedInstant(y, m, d, hour, 0, timeZone);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The range a report covers, in the company's time zone: a message at 23:30 in
 * Bogotá belongs to that day. Bad or reversed dates and over-long ranges are
 * refused with a field error (the form says which).
 */
export function reportRange(input: { preset?: string; from?: string; to?: string; bucket?: string }, now: number, timeZone: string): ReportRange {
  const today = localDate(now, timeZone);
  const custom = !!(input.from || input.to) && (input.preset === undefined || input.preset === "" || input.preset === "custom");
  const preset: Preset = custom ? "custom" : (PRESETS as readonly string[]).includes(input.preset ?? "") ? (input.preset as Preset) : "today";
  let fromDate = today;
  let toDate = today;
  if (preset === "week") fromDate = addDays(today, -6);
  if (preset === "month") fromDate = addDays(today, -29);
  if (preset === "custom") {
    fromDate = (input.from || input.to || "").trim();
    toDate = (input.to || input.from || "").trim();
    if (!isIsoDate(fromDate)) throw AppError.invalid({ from: "reports.error.date" });
    if (!isIsoDate(toDate)) throw AppError.invalid({ to: "reports.error.date" });
    if (toDate < fromDate) throw AppError.invalid({ to: "reports.error.order" });
  }
  const days = daysBetween(fromDate, toDate) + 1;
  const bucket: Bucket = input.bucket === "hour" || input.bucket === "day" ? input.bucket : days === 1 ? "hour" : "day";
  if (days > MAX_DAYS[bucket]) throw AppError.invalid({ to: bucket === "hour" ? "reports.error.too_long_hourly" : "reports.error.too_long" });
  const edges: number[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(fromDate, i);
    if (bucket === "day") edges.push(at(date, 0, timeZone));
    else for (let h = 0; h < 24; h++) edges.push(at(date, h, timeZone));
  }
  const end = at(addDays(toDate, 1), 0, timeZone);
  // A DST change makes an hour repeat or vanish: keep the edges strictly increasing.
  const strict = edges.filter((e, i) => e < end && (i === 0 || e > edges[i - 1]!));
  return { preset, fromDate, toDate, from: strict[0]!, to: end, bucket, timeZone, edges: [...strict, end] };
}

/**
 * The bucket each row falls in, walking rows sorted by their quarter-hour
 * `bucket` alongside the edges: -1 for a row outside the range.
 */
export function bucketIndexes(buckets: number[], edges: number[]): number[] {
  let i = 0;
  return buckets.map((b) => {
    while (i < edges.length - 1 && b >= edges[i + 1]!) i++;
    return i < edges.length - 1 && b >= edges[i]! ? i : -1;
  });
}
