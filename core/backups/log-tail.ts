import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, truncateSync } from "node:fs";

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * A child's log written to a file (opened O_APPEND) instead of a pipe, read here
 * by polling. Why not a pipe: when Charla dies, a Go program writing to a closed
 * pipe dies of SIGPIPE at its next log line, and litestream would stop shipping
 * the last writes the moment it is most needed. With a file it outlives Charla,
 * finishes, and the next start stops it. The file is truncated past 5 MB (appends
 * continue at its new end) and the previous run's is kept as `.1`.
 */
export class LogTail {
  private offset = 0;
  private rest = "";
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly decoder = new TextDecoder();

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Moves the previous run's log aside and returns an append-only descriptor for the child (close it after spawning). */
  open(): number {
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    this.offset = 0;
    this.rest = "";
    return openSync(this.path, "a");
  }

  start(everyMs = 500): void {
    this.stop();
    this.timer = setInterval(() => this.read(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads what was appended since the last call and hands over each complete line. */
  read(): void {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0;
      const buf = Buffer.allocUnsafe(64 * 1024);
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.rest += this.decoder.decode(buf.subarray(0, n), { stream: true });
        let nl: number;
        while ((nl = this.rest.indexOf("\n")) >= 0) {
          const line = this.rest.slice(0, nl).trim();
          this.rest = this.rest.slice(nl + 1);
          if (line) this.onLine(line);
        }
      }
      if (this.offset > MAX_BYTES) {
        truncateSync(this.path, 0);
        this.offset = 0;
      }
    } finally {
      closeSync(fd);
    }
  }
}
