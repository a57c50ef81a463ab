#!/usr/bin/env bun
/**
 * Webhook ingest throughput: relay webhooks per second through the full pipeline
 * (verify, parse, dedupe, one transaction, 200 after commit, events) vs a bare
 * Bun.serve doing one SQLite INSERT per request with the same pragmas. Each server
 * runs in its own child process (bench/lib/target.ts); both are driven by the same
 * closed-loop keep-alive fetch client, interleaved, after a warm-up. Then a short
 * in-process breakdown of one webhook's cost (bench/lib/ingest-breakdown.ts).
 * Message ids are random and WhatsApp-shaped (see waMessageId). Besides the
 * closed-loop saturation rate, the pipeline is also driven open-loop at a steady
 * 200 msg/s, where the tail latency (WAL checkpoints, stalls) shows, and for one
 * more round while ten agents hold the live inbox open.
 * Run: bun bench/ingest.ts   (talks to 127.0.0.1 only; kills its children, removes its dirs)
 *      bun bench/ingest.ts --against /path/to/other/checkout
 *        also runs that checkout's pipeline in the same rounds: a before/after figure
 *        that the noise of the machine (the bare figure moves 20k-38k between runs) cannot fake.
 */
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { closedLoop, login, pct, relayWebhook, waMessageId } from "./lib/http.ts";
import { ingestBreakdown } from "./lib/ingest-breakdown.ts";
import { makeTempDir, readyLine, removeAllTempDirs, spawnScript, stop } from "./lib/server-process.ts";
import type { Ready } from "./lib/target.ts";

const N = 5_000;
const CUSTOMERS = 500;
const CONCURRENCY = 16;
const WARMUP = 1_000;
const ROUNDS = 5;
const BREAKDOWN_N = 3_000;
const AIM = 0.5;
const STEADY_RATE = 200;
const STEADY_N = 2_000;
/** Agents with the live inbox open (each on the watched conversation) during one more closed-loop round. */
const STREAMS = 10;

interface Target {
  name: "pipeline" | "bare" | "other";
  base: string;
  ready: Ready;
  dataDir: string;
  rates: number[];
}

/** Message `i` of a run: a random WhatsApp-like id, customers round-robin. */
function message(tag: string, i: number): { id: string; from: string; text: string } {
  const from = `57310${String(i % CUSTOMERS).padStart(5, "0")}`;
  return { id: waMessageId(from), from, text: `mensaje ${tag} ${i} sobre el pedido` };
}

/** Sends `n` one-message webhooks (closed loop); returns messages/s. */
async function drive(t: Target, tag: string, n: number): Promise<number> {
  let failed = 0;
  // Ids made before the clock starts: the client's own work stays out of the figure.
  const messages = Array.from({ length: n }, (_, i) => message(tag, i));
  const elapsed = await closedLoop(n, CONCURRENCY, async (i) => {
    const req = relayWebhook(t.base, t.ready.channelId, t.ready.relayToken, messages[i]!);
    const res = await fetch(req);
    const body = (await res.json()) as { stored?: number };
    if (res.status !== 200 || body.stored !== 1) failed++;
  });
  if (failed) throw new Error(`${t.name}: ${failed}/${n} webhooks not stored with 200`);
  return (n / elapsed) * 1000;
}

/**
 * Open loop: one webhook every 1000/rate ms whatever the answers do, latency taken
 * from when each was due (so a stall also counts against the requests queued behind it).
 */
