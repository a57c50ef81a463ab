import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { FieldError } from "../i18n/index.ts";
import { isIsoDate } from "../shared/iso-date.ts";
import { API_PAGE_SIZE, paged, toSlice, type Page, type Slice } from "../shared/paging.ts";
import { localDate } from "../shared/zoned-time.ts";
import { PLATFORM_TIME_ZONE } from "../tenancy/company.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { PAYMENT_METHODS, type LedgerEntry, type RechargeFilter } from "./ledger.ts";
import type { LedgerRepository, UsageLine } from "./ledger-repository.ts";
import type { RateRepository } from "./rate-repository.ts";
import { parseMajor } from "./money.ts";

export interface RechargeInput {
  companyId: number;
  /** Major units as typed ("230000", "230.000"). */
  amount: string;
  /** YYYY-MM-DD; empty: today in the company's time zone. */
  date: string;
  method: string;
  reference: string;
  note: string;
}

export interface StatementRow {
  companyId: number;
  companyName: string;
  currency: string;
  opening: number;
  recharges: number;
  /** Negative: reversed recharges. */
  reversals: number;
  adjustments: number;
  /** Charged, positive, by usage kind (whatsapp.marketing, ai.tokens...). */
  usage: Record<string, number>;
  closing: number;
}

export interface Statement {
  month: string;
  rows: StatementRow[];
}

export interface RechargeQuery {
  from: string;
  to: string;
  value: string;
}

/** What the rate table prices (CONTRACT.md "Billing"); whatsapp.default prices categories Meta adds later. */
export const RATE_KINDS = ["whatsapp.marketing", "whatsapp.utility", "whatsapp.authentication", "whatsapp.service", "whatsapp.default", "ai.prompt_1k", "ai.completion_1k", "conversation"] as const;

/** Above this a typo is more likely than a recharge (minor units: a thousand million of the major unit). */
const MAX_AMOUNT = 100_000_000_000;

/**
 * The prepaid balance of each company: recharges the operator records, reversals
 * of a wrong one, and the list the manual calls "Listado de Recargas". Every
 * change is a new ledger entry; the balance is their sum.
 */
@injectable()
export class BillingService {
  constructor(
    @inject(T.LedgerRepository) private readonly ledger: LedgerRepository,
    @inject(T.RateRepository) private readonly rates: RateRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  balance(companyId: number): { currency: string; balance: number; lowBalanceThreshold: number | null; creditLimit: number } {
    return found(this.ledger.account(companyId));
  }

  recharge(input: RechargeInput, by: string): LedgerEntry {
    const errors: Record<string, FieldError> = {};
    const company = this.companies.get(input.companyId);
    if (!company) errors.companyId = "billing.error.company";
    const amount = company ? parseMajor(input.amount, company.currency) : null;
    if (company && (amount === null || amount <= 0 || amount > MAX_AMOUNT)) errors.amount = "billing.error.amount";
    const date = input.date.trim() || (company ? localDate(this.clock.now(), company.timeZone) : "");
    if (!isIsoDate(date)) errors.date = "billing.error.date";
    const method = input.method.trim().toLowerCase();
    if (!(PAYMENT_METHODS as readonly string[]).includes(method)) errors.method = "billing.error.method";
    const reference = input.reference.trim().slice(0, 100);
    const note = input.note.trim().slice(0, 500);
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    const id = this.uow.run(() =>
      this.ledger.insert({ companyId: company!.id, kind: "recharge", amount: amount!, currency: company!.currency, valueDate: date, method, reference: reference || null, note: note || null, createdBy: by, createdAt: this.clock.now() }),
    );
    return this.ledger.get(id)!;
  }

  /**
   * The admins' low-balance banner threshold (major units as typed; empty: no
   * banner) and, for the operator only, how far below zero priced sends may go.
   */
  saveSettings(companyId: number, input: { threshold: string; creditLimit?: string }): void {
    const company = found(this.companies.get(companyId));
    const errors: Record<string, FieldError> = {};
    const threshold = input.threshold.trim() ? parseMajor(input.threshold, company.currency) : null;
    if (input.threshold.trim() && threshold === null) errors.threshold = "billing.error.rate_amount";
    const credit = input.creditLimit === undefined ? undefined : input.creditLimit.trim() === "" ? 0 : parseMajor(input.creditLimit, company.currency);
    if (credit === null) errors.creditLimit = "billing.error.rate_amount";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    this.uow.run(() => {
      this.ledger.setThreshold(companyId, threshold);
      if (credit !== undefined) this.ledger.setCreditLimit(companyId, credit!);
    });
  }

  /** The balance when it is at or below the company's threshold (the admins' banner), else null. */
  lowBalance(companyId: number): { balance: number; currency: string } | null {
    const b = this.balance(companyId);
    return b.lowBalanceThreshold !== null && b.balance <= b.lowBalanceThreshold ? { balance: b.balance, currency: b.currency } : null;
  }

  entry(id: number): LedgerEntry {
    return found(this.ledger.get(id));
  }

  /** A wrong recharge is cancelled by an entry of the opposite amount, once. */
  reverse(entryId: number, reason: string, by: string): LedgerEntry {
    const entry = found(this.ledger.get(entryId));
    if (entry.kind !== "recharge") throw new AppError(409, "not_reversible", "billing.error.not_reversible");
    if (entry.reversedBy !== null) throw new AppError(409, "already_reversed", "billing.error.already_reversed");
    const why = reason.trim().slice(0, 500);
    if (!why) throw AppError.invalid({ reason: "billing.error.reason" });
    const company = found(this.companies.get(entry.companyId));
    const id = this.uow.run(() =>
      this.ledger.insert({ companyId: entry.companyId, kind: "reversal", amount: -entry.amount, currency: entry.currency, valueDate: localDate(this.clock.now(), company.timeZone), note: why, reversesId: entry.id, createdBy: by, createdAt: this.clock.now() }),
    );
    return this.ledger.get(id)!;
  }

  /** A price in the operator's rate table (major units as typed); 0 makes it free. */
  setRate(input: { kind: string; amount: string; country: string; model: string; companyId: number | null; currency: string; freePerMonth?: string }): {
    kind: string;
    country: string;
    model: string;
    amount: number;
    currency: string;
    freePerMonth: number;
  } {
    const errors: Record<string, FieldError> = {};
    const kind = input.kind.trim();
    if (!(RATE_KINDS as readonly string[]).includes(kind)) errors.kind = "billing.error.rate_kind";
    const currency = input.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) errors.currency = "billing.error.currency";
    const amount = parseMajor(input.amount, currency);
    if (amount === null || amount < 0) errors.amount = "billing.error.rate_amount";
    const country = input.country.trim().toUpperCase();
    if (country && !/^[A-Z]{2}$/.test(country)) errors.country = "billing.error.country";
    const model = input.model.trim().slice(0, 100);
    const free = (input.freePerMonth ?? "").trim();
    const freePerMonth = free === "" ? 0 : /^\d{1,9}$/.test(free) ? Number(free) : -1;
    if (freePerMonth < 0) errors.freePerMonth = "billing.error.free_per_month";
    else if (freePerMonth > 0 && !kind.startsWith("whatsapp.")) errors.freePerMonth = "billing.error.free_whatsapp_only";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    const rate = { companyId: input.companyId, kind, country, model, amount: amount!, currency, freePerMonth };
    this.uow.run(() => this.rates.set(rate, this.clock.now()));
    return rate;
  }

