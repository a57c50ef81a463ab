import { parsePhoneNumberFromString } from "libphonenumber-js";
import { inject, injectable } from "tsyringe";
import { AppError } from "../errors.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { LedgerRepository } from "./ledger-repository.ts";
import type { RateRepository } from "./rate-repository.ts";

/**
 * The zero-balance rule: a company whose balance is at or below its credit limit
 * (0 unless the operator set one) still receives and stores every message, but a
 * send the rate table prices above zero is refused with a reason the agent reads
 * ("Saldo insuficiente: recargue para responder"). Free sends always go.
 */
@injectable()
export class BalancePolicy {
  constructor(
    @inject(T.LedgerRepository) private readonly ledger: LedgerRepository,
    @inject(T.RateRepository) private readonly rates: RateRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
  ) {}

  /** Whether a send of this kind would be refused now (`to`: the recipient's number, for its country's price). */
  blocked(companyId: number, kind: string, opts: { to?: string | null; model?: string } = {}): boolean {
    const company = this.companies.get(companyId);
    if (!company) return false;
    const country = opts.to ? (parsePhoneNumberFromString(`+${opts.to.replace(/^\+/, "")}`)?.country ?? "") : "";
    const rate = this.rates.find(companyId, kind, country, opts.model ?? "", company.currency) ?? (kind.startsWith("whatsapp.") ? this.rates.find(companyId, "whatsapp.default", country, "", company.currency) : null);
    if (!rate || rate.amount <= 0) return false;
    const account = this.ledger.account(companyId)!;
    return account.balance <= -account.creditLimit;
  }

  /** Refuses a priced send when the balance is spent. */
  check(companyId: number, kind: string, opts: { to?: string | null; model?: string } = {}): void {
    if (this.blocked(companyId, kind, opts)) throw new AppError(402, "insufficient_balance", "billing.error.insufficient");
  }

  /** AI answers and assist: blocked when either token price is set and the balance is spent. */
  aiBlocked(companyId: number, model: string): boolean {
    return this.blocked(companyId, "ai.prompt_1k", { model }) || this.blocked(companyId, "ai.completion_1k", { model });
  }
}
