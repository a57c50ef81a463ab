import type { FormBody } from "../http/forms.ts";
import type { StepFormValues } from "../../views/admin/bot-step-form.tsx";
import { STEP_TYPES, type Step, type StepType } from "./program.ts";

/**
 * The step editor's form and the step JSON the API takes, both ways: the form's
 * strings become the raw step definition-check.ts reads, and a stored step fills
 * the form again.
 */
/** Step errors by the form input that shows them. */
export const FORM_NAMES: Record<string, string> = { queueId: "target", assigneeId: "target", responseId: "responseId" };

export function typeOf(raw: string | undefined): StepType {
  return STEP_TYPES.includes(raw as StepType) ? (raw as StepType) : "say";
}

export function readStepForm(body: unknown): StepFormValues {
  const out: StepFormValues = {};
  for (const [k, v] of Object.entries((body as FormBody | null) ?? {})) {
    if (k === "_csrf") continue;
    out[k] = Array.isArray(v) ? v.map(String) : String(v ?? "");
  }
  return out;
}

/** The form's strings as the step JSON the API also takes. */
export function formToStep(type: StepType, v: StepFormValues): Record<string, unknown> {
  const s = (k: string) => (Array.isArray(v[k]) ? String((v[k] as string[])[0] ?? "") : String(v[k] ?? "")).trim();
  const base: Record<string, unknown> = { type, priority: s("priority"), label: s("label") || undefined, goIfYes: s("goIfYes") || undefined, goIfNo: s("goIfNo") || undefined };
  switch (type) {
    case "say":
      return { ...base, text: s("text") || undefined, responseId: s("responseId") || undefined };
    case "schedule":
      return { ...base, days: Array.isArray(v.days) ? v.days : v.days ? [v.days] : [], start: s("start"), end: s("end") };
    case "menu":
      return {
        ...base,
        text: s("text"),
        retries: s("retries"),
        options: s("options")
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const [title, goTo] = line.split(/\s*->\s*/);
            return { title: title ?? "", goTo: goTo || undefined };
          }),
      };
    case "ask":
      return { ...base, text: s("text"), field: s("field"), retries: s("retries") };
    case "condition":
      return { ...base, on: s("on"), field: s("field") || undefined, op: s("op"), value: s("value"), tagId: s("tagId") || undefined, channelId: s("channelId") || undefined };
    case "tag":
      return { ...base, tagId: s("tagId"), action: s("action") };
    case "transfer": {
      const [kind, id] = s("target").split(":");
      return { ...base, goIfYes: undefined, goIfNo: undefined, ...(kind === "agent" ? { assigneeId: id } : kind === "queue" ? { queueId: id } : {}) };
    }
    case "ai":
      return { ...base, instructions: s("instructions"), maxTurns: s("maxTurns") };
    case "http":
      return {
        ...base,
        url: s("url"),
        timeoutSeconds: s("timeoutSeconds"),
        map: Object.fromEntries(
          s("map")
            .split("\n")
            .map((line) => line.split("=").map((x) => x.trim()))
            .filter((p) => p[0]),
        ),
      };
    case "wait":
      return { ...base, minutes: s("minutes") };
    case "goto":
      return { ...base, goTo: s("goTo") };
    case "end":
      return { ...base, text: s("text") || undefined };
  }
}

export function stepToForm(st: Step): StepFormValues {
  const v: StepFormValues = { priority: String(st.priority), label: st.label ?? "", goIfYes: st.goIfYes ?? "", goIfNo: st.goIfNo ?? "" };
  switch (st.type) {
    case "say":
      return { ...v, text: st.text ?? "", responseId: st.responseId ? String(st.responseId) : "" };
    case "schedule":
      return { ...v, days: st.days, start: st.start, end: st.end };
    case "menu":
      return { ...v, text: st.text, retries: String(st.retries ?? ""), options: st.options.map((o) => (o.goTo ? `${o.title} -> ${o.goTo}` : o.title)).join("\n") };
    case "ask":
      return { ...v, text: st.text, field: st.field, retries: String(st.retries ?? "") };
    case "condition":
      return { ...v, on: st.on, field: st.field ?? "", op: st.op ?? "equals", value: st.value ?? "", tagId: st.tagId ? String(st.tagId) : "", channelId: st.channelId ? String(st.channelId) : "" };
    case "tag":
      return { ...v, tagId: String(st.tagId), action: st.action ?? "add" };
    case "transfer":
      return { ...v, target: st.assigneeId ? `agent:${st.assigneeId}` : st.queueId ? `queue:${st.queueId}` : "" };
    case "ai":
      return { ...v, instructions: st.instructions ?? "", maxTurns: st.maxTurns ? String(st.maxTurns) : "" };
    case "http":
      return { ...v, url: st.url, timeoutSeconds: String(st.timeoutSeconds ?? 10), map: Object.entries(st.map ?? {}).map(([k, p]) => `${k} = ${p}`).join("\n") };
    case "wait":
      return { ...v, minutes: String(st.minutes) };
    case "goto":
      return { ...v, goTo: st.goTo };
    case "end":
      return { ...v, text: st.text ?? "" };
  }
}

