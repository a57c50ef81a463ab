import { inject, injectable } from "tsyringe";
import { AppError } from "../errors.ts";
import { countryOf } from "../contacts/phone.ts";
import { T } from "../tokens.ts";
import type { LedgerRepository } from "./ledger-repository.ts";
import type { RateRepository } from "./rate-repository.ts";

/** The plugin whose provider bills each message (Meta's WhatsApp pricing); other channels send for free. */
const PRICED_PLUGIN = "whatsapp-cloud";

/** The error code of a send the outbox refused for balance (the bubble says "Saldo insuficiente…"). */
export const BALANCE_REFUSED = "insufficient_balance";

/** What a refused priced send answers: 402 and "Saldo insuficiente: recargue para responder." in the user's language. */
export function insufficientBalance(): AppError {
  return new AppError(402, BALANCE_REFUSED, "billing.error.insufficient");
}

/** The rate a stored outbound message is priced at (null: its channel does not bill per message). */
function priceKindOf(pluginId: string, m: { kind: string; payload: Record<string, unknown> | null }): string | null {
  if (pluginId !== PRICED_PLUGIN) return null;
  // Templates carry Meta's category from when they were sent; a free-form message is a "service" one.
  if (m.kind === "template") return `whatsapp.${String(m.payload?.category ?? "marketing").toLowerCase()}`;
  return "whatsapp.service";
}

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
  ) {}

  /** Whether a send of this kind would be refused now (`to`: the recipient's number, for its country's price). */
  blocked(companyId: number, kind: string, opts: { to?: string | null; model?: string } = {}): boolean {
    // The balance first: one read by primary key, and while it lasts nothing else is needed.
    const account = this.ledger.account(companyId);
    if (!account || account.balance > -account.creditLimit) return false;
    const rate = kind.startsWith("whatsapp.")
      ? this.rates.whatsapp(companyId, kind, countryOf(opts.to), account.currency)
      : this.rates.find(companyId, kind, "", opts.model ?? "", account.currency);
    return !!rate && rate.amount > 0;
  }

  /**
   * The outbox's last look before a send leaves: a message queued before the
   * balance ran out (or by the bot, the AI, an automatic answer) is not sent at a
   * price the company can no longer pay; it is marked failed, retryable.
   */
  blocksSend(companyId: number, pluginId: string, m: { kind: string; payload: Record<string, unknown> | null }, to: string | null): boolean {
    const kind = priceKindOf(pluginId, m);
    return kind !== null && this.blocked(companyId, kind, { to });
  }

  /** AI answers and assist: blocked when either token price is set and the balance is spent. */
  aiBlocked(companyId: number, model: string): boolean {
    return this.blocked(companyId, "ai.prompt_1k", { model }) || this.blocked(companyId, "ai.completion_1k", { model });
  }
}
