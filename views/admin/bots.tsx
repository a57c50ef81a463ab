import type { BotListItem, StepAnalytics } from "../../core/bot/bot-service.ts";
import type { Holiday } from "../../core/bot/holidays.ts";
import { stepKey, type BotDefinition, type BotProgram, type BotVersion, type Step } from "../../core/bot/program.ts";
import type { TryResult } from "../../core/bot/bot-try.ts";
import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { Analytics, Holidays, TryPanel } from "./bot-editor-panels.tsx";

/** Names the editor's selects need (queues, agents, tags, fields, channels, canned responses). */
export interface BotOptions {
  queues: { id: number; name: string }[];
  agents: { id: number; name: string }[];
  tags: { id: number; name: string }[];
  fields: { key: string; label: string }[];
  channels: { id: number; name: string }[];
  responses: { id: number; name: string }[];
}

export interface BotSettingsValues {
  name: string;
  timeoutMinutes: string;
  timeoutLabel: string;
  channelIds: number[];
  holidays: string;
  excludedHolidays: string;
}

const short = (s: string, n = 70) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** "Configure su chatbot": the company's programs. */
export function BotListPage(props: { ctx: PageContext; items: BotListItem[] }): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("bot.title")}>
      <div class="page-head">
        <h1>{t("bot.title")}</h1>
        <a class="button primary" href="/admin/bots/new">
          {t("bot.new")}
        </a>
      </div>
      <p class="muted">{t("bot.intro")}</p>
      <Table
        t={t}
        id="bots"
        empty={t("bot.empty")}
        head={[t("bot.name"), t("bot.channels"), t("bot.version"), t("bot.status"), t("bot.running"), t("common.actions")]}
        rows={props.items.map((p) => [
          <a href={`/admin/bots/${p.id}`} safe>
            {p.name}
          </a>,
          <span safe>{p.channelNames.join(", ") || "—"}</span>,
          p.publishedVersion ? <span safe>{`v${p.publishedVersion}`}</span> : <span class="muted">{t("bot.unpublished")}</span>,
          <span class={p.enabled ? "pill ok" : "pill"}>{t(p.enabled ? "bot.enabled" : "bot.disabled")}</span>,
          <span safe>{String(p.running)}</span>,
          <span class="actions">
            <a href={`/admin/bots/${p.id}`}>{t("common.edit")}</a>
            <form method="post" action={`/admin/bots/${p.id}/copy`} class="inline">
              <CsrfField csrf={ctx.csrf} />
              <button type="submit" class="link">
                {t("bot.copy")}
              </button>
            </form>
            <form method="post" action={`/admin/bots/${p.id}/enabled`} class="inline">
              <CsrfField csrf={ctx.csrf} />
              <input type="hidden" name="enabled" value={p.enabled ? "0" : "1"} />
              <button type="submit" class="link">
                {t(p.enabled ? "bot.disable" : "bot.enable")}
              </button>
            </form>
            <a href={`/admin/bots/${p.id}/delete`} class="danger-link">
              {t("common.delete")}
            </a>
          </span>,
        ])}
      />
    </Layout>
  );
}

