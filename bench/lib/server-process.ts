/**
 * Shared plumbing for the bench scripts: spawn `charla serve` (source or compiled
 * binary) on 127.0.0.1 with a throwaway DATA_DIR, wait for /healthz, stop it, and
 * make sure no child process or temp dir outlives the script.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = resolve(import.meta.dir, "..", "..");
export const BINARY = join(ROOT, "dist", "charla");
const STOP_TIMEOUT_MS = 3_000;

export type Mode = { name: string; cmd: string[] };
export const SOURCE: Mode = { name: "source", cmd: [process.execPath, join(ROOT, "core", "main.ts"), "serve"] };
export const BIN: Mode = { name: "binary", cmd: [BINARY, "serve"] };

const live = new Set<Subprocess>();
const tempDirs = new Set<string>();

// Installed on import so every script gets it: a throw, Ctrl-C or kill must not
// leave a server listening or a charla-bench-* dir behind. The signal handlers
// only kill; process.exit() then runs the "exit" handler, which removes the dirs.
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => { for (const p of live) p.kill("SIGKILL"); process.exit(130); });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fresh empty DATA_DIR, removed on exit unless removeTempDir() got it first. */
export function makeTempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "charla-bench-"));
  tempDirs.add(d);
  return d;
}

export function removeTempDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
  tempDirs.delete(d);
}

export function removeAllTempDirs(): void {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

/**
 * Asks the kernel for a free port on 127.0.0.1, then releases it. (The server is
 * given a concrete PORT rather than 0 because the bench must know where to poll.)
 */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = s.port;
  s.stop(true);
  if (!port) throw new Error("could not get a free port");
  return port;
}

/** Builds dist/charla with `bun run build` if it is not there yet. */
export function ensureBinary(): void {
  if (existsSync(BINARY)) return;
  console.log("dist/charla missing: running `bun run build` ...");
  const b = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit", timeout: 300_000 });
  if (b.exitCode !== 0 || !existsSync(BINARY)) throw new Error(`bun run build failed (exit ${b.exitCode})`);
}

/**
 * Spawns `mode` listening on 127.0.0.1:`port` with `dataDir`, tracked for cleanup.
 * `stderr` is generic so that "pipe" keeps `proc.stderr` typed as a stream.
 * The fixed ADMIN_PASSWORD makes first-run setup use it instead of generating and
 * printing a random one. `env` adds or overrides variables (META_GRAPH_URL...).
 */
export function spawnServer<E extends "pipe" | "inherit">(
  mode: Mode,
  opts: { port: number; dataDir: string; stderr: E; env?: Record<string, string> },
): Subprocess<"ignore", "ignore", E> {
  const proc = Bun.spawn(mode.cmd, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(opts.port), HOST: "127.0.0.1", DATA_DIR: opts.dataDir, LOG_LEVEL: "error", ADMIN_PASSWORD: "bench-password-1234", ...opts.env },
    stdin: "ignore",
    stdout: "ignore",
    stderr: opts.stderr,
  });
  live.add(proc);
  return proc;
}

/**
 * Spawns a bench helper script (`bun <script> ...args`) with stdout piped, tracked
 * for cleanup like spawnServer. The script announces itself with one JSON line.
 */
export function spawnScript(script: string, args: string[], env: Record<string, string> = {}): Subprocess<"ignore", "pipe", "inherit"> {
  const proc = Bun.spawn([process.execPath, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  live.add(proc);
  return proc;
}

/** The first stdout line of a spawnScript child, parsed as JSON (its "ready" message). */
export async function readyLine<R>(proc: Subprocess<"ignore", "pipe", "inherit">, timeoutMs = 30_000): Promise<R> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
  try {
    while (!buf.includes("\n")) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === null) throw new Error(`child ${proc.pid} not ready within ${timeoutMs} ms`);
      if (next.done) throw new Error(`child ${proc.pid} exited before it was ready (code ${proc.exitCode})`);
      buf += decoder.decode(next.value, { stream: true });
    }
  } finally {
    // A pending timer would keep the bench alive for the whole timeout.
    clearTimeout(timer);
    reader.releaseLock();
  }
  return JSON.parse(buf.slice(0, buf.indexOf("\n"))) as R;
}

export const hasExited = (proc: Subprocess) => proc.exitCode !== null || proc.signalCode !== null;

export type HealthResult = { ok: true; ms: number } | { ok: false; reason: "exited" | "timeout" };

/**
 * Polls GET `url` every `pollMs` until it answers 200 (`ms` = time since `t0`),
 * the process exits, or `timeoutMs` since `t0` pass. The caller supplies `t0` so a
 * startup timing can include the spawn itself; it words its own error.
 */
export async function waitForHealthz(
  proc: Subprocess,
  url: string,
  opts: { t0: number; timeoutMs: number; pollMs: number },
): Promise<HealthResult> {
  while (true) {
    if (hasExited(proc)) return { ok: false, reason: "exited" };
    if (performance.now() - opts.t0 > opts.timeoutMs) return { ok: false, reason: "timeout" };
    try {
      // Per-request timeout: a socket that accepts but never answers must not hang the loop.
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer(); // drain, so the connection is released
      if (res.status === 200) return { ok: true, ms: performance.now() - opts.t0 };
    } catch {
      // not listening yet
    }
    await sleep(opts.pollMs);
  }
}

/** SIGTERM, then SIGKILL if it does not exit in time; always reaps the child. */
export async function stop(proc: Subprocess): Promise<void> {
  if (!hasExited(proc)) {
    proc.kill("SIGTERM");
    const done = await Promise.race([proc.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!done) proc.kill("SIGKILL");
  }
  await proc.exited;
  live.delete(proc);
}
