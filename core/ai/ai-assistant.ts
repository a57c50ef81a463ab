import { inject, injectable } from "tsyringe";
import { insufficientBalance, type BalancePolicy } from "../billing/balance-policy.ts";
import type { UsageMeter } from "../billing/usage-meter.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import type { Actor, ConversationService } from "../conversations/conversation-service.ts";
import type { Message } from "../conversations/conversation.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import { AppError } from "../errors.ts";
import type { ResponseService } from "../responses/response-service.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { AiCallKind, AiCallRepository } from "./ai-call-repository.ts";
import type { AiSettings } from "./ai-settings.ts";
import type { AiSettingsService } from "./ai-settings-service.ts";
import type { AiMessage, AiOutcome, AiTool } from "./contract.ts";
import type { Metrics } from "../observability/metrics.ts";

/** Messages of the conversation the model sees (the newest). */
const HISTORY = 30;

export const HANDOFF_TOOL: AiTool = {
  name: "handoff_to_human",
  description:
    "Hand the conversation to a person of the business. Call it when the customer asks for a person, when you cannot help with what they need, or when the answer is not in the business's information.",
  parameters: { type: "object", properties: { reason: { type: "string", description: "Why, in a few words, in the customer's language." } }, required: ["reason"] },
};

/** Offered in a bot program's AI step: the model says the customer was helped ("Ir si"). */
export const RESOLVED_TOOL: AiTool = {
  name: "conversation_resolved",
  description: "The customer's question is fully answered and they need nothing else from the business.",
  parameters: { type: "object", properties: {} },
};

export interface AnswerExtras {
  /** The bot step's own instructions, on top of the company's. */
  instructions?: string | null;
  tools?: AiTool[];
}

/**
 * What Charla asks of the AI: an answer to the customer (with the business's
 * instructions and knowledge, the conversation so far and the hand-off tool), a
 * draft for an agent (streamed), a summary for an agent. Every call is recorded
 * with its tokens, model and latency, whatever its outcome.
 */
