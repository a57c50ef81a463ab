import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { ChannelService } from "../channels/channel-service.ts";
import type { ChannelSetup } from "../channels/channel-setup.ts";
import type { TemplateService } from "../channels/template-service.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
import { Channel, channelExample, ConnectionTest, connectionTestExample, list, listOf, Template, templateExample, TemplateSync } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { decodeCursor, encodeCursor, IdPage, KeyCursor, limitOf, pageQuery } from "./pagination.ts";
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
const tags = ["channels"];
const one = { schema: Channel, example: channelExample };

/** `/api/v1/channels`: secret settings are write-only (answers show them masked). */
@injectable()
export class ChannelApi {
  constructor(
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelSetup) private readonly channelSetup: ChannelSetup,
    @inject(T.TemplateService) private readonly templateService: TemplateService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const enabled = (value: boolean) => async ({ scope, params }: { scope: { companyId: number; userId: null; role: "admin" }; params: { id: number } }) =>
      channelJson(await this.channelSetup.setEnabled(scope, params.id, value));
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/channels",
        ({ scope, query }) => {
          const s = this.channelService.slice(scope, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(channelJson), next: s.next };
        },
        { api: "read", query: IdPage, detail: op({ summary: "List channels, in id order", tags, ok: { schema: listOf(Channel), example: list(channelExample) } }) },
      )
      .get("/channels/:id", ({ scope, params }) => channelJson(this.channelService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a channel", tags, ok: one }),
      })
      .post(
        "/channels",
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
          detail: op({
            summary: "Create a channel (webchat needs no config). The plugin checks the settings first: 422 plugin_refused says why it will not start.",
            tags,
            body: { plugin: "whatsapp-cloud", name: "Ventas", queueId: 3, config: { phoneNumberId: "106540352242922", wabaId: "102290129340398", accessToken: "EAAG...", appSecret: "9f8e7d..." } },
            ok: { ...one, status: 201 },
          }),
        },
      )
      .patch(
        "/channels/:id",
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
          detail: op({
            summary: "Change a channel; omitted fields keep their value; enabled:false stops it receiving and sending; aiMode: when the company's AI answers first",
            tags,
            body: { name: "Ventas Bogotá", aiMode: "no_agents" },
            ok: one,
          }),
        },
      )
      .delete(
        "/channels/:id",
        async ({ scope, params, set }) => {
          await this.channelSetup.delete(scope, params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: op({ summary: "Delete a channel with its conversations", tags, ok: { status: 204 } }) },
      )
      .post("/channels/:id/enable", enabled(true), {
        api: "write",
        params: Id,
        detail: op({ summary: "Turn a channel on again", tags, ok: one }),
      })
      .post("/channels/:id/disable", enabled(false), {
        api: "write",
        params: Id,
        detail: op({ summary: "Turn a channel off: it stops receiving and sending (its history stays)", tags, ok: { ...one, example: { ...channelExample, status: "disabled" } } }),
      })
      .post("/channels/:id/test", ({ scope, params }) => this.channelSetup.test(scope, params.id), {
        api: "write",
        params: Id,
        detail: op({
          summary: "Probar conexión: starts the plugin with the saved settings and asks the provider to check them (ok:false with the reason when it fails)",
          tags,
          ok: { schema: ConnectionTest, example: connectionTestExample },
        }),
      })
      .get(
        "/channels/:id/templates",
        ({ scope, params, query }) => {
          const [name, language] = decodeCursor(query.cursor, ["string", "string"] as const) ?? [];
          const s = this.templateService.slice(scope, params.id, name === undefined ? null : { name, language: language! }, limitOf(query));
          return { data: s.data, next: s.next && encodeCursor([s.next.name, s.next.language]) };
        },
        {
          api: "read",
          params: Id,
          query: pageQuery({}, KeyCursor),
          detail: op({
            summary: "The channel's message templates as last synced from the provider (WhatsApp), by name and language; status APPROVED ones can be sent",
            tags,
            ok: { schema: listOf(Template, "key"), example: list(templateExample) },
          }),
        },
      )
      .post("/channels/:id/templates/sync", async ({ scope, params }) => ({ synced: await this.templateService.sync(scope, params.id) }), {
        api: "write",
        params: Id,
        detail: op({ summary: "Fetch the templates from the provider now (also done hourly); 409 no_templates for channels without them", tags, ok: { schema: TemplateSync, example: { synced: 12 } } }),
      });
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
