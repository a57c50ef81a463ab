import type { Database } from "bun:sqlite";

/**
 * The last thing a stopping server does to its database: a checkpoint, so the
 * file on disk holds every committed write and the WAL is short for whoever
 * opens it next (a restore, a copy, the next start), then the close. PASSIVE
 * never waits on a reader: a replication process reading the WAL (Litestream)
 * keeps its place, and what it still holds is checkpointed on a later start.
 * Returns the WAL frames left uncheckpointed (0: the file is complete).
 */
export function checkpointAndClose(db: Database): { walFrames: number; left: number } {
  let walFrames = 0;
  let left = 0;
  try {
    const r = db.query<{ busy: number; log: number; checkpointed: number }, []>("PRAGMA wal_checkpoint(PASSIVE)").get();
    walFrames = Math.max(0, r?.log ?? 0);
    left = Math.max(0, walFrames - Math.max(0, r?.checkpointed ?? 0));
  } finally {
    db.close();
  }
  return { walFrames, left };
}
