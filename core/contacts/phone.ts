import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/**
 * Phone numbers through libphonenumber-js (the "max" metadata: it knows which
 * numbers each country actually assigns, so "bad phone for Colombia" means
 * something). Stored as E.164 ("+573001112233"), shown in international format.
 */

/** A number a person typed, in E.164, or null when it is not a valid number (for `country` when it has no +code). */
export function normalizePhone(raw: string, country: string): string | null {
  const text = raw.trim();
  if (!text || text.length > 40) return null;
  const parsed = parsePhoneNumberFromString(text, asCountry(country));
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * A number a channel vouches for (WhatsApp's sender id): kept even when the
 * metadata does not know its range yet, as + and its digits.
 */
export function channelPhone(raw: string, country: string): string | null {
  const digits = raw.replace(/[^\d]/g, "");
  if (digits.length < 6 || digits.length > 15) return null;
  const parsed = parsePhoneNumberFromString(raw.trim().startsWith("+") ? raw : `+${digits}`, asCountry(country));
  return parsed?.isPossible() ? parsed.number : `+${digits}`;
}

/** "+57 300 1112233": how libphonenumber writes the number internationally. */
export function formatPhone(phone: string | null): string {
  if (!phone) return "";
  return parsePhoneNumberFromString(phone)?.formatInternational() ?? phone;
}

/** Digits of a stored phone, and every suffix of them: a prefix search then finds any part of the number. */
export function phoneTokens(phone: string | null): string[] {
  const digits = (phone ?? "").replace(/[^\d]/g, "");
  const out: string[] = [];
  for (let i = 0; i <= digits.length - 3; i++) out.push(digits.slice(i));
  return out;
}

/** A search that looks like a number ("+57 300-111", "(300) 111") as one run of digits, else null. */
export function phoneQuery(q: string): string | null {
  if (!/^[\s+().\-\d]+$/.test(q)) return null;
  const digits = q.replace(/[^\d]/g, "");
  return digits.length > 0 ? digits.slice(0, 20) : null;
}

/** The country a number belongs to by its calling code ("573001112233" or "+57…" → "CO"), "" when unknown. */
export function countryOf(phone: string | null | undefined): string {
  const digits = (phone ?? "").replace(/[^\d]/g, "");
  if (!digits) return "";
  return parsePhoneNumberFromString(`+${digits}`)?.country ?? "";
}

function asCountry(country: string): CountryCode | undefined {
  return /^[A-Z]{2}$/.test(country) ? (country as CountryCode) : undefined;
}
