#!/usr/bin/env bun
/**
 * Backup of a sizable database: CONVERSATIONS x 10 messages seeded (FTS filled as
 * ingest fills it), then one online backup on the worker thread while a loop asks
 * /healthz of the live server every 2 ms (how much the copy slows the server
 * down), then the same copy on the server's own thread for comparison, and the
 * restore check of the result. Prints size, time and the latency figures.
 * Run: bun bench/backup.ts [conversations=100000]   (talks to 127.0.0.1 only)
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { BackupService } from "../core/backups/backup-service.ts";
import { backupDatabase, checkRestorable } from "../core/db/backup.ts";
import { T } from "../core/tokens.ts";
import { startLiveServer } from "../tests/helpers/live-server.ts";
import { seedInbox } from "./lib/seed-inbox.ts";

const conversations = Number(process.argv[2] ?? 100_000);
const server = await startLiveServer({ BACKUP_SCHEDULE: "off" });
try {
  const seeded = await seedInbox(server, conversations, Math.ceil(conversations / 2));
  server.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const dbBytes = statSync(server.config.databasePath).size;
  console.log(`seeded ${conversations * 10} messages in ${(seeded.ms / 1000).toFixed(1)} s; database ${(dbBytes / 1e6).toFixed(1)} MB`);

  /** Runs `during` while a separate process asks /healthz every 2 ms; returns its time and the latencies seen. */
  const probe = async (during: () => Promise<unknown>) => {
    const child = Bun.spawn(["bun", join(import.meta.dir, "lib/healthz-probe.ts"), `${server.url}/healthz`], { stdin: "pipe", stdout: "pipe" });
    await Bun.sleep(300);
    const t0 = performance.now();
    await during();
    const ms = performance.now() - t0;
    await Bun.sleep(100);
    child.stdin.end();
    const r = JSON.parse(await new Response(child.stdout).text()) as { n: number; p50: number; p99: number; max: number };
    return { ms, line: `/healthz from another process meanwhile: ${r.n} requests, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms` };
  };

  const service = server.container.resolve<BackupService>(T.BackupService);
  let file = "";
  const bg = await probe(async () => {
    file = (await service.run("manual")).path;
  });
  console.log(`online backup on the worker thread: ${(bg.ms / 1000).toFixed(2)} s, ${(statSync(file).size / 1e6).toFixed(1)} MB; ${bg.line}`);
  const t = performance.now();
  checkRestorable(file);
  console.log(`restore check of it (integrity_check, schema): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  const fg = await probe(async () => backupDatabase(server.config.databasePath, join(server.config.backupDir, "same-thread.db")));
  console.log(`the same copy on the server's thread: ${(fg.ms / 1000).toFixed(2)} s; ${fg.line}`);
} finally {
  await server.stop();
}
