import type { Database } from "bun:sqlite";
import { migrations as bundled } from "./migrations/index.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies pending migrations, each in its own IMMEDIATE transaction together with
 * its bookkeeping row, so a crash leaves either all of a migration or none of it.
 * Safe to run on every start: applied versions are skipped.
 */
export function migrate(db: Database, list: readonly Migration[] = bundled): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db.query<{ version: number }, []>("SELECT version FROM schema_migrations").all().map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
    done.push(m.version);
  }
  return done;
}
