import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { BotService } from "../bot/bot-service.ts";
import type { BotTry } from "../bot/bot-try.ts";
import type { BotProgram } from "../bot/program.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import { parseDateTime } from "../shared/zoned-time.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { iso } from "./serializers.ts";
import { Bot, botExample, botSteps, BotVersion, botVersionExample, list, listOf, Published, TryResult, tryExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdCursor, IdPage, limitOf, pageQuery } from "./pagination.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Step = t.Record(t.String(), t.Any());
const Body = t.Object({
  name: t.String({ maxLength: 60 }),
  enabled: t.Optional(t.Boolean()),
  timeoutMinutes: t.Optional(Int({ minimum: 0, maximum: 10080 })),
  timeoutLabel: t.Optional(t.Nullable(t.String({ maxLength: 40 }))),
  channelIds: t.Optional(t.Array(Int({ minimum: 1 }), { maxItems: 100 })),
  holidays: t.Optional(t.Array(t.String({ maxLength: 10 }), { maxItems: 100 })),
  excludedHolidays: t.Optional(t.Array(t.String({ maxLength: 10 }), { maxItems: 100 })),
  steps: t.Optional(t.Array(Step, { maxItems: 100 })),
});

const tags = ["bots"];
const one = { schema: Bot, example: botExample };
const botBody = { name: "Bienvenida", timeoutMinutes: 60, channelIds: [2], steps: botSteps };
const versionJson = (v: import("../bot/program.ts").BotVersion) => ({ id: v.id, version: v.version, publishedAt: iso(v.publishedAt), publishedBy: v.publishedBy, steps: v.definition.steps });

