import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";
import type { LedgerEntry, LedgerKind, RechargeFilter } from "./ledger.ts";

/** One usage charge as the API lists it (amount positive: what it cost). */
export interface UsageLine {
  id: number;
  kind: string;
  quantity: number;
  amount: number;
  createdAt: number;
  refType: string;
  refId: number;
  externalId: string | null;
}

const COLUMNS = `l.id, l.company_id AS companyId, c.name AS companyName, l.kind, l.amount, l.currency, l.value_date AS valueDate,
  l.method, l.reference, l.note, l.reverses_id AS reversesId, (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = l.id) AS reversedBy,
  l.created_by AS createdBy, l.created_at AS createdAt`;
const FROM = "ledger_entries l JOIN companies c ON c.id = l.company_id";

export interface NewEntry {
  companyId: number;
  kind: LedgerKind;
  amount: number;
  currency: string;
  valueDate: string;
  method?: string | null;
  reference?: string | null;
  note?: string | null;
  reversesId?: number | null;
  createdBy: string | null;
  createdAt: number;
}

export interface NewUsage {
  companyId: number;
  usageKind: string;
  quantity: number;
  /** Positive price; stored as a deduction. */
  price: number;
  currency: string;
  valueDate: string;
  refType: "message" | "ai_call" | "conversation";
  refId: number;
  externalId: string | null;
  detail: unknown;
  createdAt: number;
}

/** The append-only ledger: inserts and reads, never an update (a trigger refuses one). */
@injectable()
export class LedgerRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  insert(e: NewEntry): number {
    return Number(
      this.db
        .query(
          `INSERT INTO ledger_entries (company_id, kind, amount, currency, value_date, method, reference, note, reverses_id, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.companyId, e.kind, e.amount, e.currency, e.valueDate, e.method ?? null, e.reference ?? null, e.note ?? null, e.reversesId ?? null, e.createdBy, e.createdAt).lastInsertRowid,
    );
  }

  /**
   * A month's statement lines: per company, the sum before `from` (opening), and the
   * sums by kind (usage by its usage kind) of the entries dated in [from, to).
   */
  statement(companyId: number | null, from: string, to: string): { companyId: number; companyName: string; currency: string; kind: string; usageKind: string | null; amount: number; n: number }[] {
    const scope = companyId === null ? "" : "AND l.company_id = +?";
    return this.db
      .query<{ companyId: number; companyName: string; currency: string; kind: string; usageKind: string | null; amount: number; n: number }, (string | number)[]>(
        `SELECT l.company_id AS companyId, c.name AS companyName, c.currency, 'opening' AS kind, NULL AS usageKind, SUM(l.amount) AS amount, COUNT(*) AS n
           FROM ledger_entries l JOIN companies c ON c.id = l.company_id WHERE l.value_date < ? ${scope} GROUP BY l.company_id
         UNION ALL
         SELECT l.company_id, c.name, c.currency, l.kind, l.usage_kind, SUM(l.amount), COUNT(*)
           FROM ledger_entries l JOIN companies c ON c.id = l.company_id WHERE l.value_date >= ? AND l.value_date < ? ${scope} GROUP BY l.company_id, l.kind, l.usage_kind
         ORDER BY 2, 4, 5`,
      )
      .all(...(companyId === null ? [from, from, to] : [from, companyId, from, to, companyId]));
  }

  /** A charge, once per cause: false when that cause was already charged (a repeated or late status). */
  chargeOnce(u: NewUsage): boolean {
    return (
      this.db
        .query(
          `INSERT INTO ledger_entries (company_id, kind, amount, currency, value_date, usage_kind, quantity, ref_type, ref_id, external_id, detail, created_by, created_at)
           VALUES (?, 'usage', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'meter', ?) ON CONFLICT DO NOTHING`,
        )
        .run(u.companyId, -u.price, u.currency, u.valueDate, u.usageKind, u.quantity, u.refType, u.refId, u.externalId, JSON.stringify(u.detail ?? null), u.createdAt).changes === 1
    );
  }

  /** Whether this cause was charged already (a repeated status must not take another free message). */
  charged(refType: string, refId: number): boolean {
    return !!this.db.query("SELECT 1 FROM ledger_entries WHERE ref_type = ? AND ref_id = ? AND kind = 'usage'").get(refType, refId);
  }

  /** Usage charges in id order after `afterId` (the API's keyset pages). */
  usage(companyId: number, from: number, to: number, afterId: number, limit: number): UsageLine[] {
    return this.db
      .query<UsageLine, [number, number, number, number, number]>(
        `SELECT id, usage_kind AS kind, quantity, -amount AS amount, created_at AS createdAt, ref_type AS refType, ref_id AS refId, external_id AS externalId
         FROM ledger_entries WHERE company_id = +? AND kind = 'usage' AND id > ? AND created_at >= ? AND created_at < ? ORDER BY id LIMIT +?`,
      )
      .all(companyId, afterId, from, to, limit);
  }

  setThreshold(companyId: number, threshold: number | null): void {
    this.db.query("UPDATE companies SET low_balance_threshold = ? WHERE id = ?").run(threshold, companyId);
  }

  setCreditLimit(companyId: number, limit: number): void {
    this.db.query("UPDATE companies SET credit_limit = ? WHERE id = ?").run(limit, companyId);
  }

  /** Balance, currency, threshold and credit limit, one row read (every admin page and every priced send reads it). */
  account(companyId: number): { currency: string; balance: number; lowBalanceThreshold: number | null; creditLimit: number } | null {
    return this.db
      .query<{ currency: string; balance: number; lowBalanceThreshold: number | null; creditLimit: number }, [number]>(
        "SELECT currency, balance, low_balance_threshold AS lowBalanceThreshold, credit_limit AS creditLimit FROM companies WHERE id = ?",
      )
      .get(companyId);
  }

  /** Every active company's balance (the operator's dashboard), read from the cached column. */
  balances(): { companyId: number; name: string; currency: string; balance: number }[] {
    return this.db
      .query<{ companyId: number; name: string; currency: string; balance: number }, []>("SELECT id AS companyId, name, currency, balance FROM companies WHERE active = 1 ORDER BY name COLLATE NOCASE, id")
      .all();
  }

  get(id: number): LedgerEntry | null {
    return this.db.query<LedgerEntry, [number]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.id = +?`).get(id);
  }

