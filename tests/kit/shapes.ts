/**
 * Checks of what a plugin hands the core, field by field, against the contract in
 * plugins/sdk and what the core does with it. Each returns problems as sentences
 * (an empty list: fine); `where` prefixes them.
 */
import type { InboundContent, InboundResult, NormalizedInbound, SendResult, StatusUpdate } from "../../plugins/sdk/index.ts";
import { CONTENT_KINDS, INBOUND_MEDIA_TYPES, REJECT_STATUSES, SEND_ERROR_CODES, STATUS_VALUES } from "./contract-lists.ts";

/** Epoch milliseconds between 2000 and 2100: a time in seconds (or microseconds) falls outside. */
export const PLAUSIBLE_MS = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2100, 0, 1) } as const;

const isStr = (v: unknown): v is string => typeof v === "string";
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim().length > 0;
const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

export function resultProblems(r: unknown, where = "handleWebhook()"): string[] {
  const res = r as InboundResult | null;
  if (!res || typeof res !== "object") return [`${where} resolved to ${show(r)}, not an InboundResult`];
  switch (res.type) {
    case "challenge":
      return res.response instanceof Response ? [] : [`${where}: a challenge must carry a Response`];
    case "ignored":
      return nonEmpty(res.reason) ? [] : [`${where}: "ignored" needs a reason (the core logs it)`];
    case "rejected": {
      const out: string[] = [];
      if (!(REJECT_STATUSES as readonly unknown[]).includes(res.status)) out.push(`${where}: "rejected" status must be one of ${REJECT_STATUSES.join(", ")} (got ${show(res.status)})`);
      if (!nonEmpty(res.reason)) out.push(`${where}: "rejected" needs a reason (the core logs it and answers with it)`);
      return out;
    }
    case "events": {
      if (!Array.isArray(res.messages) || !Array.isArray(res.statuses)) return [`${where}: "events" must carry messages and statuses arrays`];
      return [...res.messages.flatMap((m, i) => messageProblems(m, `${where} messages[${i}]`)), ...res.statuses.flatMap((s, i) => statusProblems(s, `${where} statuses[${i}]`))];
    }
    default:
      return [`${where}: unknown result type ${show((res as { type?: unknown }).type)}; expected challenge, events, ignored or rejected`];
  }
}

export function messageProblems(m: NormalizedInbound, where: string): string[] {
  const out: string[] = [];
  if (!m || typeof m !== "object") return [`${where} is ${show(m)}, not a message`];
  if (!nonEmpty(m.externalId)) out.push(`${where}.externalId must be a non-empty string (the core dedupes on it; got ${show(m.externalId)})`);
  if (!nonEmpty(m.from)) out.push(`${where}.from must be a non-empty string: the customer's id on this channel (got ${show(m.from)})`);
  if (typeof m.timestamp !== "number" || !Number.isFinite(m.timestamp)) out.push(`${where}.timestamp must be a finite number of epoch milliseconds (got ${show(m.timestamp)})`);
  for (const k of ["channelKey", "profileName", "profilePhone", "replyToExternalId", "idempotencyKey"] as const) {
    if (m[k] !== undefined && !isStr(m[k])) out.push(`${where}.${k} must be a string when present (got ${show(m[k])})`);
  }
  for (const k of ["echo", "phoneVerified"] as const) if (m[k] !== undefined && typeof m[k] !== "boolean") out.push(`${where}.${k} must be a boolean when present`);
  out.push(...contentProblems(m.content, `${where}.content`));
  return out;
}

export function contentProblems(c: InboundContent, where: string): string[] {
  if (!c || typeof c !== "object") return [`${where} is ${show(c)}, not content`];
  if (!(CONTENT_KINDS as readonly unknown[]).includes(c.kind)) return [`${where}.kind ${show((c as { kind?: unknown }).kind)} is not one of ${CONTENT_KINDS.join(", ")}`];
  const out: string[] = [];
  switch (c.kind) {
    case "text":
      if (!isStr(c.text)) out.push(`${where}.text must be a string`);
      break;
    case "media":
      if (!(INBOUND_MEDIA_TYPES as readonly unknown[]).includes(c.mediaType)) out.push(`${where}.mediaType must be one of ${INBOUND_MEDIA_TYPES.join(", ")} (got ${show(c.mediaType)})`);
      if (!c.ref || !nonEmpty(c.ref.id)) out.push(`${where}.ref.id must be a non-empty string (fetchMedia gets it back)`);
      if (c.ref?.mimeType !== undefined && !isStr(c.ref.mimeType)) out.push(`${where}.ref.mimeType must be a string when present`);
      if (c.caption !== undefined && !isStr(c.caption)) out.push(`${where}.caption must be a string when present`);
      if (c.filename !== undefined && !isStr(c.filename)) out.push(`${where}.filename must be a string when present`);
      break;
    case "location":
      if (typeof c.latitude !== "number" || !Number.isFinite(c.latitude) || Math.abs(c.latitude) > 90) out.push(`${where}.latitude must be a number from -90 to 90`);
      if (typeof c.longitude !== "number" || !Number.isFinite(c.longitude) || Math.abs(c.longitude) > 180) out.push(`${where}.longitude must be a number from -180 to 180`);
      break;
    case "contacts":
      if (!Array.isArray(c.contacts) || !c.contacts.every((x) => x && isStr(x.name) && Array.isArray(x.phones) && x.phones.every(isStr))) out.push(`${where}.contacts must be a list of { name: string, phones: string[] }`);
      break;
    case "interactive_reply":
      if (!isStr(c.id) || !isStr(c.title)) out.push(`${where} needs string id and title`);
      break;
    case "reaction":
      if (!isStr(c.emoji) || !isStr(c.targetExternalId)) out.push(`${where} needs string emoji ("" removes it) and targetExternalId`);
      break;
    case "unsupported":
      break;
  }
  return out;
}

