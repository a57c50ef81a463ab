import type { ActivityPoint } from "../../core/reports/report-service.ts";
import type { ReportRange } from "../../core/reports/report-range.ts";
import type { PageContext } from "../context.ts";
import { Table } from "../components/table.tsx";

/** The same chart drawn twice on the server: wide for desktops, narrow (bigger type) for phones; CSS shows one. */
export interface Charts {
  safeWide: string;
  safeNarrow: string;
}

/** Messages received and sent, conversations opened and finalized: totals, the chart, and the same numbers as a table. */
export function ActivityCard(props: { ctx: PageContext; range: ReportRange; points: ActivityPoint[]; labels: string[]; charts: Charts; qs: string }): JSX.Element {
  const { ctx, points } = props;
  const { t } = ctx;
  const { safeWide, safeNarrow } = props.charts;
  const total = { received: 0, sent: 0, opened: 0, closed: 0 };
  for (const p of points) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += p[k];
  return (
    <section class="card" id="activity">
      <div class="card-head">
        <h2>{t(props.range.bucket === "hour" ? "dashboard.activity_hourly" : "dashboard.activity_daily")}</h2>
        <a href={`/dashboard/export/activity.csv?${props.qs}`} class="csv-link" download="">
          {t("dashboard.csv")}
        </a>
      </div>
      <div class="kpis" id="totals">
        <div class="kpi">
          <span class="kpi-label">{t("dashboard.received")}</span>
          <strong data-total="received">{total.received}</strong>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t("dashboard.sent")}</span>
          <strong data-total="sent">{total.sent}</strong>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t("dashboard.opened")}</span>
          <strong data-total="opened">{total.opened}</strong>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t("dashboard.closed")}</span>
          <strong data-total="closed">{total.closed}</strong>
        </div>
      </div>
      <div class="chart-box">
        <div class="chart-wide">{safeWide}</div>
        <div class="chart-narrow">{safeNarrow}</div>
      </div>
      <details id="activity-table">
        <summary>{t("dashboard.as_table")}</summary>
        <Table
          t={t}
          head={[t(props.range.bucket === "hour" ? "dashboard.hour" : "dashboard.day"), t("dashboard.received"), t("dashboard.sent"), t("dashboard.opened"), t("dashboard.closed")]}
          rows={points.map((p, i) => [<span safe>{props.labels[i] ?? ""}</span>, <span>{p.received}</span>, <span>{p.sent}</span>, <span>{p.opened}</span>, <span>{p.closed}</span>])}
        />
      </details>
    </section>
  );
}
