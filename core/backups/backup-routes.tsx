import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { BackupLive, BackupsPage, type BackupsData } from "../../views/admin/backups.tsx";
import type { BackupService } from "./backup-service.ts";
import type { ReplicationSupervisor } from "./replication-supervisor.ts";

/**
 * "Copias de seguridad": platform data (every company's), so the operator's only.
 * A backup file is the whole database: its download is guarded like the page.
 */
@injectable()
export class BackupRoutes {
  constructor(
    @inject(T.BackupService) private readonly backups: BackupService,
    @inject(T.ReplicationSupervisor) private readonly replication: ReplicationSupervisor,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/backups" })
      .use(this.guard.plugin)
      .get("/", ({ request, viewer }) => this.render.page(request, viewer, (ctx) => <BackupsPage ctx={ctx} data={this.data(viewer)} />), { panel: "platform" })
      .get("/live", ({ request, viewer }) => this.render.page(request, viewer, (ctx) => <BackupLive t={ctx.t} data={this.data(viewer)} />), { panel: "platform" })
      .post(
        "/",
        () => {
          this.backups.startNow();
          return this.render.redirect("/admin/backups", { kind: "ok", key: "backup.started" });
        },
        { panel: "platform" },
      )
      .get(
        "/:name",
        ({ params }) => {
          // Only a name from the folder's own listing reaches the disk: no path is built from the URL.
          const file = this.backups.file(params.name);
          return new Response(Bun.file(file.path), {
            headers: {
              "content-type": "application/vnd.sqlite3",
              "content-disposition": `attachment; filename="${file.name}"`,
              "content-length": String(file.size),
              "cache-control": "no-store",
            },
          });
        },
        { panel: "platform" },
      );
  }

  private data(viewer: Viewer): BackupsData {
    const timeZone = viewer.companyId !== null ? (this.companies.get(viewer.companyId)?.timeZone ?? "UTC") : "UTC";
    return { backups: this.backups.status(), replication: this.replication.status(), now: this.clock.now(), timeZone };
  }
}