  /** "Listado de Recargas": newest value date first, filtered, a page at a time. */
  recharges(f: RechargeFilter, limit: number, offset: number): { rows: LedgerEntry[]; total: number } {
    const { w, args } = rechargeWhere(f);
    const rows = this.db.query<LedgerEntry, (string | number)[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${w} ORDER BY l.value_date DESC, l.id DESC LIMIT ${limit} OFFSET ${offset}`).all(...args);
    const total = this.db.query<{ n: number }, (string | number)[]>(`SELECT COUNT(*) AS n FROM ledger_entries l WHERE ${w}`).get(...args)!.n;
    return { rows, total };
  }

  /** Keyset page for the API (newest first by id). */
  rechargesBefore(f: RechargeFilter, beforeId: number, limit: number): LedgerEntry[] {
    const { w, args } = rechargeWhere(f);
    return this.db.query<LedgerEntry, (string | number)[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${w} AND l.id < ? ORDER BY l.id DESC LIMIT ${limit}`).all(...args, beforeId);
  }
}

function rechargeWhere(f: RechargeFilter): { w: string; args: (string | number)[] } {
  const where = ["l.kind = 'recharge'"];
  const args: (string | number)[] = [];
  if (f.companyId !== null) (where.push("l.company_id = +?"), args.push(f.companyId));
  if (f.from) (where.push("l.value_date >= ?"), args.push(f.from));
  if (f.to) (where.push("l.value_date <= ?"), args.push(f.to));
  if (f.value !== undefined) (where.push("l.amount = +?"), args.push(f.value));
  return { w: where.join(" AND "), args };
}
