import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { AssignmentStrategy, Queue, QueueListItem } from "./queue.ts";

const COLUMNS = "q.id, q.company_id AS companyId, q.name, q.strategy, q.max_per_agent AS maxPerAgent, q.created_at AS createdAt";
const LIST = `SELECT ${COLUMNS}, (SELECT COUNT(*) FROM user_queues uq WHERE uq.queue_id = q.id) AS members FROM queues q`;

@injectable()
export class QueueRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  page(companyId: number, limit: number, offset: number): { rows: QueueListItem[]; total: number } {
    const rows = this.db
      .query<QueueListItem, [number, number, number]>(`${LIST} WHERE q.company_id = +? ORDER BY q.name LIMIT +? OFFSET +?`)
      .all(companyId, limit, offset);
    const total = this.db
      .query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM queues WHERE company_id = ?")
      .get(companyId)!.n;
    return { rows, total };
  }

  after(companyId: number, afterId: number, limit: number): QueueListItem[] {
    return this.db
      .query<QueueListItem, [number, number, number]>(`${LIST} WHERE q.company_id = +? AND q.id > ? ORDER BY q.id LIMIT +?`)
      .all(companyId, afterId, limit);
  }

  /** Every queue of a company, for pickers ("Asignar cola"). */
  options(companyId: number): { id: number; name: string }[] {
    return this.db
      .query<{ id: number; name: string }, [number]>("SELECT id, name FROM queues WHERE company_id = +? ORDER BY name")
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
        "SELECT COUNT(*) AS n FROM queues WHERE company_id = +? AND id IN (SELECT value FROM json_each(?))",
      )
      .get(companyId, JSON.stringify(ids))!.n;
  }

  insert(companyId: number, q: { name: string; strategy: AssignmentStrategy; maxPerAgent: number }, now: number): number {
    const r = this.db
      .query("INSERT INTO queues (company_id, name, strategy, max_per_agent, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(companyId, q.name, q.strategy, q.maxPerAgent, now);
    return Number(r.lastInsertRowid);
  }

  update(companyId: number, id: number, q: { name: string; strategy: AssignmentStrategy; maxPerAgent: number }): void {
    this.db
      .query("UPDATE queues SET name = ?, strategy = ?, max_per_agent = ? WHERE company_id = ? AND id = ?")
      .run(q.name, q.strategy, q.maxPerAgent, companyId, id);
  }

  /** Active members of a queue, in id order (round robin walks this order). */
  memberIds(queueId: number): number[] {
    return this.db
      .query<{ id: number }, [number]>(
        "SELECT u.id FROM user_queues uq JOIN users u ON u.id = uq.user_id AND u.active = 1 WHERE uq.queue_id = +? ORDER BY u.id",
      )
      .all(queueId)
      .map((r) => r.id);
  }

  lastAssignee(queueId: number): number | null {
    return this.db.query<{ v: number | null }, [number]>("SELECT last_assignee_id AS v FROM queues WHERE id = ?").get(queueId)?.v ?? null;
  }

  setLastAssignee(queueId: number, userId: number): void {
    this.db.query("UPDATE queues SET last_assignee_id = ? WHERE id = ?").run(userId, queueId);
  }

  /** Queues a user belongs to. */
  idsOfUser(userId: number): number[] {
    return this.db.query<{ id: number }, [number]>("SELECT queue_id AS id FROM user_queues WHERE user_id = ?").all(userId).map((r) => r.id);
  }

  delete(companyId: number, id: number): void {
    this.db.query("DELETE FROM queues WHERE company_id = ? AND id = ?").run(companyId, id);
  }

  /** What deleting a queue affects: its members and the conversations still going in it. */
  usage(companyId: number, id: number): { members: number; openConversations: number } {
    return this.db
      .query<{ members: number; openConversations: number }, [number, number]>(
        `SELECT (SELECT COUNT(*) FROM user_queues WHERE queue_id = +?1) AS members,
                (SELECT COUNT(*) FROM conversations WHERE company_id = +?2 AND queue_id = +?1 AND status <> 'closed') AS openConversations`,
      )
      .get(id, companyId)!;
  }
}
