import { normalizeKey } from "../responses/key-norm.ts";
import { resolve } from "./definition-check.ts";
import { DEFAULT_RETRIES, stepKey, type BotDefinition, type Step, type StepOf } from "./program.ts";
import { isOpen } from "./schedule.ts";

/**
 * The bot as a pure state machine: `step(definition, state, event, context)`
 * returns what to do (actions) and the next state. It never touches a database,
 * a channel or the clock: the runner (real conversations) and the try-it panel
 * feed it events and carry out its actions, so both run exactly the same logic.
 */

/** How a session ended. */
export type Outcome = "end" | "transfer" | "handoff" | "timeout" | "taken" | "error";

export interface BotState {
  /** Index (in priority order) of the step running or waiting. */
  at: number;
  /** What the session is waiting for at `at`, if anything. */
  wait: null | "menu" | "ask" | "ai" | "wait" | "http";
  /** Invalid answers so far at a menu or question; answers so far at an AI step. */
  tries: number;
  /** The customer's last message text. */
  answer: string | null;
  /** When the session must be woken (the program's timeout, or a "wait" step's end). */
  dueAt: number | null;
  dueKind: "timeout" | "wake" | null;
  done: Outcome | null;
}

export type BotEvent =
  | { type: "start" }
  | { type: "message"; text: string; replyId?: string | null }
  | { type: "timer" }
  | { type: "ai"; result: "answered" | "resolved" | "handoff" }
  | { type: "http"; ok: boolean; data?: unknown };

export type BotAction =
  | { type: "visit"; step: string }
  | { type: "say"; text: string; mediaId: number | null }
  | { type: "menu"; text: string; options: { id: string; title: string }[] }
  | { type: "set_field"; key: string; value: string }
  | { type: "tag"; tagId: number; add: boolean }
  | { type: "transfer"; queueId: number | null; assigneeId: number | null }
  | { type: "ai"; instructions: string | null }
  | { type: "http"; url: string; timeoutMs: number }
  /** Finalize the conversation. */
  | { type: "end" }
  /** To the channel's queue: the program ran out of steps (or failed). */
  | { type: "handoff" };

/** What the engine may read about the world, prepared by whoever runs it. */
export interface BotContext {
  now: number;
  timeZone: string;
  isHoliday(date: string): boolean;
  contact: { fields: Record<string, string>; tagIds: number[] };
  channelId: number;
  /** A canned response by id, or by name or key (the manual's "Texto: saludo"), with the variables filled. */
  response(ref: { id?: number; name?: string }, fields: Record<string, string>): { text: string; mediaId: number | null } | null;
  /** A text with its variables filled (`fields`: the contact's, as the run has them now). */
  fill(text: string, fields: Record<string, string>): string;
  /** A customer's answer for a template field, checked and in its stored form, or why not (in the customer's words). */
  checkField(key: string, raw: string): { ok: true; value: string } | { ok: false; message: string };
  words: { invalidOption: string };
}

/** Steps run in one go before the engine gives up (validation forbids loops; this guards old data). */
const MAX_RUN = 200;

export const INITIAL: BotState = { at: 0, wait: null, tries: 0, answer: null, dueAt: null, dueKind: null, done: null };

export function step(def: BotDefinition, state: BotState, event: BotEvent, ctx: BotContext): { state: BotState; actions: BotAction[] } {
  const run = new Run(def, { ...state }, ctx);
  run.handle(event);
  return { state: run.s, actions: run.out };
}

class Run {
  readonly out: BotAction[] = [];
  private readonly fields: Record<string, string>;
  private readonly tagIds: Set<number>;

  constructor(
    private readonly def: BotDefinition,
    readonly s: BotState,
    private readonly ctx: BotContext,
  ) {
    this.fields = { ...ctx.contact.fields };
    this.tagIds = new Set(ctx.contact.tagIds);
  }

