import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { BillingService } from "../billing/billing-service.ts";
import type { LedgerEntry } from "../billing/ledger.ts";
import { majorText } from "../billing/money.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
import { Balance, balanceExample, list, listOf, Recharge, rechargeExample, Statement, statementExample, Usage, usageExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdCursor, limitOf, pageQuery } from "./pagination.ts";
import { Int } from "./schemas.ts";
import { iso } from "./serializers.ts";

export function rechargeJson(e: LedgerEntry) {
  return {
    id: e.id,
    companyId: e.companyId,
    amount: e.amount,
    currency: e.currency,
    date: e.valueDate,
    method: e.method,
    reference: e.reference,
    note: e.note,
    reversed: e.reversedBy !== null,
    createdAt: iso(e.createdAt),
  };
}

const tags = ["billing"];

/**
 * `/api/v1/balance`, `/usage`, `/recharges`, `/statement`: a company token reads its
 * own prepaid balance, charges, recharges and monthly statement, and sets the
 * low-balance threshold. Recording recharges, reversals, rates and the credit
 * limit stay the operator's (panel and CLI): no company token reaches them.
 */
@injectable()
export class BillingApi {
  constructor(
    @inject(T.BillingService) private readonly billing: BillingService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const balance = (companyId: number) => {
      const b = this.billing.balance(companyId);
      return { currency: b.currency, balance: b.balance, lowBalanceThreshold: b.lowBalanceThreshold };
    };
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get("/balance", ({ scope }) => balance(scope.companyId), {
        api: "read",
        detail: op({ summary: "The company's prepaid balance in minor units of its currency", tags, ok: { schema: Balance, example: balanceExample } }),
      })
      .patch(
        "/balance",
        ({ scope, body }) => {
          const currency = this.billing.balance(scope.companyId).currency;
          this.billing.saveSettings(scope.companyId, { threshold: body.lowBalanceThreshold === null ? "" : majorText(body.lowBalanceThreshold, currency) });
          return balance(scope.companyId);
        },
        {
          api: "write",
          body: t.Object({ lowBalanceThreshold: t.Nullable(Int({ minimum: 0, maximum: 1e15 })) }),
          detail: op({
            summary: "Set the low-balance threshold (minor units; null: no warning): admins see a banner at or below it",
            tags,
            body: { lowBalanceThreshold: 5_000_000 },
            ok: { schema: Balance, example: balanceExample },
          }),
        },
      )
      .get(
        "/usage",
        ({ scope, query }) => {
          const from = query.from ? Date.parse(query.from) : 0;
          const to = query.to ? Date.parse(query.to) : Number.MAX_SAFE_INTEGER;
          if (Number.isNaN(from) || Number.isNaN(to)) throw AppError.invalid({ [Number.isNaN(from) ? "from" : "to"]: "billing.error.date" });
          const s = this.billing.usage(scope.companyId, from, to, query.cursor ?? 0, limitOf(query));
          const data = s.data.map((u) => ({ id: u.id, kind: u.kind, quantity: u.quantity, amount: u.amount, createdAt: iso(u.createdAt), ref: { type: u.refType, id: u.refId, ...(u.externalId ? { externalId: u.externalId } : {}) } }));
          return { data, next: s.next };
        },
        {
          api: "read",
          query: pageQuery({ from: t.Optional(t.String({ maxLength: 40 })), to: t.Optional(t.String({ maxLength: 40 })) }, IdCursor),
          detail: op({ summary: "Charges (minor units) in the order they happened, with what caused each: a WhatsApp message, an AI call (?from=&to= ISO times)", tags, ok: { schema: listOf(Usage), example: list(usageExample) } }),
        },
      )
      .get(
        "/recharges",
        ({ scope, query }) => {
          const f = this.billing.filter(scope.companyId, { from: query.from ?? "", to: query.to ?? "", value: query.value ?? "" });
          const s = this.billing.rechargesBefore(f, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(rechargeJson), next: s.next };
        },
        {
          api: "read",
          query: pageQuery({ from: t.Optional(t.String({ maxLength: 10 })), to: t.Optional(t.String({ maxLength: 10 })), value: t.Optional(t.String({ maxLength: 20 })) }, IdCursor),
          detail: op({ summary: "The company's recharges, newest first (?from=&to= dates, ?value= in the major unit)", tags, ok: { schema: listOf(Recharge), example: list(rechargeExample) } }),
        },
      )
      .get(
        "/statement",
        ({ scope, query }) => {
          const month = query.month ?? this.billing.thisMonth(scope.companyId);
          const row = this.billing.statement(scope.companyId, month).rows[0];
          const currency = row?.currency ?? this.billing.balance(scope.companyId).currency;
          return row
            ? { month, currency, opening: row.opening, recharges: row.recharges, reversals: row.reversals, adjustments: row.adjustments, usage: row.usage, closing: row.closing }
            : { month, currency, opening: 0, recharges: 0, reversals: 0, adjustments: 0, usage: {}, closing: 0 };
        },
        {
          api: "read",
          query: t.Object({ month: t.Optional(t.String({ maxLength: 7, description: "YYYY-MM (default: this month in the company's time zone)" })) }),
          detail: op({ summary: "The monthly statement: opening balance, recharges, reversals, usage by kind, closing balance (minor units)", tags, ok: { schema: Statement, example: statementExample } }),
        },
      );
  }
}
