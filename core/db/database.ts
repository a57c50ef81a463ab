import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Injection token of the one SQLite connection. Only core/db and `*-repository.ts`
 * files may ask for it (tests/static/boundaries.test.ts): everything else goes
 * through repositories and the UnitOfWork port, which keeps a second storage
 * engine possible.
 */
export const DATABASE = Symbol("Database");

/**
 * Opens the one SQLite file with the pragmas Charla relies on: WAL so readers never
 * wait for the writer, foreign keys on, a busy timeout instead of SQLITE_BUSY errors.
 * Repositories use `db.query(sql)`, which bun:sqlite compiles once and caches, so
 * every statement is prepared exactly once per process.
 */
export function openDatabase(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA synchronous = NORMAL");
  // What is deleted or overwritten (an old preview, an erased person's messages) is
  // zeroed inside its page instead of lingering in free space; FAST costs no extra
  // I/O. Erasure switches to full secure_delete for freed pages too (erasure-repository.ts).
  db.exec("PRAGMA secure_delete = FAST");
  return db;
}

export type { Database };
