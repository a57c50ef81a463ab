import { outsideRequest } from "../observability/request-context.ts";

/**
 * Runs `pass` whenever work may be due: on kick(), and by a timer set to the next
 * due time the store reports. Passes never overlap; a kick during a pass runs
 * another pass right after. A pass that throws (or a failing `nextDueAt`) is
 * reported to `onError` and retried after a growing pause: the loop itself never
 * dies and never becomes an unhandled rejection. Used by every background worker.
 */
export class DueLoop {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;
  private failures = 0;

  constructor(
    private readonly opts: {
      /** Does one batch; returns true when more may be waiting right now. */
      pass: () => Promise<boolean>;
      nextDueAt: () => number | null;
      now: () => number;
      /** Subscribes `kick` to whatever announces new work; returns the unsubscriber. */
      wake?: (kick: () => void) => () => void;
      onError: (error: unknown, consecutiveFailures: number) => void;
    },
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.opts.wake?.(() => this.kick()) ?? null;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Outside any request: a kick from a request handler must not lend its request id
    // to this pass and every later one (the async context follows timers and promises).
    this.running = outsideRequest(() => this.runPass());
  }

  private runPass(): Promise<void> {
    let failed = false;
    // The pass starts inside a promise chain, so even a synchronous throw lands in catch().
    return Promise.resolve()
      .then(() => this.opts.pass())
      .then(
        (more) => {
          this.failures = 0;
          if (more) this.again = true;
        },
        (error: unknown) => {
          failed = true;
          this.failures++;
          this.report(error);
        },
      )
      .finally(() => {
        this.running = null;
        if (failed) {
          this.again = false;
          this.retryAfter(failurePauseMs(this.failures));
        } else if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    let next: number | null;
    try {
      next = this.opts.nextDueAt();
    } catch (error) {
      this.failures++;
      this.report(error);
      return this.retryAfter(failurePauseMs(this.failures));
    }
    if (next === null) {
      if (this.timer) clearTimeout(this.timer);
      return;
    }
    // Capped so a clock jump or a far-future row never parks the loop for long.
    this.retryAfter(Math.min(Math.max(0, next - this.opts.now()), 60_000));
  }

  private retryAfter(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), ms);
  }

  private report(error: unknown): void {
    try {
      this.opts.onError(error, this.failures);
    } catch {
      // A broken logger must not take the loop down either.
    }
  }
}

/** 1 s, 2 s, 4 s ... capped at one minute. */
export function failurePauseMs(consecutiveFailures: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, consecutiveFailures - 1), 60_000);
}
