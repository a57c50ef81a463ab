/**
 * The core's rules for a plugin's manifest and settings, restated so the kit runs
 * without Charla's sources:
 * - what the loader refuses (core/channels/loader.ts, checkPlugin),
 * - what the settings form and validation make of configSchema
 *   (core/channels/config-schema.ts, configFields / checkConfig), and
 * - what the channel service does before create() (core/channels/channel-service.ts:
 *   a flat object, generated tokens filled in, values coerced and trimmed).
 * tests/kit/selftest/rules-match-core.test.ts keeps these in step with the core.
 * Each function returns problems as sentences; an empty list means it passes.
 */
import type { ChannelPlugin, JsonSchema } from "../../plugins/sdk/index.ts";
import { API_VERSION, CAPABILITIES } from "./contract-lists.ts";

/** What the core's loader accepts as an id (loader.ts). */
export const LOADER_ID = /^[a-z][a-z0-9-]{1,39}$/;
/** Lowercase kebab-case proper, as the SDK documents it: no leading, trailing or doubled dashes. */
export const KEBAB_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** The core's longest stored setting (LIMITS.configValue) and its other bounds on settings (channel-service.ts). */
export const CONFIG_LIMITS = { keys: 50, keyLength: 64, value: 4000, defaultMaxLength: 2000 } as const;
/** The core's cap on one message's text (reply-service.ts MAX_TEXT): a larger maxTextLength is lowered to it. */
export const CORE_MAX_TEXT = 4096;

const FIELD_TYPES = ["string", "boolean", "integer", "number"] as const;
type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldSpec {
  key: string;
  type: FieldType;
  secret: boolean;
  generate: boolean;
  required: boolean;
  default?: unknown;
  enum?: string[];
  maxLength?: number;
  pattern?: string;
  xError?: { es: string; en: string };
}

