/** Count, median and 90th percentile of durations, in whole seconds (null when there are none). */
export interface TimeStat {
  count: number;
  median: number | null;
  p90: number | null;
}

/**
 * The median is the middle value (the mean of the two middle ones for an even
 * count); p90 is the nearest-rank percentile: the smallest value with at least
 * 90 % of the values at or below it. Both the usual definitions in help-desk reports.
 */
export function timeStat(ms: number[]): TimeStat {
  if (ms.length === 0) return { count: 0, median: null, p90: null };
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const p90 = s[Math.ceil(0.9 * s.length) - 1]!;
  return { count: s.length, median: Math.round(median / 1000), p90: Math.round(p90 / 1000) };
}