export function statusProblems(s: StatusUpdate, where: string): string[] {
  if (!s || typeof s !== "object") return [`${where} is ${show(s)}, not a status`];
  const out: string[] = [];
  if (!nonEmpty(s.externalId)) out.push(`${where}.externalId must be a non-empty string: the provider id a send returned (got ${show(s.externalId)})`);
  if (!(STATUS_VALUES as readonly unknown[]).includes(s.status)) out.push(`${where}.status must be one of ${STATUS_VALUES.join(", ")} (got ${show(s.status)})`);
  if (typeof s.timestamp !== "number" || !Number.isFinite(s.timestamp)) out.push(`${where}.timestamp must be a finite number of epoch milliseconds`);
  if (s.channelKey !== undefined && !isStr(s.channelKey)) out.push(`${where}.channelKey must be a string when present`);
  if (s.idempotencyKey !== undefined && !isStr(s.idempotencyKey)) out.push(`${where}.idempotencyKey must be a string when present`);
  if (s.error !== undefined && (!s.error || !nonEmpty(s.error.code) || !nonEmpty(s.error.message))) out.push(`${where}.error must be { code, message }, both non-empty strings`);
  if (s.pricing !== undefined) {
    const p = s.pricing;
    if (!p || typeof p.billable !== "boolean" || !isStr(p.category) || !(p.recipient === null || isStr(p.recipient)) || !p.raw || typeof p.raw !== "object") {
      out.push(`${where}.pricing must be { billable: boolean, category: string, recipient: string | null, raw: object }`);
    }
  }
  return out;
}

/** A time in epoch milliseconds of this century (not seconds, not microseconds). */
export function timestampProblems(t: number, where: string): string[] {
  return typeof t === "number" && t >= PLAUSIBLE_MS.from && t < PLAUSIBLE_MS.to
    ? []
    : [`${where} is ${show(t)}: it must be epoch milliseconds (${t > 0 && t < 1e11 ? "this looks like seconds: multiply by 1000" : "not a date between 2000 and 2100"})`];
}

/** A reason an agent or admin can read: a sentence, not "[object Object]" or a raw JSON dump. */
export function reasonProblems(reason: unknown, where: string): string[] {
  if (!nonEmpty(reason)) return [`${where} must be a non-empty string the agent can read (got ${show(reason)})`];
  const out: string[] = [];
  if (reason.trim().length < 4) out.push(`${where} ${show(reason)} is too short to explain anything`);
  if (/\[object \w+\]|^undefined$|^null$|^\s*[{[]/.test(reason)) out.push(`${where} ${show(reason)} is not readable: say what went wrong in words (the provider's message is fine)`);
  if (reason.length > 2000) out.push(`${where} is ${reason.length} characters long; keep it under 2000`);
  return out;
}

export function sendResultProblems(r: unknown, where = "send()"): string[] {
  const res = r as SendResult | null;
  if (!res || typeof res !== "object" || typeof res.ok !== "boolean") return [`${where} resolved to ${show(r)}, not a SendResult`];
  if (res.ok) {
    const out: string[] = [];
    if (!nonEmpty(res.externalId)) out.push(`${where}: ok needs the provider's message id as externalId (statuses and replies find the message by it; got ${show(res.externalId)})`);
    if (res.status !== undefined && res.status !== "sent" && res.status !== "delivered") out.push(`${where}: status must be "sent" or "delivered" when present`);
    return out;
  }
  const out: string[] = [];
  if (typeof res.retryable !== "boolean") out.push(`${where}: a failure must say retryable: true or false`);
  out.push(...reasonProblems(res.reason, `${where}.reason`));
  if (res.code !== undefined && !nonEmpty(res.code)) out.push(`${where}.code must be a non-empty string when present (one of ${SEND_ERROR_CODES.join(", ")}, or the provider's code)`);
  if (res.retryable) {
    if (res.retryAfterMs !== undefined && (typeof res.retryAfterMs !== "number" || !Number.isFinite(res.retryAfterMs) || res.retryAfterMs < 0 || res.retryAfterMs > 86_400_000)) {
      out.push(`${where}.retryAfterMs must be milliseconds from 0 to a day (got ${show(res.retryAfterMs)})`);
    }
    if (res.maybeSent !== undefined && typeof res.maybeSent !== "boolean") out.push(`${where}.maybeSent must be a boolean when present`);
  }
  return out;
}

export const isKnownCode = (code: unknown): boolean => (SEND_ERROR_CODES as readonly unknown[]).includes(code);
