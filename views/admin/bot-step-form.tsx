import { DAYS, STEP_TYPES, type BotProgram, type StepType } from "../../core/bot/program.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";
import { DAY_KEYS, type BotOptions } from "./bots.tsx";

export interface StepFormValues {
  [key: string]: string | string[];
}

/** One step's form: priority, label, type (switching it reloads the form), the type's settings, Ir si / Ir no. */
export function StepFormPage(props: { ctx: PageContext; program: BotProgram; index: number | null; type: StepType; values: StepFormValues; options: BotOptions; labels: string[]; errors?: FieldErrors }): JSX.Element {
  const { ctx, program, type, values: v, options: o, errors } = props;
  const { t } = ctx;
  const base = props.index === null ? `/admin/bots/${program.id}/steps` : `/admin/bots/${program.id}/steps/${props.index}`;
  const val = (k: string) => (Array.isArray(v[k]) ? (v[k] as string[]).join(",") : ((v[k] as string | undefined) ?? ""));
  const list = (k: string) => (Array.isArray(v[k]) ? (v[k] as string[]) : v[k] ? [v[k] as string] : []);
  const select = (name: string, label: MessageKey, items: { value: string; label: string }[], help?: MessageKey) => (
    <label class={errors?.[name] ? "field invalid" : "field"}>
      <span class="label">{t(label)}</span>
      <select name={name}>
        {items.map((x) => (
          <option value={x.value} selected={val(name) === x.value} safe>
            {x.label}
          </option>
        ))}
      </select>
      {help ? <span class="help">{t(help)}</span> : ""}
      {errors?.[name] ? <span class="field-error">{t.field(errors[name]!)}</span> : ""}
    </label>
  );
  const area = (name: string, label: MessageKey, help?: MessageKey, rows = 4) => (
    <label class={errors?.[name] ? "field invalid" : "field"}>
      <span class="label">{t(label)}</span>
      <textarea name={name} rows={String(rows)} maxlength="4096" safe>
        {val(name)}
      </textarea>
      {help ? <span class="help">{t(help)}</span> : ""}
      {errors?.[name] ? <span class="field-error">{t.field(errors[name]!)}</span> : ""}
    </label>
  );
  const none = { value: "", label: "—" };
  const title = props.index === null ? t.plain("bot.add_step") : t.plain("bot.edit_step");
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <p class="muted" safe>
          {program.name}
        </p>
        <form method="get" action={props.index === null ? `/admin/bots/${program.id}/steps/new` : `${base}/edit`} class="row">
          <label class="field grow">
            <span class="label">{t("bot.type")}</span>
            <select name="type" data-autosubmit id="step-type">
              {STEP_TYPES.map((x) => (
                <option value={x} selected={x === type}>
                  {t(`bot.type.${x}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <noscript>
            <button type="submit">{t("bot.change_type")}</button>
          </noscript>
        </form>
        <p class="help">{t(`bot.type_help.${type}` as MessageKey)}</p>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={base} id="step-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <input type="hidden" name="type" value={type} />
          <div class="row wrap">
            <TextField t={t} name="priority" label="bot.priority" type="number" value={val("priority")} errors={errors} required />
            <TextField t={t} name="label" label="bot.label" value={val("label")} errors={errors} maxlength={40} help="bot.label_help" />
          </div>
          {type === "say" ? (
            <>
              {area("text", "bot.text", "bot.say_help")}
              {select("responseId", "bot.response", [none, ...o.responses.map((r) => ({ value: String(r.id), label: r.name }))])}
            </>
          ) : type === "schedule" ? (
            <>
              <fieldset class={errors?.days ? "field invalid" : "field"}>
                <legend class="label">{t("bot.days")}</legend>
                <span class="row wrap">
                  {DAYS.map((d) => (
                    <label class="check">
                      <input type="checkbox" name="days" value={d} checked={list("days").includes(d)} />
                      <span>{t(DAY_KEYS[d]!)}</span>
                    </label>
                  ))}
                </span>
                {errors?.days ? <span class="field-error">{t.field(errors.days)}</span> : ""}
              </fieldset>
              <div class="row wrap">
                <TextField t={t} name="start" label="bot.start" value={val("start")} errors={errors} help="bot.time_help" />
                <TextField t={t} name="end" label="bot.end" value={val("end")} errors={errors} />
              </div>
            </>
          ) : type === "menu" ? (
            <>
              {area("text", "bot.question")}
              {area("options", "bot.options", "bot.options_help", 5)}
              <TextField t={t} name="retries" label="bot.retries" type="number" value={val("retries")} errors={errors} help="bot.retries_help" />
            </>
          ) : type === "ask" ? (
            <>
              {area("text", "bot.question")}
              {select("field", "bot.field", [none, ...o.fields.map((f) => ({ value: f.key, label: f.label }))], "bot.ask_help")}
              <TextField t={t} name="retries" label="bot.retries" type="number" value={val("retries")} errors={errors} />
            </>
          ) : type === "condition" ? (
            <>
              {select("on", "bot.condition_on", ["field", "tag", "channel", "answer"].map((x) => ({ value: x, label: t.plain(`bot.on.${x}` as MessageKey) })))}
              {select("field", "bot.field", [none, ...o.fields.map((f) => ({ value: f.key, label: f.label }))])}
              {select("op", "bot.op", ["empty", "equals", "contains"].map((x) => ({ value: x, label: t.plain(`bot.op.${x}` as MessageKey) })))}
              <TextField t={t} name="value" label="bot.value" value={val("value")} errors={errors} maxlength={200} />
              {select("tagId", "bot.tag", [none, ...o.tags.map((x) => ({ value: String(x.id), label: x.name }))])}
              {select("channelId", "bot.channel", [none, ...o.channels.map((x) => ({ value: String(x.id), label: x.name }))])}
            </>
          ) : type === "tag" ? (
            <>
              {select("tagId", "bot.tag", [none, ...o.tags.map((x) => ({ value: String(x.id), label: x.name }))])}
              {select("action", "bot.tag_action", [
                { value: "add", label: t.plain("bot.tag_add") },
                { value: "remove", label: t.plain("bot.tag_remove") },
              ])}
            </>
          ) : type === "transfer" ? (
            select("target", "bot.transfer_to", [none, ...o.queues.map((q) => ({ value: `queue:${q.id}`, label: `${t.plain("bot.queue")}: ${q.name}` })), ...o.agents.map((a) => ({ value: `agent:${a.id}`, label: `${t.plain("bot.agent")}: ${a.name}` }))])
          ) : type === "ai" ? (
            <>
              {area("instructions", "bot.ai_instructions", "bot.ai_help")}
              <TextField t={t} name="maxTurns" label="bot.max_turns" type="number" value={val("maxTurns")} errors={errors} />
            </>
          ) : type === "http" ? (
            <>
              <TextField t={t} name="url" label="bot.url" value={val("url")} errors={errors} maxlength={500} help="bot.http_help" />
              <TextField t={t} name="timeoutSeconds" label="bot.http_timeout" type="number" value={val("timeoutSeconds")} errors={errors} />
              {area("map", "bot.http_map", "bot.http_map_help", 3)}
            </>
          ) : type === "wait" ? (
            <TextField t={t} name="minutes" label="bot.wait_minutes" type="number" value={val("minutes")} errors={errors} />
          ) : type === "goto" ? (
            <TextField t={t} name="goTo" label="bot.go_to" value={val("goTo")} errors={errors} data={{ "data-list": "bot-labels" }} />
          ) : (
            area("text", "bot.end_text", "bot.end_help")
          )}
          {type !== "transfer" && type !== "end" && type !== "goto" ? (
            <div class="row wrap">
              <TextField t={t} name="goIfYes" label="bot.go_yes" value={val("goIfYes")} errors={errors} maxlength={40} help={type === "say" || type === "tag" || type === "wait" ? "bot.go_then_help" : "bot.go_help"} />
              {type !== "say" && type !== "tag" && type !== "wait" ? <TextField t={t} name="goIfNo" label="bot.go_no" value={val("goIfNo")} errors={errors} maxlength={40} /> : ""}
            </div>
          ) : (
            ""
          )}
          <p class="help">
            {t("bot.labels_known")} <code safe>{props.labels.join(" · ") || "—"}</code>
          </p>
          <div class="row">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href={`/admin/bots/${program.id}`}>{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

