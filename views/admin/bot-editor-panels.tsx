import type { StepAnalytics } from "../../core/bot/bot-service.ts";
import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import { CsrfField } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import type { EditorData } from "./bots.tsx";

/** The editor's side panels: the year's holidays, step analytics, and "Probar". */
export function Holidays(props: { t: Translate; csrf: string; id: number; data: EditorData["holidays"] }): JSX.Element {
  const { t, data } = props;
  return (
    <section class="card" id="bot-holidays">
      <div class="page-head">
        <h2>{t("bot.holidays_title", { year: data.year, country: data.country })}</h2>
        <span class="row">
          <a href={`/admin/bots/${props.id}?year=${data.year - 1}#bot-holidays`} safe>{`← ${data.year - 1}`}</a>
          <a href={`/admin/bots/${props.id}?year=${data.year + 1}#bot-holidays`} safe>{`${data.year + 1} →`}</a>
        </span>
      </div>
      <p class="help">{t("bot.holidays_help")}</p>
      <Table
        t={t}
        id="holidays"
        empty={t("bot.no_holidays")}
        head={[t("bot.date"), t("bot.holiday_name"), t("common.actions")]}
        rows={data.list.map((h) => [
          h.excluded ? (
            <del safe>{h.date}</del>
          ) : (
            <span safe>{h.date}</span>
          ),
          <span safe>{h.source === "extra" ? t.plain("bot.extra_date") : h.name}</span>,
          h.source === "library" ? (
            <form method="post" action={`/admin/bots/${props.id}/holidays`} class="inline">
              <CsrfField csrf={props.csrf} />
              <input type="hidden" name="date" value={h.date} />
              <input type="hidden" name="observe" value={h.excluded ? "1" : "0"} />
              <button type="submit" class="link">
                {t(h.excluded ? "bot.observe" : "bot.strike")}
              </button>
            </form>
          ) : (
            <span class="muted">{t("bot.extra_date")}</span>
          ),
        ])}
      />
    </section>
  );
}

export function Analytics(props: { t: Translate; id: number; data: StepAnalytics; days: number }): JSX.Element {
  const { t, data } = props;
  return (
    <section class="card" id="bot-analytics">
      <div class="page-head">
        <h2>{t("bot.analytics", { days: props.days })}</h2>
        <span class="row">
          {[7, 30].map((d) => (
            <a href={`/admin/bots/${props.id}?days=${d}#bot-analytics`} class={d === props.days ? "active" : undefined}>
              {t("bot.last_days", { days: d })}
            </a>
          ))}
        </span>
      </div>
      <p class="muted">{t("bot.started_n", { n: data.started })}</p>
      <Table t={t} head={[t("bot.step"), t("bot.type"), t("bot.reached")]} rows={data.steps.map((s) => [<code safe>{s.key}</code>, <span>{t(`bot.type.${s.type}` as MessageKey)}</span>, <span safe>{String(s.reached)}</span>])} />
      <h3>{t("bot.exits")}</h3>
      <Table
        t={t}
        empty={t("common.empty")}
        head={[t("bot.step"), t("bot.outcome"), t("bot.conversations")]}
        rows={data.exits.map((e) => [<code safe>{e.step ?? "—"}</code>, <span>{t(`bot.outcome.${e.outcome ?? "running"}` as MessageKey)}</span>, <span safe>{String(e.n)}</span>])}
      />
    </section>
  );
}

/** "Probar": a chat that runs the program without a channel, at a chosen date and time. */
export function TryPanel(props: { t: Translate; csrf: string; id: number; data: EditorData }): JSX.Element {
  const { t, data } = props;
  const r = data.tryout;
  const action = `/admin/bots/${props.id}/try`;
  return (
    <aside class="card bot-try" id="bot-try">
      <h2>{t("bot.try")}</h2>
      <form method="post" action={action} hx-post={action} hx-target="#bot-try" hx-select="#bot-try" hx-swap="outerHTML" id="try-form">
        <CsrfField csrf={props.csrf} />
        <input type="hidden" name="session" value={r && !r.done ? r.session : ""} />
        <div class="row wrap">
          <label class="field">
            <span class="label">{t("bot.try_source")}</span>
            <select name="source">
              <option value="draft" selected={(r?.source ?? "draft") === "draft"}>
                {t("bot.try_draft")}
              </option>
              <option value="published" selected={r?.source === "published"}>
                {t("bot.try_published")}
              </option>
            </select>
          </label>
          <label class="field">
            <span class="label">{t("bot.try_at", { tz: data.timeZone })}</span>
            <input type="datetime-local" name="at" value={data.tryAt} />
          </label>
        </div>
        <ol class="try-log" aria-live="polite">
          {(r?.transcript ?? []).map((x) => (
            <li class={`try-${x.from}`}>
              <span class="try-text" safe>
                {x.text}
              </span>
              {x.step ? <span class="try-step" safe>{t.plain("bot.try_step", { step: x.step })}</span> : ""}
            </li>
          ))}
          {r?.done ? <li class="try-event">{t("bot.try_done")}</li> : ""}
        </ol>
        {r && !r.done && r.step ? <p class="muted">{t("bot.try_waiting", { step: r.step })}</p> : ""}
        <label class="field">
          <span class="sr-only">{t("bot.try_message")}</span>
          <input type="text" name="text" maxlength="4096" placeholder={t.plain("bot.try_placeholder")} autocomplete="off" />
        </label>
        <div class="row wrap">
          <button type="submit" class="primary" id="try-send">
            {t(r && !r.done ? "bot.try_send" : "bot.try_start")}
          </button>
          {r && !r.done ? (
            <button type="submit" name="timeout" value="1" class="link">
              {t("bot.try_timeout")}
            </button>
          ) : (
            ""
          )}
          {r ? (
            <button type="submit" name="restart" value="1" class="link">
              {t("bot.try_restart")}
            </button>
          ) : (
            ""
          )}
        </div>
      </form>
    </aside>
  );
}

