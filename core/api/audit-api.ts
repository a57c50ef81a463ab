import type { TSchema } from "@sinclair/typebox";
import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { AuditLine } from "../audit/audit-repository.ts";
import type { AuditService } from "../audit/audit-service.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
import { list, listOf } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdCursor, limitOf, pageQuery } from "./pagination.ts";
import { iso } from "./serializers.ts";

const Integer = t.Unsafe<number>({ type: "integer" });
const Nullable = <S extends TSchema>(s: S) => t.Union([s, t.Null()]);

const AuditEntry = t.Object({
  id: Integer,
  action: t.String({ description: 'What was done: "<kind>.<verb>", e.g. user.created, channel.disabled, contact.erased' }),
  actor: t.Object({
    id: Nullable(Integer),
    name: t.String({ description: 'The user\'s name, or "API · <token name>" for a token' }),
  }),
  via: Nullable(t.Union([t.Literal("panel"), t.Literal("api"), t.Literal("cli")])),
  target: t.Object({ type: t.String(), id: Nullable(Integer) }),
  details: Nullable(t.Record(t.String(), t.Unknown(), { description: "Names, flags, ids and counts; never secrets or message content" })),
  ip: Nullable(t.String({ description: "The client address (X-Forwarded-For only when TRUST_PROXY is on)" })),
  requestId: Nullable(t.String({ description: "The X-Request-Id of the request, as in the server's log lines" })),
  createdAt: t.String({ format: "date-time" }),
});

const auditExample = {
  id: 812,
  action: "user.created",
  actor: { id: 4, name: "Gerente" },
  via: "panel",
  target: { type: "user", id: 31 },
  details: { username: "fulanito", name: "Fulanito De Tal", role: "agent", queueIds: [3] },
  ip: "190.25.10.4",
  requestId: "k3J9aZq1Xw0tLm2P",
  createdAt: "2026-01-15T12:00:00.000Z",
};

const Day = (description: string) => t.String({ maxLength: 10, pattern: "^\\d{4}-\\d{2}-\\d{2}$", description, examples: ["2026-01-15"] });

function auditJson(l: AuditLine) {
  let details: Record<string, unknown> | null = null;
  try {
    details = l.details ? (JSON.parse(l.details) as Record<string, unknown>) : null;
  } catch {
    details = null;
  }
  return {
    id: l.id,
    action: l.action,
    actor: { id: l.actorId, name: l.actorName },
    via: l.via,
    target: { type: l.targetType, id: l.targetId },
    details,
    ip: l.ip,
    requestId: l.requestId,
    createdAt: iso(l.createdAt),
  };
}

/** `GET /api/v1/audit`: the company's audit log, newest first, for a SIEM or a compliance export. */
@injectable()
export class AuditApi {
  constructor(
    @inject(T.AuditService) private readonly audit: AuditService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1" }).use(this.guard.plugin).get(
      "/audit",
      ({ scope, query }) => {
        const s = this.audit.page(scope.companyId, query, query.cursor ?? 0, limitOf(query));
        return { data: s.data.map(auditJson), next: s.next };
      },
      {
        api: "read",
        query: pageQuery(
          {
            action: t.Optional(t.String({ maxLength: 81, description: 'One action ("user.created") or a whole kind ("user")', examples: ["user"] })),
            actor: t.Optional(t.String({ maxLength: 100, description: "Part of the actor's name" })),
            from: t.Optional(Day("First day, in the company's time zone (inclusive)")),
            to: t.Optional(Day("Last day, in the company's time zone (inclusive)")),
          },
          IdCursor,
        ),
        detail: op({
          summary: "The audit log: who did what, when and from where (admins, the operator and API tokens), newest first",
          description:
            "Every change to users, queues, channels, tokens, responses, bots, tags, the contact template, AI settings, balance settings and webhooks, and every contact erasure, merge, block, import and export. Lines are append-only. Pages go from the newest to older lines: pass the previous page's `next` as `cursor`.",
          tags: ["audit"],
          ok: { schema: listOf(AuditEntry), example: list(auditExample, 811) },
        }),
      },
    );
  }
}
