/**
 * The WAL checkpointer's thread (started by core/db/wal-checkpointer.ts): its own
 * connection to the database file, running PASSIVE checkpoints on a timer. PASSIVE
 * copies what it can without waiting for, or blocking, the server's connection,
 * so the copying and the fsync of the database file happen here instead of in
 * whichever request's commit crossed the autocheckpoint threshold.
 *
 * `bun run build` lists this file as an entrypoint: a compiled binary without it
 * would fail to start this worker (and fall back to checkpoints in the request path).
 */
import { Database } from "bun:sqlite";

export type CheckpointerRequest = { type: "start"; path: string; intervalMs: number } | { type: "stop" };
export type CheckpointerReport =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "stopped" };

declare const self: Worker;

let db: Database | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

function report(r: CheckpointerReport): void {
  self.postMessage(r);
}

function checkpoint(): void {
  try {
    db!.query("PRAGMA wal_checkpoint(PASSIVE)").get();
  } catch (e) {
    // SQLITE_BUSY (another checkpoint running) is harmless: the next tick tries again.
    if (!(e instanceof Error && /busy|locked/i.test(e.message))) throw e;
  }
}

self.onmessage = (event: MessageEvent<CheckpointerRequest>) => {
  const m = event.data;
  if (m.type === "start") {
    try {
      db = new Database(m.path, { readwrite: true, create: false });
      db.exec("PRAGMA busy_timeout = 0");
      checkpoint();
      timer = setInterval(() => {
        try {
          checkpoint();
        } catch (e) {
          if (timer) clearInterval(timer);
          report({ type: "failed", message: e instanceof Error ? e.message : String(e) });
        }
      }, m.intervalMs);
      report({ type: "ready" });
    } catch (e) {
      report({ type: "failed", message: e instanceof Error ? e.message : String(e) });
    }
  } else {
    if (timer) clearInterval(timer);
    try {
      db?.close();
    } finally {
      report({ type: "stopped" });
    }
  }
};
