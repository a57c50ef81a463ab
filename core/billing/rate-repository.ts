import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";

export interface Rate {
  id: number;
  companyId: number | null;
  kind: string;
  country: string;
  model: string;
  amount: number;
  currency: string;
}

const COLUMNS = "id, company_id AS companyId, kind, country, model, amount, currency";

/** The operator's rate table: platform rows and per-company overrides. */
@injectable()
export class RateRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  set(r: Omit<Rate, "id">, now: number): void {
    this.db
      .query(
        `INSERT INTO rates (company_id, kind, country, model, amount, currency, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (COALESCE(company_id, 0), kind, country, model, currency) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at`,
      )
      .run(r.companyId, r.kind, r.country, r.model, r.amount, r.currency, now);
  }

  /**
   * The price that applies: the company's own row before the platform's, a row for
   * the country (or model) before the one for every country (or model).
   */
  find(companyId: number, kind: string, country: string, model: string, currency: string): Rate | null {
    return this.db
      .query<Rate, [string, string, number, string, string]>(
        `SELECT ${COLUMNS} FROM rates WHERE kind = ? AND currency = ? AND (company_id IS NULL OR company_id = ?) AND country IN ('', ?) AND model IN ('', ?)
         ORDER BY company_id IS NULL, country = '', model = '' LIMIT 1`,
      )
      .get(kind, currency, companyId, country, model);
  }

  /** Every row: the platform's and each company's overrides (the operator's table; tens of rows). */
  all(): (Rate & { companyName: string | null })[] {
    return this.db
      .query<Rate & { companyName: string | null }, []>(
        `SELECT r.id, r.company_id AS companyId, r.kind, r.country, r.model, r.amount, r.currency, c.name AS companyName
         FROM rates r LEFT JOIN companies c ON c.id = r.company_id ORDER BY r.kind, r.company_id IS NOT NULL, c.name, r.country, r.model`,
      )
      .all();
  }
}
