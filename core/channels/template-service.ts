import { Cron } from "croner";
import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { API_PAGE_SIZE, toSlice, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import type { ChannelRepository } from "./channel-repository.ts";
import type { ChannelRuntime } from "./channel-runtime.ts";
import type { ChannelService } from "./channel-service.ts";
import type { StoredTemplate, TemplateRepository } from "./template-repository.ts";
import type { PluginRegistry } from "./registry.ts";

/**
 * Message templates (WhatsApp: approved templates are the only thing that may be
 * sent outside the 24-hour window). Synced from the provider on a schedule and on
 * demand from the channel page; kept per channel.
 */
@injectable()
export class TemplateService {
  constructor(
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
    @inject(T.TemplateRepository) private readonly templates: TemplateRepository,
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
  ) {}

  /** Every hour (at a quiet minute), every channel whose plugin has templates. Returns the stopper. */
  schedule(): () => void {
    const job = new Cron("41 * * * *", { protect: true, catch: (error) => this.logger.error("template sync failed", { error }) }, () => this.syncAll());
    return () => job.stop();
  }

  async syncAll(): Promise<void> {
    const withTemplates = this.registry.list().filter((p) => p.manifest.capabilities.includes("templates"));
    for (const { manifest } of withTemplates) {
      for (const c of this.channels.byPlugin(manifest.id)) {
        if (c.status === "disabled") continue;
        await this.sync({ companyId: c.companyId, userId: null, role: "admin" }, c.id).catch((e) =>
          this.logger.warn("template sync failed", { channel: c.id, error: e }),
        );
      }
    }
  }

  async sync(scope: Scope, channelId: number): Promise<number> {
    const channel = this.channelService.raw(scope, channelId);
    const instance = await this.runtime.instance(channel);
    if (!instance.listTemplates) throw new AppError(409, "no_templates", "channel.error.no_templates");
    let list;
    try {
      list = await instance.listTemplates();
    } catch (e) {
      throw new AppError(502, "provider_error", "channel.error.provider", { detail: e instanceof Error ? e.message : String(e) });
    }
    this.templates.replace(channel.id, list, this.clock.now());
    return list.length;
  }

  /** A page of a channel's templates in (name, language) order (the API). */
  slice(scope: Scope, channelId: number, after: { name: string; language: string } | null, limit = API_PAGE_SIZE): Slice<StoredTemplate, { name: string; language: string }> {
    this.channelService.raw(scope, channelId);
    return toSlice(this.templates.after(channelId, after, limit + 1), limit, (t) => ({ name: t.name, language: t.language }));
  }

  list(scope: Scope, channelId: number, approvedOnly = false): StoredTemplate[] {
    this.channelService.raw(scope, channelId);
    return this.templates.list(channelId, approvedOnly);
  }
}
