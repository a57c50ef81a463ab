import { inject, injectable } from "tsyringe";
import { RESOLVED_TOOL, type AiAssistant } from "../ai/ai-assistant.ts";
import type { AiSettingsService } from "../ai/ai-settings-service.ts";
import type { AiMessage } from "../ai/contract.ts";
import { asksForPerson } from "../ai/asks-for-person.ts";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import { randomToken } from "../crypto/tokens.ts";
import { AppError } from "../errors.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { UserRepository } from "../users/user-repository.ts";
import { T } from "../tokens.ts";
import type { BotContextFactory, ContactView } from "./bot-context.ts";
import type { BotService } from "./bot-service.ts";
import { callHttpStep } from "./http-step.ts";
import { INITIAL, step, type BotEvent, type BotState } from "./engine.ts";
import { stepKey, type BotDefinition } from "./program.ts";

export interface TryReply {
  /** "bot": what the customer would read; "customer": what they wrote; "event": what happened (transfer, end, a field stored). */
  from: "bot" | "customer" | "event";
  text: string;
  options?: string[];
  /** The step that produced it. */
  step: string | null;
}

export interface TryResult {
  session: string;
  replies: TryReply[];
  /** Steps run for this message, in order. */
  steps: string[];
  step: string | null;
  done: boolean;
  /** The simulated time of the session (epoch ms). */
  at: number;
  transcript: TryReply[];
}

interface TrySession {
  companyId: number;
  programId: number;
  def: BotDefinition;
  state: BotState;
  contact: ContactView;
  history: AiMessage[];
  transcript: TryReply[];
  at: number;
  expires: number;
}

const TTL_MS = 30 * 60_000;
const MAX_SESSIONS = 500;
const CHANNEL_NONE = 0;

/**
 * "Probar": the engine run without any channel, as if a customer wrote at a
 * chosen date and time in the company's time zone. Nothing is stored: the contact
 * is imaginary (fields and tags live in the session), transfers and finalizing
 * are only described. The AI and HTTP steps do call out (that is what is tried).
 */
@injectable()
export class BotTry {
  private readonly sessions = new Map<string, TrySession>();

