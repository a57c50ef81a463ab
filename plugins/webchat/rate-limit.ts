/**
 * Sliding-window counter kept in memory: a visitor or an address may act at most
 * `limit` times in any `windowMs`. Memory is bounded by the keys active in one
 * window; idle keys are swept once per window.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Whether one more hit fits, without recording it (to check several limits before spending any). */
  allows(key: string): boolean {
    return this.recent(key).length < this.limit;
  }

  record(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.hits.set(key, list);
  }

  clear(): void {
    this.hits.clear();
  }

  private recent(key: string): number[] {
    const now = this.now();
    this.sweep(now);
    const list = this.hits.get(key) ?? [];
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop]! <= cutoff) drop++;
    if (drop) list.splice(0, drop);
    return list;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    const cutoff = now - this.windowMs;
    for (const [key, list] of this.hits) if (!list.length || list[list.length - 1]! <= cutoff) this.hits.delete(key);
  }
}
