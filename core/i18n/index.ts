import { escapeHtml } from "@kitajs/html";
import type { Language } from "../auth/roles.ts";
import { en } from "./en.ts";
import { es } from "./es.ts";

export type MessageKey = keyof typeof es;
type Params = Record<string, string | number>;
/** Wording a plugin brings along in both languages (its settings' own error messages). */
export type Wording = { es: string; en: string };
/** A form field's problem: one of ours, or the plugin's own words. */
export type FieldError = MessageKey | Wording;

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { es, en };

/**
 * `t(key)` returns HTML-escaped text, typed as JSX.Element so views can place it
 * as a child directly; `t.plain(key)` returns raw text for attributes, JSON and
 * headers (where the renderer or the client escapes).
 */
export interface Translate {
  (key: MessageKey, params?: Params): JSX.Element;
  plain(key: MessageKey, params?: Params): string;
  /** A field error, escaped (ours translated, a plugin's in this language). */
  field(e: FieldError): JSX.Element;
  fieldPlain(e: FieldError): string;
  lang: Language;
}

export function translator(lang: Language): Translate {
  const dict = DICTIONARIES[lang];
  const plain = (key: MessageKey, params?: Params): string => format(dict[key] ?? es[key] ?? key, params);
  const t = ((key: MessageKey, params?: Params) => escapeHtml(plain(key, params))) as Translate;
  t.plain = plain;
  t.fieldPlain = (e) => (typeof e === "string" ? plain(e) : (e[lang] ?? e.es));
  t.field = (e) => escapeHtml(t.fieldPlain(e));
  t.lang = lang;
  return t;
}

/** A message with its values filled in, in both languages (a FieldError that carries values). */
export function worded(key: MessageKey, params: Params): Wording {
  return { es: translator("es").plain(key, params), en: translator("en").plain(key, params) };
}

function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Language for visitors without a session: the first of es/en in Accept-Language, else es. */
export function pickLanguage(acceptLanguage: string | null | undefined): Language {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]!.trim().toLowerCase();
    if (tag.startsWith("es")) return "es";
    if (tag.startsWith("en")) return "en";
  }
  return "es";
}
