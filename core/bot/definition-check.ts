import { worded, type FieldError, type MessageKey } from "../i18n/index.ts";
import { isIsoDate } from "../shared/iso-date.ts";
import {
  CONDITION_OPS,
  CONDITION_SUBJECTS,
  DAYS,
  DEFAULT_RETRIES,
  MAX_STEPS,
  STEP_TYPES,
  stepKey,
  type BotDefinition,
  type Day,
  type MenuOption,
  type Step,
} from "./program.ts";

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const MAX_TEXT = 4096;
export const MAX_MENU_OPTIONS = 10;

/** The step types that stop and wait (for the customer, the clock or a server): a loop must pass one. */
/** Errors a draft may keep while the admin builds it (a jump to a step not written yet); publishing needs none. */
export function isDraftable(path: string): boolean {
  return /^steps\[\d+\](\.(goIfYes|goIfNo|goTo|options\[\d+\]\.goTo))?$/.test(path) || path === "timeoutLabel";
}

const WAITS: ReadonlySet<string> = new Set(["menu", "ask", "ai", "wait"]);

export type DefinitionErrors = Record<string, FieldError>;

/**
 * Reads a definition from untrusted JSON (the API body, the editor's draft) into
 * its stored form and says what is wrong, each error under the path of what it is
 * about: `steps[2].goIfYes`, with `steps[i]` the position in the list as sent.
 * A definition with errors can be kept as a draft; only a clean one is published.
 */
export function readDefinition(raw: unknown): { definition: BotDefinition; errors: DefinitionErrors; sentAt: number[] } {
  const errors: DefinitionErrors = {};
  const o = obj(raw);
  const timeoutMinutes = o.timeoutMinutes === undefined || o.timeoutMinutes === "" ? 60 : int(o.timeoutMinutes, 0, 10_080);
  if (timeoutMinutes === null) errors.timeoutMinutes = "bot.error.timeout_minutes";
  const timeoutLabel = optText(o.timeoutLabel, 40);
  const holidays = dates(o.holidays, "holidays", errors);
  const excludedHolidays = dates(o.excludedHolidays, "excludedHolidays", errors);
  const list = Array.isArray(o.steps) ? o.steps : [];
  if (!Array.isArray(o.steps) && o.steps !== undefined) errors.steps = "bot.error.steps";
  if (list.length > MAX_STEPS) errors.steps = worded("bot.error.too_many_steps", { max: MAX_STEPS });
  const read = list.slice(0, MAX_STEPS).map((s, i) => ({ step: readStep(s, `steps[${i}]`, errors), at: i }));
  read.sort((a, b) => a.step.priority - b.step.priority || a.at - b.at);
  const definition: BotDefinition = {
    timeoutMinutes: timeoutMinutes ?? 60,
    timeoutLabel,
    holidays,
    excludedHolidays,
    steps: read.map((r) => r.step),
  };
  checkGraph(definition, read.map((r) => r.at), errors);
  if (timeoutLabel && resolve(definition, timeoutLabel) === null) errors.timeoutLabel = worded("bot.error.unknown_label", { label: timeoutLabel });
  return { definition, errors, sentAt: read.map((r) => r.at) };
}

/** The step a jump names (its label, case-insensitive, or its priority), or null. */
export function resolve(def: Pick<BotDefinition, "steps">, target: string): number | null {
  const want = target.trim().toUpperCase();
  const byLabel = def.steps.findIndex((s) => s.label && s.label.trim().toUpperCase() === want);
  if (byLabel >= 0) return byLabel;
  const byPriority = def.steps.findIndex((s) => !s.label && String(s.priority) === want);
  return byPriority >= 0 ? byPriority : null;
}

