import type { DependencyContainer } from "tsyringe";
import type { Database } from "bun:sqlite";
import { DATABASE } from "./database.ts";
import { SqliteUnitOfWork } from "./unit-of-work.ts";

/** Registers the connection (for repositories) and the UnitOfWork port (for services). */
export function registerStorage(c: DependencyContainer, db: Database, unitOfWorkToken: symbol): void {
  c.register(DATABASE, { useValue: db });
  c.register(unitOfWorkToken, { useValue: new SqliteUnitOfWork(db) });
}
