import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export interface RowError {
  /** 1-based data row (the header is row 0). */
  row: number;
  /** Column header the problem is in, when there is one. */
  column?: string;
  /** A message key, or the field's own worded message. */
  reason: string | { es: string; en: string };
}

export interface ImportJob {
  id: number;
  companyId: number;
  status: "running" | "done" | "failed";
  dryRun: boolean;
  duplicates: "merge" | "skip";
  total: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  errors: RowError[];
  failure: string | null;
  createdAt: number;
  finishedAt: number | null;
}

type Row = Omit<ImportJob, "dryRun" | "errors"> & { dryRun: number; errors: string };
const COLUMNS = `id, company_id AS companyId, status, dry_run AS dryRun, duplicates, total, processed, created, updated, skipped, errors, failure,
  created_at AS createdAt, finished_at AS finishedAt`;

/** CSV imports: their progress while they run and their report afterwards. */
@injectable()
export class ImportJobRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  insert(companyId: number, dryRun: boolean, duplicates: "merge" | "skip", total: number, createdBy: number | null, now: number): number {
    return Number(
      this.db
        .query("INSERT INTO import_jobs (company_id, status, dry_run, duplicates, total, created_by, created_at) VALUES (?, 'running', ?, ?, ?, ?, ?)")
        .run(companyId, dryRun ? 1 : 0, duplicates, total, createdBy, now).lastInsertRowid,
    );
  }

  get(companyId: number, id: number): ImportJob | null {
    const r = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM import_jobs WHERE company_id = ? AND id = ?`).get(companyId, id);
    return r ? { ...r, dryRun: r.dryRun === 1, errors: JSON.parse(r.errors) as RowError[] } : null;
  }

  progress(id: number, p: { processed: number; created: number; updated: number; skipped: number }): void {
    this.db.query("UPDATE import_jobs SET processed = ?, created = ?, updated = ?, skipped = ? WHERE id = ?").run(p.processed, p.created, p.updated, p.skipped, id);
  }

  setTotal(id: number, total: number): void {
    this.db.query("UPDATE import_jobs SET total = ? WHERE id = ?").run(total, id);
  }

  finish(id: number, errors: RowError[], now: number): void {
    this.db.query("UPDATE import_jobs SET status = 'done', errors = ?, finished_at = ? WHERE id = ?").run(JSON.stringify(errors), now, id);
  }

  fail(id: number, failure: string, errors: RowError[], now: number): void {
    this.db.query("UPDATE import_jobs SET status = 'failed', failure = ?, errors = ?, finished_at = ? WHERE id = ?").run(failure, JSON.stringify(errors), now, id);
  }

  /** After a restart: an import that was running when the process stopped will not finish. */
  failInterrupted(now: number): number {
    return this.db.query("UPDATE import_jobs SET status = 'failed', failure = 'interrupted', finished_at = ? WHERE status = 'running'").run(now).changes;
  }

  running(companyId: number): number {
    return this.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM import_jobs WHERE company_id = ? AND status = 'running'").get(companyId)!.n;
  }
}
