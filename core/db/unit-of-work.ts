import type { Database } from "bun:sqlite";

/**
 * The one way services group writes: `uow.run(() => { repoA.x(); repoB.y(); })`
 * commits all of it or none. Services never see the connection; a second storage
 * engine implements this port and its repositories, nothing else.
 */
export interface UnitOfWork {
  /**
   * Runs `work` in one write transaction (SQLite: BEGIN IMMEDIATE, so the write lock
   * is taken before the first read and check-then-insert cannot race). A nested call
   * joins the outer transaction as a savepoint. `work` must be synchronous.
   */
  run<R>(work: () => R): R;
}

export class SqliteUnitOfWork implements UnitOfWork {
  constructor(private readonly db: Database) {}

  run<R>(work: () => R): R {
    return this.db.transaction(work).immediate();
  }
}
