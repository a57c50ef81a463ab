#!/usr/bin/env bun
/**
 * Resident memory (VmRSS from /proc/<pid>/status) of the compiled binary and of
 * `bun core/main.ts serve`, each on a fresh DATA_DIR: after start + 3 s idle, and
 * after 200 sequential GET /login + 3 s idle. Linux only; talks to 127.0.0.1 only.
 * Run: bun bench/memory.ts   (builds dist/charla if missing; always kills its children)
 */
import { existsSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { BIN, type Mode, SOURCE, ensureBinary, freePort, hasExited, makeTempDir, removeTempDir, sleep, spawnServer, stop, waitForHealthz } from "./lib/server-process.ts";

const IDLE_MS = 3_000;
const REQUESTS = 200;
const START_TIMEOUT_MS = 30_000;
const MODES: Mode[] = [BIN, SOURCE];

/** A field of /proc/<pid>/status (kB there), in MiB. */
function procMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  if (!m) throw new Error(`${field} not found in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

function assertAlive(proc: Subprocess, name: string): void {
  if (hasExited(proc)) {
    throw new Error(`${name} exited (code ${proc.exitCode}, signal ${proc.signalCode})`);
  }
}

async function measure(mode: Mode): Promise<string[]> {
  const dataDir = makeTempDir();
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawnServer(mode, { port, dataDir, stderr: "inherit" });
  const label = (what: string) => `memory ${mode.name.padEnd(6)} ${what.padEnd(42)}`;
  try {
    const r = await waitForHealthz(proc, `${base}/healthz`, { t0: performance.now(), timeoutMs: START_TIMEOUT_MS, pollMs: 5 });
    if (!r.ok) {
      assertAlive(proc, mode.name); // throws the "exited" error when that was the reason
      throw new Error(`${mode.name}: /healthz not 200 within ${START_TIMEOUT_MS} ms`);
    }
    await sleep(IDLE_MS);
    assertAlive(proc, mode.name);
    const idle = procMiB(proc.pid, "VmRSS");

    let bad = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`${base}/login`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status !== 200) bad++;
    }
    if (bad) throw new Error(`${mode.name}: ${bad}/${REQUESTS} GET /login did not answer 200`);
    await sleep(IDLE_MS);
    assertAlive(proc, mode.name);
    const after = procMiB(proc.pid, "VmRSS");
    const peak = procMiB(proc.pid, "VmHWM");
    return [
      `${label(`RSS after start + ${IDLE_MS / 1000} s idle:`)} ${idle.toFixed(1).padStart(6)} MiB`,
      `${label(`RSS after ${REQUESTS} GET /login + ${IDLE_MS / 1000} s idle:`)} ${after.toFixed(1).padStart(6)} MiB`,
      `${label("peak RSS (VmHWM) over the run:")} ${peak.toFixed(1).padStart(6)} MiB`,
    ];
  } finally {
    await stop(proc);
    removeTempDir(dataDir);
  }
}

async function main(): Promise<void> {
  if (!existsSync("/proc/self/status")) throw new Error("needs Linux /proc to read VmRSS");
  ensureBinary();
  console.log(`resident memory (VmRSS, fresh DATA_DIR, Bun ${Bun.version}):`);
  for (const mode of MODES) {
    // Printed as each mode finishes, so a failure in the second keeps the first's figures.
    for (const l of await measure(mode)) console.log(l);
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/memory failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
