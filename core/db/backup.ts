import { Database } from "bun:sqlite";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { openDatabase } from "./database.ts";
import { migrate } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";

/** What a backup was taken for; part of its file name. */
export type BackupKind = "auto" | "manual" | "upgrade" | "pre-restore";

/** charla-20261202-030000-123-auto.db: UTC time to the millisecond, then the kind. */
export const BACKUP_NAME = /^charla-(\d{8})-(\d{6})-(\d{3})-(auto|manual|upgrade|pre-restore)\.db$/;

export function backupFileName(at: number, kind: BackupKind): string {
  const iso = new Date(at).toISOString(); // 2026-12-02T03:00:00.123Z
  return `charla-${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}-${iso.slice(20, 23)}-${kind}.db`;
}

/**
 * A consistent copy of the live database while the server keeps writing: `VACUUM
 * INTO` reads one snapshot (WAL readers never block the writer) and writes a
 * compact file. It goes to `<target>.partial` first, is checked and fsynced, then
 * renamed, so a crash mid-backup never leaves a file that looks like a backup.
 * Synchronous: for the CLI and the upgrade backup at start (nothing served yet).
 */
export function backupDatabase(databasePath: string, target: string): void {
  if (existsSync(target)) throw new Error(`${target} already exists`);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    const db = new Database(databasePath, { readwrite: true, create: false });
    try {
      db.exec("PRAGMA busy_timeout = 5000");
      db.query("VACUUM INTO ?").run(partial);
    } finally {
      db.close();
    }
    verifyCopy(partial);
    durableRename(partial, target);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/**
 * The same copy made on a worker thread with its own connection: a large database
 * takes seconds to copy, and bun:sqlite is synchronous, so on the server's thread
 * it would stall every request meanwhile. The worker's code is inline (a blob URL)
 * so the compiled binary needs no extra entrypoint for it.
 */
export function backupInBackground(databasePath: string, target: string): { done: Promise<void>; cancel(): void } {
  if (existsSync(target)) throw new Error(`${target} already exists`);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const worker = new Worker(WORKER_URL());
  let settle: (error: Error | null) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => {
      worker.terminate();
      if (error) {
        rmSync(partial, { force: true });
        reject(error);
      } else resolve();
    };
  });
  worker.onmessage = (event: MessageEvent<{ ok: boolean; error?: string }>) => {
    if (!event.data.ok) return settle(new Error(event.data.error ?? "backup failed"));
    try {
      // Checked and fsynced on the worker already: only the rename is left here.
      renameDurably(partial, target);
      settle(null);
    } catch (e) {
      settle(e as Error);
    }
  };
  worker.onerror = (event) => settle(new Error(event.message || "backup worker failed"));
  worker.postMessage({ databasePath, partial });
  return { done, cancel: () => settle(new Error("backup cancelled")) };
}

