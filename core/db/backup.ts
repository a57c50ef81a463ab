import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { openDatabase } from "./database.ts";
import { migrate } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";

/** `VACUUM INTO` writes a consistent copy while the server keeps serving. */
export function backupDatabase(databasePath: string, target: string): void {
  if (existsSync(target)) throw new Error(`${target} already exists`);
  const db = openDatabase(databasePath);
  try {
    db.query("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
}

/**
 * Checks that `file` is a healthy Charla database this version can run (it may be
 * older: migrations bring it forward), then replaces the live file with it. The
 * caller holds the DATA_DIR lock, so no server has the file open.
 */
export function restoreDatabase(databasePath: string, file: string): void {
  checkRestorable(file);
  const tmp = `${databasePath}.restoring`;
  copyFileSync(file, tmp);
  for (const suffix of ["-wal", "-shm"]) rmSync(databasePath + suffix, { force: true });
  renameSync(tmp, databasePath);
  const db = openDatabase(databasePath);
  try {
    migrate(db);
  } finally {
    db.close();
  }
}

function checkRestorable(file: string): void {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let check: Database;
  try {
    check = new Database(file, { readonly: true });
  } catch {
    throw new Error(`${file} is not an SQLite database`);
  }
  try {
    const ok = check.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check === "ok";
    if (!ok) throw new Error(`${file} is not a healthy SQLite database`);
    const hasSchema = check.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!hasSchema) throw new Error(`${file} is not a Charla database (no schema_migrations table)`);
    const newest = check.query<{ v: number | null }, []>("SELECT MAX(version) AS v FROM schema_migrations").get()?.v ?? 0;
    const known = Math.max(...migrations.map((m) => m.version));
    if (newest > known) throw new Error(`${file} comes from a newer Charla (schema ${newest}; this one knows up to ${known}): upgrade Charla first`);
  } catch (e) {
    if (e instanceof Error && /not a database|file is not a database/i.test(e.message)) throw new Error(`${file} is not an SQLite database`);
    throw e;
  } finally {
    check.close();
  }
}
