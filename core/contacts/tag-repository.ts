import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Tag, TagListItem, TagRef } from "./contact.ts";

const COLUMNS = "t.id, t.company_id AS companyId, t.name, t.color, t.created_at AS createdAt";
const LIST = `SELECT ${COLUMNS}, (SELECT COUNT(*) FROM contact_tags x WHERE x.tag_id = t.id) AS contacts FROM tags t`;

/** "Etiquetas" of a company. */
@injectable()
export class TagRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  page(companyId: number, limit: number, offset: number): { rows: TagListItem[]; total: number } {
    const rows = this.db
      .query<TagListItem, [number, number, number]>(`${LIST} WHERE t.company_id = +? ORDER BY t.name COLLATE NOCASE LIMIT +? OFFSET +?`)
      .all(companyId, limit, offset);
    const total = this.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM tags WHERE company_id = ?").get(companyId)!.n;
    return { rows, total };
  }

  after(companyId: number, afterId: number, limit: number): TagListItem[] {
    return this.db.query<TagListItem, [number, number, number]>(`${LIST} WHERE t.company_id = +? AND t.id > ? ORDER BY t.id LIMIT +?`).all(companyId, afterId, limit);
  }

  /** Every tag, for pickers and filters. */
  options(companyId: number): TagRef[] {
    return this.db.query<TagRef, [number]>("SELECT id, name, color FROM tags WHERE company_id = +? ORDER BY name COLLATE NOCASE").all(companyId);
  }

  get(companyId: number, id: number): TagListItem | null {
    return this.db.query<TagListItem, [number, number]>(`${LIST} WHERE t.company_id = +? AND t.id = +?`).get(companyId, id);
  }

  byName(companyId: number, name: string): Tag | null {
    return this.db.query<Tag, [number, string]>(`SELECT ${COLUMNS} FROM tags t WHERE t.company_id = ? AND t.name = ? COLLATE NOCASE`).get(companyId, name);
  }

  nameTaken(companyId: number, name: string, exceptId: number): boolean {
    return !!this.db.query("SELECT 1 FROM tags WHERE company_id = ? AND name = ? COLLATE NOCASE AND id <> ?").get(companyId, name, exceptId);
  }

  /** How many of `ids` are tags of this company (tenant check). */
  countOwned(companyId: number, ids: number[]): number {
    if (ids.length === 0) return 0;
    return this.db
      .query<{ n: number }, [number, string]>("SELECT COUNT(*) AS n FROM tags WHERE company_id = +? AND id IN (SELECT value FROM json_each(?))")
      .get(companyId, JSON.stringify([...new Set(ids)]))!.n;
  }

  insert(companyId: number, name: string, color: string, now: number): number {
    return Number(this.db.query("INSERT INTO tags (company_id, name, color, created_at) VALUES (?, ?, ?, ?)").run(companyId, name, color, now).lastInsertRowid);
  }

  update(companyId: number, id: number, name: string, color: string): void {
    this.db.query("UPDATE tags SET name = ?, color = ? WHERE company_id = ? AND id = ?").run(name, color, companyId, id);
  }

  delete(companyId: number, id: number): void {
    this.db.query("DELETE FROM tags WHERE company_id = ? AND id = ?").run(companyId, id);
  }
}
