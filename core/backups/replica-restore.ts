import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import { findLitestream, litestreamConfig } from "./litestream.ts";

/**
 * Pulls the database from REPLICA_URL with `litestream restore` into a file beside
 * the live one and returns its path; the caller checks it and swaps it in like any
 * backup (core/db/backup.ts). `timestamp` (RFC 3339, e.g. 2026-12-02T10:00:00Z)
 * asks for the state at that moment instead of the newest.
 */
export async function restoreFromReplica(config: Config, timestamp?: string): Promise<string> {
  if (!config.replicaUrl) throw new Error("REPLICA_URL is not set: there is no replica to restore from");
  const binary = findLitestream(config);
  if (!binary) throw new Error("no litestream executable was found (set LITESTREAM_PATH)");
  if (timestamp !== undefined && Number.isNaN(Date.parse(timestamp))) throw new Error(`--timestamp must be a time such as 2026-12-02T10:00:00Z (got ${JSON.stringify(timestamp)})`);
  const out = `${config.databasePath}.from-replica`;
  // Its own config file, so a server's litestream.yml is never touched; the same
  // settings (an S3 endpoint) as replication uses.
  const configFile = join(config.dataDir, "litestream-restore.yml");
  writeFileSync(configFile, litestreamConfig(config));
  for (const suffix of ["", ".tmp", "-wal", "-shm", ".tmp-wal", ".tmp-shm"]) rmSync(out + suffix, { force: true });
  try {
    const args = [binary, "restore", "-config", configFile, "-no-expand-env", "-o", out, ...(timestamp ? ["-timestamp", new Date(timestamp).toISOString()] : []), config.databasePath];
    const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) {
      const said = (stderr || stdout).trim().split("\n").slice(-3).join(" / ");
      throw new Error(`litestream restore failed (exit ${code}): ${said || "no output"}`);
    }
    return out;
  } finally {
    rmSync(configFile, { force: true });
  }
}
