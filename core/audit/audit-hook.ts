import { Elysia } from "elysia";
import { FLASH_COOKIE } from "../http/cookies.ts";
import { knownCaller } from "../http/guard.ts";
import { knownViewer } from "../http/request-state.ts";
import type { AuditTrail } from "./audit-trail.ts";
import { AUDITED, SERVICE, type AuditInput, type AuditRule } from "./audited-routes.ts";

/**
 * Writes the audit line of every successful request that audited-routes.ts lists,
 * after its handler returned: one mechanism for every admin and operator action
 * instead of a call in each handler. Who comes from the guard (the signed-in
 * viewer, or the API token), where from the request context (AuditTrail). A
 * request that failed (an error, a form shown again with 422, a redirect carrying
 * an error notice) changed nothing and writes nothing.
 */
export function auditHook(trail: AuditTrail) {
  return new Elysia({ name: "charla.audit" }).onAfterHandle({ as: "global" }, ({ request, route, params, query, body, response, set }) => {
    const rule = AUDITED[`${request.method} ${route}`];
    if (!rule || rule === SERVICE) return;
    const status = response instanceof Response ? response.status : typeof set.status === "number" ? set.status : 200;
    if (status >= 400 || refused(response)) return;
    const who = actor(request);
    if (!who) return;
    const input: AuditInput = {
      body: body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
      query: (query ?? {}) as Record<string, string | undefined>,
      params: (params ?? {}) as Record<string, string | undefined>,
    };
    trail.record({
      companyId: rule.company ? rule.company(input) : who.companyId,
      actorId: who.actorId,
      actorName: who.actorName,
      action: typeof rule.action === "string" ? rule.action : rule.action(input),
      targetType: rule.target,
      targetId: rule.targetId ? rule.targetId(input) : (positive(input.params.id) ?? createdId(response)),
      details: details(rule, input),
    });
  });
}

function actor(request: Request): { companyId: number | null; actorId: number | null; actorName: string } | null {
  const viewer = knownViewer(request);
  if (viewer) return { companyId: viewer.companyId, actorId: viewer.userId, actorName: viewer.name };
  const caller = knownCaller(request);
  if (caller) return { companyId: caller.companyId, actorId: null, actorName: `API · ${caller.tokenName}` };
  return null;
}

function details(rule: AuditRule, i: AuditInput): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of rule.keep ?? []) if (i.body[k] !== undefined) out[k] = i.body[k];
  if (rule.details) Object.assign(out, rule.details(i));
  return Object.keys(out).length ? out : undefined;
}

/** A panel redirect whose notice is an error ("the program conflicts with another"): refused, not done. */
function refused(response: unknown): boolean {
  if (!(response instanceof Response)) return false;
  const prefix = `${FLASH_COOKIE}=`;
  return response.headers.getSetCookie().some((c) => c.startsWith(prefix) && decodeURIComponent(c.slice(prefix.length).split(";")[0]!).includes('"kind":"error"'));
}

/** What a create answered with: the JSON's id (API), or the id its redirect names (panel). */
function createdId(response: unknown): number | null {
  if (response instanceof Response) {
    const location = response.headers.get("location") ?? response.headers.get("hx-redirect") ?? "";
    const m = /\/(\d+)(?:[/?#]|$)/.exec(location);
    return m ? positive(m[1]) : null;
  }
  if (response && typeof response === "object") {
    const r = response as { id?: unknown; jobId?: unknown };
    return positive(r.id) ?? positive(r.jobId);
  }
  return null;
}

function positive(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