  /**
   * The month's statement per company (all of them for the operator): opening
   * balance, recharges, reversals and adjustments, usage by kind, closing balance;
   * amounts in minor units. `month` is YYYY-MM of the value dates.
   */
  statement(companyId: number | null, month: string): Statement {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw AppError.invalid({ month: "billing.error.month" });
    const [y, m] = month.split("-").map(Number) as [number, number];
    const from = `${month}-01`;
    const to = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    const byCompany = new Map<number, StatementRow>();
    for (const line of this.ledger.statement(companyId, from, to)) {
      let row = byCompany.get(line.companyId);
      if (!row) {
        row = { companyId: line.companyId, companyName: line.companyName, currency: line.currency, opening: 0, recharges: 0, reversals: 0, adjustments: 0, usage: {}, closing: 0 };
        byCompany.set(line.companyId, row);
      }
      if (line.kind === "opening") row.opening += line.amount;
      else if (line.kind === "recharge") row.recharges += line.amount;
      else if (line.kind === "reversal") row.reversals += line.amount;
      else if (line.kind === "adjustment") row.adjustments += line.amount;
      else row.usage[line.usageKind ?? "other"] = (row.usage[line.usageKind ?? "other"] ?? 0) - line.amount;
    }
    const rows = [...byCompany.values()].sort((a, b) => a.companyName.localeCompare(b.companyName));
    for (const r of rows) r.closing = r.opening + r.recharges + r.reversals + r.adjustments - Object.values(r.usage).reduce((a, x) => a + x, 0);
    return { month, rows };
  }

  /** YYYY-MM now, in the company's time zone (the platform's when none is selected). */
  thisMonth(companyId: number | null): string {
    const tz = (companyId !== null ? this.companies.get(companyId)?.timeZone : undefined) ?? PLATFORM_TIME_ZONE;
    return localDate(this.clock.now(), tz).slice(0, 7);
  }

  rateTable() {
    return this.rates.all();
  }

  usage(companyId: number, from: number, to: number, afterId = 0, limit = API_PAGE_SIZE): Slice<UsageLine> {
    return toSlice(this.ledger.usage(companyId, from, to, afterId, limit + 1), limit);
  }

  /** The list's filters as typed (Desde, Hasta, Valor "Ej: $230000"); a bad one is a form error, not an empty list. */
  filter(companyId: number | null, q: RechargeQuery): RechargeFilter {
    const errors: Record<string, FieldError> = {};
    const f: RechargeFilter = { companyId };
    if (q.from) isIsoDate(q.from) ? (f.from = q.from) : (errors.from = "billing.error.date");
    if (q.to) isIsoDate(q.to) ? (f.to = q.to) : (errors.to = "billing.error.date");
    if (q.value) {
      const currency = companyId !== null ? (this.companies.get(companyId)?.currency ?? "COP") : "COP";
      const v = parseMajor(q.value, currency);
      v === null ? (errors.value = "billing.error.amount") : (f.value = v);
    }
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return f;
  }

  recharges(f: RechargeFilter, page: number): Page<LedgerEntry> {
    return paged(page, (limit, offset) => this.ledger.recharges(f, limit, offset));
  }

  rechargesBefore(f: RechargeFilter, beforeId: number, limit = API_PAGE_SIZE): Slice<LedgerEntry> {
    return toSlice(this.ledger.rechargesBefore(f, beforeId || Number.MAX_SAFE_INTEGER, limit + 1), limit);
  }
}
