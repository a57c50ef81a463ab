/**
 * What a bench reads about a process from Linux /proc: resident memory (VmRSS,
 * VmHWM) and CPU time (utime + stime), plus a sampler that keeps an RSS series.
 */
import { readFileSync } from "node:fs";

/** A field of /proc/<pid>/status (kB there), in MiB. */
export function procMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  if (!m) throw new Error(`${field} not found in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux we run on

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** CPU seconds this process has used (user + system). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Samples a process's RSS every `everyMs` until stopped; min / max / last of the series. */
export class RssSampler {
  readonly samples: { at: number; mib: number }[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly pid: number, private readonly everyMs = 500) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample(): number {
    try {
      const mib = procMiB(this.pid, "VmRSS");
      this.samples.push({ at: performance.now(), mib });
      return mib;
    } catch {
      return NaN; // the process is gone
    }
  }

  /** Max RSS among samples taken since `since` (performance.now()). */
  maxSince(since = 0): number {
    return Math.max(...this.samples.filter((s) => s.at >= since).map((s) => s.mib));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Machine-wide CPU ticks from /proc/stat: all, idle, iowait (every core summed). */
export function machineTicks(): { total: number; idle: number; iowait: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  return { total: f.reduce((a, b) => a + b, 0), idle: f[3]!, iowait: f[4]! };
}
