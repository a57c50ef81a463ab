import type { Database } from "bun:sqlite";
import { inject, injectable } from "tsyringe";
import { T } from "../tokens.ts";
import type { Queue, QueueListItem } from "./queue.ts";

const COLUMNS = "q.id, q.company_id AS companyId, q.name, q.created_at AS createdAt";
const LIST = `SELECT ${COLUMNS}, (SELECT COUNT(*) FROM user_queues uq WHERE uq.queue_id = q.id) AS members FROM queues q`;

@injectable()
export class QueueRepository {
  constructor(@inject(T.Database) private readonly db: Database) {}

  page(companyId: number, limit: number, offset: number): { rows: QueueListItem[]; total: number } {
    const rows = this.db
      .query<QueueListItem, [number, number, number]>(`${LIST} WHERE q.company_id = ? ORDER BY q.name LIMIT ? OFFSET ?`)
      .all(companyId, limit, offset);
    const total = this.db
      .query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM queues WHERE company_id = ?")
      .get(companyId)!.n;
    return { rows, total };
  }

  after(companyId: number, afterId: number, limit: number): QueueListItem[] {
    return this.db
      .query<QueueListItem, [number, number, number]>(`${LIST} WHERE q.company_id = ? AND q.id > ? ORDER BY q.id LIMIT ?`)
      .all(companyId, afterId, limit);
  }

  /** Every queue of a company, for pickers ("Asignar cola"). */
  options(companyId: number): { id: number; name: string }[] {
    return this.db
      .query<{ id: number; name: string }, [number]>("SELECT id, name FROM queues WHERE company_id = ? ORDER BY name")
      .all(companyId);
  }

  get(companyId: number, id: number): Queue | null {
    return this.db
      .query<Queue, [number, number]>(`SELECT ${COLUMNS} FROM queues q WHERE q.company_id = ? AND q.id = ?`)
      .get(companyId, id);
  }

  nameTaken(companyId: number, name: string, exceptId = 0): boolean {
    return !!this.db.query("SELECT 1 FROM queues WHERE company_id = ? AND name = ? AND id <> ?").get(companyId, name, exceptId);
  }

  /** How many of `ids` are queues of this company (tenant check for assignments). */
  countOwned(companyId: number, ids: number[]): number {
    if (ids.length === 0) return 0;
    return this.db
      .query<{ n: number }, [number, string]>(
        "SELECT COUNT(*) AS n FROM queues WHERE company_id = ? AND id IN (SELECT value FROM json_each(?))",
      )
      .get(companyId, JSON.stringify(ids))!.n;
  }

  insert(companyId: number, name: string, now: number): number {
    const r = this.db.query("INSERT INTO queues (company_id, name, created_at) VALUES (?, ?, ?)").run(companyId, name, now);
    return Number(r.lastInsertRowid);
  }

  rename(companyId: number, id: number, name: string): void {
    this.db.query("UPDATE queues SET name = ? WHERE company_id = ? AND id = ?").run(name, companyId, id);
  }

  delete(companyId: number, id: number): void {
    this.db.query("DELETE FROM queues WHERE company_id = ? AND id = ?").run(companyId, id);
  }
}
