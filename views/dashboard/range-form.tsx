import type { Preset, ReportRange } from "../../core/reports/report-range.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { TextField, type FieldErrors } from "../components/fields.tsx";

const PRESET_KEYS: Record<Exclude<Preset, "custom">, MessageKey> = { today: "dashboard.today", week: "dashboard.week", month: "dashboard.month" };

/** The query string that keeps the chosen range (preset links, exports, live panels). */
export function rangeQuery(range: ReportRange, all = false): string {
  const q = range.preset === "custom" ? `preset=custom&from=${range.fromDate}&to=${range.toDate}` : `preset=${range.preset}`;
  return all ? `all=1&${q}` : q;
}

/** Hoy / Semana / Mes, or Desde–Hasta (calendar days in the company's time zone). */
export function RangeForm(props: { ctx: PageContext; range: ReportRange; from: string; to: string; errors?: FieldErrors; all?: boolean }): JSX.Element {
  const { t } = props.ctx;
  const base = props.all ? "/?all=1&" : "/?";
  return (
    <div class="range-bar" id="range">
      <nav class="segmented" aria-label={t.plain("dashboard.range")}>
        {(Object.keys(PRESET_KEYS) as (keyof typeof PRESET_KEYS)[]).map((p) => (
          <a href={`${base}preset=${p}`} class={props.range.preset === p ? "active" : undefined} aria-current={props.range.preset === p ? "page" : undefined} data-preset={p}>
            {t(PRESET_KEYS[p])}
          </a>
        ))}
      </nav>
      <form method="get" action="/" class="row" id="range-form" novalidate>
        <input type="hidden" name="preset" value="custom" />
        {props.all ? <input type="hidden" name="all" value="1" /> : ""}
        <TextField t={t} name="from" label="dashboard.from" type="date" value={props.from} errors={props.errors} />
        <TextField t={t} name="to" label="dashboard.to" type="date" value={props.to} errors={props.errors} />
        <button type="submit">{t("dashboard.apply")}</button>
      </form>
    </div>
  );
}
