import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLitestream } from "../../core/backups/litestream.ts";
import { remoteClient, SpawnedCharla } from "../helpers/spawned-server.ts";
import { ADMIN_PASSWORD, RELAY_PLUGINS_DIR, RELAY_TOKEN } from "../helpers/test-app.ts";
import { holes, storedIds, WebhookLoad, type Ack } from "../helpers/webhook-load.ts";

const ROOT = join(import.meta.dir, "../..");
const STREAMS = 4;
const LITESTREAM = findLitestream({ litestreamPath: "" });
// The package ships linux-x64 only: there (CI included) the drill must run, so a missing executable fails instead of skipping.
const PACKAGED = process.platform === "linux" && process.arch === "x64";
if (PACKAGED && !LITESTREAM) throw new Error("no litestream executable: bun install should bring it through @flydotio/litestream-linux-x64");
const maybe = PACKAGED ? describe : describe.skip;

const scratch = mkdtempSync(join(tmpdir(), "charla-replica-"));
const started: SpawnedCharla[] = [];
afterAll(() => {
  for (const c of started) {
    killLitestreamOf(c, "SIGKILL");
    c.stop();
  }
  rmSync(scratch, { recursive: true, force: true });
});

function spawned(env: Record<string, string>): SpawnedCharla {
  const c = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR, BACKUP_SCHEDULE: "off", ADMIN_PASSWORD, ...env });
  started.push(c);
  return c;
}

function litestreamPid(c: SpawnedCharla): number | null {
  try {
    const pid = Number(readFileSync(join(c.dir, "litestream.pid"), "utf8"));
    return alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function killLitestreamOf(c: SpawnedCharla, signal: NodeJS.Signals): number | null {
  const pid = litestreamPid(c);
  if (pid !== null) process.kill(pid, signal);
  return pid;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(25);
  }
  return true;
}

/** A Charla replicating to a file replica, with a relay channel and webhooks streaming in. */
async function underLoad(replica: string, ms: number) {
  const charla = spawned({ REPLICA_URL: `file://${replica}` });
  const server = await charla.serve();
  charla.token("drill");
  expect(await until(() => litestreamPid(charla) !== null)).toBe(true);
  const channel = (await (await charla.call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: "http://127.0.0.1:9/send", token: RELAY_TOKEN } })).json()) as { id: number };
  const load = new WebhookLoad(charla, channel.id, STREAMS).start();
  await Bun.sleep(ms);
  await load.waitFor(500);
  return { charla, server, load };
}

/** Starts Charla on a restored data dir and reads every stored message back through its API. */
async function readBack(restoredDir: SpawnedCharla): Promise<Set<string>> {
  await restoredDir.serve();
  restoredDir.token("after-restore");
  return storedIds(restoredDir);
}

