import { Cron } from "croner";
import { inject, injectable } from "tsyringe";
import { RESOLVED_TOOL, type AiAssistant } from "../ai/ai-assistant.ts";
import type { AiSettingsService } from "../ai/ai-settings-service.ts";
import type { BalancePolicy } from "../billing/balance-policy.ts";
import { asksForPerson } from "../ai/asks-for-person.ts";
import type { Clock } from "../clock.ts";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import type { ContactRepository } from "../contacts/contact-repository.ts";
import type { ContactService } from "../contacts/contact-service.ts";
import type { Conversation } from "../conversations/conversation.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { Actor, ConversationService } from "../conversations/conversation-service.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { ReplyService } from "../conversations/reply-service.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { T } from "../tokens.ts";
import type { BotContextFactory, ContactView } from "./bot-context.ts";
import type { BotRepository } from "./bot-repository.ts";
import { callHttpStep } from "./http-step.ts";
import { INITIAL, step, type BotAction, type BotEvent } from "./engine.ts";
import { stepKey, type BotDefinition } from "./program.ts";
import type { BotSession, BotSessionRepository } from "./session-repository.ts";

/**
 * Runs bot programs in real conversations. The inbound pipeline hands it each
 * customer message of a conversation in status "bot" after the commit (never
 * delaying the webhook's 200); it feeds the engine one event at a time per
 * conversation and carries out the actions (sends through ReplyService like any
 * answer, contact fields and tags, transfer into routing, finalize). A message is
 * handed over once (the session records the last one), timers are stored with
 * their due time and claimed once, so redeliveries, restarts and two sweeps never
 * repeat a step. A person taking the conversation ends the session at once (a
 * database trigger on the conversation's status) and anything still on its way
 * is dropped.
 */
@injectable()
export class BotRunner {
  private readonly chains = new Map<number, Promise<void>>();
  /** Published versions never change: kept once read. */
  private readonly versions = new Map<number, BotDefinition>();

