import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import { SettingsHomePage } from "../../views/admin/settings-home.tsx";

/** "Configuración": the index of the company's settings. */
@injectable()
export class SettingsRoutes {
  constructor(
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get("/admin", ({ request, viewer }) => this.render.page(request, viewer, (ctx) => <SettingsHomePage ctx={ctx} />), { panel: "company.admin" });
  }
}
