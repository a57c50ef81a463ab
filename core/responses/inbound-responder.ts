import { inject, injectable } from "tsyringe";
import type { AiAutoAnswer } from "../ai/ai-auto-answer.ts";
import type { BotRunner } from "../bot/bot-runner.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import type { ResponseService } from "./response-service.ts";

/**
 * Answers that need no person, after a customer's message is committed (never
 * delaying the webhook's 200): the bot program of a conversation in one; else a canned response marked AUTOMÁTICO whose key
 * is the whole message, once per message however often the provider redelivers;
 * else, while the conversation is with the AI, the AI.
 */
@injectable()
export class InboundResponder {
  private off: (() => void) | null = null;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.AiAutoAnswer) private readonly aiAutoAnswer: AiAutoAnswer,
    @inject(T.BotRunner) private readonly botRunner: BotRunner,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.Logger) private readonly logger: Logger,
  ) {}

  start(): () => Promise<void> {
    this.off = this.bus.on("message.received", ({ companyId, conversationId, messageId }) => {
      // After the rest of the commit's work (events, routing) has run.
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.respond(companyId, conversationId, messageId))
        .catch((error) => this.logger.error("automatic answer failed", { conversation: conversationId, error }))
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    });
    return async () => {
      this.off?.();
      await this.idle();
    };
  }

  /** Resolves when every automatic answer started so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    await this.aiAutoAnswer.idle();
    await this.botRunner.idle();
  }

  private async respond(companyId: number, conversationId: number, messageId: number): Promise<void> {
    const c = this.conversations.get(companyId, conversationId);
    // Only its text decides anything here: not the whole message with its joins, on every customer message.
    const m = this.messages.textOf(companyId, messageId);
    if (!c || !m || c.status === "closed") return;
    // A conversation in a bot program is the program's: its menus and questions get every answer.
    if (c.status === "bot" && this.botRunner.runs(c)) return this.botRunner.handle(companyId, conversationId, messageId);
    const canned = m.text ? this.responseService.automaticFor(companyId, m.text, c) : null;
    if (canned) {
      if (!this.responseService.claimAutoReply(messageId, canned.id)) return;
      const actor: Actor = { companyId, userId: null, name: canned.name, role: "api" };
      try {
        this.responseService.send(actor, conversationId, canned.id, { origin: "auto_response" });
      } catch (error) {
        this.logger.warn("automatic response could not be sent", { conversation: conversationId, response: canned.id, error });
      }
      return;
    }
    if (c.status === "bot") await this.aiAutoAnswer.handle(companyId, conversationId, messageId);
  }
}
