#!/usr/bin/env bun
/**
 * Soak: 24 hours of an operator's day compressed into a few minutes, watching the
 * server's memory for growth (the aim: flat). The same operator as bench/capacity.ts,
 * smaller (20 companies by default): customers on the day's profile (bursts at 10x
 * the average), agents in shifts (morning 7-15, afternoon 13-21, night 21-7: each
 * shift signs in, goes *Conectado*, opens the inbox and at its end goes
 * *Desconectado* and closes the tab), bots, the AI, Meta's status webhooks with
 * billing, a few failed sign-ins and Idempotency-Key API posts every sample.
 * The server runs with bench/lib/heap-probe.ts preloaded: every sample forces a
 * full GC and reads the heap (size, objects per type) besides VmRSS.
 * Baseline: after a warm-up and a quiet pause with the night shift on; end: after
 * the day(s) and the same quiet pause. Growth = end - baseline; object types that
 * grew are listed as leak suspects (per-conversation maps, SSE connection sets,
 * caches show up as Map / Set / closures / their own class names).
 * Prints figures; asserts nothing.
 *   bun bench/soak.ts [--minutes 5] [--days 1] [--companies 20] [--rate 2] [--sample-seconds 10]
 */
import { join } from "node:path";
import { newAgentStats, type AgentBehaviour } from "./lib/agents.ts";
import type { HeapSample } from "./lib/heap-probe.ts";
import { pct } from "./lib/http.ts";
import { ensureManyConnections } from "./lib/many-connections.ts";
import { DEFAULT_SPEC, Operator } from "./lib/operator.ts";
import { procMiB } from "./lib/proc-stats.ts";
import { freePort, removeAllTempDirs, ROOT, sleep } from "./lib/server-process.ts";
import { staffOperator } from "./lib/staff.ts";
import { Customers, dayProfile, Latencies, openLoop, Probes, statusesFor, Webhooks } from "./lib/traffic.ts";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const MINUTES = opt("--minutes", 5);
const DAYS = opt("--days", 1);
const COMPANIES = opt("--companies", 20);
const RATE = opt("--rate", 2);
const SAMPLE_S = opt("--sample-seconds", 10);
const WARMUP_S = 20;
const QUIET_S = 15;

type Shift = "morning" | "afternoon" | "night";
const SHIFT_HOURS: Record<Shift, [number, number]> = { morning: [7, 15], afternoon: [13, 21], night: [21, 7] };
const onShift = (s: Shift, h: number) => {
  const [a, b] = SHIFT_HOURS[s];
  return a < b ? h >= a && h < b : h >= a || h < b;
};
const shiftOf = (i: number): Shift => (i % 10 < 5 ? "morning" : i % 10 < 9 ? "afternoon" : "night");

const MiB = (b: number) => b / 2 ** 20;

