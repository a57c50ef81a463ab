import { inject, injectable } from "tsyringe";
import type { Config } from "../config.ts";
import type { ContactRepository } from "../contacts/contact-repository.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "../clock.ts";
import type { MediaSigner } from "../media/media-signer.ts";
import { T } from "../tokens.ts";
import type { Availability } from "../routing/availability.ts";
import type { Channel } from "./channel.ts";
import type { ChannelRepository } from "./channel-repository.ts";
import type { ChannelService } from "./channel-service.ts";
import type { ChannelInstance, PluginContext, TranscriptEntry } from "./contract.ts";

/** Links in transcripts stay valid long enough for a visitor to open them. */
const MEDIA_LINK_TTL_MS = 7 * 24 * 3_600_000;

/**
 * One live plugin instance per channel, created on first use with the channel's
 * decrypted settings and a context built here. Settings changes drop the instance.
 */
@injectable()
export class ChannelRuntime {
  private readonly instances = new Map<number, Promise<ChannelInstance>>();

  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.MediaSigner) private readonly signer: MediaSigner,
    @inject(T.Availability) private readonly availability: Availability,
  ) {}

  /**
   * The channel's live instance, created on first use. A plugin whose create()
   * throws is not cached; its failure is logged with the channel and plugin ids and
   * shown to admins as "Requiere atención" until it starts again.
   */
  instance(channel: Channel): Promise<ChannelInstance> {
    let p = this.instances.get(channel.id);
    if (!p) {
      p = this.start(channel);
      this.instances.set(channel.id, p);
      p.then(
        () => {
          if (channel.pluginError) this.clearPluginError(channel.id, "recovered");
        },
        (error: unknown) => {
          // A plugin that fails to start must not stay cached as a rejected promise.
          this.instances.delete(channel.id);
          this.pluginFailed(channel, "create", error);
        },
      );
    }
    return p;
  }

  /**
   * Runs the plugin's create() on settings not saved yet, then disposes of the
   * instance: an admin learns at save time that the plugin refuses them (like
   * Medusa's validateOptions). Throws what the plugin threw.
   */
  async probe(pluginId: string, channelId: number | null, config: Record<string, unknown>): Promise<void> {
    const plugin = this.channelService.plugin(pluginId);
    const memory = new Map<string, string>();
    const logger = this.logger.child({ channel: channelId ?? "new", plugin: pluginId, probe: true });
    const ctx: PluginContext = {
      channelId: channelId ?? 0,
      platform: { metaGraphUrl: this.config.metaGraphUrl, metaGraphVersion: this.config.metaGraphVersion },
      reportHealth: async () => {},
      webhookUrl: channelId ? this.channelService.webhookUrl(channelId) : `${this.config.publicUrl}/webhooks/new`,
      publicUrl: channelId ? this.channelService.publicUrl(channelId) : `${this.config.publicUrl}/chat/new`,
      secure: this.config.secureCookies,
      fetch: (input, init) => fetch(input, init),
      logger,
      now: () => this.clock.now(),
      // Reads the channel's real store when it exists; writes stay in memory (a probe changes nothing).
      kv: {
        get: async (key) => memory.get(key) ?? (channelId ? this.channels.kvGet(channelId, key) : null),
        set: async (key, value) => void memory.set(key, value),
        delete: async (key) => void memory.delete(key),
      },
      transcript: async () => [],
      agentsOnline: async () => true,
    };
    const instance = await plugin.create(ctx, config);
    try {
      await instance.dispose?.();
    } catch (error) {
      logger.warn("plugin dispose after a settings check failed", { error });
    }
  }

  /** The plugin threw while handling this channel's traffic: log it and show it to admins. */
  pluginFailed(channel: Channel, stage: "create" | "webhook", error: unknown): void {
    const reason = `${stage === "create" ? "The plugin could not start" : "The plugin failed on a webhook"}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
    this.logger.error("channel plugin failed", { channel: channel.id, plugin: channel.pluginId, stage, error });
    try {
      if (this.channels.byId(channel.id)?.pluginError !== reason) this.channels.setPluginError(channel.id, reason);
    } catch (e) {
      this.logger.error("could not record a plugin failure", { channel: channel.id, error: e });
    }
  }

  /** The plugin works again, or new settings were proven to start it: an earlier failure no longer applies. */
  clearPluginError(channelId: number, why: "recovered" | "new settings"): void {
    this.channels.setPluginError(channelId, null);
    this.logger.info("channel plugin error cleared", { channel: channelId, why });
  }

  private start(channel: Channel): Promise<ChannelInstance> {
    try {
      const plugin = this.channelService.plugin(channel.pluginId);
      return plugin.create(this.context(channel), this.channelService.fullConfig(channel));
    } catch (e) {
      // A synchronous throw (or an unknown plugin) fails the same way as a rejected create().
      return Promise.reject(e);
    }
  }

  async invalidate(channelId: number): Promise<void> {
    const p = this.instances.get(channelId);
    this.instances.delete(channelId);
    if (p) await p.then((i) => i.dispose?.(), () => undefined);
  }

  async disposeAll(): Promise<void> {
    await Promise.all([...this.instances.keys()].map((id) => this.invalidate(id)));
  }

  private context(channel: Channel): PluginContext {
    const logger = this.logger.child({ channel: channel.id, plugin: channel.pluginId });
    return {
      channelId: channel.id,
      platform: { metaGraphUrl: this.config.metaGraphUrl, metaGraphVersion: this.config.metaGraphVersion },
      reportHealth: async (health) => {
        const reason = health.status === "needs_attention" ? health.reason : null;
        const current = this.channels.byId(channel.id);
        if (current && (current.status !== health.status || current.statusReason !== reason) && current.status !== "disabled") {
          this.channels.setStatus(channel.id, health.status, reason);
          logger.warn("channel health changed", { status: health.status, reason });
        }
      },
      webhookUrl: this.channelService.webhookUrl(channel.id),
      publicUrl: this.channelService.publicUrl(channel.id),
      secure: this.config.secureCookies,
      fetch: (input, init) => fetch(input, init),
      logger,
      now: () => this.clock.now(),
      kv: {
        get: async (key) => this.channels.kvGet(channel.id, key),
        set: async (key, value) => this.channels.kvSet(channel.id, key, value),
        delete: async (key) => this.channels.kvDelete(channel.id, key),
      },
      transcript: async (customerId, limit = 100) => this.transcript(channel, customerId, Math.min(Math.max(limit, 1), 500)),
      agentsOnline: async () => this.agentsOnline(channel.id),
    };
  }

  private agentsOnline(channelId: number): boolean {
    // Read fresh: the queue may have changed since the instance was made.
    const channel = this.channels.byId(channelId);
    if (!channel) return false;
    return this.availability.anyoneOnline(channel);
  }

  private transcript(channel: Channel, customerId: string, limit: number): TranscriptEntry[] {
    const contact = this.contacts.byIdentity(channel.id, customerId);
    if (!contact) return [];
    const conversation = this.conversations.current(contact.id, channel.id);
    if (!conversation) return [];
    const expires = this.clock.now() + MEDIA_LINK_TTL_MS;
    // Internal lines (transfers, notes) are for agents, not for the customer.
    return this.messages
      .page(channel.companyId, conversation.id, limit)
      .filter((m) => m.author !== "system")
      .map((m) => ({
        id: m.id,
        direction: m.direction,
        author: m.author,
        kind: m.kind,
        text: m.text,
        mediaUrl: m.mediaId ? this.signer.url(m.mediaId, expires) : null,
        mediaType: m.mediaMime,
        filename: m.mediaName,
        status: m.status,
        externalId: m.externalId,
        createdAt: m.createdAt,
      }));
  }
}