/** Nombre programa, Minutos, Label Time Out, Asignar canal(es), holidays of its own. */
function SettingsForm(props: { t: Translate; csrf: string; action: string; form: BotSettingsValues; channels: { id: number; name: string }[]; errors?: FieldErrors; submit: MessageKey }): JSX.Element {
  const { t, form, errors } = props;
  return (
    <form method="post" action={props.action} id="bot-settings" novalidate>
      <CsrfField csrf={props.csrf} />
      <TextField t={t} name="name" label="bot.name" value={form.name} errors={errors} required maxlength={60} />
      <div class="row wrap">
        <TextField t={t} name="timeoutMinutes" label="bot.minutes" type="number" value={form.timeoutMinutes} errors={errors} help="bot.minutes_help" />
        <TextField t={t} name="timeoutLabel" label="bot.timeout_label" value={form.timeoutLabel} errors={errors} maxlength={40} help="bot.timeout_label_help" />
      </div>
      <fieldset class={errors?.channelIds ? "field invalid" : "field"}>
        <legend class="label">{t("bot.assign_channels")}</legend>
        {props.channels.length === 0 ? <span class="help">{t("bot.no_channels")}</span> : ""}
        {props.channels.map((c) => (
          <label class="check">
            <input type="checkbox" name="channelIds" value={String(c.id)} checked={form.channelIds.includes(c.id)} />
            <span safe>{c.name}</span>
          </label>
        ))}
        {errors?.channelIds ? <span class="field-error">{t.field(errors.channelIds)}</span> : ""}
      </fieldset>
      <TextField t={t} name="holidays" label="bot.extra_holidays" value={form.holidays} errors={errors} help="bot.dates_help" />
      <TextField t={t} name="excludedHolidays" label="bot.excluded_holidays" value={form.excludedHolidays} errors={errors} help="bot.dates_help" />
      <button type="submit" class="primary">
        {t(props.submit)}
      </button>
    </form>
  );
}

export function BotNewPage(props: { ctx: PageContext; form: BotSettingsValues; channels: { id: number; name: string }[]; errors?: FieldErrors }): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t.plain("bot.new")}>
      <section class="card narrow">
        <h1>{ctx.t("bot.new")}</h1>
        <FormSummary t={ctx.t} errors={props.errors} />
        <SettingsForm t={ctx.t} csrf={ctx.csrf} action="/admin/bots" form={props.form} channels={props.channels} errors={props.errors} submit="bot.create" />
      </section>
    </Layout>
  );
}

export interface EditorData {
  program: BotProgram;
  settings: BotSettingsValues;
  settingsErrors?: FieldErrors;
  draftErrors: FieldErrors;
  options: BotOptions;
  versions: BotVersion[];
  holidays: { country: string; year: number; list: Holiday[] };
  analytics: StepAnalytics;
  days: number;
  tryout: (TryResult & { source: "draft" | "published" }) | null;
  tryAt: string;
  timeZone: string;
}

/** The program: its settings, the steps table, what is wrong with the draft, Publicar, Probar, holidays, versions, analytics. */
export function BotEditorPage(props: { ctx: PageContext; data: EditorData }): JSX.Element {
  const { ctx, data } = props;
  const { t } = ctx;
  const p = data.program;
  const problems = Object.entries(data.draftErrors);
  return (
    <Layout ctx={ctx} title={p.name}>
      <div class="page-head">
        <h1 safe>{p.name}</h1>
        <span class="row">
          <span class={p.enabled ? "pill ok" : "pill"}>{t(p.enabled ? "bot.enabled" : "bot.disabled")}</span>
          <span class="muted">{p.publishedVersion ? t("bot.published_version", { version: p.publishedVersion }) : t("bot.unpublished")}</span>
        </span>
      </div>
      <div class="bot-editor">
        <div class="bot-main">
          <section class="card" id="bot-steps">
            <div class="page-head">
              <h2>{t("bot.steps")}</h2>
              <a class="button" href={`/admin/bots/${p.id}/steps/new`} id="add-step">
                {t("bot.add_step")}
              </a>
            </div>
            <StepsTable t={t} csrf={ctx.csrf} program={p} options={data.options} />
            {problems.length ? (
              <div class="notice error" id="draft-errors" role="alert">
                <strong>{t("bot.draft_problems")}</strong>
                <ul>
                  {problems.map(([path, e]) => (
                    <li safe>{describeProblem(t, p.draft, path, t.fieldPlain(e))}</li>
                  ))}
                </ul>
              </div>
            ) : (
              <p class="muted" id="draft-ok">
                {t("bot.draft_ok")}
              </p>
            )}
            <form method="post" action={`/admin/bots/${p.id}/publish`} class="inline">
              <CsrfField csrf={ctx.csrf} />
              <button type="submit" class="primary" id="publish" disabled={problems.length > 0}>
                {t("bot.publish")}
              </button>
            </form>
          </section>
          <section class="card">
            <h2>{t("bot.settings")}</h2>
            <FormSummary t={t} errors={data.settingsErrors} />
            <SettingsForm t={t} csrf={ctx.csrf} action={`/admin/bots/${p.id}`} form={data.settings} channels={data.options.channels} errors={data.settingsErrors} submit="common.save" />
          </section>
          <Holidays t={t} csrf={ctx.csrf} id={p.id} data={data.holidays} />
          <Analytics t={t} id={p.id} data={data.analytics} days={data.days} />
          <section class="card">
            <h2>{t("bot.versions")}</h2>
            <Table
              t={t}
              empty={t("bot.no_versions")}
              head={[t("bot.version"), t("bot.published_at"), t("bot.published_by"), t("common.actions")]}
              rows={data.versions.map((v) => [
                <span safe>{`v${v.version}`}</span>,
                <time data-at={String(v.publishedAt)} safe>
                  {new Date(v.publishedAt).toISOString().slice(0, 16).replace("T", " ")}
                </time>,
                <span safe>{v.publishedBy ?? ""}</span>,
                <form method="post" action={`/admin/bots/${p.id}/versions/${v.id}/restore`} class="inline">
                  <CsrfField csrf={ctx.csrf} />
                  <button type="submit" class="link">
                    {t("bot.restore")}
                  </button>
                </form>,
              ])}
            />
          </section>
        </div>
        <TryPanel t={t} csrf={ctx.csrf} id={p.id} data={data} />
      </div>
    </Layout>
  );
}

