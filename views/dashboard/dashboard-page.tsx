import type { ActivityPoint, BotReport, TimesReport } from "../../core/reports/report-service.ts";
import type { ChannelActivity } from "../../core/reports/report-repository.ts";
import type { ReportRange } from "../../core/reports/report-range.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import type { FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { SetupChecklist, type SetupStep } from "../pages/setup-checklist.tsx";
import { ActivityCard, type Charts } from "./activity-card.tsx";
import { LivePanels, type LiveData } from "./live-panels.tsx";
import { formatDuration, percent } from "./format.ts";
import { RangeForm, rangeQuery } from "./range-form.tsx";

export interface DashboardData {
  range: ReportRange;
  /** What the Desde / Hasta inputs show (as typed, when refused). */
  form: { from: string; to: string };
  errors?: FieldErrors;
  points: ActivityPoint[];
  labels: string[];
  charts: Charts;
  live: LiveData;
  times: TimesReport;
  channels: ChannelActivity[];
  bot: BotReport;
  steps: SetupStep[] | null;
}

/** "Gráfico de reportes": the company's first page for admins and supervisors. */
export function DashboardPage(props: { ctx: PageContext; data: DashboardData }): JSX.Element {
  const { ctx, data } = props;
  const { t } = ctx;
  const qs = rangeQuery(data.range);
  return (
    <Layout ctx={ctx} title={t.plain("dashboard.title")}>
      <div id="dash-sse" hx-sse:connect="/dashboard/stream" hx-swap="none"></div>
      <div class="page-head">
        <h1>{t("dashboard.title")}</h1>
        {ctx.viewer!.role === "operator" ? (
          <a href="/?all=1" id="all-companies">
            {t("dashboard.all_companies")}
          </a>
        ) : (
          ""
        )}
      </div>
      {data.steps && data.steps.some((s) => !s.done) ? <SetupChecklist t={t} steps={data.steps} /> : ""}
      <RangeForm ctx={ctx} range={data.range} from={data.form.from} to={data.form.to} errors={data.errors} />
      <LivePanels ctx={ctx} data={data.live} qs={qs} />
      <ActivityCard ctx={ctx} range={data.range} points={data.points} labels={data.labels} charts={data.charts} qs={qs} />
      <TimesCard ctx={ctx} times={data.times} qs={qs} />
      <div class="dash-grid">
        <ChannelsCard ctx={ctx} channels={data.channels} qs={qs} />
        <BotCard ctx={ctx} bot={data.bot} qs={qs} />
      </div>
    </Layout>
  );
}

function CardHead(props: { ctx: PageContext; title: MessageKey; csv: string }): JSX.Element {
  const { t } = props.ctx;
  return (
    <div class="card-head">
      <h2>{t(props.title)}</h2>
      <a href={props.csv} class="csv-link" download="">
        {t("dashboard.csv")}
      </a>
    </div>
  );
}

