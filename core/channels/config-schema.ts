import type { JsonSchema } from "./contract.ts";
import type { Wording } from "../i18n/index.ts";

function wording(v: unknown): Wording | null {
  const w = v as Partial<Wording> | null;
  return w && typeof w.es === "string" && typeof w.en === "string" ? { es: w.es, en: w.en } : null;
}

export interface ConfigField {
  key: string;
  title: string;
  type: "string" | "boolean" | "integer" | "number";
  secret: boolean;
  /** Filled with a random token when left empty (verify tokens). */
  generate: boolean;
  required: boolean;
  description?: string;
  default?: unknown;
  enum?: string[];
}

/**
 * Plugin settings are flat objects of strings, booleans and numbers. Both the
 * settings form and validation are driven by the plugin's configSchema, so a
 * new plugin needs no form code in the core. Titles and descriptions may carry
 * translations under "x-i18n": { en: { title, description } }.
 */
export function configFields(schema: JsonSchema, lang?: string): ConfigField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, p]) => {
    const local = lang ? (p["x-i18n"] as Record<string, { title?: string; description?: string }> | undefined)?.[lang] : undefined;
    return {
      key,
      title: local?.title ?? (p.title as string | undefined) ?? key,
      type: (["boolean", "integer", "number"].includes(String(p.type)) ? p.type : "string") as ConfigField["type"],
      secret: p.secret === true,
      generate: p.generate === "token",
      required: required.has(key),
      description: local?.description ?? (p.description as string | undefined),
      default: p.default,
      enum: Array.isArray(p.enum) ? (p.enum as string[]) : undefined,
    };
  });
}

/**
 * Coerces form strings to the schema's types and checks them; returns per-field
 * problems: a kind ("required", "number", "too_long", "format"), or for a format
 * problem the plugin's own words when the property carries `"x-error": {es, en}`.
 */
export function checkConfig(
  schema: JsonSchema,
  raw: Record<string, unknown>,
): { value: Record<string, unknown>; errors: Record<string, string | Wording> } {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string | Wording> = {};
  for (const f of configFields(schema)) {
    const spec = schema.properties![f.key]!;
    const v = raw[f.key];
    if (v === undefined || v === "" || v === null) {
      if (f.type === "boolean") value[f.key] = typeof f.default === "boolean" && v === undefined ? f.default : false;
      else if (f.required) errors[f.key] = "required";
      continue;
    }
    if (f.type === "boolean") {
      value[f.key] = v === true || v === "true" || v === "1" || v === "on";
    } else if (f.type === "integer" || f.type === "number") {
      const n = Number(v);
      if (!Number.isFinite(n) || (f.type === "integer" && !Number.isInteger(n))) errors[f.key] = "number";
      else value[f.key] = n;
    } else {
      const s = String(v).trim();
      const max = typeof spec.maxLength === "number" ? spec.maxLength : 2000;
      if (s.length > max) errors[f.key] = "too_long";
      else if (typeof spec.pattern === "string" && !new RegExp(spec.pattern).test(s)) errors[f.key] = wording(spec["x-error"]) ?? "format";
      else if (f.enum && !f.enum.includes(s)) errors[f.key] = "format";
      else value[f.key] = s;
    }
  }
  return { value, errors };
}
