/** 2 s, 4 s, 8 s ... capped at 10 min, with ±20 % jitter so retries don't stampede. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(2_000 * 2 ** (attempt - 1), 600_000);
  return Math.round(base * (0.8 + random() * 0.4));
}