/** What the loader would refuse, in its words, plus the SDK's documented rules it does not enforce. */
export function manifestProblems(plugin: unknown): string[] {
  const out: string[] = [];
  const p = plugin as Partial<ChannelPlugin> | null | undefined;
  const m = p?.manifest as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object" || !m || typeof m !== "object") return ["the module exports no plugin with a manifest (default export or `plugin`)"];
  const id = m.id;
  if (typeof id !== "string" || !LOADER_ID.test(id)) out.push(`manifest.id ${JSON.stringify(id)} must be lowercase kebab-case, 2 to 40 characters (the loader refuses it)`);
  else if (!KEBAB_ID.test(id)) out.push(`manifest.id "${id}" has a leading, trailing or doubled dash: write it as lowercase kebab-case`);
  if (typeof m.name !== "string" || !m.name.trim()) out.push("manifest.name is required (the loader refuses a plugin without one)");
  if (typeof m.version !== "string" || !m.version.trim()) out.push("manifest.version must be a non-empty string (e.g. \"1.0.0\")");
  if (m.apiVersion !== API_VERSION) out.push(`manifest.apiVersion is ${JSON.stringify(m.apiVersion)}; this contract is apiVersion ${API_VERSION} (the loader refuses others)`);
  if (!Array.isArray(m.capabilities)) out.push("manifest.capabilities must be a list");
  else {
    const unknown = m.capabilities.filter((c) => !(CAPABILITIES as readonly unknown[]).includes(c));
    if (unknown.length) out.push(`manifest.capabilities has unknown entries ${JSON.stringify(unknown)}; known: ${CAPABILITIES.join(", ")}`);
    if (new Set(m.capabilities).size !== m.capabilities.length) out.push("manifest.capabilities lists an entry twice");
  }
  const positive = (key: string, integer: boolean) => {
    const v = m[key];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) out.push(`manifest.${key} must be a positive ${integer ? "integer" : "number"} (got ${JSON.stringify(v)})`);
  };
  positive("messagingWindowHours", false);
  positive("humanAgentWindowHours", false);
  positive("maxTextLength", true);
  positive("sendsPerSecond", false);
  if (m.recipientGapMs !== undefined && (typeof m.recipientGapMs !== "number" || !Number.isFinite(m.recipientGapMs) || m.recipientGapMs < 0)) {
    out.push(`manifest.recipientGapMs must be a number of milliseconds >= 0 (got ${JSON.stringify(m.recipientGapMs)})`);
  }
  if (m.humanAgentWindowHours !== undefined) {
    if (m.messagingWindowHours === undefined) out.push("manifest.humanAgentWindowHours only applies after a messagingWindowHours: set both or neither");
    else if (typeof m.humanAgentWindowHours === "number" && typeof m.messagingWindowHours === "number" && m.humanAgentWindowHours <= m.messagingWindowHours) {
      out.push("manifest.humanAgentWindowHours must be longer than messagingWindowHours (it extends the window for human answers)");
    }
  }
  if (typeof m.maxTextLength === "number" && m.maxTextLength > CORE_MAX_TEXT) {
    out.push(`manifest.maxTextLength ${m.maxTextLength} is above the core's own limit ${CORE_MAX_TEXT}: the core never sends longer texts, say ${CORE_MAX_TEXT} or less`);
  }
  if (typeof m.sendsPerSecond === "number" && m.sendsPerSecond > 1000) out.push(`manifest.sendsPerSecond ${m.sendsPerSecond} is not a real provider's rate`);
  if (m.idempotency !== undefined && m.idempotency !== "provider" && m.idempotency !== "callback") out.push(`manifest.idempotency must be "provider", "callback" or absent (got ${JSON.stringify(m.idempotency)})`);
  if (m.hostsClient !== undefined && typeof m.hostsClient !== "boolean") out.push("manifest.hostsClient must be a boolean");
  if (m.description !== undefined) {
    const d = m.description as Record<string, unknown> | null;
    if (!d || typeof d.es !== "string" || typeof d.en !== "string") out.push("manifest.description must be { es: string, en: string }");
  }
  if (typeof p.create !== "function") out.push("create(ctx, config) is missing");
  if (!p.configSchema || typeof p.configSchema !== "object") out.push("configSchema is missing");
  if (p.routingKey !== undefined && typeof p.routingKey !== "function") out.push("routingKey must be a function of the config");
  if (p.trustKey !== undefined && typeof p.trustKey !== "function") out.push("trustKey must be a function of the config");
  if (p.trustKey && !p.routingKey) out.push("trustKey without routingKey is never used: the core asks trustKey only to route an event to another channel");
  return out;
}

