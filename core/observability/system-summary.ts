import { LATENCY_BUCKETS, type HistogramSnapshot, type Sample } from "./metrics.ts";
import type { SystemFigures } from "./system-status.ts";

/** The figures of /metrics folded into what a person reads on the status page. */
export interface SystemSummary {
  uptimeMs: number;
  rssBytes: number;
  heapBytes: number;
  inFlight: number;
  http: { total: number; clientErrors: number; serverErrors: number; top: { route: string; count: number }[] };
  webhooks: { total: number; refused: number; p50: number | null; p99: number | null };
  outbox: { depth: number; oldestAgeMs: number | null };
  sends: { sent: number; retries: number; failures: number; byCode: { outcome: "retry" | "failed"; code: string; count: number }[] };
  webhookQueue: number;
  sse: { inbox: number; dashboard: number };
  bots: { started: number; ended: number };
  ai: { calls: number; errors: number; tokens: number };
  storage: { databaseBytes: number; walBytes: number; backupAgeMs: number | null; replication: { enabled: boolean; lagMs: number | null } };
}

export function summarize(f: SystemFigures): SystemSummary {
  const c = f.counters;
  const sum = (samples: Sample[], keep: (s: Sample) => boolean = () => true) => samples.filter(keep).reduce((n, s) => n + s.value, 0);
  const status = (s: Sample) => Number(s.labels.status);
  const byRoute = new Map<string, number>();
  for (const s of c.http) {
    const key = `${s.labels.method} ${s.labels.route}`;
    byRoute.set(key, (byRoute.get(key) ?? 0) + s.value);
  }
  const sendsBy = (outcome: string) => sum(c.sends, (s) => s.labels.outcome === outcome);
  return {
    uptimeMs: f.at - f.startedAt,
    rssBytes: f.rssBytes,
    heapBytes: f.heapBytes,
    inFlight: f.inFlight,
    http: {
      total: sum(c.http),
      clientErrors: sum(c.http, (s) => status(s) >= 400 && status(s) < 500),
      serverErrors: sum(c.http, (s) => status(s) >= 500),
      top: [...byRoute]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 8)
        .map(([route, count]) => ({ route, count })),
    },
    webhooks: { total: sum(c.webhooks), refused: sum(c.webhooks, (s) => status(s) >= 500), p50: quantile(c.webhookLatency, 0.5), p99: quantile(c.webhookLatency, 0.99) },
    outbox: { depth: f.outbox.depth, oldestAgeMs: f.outbox.oldestAt === null ? null : Math.max(0, f.at - f.outbox.oldestAt) },
    sends: {
      sent: sendsBy("sent"),
      retries: sendsBy("retry"),
      failures: sendsBy("failed"),
      byCode: c.sends
        .filter((s) => s.labels.outcome === "retry" || s.labels.outcome === "failed")
        .map((s) => ({ outcome: s.labels.outcome as "retry" | "failed", code: s.labels.code ?? "", count: s.value }))
        .sort((a, b) => b.count - a.count),
    },
    webhookQueue: f.webhookQueue.depth,
    sse: f.sse,
    bots: { started: sum(c.bots, (s) => s.labels.event === "started"), ended: sum(c.bots, (s) => s.labels.event !== "started") },
    ai: { calls: sum(c.ai), errors: sum(c.ai, (s) => s.labels.outcome !== "ok"), tokens: sum(c.aiTokens) },
    storage: {
      databaseBytes: f.databaseBytes,
      walBytes: f.walBytes,
      backupAgeMs: f.lastBackupAt === null ? null : Math.max(0, f.at - f.lastBackupAt),
      replication: { enabled: f.replication.enabled, lagMs: f.replication.lastSyncAt === null ? null : Math.max(0, f.at - f.replication.lastSyncAt) },
    },
  };
}

/**
 * The upper bound (seconds) of the bucket holding the q-th observation: the
 * histogram's own resolution, said as "at most 5 ms". Null with no observations;
 * +Infinity when it lies past the last bucket.
 */
export function quantile(h: HistogramSnapshot, q: number): number | null {
  if (h.count === 0) return null;
  const rank = Math.ceil(q * h.count);
  const i = h.buckets.findIndex((cumulative) => cumulative >= rank);
  return i < 0 ? Infinity : LATENCY_BUCKETS[i]!;
}