function StepsTable(props: { t: Translate; csrf: string; program: BotProgram; options: BotOptions }): JSX.Element {
  const { t, program } = props;
  const steps = program.draft.steps;
  const move = (i: number, dir: "up" | "down", label: string) => (
    <form method="post" action={`/admin/bots/${program.id}/steps/${i}/move`} class="inline" hx-post={`/admin/bots/${program.id}/steps/${i}/move`} hx-target="#bot-steps" hx-select="#bot-steps" hx-swap="outerHTML">
      <CsrfField csrf={props.csrf} />
      <input type="hidden" name="dir" value={dir} />
      <button type="submit" class="link" aria-label={label}>
        {dir === "up" ? "↑" : "↓"}
      </button>
    </form>
  );
  return (
    <Table
      t={t}
      id="steps"
      empty={t("bot.no_steps")}
      head={[t("bot.priority_label"), t("bot.type"), t("bot.step_settings"), t("bot.go_yes"), t("bot.go_no"), t("common.actions")]}
      rows={steps.map((s, i) => [
        <span>
          <strong safe>{String(s.priority)}</strong>
          {s.label ? (
            <>
              {" / "}
              <code safe>{s.label}</code>
            </>
          ) : (
            ""
          )}
        </span>,
        <span>{t(`bot.type.${s.type}` as MessageKey)}</span>,
        <span class="step-summary" safe>
          {summary(t, s, props.options)}
        </span>,
        <code safe>{s.goIfYes ?? ""}</code>,
        <code safe>{s.goIfNo ?? ""}</code>,
        <span class="actions">
          <a href={`/admin/bots/${program.id}/steps/${i}/edit`}>{t("common.edit")}</a>
          {i > 0 ? move(i, "up", t.plain("bot.move_up")) : ""}
          {i < steps.length - 1 ? move(i, "down", t.plain("bot.move_down")) : ""}
          <form method="post" action={`/admin/bots/${program.id}/steps/${i}/delete`} class="inline" hx-post={`/admin/bots/${program.id}/steps/${i}/delete`} hx-target="#bot-steps" hx-select="#bot-steps" hx-swap="outerHTML" hx-confirm={t.plain("bot.delete_step_confirm")}>
            <CsrfField csrf={props.csrf} />
            <button type="submit" class="link danger-link">
              {t("common.delete")}
            </button>
          </form>
        </span>,
      ])}
    />
  );
}

