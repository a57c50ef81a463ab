#!/usr/bin/env bun
/**
 * Webhook-to-agent latency over the live inbox: the operator holds
 * GET /inbox/stream?open=<conversation> on the real app (child process,
 * bench/lib/target.ts); probe webhooks go into that conversation at PROBE_RATE/s
 * while background webhooks go into other conversations at BACKGROUND_RATE/s
 * (open-loop, paced by the clock). For each probe: time from just before its
 * webhook request to the SSE event carrying its bubble (id="msg-..." with its text).
 * Run: bun bench/sse-latency.ts   (talks to 127.0.0.1 only; kills its child, removes its dir)
 */
import { join } from "node:path";
import { login, ms, pct, relayWebhook } from "./lib/http.ts";
import { makeTempDir, readyLine, removeAllTempDirs, sleep, spawnScript, stop } from "./lib/server-process.ts";
import type { Ready } from "./lib/target.ts";

const PROBE_RATE = 50;
const BACKGROUND_RATE = 100;
const DURATION_MS = 10_000;
const BACKGROUND_CUSTOMERS = 200;
const WARMUP_PROBES = 25;
const DRAIN_MS = 3_000;
const AIM_P99_MS = 50;

/** Calls `fn(i)` at `rate` per second for `durationMs`, on schedule (a late call does not shift the next). */
async function paced(rate: number, durationMs: number, fn: (i: number) => Promise<void>): Promise<void> {
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  const n = Math.round((rate * durationMs) / 1000);
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(fn(i));
  }
  await Promise.all(pending);
}

async function main(): Promise<void> {
  const proc = spawnScript(join(import.meta.dir, "lib", "target.ts"), ["pipeline", makeTempDir()], { LOG_LEVEL: "error" });
  const streamAbort = new AbortController();
  try {
    const ready = await readyLine<Ready>(proc);
    const base = `http://127.0.0.1:${ready.port}`;
    const cookie = await login(fetch, base, ready.username, ready.password);
    const post = async (m: { id: string; from: string; text: string }) => {
      const res = await fetch(relayWebhook(base, ready.channelId, ready.relayToken, m));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook ${m.id} answered ${res.status}`);
    };

    const sentAt = new Map<number, number>();
    const arrivedAt = new Map<number, number>();
    const answeredIn: number[] = [];
    let nudges = 0;
    let connected!: () => void;
    const isConnected = new Promise<void>((r) => (connected = r));
    const stream = await fetch(`${base}/inbox/stream?open=${ready.conversationId}`, { headers: { cookie }, signal: streamAbort.signal });
    if (stream.status !== 200 || !stream.body) throw new Error(`stream answered ${stream.status}`);
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      const reader = stream.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        const now = performance.now();
        buf += decoder.decode(r.value, { stream: true });
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (block.startsWith(": connected")) connected();
          const lines = block.split("\n");
          const name = lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message";
          const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (name === "inbox") nudges++;
          if (name !== "message" || !data.includes('id="msg-')) continue;
          for (const m of data.matchAll(/probe(\d+)x/g)) if (!arrivedAt.has(Number(m[1]))) arrivedAt.set(Number(m[1]), now);
        }
      }
    })().catch((e: unknown) => {
      if (!streamAbort.signal.aborted) throw e;
    });
    await isConnected;

    const probe = async (i: number) => {
      sentAt.set(i, performance.now());
      await post({ id: `probe-${i}`, from: ready.watchCustomer, text: `latency probe${i}x` });
      answeredIn.push(performance.now() - sentAt.get(i)!);
    };
    // Warm-up: every background conversation exists and every code path has run once.
    for (let j = 0; j < BACKGROUND_CUSTOMERS; j++) await post({ id: `bg-warm-${j}`, from: `57311${String(j).padStart(6, "0")}`, text: "hola" });
    for (let i = 0; i < WARMUP_PROBES; i++) await probe(1_000_000 + i);
    answeredIn.length = 0;

    const t0 = performance.now();
    await Promise.all([
      paced(PROBE_RATE, DURATION_MS, probe),
      paced(BACKGROUND_RATE, DURATION_MS, (j) => post({ id: `bg-${j}`, from: `57311${String(j % BACKGROUND_CUSTOMERS).padStart(6, "0")}`, text: `mensaje de fondo ${j}` })),
    ]);
    const sendMs = performance.now() - t0;
    const probes = Math.round((PROBE_RATE * DURATION_MS) / 1000);
    const deadline = performance.now() + DRAIN_MS;
    while (performance.now() < deadline && [...Array(probes).keys()].some((i) => !arrivedAt.has(i))) await sleep(20);

    const lat: number[] = [];
    for (let i = 0; i < probes; i++) if (arrivedAt.has(i)) lat.push(arrivedAt.get(i)! - sentAt.get(i)!);
    console.log(
      `webhook -> SSE bubble latency: ${probes} probes at ${PROBE_RATE}/s into the open conversation + ${BACKGROUND_RATE}/s background webhooks into ${BACKGROUND_CUSTOMERS} other conversations, ${(sendMs / 1000).toFixed(1)} s (Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs):`,
    );
    console.log(`bubble on the agent's stream   p50 ${ms(pct(lat, 50))}  p95 ${ms(pct(lat, 95))}  p99 ${ms(pct(lat, 99))}  max ${ms(Math.max(...lat))}  (aim p99 < ${AIM_P99_MS} ms: ${pct(lat, 99) < AIM_P99_MS ? "met" : "NOT met"})`);
    console.log(`probe webhook answered (200)   p50 ${ms(pct(answeredIn, 50))}  p95 ${ms(pct(answeredIn, 95))}  p99 ${ms(pct(answeredIn, 99))}  max ${ms(Math.max(...answeredIn))}`);
    console.log(`received ${lat.length}/${probes} probe bubbles (${probes - lat.length} missing after ${DRAIN_MS} ms), ${nudges} "inbox" nudges on the same stream`);
    if (lat.length < probes) process.exitCode = 1;
    streamAbort.abort();
    await reading;
  } finally {
    streamAbort.abort();
    await stop(proc);
    removeAllTempDirs();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/sse-latency failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
