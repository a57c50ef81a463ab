import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import { can, type Viewer } from "../auth/access.ts";
import { AppError, found } from "../errors.ts";
import { csvResponse, toCsv } from "../http/csv-response.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import type { Renderer } from "../http/render.ts";
import { translator } from "../i18n/index.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { DashboardPage } from "../../views/dashboard/dashboard-page.tsx";
import { bucketLabel } from "../../views/dashboard/format.ts";
import { LiveContent } from "../../views/dashboard/live-panels.tsx";
import { CompaniesTable, PlatformDashboardPage } from "../../views/dashboard/platform-page.tsx";
import type { SetupStep } from "../../views/pages/setup-checklist.tsx";
import type { FieldErrors } from "../../views/components/fields.tsx";
import { activityChartSvg } from "./activity-chart.ts";
import type { DashboardHub } from "./dashboard-hub.ts";
import { dashboardCsv } from "./dashboard-csv.ts";
import type { ReportRange } from "./report-range.ts";
import type { ReportService } from "./report-service.ts";

type RangeQuery = { preset?: string; from?: string; to?: string; all?: string };

/** Whose figures: the viewer's company, or (the operator asking for ?all=1, or with none selected) every company. */
function scopeOf(viewer: Viewer, query: RangeQuery): number | null {
  return viewer.role === "operator" && query.all === "1" ? null : viewer.companyId;
}

/**
 * "/" for admins, supervisors and the operator: the dashboard (agents land in the
 * inbox). Its live block, its stream, and a CSV of every table.
 */
@injectable()
export class DashboardRoutes {
  constructor(
    @inject(T.ReportService) private readonly reports: ReportService,
    @inject(T.DashboardHub) private readonly hub: DashboardHub,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, query }) => {
          // Agents work in the inbox: that is where they land.
          if (!can(viewer, "reports")) return this.render.redirect("/inbox");
          return this.page(request, viewer, query);
        },
        { panel: "panel" },
      )
      .get(
        "/dashboard/live",
        ({ viewer, query }) => {
          const t = translator(viewer.language);
          const companyId = scopeOf(viewer, query);
          if (companyId === null) return html(<CompaniesTable t={t} overview={this.reports.overview(this.rangeOrToday(null, query).range)} />);
          return html(<LiveContent t={t} data={this.live(companyId)} />);
        },
        { panel: "reports" },
      )
      .get("/dashboard/stream", ({ request, viewer, query }) => this.hub.connect(viewer, scopeOf(viewer, query), request.signal), { panel: "reports" })
      .get(
        "/dashboard/export/:file",
        ({ viewer, params, query }) => {
          const table = params.file.replace(/\.csv$/, "");
          const companyId = scopeOf(viewer, query);
          const range = this.reports.range(companyId, query);
          const rows = found(dashboardCsv(this.reports, table, companyId, range));
          const slug = companyId !== null ? (this.companies.get(companyId)?.slug ?? "empresa") : "plataforma";
          return csvResponse(toCsv(rows), `${slug}-${table}-${range.fromDate}_${range.toDate}.csv`);
        },
        { panel: "reports" },
      );
  }

  private page(request: Request, viewer: Viewer, query: RangeQuery): Response {
    const scope = scopeOf(viewer, query);
    const { range, errors } = this.rangeOrToday(scope, query);
    const form = { from: errors ? String(query.from ?? "") : range.fromDate, to: errors ? String(query.to ?? "") : range.toDate };
    const points = this.reports.activity(scope, range);
    const labels = points.map((p) => bucketLabel(p.start, viewer.language, range.timeZone, range.bucket));
    const t = translator(viewer.language);
    const text = { title: t.plain("dashboard.chart_title"), received: t.plain("dashboard.received"), sent: t.plain("dashboard.sent"), opened: t.plain("dashboard.opened"), closed: t.plain("dashboard.closed") };
    const charts = { safeWide: activityChartSvg(points, labels, text, { width: 960, height: 300 }), safeNarrow: activityChartSvg(points, labels, text, { width: 360, height: 280 }) };
    const status = errors ? 422 : 200;
    if (scope === null) {
      const data = { range, form, errors, points, labels, charts, overview: this.reports.overview(range) };
      return this.render.page(request, viewer, (ctx) => <PlatformDashboardPage ctx={ctx} data={data} />, status);
    }
    const companyId = scope;
    const data = {
      range,
      form,
      errors,
      points,
      labels,
      charts,
      live: this.live(companyId),
      times: this.reports.times(companyId, range),
      channels: this.reports.channels(companyId, range),
      bot: this.reports.bot(companyId, range),
      steps: viewer.role === "supervisor" ? null : setupSteps(this.companies.setupProgress(companyId)),
    };
    return this.render.page(request, viewer, (ctx) => <DashboardPage ctx={ctx} data={data} />, status);
  }

  /** The range asked for; a refused one falls back to today with the form's errors shown. */
  private rangeOrToday(companyId: number | null, query: RangeQuery): { range: ReportRange; errors?: FieldErrors } {
    try {
      return { range: this.reports.range(companyId, query) };
    } catch (e) {
      if (!(e instanceof AppError) || Object.keys(e.fields).length === 0) throw e;
      return { range: this.reports.range(companyId, {}), errors: e.fields as FieldErrors };
    }
  }

  private live(companyId: number) {
    return { unanswered: this.reports.unanswered(companyId), agents: this.reports.agents(companyId) };
  }
}

/** The setup checklist: a queue, an agent, a channel that routes to a queue, someone Conectado. */
function setupSteps(p: { queues: number; agents: number; routedChannels: number; connected: number }): SetupStep[] {
  return [
    { key: "queue", done: p.queues > 0, href: "/admin/queues/new" },
    { key: "agent", done: p.agents > 0, href: "/admin/users/new" },
    { key: "channel", done: p.routedChannels > 0, href: "/admin/channels" },
    { key: "online", done: p.connected > 0, href: "/inbox" },
  ];
}