  handle(e: BotEvent): void {
    if (e.type === "start") {
      Object.assign(this.s, INITIAL);
      return this.go(0);
    }
    if (this.s.done) return;
    const here = this.def.steps[this.s.at];
    if (!here) return this.finish("handoff");
    switch (e.type) {
      case "message":
        this.s.answer = e.text;
        if (this.s.wait === "menu" && here.type === "menu") return this.menuAnswer(here, e.text, e.replyId ?? null);
        if (this.s.wait === "ask" && here.type === "ask") return this.askAnswer(here, e.text);
        if (this.s.wait === "ai") return this.emit({ type: "ai", instructions: here.type === "ai" ? (here.instructions ?? null) : null });
        return; // waiting for the clock or a server: the message is kept, the step goes on
      case "timer":
        if (this.s.dueKind === "wake" && this.s.wait === "wait") return this.go(this.to(here.goIfYes));
        if (this.s.dueKind === "timeout") {
          const label = this.def.timeoutLabel ? resolve(this.def, this.def.timeoutLabel) : null;
          if (label === null) {
            this.emit({ type: "end" });
            return this.finish("timeout");
          }
          return this.go(label);
        }
        return;
      case "ai":
        if (this.s.wait !== "ai" || here.type !== "ai") return;
        if (e.result === "resolved") return this.go(this.to(here.goIfYes));
        if (e.result === "handoff") return this.go(this.to(here.goIfNo));
        this.s.tries++;
        if (here.maxTurns && this.s.tries >= here.maxTurns) return this.go(this.to(here.goIfNo));
        return this.armTimeout();
      case "http":
        if (this.s.wait !== "http" || here.type !== "http") return;
        if (!e.ok) return this.go(this.to(here.goIfNo));
        for (const [key, path] of Object.entries(here.map ?? {})) {
          const v = pick(e.data, path);
          if (v === undefined || v === null || typeof v === "object") continue;
          const checked = this.ctx.checkField(key, String(v));
          if (checked.ok) this.setField(key, checked.value);
        }
        return this.go(this.to(here.goIfYes));
    }
  }

  /** Runs steps from `i` until one waits or the program ends. */
  private go(i: number | null): void {
    this.s.wait = null;
    this.s.tries = 0;
    this.s.dueAt = null;
    this.s.dueKind = null;
    for (let guard = 0; guard < MAX_RUN; guard++) {
      if (i === null || i >= this.def.steps.length) return this.finish("handoff", true);
      this.s.at = i;
      const st = this.def.steps[i]!;
      this.emit({ type: "visit", step: stepKey(st) });
      switch (st.type) {
        case "say": {
          const said = this.say(st);
          if (said) this.emit(said);
          i = this.to(st.goIfYes);
          break;
        }
        case "schedule":
          i = isOpen(st, this.ctx.now, this.ctx.timeZone, (d) => this.ctx.isHoliday(d)) ? this.to(st.goIfYes) : this.to(st.goIfNo);
          break;
        case "menu":
          this.emit(menuAction(st, (x) => this.fill(x)));
          this.s.wait = "menu";
          return this.armTimeout();
        case "ask":
          this.emit({ type: "say", text: this.fill(st.text), mediaId: null });
          this.s.wait = "ask";
          return this.armTimeout();
        case "condition":
          i = this.holds(st) ? this.to(st.goIfYes) : this.to(st.goIfNo);
          break;
        case "tag":
          this.emit({ type: "tag", tagId: st.tagId, add: st.action !== "remove" });
          if (st.action === "remove") this.tagIds.delete(st.tagId);
          else this.tagIds.add(st.tagId);
          i = this.to(st.goIfYes);
          break;
        case "transfer":
          this.emit({ type: "transfer", queueId: st.queueId ?? null, assigneeId: st.assigneeId ?? null });
          return this.finish("transfer");
        case "ai":
          this.s.wait = "ai";
          this.emit({ type: "ai", instructions: st.instructions ?? null });
          return;
        case "http":
          this.s.wait = "http";
          this.emit({ type: "http", url: st.url, timeoutMs: (st.timeoutSeconds ?? 10) * 1000 });
          return;
        case "wait":
          this.s.wait = "wait";
          this.s.dueAt = this.ctx.now + st.minutes * 60_000;
          this.s.dueKind = "wake";
          return;
        case "goto":
          i = resolve(this.def, st.goTo);
          break;
        case "end":
          if (st.text) this.emit({ type: "say", text: this.fill(st.text), mediaId: null });
          this.emit({ type: "end" });
          return this.finish("end");
      }
    }
    this.finish("error", true);
  }

  private menuAnswer(st: StepOf<"menu">, text: string, replyId: string | null): void {
    const n = chosenOption(st, text, replyId);
    if (n !== null) {
      const option = st.options[n]!;
      return this.go(option.goTo ? resolve(this.def, option.goTo) : this.to(st.goIfYes));
    }
    this.s.tries++;
    if (this.s.tries > (st.retries ?? DEFAULT_RETRIES)) return this.go(this.to(st.goIfNo));
    this.emit({ type: "say", text: this.ctx.words.invalidOption, mediaId: null });
    this.emit(menuAction(st, (x) => this.fill(x)));
    this.armTimeout();
  }

