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
  /** Billable messages a month each phone number (channel) gets free before this price applies; 0: none. */
  freePerMonth: number;
}

const COLUMNS = "id, company_id AS companyId, kind, country, model, amount, currency, free_per_month AS freePerMonth";

/** The operator's rate table: platform rows and per-company overrides. */
@injectable()
export class RateRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  set(r: Omit<Rate, "id">, now: number): void {
    this.db
      .query(
        `INSERT INTO rates (company_id, kind, country, model, amount, currency, free_per_month, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (COALESCE(company_id, 0), kind, country, model, currency)
         DO UPDATE SET amount = excluded.amount, free_per_month = excluded.free_per_month, updated_at = excluded.updated_at`,
      )
      .run(r.companyId, r.kind, r.country, r.model, r.amount, r.currency, r.freePerMonth, now);
  }

  /**
   * The price that applies: the company's own row before the platform's, a row for
   * the country (or model) before the one for every country (or model).
   */
  find(companyId: number, kind: string, country: string, model: string, currency: string): Rate | null {
    return this.db
      .query<Rate, [string, string, number, string, string]>(
        `SELECT ${COLUMNS} FROM rates WHERE kind = +? AND currency = +? AND (company_id IS NULL OR company_id = +?) AND country IN ('', ?) AND model IN ('', ?)
         ORDER BY company_id IS NULL, country = '', model = '' LIMIT 1`,
      )
      .get(kind, currency, companyId, country, model);
  }

  /**
   * A WhatsApp message's price: the category's own row (company before platform,
   * country before every country), else the "whatsapp.default" row that prices
   * categories Meta adds later. One query.
   */
  whatsapp(companyId: number, kind: string, country: string, currency: string): Rate | null {
    return this.db
      .query<Rate, [string, string, number, string]>(
        `SELECT ${COLUMNS} FROM rates WHERE kind IN (?1, 'whatsapp.default') AND currency = +?2 AND (company_id IS NULL OR company_id = +?3) AND country IN ('', ?4) AND model = ''
         ORDER BY kind = 'whatsapp.default', company_id IS NULL, country = '' LIMIT 1`,
      )
      .get(kind, currency, companyId, country);
  }

  /** Every row: the platform's and each company's overrides (the operator's table; tens of rows). */
  all(): (Rate & { companyName: string | null })[] {
    return this.db
      .query<Rate & { companyName: string | null }, []>(
        `SELECT r.id, r.company_id AS companyId, r.kind, r.country, r.model, r.amount, r.currency, r.free_per_month AS freePerMonth, c.name AS companyName
         FROM rates r LEFT JOIN companies c ON c.id = r.company_id ORDER BY r.kind, r.company_id IS NOT NULL, c.name, r.country, r.model`,
      )
      .all();
  }

  /**
   * One message of a channel's monthly allowance, if any is left: true when this
   * one is free. A single statement, so two status webhooks at once cannot both
   * take the last free message.
   */
  takeAllowance(channelId: number, kind: string, month: string, limit: number): boolean {
    if (limit <= 0) return false;
    return (
      this.db
        .query(
          `INSERT INTO usage_allowance (channel_id, kind, month, used) VALUES (?1, ?2, ?3, 1)
           ON CONFLICT (channel_id, kind, month) DO UPDATE SET used = used + 1 WHERE used < ?4`,
        )
        .run(channelId, kind, month, limit).changes === 1
    );
  }
}
