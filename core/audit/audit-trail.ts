import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import { currentRequest } from "../observability/request-context.ts";
import { T } from "../tokens.ts";
import type { AuditEntry, AuditRepository } from "./audit-repository.ts";

/** Detail keys that name a secret: their text is never written, whatever a caller passes ("passwordChanged: true" is fine). */
const SECRET_KEY = /pass(word)?|secret|token|api_?key|credential|authorization|cookie/i;
const MAX_TEXT = 120;

/**
 * The one way an audit line is written. It adds where the action came from (the
 * client address, panel or API, the request id of its log lines) from the
 * request being handled, and scrubs the details: keys that name secrets are
 * dropped, URLs keep only their origin (a webhook URL often carries its own
 * token in the path or query), long text is cut. Callers pass names, ids and
 * counts; this is the net under them.
 */
@injectable()
export class AuditTrail {
  constructor(
    @inject(T.AuditRepository) private readonly entries: AuditRepository,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  /** `now`: the caller's clock reading when it writes inside its own transaction. */
  record(e: AuditEntry, now = this.clock.now()): void {
    const r = currentRequest();
    this.entries.append(
      { ...e, details: e.details ? scrub(e.details) : undefined, ip: e.ip ?? r?.address ?? null, via: e.via ?? r?.via ?? null, requestId: e.requestId ?? r?.id ?? null },
      now,
    );
  }
}

export function scrub(details: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    if (SECRET_KEY.test(k) && typeof v !== "boolean" && v !== null) continue;
    const clean = value(v, depth);
    if (clean !== undefined) out[k] = clean;
  }
  return out;
}

function value(v: unknown, depth: number): unknown {
  if (v === null || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "string") return text(v);
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => value(x, depth + 1)).filter((x) => x !== undefined);
  if (typeof v === "object" && depth < 2) return scrub(v as Record<string, unknown>, depth + 1);
  return undefined;
}

function text(s: string): string {
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      return u.pathname === "/" && !u.search ? u.origin : `${u.origin}/…`;
    } catch {
      // Not a URL after all: treated as text.
    }
  }
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}