  constructor(
    @inject(T.BotRepository) private readonly bots: BotRepository,
    @inject(T.BotSessionRepository) private readonly sessions: BotSessionRepository,
    @inject(T.BotContextFactory) private readonly contexts: BotContextFactory,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.AiAssistant) private readonly assistant: AiAssistant,
    @inject(T.AiSettingsService) private readonly aiSettings: AiSettingsService,
    @inject(T.BalancePolicy) private readonly balance: BalancePolicy,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.Metrics) private readonly metrics: Metrics,
  ) {}

  /** Sweeps due timers every 15 s and catches up on messages a stop left unhandled. */
  start(): () => Promise<void> {
    const job = new Cron("*/15 * * * * *", { protect: true, catch: (error) => this.logger.error("bot sweep failed", { error }) }, async () => void (await this.sweep()));
    queueMicrotask(() => void this.sweep().catch((error) => this.logger.error("bot sweep failed", { error })));
    return async () => {
      job.stop();
      await this.idle();
    };
  }

  /** Whether a program answers this conversation (else the AI-only mode may). */
  runs(c: Pick<Conversation, "id" | "channelId">): boolean {
    return this.sessions.running(c.id) !== null || this.bots.forChannel(c.channelId) !== null;
  }

  handle(companyId: number, conversationId: number, messageId: number): Promise<void> {
    return this.chain(conversationId, () => this.onMessage(companyId, conversationId, messageId));
  }

  /** Due timers, then messages stored while no worker ran (a restart). Returns how many were handled. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const work: Promise<void>[] = [];
    for (const d of this.sessions.due(now, 500)) {
      work.push(
        this.chain(d.conversationId, async () => {
          if (!this.sessions.claimTimer(d.id, d.dueAt)) return;
          const s = this.sessions.running(d.conversationId);
          if (s && s.id === d.id) await this.advance(s, { type: "timer" });
        }),
      );
    }
    for (const b of this.sessions.behind(500)) work.push(this.handle(b.companyId, b.conversationId, b.messageId));
    await Promise.all(work);
    return work.length;
  }

  /** Resolves when nothing is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
  }

  /** A program being deleted: its conversations go to their queues instead of waiting forever. */
  releaseAll(programId: number): void {
    for (const s of this.sessions.runningIn(programId)) {
      const c = this.conversations.get(s.companyId, s.conversationId);
      const running = this.sessions.running(s.conversationId);
      if (!c || !running) continue;
      this.sessions.end(running.id, running.state, running.step, "handoff", this.clock.now());
      this.metrics.botRun("handoff");
      if (c.status === "bot") this.handoff(c, running.step);
    }
  }

  private chain(conversationId: number, run: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(conversationId) ?? Promise.resolve();
    const next = previous
      .then(run)
      .catch((error) => this.logger.error("bot step failed", { conversation: conversationId, error }))
      .finally(() => {
        if (this.chains.get(conversationId) === next) this.chains.delete(conversationId);
      });
    this.chains.set(conversationId, next);
    return next;
  }

  private async onMessage(companyId: number, conversationId: number, messageId: number): Promise<void> {
    const c = this.conversations.get(companyId, conversationId);
    if (!c || c.status !== "bot") return;
    const running = this.sessions.running(c.id);
    if (!running) {
      const program = this.bots.forChannel(c.channelId);
      if (!program) return;
      const now = this.clock.now();
      this.sessions.start({ companyId, conversationId, programId: program.programId, versionId: program.versionId, state: INITIAL, lastMessageId: messageId, now });
      this.metrics.botRun("started");
      const started = this.sessions.running(c.id);
      return started ? this.advance(started, { type: "start" }) : undefined;
    }
    if (!this.sessions.claimMessage(running.id, messageId)) return;
    const m = this.messages.get(companyId, messageId);
    if (!m || m.direction !== "in") return;
    const replyId = m.kind === "interactive_reply" ? String(m.payload?.id ?? "") : null;
    await this.advance(running, { type: "message", text: m.text ?? "", replyId });
  }

  /** Feeds the engine until it waits, carrying out each batch of actions; saves after each batch. */
  private async advance(s: BotSession, first: BotEvent): Promise<void> {
    const def = this.definition(s.versionId);
    if (!def) return;
    let state = s.state;
    let event: BotEvent | null = first;
    while (event) {
      const c = this.conversations.get(s.companyId, s.conversationId);
      if (!c || c.status !== "bot" || !this.stillRunning(s)) return;
      const ctx = this.contexts.build(s.companyId, def, { now: this.clock.now(), channelId: c.channelId, contact: this.contactView(c) });
      const r = step(def, state, event, ctx);
      state = r.state;
      event = null;
      const at = state.done ? lastVisited(r.actions, s.step) : stepKey(def.steps[state.at] ?? { priority: 0 });
      // The session ends before the actions that take the conversation out of "bot" (transfer, finalize).
      if (state.done) {
        this.sessions.end(s.id, state, at, state.done, this.clock.now());
        this.metrics.botRun(state.done);
      }
      else this.sessions.save(s.id, state, at);
      s = { ...s, step: at, state };
      for (const a of r.actions) {
        if (a.type === "visit") {
          this.sessions.visit(s.id, a.step);
          continue;
        }
        const follow = await this.perform(c, a, ctx.words.button, s);
        if (follow) event = follow;
      }
      if (!state.done) {
        this.conversations.setBotStep(c.id, at);
        this.bus.emit("conversation.changed", { companyId: c.companyId, conversationId: c.id });
      }
    }
  }

  private stillRunning(s: BotSession): boolean {
    return this.sessions.running(s.conversationId)?.id === s.id;
  }

  private async perform(c: Conversation, a: BotAction, button: string, s: BotSession): Promise<BotEvent | null> {
    const bot = actor(c.companyId);
    try {
      switch (a.type) {
        case "say":
          if (this.stillBotOrEnding(c, s)) this.replyService.send(bot, c.id, { text: a.text, mediaId: a.mediaId, origin: "bot" });
          return null;
        case "menu":
          if (this.stillBotOrEnding(c, s)) this.replyService.sendMenu(bot, c.id, { text: a.text, options: a.options, button });
          return null;
        case "set_field":
          this.contactService.setField(bot, c.contactId, a.key, a.value);
          return null;
        case "tag":
          if (a.add) this.contactService.addTag(bot, c.contactId, a.tagId);
          else this.contactService.removeTag(bot, c.contactId, a.tagId);
          return null;
        case "transfer":
          try {
            this.conversationService.transfer(bot, c.id, a.assigneeId ? { assigneeId: a.assigneeId } : { queueId: a.queueId });
          } catch (error) {
            // The queue or agent is gone: the conversation still reaches a person.
            this.logger.warn("bot transfer failed; handing off to the channel's queue", { conversation: c.id, error });
            this.handoff(c, s.step);
          }
          return null;
        case "end":
          this.conversationService.close(bot, c.id, null);
          return null;
        case "handoff":
          this.handoff(c, s.step);
          return null;
        case "ai":
          return { type: "ai", result: await this.ai(c, a.instructions, s) };
        case "http": {
          const contact = this.contacts.detail(c.companyId, c.contactId);
          const out = await callHttpStep(a.url, a.timeoutMs, { conversationId: c.id, channelId: c.channelId, contact: { id: c.contactId, name: contact?.name ?? "", phone: contact?.phone ?? null, email: contact?.email ?? null, fields: this.contactView(c).fields } });
          return { type: "http", ...out };
        }
      }
    } catch (error) {
      // One failed action (outside the window, a field that no longer exists) does not stop the program.
      this.logger.warn("bot action failed", { conversation: c.id, action: a.type, error });
    }
    return null;
  }

  /** Sends are dropped once a person took over (the session is no longer this one). */
  private stillBotOrEnding(c: Conversation, s: BotSession): boolean {
    const now = this.conversations.get(c.companyId, c.id);
    if (!now || now.status !== "bot") return false;
    const running = this.sessions.running(c.id);
    return running === null ? s.state.done !== null : running.id === s.id;
  }

  /** One AI answer: "answered", "resolved" (the model says so) or "handoff" (any of the AI's hand-off triggers). */
  private async ai(c: Conversation, instructions: string | null, s: BotSession): Promise<"answered" | "resolved" | "handoff"> {
    const last = this.messages.lastInbound(c.id);
    const text = last ? (this.messages.get(c.companyId, last.id)?.text ?? "") : "";
    if (asksForPerson(text)) return "handoff";
    const settings = this.aiSettings.raw(c.companyId);
    if (!settings.enabled || this.aiSettings.budgetSpent(c.companyId) || this.balance.aiBlocked(c.companyId, settings.model)) return "handoff";
    const limit = this.replyService.maxTextFor(c.channelId);
    const out = await this.assistant.answer(c.companyId, c.id, limit, { instructions, tools: [RESOLVED_TOOL] });
    if (!out.ok || out.toolCall?.name === "handoff_to_human") return "handoff";
    const answer = out.text.trim().slice(0, limit);
    if (answer && this.stillBotOrEnding(c, s)) {
      this.replyService.send(actor(c.companyId), c.id, { text: answer, origin: "ai" });
      this.conversations.addAiTurn(c.id);
    }
    if (out.toolCall?.name === RESOLVED_TOOL.name) return "resolved";
    return answer ? "answered" : "handoff";
  }

  /** To the channel's queue (routing as usual) with a line saying the bot did it. */
  private handoff(c: Conversation, step: string | null): void {
    this.conversationService.leaveBot(c, { event: "bot_handoff", program: this.sessionsProgramName(c), step });
  }

  private sessionsProgramName(c: Conversation): string {
    const p = this.bots.forChannel(c.channelId);
    return (p && this.bots.get(c.companyId, p.programId)?.name) || "";
  }

  private definition(versionId: number): BotDefinition | null {
    let d = this.versions.get(versionId);
    if (!d) {
      d = this.bots.version(versionId)?.definition;
      if (d) this.versions.set(versionId, d);
    }
    return d ?? null;
  }

  private contactView(c: Conversation): ContactView {
    const detail = this.contacts.detail(c.companyId, c.contactId);
    const keys = new Map(this.fields.list(c.companyId, true).map((f) => [f.id, f.key]));
    const fields: Record<string, string> = {};
    for (const [id, value] of detail?.values ?? []) {
      const key = keys.get(id);
      if (key) fields[key] = value;
    }
    return { name: detail?.name ?? "", fields, tagIds: detail?.tags.map((t) => t.id) ?? [] };
  }

}

function actor(companyId: number): Actor {
  return { companyId, userId: null, name: "Bot", role: "api" };
}

function lastVisited(actions: BotAction[], fallback: string | null): string | null {
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i]!;
    if (a.type === "visit") return a.step;
  }
  return fallback;
}
