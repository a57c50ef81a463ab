#!/usr/bin/env bun
/**
 * Cold start to the first 200 from GET /healthz: `bun core/main.ts serve` vs the
 * compiled `dist/charla serve`, N runs each (fresh temp DATA_DIR and free port per
 * run, /healthz polled every 5 ms), plus first vs warm start of the binary.
 * Run: bun bench/startup.ts   (only talks to 127.0.0.1; always kills its children)
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "charla");
const RUNS = 5;
const POLL_MS = 5;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 3_000;

type Mode = { name: string; cmd: string[] };
const SOURCE: Mode = { name: "source", cmd: [process.execPath, join(ROOT, "core", "main.ts"), "serve"] };
const BIN: Mode = { name: "binary", cmd: [BINARY, "serve"] };

const live = new Set<Subprocess>();
const tempDirs = new Set<string>();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => { for (const p of live) p.kill("SIGKILL"); process.exit(130); });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Asks the kernel for a free port on 127.0.0.1, then releases it. */
function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = s.port;
  s.stop(true);
  if (!port) throw new Error("could not get a free port");
  return port;
}

/** SIGTERM, then SIGKILL if it does not exit in time; always reaps the child. */
async function stop(proc: Subprocess): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill("SIGTERM");
    const done = await Promise.race([proc.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!done) proc.kill("SIGKILL");
  }
  await proc.exited;
  live.delete(proc);
}

/** Starts `mode` on `dataDir`; returns ms from spawn to the first 200 from /healthz. */
async function timeStart(mode: Mode, dataDir: string): Promise<number> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}/healthz`;
  const t0 = performance.now();
  const proc = Bun.spawn(mode.cmd, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "error", ADMIN_PASSWORD: "bench-password-1234" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  live.add(proc);
  try {
    while (performance.now() - t0 < START_TIMEOUT_MS) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        const err = await new Response(proc.stderr).text();
        throw new Error(`${mode.name} exited early (code ${proc.exitCode}, signal ${proc.signalCode}): ${err.trim().slice(0, 500)}`);
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await sleep(POLL_MS);
    }
    throw new Error(`${mode.name}: no 200 from /healthz within ${START_TIMEOUT_MS} ms`);
  } finally {
    await stop(proc);
  }
}

const freshDir = () => mkdtempSync(join(tmpdir(), "charla-bench-"));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const line = (label: string, xs: number[]) =>
  `${label.padEnd(44)} median ${fmt(median(xs)).padStart(9)}, min ${fmt(Math.min(...xs)).padStart(9)}  (N=${xs.length})`;

async function main(): Promise<void> {
  if (!existsSync(BINARY)) {
    console.log("dist/charla missing: running `bun run build` ...");
    const b = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit", timeout: 300_000 });
    if (b.exitCode !== 0 || !existsSync(BINARY)) throw new Error(`bun run build failed (exit ${b.exitCode})`);
  }
  const dir = () => { const d = freshDir(); tempDirs.add(d); return d; };
  try {
    // One discarded run per mode, so both read their files from a warm page cache.
    await timeStart(SOURCE, dir());
    await timeStart(BIN, dir());
    const source: number[] = [];
    const binFirst: number[] = [];
    const binWarm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so background noise hits both modes alike.
      source.push(await timeStart(SOURCE, dir()));
      const d = dir();
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
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    tempDirs.clear();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/startup failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
