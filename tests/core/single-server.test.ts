import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../helpers/live-server.ts";
import { waitHealthy } from "../helpers/spawned-server.ts";

const ROOT = join(import.meta.dir, "../..");

/**
 * Defect: Elysia binds with SO_REUSEPORT by default, so four stale servers on one
 * port and one DATA_DIR all started and shared the traffic. One server per data
 * directory (a lock) and an exclusive port; restore refuses while a server runs.
 */
describe("one server per port and per data directory", () => {
  const dirs: string[] = [];
  const procs: Subprocess[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), "charla-lock-"));
    dirs.push(d);
    return d;
  };
  const envOf = (dataDir: string, port: number) => ({ ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", ADMIN_PASSWORD: "lock-test-pass", LOG_LEVEL: "error" });
  const serve = (dataDir: string, port: number) => {
    const p = Bun.spawn(["bun", "core/main.ts", "serve"], { cwd: ROOT, env: envOf(dataDir, port), stdout: "pipe", stderr: "pipe" });
    procs.push(p);
    return p;
  };
  const finished = async (p: Subprocess<"ignore", "pipe", "pipe">) => ({ code: await p.exited, err: await new Response(p.stderr).text() });
  afterAll(() => {
    for (const p of procs) p.kill("SIGKILL");
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("a second server on the same data directory refuses to start and says why", async () => {
    const dir = newDir();
    const port = freePort();
    serve(dir, port);
    expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
    const second = await finished(serve(dir, freePort()));
    expect(second.code).not.toBe(0);
    expect(second.err).toContain("is using the data directory");
    expect(second.err).toContain(dir);
    expect(second.err).toMatch(/pid \d+/);
  }, 30_000);

  test("a second server on the same port (another data directory) fails instead of sharing the port", async () => {
    const port = freePort();
    serve(newDir(), port);
    expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
    const second = await finished(serve(newDir(), port));
    expect(second.code).not.toBe(0);
    expect(second.err).toContain(`cannot listen on 127.0.0.1:${port}`);
    // Every answer still comes from the first server: identical requests, identical first-run state.
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status)));
    expect(answers).toEqual(Array(8).fill(200));
  }, 30_000);

  test("restore refuses while a server holds the data directory, and works once it stopped", async () => {
    const dir = newDir();
    const port = freePort();
    const server = serve(dir, port);
    expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
    const env = envOf(dir, port);
    const backup = join(dir, "copy.db");
    expect(Bun.spawnSync(["bun", "core/main.ts", "backup", "--out", backup], { cwd: ROOT, env }).exitCode).toBe(0);
    const refused = Bun.spawnSync(["bun", "core/main.ts", "restore", backup], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.toString()).toContain("a Charla server");
    // The live database and its WAL are untouched: the server still answers.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    server.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const restored = Bun.spawnSync(["bun", "core/main.ts", "restore", backup], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
    expect(restored.stderr.toString()).toBe("");
    expect(restored.exitCode).toBe(0);
    // And the lock is free again for the next server.
    serve(dir, port);
    expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
  }, 30_000);

  test("a server killed with SIGKILL leaves no stale lock behind", async () => {
    const dir = newDir();
    const port = freePort();
    const first = serve(dir, port);
    expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
    first.kill("SIGKILL");
    await first.exited;
    serve(dir, port);
    expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
  }, 30_000);
});
