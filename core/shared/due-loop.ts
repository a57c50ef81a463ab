/**
 * Runs `pass` whenever work may be due: on kick(), and by a timer set to the next
 * due time the store reports. Passes never overlap; a kick during a pass runs
 * another pass right after. Used by the outbox and the media fetcher.
 */
export class DueLoop {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;

  constructor(
    /** Does one batch; returns true when a full batch suggests more is waiting. */
    private readonly pass: () => Promise<boolean>,
    private readonly nextDueAt: () => number | null,
    private readonly now: () => number,
    /** Subscribes `kick` to whatever announces new work; returns the unsubscriber. */
    private readonly wake: (kick: () => void) => () => void = () => () => {},
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.wake(() => this.kick());
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
    this.running = this.pass()
      .then((more) => {
        if (more) this.again = true;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
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
    if (this.timer) clearTimeout(this.timer);
    const next = this.nextDueAt();
    if (next === null) return;
    // Capped so a clock jump or a far-future row never parks the loop for long.
    this.timer = setTimeout(() => this.kick(), Math.min(Math.max(0, next - this.now()), 60_000));
  }
}
