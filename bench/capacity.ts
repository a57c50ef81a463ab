#!/usr/bin/env bun
/**
 * Capacity of one node for a whole operator. `charla serve` (child process) with
 * 200 companies, each with 1-2 WhatsApp Cloud numbers (the Meta Graph fake runs
 * here), 5-20 agents signed in with the inbox open (SSE, list re-fetched on every
 * nudge as the page does, answering what waits for them), a published bot program
 * on 30 % of companies, the AI (OpenAI fake, 300 ms answers) on 10 %, 20 contacts
 * each, a rate table (CLI) and a recharge each (operator panel); Meta's status
 * webhooks (with pricing, a third billable) follow every send.
 *   1. A day compressed into --day-seconds at --rate customer messages/s on average,
 *      bursts at 10x the average (15 min at 10:30 and 19:00), the rest on an hourly curve.
 *   2. A ramp of constant rates (--ramp) until one is not held: webhook p99 over 500 ms,
 *      live p99 over 1 s, failed or skipped webhooks, or probes lost.
 * Prints figures; asserts nothing. Talks to 127.0.0.1 only; kills its children.
 *   --no-refresh: agents neither re-fetch lists nor answer (ingest, bots and the AI only).
 *   bun bench/capacity.ts [--companies 200] [--agents 5-20] [--rate 5] [--day-seconds 60]
 *                         [--ramp 20,30,40,60,80,120,160,240] [--step-seconds 8] [--no-refresh] [--binary]
 */