/** The settings form's fields, as configFields() reads them, plus the problems a form would have with the schema. */
export function schemaFields(schema: JsonSchema): { fields: FieldSpec[]; problems: string[] } {
  const problems: string[] = [];
  const fields: FieldSpec[] = [];
  if (!schema || typeof schema !== "object") return { fields, problems: ["configSchema must be a JSON Schema object"] };
  if (schema.type !== "object") problems.push(`configSchema.type must be "object" (got ${JSON.stringify(schema.type)})`);
  const props = schema.properties;
  if (props === undefined || props === null || typeof props !== "object" || Array.isArray(props)) {
    problems.push("configSchema.properties must be an object (use {} for a plugin without settings)");
    return { fields, problems };
  }
  const required = schema.required ?? [];
  if (!Array.isArray(required) || !required.every((r) => typeof r === "string")) problems.push("configSchema.required must be a list of property names");
  else for (const r of required) if (!(r in props)) problems.push(`configSchema.required names "${r}", which is not a property`);
  const keys = Object.keys(props);
  if (keys.length > CONFIG_LIMITS.keys) problems.push(`configSchema has ${keys.length} properties; the core stores at most ${CONFIG_LIMITS.keys} settings`);
  for (const [key, raw] of Object.entries(props)) {
    const p = raw as Record<string, unknown>;
    const where = `configSchema.properties.${key}`;
    if (key.length > CONFIG_LIMITS.keyLength) problems.push(`${where}: names longer than ${CONFIG_LIMITS.keyLength} characters are refused by the core`);
    if (!p || typeof p !== "object") {
      problems.push(`${where} must be a schema object`);
      continue;
    }
    if (!(FIELD_TYPES as readonly unknown[]).includes(p.type)) {
      problems.push(`${where}.type must be one of ${FIELD_TYPES.join(", ")} (settings are a flat object; got ${JSON.stringify(p.type)}; the form would treat it as a string)`);
    }
    const type: FieldType = (FIELD_TYPES as readonly unknown[]).includes(p.type) ? (p.type as FieldType) : "string";
    if (p.title !== undefined && typeof p.title !== "string") problems.push(`${where}.title must be a string`);
    if (p.description !== undefined && typeof p.description !== "string") problems.push(`${where}.description must be a string`);
    if (p.secret !== undefined && typeof p.secret !== "boolean") problems.push(`${where}.secret must be true or false`);
    if (p.secret === true && type !== "string") problems.push(`${where}: only string settings can be secret`);
    if (p.generate !== undefined && p.generate !== "token") problems.push(`${where}.generate must be "token" (the only generator the core has)`);
    if (p.generate === "token" && type !== "string") problems.push(`${where}: generate: "token" needs type "string"`);
    if (p.maxLength !== undefined && (typeof p.maxLength !== "number" || !Number.isInteger(p.maxLength) || p.maxLength < 1)) problems.push(`${where}.maxLength must be a positive integer`);
    if (typeof p.maxLength === "number" && p.maxLength > CONFIG_LIMITS.value) problems.push(`${where}.maxLength ${p.maxLength} is above what the core stores (${CONFIG_LIMITS.value} characters)`);
    if (p.pattern !== undefined) {
      if (typeof p.pattern !== "string") problems.push(`${where}.pattern must be a string`);
      else {
        try {
          new RegExp(p.pattern);
        } catch (e) {
          problems.push(`${where}.pattern is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    if (p.enum !== undefined && (!Array.isArray(p.enum) || !p.enum.length || !p.enum.every((x) => typeof x === "string"))) problems.push(`${where}.enum must be a non-empty list of strings`);
    const xError = p["x-error"] as Record<string, unknown> | undefined;
    if (xError !== undefined && (typeof xError !== "object" || !xError || typeof xError.es !== "string" || typeof xError.en !== "string")) {
      problems.push(`${where}["x-error"] must be { es: string, en: string } (the form shows it in the admin's language)`);
    }
    if (xError !== undefined && p.pattern === undefined) problems.push(`${where}["x-error"] is only shown when a pattern fails: add a pattern or drop it`);
    const i18n = p["x-i18n"];
    if (i18n !== undefined) {
      if (!i18n || typeof i18n !== "object" || Array.isArray(i18n)) problems.push(`${where}["x-i18n"] must be { <lang>: { title?, description? } }`);
      else {
        for (const [lang, w] of Object.entries(i18n as Record<string, unknown>)) {
          const words = w as Record<string, unknown> | null;
          if (!/^[a-z]{2}$/.test(lang)) problems.push(`${where}["x-i18n"] key "${lang}" must be a language code like "en"`);
          if (!words || typeof words !== "object" || (words.title !== undefined && typeof words.title !== "string") || (words.description !== undefined && typeof words.description !== "string")) {
            problems.push(`${where}["x-i18n"].${lang} must be { title?: string, description?: string }`);
          }
        }
      }
    }
    if (p.default !== undefined) {
      const ok = type === "boolean" ? typeof p.default === "boolean" : type === "string" ? typeof p.default === "string" : typeof p.default === "number";
      if (!ok) problems.push(`${where}.default must be a ${type}`);
    }
    fields.push({
      key,
      type,
      secret: p.secret === true,
      generate: p.generate === "token",
      required: Array.isArray(required) && required.includes(key),
      default: p.default,
      enum: Array.isArray(p.enum) ? (p.enum as string[]) : undefined,
      maxLength: typeof p.maxLength === "number" ? p.maxLength : undefined,
      pattern: typeof p.pattern === "string" ? p.pattern : undefined,
      xError: xError && typeof xError.es === "string" && typeof xError.en === "string" ? { es: xError.es, en: xError.en } : undefined,
    });
  }
  return { fields, problems };
}

/** Names that hold credentials; such a setting must be `secret: true` (sealed at rest, never shown back). */
const SECRET_NAME = /(secret|password|passwd|apikey|privatekey|accesstoken|authtoken|bottoken|bearer|credential)/;

/** Settings whose names say they are credentials but which are not marked secret. Generated tokens (verify tokens admins copy) are exempt. */
export function unmarkedSecrets(fields: FieldSpec[], publicFields: readonly string[] = []): string[] {
  return fields
    .filter((f) => !f.secret && !f.generate && !publicFields.includes(f.key) && SECRET_NAME.test(f.key.toLowerCase().replace(/[-_]/g, "")))
    .map((f) => f.key);
}

/**
 * What the core hands create() for settings an admin saved: a flat object of sane
 * size, generated tokens filled in when empty, each value coerced to its type and
 * trimmed, empty optional values left out, booleans defaulted. `errors` per key
 * ("required", "number", "too_long", "format", or the property's x-error).
 */
export function coreConfig(schema: JsonSchema, raw: Record<string, unknown>): { value: Record<string, unknown>; errors: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const entries = Object.entries(raw ?? {});
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) problems.push("the config must be an object");
  if (entries.length > CONFIG_LIMITS.keys) problems.push(`the config has more than ${CONFIG_LIMITS.keys} keys`);
  for (const [k, v] of entries) {
    if (k.length > CONFIG_LIMITS.keyLength) problems.push(`config key "${k.slice(0, 20)}..." is longer than ${CONFIG_LIMITS.keyLength}`);
    if (!(v === null || typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && v.length <= CONFIG_LIMITS.value))) {
      problems.push(`config.${k} must be a string (at most ${CONFIG_LIMITS.value} characters), number, boolean or null: settings are flat`);
    }
  }
  const { fields } = schemaFields(schema);
  const filled: Record<string, unknown> = { ...raw };
  for (const f of fields) if (f.generate && (filled[f.key] === undefined || filled[f.key] === "")) filled[f.key] = randomToken();
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = filled[f.key];
    if (v === undefined || v === "" || v === null) {
      if (f.type === "boolean") value[f.key] = typeof f.default === "boolean" && v === undefined ? f.default : false;
      else if (f.required) errors[f.key] = "required";
      continue;
    }
    if (f.type === "boolean") value[f.key] = v === true || v === "true" || v === "1" || v === "on";
    else if (f.type === "integer" || f.type === "number") {
      const n = Number(v);
      if (!Number.isFinite(n) || (f.type === "integer" && !Number.isInteger(n))) errors[f.key] = "number";
      else value[f.key] = n;
    } else {
      const s = String(v).trim();
      const max = f.maxLength ?? CONFIG_LIMITS.defaultMaxLength;
      if (s.length > max) errors[f.key] = "too_long";
      else if (f.pattern !== undefined && !new RegExp(f.pattern).test(s)) errors[f.key] = f.xError ? `format: ${f.xError.en}` : "format";
      else if (f.enum && !f.enum.includes(s)) errors[f.key] = "format";
      else value[f.key] = s;
    }
  }
  return { value, errors, problems };
}

/** Like the core's randomToken(24): 24 random bytes, base64url. */
function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
}

/** The config values of secret settings (at least 6 characters: shorter ones would match by chance). */
export function secretValues(schema: JsonSchema, config: Record<string, unknown>): string[] {
  return schemaFields(schema)
    .fields.filter((f) => f.secret)
    .map((f) => config[f.key])
    .filter((v): v is string => typeof v === "string" && v.length >= 6);
}
