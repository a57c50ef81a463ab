import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { Client } from "./client.ts";

const ROOT = join(import.meta.dir, "../..");

/** A random high port; a clash only fails the one test that drew it. */
export const randomPort = () => 20000 + Math.floor(Math.random() * 20000);

/** Polls /healthz of a server started in a child process (up to ~5 s). */
export async function waitHealthy(base: string): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return true;
    await Bun.sleep(25);
  }
  return false;
}

/** The cookie-keeping test client, over real HTTP to `base`, redirects not followed. */
export function remoteClient(base: string): Client {
  return new Client({ handle: (req) => fetch(new Request(req.url.replace("http://localhost", base), req), { redirect: "manual" }) });
}

/**
 * `charla serve` from the checkout in child processes, on a fresh DATA_DIR and a
 * free port, for tests that kill and restart the real process: `serve()` starts
 * one (kill it as you like), `token()` makes an API token with the CLI, `call()`
 * speaks the API with it, `stop()` kills every child and removes the data.
 */
export class SpawnedCharla {
  readonly port = randomPort();
  readonly base = `http://127.0.0.1:${this.port}`;
  readonly dir = mkdtempSync(join(tmpdir(), "charla-spawned-"));
  readonly env: Record<string, string>;
  private readonly procs: Subprocess[] = [];
  private apiToken = "";

  constructor(env: Record<string, string> = {}) {
    this.env = { ...(process.env as Record<string, string>), DATA_DIR: this.dir, PORT: String(this.port), HOST: "127.0.0.1", PUBLIC_URL: this.base, ADMIN_PASSWORD: "spawned-pass-1", LOG_LEVEL: "error", ...env };
  }

  /** Starts a server and waits until it answers /healthz; `stderr: "pipe"` keeps its log lines readable. */
  async serve(opts: { stderr?: "pipe" | "ignore" } = {}): Promise<Subprocess<"ignore", "ignore", "pipe" | "ignore">> {
    const p = Bun.spawn(["bun", "core/main.ts", "serve"], { cwd: ROOT, env: this.env, stdout: "ignore", stderr: opts.stderr ?? "ignore" });
    this.procs.push(p);
    if (!(await waitHealthy(this.base))) throw new Error("charla serve did not become healthy");
    return p;
  }

  /** An API token of the first-run company, made with `charla token create`. */
  token(name = "spawned"): string {
    this.apiToken = Bun.spawnSync(["bun", "core/main.ts", "token", "create", "--company", "mi-empresa", "--name", name], { cwd: ROOT, env: this.env, stdout: "pipe" }).stdout.toString().trim();
    return this.apiToken;
  }

  call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.base}${path}`, { method, headers: { authorization: `Bearer ${this.apiToken}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** Kills every server started so far (the data stays until stop()). */
  killAll(): void {
    for (const p of this.procs) p.kill("SIGKILL");
  }

  stop(): void {
    this.killAll();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
