#!/usr/bin/env bun
/**
 * Cold start to the first 200 from GET /healthz: `bun core/main.ts serve` vs the
 * compiled `dist/charla serve`, N runs each (fresh temp DATA_DIR and free port per
 * run, /healthz polled every 5 ms), plus first vs warm start of the binary.
 * Run: bun bench/startup.ts   (only talks to 127.0.0.1; always kills its children)
 */
import { BIN, type Mode, SOURCE, ensureBinary, freePort, makeTempDir, removeAllTempDirs, spawnServer, stop, waitForHealthz } from "./lib/server-process.ts";

const RUNS = 5;
const POLL_MS = 5;
const START_TIMEOUT_MS = 30_000;

/** Starts `mode` on `dataDir`; returns ms from spawn to the first 200 from /healthz. */
async function timeStart(mode: Mode, dataDir: string): Promise<number> {
  const port = freePort();
  const t0 = performance.now();
  const proc = spawnServer(mode, { port, dataDir, stderr: "pipe" });
  try {
    const r = await waitForHealthz(proc, `http://127.0.0.1:${port}/healthz`, { t0, timeoutMs: START_TIMEOUT_MS, pollMs: POLL_MS });
    if (r.ok) return r.ms;
    if (r.reason === "exited") {
      const err = await new Response(proc.stderr).text();
      throw new Error(`${mode.name} exited early (code ${proc.exitCode}, signal ${proc.signalCode}): ${err.trim().slice(0, 500)}`);
    }
    throw new Error(`${mode.name}: no 200 from /healthz within ${START_TIMEOUT_MS} ms`);
  } finally {
    await stop(proc);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const line = (label: string, xs: number[]) =>
  `${label.padEnd(44)} median ${fmt(median(xs)).padStart(9)}, min ${fmt(Math.min(...xs)).padStart(9)}  (N=${xs.length})`;

async function main(): Promise<void> {
  ensureBinary();
  try {
    // One discarded run per mode, so both read their files from a warm page cache.
    await timeStart(SOURCE, makeTempDir());
    await timeStart(BIN, makeTempDir());
    const source: number[] = [];
    const binFirst: number[] = [];
    const binWarm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so background noise hits both modes alike.
      source.push(await timeStart(SOURCE, makeTempDir()));
      const d = makeTempDir();
      binFirst.push(await timeStart(BIN, d)); // empty data dir: migrations + first-run setup
      binWarm.push(await timeStart(BIN, d)); // same dir again: nothing to set up
    }
    console.log(`startup to first 200 /healthz (fresh DATA_DIR, ${POLL_MS} ms polling, Bun ${Bun.version}):`);
    console.log(line("source  `bun core/main.ts serve`:", source));
    console.log(line("binary  `dist/charla serve`:", binFirst));
    console.log(`ratio binary/source: median ${(median(binFirst) / median(source)).toFixed(2)}x, min ${(Math.min(...binFirst) / Math.min(...source)).toFixed(2)}x`);
    console.log("binary first vs warm start:");
    console.log(line("binary first start (empty data dir):", binFirst));
    console.log(line("binary warm start (existing data dir):", binWarm));
    console.log(`ratio warm/first: median ${(median(binWarm) / median(binFirst)).toFixed(2)}x`);
  } finally {
    removeAllTempDirs();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/startup failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
