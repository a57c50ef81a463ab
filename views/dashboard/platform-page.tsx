import { formatMoney } from "../../core/billing/money.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { ActivityPoint, CompanyOverview, ReportService } from "../../core/reports/report-service.ts";
import type { ReportRange } from "../../core/reports/report-range.ts";
import type { PageContext } from "../context.ts";
import type { FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { ActivityCard, type Charts } from "./activity-card.tsx";
import { RangeForm, rangeQuery } from "./range-form.tsx";

export type Overview = ReturnType<ReportService["overview"]>;

export interface PlatformData {
  range: ReportRange;
  form: { from: string; to: string };
  errors?: FieldErrors;
  points: ActivityPoint[];
  labels: string[];
  charts: Charts;
  overview: Overview;
}

/** The operator with no company selected: the platform's totals and every company with its balance. */
export function PlatformDashboardPage(props: { ctx: PageContext; data: PlatformData }): JSX.Element {
  const { ctx, data } = props;
  const { t } = ctx;
  const qs = rangeQuery(data.range, true);
  return (
    <Layout ctx={ctx} title={t.plain("dashboard.title")}>
      <div id="dash-sse" hx-sse:connect="/dashboard/stream?all=1" hx-swap="none"></div>
      <div class="page-head">
        <h1>{t("dashboard.platform_title")}</h1>
        {ctx.viewer!.companyName ? (
          <a href="/" id="company-dashboard">
            {t("dashboard.company_view", { company: ctx.viewer!.companyName })}
          </a>
        ) : (
          ""
        )}
      </div>
      <RangeForm ctx={ctx} range={data.range} from={data.form.from} to={data.form.to} errors={data.errors} all />
      <section class="card" id="companies">
        <div class="card-head">
          <h2>{t("dashboard.companies")}</h2>
          <a href={`/dashboard/export/companies.csv?${qs}`} class="csv-link" download="">
            {t("dashboard.csv")}
          </a>
        </div>
        <div id="live" hx-get={`/dashboard/live?${qs}`} hx-trigger="dashboard from:#dash-sse" hx-swap="innerMorph">
          <CompaniesTable t={t} overview={data.overview} />
        </div>
      </section>
      <ActivityCard ctx={ctx} range={data.range} points={data.points} labels={data.labels} charts={data.charts} qs={qs} />
    </Layout>
  );
}

export function CompaniesTable(props: { t: Translate; overview: Overview }): JSX.Element {
  const { t, overview } = props;
  const locale = t.lang === "en" ? "en-US" : "es-CO";
  const row = (c: CompanyOverview) => [
    <span safe>{c.name}</span>,
    <span class={c.balance <= 0 ? "negative" : undefined} safe>
      {formatMoney(c.balance, c.currency, locale)}
    </span>,
    <span>{c.received}</span>,
    <span>{c.sent}</span>,
    <span>{c.opened}</span>,
    <span>{c.unanswered}</span>,
    <span>{c.online}</span>,
  ];
  const totals = overview.totals;
  return (
    <Table
      t={t}
      id="companies-table"
      head={[t("dashboard.company"), t("dashboard.balance"), t("dashboard.received"), t("dashboard.sent"), t("dashboard.opened"), t("dashboard.unanswered_short"), t("dashboard.online")]}
      rows={[
        ...overview.companies.map(row),
        ...(overview.companies.length > 1
          ? [
              [
                <strong>{t("dashboard.platform_total")}</strong>,
                <span>—</span>,
                <strong>{totals.received}</strong>,
                <strong>{totals.sent}</strong>,
                <strong>{totals.opened}</strong>,
                <strong>{totals.unanswered}</strong>,
                <strong>{totals.online}</strong>,
              ],
            ]
          : []),
      ]}
      empty={t("dashboard.no_companies")}
    />
  );
}
