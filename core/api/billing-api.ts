import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { BillingService } from "../billing/billing-service.ts";
import type { LedgerEntry } from "../billing/ledger.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
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

/** `/api/v1/balance` and `/api/v1/recharges`: a company token reads its own prepaid balance and recharges. */
@injectable()
export class BillingApi {
  constructor(
    @inject(T.BillingService) private readonly billing: BillingService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/balance",
        ({ scope }) => {
          const b = this.billing.balance(scope.companyId);
          return { currency: b.currency, balance: b.balance, lowBalanceThreshold: b.lowBalanceThreshold };
        },
        { api: "read", detail: { summary: "The company's prepaid balance in minor units of its currency", tags: ["billing"] } },
      )
      .get(
        "/usage",
        ({ scope, query }) => {
          const from = query.from ? Date.parse(query.from) : 0;
          const to = query.to ? Date.parse(query.to) : Number.MAX_SAFE_INTEGER;
          if (Number.isNaN(from) || Number.isNaN(to)) throw AppError.invalid({ [Number.isNaN(from) ? "from" : "to"]: "billing.error.date" });
          const rows = this.billing.usage(scope.companyId, from, to);
          return { data: rows.map((u) => ({ kind: u.kind, quantity: u.quantity, amount: u.amount, createdAt: iso(u.createdAt), ref: { type: u.refType, id: u.refId, ...(u.externalId ? { externalId: u.externalId } : {}) } })), next: null };
        },
        {
          api: "read",
          query: t.Object({ from: t.Optional(t.String({ maxLength: 40 })), to: t.Optional(t.String({ maxLength: 40 })) }),
          detail: { summary: "Charges (minor units) with what caused each: a WhatsApp message, an AI call", tags: ["billing"] },
        },
      )
      .get(
        "/recharges",
        ({ scope, query }) => {
          const f = this.billing.filter(scope.companyId, { from: query.from ?? "", to: query.to ?? "", value: query.value ?? "" });
          const s = this.billing.rechargesBefore(f, query.cursor ?? 0);
          return { data: s.data.map(rechargeJson), next: s.next };
        },
        {
          api: "read",
          query: t.Object({
            from: t.Optional(t.String({ maxLength: 10 })),
            to: t.Optional(t.String({ maxLength: 10 })),
            value: t.Optional(t.String({ maxLength: 20 })),
            cursor: t.Optional(t.Numeric({ minimum: 0, multipleOf: 1 })),
          }),
          detail: { summary: "The company's recharges, newest first (?from=&to= dates, ?value= in the major unit)", tags: ["billing"] },
        },
      );
  }
}
