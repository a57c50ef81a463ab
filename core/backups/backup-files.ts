import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { BACKUP_NAME, type BackupKind } from "../db/backup.ts";

export interface BackupFile {
  name: string;
  path: string;
  kind: BackupKind;
  /** When the copy began (UTC epoch ms, from its name: a copied file keeps it). */
  takenAt: number;
  size: number;
}

/**
 * The backups folder is the record of backups: what is listed, downloaded and
 * pruned is what the files say, so a file an operator copies in or deletes by hand
 * is never contradicted by a table. Only names Charla writes are listed or pruned;
 * anything else in the folder is left alone.
 */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    const m = BACKUP_NAME.exec(name);
    if (!m) continue;
    const [, d, t, ms, kind] = m as unknown as [string, string, string, string, BackupKind];
    const takenAt = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6), +ms);
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) files.push({ name, path: join(dir, name), kind, takenAt, size: st.size });
    } catch {
      // Removed between readdir and stat (a prune running meanwhile): not a backup any more.
    }
  }
  return files.sort((a, b) => b.takenAt - a.takenAt || b.name.localeCompare(a.name));
}

/** Keeps the newest `keep` backups; returns the names removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const removed: string[] = [];
  for (const old of listBackups(dir).slice(keep)) {
    rmSync(old.path, { force: true });
    removed.push(old.name);
  }
  return removed;
}

/** Copies cut off by a crash or a stop (`*.partial`) are never backups: clear them. */
export function clearPartials(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^charla-.*\.db\.partial(-wal|-shm|-journal)?$/.test(name)) rmSync(join(dir, name), { force: true });
}
