import type { FieldError } from "../i18n/index.ts";
import { FIELD_OPERATORS, type ContactField, type ContactFilter, type FieldCondition, type FieldOperator } from "./contact.ts";
import { checkValue, parseDate, dayNumber, parseNumber } from "./field-values.ts";

type Raw = Record<string, string | undefined>;

/**
 * The list's search and filters from a query string, the same for the panel
 * (`fk`/`fo`/`fv`: one field condition) and the API (`field.<key>=<value>`:
 * equality, any number of them). A filter that cannot be understood is reported,
 * never silently widened to "everyone".
 */
export function readContactFilter(raw: Raw, template: ContactField[], country: string): { filter: ContactFilter; errors: Record<string, FieldError> } {
  const errors: Record<string, FieldError> = {};
  const filter: ContactFilter = {};
  const q = (raw.q ?? "").trim().slice(0, 100);
  if (q) filter.q = q;
  const id = (name: "tagId" | "channelId") => {
    const v = raw[name];
    if (!v) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) {
      errors[name] = "contact.error.filter_value";
      return undefined;
    }
    return n;
  };
  filter.tagId = id("tagId");
  filter.channelId = id("channelId");
  if (raw.noOpen === "1" || raw.noOpen === "true") filter.noOpenConversation = true;
  const conditions: FieldCondition[] = [];
  const byKey = new Map(template.map((f) => [f.key, f]));
  const add = (key: string, op: string, value: string, errorName: string) => {
    const field = byKey.get(key);
    if (!field) return void (errors[errorName] = "contact.error.field_unknown");
    const c = condition(field, op, value, country);
    if (typeof c === "string") errors[errorName] = c;
    else conditions.push(c);
  };
  if (raw.fk && (raw.fv ?? "").trim()) add(raw.fk, raw.fo ?? "eq", raw.fv!, "fv");
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith("field.") && value !== undefined) add(name.slice(6), "eq", value, name);
  }
  if (conditions.length) filter.conditions = conditions.slice(0, 10);
  return { filter, errors };
}

function condition(field: ContactField, op: string, raw: string, country: string): FieldCondition | "contact.error.filter_op" | "contact.error.filter_value" {
  if (!(FIELD_OPERATORS as readonly string[]).includes(op)) return "contact.error.filter_op";
  const o = op as FieldOperator;
  const value = raw.trim().slice(0, 200);
  if (o === "before" || o === "after") {
    if (field.type === "date") {
      const iso = parseDate(value);
      return iso ? { field, op: o, value: iso, num: dayNumber(iso) } : "contact.error.filter_value";
    }
    if (field.type === "number") {
      const n = parseNumber(value);
      return n === null ? "contact.error.filter_value" : { field, op: o, value, num: n };
    }
    return "contact.error.filter_op";
  }
  if (o === "contains") return { field, op: o, value, num: null };
  // Equality compares stored forms: "300 111 2233" finds "+573001112233", "05/01/2026" finds "2026-01-05".
  const checked = checkValue({ ...field, required: false, min: null, max: null }, value, country);
  return { field, op: o, value: checked?.ok ? checked.value : value, num: null };
}
