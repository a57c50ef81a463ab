import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Company, CompanyInput } from "./company.ts";

type Row = Omit<Company, "active"> & { active: number };
const COLUMNS = "id, name, slug, country, time_zone AS timeZone, currency, active, created_at AS createdAt";
const toCompany = (r: Row): Company => ({ ...r, active: r.active === 1 });

@injectable()
export class CompanyRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  page(limit: number, offset: number): { rows: Company[]; total: number } {
    const rows = this.db
      .query<Row, [number, number]>(`SELECT ${COLUMNS} FROM companies ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?`)
      .all(limit, offset);
    const total = this.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM companies").get()!.n;
    return { rows: rows.map(toCompany), total };
  }

  /** For the operator's company switcher: every company, small rows. */
  options(): { id: number; name: string; active: boolean }[] {
    return this.db
      .query<{ id: number; name: string; active: number }, []>(
        "SELECT id, name, active FROM companies ORDER BY name COLLATE NOCASE, id",
      )
      .all()
      .map((r) => ({ ...r, active: r.active === 1 }));
  }

  get(id: number): Company | null {
    const row = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM companies WHERE id = ?`).get(id);
    return row ? toCompany(row) : null;
  }

  bySlug(slug: string): Company | null {
    const row = this.db.query<Row, [string]>(`SELECT ${COLUMNS} FROM companies WHERE slug = ?`).get(slug);
    return row ? toCompany(row) : null;
  }

  slugTaken(slug: string, exceptId = 0): boolean {
    return !!this.db.query("SELECT 1 FROM companies WHERE slug = ? AND id <> ?").get(slug, exceptId);
  }

  count(): number {
    return this.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM companies").get()!.n;
  }

  insert(input: CompanyInput, now: number): number {
    const r = this.db
      .query(
        `INSERT INTO companies (name, slug, country, time_zone, currency, active, created_at)
         VALUES ($name, $slug, $country, $timeZone, $currency, $active, $now)`,
      )
      .run({ ...input, active: input.active ? 1 : 0, now });
    return Number(r.lastInsertRowid);
  }

  update(id: number, input: CompanyInput): void {
    this.db
      .query(
        `UPDATE companies SET name = $name, slug = $slug, country = $country, time_zone = $timeZone,
         currency = $currency, active = $active WHERE id = $id`,
      )
      .run({ ...input, active: input.active ? 1 : 0, id });
  }
}
