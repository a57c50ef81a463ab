#!/usr/bin/env bun
/**
 * Resident memory (VmRSS from /proc/<pid>/status) of the compiled binary and of
 * `bun core/main.ts serve`, each on a fresh DATA_DIR: after start + 3 s idle, and
 * after 200 sequential GET /login + 3 s idle. Linux only; talks to 127.0.0.1 only.
 * Run: bun bench/memory.ts   (builds dist/charla if missing; always kills its children)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "charla");
const IDLE_MS = 3_000;
const REQUESTS = 200;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 3_000;

type Mode = { name: string; cmd: string[] };
const MODES: Mode[] = [
  { name: "binary", cmd: [BINARY, "serve"] },
  { name: "source", cmd: [process.execPath, join(ROOT, "core", "main.ts"), "serve"] },
];

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

function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = s.port;
  s.stop(true);
  if (!port) throw new Error("could not get a free port");
  return port;
}

/** A field of /proc/<pid>/status (kB there), in MiB. */
function procMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  if (!m) throw new Error(`${field} not found in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

async function stop(proc: Subprocess): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill("SIGTERM");
    const done = await Promise.race([proc.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!done) proc.kill("SIGKILL");
  }
  await proc.exited;
  live.delete(proc);
}

function assertAlive(proc: Subprocess, name: string): void {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    throw new Error(`${name} exited (code ${proc.exitCode}, signal ${proc.signalCode})`);
  }
}

async function measure(mode: Mode): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "charla-bench-"));
  tempDirs.add(dataDir);
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn(mode.cmd, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "error", ADMIN_PASSWORD: "bench-password-1234" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
  });
  live.add(proc);
  const label = (what: string) => `memory ${mode.name.padEnd(6)} ${what.padEnd(42)}`;
  try {
    const t0 = performance.now();
    let ok = false;
    while (!ok) {
      assertAlive(proc, mode.name);
      if (performance.now() - t0 > START_TIMEOUT_MS) throw new Error(`${mode.name}: /healthz not 200 within ${START_TIMEOUT_MS} ms`);
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        ok = res.status === 200;
      } catch {
        // not listening yet
      }
      if (!ok) await sleep(5);
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
    rmSync(dataDir, { recursive: true, force: true });
    tempDirs.delete(dataDir);
  }
}

async function main(): Promise<void> {
  if (!existsSync("/proc/self/status")) throw new Error("needs Linux /proc to read VmRSS");
  if (!existsSync(BINARY)) {
    console.log("dist/charla missing: running `bun run build` ...");
    const b = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit", timeout: 300_000 });
    if (b.exitCode !== 0 || !existsSync(BINARY)) throw new Error(`bun run build failed (exit ${b.exitCode})`);
  }
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