function TimesCard(props: { ctx: PageContext; times: TimesReport; qs: string }): JSX.Element {
  const { ctx, times } = props;
  const { t } = ctx;
  const rows = (list: TimesReport["byQueue"], none: MessageKey) =>
    list.map((r) => [
      <span safe>{r.name ?? t.plain(none)}</span>,
      <span safe>{formatDuration(r.firstResponse.median)}</span>,
      <span safe>{formatDuration(r.firstResponse.p90)}</span>,
      <span safe>{formatDuration(r.resolution.median)}</span>,
      <span safe>{formatDuration(r.resolution.p90)}</span>,
      <span>{r.resolution.count}</span>,
    ]);
  const head = (first: MessageKey) => [t(first), t("dashboard.first_median"), t("dashboard.first_p90"), t("dashboard.resolution_median"), t("dashboard.resolution_p90"), t("dashboard.finalized")];
  return (
    <section class="card" id="times">
      <div class="card-head">
        <h2>{t("dashboard.times")}</h2>
      </div>
      <div class="kpis">
        <div class="kpi">
          <span class="kpi-label">{t("dashboard.first_response")}</span>
          <strong id="first-median" safe>{formatDuration(times.overall.firstResponse.median)}</strong>
          <small class="muted">{t("dashboard.p90_is", { value: formatDuration(times.overall.firstResponse.p90) })}</small>
        </div>
        <div class="kpi">
          <span class="kpi-label">{t("dashboard.resolution")}</span>
          <strong id="resolution-median" safe>{formatDuration(times.overall.resolution.median)}</strong>
          <small class="muted">{t("dashboard.p90_is", { value: formatDuration(times.overall.resolution.p90) })}</small>
        </div>
      </div>
      <p class="muted small">{t("dashboard.times_help")}</p>
      <CardHead ctx={ctx} title="dashboard.by_queue" csv={`/dashboard/export/queues.csv?${props.qs}`} />
      <Table t={t} id="times-queues" head={head("dashboard.queue")} rows={rows(times.byQueue, "dashboard.no_queue")} empty={t("dashboard.no_data")} />
      <CardHead ctx={ctx} title="dashboard.by_agent" csv={`/dashboard/export/agents-times.csv?${props.qs}`} />
      <Table t={t} id="times-agents" head={head("dashboard.agent")} rows={rows(times.byAgent, "dashboard.no_agent")} empty={t("dashboard.no_data")} />
    </section>
  );
}

function ChannelsCard(props: { ctx: PageContext; channels: ChannelActivity[]; qs: string }): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <section class="card" id="channels">
      <CardHead ctx={ctx} title="dashboard.channels" csv={`/dashboard/export/channels.csv?${props.qs}`} />
      <Table
        t={t}
        id="channels-table"
        head={[t("dashboard.channel"), t("dashboard.opened"), t("dashboard.received"), t("dashboard.sent")]}
        rows={props.channels.map((c) => [<span safe>{c.name ?? t.plain("dashboard.removed_channel")}</span>, <span>{c.opened}</span>, <span>{c.received}</span>, <span>{c.sent}</span>])}
        empty={t("dashboard.no_data")}
      />
    </section>
  );
}

/** Why a bot handed over ('bot': a program's hand-off step or its end; 'ai.<reason>': the AI's triggers). */
const HANDOFF_KEYS: Record<string, MessageKey> = {
  bot: "dashboard.reason.bot",
  "ai.customer_asked": "dashboard.reason.customer_asked",
  "ai.tool": "dashboard.reason.tool",
  "ai.turns": "dashboard.reason.turns",
  "ai.budget": "dashboard.reason.budget",
  "ai.balance": "dashboard.reason.balance",
  "ai.error": "dashboard.reason.error",
  "ai.disabled": "dashboard.reason.disabled",
  "ai.empty": "dashboard.reason.empty",
};

function BotCard(props: { ctx: PageContext; bot: BotReport; qs: string }): JSX.Element {
  const { ctx, bot } = props;
  const { t } = ctx;
  const reason = (r: string) => (r in HANDOFF_KEYS ? t.plain(HANDOFF_KEYS[r]!) : r);
  return (
    <section class="card" id="bot">
      <CardHead ctx={ctx} title="dashboard.bot" csv={`/dashboard/export/handoffs.csv?${props.qs}`} />
      <div class="kpi">
        <span class="kpi-label">{t("dashboard.containment")}</span>
        <strong id="containment" safe>{percent(bot.containment, t.lang)}</strong>
        <small class="muted">{t("dashboard.containment_of", { contained: bot.contained, finished: bot.finished })}</small>
      </div>
      <Table t={t} id="handoffs" head={[t("dashboard.handoff_reason"), t("dashboard.count")]} rows={bot.handoffs.map((h) => [<span safe>{reason(h.reason)}</span>, <span>{h.count}</span>])} empty={t("dashboard.no_handoffs")} />
    </section>
  );
}
