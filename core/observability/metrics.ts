/**
 * The process's counters, kept in memory and bumped on the hot paths (a Map
 * lookup and an add: no I/O, no allocation once a label set exists). Gauges
 * (queue depths, database size, backup age, stream clients) are not kept here:
 * core/observability/system-status.ts reads them when someone scrapes.
 * Counters start at zero with each process, as Prometheus expects.
 */

/** Seconds; the webhook path answers in about a millisecond, a slow disk in tens. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface HistogramSnapshot {
  labels: Record<string, string>;
  /** Cumulative counts per upper bound of LATENCY_BUCKETS (the +Inf bucket is `count`). */
  buckets: number[];
  sum: number;
  count: number;
}

/** Counts by a small, fixed set of label values (kept in a string key). */
class LabelledCounter {
  private readonly values = new Map<string, number>();
  constructor(private readonly names: readonly string[]) {}

  inc(values: readonly string[], by = 1): void {
    const key = values.join("\u0000");
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  samples(): Sample[] {
    return [...this.values].map(([key, value]) => {
      const parts = key.split("\u0000");
      return { labels: Object.fromEntries(this.names.map((n, i) => [n, parts[i] ?? ""])), value };
    });
  }

}

class Histogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    // Stored per bucket (not cumulative) so an observation touches one slot.
    const i = LATENCY_BUCKETS.findIndex((b) => seconds <= b);
    if (i >= 0) this.counts[i]!++;
  }

  snapshot(labels: Record<string, string> = {}): HistogramSnapshot {
    let running = 0;
    return { labels, buckets: this.counts.map((c) => (running += c)), sum: this.sum, count: this.count };
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export class Metrics {
  private readonly http = new LabelledCounter(["method", "route", "status"]);
  private readonly webhooks = new LabelledCounter(["status"]);
  private readonly webhookLatency = new Histogram();
  private readonly sends = new LabelledCounter(["outcome", "code"]);
  private readonly bots = new LabelledCounter(["event"]);
  private readonly ai = new LabelledCounter(["kind", "outcome"]);
  private readonly aiTokens = new LabelledCounter(["type"]);
  readonly startedAt = Date.now();
  /** Requests whose handler has not answered yet (shutdown waits for them; SSE streams answer at once). */
  inFlight = 0;

  /**
   * `route` is the matched pattern ("/admin/queues/:id"), never the raw path, so
   * the number of series stays the number of routes whatever URLs callers invent.
   */
  httpRequest(method: string, route: string | undefined, status: number): void {
    this.http.inc([METHODS.has(method) ? method : "OTHER", route ?? "unmatched", String(status)]);
  }

  /** One provider callback (POST or GET /webhooks/:channelId) answered with `status` after `seconds`. */
  webhookHandled(status: number, seconds: number): void {
    this.webhooks.inc([String(status)]);
    this.webhookLatency.observe(seconds);
  }

  /**
   * A send attempt's fate: "sent", "retry" (scheduled again) or "failed" (for
   * good), with the plugin's error class ("" when it gave none).
   */
  sendSettled(outcome: "sent" | "retry" | "failed", code: string | null | undefined): void {
    this.sends.inc([outcome, code ?? ""]);
  }

  /** A bot program started on a conversation, or its session ended (with how). */
  botRun(event: "started" | "finished" | "handoff" | "timeout" | string): void {
    this.bots.inc([event]);
  }

  aiCall(kind: string, outcome: string, promptTokens: number, completionTokens: number): void {
    this.ai.inc([kind, outcome]);
    if (promptTokens > 0) this.aiTokens.inc(["prompt"], promptTokens);
    if (completionTokens > 0) this.aiTokens.inc(["completion"], completionTokens);
  }

  snapshot() {
    return {
      http: this.http.samples(),
      webhooks: this.webhooks.samples(),
      webhookLatency: this.webhookLatency.snapshot(),
      sends: this.sends.samples(),
      bots: this.bots.samples(),
      ai: this.ai.samples(),
      aiTokens: this.aiTokens.samples(),
    };
  }
}

export type MetricsSnapshot = ReturnType<Metrics["snapshot"]>;