async function steady(t: Target, rate: number, n: number): Promise<number[]> {
  const messages = Array.from({ length: n }, (_, i) => message("steady", i));
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    inflight.push(
      fetch(relayWebhook(t.base, t.ready.channelId, t.ready.relayToken, messages[i]!)).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${t.name}: steady webhook answered ${res.status}`);
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(inflight);
  return latencies;
}

/**
 * Runs `fn` while `STREAMS` agents hold GET /inbox/stream open (read and thrown
 * away, as fast as they come), so every webhook also pays for the live inbox.
 */
async function withStreams<R>(t: Target, fn: () => Promise<R>): Promise<R> {
  const abort = new AbortController();
  const readers: Promise<void>[] = [];
  for (const agent of t.ready.agents.slice(0, STREAMS)) {
    const cookie = await login(fetch, t.base, agent, t.ready.agentPassword);
    const res = await fetch(`${t.base}/inbox/stream?open=${t.ready.conversationId}`, { headers: { cookie }, signal: abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`${t.name}: inbox stream answered ${res.status}`);
    const reader = res.body.getReader();
    readers.push((async () => { while (!(await reader.read()).done); })().catch(() => undefined));
  }
  try {
    return await fn();
  } finally {
    abort.abort();
    await Promise.all(readers);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rate = (x: number) => `${x.toFixed(0).padStart(6)} msg/s`;

async function main(): Promise<void> {
  const targets: Target[] = [];
  const procs = [];
  try {
    const against = process.argv.includes("--against") ? process.argv[process.argv.indexOf("--against") + 1] : undefined;
    for (const name of against ? (["pipeline", "other", "bare"] as const) : (["pipeline", "bare"] as const)) {
      const dataDir = makeTempDir();
      const script = name === "other" ? join(against!, "bench", "lib", "target.ts") : join(import.meta.dir, "lib", "target.ts");
      const proc = spawnScript(script, [name === "other" ? "pipeline" : name, dataDir], { LOG_LEVEL: "error" });
      procs.push(proc);
      const ready = await readyLine<Ready>(proc);
      targets.push({ name, base: `http://127.0.0.1:${ready.port}`, ready, dataDir, rates: [] });
    }
    for (const t of targets) await drive(t, "warm", WARMUP);
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate who goes first, so drift (page cache, WAL growth, CPU heat) hits all alike.
      const order = [...targets.slice(r % targets.length), ...targets.slice(0, r % targets.length)];
      for (const t of order) t.rates.push(await drive(t, `r${r}`, N));
    }
    const streamed = new Map<Target, number>();
    for (const t of targets) if (t.name !== "bare" && t.ready.agents?.length) streamed.set(t, await withStreams(t, () => drive(t, "streams", N)));
    const tails = new Map<Target, number[]>();
    for (const t of targets) if (t.name !== "bare") tails.set(t, await steady(t, STEADY_RATE, STEADY_N));
    const pipe = targets.find((t) => t.name === "pipeline")!;
    const bare = targets.find((t) => t.name === "bare")!;
    const other = targets.find((t) => t.name === "other");
    const db = new Database(join(pipe.dataDir, "charla.db"), { readonly: true });
    const counts = db
      .query<{ m: number; c: number }, []>("SELECT (SELECT COUNT(*) FROM messages WHERE direction = 'in') AS m, (SELECT COUNT(*) FROM conversations) AS c")
      .get()!;
    db.close();

    console.log(`webhook ingest, ${N} one-message webhooks x ${ROUNDS} rounds, ${CUSTOMERS} customers, concurrency ${CONCURRENCY}, keep-alive fetch (Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs):`);
    for (const t of targets) {
      const label = { pipeline: "pipeline  POST /webhooks/:id (full app)", other: "other     the same, from --against", bare: "bare      Bun.serve + 1 INSERT (WAL)" }[t.name];
      console.log(`${label.padEnd(42)} median ${rate(median(t.rates))}, best ${rate(Math.max(...t.rates))}  [${t.rates.map((x) => x.toFixed(0)).join(", ")}]`);
    }
    if (other) {
      const perRound = pipe.rates.map((x, i) => x / other.rates[i]!);
      console.log(`this checkout vs --against: median ${median(perRound).toFixed(2)}x per round  [${perRound.map((x) => x.toFixed(2)).join(", ")}]  (other ratio to bare ${(median(other.rates) / median(bare.rates)).toFixed(2)})`);
    }
    const ratio = median(pipe.rates) / median(bare.rates);
    console.log(`ratio pipeline/bare: median ${ratio.toFixed(2)}, best ${(Math.max(...pipe.rates) / Math.max(...bare.rates)).toFixed(2)}  (aim >= ${AIM}: ${ratio >= AIM ? "met" : "NOT met"})`);
    console.log(`saturation (closed loop, concurrency ${CONCURRENCY}): pipeline median ${rate(median(pipe.rates))}`);
    for (const [t, r] of streamed) {
      console.log(`${t.name.padEnd(8)} with ${STREAMS} agents' live inbox open: ${rate(r)} (${(r / median(t.rates)).toFixed(2)}x its rate without)`);
    }
    for (const [t, xs] of tails) {
      console.log(`${t.name.padEnd(8)} at a steady ${STEADY_RATE} msg/s (${STEADY_N} webhooks): p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`);
    }
    console.log(`pipeline stored ${counts.m} inbound messages in ${counts.c} conversations (expected ${WARMUP + ROUNDS * N + (streamed.has(pipe) ? N : 0) + STEADY_N + 1} in ${CUSTOMERS + 1})`);
    for (const p of procs.splice(0)) await stop(p);
    for (const l of await ingestBreakdown(BREAKDOWN_N, CUSTOMERS)) console.log(l);
  } finally {
    for (const p of procs) await stop(p);
    removeAllTempDirs();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/ingest failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
