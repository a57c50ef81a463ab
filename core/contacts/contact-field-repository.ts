import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { ContactField, FieldType } from "./contact.ts";

const COLUMNS = `id, company_id AS companyId, key, label, type, required, options, min_value AS min, max_value AS max, display, position,
  created_at AS createdAt, deleted_at AS deletedAt`;
type Row = Omit<ContactField, "required" | "display" | "options"> & { required: number; display: number; options: string | null };
const field = (r: Row): ContactField => ({
  ...r,
  required: r.required === 1,
  display: r.display === 1,
  options: r.options ? (JSON.parse(r.options) as string[]) : [],
});

export interface StoredField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  options: string[];
  min: number | null;
  max: number | null;
  display: boolean;
}

/** The company's contact template. Removing a field only marks it: its values stay until erased. */
@injectable()
export class ContactFieldRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** The template in its order; `removed` also lists fields taken out of it. */
  list(companyId: number, removed = false): ContactField[] {
    return this.db
      .query<Row, [number]>(`SELECT ${COLUMNS} FROM contact_fields WHERE company_id = +? ${removed ? "" : "AND deleted_at IS NULL"} ORDER BY deleted_at IS NOT NULL, position, id`)
      .all(companyId)
      .map(field);
  }

  /** The template in its order after (position, id): the API's keyset pages. */
  after(companyId: number, after: { position: number; id: number } | null, limit: number): ContactField[] {
    const p = after ?? { position: Number.MIN_SAFE_INTEGER, id: 0 };
    return this.db
      .query<Row, [number, number, number, number, number]>(
        `SELECT ${COLUMNS} FROM contact_fields WHERE company_id = +? AND deleted_at IS NULL AND (position > ? OR (position = +? AND id > ?)) ORDER BY position, id LIMIT +?`,
      )
      .all(companyId, p.position, p.position, p.id, limit)
      .map(field);
  }

  get(companyId: number, id: number): ContactField | null {
    const r = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM contact_fields WHERE company_id = ? AND id = ?`).get(companyId, id);
    return r ? field(r) : null;
  }

  keyTaken(companyId: number, key: string, exceptId: number): boolean {
    return !!this.db.query("SELECT 1 FROM contact_fields WHERE company_id = ? AND key = ? AND deleted_at IS NULL AND id <> ?").get(companyId, key, exceptId);
  }

  insert(companyId: number, f: StoredField, now: number): number {
    const position =
      this.db.query<{ p: number }, [number]>("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM contact_fields WHERE company_id = ?").get(companyId)!.p;
    return Number(
      this.db
        .query(
          `INSERT INTO contact_fields (company_id, key, label, type, required, options, min_value, max_value, display, position, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(companyId, f.key, f.label, f.type, f.required ? 1 : 0, options(f), f.min, f.max, f.display ? 1 : 0, position, now).lastInsertRowid,
    );
  }

  update(companyId: number, id: number, f: StoredField): void {
    this.db
      .query("UPDATE contact_fields SET key = ?, label = ?, type = ?, required = ?, options = ?, min_value = ?, max_value = ?, display = ? WHERE company_id = ? AND id = ?")
      .run(f.key, f.label, f.type, f.required ? 1 : 0, options(f), f.min, f.max, f.display ? 1 : 0, companyId, id);
  }

  /** Only one field fills the list's "CAMPO PLANTILLA" column. */
  clearDisplay(companyId: number, exceptId: number): void {
    this.db.query("UPDATE contact_fields SET display = 0 WHERE company_id = ? AND id <> ? AND display = 1").run(companyId, exceptId);
  }

  /** New order: `ids` first to last (ids of other companies change nothing). */
  reorder(companyId: number, ids: number[]): void {
    const set = this.db.query("UPDATE contact_fields SET position = ? WHERE company_id = ? AND id = ?");
    ids.forEach((id, i) => set.run(i + 1, companyId, id));
  }

  remove(companyId: number, id: number, now: number): void {
    this.db.query("UPDATE contact_fields SET deleted_at = ?, display = 0 WHERE company_id = ? AND id = ? AND deleted_at IS NULL").run(now, companyId, id);
  }

  /** A removed field goes for good, with every value it still holds. */
  purge(companyId: number, id: number): void {
    this.db.query("DELETE FROM contact_fields WHERE company_id = ? AND id = ? AND deleted_at IS NOT NULL").run(companyId, id);
  }

  valueCount(fieldId: number): number {
    return this.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM contact_values WHERE field_id = ?").get(fieldId)!.n;
  }

  /** Contacts whose search document holds a value of this field (rewritten after a purge). */
  contactsWithValues(fieldId: number): number[] {
    return this.db.query<{ id: number }, [number]>("SELECT contact_id AS id FROM contact_values WHERE field_id = ?").all(fieldId).map((r) => r.id);
  }
}

function options(f: StoredField): string | null {
  return f.type === "choice" ? JSON.stringify(f.options) : null;
}