// Runs on the worker: its own connection, the copy, the same checks as
// verifyCopy() and the fsync, so none of the slow parts runs on the server's thread.
const WORKER_SOURCE = `import { Database } from "bun:sqlite";
import { closeSync, fsyncSync, openSync } from "node:fs";
self.onmessage = (event) => {
  const { databasePath, partial } = event.data;
  let db;
  try {
    db = new Database(databasePath, { readwrite: true, create: false });
    db.exec("PRAGMA busy_timeout = 5000");
    db.query("VACUUM INTO ?").run(partial);
    db.close();
    db = new Database(partial, { readwrite: true, create: false });
    const check = db.query("PRAGMA quick_check").get()?.quick_check;
    if (check !== "ok") throw new Error("the copy failed SQLite's quick_check (" + (check ?? "no answer") + ")");
    db.exec("PRAGMA journal_mode = DELETE");
    db.close();
    db = undefined;
    const fd = openSync(partial, "r+");
    try { fsyncSync(fd); } finally { closeSync(fd); }
    postMessage({ ok: true });
  } catch (e) {
    postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  } finally {
    try { db?.close(); } catch {}
  }
};`;
let workerUrl: string | null = null;
const WORKER_URL = () => (workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" })));

/** A copy that cannot be opened or fails quick_check is no backup: refuse to keep it. */
function verifyCopy(file: string): void {
  const db = new Database(file, { readwrite: true, create: false });
  try {
    const check = db.query<{ quick_check: string }, []>("PRAGMA quick_check").get()?.quick_check;
    if (check !== "ok") throw new Error(`the copy failed SQLite's quick_check (${check ?? "no answer"})`);
    // The copy is a plain file on its own: no -wal beside it when it is downloaded or moved.
    db.exec("PRAGMA journal_mode = DELETE");
  } finally {
    db.close();
  }
}

/** fsync the file, rename it into place, fsync the folder: the backup survives a power cut once listed. */
function durableRename(from: string, to: string): void {
  const fd = openSync(from, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameDurably(from, to);
}

function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  const dir = openSync(dirname(to), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Before migrations run on an existing database (an upgrade), a copy of it as it
 * was: a migration that goes wrong, or a new version that must be rolled back,
 * leaves the data of the old one. A new, empty database needs none.
 */
export function backupBeforeMigrations(db: Database, databasePath: string, backupDir: string, now = Date.now()): string | null {
  const hasSchema = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasSchema) return null;
  const applied = new Set(db.query<{ version: number }, []>("SELECT version FROM schema_migrations").all().map((r) => r.version));
  if (applied.size === 0 || migrations.every((m) => applied.has(m.version))) return null;
  const target = join(backupDir, backupFileName(now, "upgrade"));
  backupDatabase(databasePath, target);
  return target;
}

/** The schema versions this build knows: a database with any other cannot be run by it. */
const KNOWN = new Set(migrations.map((m) => m.version));
const NEWEST = Math.max(...KNOWN);

/**
 * Checks that `file` is a healthy Charla database this version can run: SQLite
 * opens it, integrity_check passes, it has schema_migrations, and every version
 * in it is one this build knows (an older database is fine: migrations bring it
 * forward). Throws an Error saying what is wrong; reads only.
 */
export function checkRestorable(file: string): { version: number } {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let check: Database;
  try {
    check = new Database(file, { readonly: true });
  } catch {
    throw new Error(`${file} is not an SQLite database`);
  }
  try {
    const ok = check.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check === "ok";
    if (!ok) throw new Error(`${file} is damaged (SQLite's integrity_check failed): it cannot be restored`);
    const hasSchema = check.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!hasSchema) throw new Error(`${file} is not a Charla database (no schema_migrations table)`);
    const versions = check.query<{ version: number }, []>("SELECT version FROM schema_migrations ORDER BY version").all().map((r) => r.version);
    if (versions.length === 0) throw new Error(`${file} is not a Charla database (no migrations applied)`);
    const newest = versions[versions.length - 1]!;
    if (newest > NEWEST) throw new Error(`${file} comes from a newer Charla (schema ${newest}; this one knows up to ${NEWEST}): upgrade Charla first`);
    const unknown = versions.filter((v) => !KNOWN.has(v));
    if (unknown.length) throw new Error(`${file} has schema versions this Charla does not know (${unknown.join(", ")}): it comes from another build`);
    return { version: newest };
  } catch (e) {
    if (e instanceof Error && /not a database|file is not a database|malformed/i.test(e.message)) throw new Error(`${file} is not an SQLite database`);
    throw e;
  } finally {
    check.close();
  }
}

/**
 * Replaces the live file with `file` after checkRestorable, keeping a copy of the
 * database it replaces in `safetyDir` first (returned; null when there was none).
 * The caller holds the DATA_DIR lock, so no server has the file open.
 */
export function restoreDatabase(databasePath: string, file: string, safetyDir: string, now = Date.now()): { safetyCopy: string | null; version: number } {
  const { version } = checkRestorable(file);
  let safetyCopy: string | null = null;
  if (existsSync(databasePath)) {
    safetyCopy = join(safetyDir, backupFileName(now, "pre-restore"));
    backupDatabase(databasePath, safetyCopy);
  }
  mkdirSync(dirname(databasePath), { recursive: true });
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
  return { safetyCopy, version };
}