export function botJson(p: BotProgram) {
  return {
    id: p.id,
    name: p.name,
    enabled: p.enabled,
    channelIds: p.channelIds,
    publishedVersion: p.publishedVersion,
    timeoutMinutes: p.draft.timeoutMinutes,
    timeoutLabel: p.draft.timeoutLabel,
    holidays: p.draft.holidays,
    excludedHolidays: p.draft.excludedHolidays,
    steps: p.draft.steps,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

const definitionOf = (b: typeof Body.static) => ({
  timeoutMinutes: b.timeoutMinutes,
  timeoutLabel: b.timeoutLabel ?? null,
  holidays: b.holidays ?? [],
  excludedHolidays: b.excludedHolidays ?? [],
  steps: b.steps ?? [],
});

/** `/api/v1/bots`: chatbot programs (the draft, publishing, versions, the try-it runner). */
@injectable()
export class BotApi {
  constructor(
    @inject(T.BotService) private readonly bots: BotService,
    @inject(T.BotTry) private readonly tryout: BotTry,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/bots",
        ({ scope, query }) => {
          const s = this.bots.slice(scope, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(botJson), next: s.next };
        },
        { api: "read", query: IdPage, detail: op({ summary: "List bot programs in id order (each with its draft)", tags, ok: { schema: listOf(Bot), example: list(botExample) } }) },
      )
      .post(
        "/bots",
        ({ scope, body, set }) => {
          set.status = 201;
          return botJson(this.bots.create(scope, { name: body.name, enabled: body.enabled, channelIds: body.channelIds ?? [], definition: definitionOf(body) }));
        },
        { api: "write", body: Body, detail: op({ summary: "Create a bot program (a draft; publish it to run it)", tags, body: botBody, ok: { ...one, status: 201 } }) },
      )
      .get("/bots/:id", ({ scope, params }) => botJson(this.bots.get(scope, params.id)), { api: "read", params: Id, detail: op({ summary: "Get a bot program", tags, ok: one }) })
      .put(
        "/bots/:id",
        ({ scope, params, body }) => {
          const p = this.bots.update(scope, params.id, { name: body.name, channelIds: body.channelIds ?? this.bots.get(scope, params.id).channelIds, definition: definitionOf(body) });
          if (body.enabled !== undefined && body.enabled !== p.enabled) this.bots.setEnabled(scope, p.id, body.enabled);
          return botJson(this.bots.get(scope, p.id));
        },
        {
          api: "write",
          params: Id,
          body: Body,
          detail: op({ summary: "Replace the draft (jumps to steps not written yet are kept; publishing refuses them)", tags, body: botBody, ok: one }),
        },
      )
      .delete(
        "/bots/:id",
        ({ scope, params, set }) => {
          this.bots.delete(scope, params.id);
          set.status = 204;
          return null;
        },
        { api: "write", params: Id, detail: op({ summary: "Delete a program (its conversations go to their queues)", tags, ok: { status: 204 } }) },
      )
      .post("/bots/:id/publish", ({ scope, params }) => ({ version: this.bots.publish(scope, params.id, "api") }), {
        api: "write",
        params: Id,
        detail: op({ summary: "Publish the draft as the running version; 422 with fields naming each bad step", tags, ok: { schema: Published, example: { version: 2 } } }),
      })
      .post(
        "/bots/:id/copy",
        ({ scope, params, body, set }) => {
          set.status = 201;
          return botJson(this.bots.copy(scope, params.id, body?.suffix ?? "(copia)"));
        },
        {
          api: "write",
          params: Id,
          body: t.Optional(t.Object({ suffix: t.Optional(t.String({ maxLength: 20 })) })),
          detail: op({
            summary: "Copy a program: a new disabled draft named after it plus a suffix (default \"(copia)\"), without channels",
            tags,
            body: { suffix: "(copia)" },
            ok: { status: 201, schema: Bot, example: { ...botExample, id: 10, name: "Bienvenida (copia)", enabled: false, channelIds: [], publishedVersion: null } },
          }),
        },
      )
      .post(
        "/bots/:id/enable",
        ({ scope, params }) => {
          this.bots.setEnabled(scope, params.id, true);
          return botJson(this.bots.get(scope, params.id));
        },
        { api: "write", params: Id, detail: op({ summary: "Turn a program on (it answers on its channels once published)", tags, ok: one }) },
      )
      .post(
        "/bots/:id/disable",
        ({ scope, params }) => {
          this.bots.setEnabled(scope, params.id, false);
          return botJson(this.bots.get(scope, params.id));
        },
        { api: "write", params: Id, detail: op({ summary: "Turn a program off (conversations in it go to their queues)", tags, ok: { ...one, example: { ...botExample, enabled: false } } }) },
      )
      .get(
        "/bots/:id/versions",
        ({ scope, params, query }) => {
          const s = this.bots.versionSlice(scope, params.id, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(versionJson), next: s.next };
        },
        {
          api: "read",
          params: Id,
          query: pageQuery({}, IdCursor),
          detail: op({ summary: "Published versions, newest first (the cursor is a version number)", tags, ok: { schema: listOf(BotVersion), example: list(botVersionExample) } }),
        },
      )
      .post("/bots/:id/versions/:versionId/restore", ({ scope, params }) => botJson(this.bots.restore(scope, params.id, params.versionId)), {
        api: "write",
        params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }), versionId: t.Numeric({ minimum: 1, multipleOf: 1 }) }),
        detail: op({ summary: "Put an earlier published version back into the draft (publish it to run it)", tags, ok: one }),
      })
      .post(
        "/bots/:id/try",
        async ({ scope, params, body }) => {
          const tz = this.companies.get(scope.companyId)!.timeZone;
          const at = body.at ? parseDateTime(body.at, tz) : null;
          if (body.at && at === null) throw AppError.invalid({ at: "bot.error.try_at" });
          const r = await this.tryout.run(scope, params.id, { session: body.session, text: body.text, at, source: body.source, timeout: body.timeout });
          return { session: r.session, replies: r.replies.filter((x) => x.from !== "customer"), steps: r.steps, step: r.step, done: r.done, at: iso(r.at) };
        },
        {
          api: "write",
          params: Id,
          body: t.Object({
            session: t.Optional(t.String({ maxLength: 64 })),
            text: t.Optional(t.String({ maxLength: 4096 })),
            at: t.Optional(t.String({ maxLength: 40 })),
            source: t.Optional(t.Union([t.Literal("draft"), t.Literal("published")])),
            timeout: t.Optional(t.Boolean()),
          }),
          detail: op({
            summary: "Run the draft or published program without a channel, as a customer writing at `at` (company time zone)",
            tags,
            body: { text: "Hola", at: "2026-01-15 10:30", source: "draft" },
            ok: { schema: TryResult, example: tryExample },
          }),
        },
      );
  }
}
