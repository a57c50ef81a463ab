import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Scope, Viewer } from "../auth/access.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { Clock } from "../clock.ts";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import type { TagRepository } from "../contacts/tag-repository.ts";
import { AppError } from "../errors.ts";
import { str, positiveInt, type FormBody } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { FieldError } from "../i18n/index.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { ResponseRepository } from "../responses/response-repository.ts";
import { parseDateTime } from "../shared/zoned-time.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import { BotDeletePage, BotEditorPage, BotListPage, BotNewPage, type BotOptions, type BotSettingsValues, type EditorData } from "../../views/admin/bots.tsx";
import { StepFormPage, type StepFormValues } from "../../views/admin/bot-step-form.tsx";
import type { BotService } from "./bot-service.ts";
import type { BotTry, TryResult } from "./bot-try.ts";
import { stepKey, type BotDefinition, type BotProgram, type StepType } from "./program.ts";
import { wallClock } from "./schedule.ts";
import { FORM_NAMES, formToStep, readStepForm, stepToForm, typeOf } from "./step-form.ts";
import type { BotSessionRepository } from "./session-repository.ts";

/** "Configure su chatbot" in the admin's settings: programs, the step editor, Publicar, Probar. */
@injectable()
export class BotRoutes {
  constructor(
    @inject(T.BotService) private readonly bots: BotService,
    @inject(T.BotTry) private readonly tryout: BotTry,
    @inject(T.BotSessionRepository) private readonly sessions: BotSessionRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.TagRepository) private readonly tags: TagRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.ResponseRepository) private readonly responses: ResponseRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const panel = { panel: "company.admin" as const };
    return new Elysia()
      .use(this.guard.plugin)
      .get("/admin/bots", ({ request, viewer, scope }) => this.render.page(request, viewer, (ctx) => <BotListPage ctx={ctx} items={this.bots.list(scope)} />), panel)
      .get("/admin/bots/new", ({ request, viewer, scope }) => this.render.page(request, viewer, (ctx) => <BotNewPage ctx={ctx} form={BLANK} channels={this.channelOptions(scope)} />), panel)
      .post(
        "/admin/bots",
        ({ request, viewer, scope, body }) => {
          const form = readSettings(body);
          return this.render.submit(
            request,
            viewer,
            () => {
              const p = this.bots.create(scope, { name: form.name, channelIds: form.channelIds, definition: { ...settingsDefinition(form), steps: [] } });
              return this.render.redirect(`/admin/bots/${p.id}`, { kind: "ok", key: "common.created" });
            },
            (errors) => (ctx) => <BotNewPage ctx={ctx} form={form} channels={this.channelOptions(scope)} errors={errors} />,
            "/admin/bots/new",
          );
        },
        panel,
      )
      .get("/admin/bots/:id", ({ request, viewer, scope, params, query }) => this.editor(request, viewer, scope, positiveInt(params.id), query), panel)
      .post(
        "/admin/bots/:id",
        ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const form = readSettings(body);
          try {
            const p = this.bots.get(scope, id);
            this.bots.update(scope, id, { name: form.name, channelIds: form.channelIds, definition: { ...settingsDefinition(form), steps: p.draft.steps } });
            return this.render.redirect(`/admin/bots/${id}`, { kind: "ok", key: "common.saved" });
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.editor(request, viewer, scope, id, {}, { settings: form, settingsErrors: e.fields }, 422);
          }
        },
        panel,
      )
      .post(
        "/admin/bots/:id/publish",
        ({ request, viewer, scope, params }) => {
          const id = positiveInt(params.id);
          try {
            const version = this.bots.publish(scope, id, viewer.name);
            return this.render.redirect(`/admin/bots/${id}`, { kind: "ok", key: "bot.published", params: { version } });
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.editor(request, viewer, scope, id, {}, {}, 422);
          }
        },
        panel,
      )
      .post(
        "/admin/bots/:id/copy",
        ({ request, scope, params, viewer }) => {
          const copy = this.bots.copy(scope, positiveInt(params.id), this.render.language(request, viewer) === "en" ? "(copy)" : "(copia)");
          return this.render.redirect(`/admin/bots/${copy.id}`, { kind: "ok", key: "bot.copied" });
        },
        panel,
      )
      .post(
        "/admin/bots/:id/enabled",
        ({ scope, params, body }) => {
          const id = positiveInt(params.id);
          try {
            this.bots.setEnabled(scope, id, str(body, "enabled") === "1");
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.render.redirect("/admin/bots", { kind: "error", key: "bot.error.enable_conflict" });
          }
          return this.render.redirect("/admin/bots", { kind: "ok", key: "common.saved" });
        },
        panel,
      )
      .get(
        "/admin/bots/:id/delete",
        ({ request, viewer, scope, params }) => {
          const p = this.bots.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <BotDeletePage ctx={ctx} program={p} running={this.sessions.runningCounts(scope.companyId).get(p.id) ?? 0} />);
        },
        panel,
      )
      .post(
        "/admin/bots/:id/delete",
        ({ scope, params }) => {
          this.bots.delete(scope, positiveInt(params.id));
          return this.render.redirect("/admin/bots", { kind: "ok", key: "common.deleted" });
        },
        panel,
      )
      .post(
        "/admin/bots/:id/holidays",
        ({ scope, params, body }) => {
          const id = positiveInt(params.id);
          const p = this.bots.get(scope, id);
          const date = str(body, "date");
          const excluded = new Set(p.draft.excludedHolidays);
          if (str(body, "observe") === "1") excluded.delete(date);
          else excluded.add(date);
          this.bots.saveDraft(scope, id, { ...p.draft, excludedHolidays: [...excluded] });
          return this.render.redirect(`/admin/bots/${id}?year=${date.slice(0, 4)}#bot-holidays`, { kind: "ok", key: "common.saved" });
        },
        panel,
      )
      .post(
        "/admin/bots/:id/versions/:versionId/restore",
        ({ scope, params }) => {
          const id = positiveInt(params.id);
          this.bots.restore(scope, id, positiveInt(params.versionId));
          return this.render.redirect(`/admin/bots/${id}`, { kind: "ok", key: "bot.restored" });
        },
        panel,
      )
      .get("/admin/bots/:id/steps/new", ({ request, viewer, scope, params, query }) => {
        const p = this.bots.get(scope, positiveInt(params.id));
        const type = typeOf(query.type);
        const next = (p.draft.steps.at(-1)?.priority ?? 0) + 1;
        return this.render.page(request, viewer, this.stepView(scope, p, null, type, { priority: String(next), days: type === "schedule" ? ["mon", "tue", "wed", "thu", "fri"] : [] }));
      }, panel)
      .get("/admin/bots/:id/steps/:n/edit", ({ request, viewer, scope, params, query }) => {
        const p = this.bots.get(scope, positiveInt(params.id));
        const n = this.index(p, params.n);
        const current = p.draft.steps[n]!;
        const type = query.type ? typeOf(query.type) : current.type;
        const values = type === current.type ? stepToForm(current) : { priority: String(current.priority), label: current.label ?? "" };
        return this.render.page(request, viewer, this.stepView(scope, p, n, type, values));
      }, panel)
      .post("/admin/bots/:id/steps", ({ request, viewer, scope, params, body }) => this.saveStep(request, viewer, scope, positiveInt(params.id), null, body), panel)
      .post("/admin/bots/:id/steps/:n", ({ request, viewer, scope, params, body }) => {
        const id = positiveInt(params.id);
        return this.saveStep(request, viewer, scope, id, this.index(this.bots.get(scope, id), params.n), body);
      }, panel)
      .post(
        "/admin/bots/:id/steps/:n/move",
        ({ scope, params, body }) => {
          const id = positiveInt(params.id);
          const p = this.bots.get(scope, id);
          const n = this.index(p, params.n);
          const other = str(body, "dir") === "up" ? n - 1 : n + 1;
          const steps = p.draft.steps.map((s) => ({ ...s }));
          if (other >= 0 && other < steps.length) {
            // Swapping priorities swaps the order; labels (and so jumps) stay with their steps.
            const a = steps[n]!.priority;
            steps[n]!.priority = steps[other]!.priority;
            steps[other]!.priority = a;
            this.bots.saveDraft(scope, id, { ...p.draft, steps });
          }
          return this.render.redirect(`/admin/bots/${id}#bot-steps`);
        },
        panel,
      )
      .post(
        "/admin/bots/:id/steps/:n/delete",
        ({ scope, params }) => {
          const id = positiveInt(params.id);
          const p = this.bots.get(scope, id);
          const n = this.index(p, params.n);
          this.bots.saveDraft(scope, id, { ...p.draft, steps: p.draft.steps.filter((_, i) => i !== n) });
          return this.render.redirect(`/admin/bots/${id}#bot-steps`);
        },
        panel,
      )
      .post(
        "/admin/bots/:id/try",
        async ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const tz = this.companies.get(scope.companyId)!.timeZone;
          const atText = str(body, "at");
          const at = atText ? parseDateTime(atText, tz) : null;
          const source = str(body, "source") === "published" ? "published" : "draft";
          const restart = str(body, "restart") === "1";
          let tryout: EditorData["tryout"] = null;
          let tryError: FieldError | null = null;
          try {
            // "Reiniciar" forgets the session; the next message starts the program again.
            if (!restart) {
              const r: TryResult = await this.tryout.run(scope, id, { session: str(body, "session") || null, text: str(body, "text"), at, source, timeout: str(body, "timeout") === "1" });
              tryout = { ...r, source };
            }
          } catch (e) {
            if (!(e instanceof AppError) || e.status >= 500) throw e;
            tryError = e.key;
          }
          return this.editor(request, viewer, scope, id, {}, { tryout, tryAt: atText, tryError });
        },
        panel,
      );
  }

  private editor(request: Request, viewer: Viewer, scope: Scope, id: number, query: Record<string, string | undefined>, extra: Partial<EditorData> & { tryError?: FieldError | null } = {}, status = 200): Response {
    const p = this.bots.get(scope, id);
    const company = this.companies.get(scope.companyId)!;
    const now = this.clock.now();
    const year = Number(query.year) >= 2000 && Number(query.year) <= 2100 ? Number(query.year) : Number(wallClock(now, company.timeZone).date.slice(0, 4));
    const days = query.days === "30" ? 30 : 7;
    const h = this.bots.holidays(scope, p.draft, year);
    const data: EditorData = {
      program: p,
      settings: extra.settings ?? settingsOf(p),
      settingsErrors: extra.settingsErrors,
      draftErrors: this.bots.draftErrors(scope, p),
      options: this.options(scope),
      versions: this.bots.versions(scope, id),
      holidays: { country: h.country, year, list: h.list },
      analytics: this.bots.analytics(scope, id, days),
      days,
      tryout: extra.tryout ?? null,
      tryAt: extra.tryAt || localInput(now, company.timeZone),
      timeZone: company.timeZone,
    };
    if (extra.tryError && data.tryout === null) data.draftErrors = { ...data.draftErrors, try: extra.tryError };
    return this.render.page(request, viewer, (ctx) => <BotEditorPage ctx={ctx} data={data} />, status);
  }

  private saveStep(request: Request, viewer: Viewer, scope: Scope, id: number, n: number | null, body: unknown): Response {
    const p = this.bots.get(scope, id);
    const type = typeOf(str(body, "type"));
    const values = readStepForm(body);
    const raw = formToStep(type, values);
    const steps: unknown[] = p.draft.steps.map((s) => ({ ...s }));
    const at = n === null ? steps.length : n;
    steps[at] = raw;
    try {
      this.bots.saveDraft(scope, id, { ...p.draft, steps });
    } catch (e) {
      if (!(e instanceof AppError && e.status === 422)) throw e;
      const mine: Record<string, FieldError> = {};
      for (const [k, v] of Object.entries(e.fields)) {
        const m = /^steps\[(\d+)\]\.(\w+)/.exec(k);
        if (m && Number(m[1]) === at) mine[FORM_NAMES[m[2]!] ?? m[2]!] = v;
        else mine[k] = v;
      }
      const url = n === null ? `/admin/bots/${id}/steps/new?type=${type}` : `/admin/bots/${id}/steps/${n}/edit`;
      return this.render.formErrors(request, viewer, this.stepView(scope, p, n, type, values, mine), url);
    }
    return this.render.redirect(`/admin/bots/${id}#bot-steps`, { kind: "ok", key: "common.saved" });
  }

  private stepView(scope: Scope, p: BotProgram, n: number | null, type: StepType, values: StepFormValues, errors?: Record<string, FieldError>) {
    const labels = p.draft.steps.map((s) => stepKey(s));
    const options = this.options(scope);
    return (ctx: Parameters<typeof StepFormPage>[0]["ctx"]) => <StepFormPage ctx={ctx} program={p} index={n} type={type} values={values} options={options} labels={labels} errors={errors} />;
  }

  private index(p: BotProgram, raw: string): number {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n >= p.draft.steps.length) throw AppError.notFound();
    return n;
  }

  private channelOptions(scope: Scope) {
    return this.channels.list(scope.companyId).map((c) => ({ id: c.id, name: c.name }));
  }

  private options(scope: Scope): BotOptions {
    const companyId = scope.companyId;
    return {
      queues: this.queues.options(companyId),
      agents: this.users.activeOptions(companyId),
      tags: this.tags.options(companyId).map((x) => ({ id: x.id, name: x.name })),
      fields: this.fields.list(companyId).map((f) => ({ key: f.key, label: f.label })),
      channels: this.channelOptions(scope),
      responses: this.responses.all(companyId).map((r) => ({ id: r.id, name: r.name })),
    };
  }
}

