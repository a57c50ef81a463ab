import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Config } from "../config.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import { ChannelsPage } from "../../views/admin/channels.tsx";
import type { PluginRegistry } from "./registry.ts";

/** "Canales": the plugins this appliance can use. Load failures and paths are for the operator only. */
@injectable()
export class ChannelRoutes {
  constructor(
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
    @inject(T.Config) private readonly config: Config,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia().use(this.guard.plugin).get(
      "/admin/channels",
      ({ request, viewer }) => {
        const operator = viewer.role === "operator";
        return this.render.page(request, viewer, (ctx) => (
          <ChannelsPage
            ctx={ctx}
            plugins={this.registry.list()}
            failed={operator ? this.registry.failed() : []}
            pluginsDir={operator ? this.config.pluginsDir : null}
          />
        ));
      },
      { panel: "company.admin" },
    );
  }
}
