import { Cron } from "croner";
import { join } from "node:path";
import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { backupFileName, backupInBackground, type BackupKind } from "../db/backup.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import { clearPartials, listBackups, pruneBackups, type BackupFile } from "./backup-files.ts";

export interface BackupStatus {
  dir: string;
  /** Croner pattern; empty when only manual backups are taken. */
  schedule: string;
  keep: number;
  nextRunAt: number | null;
  running: { kind: BackupKind; since: number } | null;
  last: BackupFile | null;
  /** The last attempt's failure, while no backup has succeeded since. */
  failure: { at: number; message: string } | null;
  backups: BackupFile[];
}

/**
 * Backups on a schedule and on demand: consistent online copies (core/db/backup.ts)
 * made on a worker thread, so the server keeps answering while a large database is
 * copied, then the oldest beyond BACKUP_KEEP are removed. One backup at a time: a
 * second request while one runs gets the same one.
 */
@injectable()
export class BackupService {
  private current: { kind: BackupKind; since: number; done: Promise<BackupFile>; cancel(): void } | null = null;
  private failure: { at: number; message: string } | null = null;
  private cron: Cron | null = null;

  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  /** Starts the schedule (when there is one); returns the stop, which also cancels a backup in progress. */
  start(): () => void {
    clearPartials(this.config.backupDir);
    if (this.config.backupSchedule) {
      this.cron = new Cron(this.config.backupSchedule, { protect: true, catch: (error) => this.logger.error("scheduled backup failed", { error }) }, async () => {
        await this.run("auto");
      });
    }
    return () => {
      this.cron?.stop();
      this.cron = null;
      this.current?.cancel();
    };
  }

  run(kind: BackupKind): Promise<BackupFile> {
    if (this.current) return this.current.done;
    const since = this.clock.now();
    const name = backupFileName(since, kind);
    const target = join(this.config.backupDir, name);
    let job: ReturnType<typeof backupInBackground>;
    try {
      job = backupInBackground(this.config.databasePath, target);
    } catch (e) {
      this.failed(since, e);
      return Promise.reject(e);
    }
    const done = job.done.then(
      () => {
        this.current = null;
        this.failure = null;
        const file = listBackups(this.config.backupDir).find((f) => f.name === name);
        const removed = pruneBackups(this.config.backupDir, this.config.backupKeep);
        this.logger.info("backup written", { file: target, kind, bytes: file?.size ?? 0, ms: this.clock.now() - since, removed: removed.length ? removed : undefined });
        return file ?? { name, path: target, kind, takenAt: since, size: 0 };
      },
      (e: unknown) => {
        this.current = null;
        this.failed(since, e);
        throw e;
      },
    );
    this.current = { kind, since, done, cancel: job.cancel };
    return done;
  }

  /** Starts one now for the panel's button; it finishes in the background (its outcome is in status()). */
  startNow(): void {
    this.run("manual").catch(() => {
      // Recorded as status().failure and logged by run().
    });
  }

  status(): BackupStatus {
    const backups = listBackups(this.config.backupDir);
    const last = backups[0] ?? null;
    return {
      dir: this.config.backupDir,
      schedule: this.config.backupSchedule,
      keep: this.config.backupKeep,
      nextRunAt: this.cron?.nextRun()?.getTime() ?? null,
      running: this.current ? { kind: this.current.kind, since: this.current.since } : null,
      last,
      failure: this.failure && (!last || this.failure.at > last.takenAt) ? this.failure : null,
      backups,
    };
  }

  /** A listed backup by its file name (the download route's only way to a path). */
  file(name: string): BackupFile {
    const file = listBackups(this.config.backupDir).find((f) => f.name === name);
    if (!file) throw AppError.notFound();
    return file;
  }

  private failed(at: number, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.failure = { at, message };
    this.logger.error("backup failed", { error: message, dir: this.config.backupDir });
  }
}
