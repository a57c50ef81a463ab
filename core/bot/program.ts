/**
 * Bot programs ("Configure su chatbot"): a program is bound to channels and runs
 * a published version of its definition; the admin edits a draft. A definition is
 * plain JSON (stored as such, versioned), validated by definition-check.ts.
 */
export const STEP_TYPES = ["say", "schedule", "menu", "ask", "condition", "tag", "transfer", "ai", "http", "wait", "goto", "end"] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** Lun–Dom plus Festivo (public holidays). */
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"] as const;
export type Day = (typeof DAYS)[number];

export const CONDITION_SUBJECTS = ["field", "tag", "channel", "answer"] as const;
export const CONDITION_OPS = ["empty", "equals", "contains"] as const;

export interface StepBase {
  priority: number;
  label?: string;
  /** "Ir si": where to go when the step's answer is yes (or, for steps without a question, next). */
  goIfYes?: string;
  /** "Ir no". */
  goIfNo?: string;
}

export interface MenuOption {
  title: string;
  goTo?: string;
}

export type StepSettings =
  | { type: "say"; text?: string; responseId?: number }
  | { type: "schedule"; days: Day[]; start: string; end: string }
  | { type: "menu"; text: string; options: MenuOption[]; retries?: number }
  | { type: "ask"; text: string; field: string; retries?: number }
  | {
      type: "condition";
      on: (typeof CONDITION_SUBJECTS)[number];
      field?: string;
      op?: (typeof CONDITION_OPS)[number];
      value?: string;
      tagId?: number;
      channelId?: number;
    }
  | { type: "tag"; tagId: number; action?: "add" | "remove" }
  | { type: "transfer"; queueId?: number; assigneeId?: number }
  | { type: "ai"; instructions?: string; maxTurns?: number }
  | { type: "http"; url: string; timeoutSeconds?: number; map?: Record<string, string> }
  | { type: "wait"; minutes: number }
  | { type: "goto"; goTo: string }
  | { type: "end"; text?: string };

export type Step = StepBase & StepSettings;
export type StepOf<K extends StepType> = StepBase & Extract<StepSettings, { type: K }>;

/** What a version freezes: everything the engine reads. */
export interface BotDefinition {
  timeoutMinutes: number;
  /** Where the program goes when the customer does not answer in time; none: the conversation is finalized. */
  timeoutLabel: string | null;
  /** The admin's own holidays (YYYY-MM-DD) on top of the country's. */
  holidays: string[];
  /** Library holidays the admin does not observe (struck from the list). */
  excludedHolidays: string[];
  /** Sorted by priority. */
  steps: Step[];
}

export interface BotProgram {
  id: number;
  companyId: number;
  name: string;
  enabled: boolean;
  draft: BotDefinition;
  channelIds: number[];
  publishedVersionId: number | null;
  publishedVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface BotVersion {
  id: number;
  programId: number;
  version: number;
  definition: BotDefinition;
  publishedAt: number;
  publishedBy: string | null;
}

/** How a step is addressed in jumps, the inbox and analytics: its label, else its priority. */
export function stepKey(s: Pick<StepBase, "label" | "priority">): string {
  return s.label?.trim() || String(s.priority);
}

export const MAX_STEPS = 100;
export const DEFAULT_RETRIES = 2;