import { newAgentStats, type AgentBehaviour } from "./lib/agents.ts";
import { DEFAULT_SPEC, Operator } from "./lib/operator.ts";
import { databaseBytes, PHASE_HEADER, phaseLine, PhaseMeter, type PhaseReport } from "./lib/phases.ts";
import { ensureManyConnections } from "./lib/many-connections.ts";
import { RssSampler } from "./lib/proc-stats.ts";
import { BIN, ensureBinary, removeAllTempDirs, sleep } from "./lib/server-process.ts";
import { staffOperator } from "./lib/staff.ts";
import { Customers, dayProfile, Latencies, LoopLag, openLoop, Probes, statusesFor, Webhooks } from "./lib/traffic.ts";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const COMPANIES = Number(opt("--companies", "200"));
const [AGENTS_MIN, AGENTS_MAX] = opt("--agents", "5-20").split("-").map(Number) as [number, number];
const RATE = Number(opt("--rate", "5"));
const PEAK = Number(opt("--peak", "10"));
const DAY_S = Number(opt("--day-seconds", "60"));
const RAMP = opt("--ramp", "20,30,40,60,80,120,160,240").split(",").filter(Boolean).map(Number);
const STEP_S = Number(opt("--step-seconds", "8"));
const PROBE_EVERY_MS = 500;
const HOLD = { messageP99Ms: 500, liveP99Ms: 1000 };

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const t0 = performance.now();
  const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${s}`);
  if (flag("--binary")) ensureBinary();
  const op = await Operator.start(
    { ...DEFAULT_SPEC, companies: COMPANIES, agentsMin: AGENTS_MIN, agentsMax: AGENTS_MAX, probeCompanies: Math.min(10, COMPANIES), mode: flag("--binary") ? BIN : undefined },
    log,
  );
  const lag = new LoopLag().start();
  try {
    const latencies = new Latencies();
    const hooks = new Webhooks(latencies);
    const counters = { sends: 0, billable: 0, inbound: 0 };
    op.onSend = statusesFor(hooks, counters);
    const stats = newAgentStats();
    const behaviour: AgentBehaviour = { thinkMs: [1000, 4000], closeShare: 0.35, keepOpen: new Set(), refresh: !flag("--no-refresh") };
    const probes = new Probes(hooks, latencies);
    const staff = await staffOperator(op, stats, behaviour, probes);
    log(`${staff.agents.length - staff.watchers.length} agents Conectado with the inbox open (SSE), ${staff.watchers.length} watchers on probe conversations`);

    const rss = new RssSampler(op.pid, 250).start();
    await sleep(3000);
    const idleRss = rss.sample();
    const db0 = databaseBytes(op.databasePath);
    const meter = new PhaseMeter(op, hooks, latencies, stats, counters, rss, lag);
    const customers = new Customers(op);
    const fireCustomer = () => {
      const { ch, payload } = customers.next();
      counters.inbound++;
      void hooks.post(ch, payload, "message");
    };
    const probeTimer = setInterval(() => {
      probes.fire();
      probes.expire();
    }, PROBE_EVERY_MS);
    const reports: PhaseReport[] = [];
    const run = async (name: string, seconds: number, rateAt: (ms: number) => number, offered: number, phaseAt?: (ms: number) => string) => {
      hooks.phase = name;
      const lost0 = probes.lost;
      const from = meter.snapshot();
      const r = await openLoop(seconds * 1000, (ms) => {
        if (phaseAt) hooks.phase = phaseAt(ms);
        return rateAt(ms);
      }, fireCustomer, () => hooks.inFlight);
      hooks.phase = `${name}:tail`;
      const report = meter.report(name, from, offered, r.skipped);
      reports.push(report);
      log(phaseLine(report));
      return { report, lost: probes.lost - lost0 };
    };

    // 1. The day.
    const profile = dayProfile(PEAK);
    const hourOf = (ms: number) => ((ms / 1000) * 24) / DAY_S;
    log(`day: ${DAY_S} s for 24 h, average ${RATE} customer messages/s, bursts at ${PEAK}x (${RATE * PEAK}/s); probes every ${PROBE_EVERY_MS} ms into ${probes.targets.length} watched conversations`);
    console.log(PHASE_HEADER);
    if (DAY_S > 0) await run("day", DAY_S, (ms) => RATE * profile.at(hourOf(ms)), RATE, (ms) => (profile.inBurst(hourOf(ms)) ? "day:burst" : "day:base"));
    const burst = latencies.get("day:burst/message");
    const base = latencies.get("day:base/message");

    // 2. The ramp.
    let held: PhaseReport | null = null;
    let failedAt = "";
    for (const rate of RAMP) {
      const { report, lost } = await run(`ramp ${rate}`, STEP_S, () => rate, rate);
      const why = [
        report.messageP99 > HOLD.messageP99Ms ? `webhook p99 ${report.messageP99.toFixed(0)} ms` : "",
        report.liveP99 > HOLD.liveP99Ms ? `live p99 ${report.liveP99.toFixed(0)} ms` : "",
        report.failed ? `${report.failed} failed` : "",
        report.skipped ? `${report.skipped} skipped (2000 in flight)` : "",
        lost ? `${lost} probes lost` : "",
        report.inboundPerS < rate * 0.95 ? `offered ${rate}/s, sent ${report.inboundPerS.toFixed(0)}/s` : "",
      ].filter(Boolean);
      if (why.length) {
        failedAt = `${rate}/s not held: ${why.join(", ")}`;
        break;
      }
      held = report;
    }
    clearInterval(probeTimer);
    hooks.phase = "drain";
    await sleep(5000);
    const db1 = databaseBytes(op.databasePath);
    rss.stop();

    // Customer messages (probes included) and everything Meta accepted from Charla.
    const messages = counters.inbound + probes.fired + counters.sends;
    const perMillion = ((db1.logical - db0.logical) / Math.max(1, messages)) * 1e6;
    console.log("");
    console.log(`capacity of one node (Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs shared by server and client, server: ${flag("--binary") ? "compiled binary" : "bun core/main.ts serve"}):`);
    console.log(`  operator: ${op.companies.length} companies, ${op.channelsByNumber.size} WhatsApp numbers, ${staff.agents.length - staff.watchers.length} agents online with the inbox open, ${op.companies.filter((c) => c.bot).length} bots, ${op.companies.filter((c) => c.ai).length} with AI`);
    const day = reports.find((r) => r.name === "day");
    if (day) console.log(`  day at ${RATE}/s average: customer webhook p99 ${p99(base)} outside bursts, ${p99(burst)} in the ${RATE * PEAK}/s bursts; webhook -> agent live p99 ${day.liveP99.toFixed(1)} ms (${day.liveN} probes)`);
    console.log(held
      ? `  sustained: ${held.offered} customer messages/s held for ${STEP_S} s (${held.webhooksPerS.toFixed(0)} webhooks/s with statuses, ${held.sendsPerS.toFixed(0)} sends/s): webhook p99 ${held.messageP99.toFixed(1)} ms, live p99 ${held.liveP99.toFixed(1)} ms, server CPU ${held.serverCpuPct.toFixed(0)} %`
      : "  sustained: not even the first ramp step was held");
    if (held) console.log(`  -> with peaks at ${PEAK}x the average, a daily average of ${(held.offered / PEAK).toFixed(1)} customer messages/s (${Math.round((held.offered / PEAK) * 86_400).toLocaleString("en")} a day) fits`);
    if (failedAt) console.log(`  first step not held: ${failedAt}`);
    console.log(`  RSS: ${idleRss.toFixed(0)} MiB idle with every agent connected, ${rss.maxSince(0).toFixed(0)} MiB max under load`);
    console.log(`  database: ${mib(db0.logical)} before traffic, ${mib(db1.logical)} after (${mib(db1.files)} on disk with the WAL); ${messages.toLocaleString("en")} messages -> ${mib(perMillion)} per million messages (statuses, ledger, rollups, search index included)`);
    console.log(`  totals: ${counters.inbound} customer messages, ${counters.sends} sends accepted by Meta (${stats.replies} agent replies, the rest bot / AI), ${counters.billable} billable, ${op.openai.completions().length} AI calls, ${hooks.acked} webhooks acked, ${hooks.failed} failed; agents: ${stats.pageLoads} page loads, ${stats.listFetches} list re-fetches, ${stats.paneFetches} pane re-fetches, ${stats.closes} finalized, ${stats.errors} errors${stats.errors ? ` (last: ${stats.lastError})` : ""}`);
    console.log(`  client: timer lag p99 ${percentile(lag.lags, 99).toFixed(1)} ms over the run (above ~20 ms the client, not the server, inflates latencies)`);
    for (const a of staff.agents) a.stop();
  } finally {
    lag.stop();
    await op.stop();
    removeAllTempDirs();
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}

function p99(xs: number[]): string {
  return xs.length ? `${percentile(xs, 99).toFixed(1)} ms` : "-";
}

try {
  await ensureManyConnections();
  await main();
  process.exit(0);
} catch (e) {
  console.error(`bench/capacity failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
}
