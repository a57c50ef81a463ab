import type { Subprocess } from "bun";
import { closeSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import { findLitestream, litestreamConfig, litestreamVersion, orphanPid, parseLogLine } from "./litestream.ts";
import { LogTail } from "./log-tail.ts";

export type ReplicationState = "off" | "starting" | "running" | "restarting" | "stopped";

export interface ReplicationStatus {
  state: ReplicationState;
  url: string;
  binary: string | null;
  version: string | null;
  pid: number | null;
  /** When the current litestream process started. */
  since: number | null;
  /** How many times it died and was started again since Charla started. */
  restarts: number;
  /** The last time litestream reported writing to the replica (a WAL segment or a snapshot). */
  lastSyncAt: number | null;
  lastError: { at: number; message: string } | null;
}

const STOP_GRACE_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;
/** A process that ran this long before dying was healthy: the next restart is quick again. */
const HEALTHY_RUN_MS = 60_000;

/**
 * Litestream (https://litestream.io) as Charla's child process when REPLICA_URL is
 * set: it follows the WAL of the one database file and ships every change to the
 * replica within about a second. Charla writes its config, starts it, logs what it
 * says, starts it again with a growing pause when it dies, and stops it last on
 * shutdown (after the database is closed, so the final writes reach the replica).
 */
@injectable()
export class ReplicationSupervisor {
  private proc: Subprocess | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  private failuresInARow = 0;
  private readonly state: ReplicationStatus;
  private readonly configFile: string;
  private readonly pidFile: string;
  private readonly log: LogTail;

  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.Clock) private readonly clock: Clock,
  ) {
    this.configFile = join(config.dataDir, "litestream.yml");
    this.pidFile = join(config.dataDir, "litestream.pid");
    this.log = new LogTail(join(config.dataDir, "litestream.log"), (line) => this.onLine(line));
    this.state = { state: "off", url: config.replicaUrl, binary: null, version: null, pid: null, since: null, restarts: 0, lastSyncAt: null, lastError: null };
  }

  get enabled(): boolean {
    return this.config.replicaUrl !== "";
  }

  /**
   * Starts replication when REPLICA_URL is set. A missing litestream executable
   * stops the start: an operator who asked for disaster recovery must not run
   * without it unknowingly.
   */
  start(): void {
    if (!this.enabled) return;
    const binary = findLitestream(this.config);
    if (!binary) {
      throw new Error(
        `REPLICA_URL is set but no litestream executable was found (LITESTREAM_PATH${this.config.litestreamPath ? ` = ${this.config.litestreamPath}` : " is empty"}; looked next to the binary, in node_modules and on PATH)`,
      );
    }
    this.state.binary = binary;
    this.state.version = litestreamVersion(binary);
    this.stopOrphan();
    writeFileSync(this.configFile, litestreamConfig(this.config));
    this.stopping = false;
    this.spawn();
  }

  status(): ReplicationStatus {
    return { ...this.state, lastError: this.state.lastError ? { ...this.state.lastError } : null };
  }

  /** SIGTERM (litestream then ships what it has not yet), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const proc = this.proc;
    if (proc) {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(STOP_GRACE_MS).then(() => false)]);
      if (!exited) {
        this.logger.warn("litestream did not stop in time; killing it", { pid: proc.pid });
        proc.kill("SIGKILL");
        await proc.exited;
      }
    }
    rmSync(this.pidFile, { force: true });
    if (this.state.state !== "off") this.state.state = "stopped";
  }

  private spawn(): void {
    const binary = this.state.binary!;
    this.state.state = this.state.restarts ? "restarting" : "starting";
    let proc: Subprocess;
    const logFd = this.log.open();
    try {
      proc = Bun.spawn([binary, "replicate", "-config", this.configFile, "-no-expand-env"], { stdin: "ignore", stdout: logFd, stderr: logFd, env: process.env });
    } catch (e) {
      this.noteError(e instanceof Error ? e.message : String(e));
      this.scheduleRestart(0);
      return;
    } finally {
      closeSync(logFd);
    }
    this.proc = proc;
    const startedAt = this.clock.now();
    this.state.pid = proc.pid;
    this.state.since = startedAt;
    // Named in DATA_DIR so the next start can stop it if this Charla is killed and leaves it behind.
    writeFileSync(this.pidFile, String(proc.pid));
    this.logger.info("litestream started", { pid: proc.pid, replica: this.config.replicaUrl, version: this.state.version ?? undefined, log: this.log.path });
    this.log.start();
    void proc.exited.then((code) => {
      this.log.read();
      this.log.stop();
      if (this.proc === proc) this.proc = null;
      this.state.pid = null;
      if (this.stopping) return;
      const ranMs = this.clock.now() - startedAt;
      this.noteError(`litestream exited (code ${code ?? "?"}${proc.signalCode ? `, ${proc.signalCode}` : ""}) after ${Math.round(ranMs / 1000)} s`);
      this.scheduleRestart(ranMs);
    });
  }

  private scheduleRestart(ranMs: number): void {
    this.failuresInARow = ranMs >= HEALTHY_RUN_MS ? 1 : this.failuresInARow + 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failuresInARow - 1));
    this.state.state = "restarting";
    this.logger.warn("litestream will be started again", { inMs: delay, restarts: this.state.restarts + 1 });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopping) return;
      this.state.restarts++;
      this.spawn();
    }, delay);
  }

  /** Litestream's log lines become Charla's (JSON, with `litestream: true`); its steady "segment written" chatter only at debug. */
  private onLine(line: string): void {
    if (!line) return;
    const f = parseLogLine(line);
    const msg = f.msg ?? line;
    const level = (f.level ?? "INFO").toUpperCase();
    const fields = { litestream: true, ...Object.fromEntries(Object.entries(f).filter(([k]) => !["time", "level", "msg"].includes(k))) };
    if (msg === "wal segment written" || msg === "snapshot written") {
      this.state.lastSyncAt = this.clock.now();
      if (this.state.state === "starting" || this.state.state === "restarting") this.state.state = "running";
      this.logger.debug(`litestream: ${msg}`, fields);
      return;
    }
    if (msg === "replicating to" && this.state.state !== "running") this.state.state = "running";
    if (level === "ERROR") {
      this.noteError(f.error ? `${msg}: ${f.error}` : msg);
      this.logger.error(`litestream: ${msg}`, fields);
    } else if (level === "WARN") this.logger.warn(`litestream: ${msg}`, fields);
    else if (/^(write wal segment|write snapshot)$/.test(msg)) this.logger.debug(`litestream: ${msg}`, fields);
    else this.logger.info(`litestream: ${msg}`, fields);
  }

  private noteError(message: string): void {
    this.state.lastError = { at: this.clock.now(), message };
  }

  /** A litestream left by a Charla that was killed: two on one database would fight over its WAL. */
  private stopOrphan(): void {
    const pid = orphanPid(this.pidFile, this.configFile);
    if (pid === null) return;
    this.logger.warn("stopping the litestream a previous Charla left running", { pid });
    try {
      process.kill(pid, "SIGTERM");
      const deadline = Date.now() + STOP_GRACE_MS;
      while (Date.now() < deadline && existsSync(`/proc/${pid}`) && !isZombie(pid)) Bun.sleepSync(50);
      if (existsSync(`/proc/${pid}`) && !isZombie(pid)) process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