function readStep(raw: unknown, path: string, errors: DefinitionErrors): Step {
  const o = obj(raw);
  const err = (field: string, e: FieldError) => {
    errors[field ? `${path}.${field}` : path] ??= e;
  };
  const priority = int(o.priority, 1, 9999);
  if (priority === null) err("priority", "bot.error.priority");
  const label = optText(o.label, 40) ?? undefined;
  if (label && /^\d+$/.test(label)) err("label", "bot.error.label_number");
  const type = STEP_TYPES.includes(o.type as never) ? (o.type as Step["type"]) : null;
  if (!type) err("type", "bot.error.type");
  const base = { priority: priority ?? 0, ...(label ? { label } : {}), ...jumps(o) };
  switch (type) {
    case "say": {
      const text = optText(o.text, MAX_TEXT);
      const responseId = int(o.responseId, 1, Number.MAX_SAFE_INTEGER);
      if (!text && responseId === null) err("text", "bot.error.say_empty");
      return { ...base, type, ...(text ? { text } : {}), ...(responseId !== null ? { responseId } : {}) };
    }
    case "schedule": {
      const days = (Array.isArray(o.days) ? o.days : []).filter((d): d is Day => DAYS.includes(d as never));
      const start = typeof o.start === "string" ? o.start.trim() : "";
      const end = typeof o.end === "string" ? o.end.trim() : "";
      if (days.length === 0) err("days", "bot.error.days");
      if (!TIME.test(start)) err("start", "bot.error.time");
      if (!TIME.test(end)) err("end", "bot.error.time");
      if (TIME.test(start) && TIME.test(end) && minutesOf(start) === minutesOf(end)) err("end", "bot.error.same_times");
      return { ...base, type, days: [...new Set(days)], start: pad(start), end: pad(end) };
    }
    case "menu": {
      const text = optText(o.text, 1024) ?? "";
      if (!text) err("text", "bot.error.text_required");
      const options: MenuOption[] = (Array.isArray(o.options) ? o.options : [])
        .map((x) => obj(x))
        .map((x) => ({ title: optText(x.title, 24) ?? "", ...(optText(x.goTo, 40) ? { goTo: optText(x.goTo, 40)! } : {}) }))
        .filter((x) => x.title || x.goTo);
      if (options.length === 0) err("options", "bot.error.menu_empty");
      if (options.length > MAX_MENU_OPTIONS) err("options", worded("bot.error.menu_too_many", { max: MAX_MENU_OPTIONS }));
      if (options.some((x) => !x.title)) err("options", "bot.error.option_title");
      if (Array.isArray(o.options) && o.options.some((x) => typeof obj(x).title === "string" && String(obj(x).title).trim().length > 24)) err("options", "bot.error.option_long");
      return { ...base, type, text, options, retries: retries(o.retries, `${path}.retries`, errors) };
    }
    case "ask": {
      const text = optText(o.text, 1024) ?? "";
      const field = optText(o.field, 40) ?? "";
      if (!text) err("text", "bot.error.text_required");
      if (!field) err("field", "bot.error.ask_field");
      return { ...base, type, text, field, retries: retries(o.retries, `${path}.retries`, errors) };
    }
    case "condition": {
      const on = CONDITION_SUBJECTS.includes(o.on as never) ? (o.on as (typeof CONDITION_SUBJECTS)[number]) : null;
      if (!on) {
        err("on", "bot.error.condition_on");
        return { ...base, type, on: "answer", op: "empty" };
      }
      const op = CONDITION_OPS.includes(o.op as never) ? (o.op as (typeof CONDITION_OPS)[number]) : "equals";
      const value = optText(o.value, 200) ?? "";
      if (on === "field" || on === "answer") {
        const field = on === "field" ? (optText(o.field, 40) ?? "") : undefined;
        if (on === "field" && !field) err("field", "bot.error.condition_field");
        if (op !== "empty" && !value) err("value", "bot.error.condition_value");
        return { ...base, type, on, ...(field ? { field } : {}), op, value };
      }
      if (on === "tag") {
        const tagId = int(o.tagId, 1, Number.MAX_SAFE_INTEGER);
        if (tagId === null) err("tagId", "bot.error.tag_required");
        return { ...base, type, on, tagId: tagId ?? 0 };
      }
      const channelId = int(o.channelId, 1, Number.MAX_SAFE_INTEGER);
      if (channelId === null) err("channelId", "bot.error.channel_required");
      return { ...base, type, on, channelId: channelId ?? 0 };
    }
    case "tag": {
      const tagId = int(o.tagId, 1, Number.MAX_SAFE_INTEGER);
      if (tagId === null) err("tagId", "bot.error.tag_required");
      return { ...base, type, tagId: tagId ?? 0, action: o.action === "remove" ? "remove" : "add" };
    }
    case "transfer": {
      const queueId = int(o.queueId, 1, Number.MAX_SAFE_INTEGER);
      const assigneeId = int(o.assigneeId, 1, Number.MAX_SAFE_INTEGER);
      if ((queueId === null) === (assigneeId === null)) err("queueId", "bot.error.transfer_target");
      return { ...base, type, ...(queueId !== null ? { queueId } : {}), ...(assigneeId !== null ? { assigneeId } : {}) };
    }
    case "ai": {
      const instructions = optText(o.instructions, 2000) ?? undefined;
      const maxTurns = o.maxTurns === undefined || o.maxTurns === null || o.maxTurns === "" ? undefined : int(o.maxTurns, 1, 50);
      if (maxTurns === null) err("maxTurns", "bot.error.max_turns");
      return { ...base, type, ...(instructions ? { instructions } : {}), ...(maxTurns ? { maxTurns } : {}) };
    }
    case "http": {
      const url = optText(o.url, 500) ?? "";
      if (!isHttpUrl(url)) err("url", "bot.error.url");
      const timeoutSeconds = o.timeoutSeconds === undefined || o.timeoutSeconds === "" ? 10 : int(o.timeoutSeconds, 1, 30);
      if (timeoutSeconds === null) err("timeoutSeconds", "bot.error.http_timeout");
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(obj(o.map)).slice(0, 20)) {
        if (typeof v === "string" && v.trim() && /^[a-z][a-z0-9_]{0,39}$/.test(k)) map[k] = v.trim().slice(0, 200);
        else err("map", "bot.error.http_map");
      }
      return { ...base, type, url, timeoutSeconds: timeoutSeconds ?? 10, map };
    }
    case "wait": {
      const minutes = int(o.minutes, 1, 10_080);
      if (minutes === null) err("minutes", "bot.error.wait_minutes");
      return { ...base, type, minutes: minutes ?? 1 };
    }
    case "goto": {
      const goTo = optText(o.goTo, 40) ?? "";
      if (!goTo) err("goTo", "bot.error.goto_required");
      return { ...base, type, goTo };
    }
    case "end": {
      const text = optText(o.text, MAX_TEXT);
      return { ...base, type, ...(text ? { text } : {}) };
    }
    default:
      return { ...base, type: "say", text: "" };
  }
}

