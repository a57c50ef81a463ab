import { inject, injectable } from "tsyringe";
import type { Actor, ConversationService } from "../conversations/conversation-service.ts";
import type { Conversation } from "../conversations/conversation.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { BalancePolicy } from "../billing/balance-policy.ts";
import type { ReplyService } from "../conversations/reply-service.ts";
import type { AiHandoffReason } from "../conversations/system-lines.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import type { AiAssistant } from "./ai-assistant.ts";
import type { AiSettingsService } from "./ai-settings-service.ts";
import { asksForPerson } from "./asks-for-person.ts";

/** What the customer reads when no hand-off message is set. */
export const DEFAULT_HANDOFF = "Le comunico con una persona de nuestro equipo; en un momento le responden.";

/**
 * The AI answering customers first (a conversation in status "bot" on a channel
 * whose AI mode says so). Every customer message gets an answer or the hand-off
 * message, never silence: the AI hands over to the queue (routing as usual, a
 * system line saying why) when the customer asks for a person, when the model
 * calls the hand-off tool, after the company's maximum of AI turns, when the
 * budget is spent, when AI was switched off, or when the provider fails. An agent
 * who answers or takes the conversation ends the AI's part at once (it is no
 * longer "bot"; an answer still on its way is dropped).
 */
@injectable()
export class AiAutoAnswer {
  /** One answer at a time per conversation, in order. */
  private readonly chains = new Map<number, Promise<void>>();

  constructor(
    @inject(T.AiAssistant) private readonly assistant: AiAssistant,
    @inject(T.AiSettingsService) private readonly settings: AiSettingsService,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.BalancePolicy) private readonly balance: BalancePolicy,
    @inject(T.Logger) private readonly logger: Logger,
  ) {}

  handle(companyId: number, conversationId: number, messageId: number): Promise<void> {
    const previous = this.chains.get(conversationId) ?? Promise.resolve();
    const next = previous
      .then(() => this.run(companyId, conversationId, messageId))
      .catch((error) => this.logger.error("AI answer failed", { conversation: conversationId, error }))
      .finally(() => {
        if (this.chains.get(conversationId) === next) this.chains.delete(conversationId);
      });
    this.chains.set(conversationId, next);
    return next;
  }

  /** Resolves when no answer is being prepared (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
  }

  private async run(companyId: number, conversationId: number, messageId: number): Promise<void> {
    const c = this.conversations.get(companyId, conversationId);
    if (!c || c.status !== "bot") return;
    // Several messages in a row: the newest is answered, with all of them in its history.
    if (this.messages.lastInbound(conversationId)?.id !== messageId) return;
    const s = this.settings.raw(companyId);
    if (!s.enabled) return this.handoff(c, "disabled", null);
    const text = this.messages.get(companyId, messageId)?.text ?? "";
    if (asksForPerson(text)) return this.handoff(c, "customer_asked", null);
    if (c.aiTurns >= s.maxTurns) return this.handoff(c, "turns", String(s.maxTurns));
    if (this.settings.budgetSpent(companyId)) return this.handoff(c, "budget", null);
    if (this.balance.aiBlocked(companyId, s.model)) return this.handoff(c, "balance", null);
    const limit = this.replyService.maxTextFor(c.channelId);
    const out = await this.assistant.answer(companyId, conversationId, limit);
    const now = this.conversations.get(companyId, conversationId);
    if (!now || now.status !== "bot") return;
    if (!out.ok) return this.handoff(now, "error", out.error.code);
    if (out.toolCall?.name === "handoff_to_human") return this.handoff(now, "tool", String(out.toolCall.arguments.reason ?? "").slice(0, 200) || null);
    const answer = clip(out.text.trim(), limit);
    if (!answer) return this.handoff(now, "empty", null);
    try {
      this.replyService.send(this.actor(companyId), conversationId, { text: answer, origin: "ai" });
      this.conversations.addAiTurn(conversationId);
    } catch (error) {
      this.logger.warn("the AI's answer could not be queued; handing off", { conversation: conversationId, error });
      return this.handoff(now, "error", "send");
    }
  }

  /** To the queue: the customer is told, the agents see why, routing gives it to someone. */
  private handoff(c: Conversation, reason: AiHandoffReason, detail: string | null): void {
    const actor = this.actor(c.companyId);
    const message = this.settings.raw(c.companyId).handoffMessage || DEFAULT_HANDOFF;
    try {
      this.replyService.send(actor, c.id, { text: message, origin: "ai" });
    } catch (error) {
      // Outside the channel's window, or the channel is off: the hand-off still happens.
      this.logger.warn("the hand-off message could not be queued", { conversation: c.id, error });
    }
    this.conversationService.leaveBot(c, { event: "ai_handoff", reason, detail });
  }

  private actor(companyId: number): Actor {
    return { companyId, userId: null, name: "IA", role: "api" };
  }
}

/** Within the channel's limit, cut at the last sentence or line that fits. */
function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = text.slice(0, limit);
  const cut = Math.max(head.lastIndexOf(". "), head.lastIndexOf("\n"), head.lastIndexOf("? "), head.lastIndexOf("! "));
  return (cut > limit * 0.5 ? head.slice(0, cut + 1) : head.slice(0, limit - 1) + "…").trim();
}
