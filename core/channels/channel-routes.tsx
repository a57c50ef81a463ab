import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Scope, Viewer } from "../auth/access.ts";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { T } from "../tokens.ts";
import { translator } from "../i18n/index.ts";
import { ChannelsPage } from "../../views/admin/channel-list.tsx";
import { ChannelFormPage, type ChannelFormData } from "../../views/admin/channel-form.tsx";
import type { FieldErrors } from "../../views/components/fields.tsx";
import type { ChannelInput } from "./channel.ts";
import type { ChannelRuntime } from "./channel-runtime.ts";
import type { ChannelService, ChannelView } from "./channel-service.ts";
import type { ChannelSetup } from "./channel-setup.ts";
import { configFields } from "./config-schema.ts";
import type { JsonSchema } from "./contract.ts";
import type { PluginRegistry } from "./registry.ts";
import type { TemplateService } from "./template-service.ts";
import type { AiSettingsRepository } from "../ai/ai-settings-repository.ts";

/** "Canales": the company's channels and the plugins they can be made from. */
@injectable()
export class ChannelRoutes {
  constructor(
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
    @inject(T.ChannelSetup) private readonly channelSetup: ChannelSetup,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.TemplateService) private readonly templateService: TemplateService,
    @inject(T.AiSettingsRepository) private readonly aiSettings: AiSettingsRepository,
    @inject(T.Config) private readonly config: Config,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/channels" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, scope }) => {
          const operator = viewer.role === "operator";
          return this.render.page(request, viewer, (ctx) => (
            <ChannelsPage
              ctx={ctx}
              channels={this.channelService.list(scope)}
              queues={this.queues.options(scope.companyId)}
              plugins={this.registry.list()}
              failed={operator ? this.registry.failed() : []}
              pluginsDir={operator ? this.config.pluginsDir : null}
            />
          ));
        },
        { panel: "company.admin" },
      )
      .get(
        "/new",
        ({ request, viewer, scope, query }) => {
          const plugin = this.channelService.plugin(query.plugin ?? "");
          const form: ChannelFormData = { name: plugin.manifest.name, queueId: "", reopenWindowMinutes: "0", config: defaults(plugin.configSchema) };
          return this.form(request, viewer, scope, plugin.manifest.id, null, form);
        },
        { panel: "company.admin" },
      )
      .post(
        "/",
        async ({ request, viewer, scope, query, body }) => {
          const pluginId = query.plugin ?? "";
          const form = readForm(body);
          try {
            const c = await this.channelSetup.create(scope, pluginId, toInput(form));
            return this.render.redirect(`/admin/channels/${c.id}`, { kind: "ok", key: "common.created" });
          } catch (e) {
            const shown = formProblem(e);
            if (shown) return this.form(request, viewer, scope, pluginId, null, form, shown);
            throw e;
          }
        },
        { panel: "company.admin" },
      )
      .get(
        "/:id",
        ({ request, viewer, scope, params }) => {
          const c = this.channelService.get(scope, positiveInt(params.id));
          const form: ChannelFormData = { name: c.name, queueId: c.queueId ? String(c.queueId) : "", reopenWindowMinutes: String(c.reopenWindowMinutes), config: c.config };
          return this.form(request, viewer, scope, c.pluginId, c, form);
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id",
        async ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const current = this.channelService.get(scope, id);
          const form = readForm(body);
          try {
            await this.channelSetup.update(scope, id, toInput(form));
          } catch (e) {
            const shown = formProblem(e);
            if (shown) return this.form(request, viewer, scope, current.pluginId, current, form, shown);
            throw e;
          }
          return this.render.redirect(`/admin/channels/${id}`, { kind: "ok", key: "common.saved" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/test",
        async ({ scope, params }) => {
          const id = positiveInt(params.id);
          const r = await this.channelSetup.test(scope, id);
          // A failure's reason is shown once, readable, in the channel's banner.
          return this.render.redirect(`/admin/channels/${id}`, r.ok ? { kind: "ok", key: "channel.test_ok", params: { detail: r.detail } } : { kind: "error", key: "channel.test_failed_below" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/enabled",
        async ({ scope, params, body }) => {
          const id = positiveInt(params.id);
          const enabled = str(body, "enabled") === "1";
          await this.channelSetup.setEnabled(scope, id, enabled);
          return this.render.redirect(`/admin/channels/${id}`, { kind: "ok", key: enabled ? "channel.enabled" : "channel.disabled" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/ai-mode",
        ({ scope, params, body }) => {
          const id = positiveInt(params.id);
          this.channelService.setAiMode(scope, id, str(body, "aiMode"));
          return this.render.redirect(`/admin/channels/${id}`, { kind: "ok", key: "common.saved" });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/templates/sync",
        async ({ scope, params }) => {
          const id = positiveInt(params.id);
          const n = await this.templateService.sync(scope, id);
          return this.render.redirect(`/admin/channels/${id}`, { kind: "ok", key: "channel.templates_synced", params: { count: n } });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/delete",
        async ({ scope, params }) => {
          await this.channelSetup.delete(scope, positiveInt(params.id));
          return this.render.redirect("/admin/channels", { kind: "ok", key: "common.deleted" });
        },
        { panel: "company.admin" },
      );
  }

  private async form(
    request: Request,
    viewer: Viewer,
    scope: Scope,
    pluginId: string,
    channel: ChannelView | null,
    form: ChannelFormData,
    problem?: { fields?: FieldErrors; message?: AppError },
  ): Promise<Response> {
    const errors = problem?.fields;
    const plugin = this.channelService.plugin(pluginId);
    // A plugin whose credentials are wrong may fail to start: then there is simply no test button.
    const instance = channel ? await this.runtime.instance(this.channelService.raw(scope, channel.id)).catch(() => null) : null;
    const snippet = channel && plugin.manifest.hostsClient ? `<script src="${channel.publicUrl}/widget.js" async></script>` : null;
    const view = (ctx: Parameters<typeof ChannelFormPage>[0]["ctx"]) => (
        <ChannelFormPage
          ctx={ctx}
          plugin={plugin.manifest}
          fields={configFields(plugin.configSchema, viewer.language)}
          channel={channel}
          form={form}
          queues={this.queues.options(scope.companyId)}
          errors={errors}
          embedSnippet={snippet}
          templates={channel && plugin.manifest.capabilities.includes("templates") ? this.templateService.list(scope, channel.id) : null}
          canTest={!!instance?.testConnection}
          aiEnabled={!!this.aiSettings.get(scope.companyId)?.enabled}
          formError={problem?.message ? translator(viewer.language).plain(problem.message.key, problem.message.params) : undefined}
          submitted={!!problem}
        />
      );
    if (!problem) return this.render.page(request, viewer, view);
    return this.render.formErrors(request, viewer, view, channel ? `/admin/channels/${channel.id}` : `/admin/channels/new?plugin=${encodeURIComponent(pluginId)}`);
  }
}

/** A refusal the form shows in place (field errors, or the plugin's own reason), or null to let the error mapper answer. */
function formProblem(e: unknown): { fields?: FieldErrors; message?: AppError } | null {
  if (!(e instanceof AppError) || e.status !== 422) return null;
  return e.code === "validation_failed" ? { fields: e.fields } : { message: e };
}

function defaults(schema: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(configFields(schema).flatMap((f) => (f.default === undefined ? [] : [[f.key, f.default]])));
}

/** Settings arrive as config.<key>; a checkbox sends a hidden "false" then "true", so the last value wins. */
function readForm(body: unknown): ChannelFormData {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k.startsWith("config.")) config[k.slice(7)] = Array.isArray(v) ? v[v.length - 1] : v;
  }
  return { name: str(body, "name"), queueId: str(body, "queueId"), reopenWindowMinutes: str(body, "reopenWindowMinutes") || "0", config };
}

function toInput(form: ChannelFormData): ChannelInput {
  return {
    name: form.name,
    queueId: form.queueId ? positiveInt(form.queueId) : null,
    reopenWindowMinutes: Number(form.reopenWindowMinutes),
    config: form.config,
  };
}
