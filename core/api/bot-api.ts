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
    return new Elysia({ prefix: "/api/v1/bots" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ scope, query }) => {
          const s = this.bots.slice(scope, query.cursor ?? 0);
          return { data: s.data.map(botJson), next: s.next };
        },
        { api: "read", query: t.Object({ cursor: t.Optional(t.Numeric({ minimum: 0, multipleOf: 1 })) }), detail: { summary: "List bot programs (each with its draft)", tags: ["bots"] } },
      )
      .post(
        "/",
        ({ scope, body, set }) => {
          set.status = 201;
          return botJson(this.bots.create(scope, { name: body.name, enabled: body.enabled, channelIds: body.channelIds ?? [], definition: definitionOf(body) }));
        },
        { api: "write", body: Body, detail: { summary: "Create a bot program (a draft; publish it to run it)", tags: ["bots"] } },
      )
      .get("/:id", ({ scope, params }) => botJson(this.bots.get(scope, params.id)), { api: "read", params: Id, detail: { summary: "Get a bot program", tags: ["bots"] } })
      .put(
        "/:id",
        ({ scope, params, body }) => {
          const p = this.bots.update(scope, params.id, { name: body.name, channelIds: body.channelIds ?? this.bots.get(scope, params.id).channelIds, definition: definitionOf(body) });
          if (body.enabled !== undefined && body.enabled !== p.enabled) this.bots.setEnabled(scope, p.id, body.enabled);
          return botJson(this.bots.get(scope, p.id));
        },
        { api: "write", params: Id, body: Body, detail: { summary: "Replace the draft (jumps to steps not written yet are kept; publishing refuses them)", tags: ["bots"] } },
      )
      .delete(
        "/:id",
        ({ scope, params, set }) => {
          this.bots.delete(scope, params.id);
          set.status = 204;
          return null;
        },
        { api: "write", params: Id, detail: { summary: "Delete a program (its conversations go to their queues)", tags: ["bots"] } },
      )
      .post("/:id/publish", ({ scope, params }) => ({ version: this.bots.publish(scope, params.id, "api") }), {
        api: "write",
        params: Id,
        detail: { summary: "Publish the draft as the running version; 422 with fields naming each bad step", tags: ["bots"] },
      })
      .get(
        "/:id/versions",
        ({ scope, params }) => ({ data: this.bots.versions(scope, params.id).map((v) => ({ id: v.id, version: v.version, publishedAt: iso(v.publishedAt), publishedBy: v.publishedBy, steps: v.definition.steps })), next: null }),
        { api: "read", params: Id, detail: { summary: "Published versions, newest first", tags: ["bots"] } },
      )
      .post(
        "/:id/try",
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
          detail: { summary: "Run the draft or published program without a channel, as a customer writing at `at` (company time zone)", tags: ["bots"] },
        },
      );
  }
}
