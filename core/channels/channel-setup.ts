import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import type { ChannelInput } from "./channel.ts";
import type { ChannelRuntime } from "./channel-runtime.ts";
import type { ChannelService, ChannelView, PreparedChannel } from "./channel-service.ts";

/**
 * What admins do to channels (panel and API): settings are validated against the
 * plugin's schema, then proven by running the plugin's create() on them before
 * anything is saved, so a configuration the plugin refuses never reaches the
 * webhooks. The live instance is rebuilt after every change.
 */
@injectable()
export class ChannelSetup {
  constructor(
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
    @inject(T.Logger) private readonly logger: Logger,
  ) {}

  async create(scope: Scope, pluginId: string, input: ChannelInput): Promise<ChannelView> {
    const prepared = this.channelService.prepareNew(scope, pluginId, input);
    await this.prove(prepared, null);
    const view = this.channelService.insert(scope, prepared);
    this.warm(scope, view.id);
    return view;
  }

  async update(scope: Scope, id: number, input: ChannelInput): Promise<ChannelView> {
    const prepared = this.channelService.prepareUpdate(scope, id, input);
    await this.prove(prepared, id);
    const saved = this.channelService.save(scope, id, prepared);
    await this.runtime.invalidate(id);
    this.runtime.clearPluginError(id, "new settings");
    this.warm(scope, saved.id);
    return this.channelService.get(scope, saved.id);
  }

  async setEnabled(scope: Scope, id: number, enabled: boolean): Promise<ChannelView> {
    const view = this.channelService.setEnabled(scope, id, enabled);
    await this.runtime.invalidate(id);
    if (enabled) this.warm(scope, id);
    return view;
  }

  async delete(scope: Scope, id: number): Promise<void> {
    this.channelService.delete(scope, id);
    await this.runtime.invalidate(id);
  }

  /**
   * "Probar conexión": starts the plugin with the saved settings (a plugin that
   * cannot start says why) and asks it to check its credentials with the provider.
   */
  async test(scope: Scope, id: number): Promise<{ ok: boolean; detail: string }> {
    const channel = this.channelService.raw(scope, id);
    let instance;
    try {
      instance = await this.runtime.instance(channel);
    } catch (e) {
      return { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
    return this.channelService.testConnection(scope, id, instance);
  }

  /**
   * Starts the channel's plugin right after its settings are saved, from the panel
   * or the API alike, without waiting for it: plugins that register with their
   * provider when they start (Telegram's setWebhook) do it now rather than at the
   * first send. A plugin that fails to start reports it as the channel's health.
   */
  private warm(scope: Scope, id: number): void {
    const channel = this.channelService.raw(scope, id);
    if (channel.status === "disabled") return;
    this.runtime.instance(channel).catch((error) => this.logger.warn("channel did not start after saving", { channel: id, error }));
  }

  private async prove(p: PreparedChannel, channelId: number | null): Promise<void> {
    try {
      await this.runtime.probe(p.pluginId, channelId, { ...p.plain, ...p.secrets });
    } catch (e) {
      const detail = (e instanceof Error ? e.message : String(e)).slice(0, 300);
      this.logger.warn("plugin refused channel settings", { plugin: p.pluginId, channel: channelId, error: detail });
      throw new AppError(422, "plugin_refused", "channel.error.plugin_refused", { detail });
    }
  }
}