  constructor(
    @inject(T.BotService) private readonly bots: BotService,
    @inject(T.BotContextFactory) private readonly contexts: BotContextFactory,
    @inject(T.AiAssistant) private readonly assistant: AiAssistant,
    @inject(T.AiSettingsService) private readonly aiSettings: AiSettingsService,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  /** Starts a session (no `session`, or an expired one) or sends the customer's `text`; `timeout` fires the waiting timer. */
  async run(scope: Scope, programId: number, input: { session?: string | null; text?: string; at?: number | null; source?: "draft" | "published"; timeout?: boolean }): Promise<TryResult> {
    this.expire();
    let id = input.session ?? "";
    let s = this.sessions.get(id);
    if (s && (s.companyId !== scope.companyId || s.programId !== programId)) s = undefined;
    const replies: TryReply[] = [];
    const steps: string[] = [];
    const text = (input.text ?? "").trim().slice(0, 4096);
    let event: BotEvent;
    if (!s) {
      const def = this.bots.definitionOf(scope, programId, input.source ?? "draft");
      if (def.steps.length === 0) throw new AppError(409, "no_steps", "bot.error.no_steps");
      id = randomToken();
      s = { companyId: scope.companyId, programId, def, state: INITIAL, contact: { name: "Cliente de prueba", fields: {}, tagIds: [] }, history: [], transcript: [], at: input.at ?? this.clock.now(), expires: 0 };
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
      this.sessions.set(id, s);
      if (text) this.customer(s, text, replies);
      event = { type: "start" };
    } else if (input.timeout) {
      if (s.state.dueAt !== null) s.at = Math.max(s.at, s.state.dueAt);
      event = { type: "timer" };
    } else {
      if (input.at) s.at = input.at;
      if (!text) throw AppError.invalid({ text: "inbox.error.empty_message" });
      this.customer(s, text, replies);
      event = { type: "message", text };
    }
    s.expires = this.clock.now() + TTL_MS;
    await this.drive(s, event, replies, steps);
    return { session: id, replies, steps, step: s.state.done ? null : stepKey(s.def.steps[s.state.at] ?? { priority: 0 }), done: s.state.done !== null, at: s.at, transcript: s.transcript };
  }

  private async drive(s: TrySession, first: BotEvent, replies: TryReply[], steps: string[]): Promise<void> {
    let event: BotEvent | null = first;
    let current: string | null = null;
    while (event) {
      const ctx = this.contexts.build(s.companyId, s.def, { now: s.at, channelId: CHANNEL_NONE, contact: s.contact });
      const r = step(s.def, s.state, event, ctx);
      s.state = r.state;
      event = null;
      for (const a of r.actions) {
        switch (a.type) {
          case "visit":
            current = a.step;
            steps.push(a.step);
            break;
          case "say":
            this.bot(s, replies, { from: "bot", text: a.text + (a.mediaId ? " 📎" : ""), step: current });
            break;
          case "menu":
            this.bot(s, replies, { from: "bot", text: [a.text, ...a.options.map((o, i) => `${i + 1}. ${o.title}`)].join("\n"), options: a.options.map((o) => o.title), step: current });
            break;
          case "set_field":
            s.contact.fields[a.key] = a.value;
            this.note(s, replies, `${this.fieldLabel(s.companyId, a.key)} = ${a.value}`, current);
            break;
          case "tag":
            s.contact.tagIds = a.add ? [...new Set([...s.contact.tagIds, a.tagId])] : s.contact.tagIds.filter((t) => t !== a.tagId);
            this.note(s, replies, `${a.add ? "+" : "−"} #${a.tagId}`, current);
            break;
          case "transfer": {
            const to = a.queueId ? this.queues.get(s.companyId, a.queueId)?.name : a.assigneeId ? this.users.get(s.companyId, a.assigneeId)?.name : null;
            this.note(s, replies, `→ ${to ?? "?"}`, current, "transfer");
            break;
          }
          case "end":
            this.note(s, replies, "■", current, "end");
            break;
          case "handoff":
            this.note(s, replies, "→", current, "handoff");
            break;
          case "ai":
            event = { type: "ai", result: await this.ai(s, a.instructions, replies, current) };
            break;
          case "http":
            event = { type: "http", ...(await callHttpStep(a.url, a.timeoutMs, { conversationId: null, channelId: null, contact: { id: null, name: s.contact.name, phone: null, email: null, fields: s.contact.fields }, test: true })) };
            break;
        }
      }
    }
  }

  private async ai(s: TrySession, instructions: string | null, replies: TryReply[], step: string | null): Promise<"answered" | "resolved" | "handoff"> {
    const last = [...s.history].reverse().find((m) => m.role === "user")?.content ?? "";
    if (asksForPerson(last) || !this.aiSettings.raw(s.companyId).enabled || this.aiSettings.budgetSpent(s.companyId)) return "handoff";
    const out = await this.assistant.answerTo(s.companyId, null, s.history.slice(-30), 4096, { instructions, tools: [RESOLVED_TOOL] });
    if (!out.ok || out.toolCall?.name === "handoff_to_human") return "handoff";
    const answer = out.text.trim();
    if (answer) this.bot(s, replies, { from: "bot", text: answer, step });
    if (out.toolCall?.name === RESOLVED_TOOL.name) return "resolved";
    return answer ? "answered" : "handoff";
  }

  private customer(s: TrySession, text: string, replies: TryReply[]): void {
    const r: TryReply = { from: "customer", text, step: null };
    replies.push(r);
    s.transcript.push(r);
    s.history.push({ role: "user", content: text });
  }

  private bot(s: TrySession, replies: TryReply[], r: TryReply): void {
    replies.push(r);
    s.transcript.push(r);
    s.history.push({ role: "assistant", content: r.text });
  }

  private note(s: TrySession, replies: TryReply[], text: string, step: string | null, kind?: "transfer" | "end" | "handoff"): void {
    const r: TryReply = { from: "event", text: kind ? `${kind}: ${text}` : text, step };
    replies.push(r);
    s.transcript.push(r);
  }

  private fieldLabel(companyId: number, key: string): string {
    return this.fields.list(companyId).find((f) => f.key === key)?.label ?? key;
  }

  private expire(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (s.expires < now) this.sessions.delete(id);
  }
}