/** Labels unique, priorities unique, every jump lands, every step reachable, no loop that never waits. */
function checkGraph(def: BotDefinition, sentAt: number[], errors: DefinitionErrors): void {
  const path = (i: number) => `steps[${sentAt[i]}]`;
  const seenLabels = new Map<string, number>();
  const seenPriorities = new Map<number, number>();
  def.steps.forEach((s, i) => {
    if (s.label) {
      const k = s.label.trim().toUpperCase();
      if (seenLabels.has(k)) errors[`${path(i)}.label`] ??= worded("bot.error.duplicate_label", { label: s.label });
      else seenLabels.set(k, i);
    }
    if (s.priority > 0) {
      if (seenPriorities.has(s.priority)) errors[`${path(i)}.priority`] ??= worded("bot.error.duplicate_priority", { priority: s.priority });
      else seenPriorities.set(s.priority, i);
    }
  });
  let jumpsOk = true;
  const check = (i: number, field: string, target: string | undefined) => {
    if (target === undefined) return;
    if (resolve(def, target) === null) {
      errors[`${path(i)}.${field}`] ??= worded("bot.error.unknown_label", { label: target });
      jumpsOk = false;
    }
  };
  def.steps.forEach((s, i) => {
    check(i, "goIfYes", s.goIfYes);
    check(i, "goIfNo", s.goIfNo);
    if (s.type === "goto" && s.goTo) check(i, "goTo", s.goTo);
    if (s.type === "menu") s.options.forEach((o, n) => check(i, `options[${n}].goTo`, o.goTo));
  });
  if (!jumpsOk || def.steps.length === 0) return;
  // Reachable from the first step and from the timeout label.
  const seen = new Set<number>();
  const roots = [0, ...(def.timeoutLabel ? [resolve(def, def.timeoutLabel)] : [])].filter((x): x is number => x !== null);
  const stack = [...roots];
  while (stack.length) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    for (const n of successors(def, i)) if (!seen.has(n)) stack.push(n);
  }
  def.steps.forEach((s, i) => {
    if (!seen.has(i)) errors[path(i)] ??= worded("bot.error.unreachable", { step: stepKey(s) });
  });
  // A cycle through steps that never wait would answer the customer forever.
  const state = new Map<number, 1 | 2>();
  const visit = (i: number): number | null => {
    state.set(i, 1);
    for (const n of successors(def, i)) {
      if (WAITS.has(def.steps[n]!.type)) continue;
      if (state.get(n) === 1) return n;
      if (!state.has(n)) {
        const found = visit(n);
        if (found !== null) return found;
      }
    }
    state.set(i, 2);
    return null;
  };
  for (let i = 0; i < def.steps.length; i++) {
    if (state.has(i) || WAITS.has(def.steps[i]!.type)) continue;
    const loop = visit(i);
    if (loop !== null) {
      errors[path(loop)] ??= worded("bot.error.loop", { step: stepKey(def.steps[loop]!) });
      return;
    }
  }
}

