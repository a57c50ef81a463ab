/**
 * Running an operator simulation in phases and reporting each: what was offered
 * and carried, webhook and live latencies, the server's CPU and RSS, the agents'
 * list re-fetches, and this process's own timer lag (when the client saturates,
 * its latencies are inflated: say so rather than hide it).
 */
import { Database } from "bun:sqlite";
import { existsSync, statSync } from "node:fs";
import { type AgentStats } from "./agents.ts";
import { pct } from "./http.ts";
import { cpuSeconds, machineTicks, RssSampler, selfCpuSeconds } from "./proc-stats.ts";
import type { Operator } from "./operator.ts";
import type { Latencies, LoopLag, Webhooks } from "./traffic.ts";

export interface Snapshot {
  at: number;
  serverCpu: number;
  clientCpu: number;
  acked: number;
  failed: number;
  sends: number;
  replies: number;
  listFetches: number;
  inbound: number;
  lagIndex: number;
  listIndex: number;
  machine: { total: number; idle: number; iowait: number };
}

export interface PhaseReport {
  name: string;
  seconds: number;
  offered: number;
  inboundPerS: number;
  sendsPerS: number;
  webhooksPerS: number;
  messageP50: number;
  messageP99: number;
  statusP99: number;
  liveP50: number;
  liveP99: number;
  liveN: number;
  listPerS: number;
  listP99: number;
  serverCpuPct: number;
  clientCpuPct: number;
  rssMax: number;
  lagP99: number;
  failed: number;
  skipped: number;
  /** Whole machine (all cores, everyone's processes): idle and I/O wait shares. */
  idlePct: number;
  iowaitPct: number;
}

export class PhaseMeter {
  constructor(
    readonly op: Operator,
    readonly hooks: Webhooks,
    readonly latencies: Latencies,
    readonly stats: AgentStats,
    readonly counters: { sends: number; inbound: number },
    readonly rss: RssSampler,
    readonly lag: LoopLag,
  ) {}

  snapshot(): Snapshot {
    return {
      at: performance.now(),
      serverCpu: cpuSeconds(this.op.pid),
      clientCpu: selfCpuSeconds(),
      acked: this.hooks.acked,
      failed: this.hooks.failed,
      sends: this.counters.sends,
      replies: this.stats.replies,
      listFetches: this.stats.listFetches,
      inbound: this.counters.inbound,
      lagIndex: this.lag.lags.length,
      listIndex: this.stats.listMs.length,
      machine: machineTicks(),
    };
  }

  report(name: string, from: Snapshot, offered: number, skipped: number): PhaseReport {
    const to = this.snapshot();
    const s = (to.at - from.at) / 1000;
    // Keys are "<phase>/<kind>"; a phase "day" also takes its parts "day:burst", "day:base".
    const sel = (kind: string) => this.latencies.where((k) => {
      const [phase, what] = k.split("/");
      return what === kind && (phase === name || phase!.startsWith(`${name}:`));
    });
    const msgs = [...sel("message"), ...sel("probe")];
    const statuses = sel("status");
    const live = sel("live");
    const list = this.stats.listMs.slice(from.listIndex);
    return {
      name,
      seconds: s,
      offered,
      inboundPerS: (to.inbound - from.inbound) / s,
      sendsPerS: (to.sends - from.sends) / s,
      webhooksPerS: (to.acked - from.acked) / s,
      messageP50: pct(msgs, 50),
      messageP99: pct(msgs, 99),
      statusP99: pct(statuses, 99),
      liveP50: pct(live, 50),
      liveP99: pct(live, 99),
      liveN: live.length,
      listPerS: (to.listFetches - from.listFetches) / s,
      listP99: pct(list, 99),
      serverCpuPct: ((to.serverCpu - from.serverCpu) / s) * 100,
      clientCpuPct: ((to.clientCpu - from.clientCpu) / s) * 100,
      rssMax: this.rss.maxSince(from.at),
      lagP99: pct(this.lag.lags.slice(from.lagIndex), 99),
      failed: to.failed - from.failed,
      skipped,
      idlePct: (100 * (to.machine.idle - from.machine.idle)) / Math.max(1, to.machine.total - from.machine.total),
      iowaitPct: (100 * (to.machine.iowait - from.machine.iowait)) / Math.max(1, to.machine.total - from.machine.total),
    };
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");

export const PHASE_HEADER =
  "phase            secs  offered  in/s  out/s  hooks/s  msg p50  msg p99  status p99  live p50  live p99 (n)    lists/s  list p99  srv CPU  cli CPU  idle/iow  RSS max  cli lag p99  failed";

export function phaseLine(r: PhaseReport): string {
  return [
    r.name.padEnd(15),
    f0(r.seconds).padStart(5),
    f0(r.offered).padStart(8),
    f0(r.inboundPerS).padStart(5),
    f0(r.sendsPerS).padStart(6),
    f0(r.webhooksPerS).padStart(8),
    `${f1(r.messageP50)} ms`.padStart(8),
    `${f1(r.messageP99)} ms`.padStart(8),
    `${f1(r.statusP99)} ms`.padStart(11),
    `${f1(r.liveP50)} ms`.padStart(9),
    `${f1(r.liveP99)} ms (${r.liveN})`.padStart(15),
    f0(r.listPerS).padStart(10),
    `${f1(r.listP99)} ms`.padStart(9),
    `${f0(r.serverCpuPct)} %`.padStart(8),
    `${f0(r.clientCpuPct)} %`.padStart(8),
    `${f0(r.idlePct)}/${f0(r.iowaitPct)} %`.padStart(9),
    `${f0(r.rssMax)} MiB`.padStart(8),
    `${f1(r.lagP99)} ms`.padStart(12),
    `${r.failed}${r.skipped ? ` +${r.skipped} skipped` : ""}`.padStart(7),
  ].join(" ");
}

/** Logical database size (page_count x page_size, WAL included) and the files' size on disk, read-only. */
export function databaseBytes(path: string): { logical: number; files: number } {
  const db = new Database(path, { readonly: true });
  try {
    const pages = db.query<{ page_count: number }, []>("PRAGMA page_count").get()!.page_count;
    const size = db.query<{ page_size: number }, []>("PRAGMA page_size").get()!.page_size;
    const files = [path, `${path}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);
    return { logical: pages * size, files };
  } finally {
    db.close();
  }
}
