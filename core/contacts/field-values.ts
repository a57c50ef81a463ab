import type { FieldError, Wording } from "../i18n/index.ts";
import { translator, worded } from "../i18n/index.ts";
import type { ContactField } from "./contact.ts";
import { normalizePhone } from "./phone.ts";

export const MAX_TEXT_VALUE = 500;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const DAY_MS = 86_400_000;

export type Checked = { ok: true; value: string; num: number | null } | { ok: false; error: FieldError };

/**
 * One value typed for one template field, checked and put in its stored form:
 * E.164 phones, lower-case e-mails, ISO dates (with their day number, so "before"
 * and "after" filters use an index), the option as the template spells it.
 * An empty value is "no value" (or "required").
 */
export function checkValue(field: Pick<ContactField, "type" | "required" | "options" | "min" | "max">, raw: string, country: string): Checked | null {
  const text = raw.trim();
  if (!text) return field.required ? { ok: false, error: "contact.error.required" } : null;
  if (text.length > MAX_TEXT_VALUE) return { ok: false, error: "contact.error.too_long" };
  switch (field.type) {
    case "text":
      return { ok: true, value: text.replace(/\r\n?/g, "\n"), num: null };
    case "number": {
      const n = parseNumber(text);
      if (n === null) return { ok: false, error: "contact.error.number" };
      if ((field.min !== null && n < field.min) || (field.max !== null && n > field.max)) {
        return { ok: false, error: worded("contact.error.number_range", { min: field.min ?? "−∞", max: field.max ?? "∞" }) };
      }
      return { ok: true, value: String(n), num: n };
    }
    case "email":
      return checkEmail(text);
    case "phone": {
      const e164 = normalizePhone(text, country);
      return e164 ? { ok: true, value: e164, num: null } : { ok: false, error: phoneError(country) };
    }
    case "date": {
      const iso = parseDate(text);
      return iso ? { ok: true, value: iso, num: dayNumber(iso) } : { ok: false, error: "contact.error.date" };
    }
    case "choice": {
      const match = choicesOf(field.options).get(baseForm(text));
      return match ? { ok: true, value: match, num: null } : { ok: false, error: "contact.error.choice" };
    }
    case "id_document": {
      const doc = text.toUpperCase().replace(/[\s.]/g, "");
      return /^[A-Z0-9-]{3,20}$/.test(doc) && /\d/.test(doc) ? { ok: true, value: doc, num: null } : { ok: false, error: "contact.error.id_document" };
    }
  }
}

/** "medellin", "MEDELLÍN" and "Medellín" are the same option. */
function baseForm(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Options by their base form, built once per template (an import checks 100k rows against them). */
const choiceMaps = new WeakMap<readonly string[], Map<string, string>>();
function choicesOf(options: readonly string[]): Map<string, string> {
  let m = choiceMaps.get(options);
  if (!m) choiceMaps.set(options, (m = new Map(options.map((o) => [baseForm(o), o]))));
  return m;
}

export function checkEmail(raw: string): Checked | null {
  const text = raw.trim();
  if (!text) return null;
  if (text.length > 254 || !EMAIL.test(text)) return { ok: false, error: "contact.error.email" };
  return { ok: true, value: text.toLowerCase(), num: null };
}

/** "Número no válido para Colombia": the company's country named in each language. */
export function phoneError(country: string): Wording {
  return {
    es: translator("es").plain("contact.error.phone", { country: countryName("es", country) }),
    en: translator("en").plain("contact.error.phone", { country: countryName("en", country) }),
  };
}

function countryName(lang: string, code: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "1234.5", "1234,5" (a decimal comma, as typed in most of Latin America), "-3". */
export function parseNumber(text: string): number | null {
  const s = /^-?\d+,\d+$/.test(text) ? text.replace(",", ".") : text;
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) && Math.abs(n) <= 1e15 ? n : null;
}

/** ISO (from a date input or an export) or day first (dd/mm/yyyy, dd-mm-yyyy: Latin America's spreadsheets). */
export function parseDate(text: string): string | null {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(text))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  if (y < 1900 || y > 2200) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}