const BLANK: BotSettingsValues = { name: "", timeoutMinutes: "60", timeoutLabel: "", channelIds: [], holidays: "", excludedHolidays: "" };

function readSettings(body: unknown): BotSettingsValues {
  const raw = (body as FormBody | null)?.channelIds;
  const list = raw === undefined || raw === "" ? [] : Array.isArray(raw) ? raw : [raw];
  return {
    name: str(body, "name"),
    timeoutMinutes: str(body, "timeoutMinutes"),
    timeoutLabel: str(body, "timeoutLabel"),
    channelIds: list.map((x) => positiveInt(String(x))),
    holidays: str(body, "holidays"),
    excludedHolidays: str(body, "excludedHolidays"),
  };
}

function settingsDefinition(f: BotSettingsValues): Omit<BotDefinition, "steps"> & { timeoutMinutes: unknown } {
  return { timeoutMinutes: f.timeoutMinutes.trim() || "0", timeoutLabel: f.timeoutLabel.trim() || null, holidays: f.holidays as never, excludedHolidays: f.excludedHolidays as never } as never;
}

function settingsOf(p: BotProgram): BotSettingsValues {
  return {
    name: p.name,
    timeoutMinutes: String(p.draft.timeoutMinutes),
    timeoutLabel: p.draft.timeoutLabel ?? "",
    channelIds: p.channelIds,
    holidays: p.draft.holidays.join(", "),
    excludedHolidays: p.draft.excludedHolidays.join(", "),
  };
}

/** Now as a datetime-local value in the company's time zone. */
function localInput(now: number, timeZone: string): string {
  const w = wallClock(now, timeZone);
  const h = String(Math.floor(w.minute / 60)).padStart(2, "0");
  const m = String(w.minute % 60).padStart(2, "0");
  return `${w.date}T${h}:${m}`;
}
