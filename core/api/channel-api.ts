import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { ChannelService } from "../channels/channel-service.ts";
import type { Guard } from "../http/guard-provider.ts";
import { API_PAGE_SIZE } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import { channelJson } from "./serializers.ts";

/** `/api/v1/channels`: secret settings are write-only (answers show them masked). */
@injectable()
export class ChannelApi {
  constructor(
    @inject(T.ChannelService) private readonly channelService: ChannelService,
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
        params: t.Object({ id: t.Numeric({ minimum: 1 }) }),
        detail: { summary: "Get a channel", tags: ["channels"] },
      })
      .post(
        "/",
        ({ scope, body, set }) => {
          const c = this.channelService.create(scope, body.plugin, {
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
            plugin: t.String(),
            name: t.String(),
            config: t.Optional(t.Record(t.String(), t.Unknown())),
            queueId: t.Optional(t.Integer({ minimum: 1 })),
            reopenWindowMinutes: t.Optional(t.Integer({ minimum: 0 })),
          }),
          detail: { summary: "Create a channel (webchat needs no config)", tags: ["channels"] },
        },
      );
  }
}