async function main(): Promise<void> {
  const t0 = performance.now();
  const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
  const probePort = freePort();
  const op = await Operator.start(
    {
      ...DEFAULT_SPEC,
      companies: COMPANIES,
      probeCompanies: Math.min(5, COMPANIES),
      mode: { name: "source+heap-probe", cmd: [process.execPath, "--preload", join(import.meta.dir, "lib", "heap-probe.ts"), join(ROOT, "core", "main.ts"), "serve"] },
      serverEnv: { HEAP_PROBE_PORT: String(probePort) },
    },
    log,
  );
  try {
    const heap = async (): Promise<HeapSample> => (await (await fetch(`http://127.0.0.1:${probePort}/`)).json()) as HeapSample;
    const latencies = new Latencies();
    const hooks = new Webhooks(latencies);
    const counters = { sends: 0, billable: 0 };
    op.onSend = statusesFor(hooks, counters);
    const stats = newAgentStats();
    const behaviour: AgentBehaviour = { thinkMs: [1000, 4000], closeShare: 0.35, keepOpen: new Set(), refresh: true };
    const probes = new Probes(hooks, latencies);
    const shiftOfAgent = new Map<string, Shift>();
    for (const c of op.companies) c.seeded.agents.forEach((a, i) => shiftOfAgent.set(a.username, shiftOf(i)));
    const staff = await staffOperator(op, stats, behaviour, probes, (_c, i) => onShift(shiftOf(i), 0));
    const watchers = new Set(staff.watchers);
    const workers = staff.agents.filter((a) => !watchers.has(a));
    log(`${workers.length} agents in three shifts (${workers.filter((a) => a.online).length} on the night shift now), ${staff.watchers.length} watchers; server pid ${op.pid} with the heap probe`);

    // Shifts: sign in / Conectado / inbox at the start, Desconectado and tab closed at the end.
    let shiftChanges = 0;
    const applyShifts = async (hour: number) => {
      await Promise.all(workers.map(async (a) => {
        const want = onShift(shiftOfAgent.get(a.username)!, hour);
        if (want === a.online) return;
        shiftChanges++;
        a.online = want; // claimed now so the next tick does not start the same change again
        try {
          if (want) {
            a.restart();
            await a.signIn();
            await a.setOnline(true);
            await a.navigate(null);
          } else {
            await a.setOnline(false);
            a.stop();
          }
        } catch {
          stats.errors++;
        }
      }));
    };

    const customers = new Customers(op);
    const fire = () => {
      const { ch, payload } = customers.next();
      void hooks.post(ch, payload, "message");
    };
    let failedLogins = 0;
    let idempotent = 0;
    /** Background churn each sample: wrong passwords (the sign-in limiter's maps), keyed API posts (the idempotency store). */
    const churn = async () => {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${op.base}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `username=nadie${Math.floor(Math.random() * 1e6)}&password=mala` });
        await res.arrayBuffer();
        failedLogins++;
      }
      const c = op.companies[Math.floor(Math.random() * op.companies.length)]!;
      const key = crypto.randomUUID();
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${op.base}/api/v1/contacts`, {
          method: "POST",
          headers: { authorization: `Bearer ${c.seeded.token}`, "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify({ name: `Importado ${key.slice(0, 8)}` }),
        });
        await res.arrayBuffer();
        idempotent++;
      }
      // The fakes keep every request: forget them, so this process stays small.
      op.meta.clear();
      op.openai.requests.length = 0;
    };

    const rows: { label: string; hour: number; rss: number; h: HeapSample; online: number }[] = [];
    const sample = async (label: string, hour: number) => {
      const h = await heap();
      const rss = procMiB(op.pid, "VmRSS");
      const online = workers.filter((a) => a.online).length;
      rows.push({ label, hour, rss, h, online });
      log(`${label.padEnd(9)} hour ${hour.toFixed(1).padStart(4)}  RSS ${rss.toFixed(1).padStart(6)} MiB  heap ${MiB(h.heapSize).toFixed(1).padStart(6)} MiB  objects ${String(h.objectCount).padStart(8)}  extra ${MiB(h.extraMemorySize).toFixed(1).padStart(5)} MiB  agents online ${String(online).padStart(4)}  webhooks ${hooks.acked}`);
      return rows.at(-1)!;
    };

    // Warm-up (every path runs once), then quiet: the baseline.
    hooks.phase = "warmup";
    await openLoop(WARMUP_S * 1000, () => RATE, fire, () => hooks.inFlight);
    await churn();
    await sleep(QUIET_S * 1000);
    const baseline = await sample("baseline", 0);

    const profile = dayProfile(10);
    const dayMs = (MINUTES * 60_000) / DAYS;
    const hourAt = (ms: number) => ((ms % dayMs) / dayMs) * 24;
    const started = performance.now();
    const shiftTimer = setInterval(() => void applyShifts(hourAt(performance.now() - started)), 250);
    const probeTimer = setInterval(() => {
      probes.fire();
      probes.expire();
    }, 1000);
    const sampler = setInterval(() => {
      void churn().then(() => sample("sample", hourAt(performance.now() - started)));
    }, SAMPLE_S * 1000);
    hooks.phase = "soak";
    await openLoop(MINUTES * 60_000, (ms) => RATE * profile.at(hourAt(ms)), fire, () => hooks.inFlight);
    clearInterval(sampler);
    clearInterval(probeTimer);
    // The day is over: back to the baseline's staffing (the night shift), then the same quiet pause.
    clearInterval(shiftTimer);
    await applyShifts(0);
    await sleep(QUIET_S * 1000);
    const end = await sample("end", 24);

    // Linear fit of the heap over the soak's samples: MiB per simulated day.
    const during = rows.filter((r) => r.label === "sample");
    const slope = (ys: number[]) => {
      const n = ys.length;
      if (n < 3) return NaN;
      const xs = ys.map((_, i) => i);
      const mx = xs.reduce((a, b) => a + b, 0) / n;
      const my = ys.reduce((a, b) => a + b, 0) / n;
      const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
      const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
      return (num / den) * (n / DAYS);
    };
    const live = latencies.where((k) => k.endsWith("/live"));
    const msgs = latencies.where((k) => k.startsWith("soak/message"));
    console.log("");
    console.log(`soak: ${DAYS} day(s) of 24 h in ${MINUTES} min (Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs, server bun core/main.ts serve + heap probe), ${op.companies.length} companies, ${workers.length} agents in shifts, average ${RATE} customer messages/s, bursts at 10x:`);
    console.log(`  traffic: ${customers.messages} customer messages, ${counters.sends} sends (${counters.billable} billable), ${hooks.acked} webhooks acked, ${hooks.failed} failed; ${stats.replies} agent replies, ${stats.closes} finalized, ${stats.streamsOpened} streams opened, ${shiftChanges} shift changes, ${failedLogins} failed sign-ins, ${idempotent} keyed API posts; webhook p99 ${pct(msgs, 99).toFixed(1)} ms, live p99 ${pct(live, 99).toFixed(1)} ms (${live.length} probes, ${probes.lost} lost); agent errors ${stats.errors}${stats.lastError ? ` (last: ${stats.lastError})` : ""}`);
    console.log(`  heap after full GC: baseline ${MiB(baseline.h.heapSize).toFixed(1)} MiB -> end ${MiB(end.h.heapSize).toFixed(1)} MiB (${signed(MiB(end.h.heapSize - baseline.h.heapSize))} MiB), objects ${baseline.h.objectCount} -> ${end.h.objectCount} (${signed(end.h.objectCount - baseline.h.objectCount, 0)}); a line fitted through the samples (they follow the shifts' staffing, so read it as a trend only) ${signed(slope(during.map((r) => MiB(r.h.heapSize))))} MiB per day`);
    console.log(`  RSS: baseline ${baseline.rss.toFixed(1)} MiB -> end ${end.rss.toFixed(1)} MiB (${signed(end.rss - baseline.rss)} MiB), max sample ${Math.max(...rows.map((r) => r.rss)).toFixed(1)} MiB, VmHWM ${procMiB(op.pid, "VmHWM").toFixed(1)} MiB; fitted ${signed(slope(during.map((r) => r.rss)))} MiB per day`);
    const grew = Object.entries(end.h.objectTypeCounts)
      .map(([type, n]) => ({ type, n, was: baseline.h.objectTypeCounts[type] ?? 0 }))
      .filter((x) => x.n - x.was >= 50 && x.n >= x.was * 1.1)
      .sort((a, b) => b.n - b.was - (a.n - a.was))
      .slice(0, 12);
    console.log(grew.length
      ? `  leak suspects (object types up >= 10 % and >= 50 from baseline to end, same staffing, both after GC): ${grew.map((x) => `${x.type} ${x.was} -> ${x.n}`).join(", ")}`
      : "  leak suspects: none (no object type grew by 10 % and 50 objects from baseline to end)");
    const watch = ["Map", "Set", "Promise", "Function", "Response", "Request", "AbortSignal", "ReadableStream", "Timeout", "Object", "Array"];
    console.log(`  watched types baseline -> end: ${watch.map((t) => `${t} ${baseline.h.objectTypeCounts[t] ?? 0} -> ${end.h.objectTypeCounts[t] ?? 0}`).join(", ")}`);
    for (const a of staff.agents) a.stop();
  } finally {
    await op.stop();
    removeAllTempDirs();
  }
}

function signed(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(digits)}` : "-";
}

try {
  await ensureManyConnections();
  await main();
  process.exit(0);
} catch (e) {
  console.error(`bench/soak failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
}
