export const LEDGER_KINDS = ["recharge", "usage", "adjustment", "reversal"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** How a recharge was paid (the payment methods of Colombia first). */
export const PAYMENT_METHODS = ["nequi", "daviplata", "bancolombia", "pse", "efecty", "transfer", "cash", "card", "other"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface LedgerEntry {
  id: number;
  companyId: number;
  companyName: string;
  kind: LedgerKind;
  /** Signed, minor units of `currency`. */
  amount: number;
  currency: string;
  valueDate: string;
  method: string | null;
  reference: string | null;
  note: string | null;
  reversesId: number | null;
  /** A later entry reversed this one. */
  reversedBy: number | null;
  createdBy: string | null;
  createdAt: number;
}

export interface RechargeFilter {
  /** Null: every company (the operator's list). */
  companyId: number | null;
  from?: string;
  to?: string;
  /** Exact value, minor units. */
  value?: number;
}
