import { inject, injectable } from "tsyringe";
import type { Config } from "../config.ts";
import type { ContactRepository } from "../conversations/contact-repository.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "../clock.ts";
import type { MediaSigner } from "../media/media-signer.ts";
import { T } from "../tokens.ts";
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
  ) {}

  instance(channel: Channel): Promise<ChannelInstance> {
    let p = this.instances.get(channel.id);
    if (!p) {
      const plugin = this.channelService.plugin(channel.pluginId);
      p = plugin.create(this.context(channel), this.channelService.fullConfig(channel));
      // A plugin that fails to start must not stay cached as a rejected promise.
      p.catch(() => this.instances.delete(channel.id));
      this.instances.set(channel.id, p);
    }
    return p;
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
    };
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