export const DAY_KEYS: Record<string, MessageKey> = {
  mon: "bot.day.mon",
  tue: "bot.day.tue",
  wed: "bot.day.wed",
  thu: "bot.day.thu",
  fri: "bot.day.fri",
  sat: "bot.day.sat",
  sun: "bot.day.sun",
  holiday: "bot.day.holiday",
};

/** One line of what a step does, for the table. */
function summary(t: Translate, s: Step, o: BotOptions): string {
  const name = <X extends { id: number; name: string }>(list: X[], id: number | undefined) => list.find((x) => x.id === id)?.name ?? `#${id ?? "?"}`;
  switch (s.type) {
    case "say":
      return s.responseId ? `${t.plain("bot.response")}: ${name(o.responses, s.responseId)}` : short(s.text ?? "");
    case "schedule":
      return `${s.days.map((d) => t.plain(DAY_KEYS[d]!)).join(", ")} · ${s.start}–${s.end}`;
    case "menu":
      return `${short(s.text, 40)} · ${s.options.map((x, i) => `${i + 1}. ${x.title}${x.goTo ? ` → ${x.goTo}` : ""}`).join(" · ")}`;
    case "ask":
      return `${short(s.text, 50)} → ${o.fields.find((f) => f.key === s.field)?.label ?? s.field}`;
    case "condition":
      if (s.on === "tag") return `${t.plain("bot.on.tag")}: ${name(o.tags, s.tagId)}`;
      if (s.on === "channel") return `${t.plain("bot.on.channel")}: ${name(o.channels, s.channelId)}`;
      return `${s.on === "field" ? (o.fields.find((f) => f.key === s.field)?.label ?? s.field) : t.plain("bot.on.answer")} ${t.plain(`bot.op.${s.op ?? "equals"}` as MessageKey)} ${s.op === "empty" ? "" : `«${s.value ?? ""}»`}`.trim();
    case "tag":
      return `${s.action === "remove" ? "−" : "+"} ${name(o.tags, s.tagId)}`;
    case "transfer":
      return s.assigneeId ? `${t.plain("bot.agent")}: ${name(o.agents, s.assigneeId)}` : `${t.plain("bot.queue")}: ${name(o.queues, s.queueId)}`;
    case "ai":
      return short(s.instructions ?? t.plain("bot.type.ai")) + (s.maxTurns ? ` · ≤ ${s.maxTurns}` : "");
    case "http":
      return s.url;
    case "wait":
      return t.plain("bot.minutes_n", { n: s.minutes });
    case "goto":
      return `→ ${s.goTo}`;
    case "end":
      return short(s.text ?? "—");
  }
}

const FIELD_KEYS: Record<string, MessageKey> = {
  goIfYes: "bot.go_yes",
  goIfNo: "bot.go_no",
  goTo: "bot.go_to",
  label: "bot.label",
  priority: "bot.priority",
};

/** "Paso 2 (Horario) · Ir si: Etiqueta desconocida: SALUDAR". */
export function describeProblem(t: Translate, def: BotDefinition, path: string, message: string): string {
  const m = /^steps\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (!m) return message;
  const s = def.steps[Number(m[1])];
  const head = s ? t.plain("bot.step_named", { step: stepKey(s), type: t.plain(`bot.type.${s.type}` as MessageKey) }) : path;
  const field = m[2] && FIELD_KEYS[m[2]] ? `${t.plain(FIELD_KEYS[m[2]]!)}: ` : "";
  return `${head} · ${field}${message}`;
}

export function BotDeletePage(props: { ctx: PageContext; program: BotProgram; running: number }): JSX.Element {
  const { ctx, program } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("bot.delete_title")}>
      <section class="card narrow">
        <h1>{t("bot.delete_title")}</h1>
        <p safe>{t.plain("bot.delete_text", { name: program.name, n: props.running })}</p>
        <form method="post" action={`/admin/bots/${program.id}/delete`} class="row">
          <CsrfField csrf={ctx.csrf} />
          <button type="submit" class="danger">
            {t("common.delete")}
          </button>
          <a href="/admin/bots">{t("common.cancel")}</a>
        </form>
      </section>
    </Layout>
  );
}