/** Where a step may go next (indexes; the end of the list is not a step). */
export function successors(def: BotDefinition, i: number): number[] {
  const s = def.steps[i]!;
  const next = i + 1 < def.steps.length ? i + 1 : null;
  const to = (label: string | undefined) => (label === undefined ? next : resolve(def, label));
  let out: (number | null)[];
  switch (s.type) {
    case "transfer":
    case "end":
      out = [];
      break;
    case "goto":
      out = [resolve(def, s.goTo)];
      break;
    case "menu":
      out = [...s.options.map((o) => (o.goTo ? resolve(def, o.goTo) : to(s.goIfYes))), to(s.goIfYes), to(s.goIfNo)];
      break;
    case "say":
    case "tag":
    case "wait":
      out = [to(s.goIfYes)];
      break;
    default:
      out = [to(s.goIfYes), to(s.goIfNo)];
  }
  return [...new Set(out.filter((x): x is number => x !== null))];
}

export function minutesOf(hhmm: string): number {
  const m = TIME.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
}

function pad(hhmm: string): string {
  const m = TIME.exec(hhmm);
  return m ? `${m[1]!.padStart(2, "0")}:${m[2]}` : hhmm;
}

function jumps(o: Record<string, unknown>): { goIfYes?: string; goIfNo?: string } {
  const yes = optText(o.goIfYes, 40);
  const no = optText(o.goIfNo, 40);
  return { ...(yes ? { goIfYes: yes } : {}), ...(no ? { goIfNo: no } : {}) };
}

function retries(v: unknown, path: string, errors: DefinitionErrors): number {
  if (v === undefined || v === null || v === "") return DEFAULT_RETRIES;
  const n = int(v, 0, 5);
  if (n === null) errors[path] ??= "bot.error.retries" satisfies MessageKey;
  return n ?? DEFAULT_RETRIES;
}

function dates(v: unknown, field: string, errors: DefinitionErrors): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/) : null;
  if (!list) {
    errors[field] = "bot.error.dates";
    return [];
  }
  const out = list.map((d) => String(d).trim()).filter(Boolean);
  if (out.length > 100 || out.some((d) => !isIsoDate(d))) {
    errors[field] = "bot.error.dates";
    return [];
  }
  return [...new Set(out)].sort();
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function optText(v: unknown, max: number): string | null {
  if (typeof v !== "string" && typeof v !== "number") return null;
  const s = String(v).replace(/\r\n?/g, "\n").trim();
  return s ? s.slice(0, max) : null;
}

function int(v: unknown, min: number, max: number): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
