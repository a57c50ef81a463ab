import { statSync } from "node:fs";
import { inject, injectable } from "tsyringe";
import type { BackupService } from "../backups/backup-service.ts";
import type { ReplicationSupervisor } from "../backups/replication-supervisor.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { InboxHub } from "../events/inbox-hub.tsx";
import type { DashboardHub } from "../reports/dashboard-hub.ts";
import { T } from "../tokens.ts";
import type { Backlog, BacklogRepository } from "./backlog-repository.ts";
import type { Metrics, MetricsSnapshot } from "./metrics.ts";
import type { Family } from "./prometheus.ts";

/** Everything /metrics and the "Estado del sistema" page show, read at one moment. */
export interface SystemFigures {
  at: number;
  startedAt: number;
  rssBytes: number;
  heapBytes: number;
  databaseBytes: number;
  walBytes: number;
  outbox: Backlog;
  webhookQueue: Backlog;
  sse: { inbox: number; dashboard: number };
  inFlight: number;
  /** The newest backup's time (null: none yet), and the replica's last write (null: none, or replication off). */
  lastBackupAt: number | null;
  replication: { enabled: boolean; state: string; lastSyncAt: number | null };
  counters: MetricsSnapshot;
}

/**
 * Gauges computed when someone looks (a scrape every 15 s costs two COUNTs, two
 * stats and a directory listing), next to the in-memory counters.
 */
@injectable()
export class SystemStatus {
  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Metrics) private readonly metrics: Metrics,
    @inject(T.BacklogRepository) private readonly backlog: BacklogRepository,
    @inject(T.InboxHub) private readonly inbox: InboxHub,
    @inject(T.DashboardHub) private readonly dashboard: DashboardHub,
    @inject(T.BackupService) private readonly backups: BackupService,
    @inject(T.ReplicationSupervisor) private readonly replication: ReplicationSupervisor,
  ) {}

  figures(): SystemFigures {
    const memory = process.memoryUsage();
    const replication = this.replication.status();
    return {
      at: this.clock.now(),
      startedAt: this.metrics.startedAt,
      rssBytes: memory.rss,
      heapBytes: memory.heapUsed,
      databaseBytes: sizeOf(this.config.databasePath),
      walBytes: sizeOf(`${this.config.databasePath}-wal`),
      outbox: this.backlog.outbox(),
      webhookQueue: this.backlog.webhookDeliveries(),
      sse: { inbox: this.inbox.clientCount(), dashboard: this.dashboard.clientCount() },
      inFlight: this.metrics.inFlight,
      lastBackupAt: this.backups.status().last?.takenAt ?? null,
      replication: { enabled: this.replication.enabled, state: replication.state, lastSyncAt: replication.lastSyncAt },
      counters: this.metrics.snapshot(),
    };
  }

  /** The same figures as Prometheus families (names in the charla_ namespace, base units). */
  families(f: SystemFigures = this.figures()): Family[] {
    const c = f.counters;
    const age = (at: number | null) => (at === null ? Infinity : Math.max(0, (f.at - at) / 1000));
    const gauge = (name: string, help: string, value: number, labels: Record<string, string> = {}): Family => ({ name, help, type: "gauge", samples: [{ labels, value }] });
    return [
      { name: "charla_http_requests_total", help: "HTTP requests answered, by method, route pattern and status.", type: "counter", samples: c.http },
      gauge("charla_http_requests_in_flight", "Requests whose handler has not answered yet.", f.inFlight),
      { name: "charla_webhook_requests_total", help: "Provider webhook callbacks answered, by HTTP status (200: stored or ignored).", type: "counter", samples: c.webhooks },
      { name: "charla_webhook_duration_seconds", help: "Time to answer a provider webhook (verify, parse, commit).", type: "histogram", histograms: [c.webhookLatency] },
      gauge("charla_outbox_depth", "Replies waiting to be sent (queued, retrying or in flight).", f.outbox.depth),
      gauge("charla_outbox_oldest_age_seconds", "Age of the oldest reply waiting to be sent (0 when none).", f.outbox.oldestAt === null ? 0 : age(f.outbox.oldestAt)),
      { name: "charla_send_attempts_total", help: "Send attempts settled, by outcome (sent, retry, failed) and the plugin's error class.", type: "counter", samples: c.sends },
      gauge("charla_webhook_queue_depth", "Outbound webhook deliveries still to go.", f.webhookQueue.depth),
      { name: "charla_sse_clients", help: "Open live streams, by kind.", type: "gauge", samples: [{ labels: { stream: "inbox" }, value: f.sse.inbox }, { labels: { stream: "dashboard" }, value: f.sse.dashboard }] },
      { name: "charla_bot_runs_total", help: "Bot program sessions, by event (started, and how they ended).", type: "counter", samples: c.bots },
      { name: "charla_ai_calls_total", help: "Calls to the AI provider, by kind and outcome.", type: "counter", samples: c.ai },
      { name: "charla_ai_tokens_total", help: "AI tokens used, by type (prompt, completion).", type: "counter", samples: c.aiTokens },
      gauge("charla_backup_age_seconds", "Seconds since the newest backup began (+Inf: no backup yet).", age(f.lastBackupAt)),
      gauge("charla_replication_lag_seconds", "Seconds since Litestream last wrote to the replica (+Inf: never; NaN: replication off).", f.replication.enabled ? age(f.replication.lastSyncAt) : NaN),
      gauge("charla_database_size_bytes", "Size of the database file.", f.databaseBytes),
      gauge("charla_database_wal_size_bytes", "Size of its write-ahead log.", f.walBytes),
      gauge("charla_process_resident_memory_bytes", "Resident memory of the process.", f.rssBytes),
      gauge("charla_process_start_time_seconds", "When the process started (Unix time).", f.startedAt / 1000),
    ];
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
