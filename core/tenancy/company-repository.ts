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
      .query<Row, [number, number]>(`SELECT ${COLUMNS} FROM companies ORDER BY name COLLATE NOCASE, id LIMIT +? OFFSET +?`)
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

  /** What the setup checklist on Inicio ticks off, in one query. */
  setupProgress(companyId: number): { queues: number; agents: number; routedChannels: number; connected: number; conversations: number } {
    return this.db
      .query<{ queues: number; agents: number; routedChannels: number; connected: number; conversations: number }, [number, number, number, number, number]>(
        `SELECT (SELECT COUNT(*) FROM queues WHERE company_id = +?) AS queues,
                (SELECT COUNT(*) FROM users WHERE company_id = +? AND role = 'agent' AND active = 1) AS agents,
                (SELECT COUNT(*) FROM channels WHERE company_id = +? AND queue_id IS NOT NULL AND status <> 'disabled') AS routedChannels,
                (SELECT COUNT(*) FROM users WHERE company_id = +? AND active = 1 AND presence = 'online') AS connected,
                (SELECT COUNT(*) FROM (SELECT 1 FROM conversations WHERE company_id = +? LIMIT 1)) AS conversations`,
      )
      .get(companyId, companyId, companyId, companyId, companyId)!;
  }
}
