import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { listBackups } from "../../core/backups/backup-files.ts";
import { SpawnedCharla } from "../helpers/spawned-server.ts";
import { RELAY_PLUGINS_DIR, RELAY_TOKEN } from "../helpers/test-app.ts";
import { holes, storedIds, WebhookLoad } from "../helpers/webhook-load.ts";

const ROOT = join(import.meta.dir, "../..");
const STREAMS = 4;

/**
 * The drill an operator would run: webhooks stream in, scheduled backups are taken
 * meanwhile, the server dies (SIGKILL), and a scheduled backup is restored with
 * `charla restore` into a new data dir on which Charla starts. Every message
 * acknowledged before that backup began is there, with no holes.
 */
describe("restore drill from a scheduled backup under write load", () => {
  // A backup every 2 seconds (croner's leading seconds field) instead of daily.
  const charla = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR, BACKUP_SCHEDULE: "*/2 * * * * *", BACKUP_KEEP: "20" });
  const restored = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR, BACKUP_SCHEDULE: "off" });
  afterAll(() => {
    charla.stop();
    restored.stop();
  });

  test("SIGKILL mid-load, restore the newest scheduled backup elsewhere: every message acknowledged before it is present", async () => {
    const server = await charla.serve();
    charla.token("drill");
    const channel = (await (await charla.call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: "http://127.0.0.1:9/send", token: RELAY_TOKEN } })).json()) as { id: number };
    const started = Date.now();
    const load = new WebhookLoad(charla, channel.id, STREAMS).start();
    // Until at least two scheduled backups were taken while the load was running.
    const backupDir = join(charla.dir, "backups");
    const duringLoad = () => listBackups(backupDir).filter((b) => b.kind === "auto" && b.takenAt > started + 200);
    for (let i = 0; i < 300 && duringLoad().length < 2; i++) await Bun.sleep(50);
    await load.waitFor(load.acks.length + 200);
    server.kill("SIGKILL");
    await server.exited;
    const acks = await load.stop();

    const backups = duringLoad();
    expect(backups.length).toBeGreaterThanOrEqual(2);
    const chosen = backups[0]!; // the newest complete one (unfinished copies are *.partial, never listed)
    const expected = acks.filter((a) => a.at < chosen.takenAt);
    const later = acks.filter((a) => a.at >= chosen.takenAt);
    expect(expected.length).toBeGreaterThan(50);
    expect(later.length).toBeGreaterThan(0); // the load went on while and after it was taken

    // A new machine: the data dir gets the backup (through the checked restore) and the key.
    copyFileSync(join(charla.dir, "secret.key"), join(restored.dir, "secret.key"));
    const r = Bun.spawnSync(["bun", "core/main.ts", "restore", chosen.path], { cwd: ROOT, env: restored.env, stdout: "pipe", stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain(`restored ${chosen.path}`);
    // An empty data dir has nothing to keep a safety copy of.
    expect(readdirSync(restored.dir)).not.toContain("backups");

    await restored.serve();
    restored.token("after-restore");
    const ids = await storedIds(restored);
    const missing = expected.filter((a) => !ids.has(a.id)).map((a) => a.id);
    expect(missing).toEqual([]);
    expect(holes(ids, STREAMS)).toEqual([]);
    console.log(
      `restore drill (scheduled backup): ${acks.length} webhooks acknowledged in ${((Date.now() - started) / 1000).toFixed(1)} s, ${backups.length} backups taken under load; ` +
        `restored ${chosen.name} (${(chosen.size / 1e6).toFixed(2)} MB): ${ids.size} messages, all ${expected.length} acknowledged before it present, ${later.length} acknowledged after it`,
    );
  }, 60_000);
});
