import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { isCompiledBinary } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { CheckpointerReport, CheckpointerRequest } from "./checkpoint-worker.ts";

/** How often the worker checkpoints: the WAL stays a fraction of a second long. */
const INTERVAL_MS = 200;
/**
 * The server's own connection checkpoints only past this many WAL pages (16 MB;
 * SQLite's default is 1000): a fallback should the worker fall behind, not the rule.
 */
const FALLBACK_AUTOCHECKPOINT = 4000;
const DEFAULT_AUTOCHECKPOINT = 1000;
const STOP_TIMEOUT_MS = 2_000;

export interface CheckpointerTiming {
  /** How often the WAL file is looked at (one stat). */
  tickMs: number;
  /** Consecutive ticks with writes before the worker starts: a burst at start-up is no load. */
  wakeTicks: number;
  /** Consecutive quiet ticks before it stops again. */
  sleepTicks: number;
}

const TIMING: CheckpointerTiming = { tickMs: 1_000, wakeTicks: 3, sleepTicks: 60 };

/**
 * The worker's module. From a checkout it sits beside this file. In the binary
 * every module's import.meta.url is the executable's, at the root of the bundle,
 * and the root is core/ (the common folder of `bun run build`'s entrypoints).
 */
function workerUrl(): URL {
  return isCompiledBinary() ? new URL("./db/checkpoint-worker.ts", import.meta.url) : new URL("./checkpoint-worker.ts", import.meta.url);
}

/**
 * Checkpoints the WAL off the request path. Without it, the commit that crosses
 * SQLite's autocheckpoint threshold (1000 pages, a few seconds of webhooks) copies
 * the WAL into the database file and fsyncs it before its transaction returns: a
 * stall for the requests of that moment. A Worker thread with its own connection
 * runs PASSIVE checkpoints every INTERVAL_MS instead (PASSIVE never waits for the
 * server's connection, nor for a replica's reader), and the server's connection
 * keeps a higher threshold as a fallback.
 *
 * A worker is a JavaScript engine of its own (about 6 MB resident), so it runs
 * only while the server writes: started once the WAL file has been written in
 * `wakeTicks` consecutive seconds, stopped after `sleepTicks` quiet ones, when
 * SQLite's default threshold applies again (a trickle of writes needs no help). If
 * the worker cannot start or fails, the server says so and stays on the default.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private running = false;
  private broken = false;
  private watch: ReturnType<typeof setInterval> | null = null;
  private lastWrite: number | undefined;
  private busyTicks = 0;
  private quietTicks = 0;

  constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly logger: Logger,
    private readonly timing: CheckpointerTiming = TIMING,
  ) {}

  /** True while a worker runs and has made its first checkpoint (tests, status). */
  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.path === ":memory:" || this.watch) return;
    this.lastWrite = this.walWrittenAt();
    this.watch = setInterval(() => this.tick(), this.timing.tickMs);
    this.watch.unref();
  }

  /** Ends the watch and the worker (its connection closed first); the caller closes the server's connection after. */
  async stop(): Promise<void> {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    await this.retire();
  }

  private walWrittenAt(): number | undefined {
    return statSync(`${this.path}-wal`, { throwIfNoEntry: false })?.mtimeMs;
  }

  private tick(): void {
    const at = this.walWrittenAt();
    const written = at !== undefined && at !== this.lastWrite;
    this.lastWrite = at;
    if (written) {
      this.quietTicks = 0;
      if (++this.busyTicks >= this.timing.wakeTicks && !this.worker && !this.broken) this.spawn();
    } else {
      this.busyTicks = 0;
      if (this.worker && ++this.quietTicks >= this.timing.sleepTicks) void this.retire();
    }
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl(), { smol: true });
    } catch (error) {
      this.broken = true;
      this.logger.error("WAL checkpointer could not start; checkpoints stay in the request path", { error });
      return;
    }
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<CheckpointerReport>) => {
      const r = event.data;
      if (r.type === "ready") {
        this.running = true;
        this.db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
        this.logger.info("WAL checkpoints run in a worker thread", { everyMs: INTERVAL_MS, fallbackPages: FALLBACK_AUTOCHECKPOINT });
      } else if (r.type === "failed") this.fail(r.message);
    };
    worker.onerror = (event) => this.fail(event.message);
    worker.postMessage({ type: "start", path: this.path, intervalMs: INTERVAL_MS } satisfies CheckpointerRequest);
  }

  /** The worker goes (quiet, or the server stops): the server's connection is back on SQLite's default. */
  private async retire(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.running = false;
    this.quietTicks = 0;
    this.autocheckpoint(DEFAULT_AUTOCHECKPOINT);
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, STOP_TIMEOUT_MS);
      worker.onmessage = (event: MessageEvent<CheckpointerReport>) => {
        if (event.data.type === "stopped") (clearTimeout(timeout), resolve());
      };
      worker.onerror = () => (clearTimeout(timeout), resolve());
      worker.postMessage({ type: "stop" } satisfies CheckpointerRequest);
    });
    worker.terminate();
    this.logger.debug("WAL checkpointer stopped");
  }

  private fail(message: string): void {
    this.logger.error("WAL checkpointer failed; checkpoints are back in the request path", { error: message });
    this.broken = true;
    this.running = false;
    this.worker?.terminate();
    this.worker = null;
    this.autocheckpoint(DEFAULT_AUTOCHECKPOINT);
  }

  private autocheckpoint(pages: number): void {
    try {
      this.db.exec(`PRAGMA wal_autocheckpoint = ${pages}`);
    } catch {
      // The connection is closing: nothing left to protect.
    }
  }
}
