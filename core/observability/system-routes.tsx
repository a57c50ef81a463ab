import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { Config } from "../config.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import type { Renderer } from "../http/render.ts";
import { translator } from "../i18n/index.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { PLATFORM_TIME_ZONE } from "../tenancy/company.ts";
import { T } from "../tokens.ts";
import { SystemFigures, SystemStatusPage, type SystemStatusData } from "../../views/admin/system-status.tsx";
import { summarize } from "./system-summary.ts";
import type { SystemStatus } from "./system-status.ts";

/** "Estado del sistema": the operator's page of the figures /metrics publishes. */
@injectable()
export class SystemRoutes {
  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.SystemStatus) private readonly status: SystemStatus,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/system" })
      .use(this.guard.plugin)
      .get("/", ({ request, viewer }) => this.render.page(request, viewer, (ctx) => <SystemStatusPage ctx={ctx} data={this.data(viewer)} />), { panel: "platform" })
      .get("/live", ({ viewer }) => html(<SystemFigures t={translator(viewer.language)} data={this.data(viewer)} />), { panel: "platform" });
  }

  private data(viewer: Viewer): SystemStatusData {
    const figures = this.status.figures();
    const zone = (viewer.companyId !== null ? this.companies.get(viewer.companyId)?.timeZone : undefined) ?? PLATFORM_TIME_ZONE;
    const updatedAt = new Intl.DateTimeFormat(viewer.language, { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: zone }).format(figures.at);
    return { summary: summarize(figures), metricsOn: this.config.metricsToken !== "", updatedAt };
  }
}