maybe("disaster recovery from a Litestream file replica", () => {
  test("under load, SIGKILL the server, restore the replica into a new data dir: every acknowledged message is there", async () => {
    const replica = join(scratch, "replica-crash");
    const { charla, server, load } = await underLoad(replica, 2500);
    server.kill("SIGKILL");
    await server.exited;
    const acks = await load.stop();
    // The server died; its litestream did not (it is its own process) and ships what it has
    // not yet: stop it as the machine goes down, letting it finish (SIGTERM).
    const pid = killLitestreamOf(charla, "SIGTERM");
    expect(pid).not.toBeNull();
    expect(await until(() => !alive(pid!))).toBe(true);

    // Elsewhere: `charla restore --from-replica` pulls the replica (litestream restore), checks it, swaps it in.
    const restored = spawned({ REPLICA_URL: `file://${replica}` });
    copyFileSync(join(charla.dir, "secret.key"), join(restored.dir, "secret.key"));
    const r = Bun.spawnSync(["bun", "core/main.ts", "restore", "--from-replica"], { cwd: ROOT, env: restored.env, stdout: "pipe", stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain(`restored file://${replica}`);
    // The restored server must not replicate over the drill's replica.
    delete restored.env.REPLICA_URL;
    const ids = await readBack(restored);
    const missing = acks.filter((a) => !ids.has(a.id)).map((a) => a.id);
    expect(missing).toEqual([]);
    expect(holes(ids, STREAMS)).toEqual([]);
    console.log(`replica drill (process killed): ${acks.length} webhooks acknowledged, ${ids.size} restored from the replica, 0 missing`);
  }, 60_000);

  test("the whole machine lost at once (server and litestream SIGKILLed together): what the replica misses is the last moment only", async () => {
    const replica = join(scratch, "replica-machine");
    const { charla, server, load } = await underLoad(replica, 4000);
    const killedAt = Date.now();
    killLitestreamOf(charla, "SIGKILL");
    server.kill("SIGKILL");
    await server.exited;
    const acks: Ack[] = await load.stop();

    // Restored with litestream itself, as the README's manual steps do.
    const restored = spawned({});
    copyFileSync(join(charla.dir, "secret.key"), join(restored.dir, "secret.key"));
    const out = join(restored.dir, "charla.db");
    const r = Bun.spawnSync([LITESTREAM!, "restore", "-o", out, `file://${replica}`], { stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
    const ids = await readBack(restored);
    const lost = acks.filter((a) => !ids.has(a.id));
    expect(holes(ids, STREAMS)).toEqual([]);
    // Litestream ships every second: anything acknowledged well before the loss is in the replica.
    expect(lost.filter((a) => a.at < killedAt - 5000).map((a) => a.id)).toEqual([]);
    const window = lost.length ? `${((killedAt - Math.min(...lost.map((a) => a.at))) / 1000).toFixed(2)} s before the loss` : "none";
    console.log(`replica drill (machine lost): ${acks.length} acknowledged, ${ids.size} in the replica, ${lost.length} lost (the oldest lost was acknowledged ${window})`);
  }, 60_000);

  test("Charla supervises litestream: restarted when it dies, stopped with the server, an orphan from a killed server replaced", async () => {
    const replica = join(scratch, "replica-supervised");
    const charla = spawned({ REPLICA_URL: `file://${replica}` });
    const first = await charla.serve();
    expect(await until(() => litestreamPid(charla) !== null)).toBe(true);
    const op = remoteClient(charla.base);
    await op.login("admin", ADMIN_PASSWORD);
    expect(await until(() => existsSync(join(replica, "generations")))).toBe(true);
    await until(() => false, 1200); // one sync interval, so a write is reported
    const page = await (await op.get("/admin/backups")).text();
    expect(page).toContain('id="replica-state"');
    expect(page).toContain("Replicando");
    expect(page).toContain(`file://${replica}`);

    // It dies: Charla starts it again.
    const dead = killLitestreamOf(charla, "SIGKILL")!;
    expect(await until(() => !alive(dead))).toBe(true);
    expect(await until(() => litestreamPid(charla) !== null && litestreamPid(charla) !== dead)).toBe(true);
    const after = await (await op.get("/admin/backups")).text();
    expect(after).toMatch(/Reinicios<\/dt>\s*<dd><span>1<\/span>/);

    // The server is killed: its litestream is left behind; the next start stops that one and runs its own.
    const orphan = litestreamPid(charla)!;
    first.kill("SIGKILL");
    await first.exited;
    expect(alive(orphan)).toBe(true);
    const second = await charla.serve();
    expect(alive(orphan)).toBe(false);
    expect(await until(() => litestreamPid(charla) !== null && litestreamPid(charla) !== orphan)).toBe(true);
    const own = litestreamPid(charla)!;

    // SIGTERM to the server: litestream stops with it.
    second.kill("SIGTERM");
    await second.exited;
    expect(await until(() => !alive(own))).toBe(true);
    expect(existsSync(join(charla.dir, "litestream.pid"))).toBe(false);
  }, 60_000);

  test("REPLICA_URL set with no litestream to run: the server refuses to start and says why", () => {
    const dir = mkdtempSync(join(scratch, "nolitestream-"));
    const r = Bun.spawnSync(["bun", "core/main.ts", "serve"], {
      cwd: ROOT,
      env: { ...(process.env as Record<string, string>), DATA_DIR: dir, PORT: String(20000 + Math.floor(Math.random() * 20000)), HOST: "127.0.0.1", REPLICA_URL: `file://${dir}/replica`, LITESTREAM_PATH: join(dir, "missing-litestream"), LOG_LEVEL: "error" },
      stdout: "pipe",
      stderr: "pipe",
      timeout: 20_000,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.toString()).toContain("REPLICA_URL is set but no litestream executable was found");
  });
});