  private askAnswer(st: StepOf<"ask">, text: string): void {
    const checked = this.ctx.checkField(st.field, text);
    if (checked.ok) {
      this.setField(st.field, checked.value);
      return this.go(this.to(st.goIfYes));
    }
    this.s.tries++;
    if (this.s.tries > (st.retries ?? DEFAULT_RETRIES)) return this.go(this.to(st.goIfNo));
    this.emit({ type: "say", text: `${checked.message}\n${this.fill(st.text)}`, mediaId: null });
    this.armTimeout();
  }

  private holds(st: StepOf<"condition">): boolean {
    if (st.on === "tag") return this.tagIds.has(st.tagId ?? 0);
    if (st.on === "channel") return this.ctx.channelId === st.channelId;
    const subject = st.on === "field" ? (this.fields[st.field ?? ""] ?? "") : (this.s.answer ?? "");
    const have = normalizeKey(subject);
    const want = normalizeKey(st.value ?? "");
    if (st.op === "empty") return have === "";
    if (st.op === "contains") return want !== "" && have.includes(want);
    return have === want;
  }

  private say(st: StepOf<"say">): BotAction | null {
    const canned = st.responseId ? this.ctx.response({ id: st.responseId }, this.fields) : st.text ? this.ctx.response({ name: st.text }, this.fields) : null;
    if (canned) return { type: "say", text: canned.text, mediaId: canned.mediaId };
    const text = st.text ? this.fill(st.text) : "";
    return text ? { type: "say", text, mediaId: null } : null;
  }

  /** Variables with the fields as they are now (a step of this run may have just stored one). */
  private fill(text: string): string {
    return this.ctx.fill(text, this.fields);
  }

  private setField(key: string, value: string): void {
    this.fields[key] = value;
    this.emit({ type: "set_field", key, value });
  }

  /** The step a jump names, or the next one by priority without a jump. */
  private to(label: string | undefined): number | null {
    return label === undefined ? this.s.at + 1 : resolve(this.def, label);
  }

  private armTimeout(): void {
    if (this.def.timeoutMinutes > 0) {
      this.s.dueAt = this.ctx.now + this.def.timeoutMinutes * 60_000;
      this.s.dueKind = "timeout";
    } else {
      this.s.dueAt = null;
      this.s.dueKind = null;
    }
  }

  private finish(outcome: Outcome, handoff = false): void {
    if (handoff) this.emit({ type: "handoff" });
    this.s.done = outcome;
    this.s.wait = null;
    this.s.dueAt = null;
    this.s.dueKind = null;
  }

  private emit(a: BotAction): void {
    this.out.push(a);
  }
}

function menuAction(st: StepOf<"menu">, fill: (text: string) => string): BotAction {
  return { type: "menu", text: fill(st.text), options: st.options.map((o, n) => ({ id: `opt:${n + 1}`, title: o.title })) };
}

/**
 * Which option an answer picks: a button or list row (its id), the number ("2",
 * "2.", "2)"), or the option's title (case and accents aside, "2. Ventas" too).
 */
export function chosenOption(st: Pick<StepOf<"menu">, "options">, text: string, replyId: string | null): number | null {
  const byId = replyId ? /^opt:(\d{1,2})$/.exec(replyId) : null;
  if (byId) {
    const n = Number(byId[1]) - 1;
    if (n >= 0 && n < st.options.length) return n;
  }
  const num = /^\s*(\d{1,2})\s*[.)-]?\s*$/.exec(text);
  if (num) {
    const n = Number(num[1]) - 1;
    return n >= 0 && n < st.options.length ? n : null;
  }
  const said = normalizeKey(text);
  if (!said) return null;
  const n = st.options.findIndex((o, i) => {
    const title = normalizeKey(o.title);
    return title === said || `${i + 1} ${title}` === said;
  });
  return n >= 0 ? n : null;
}

/** A value in a JSON reply by a dotted path ("data.balance", "$.items.0.name"). */
export function pick(data: unknown, path: string): unknown {
  let v: unknown = data;
  for (const part of path.replace(/^\$\.?/, "").split(".").filter(Boolean)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Steps of a definition by key, for views (the current step of a conversation). */
export function stepByKey(def: BotDefinition, key: string): Step | null {
  const i = resolve(def, key);
  return i === null ? null : def.steps[i]!;
}
