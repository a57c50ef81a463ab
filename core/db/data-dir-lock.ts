import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const LOCK_FILE = "charla.lock";
const INFO_FILE = "charla.lock.json";

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: { pid: number; purpose: string; since: string } | null,
  ) {
    const who = holder ? `${holder.purpose === "restore" ? "a restore" : "a Charla server"} (pid ${holder.pid}, since ${holder.since})` : "another Charla process";
    super(`${who} is using the data directory ${dataDir}; stop it first (one server per DATA_DIR)`);
    this.name = "DataDirLockedError";
  }
}

/**
 * One server (or restore) per DATA_DIR. The lock is an OS file lock taken through
 * SQLite on a small side file (exclusive locking mode): the kernel drops it when
 * the process dies, even by SIGKILL, so a crash never leaves a stale lock behind,
 * and PID reuse (every container's server is PID 1) cannot fool it. A side JSON
 * file only names the holder for the error message.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database,
    private readonly dataDir: string,
  ) {}

  static acquire(dataDir: string, purpose: "serve" | "restore"): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, LOCK_FILE), { create: true });
    try {
      db.exec("PRAGMA busy_timeout = 0");
      db.exec("PRAGMA journal_mode = DELETE");
      db.exec("PRAGMA locking_mode = EXCLUSIVE");
      // The first write in exclusive mode takes the lock and keeps it until close().
      db.exec("BEGIN EXCLUSIVE");
      db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER)");
      db.exec("COMMIT");
    } catch {
      db.close();
      throw new DataDirLockedError(dataDir, readHolder(dataDir));
    }
    writeFileSync(join(dataDir, INFO_FILE), JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
    return new DataDirLock(db, dataDir);
  }

  release(): void {
    rmSync(join(this.dataDir, INFO_FILE), { force: true });
    this.db.close();
  }
}

function readHolder(dataDir: string): { pid: number; purpose: string; since: string } | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, INFO_FILE), "utf8")) as { pid: number; purpose: string; since: string };
  } catch {
    return null;
  }
}
