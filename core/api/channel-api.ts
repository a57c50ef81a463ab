import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { ChannelService } from "../channels/channel-service.ts";
import type { ChannelSetup } from "../channels/channel-setup.ts";
import type { Guard } from "../http/guard-provider.ts";
import { API_PAGE_SIZE } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { channelJson } from "./serializers.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
/**
 * Settings: a flat object of the plugin's fields (strings, numbers, booleans). Checked
 * by ChannelService, not by an Elysia record schema, which would turn "AAAA" into
 * {"0":"A",...} instead of refusing it.
 */
const Config = t.Unknown({ description: "Object of the plugin's settings (see CONTRACT.md): strings, numbers and booleans" });
const Name = t.String({ minLength: 1, maxLength: 60 });

/** `/api/v1/channels`: secret settings are write-only (answers show them masked). */
@injectable()
export class ChannelApi {
  constructor(
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelSetup) private readonly channelSetup: ChannelSetup,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1/channels" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ scope, query }) => {
          const rows = this.channelService.slice(scope, query.cursor ?? 0, API_PAGE_SIZE);
          return { data: rows.map(channelJson), next: rows.length === API_PAGE_SIZE ? rows[rows.length - 1]!.id : null };
        },
        { api: "read", query: t.Object({ cursor: t.Optional(t.Numeric({ minimum: 0 })) }), detail: { summary: "List channels", tags: ["channels"] } },
      )
      .get("/:id", ({ scope, params }) => channelJson(this.channelService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: { summary: "Get a channel", tags: ["channels"] },
      })
      .post(
        "/",
        async ({ scope, body, set }) => {
          const c = await this.channelSetup.create(scope, body.plugin, {
            name: body.name,
            queueId: body.queueId ?? null,
            reopenWindowMinutes: body.reopenWindowMinutes ?? 0,
            config: body.config ?? {},
          });
          set.status = 201;
          return channelJson(c);
        },
        {
          api: "write",
          body: t.Object({
            plugin: t.String({ maxLength: 40 }),
            name: Name,
            config: t.Optional(Config),
            queueId: t.Optional(Int({ minimum: 1 })),
            reopenWindowMinutes: t.Optional(Int({ minimum: 0, maximum: 43_200 })),
          }),
          detail: {
            summary: "Create a channel (webchat needs no config). The plugin checks the settings first: 422 plugin_refused says why it will not start.",
            tags: ["channels"],
          },
        },
      )
      .patch(
        "/:id",
        async ({ scope, params, body }) => {
          const c = this.channelService.get(scope, params.id);
          if (body.name !== undefined || body.config !== undefined || body.queueId !== undefined || body.reopenWindowMinutes !== undefined) {
            await this.channelSetup.update(scope, c.id, {
              name: body.name ?? c.name,
              queueId: body.queueId === undefined ? c.queueId : body.queueId,
              reopenWindowMinutes: body.reopenWindowMinutes ?? c.reopenWindowMinutes,
              // Omitted keys keep their value; secrets left out keep theirs.
              config: body.config === undefined ? c.config : isPlainObject(body.config) ? { ...c.config, ...body.config } : body.config,
            });
          }
          if (body.enabled !== undefined) await this.channelSetup.setEnabled(scope, c.id, body.enabled);
          if (body.aiMode !== undefined) this.channelService.setAiMode(scope, c.id, body.aiMode);
          return channelJson(this.channelService.get(scope, c.id));
        },
        {
          api: "write",
          params: Id,
          body: t.Object({
            name: t.Optional(Name),
            config: t.Optional(Config),
            queueId: t.Optional(t.Nullable(Int({ minimum: 1 }))),
            reopenWindowMinutes: t.Optional(Int({ minimum: 0, maximum: 43_200 })),
            enabled: t.Optional(t.Boolean()),
            aiMode: t.Optional(t.Union([t.Literal("off"), t.Literal("always"), t.Literal("no_agents")])),
          }),
          detail: {
            summary: "Change a channel; omitted fields keep their value; enabled:false stops it receiving and sending; aiMode: when the company's AI answers first",
            tags: ["channels"],
          },
        },
      )
      .delete(
        "/:id",
        async ({ scope, params, set }) => {
          await this.channelSetup.delete(scope, params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: { summary: "Delete a channel with its conversations", tags: ["channels"] } },
      );
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
