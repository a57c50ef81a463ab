import { inject, injectable } from "tsyringe";
import type { StatusUpdate } from "../channels/contract.ts";
import type { Clock } from "../clock.ts";
import { countryOf } from "../contacts/phone.ts";
import { localDate } from "../shared/zoned-time.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { LedgerRepository } from "./ledger-repository.ts";
import type { RateRepository } from "./rate-repository.ts";

/** WhatsApp pricing categories with a row of their own; anything else Meta invents is priced as "default" until the operator maps it. */
const WHATSAPP_KINDS = new Set(["marketing", "utility", "authentication", "service"]);

/**
 * Charges usage as it happens, at the operator's rates: a WhatsApp message when
 * Meta's status says it is billable (once per message, whatever order and how
 * often its statuses come; the pricing object is kept), an AI call when it
 * completes (its prompt tokens include any cached ones: counted once). Runs inside
 * the transaction that records the cause, so a charge and its cause commit together.
 */
@injectable()
export class UsageMeter {
  constructor(
    @inject(T.LedgerRepository) private readonly ledger: LedgerRepository,
    @inject(T.RateRepository) private readonly rates: RateRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  whatsapp(m: { id: number; companyId: number; channelId: number; externalId: string | null }, pricing: NonNullable<StatusUpdate["pricing"]>): boolean {
    if (!pricing.billable) return false;
    const company = this.companies.get(m.companyId);
    if (!company || this.ledger.charged("message", m.id)) return false;
    const category = pricing.category.toLowerCase();
    const kind = `whatsapp.${WHATSAPP_KINDS.has(category) ? category : "default"}`;
    const country = countryOf(pricing.recipient);
    const rate = this.rates.whatsapp(company.id, kind, country, company.currency);
    const now = this.clock.now();
    const valueDate = localDate(now, company.timeZone);
    // The number's monthly allowance (the company's month) goes first; the entry is still written, at 0.
    const free = !!rate && rate.amount > 0 && this.rates.takeAllowance(m.channelId, kind, valueDate.slice(0, 7), rate.freePerMonth);
    return this.ledger.chargeOnce({
      companyId: company.id,
      usageKind: kind,
      quantity: 1,
      price: free ? 0 : (rate?.amount ?? 0),
      currency: company.currency,
      valueDate,
      refType: "message",
      refId: m.id,
      externalId: m.externalId,
      detail: { ...pricing.raw, country, ...(free ? { freeAllowance: true } : {}) },
      createdAt: now,
    });
  }

  /**
   * The operator's fee per conversation, when one is set: charged once when the
   * conversation starts (a customer writing again within the reopen window
   * continues the same conversation and is not charged again).
   */
  conversation(c: { id: number; companyId: number }): void {
    const company = this.companies.get(c.companyId);
    if (!company) return;
    const rate = this.rates.find(company.id, "conversation", "", "", company.currency);
    if (!rate || rate.amount <= 0) return;
    const now = this.clock.now();
    this.ledger.chargeOnce({
      companyId: company.id,
      usageKind: "conversation",
      quantity: 1,
      price: rate.amount,
      currency: company.currency,
      valueDate: localDate(now, company.timeZone),
      refType: "conversation",
      refId: c.id,
      externalId: null,
      detail: null,
      createdAt: now,
    });
  }

  ai(call: { id: number; companyId: number; model: string; promptTokens: number; completionTokens: number }): void {
    const company = this.companies.get(call.companyId);
    if (!company || call.promptTokens + call.completionTokens === 0) return;
    const per1k = (kind: string) => this.rates.find(company.id, kind, "", call.model, company.currency)?.amount ?? 0;
    const price = Math.round((call.promptTokens * per1k("ai.prompt_1k") + call.completionTokens * per1k("ai.completion_1k")) / 1000);
    const now = this.clock.now();
    this.ledger.chargeOnce({
      companyId: company.id,
      usageKind: "ai.tokens",
      quantity: call.promptTokens + call.completionTokens,
      price,
      currency: company.currency,
      valueDate: localDate(now, company.timeZone),
      refType: "ai_call",
      refId: call.id,
      externalId: null,
      detail: { model: call.model, promptTokens: call.promptTokens, completionTokens: call.completionTokens },
      createdAt: now,
    });
  }
}