@injectable()
export class AiAssistant {
  constructor(
    @inject(T.AiSettingsService) private readonly settings: AiSettingsService,
    @inject(T.AiCallRepository) private readonly calls: AiCallRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.UsageMeter) private readonly meter: UsageMeter,
    @inject(T.BalancePolicy) private readonly balance: BalancePolicy,
    @inject(T.Metrics) private readonly metrics: Metrics,
  ) {}

  /** The customer's answer, or what to do instead (the caller hands off on a tool call or a failure). */
  async answer(companyId: number, conversationId: number, maxTextLength: number, extra: AnswerExtras = {}): Promise<AiOutcome & { settings?: AiSettings }> {
    return this.answerTo(companyId, conversationId, this.history(companyId, conversationId), maxTextLength, extra);
  }

  /** The same for a conversation given as turns (the bot's try-it panel has no stored conversation). */
  async answerTo(companyId: number, conversationId: number | null, history: AiMessage[], maxTextLength: number, extra: AnswerExtras = {}): Promise<AiOutcome & { settings?: AiSettings }> {
    const p = this.settings.provider(companyId);
    if (!p) return { ok: false, error: { code: "unavailable", message: "AI is off" } };
    const system = [
      this.preamble(companyId, p.settings),
      ...(extra.instructions ? [`For this part of the conversation:\n${extra.instructions}`] : []),
      "Write to the customer in the language they write in. Keep answers short and friendly, plain text without markdown tables.",
      `Never write more than ${maxTextLength} characters.`,
      "If they ask for a person, or you cannot help from the information above, call handoff_to_human instead of answering.",
      ...(extra.tools?.some((t) => t.name === RESOLVED_TOOL.name) ? ["When the customer's question is fully answered and they need nothing else, call conversation_resolved (you may also answer)."] : []),
    ].join("\n\n");
    const out = await this.call(companyId, conversationId, "answer", (provider) =>
      provider.complete({ system, messages: history, tools: [HANDOFF_TOOL, ...(extra.tools ?? [])], maxTokens: p.settings.maxTokens, temperature: p.settings.temperature }),
    );
    return { ...out, settings: p.settings };
  }

  /** A draft reply for an agent, streamed a piece at a time; nothing is sent. */
  async suggest(actor: Actor, conversationId: number, language: "es" | "en", onDelta: (text: string) => void): Promise<AiOutcome> {
    this.conversationService.get(actor, conversationId);
    const p = this.ready(actor.companyId);
    const system = [
      this.preamble(actor.companyId, p.settings),
      `You draft the business's next reply to the customer for an agent to review. Write it in the customer's language (if unclear, ${language === "en" ? "English" : "Spanish"}). Only the reply text, no preface.`,
    ].join("\n\n");
    return this.call(actor.companyId, conversationId, "suggest", (provider) =>
      provider.stream({ system, messages: this.history(actor.companyId, conversationId), maxTokens: p.settings.maxTokens, temperature: p.settings.temperature }, onDelta),
    );
  }

  /** A short summary of the conversation for an agent, in the agent's language. */
  async summarize(actor: Actor, conversationId: number, language: "es" | "en"): Promise<AiOutcome> {
    this.conversationService.get(actor, conversationId);
    const p = this.ready(actor.companyId);
    const transcript = this.history(actor.companyId, conversationId)
      .map((m) => `${m.role === "user" ? "Customer" : "Business"}: ${m.content}`)
      .join("\n");
    return this.call(actor.companyId, conversationId, "summarize", (provider) =>
      provider.complete({
        system: `Summarize this customer conversation for a support agent in ${language === "en" ? "English" : "Spanish"}: who the customer is, what they want, what was answered, what is pending. At most 5 short lines.`,
        messages: [{ role: "user", content: transcript || "(no messages)" }],
        maxTokens: Math.min(300, p.settings.maxTokens),
        temperature: 0.2,
      }),
    );
  }

  /** AI is on and has budget left, or the reason why not (shown on the assist buttons). */
  private ready(companyId: number) {
    const p = this.settings.provider(companyId);
    if (!p) throw new AppError(409, "ai_disabled", "ai.error.disabled");
    if (this.settings.budgetSpent(companyId)) throw new AppError(409, "ai_budget_spent", "ai.error.budget_spent");
    if (this.balance.aiBlocked(companyId, p.settings.model)) throw insufficientBalance();
    return p;
  }

  private preamble(companyId: number, s: AiSettings): string {
    const company = this.companies.get(companyId)?.name ?? "";
    const parts = [`You answer customers on behalf of the business "${company}".`];
    if (s.instructions) parts.push(`The business's instructions:\n${s.instructions}`);
    const knowledge = [s.knowledge, s.includeResponses ? this.responseService.knowledge(companyId) : ""].filter((k) => k.trim()).join("\n\n");
    if (knowledge) parts.push(`What the business knows (hours, prices, policies):\n${knowledge}`);
    return parts.join("\n\n");
  }

  /** The conversation as chat turns: the customer is "user", the business (agents, bots) "assistant"; internal lines are left out. */
  private history(companyId: number, conversationId: number): AiMessage[] {
    const page = this.messages.page(companyId, conversationId, HISTORY);
    return page.filter((m) => m.author !== "system").map((m) => ({ role: m.direction === "in" ? "user" : "assistant", content: contentOf(m) }));
  }

  private async call(companyId: number, conversationId: number | null, kind: AiCallKind, run: (provider: NonNullable<ReturnType<AiSettingsService["provider"]>>["provider"]) => Promise<AiOutcome>): Promise<AiOutcome> {
    const p = this.settings.provider(companyId)!;
    const started = this.clock.now();
    const t0 = performance.now();
    const out = await run(p.provider);
    const call = {
      companyId,
      conversationId,
      kind,
      model: out.ok ? out.model : p.settings.model,
      promptTokens: out.ok ? out.usage.promptTokens : 0,
      completionTokens: out.ok ? out.usage.completionTokens : 0,
      latencyMs: Math.round(performance.now() - t0),
      outcome: !out.ok ? ("error" as const) : out.toolCall ? ("handoff" as const) : ("ok" as const),
      error: out.ok ? null : `${out.error.code}: ${out.error.message}`.slice(0, 500),
    };
    // The call and its charge commit together.
    this.uow.run(() => {
      const id = this.calls.record(call, started);
      this.meter.ai({ id, companyId, model: call.model, promptTokens: call.promptTokens, completionTokens: call.completionTokens });
    });
    this.metrics.aiCall(kind, call.outcome, call.promptTokens, call.completionTokens);
    return out;
  }
}

function contentOf(m: Message): string {
  if (m.kind === "text" || m.kind === "template" || m.kind === "interactive_reply") return m.text ?? "";
  if (m.kind === "media") return `[${String(m.payload?.mediaType ?? "file")}]${m.text ? ` ${m.text}` : ""}`;
  if (m.kind === "location") return `[location] ${m.text ?? ""}`;
  return `[${m.kind}]`;
}
