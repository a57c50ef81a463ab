import type { Database } from "bun:sqlite";
import { inject, injectable } from "tsyringe";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { ChannelRuntime } from "../channels/channel-runtime.ts";
import type { ChannelService } from "../channels/channel-service.ts";
import type { OutboundMessage, SendResult } from "../channels/contract.ts";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import type { MediaSigner } from "../media/media-signer.ts";
import type { MediaRepository } from "../media/media-repository.ts";
import { T } from "../tokens.ts";
import type { ContactRepository } from "./contact-repository.ts";
import { statusAdvances, type Message } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import { mediaTypeOf } from "./media-types.ts";
import { backoffMs } from "../shared/backoff.ts";
import { DueLoop } from "../shared/due-loop.ts";
import type { MessageRepository } from "./message-repository.ts";
import type { OutboxRepository, OutboxRow } from "./outbox-repository.ts";

export const MAX_ATTEMPTS = 8;
const BATCH = 100;
const MEDIA_LINK_TTL_MS = 24 * 3_600_000;


/**
 * Sends queued messages through their channel's plugin after commit. Rows are
 * taken oldest first; one channel's sends go one at a time, spaced by the plugin's
 * sendsPerSecond. Transient failures back off and retry; permanent ones mark the
 * message failed with the plugin's readable reason. Pending rows survive a
 * restart: start() picks them up. A row is deleted in the same transaction that
 * records the send, so a send recorded as done is never repeated; a send cut off
 * by a crash before that commit is retried with the same idempotencyKey.
 */
@injectable()
export class OutboxDispatcher {
  private readonly loop: DueLoop;
  private readonly lastSendAt = new Map<number, number>();
  /** Channel -> time until which a provider asked us to slow down (rate limits). */
  private readonly pausedUntil = new Map<number, number>();
  /** "channel:recipient" -> last send, for providers' per-recipient pair limits. */
  private readonly lastToRecipient = new Map<string, number>();

  constructor(
    @inject(T.Database) private readonly db: Database,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.OutboxRepository) private readonly outbox: OutboxRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
    @inject(T.MediaSigner) private readonly signer: MediaSigner,
    @inject(T.MediaRepository) private readonly media: MediaRepository,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {
    this.loop = new DueLoop(
      () => this.pass(),
      () => this.outbox.nextDueAt(),
      () => this.clock.now(),
      (kick) => this.bus.on("outbox.queued", kick),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves when no pass is running (tests and shutdown). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  private async pass(): Promise<boolean> {
    const rows = this.outbox.due(this.clock.now(), BATCH);
    const byChannel = new Map<number, OutboxRow[]>();
    for (const r of rows) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
    await Promise.all(
      [...byChannel.values()].map(async (list) => {
        for (const row of list) {
          if (this.loop.isStopped) return;
          await this.sendOne(row);
        }
      }),
    );
    return rows.length === BATCH;
  }

  private async sendOne(row: OutboxRow): Promise<void> {
    const channel = this.channels.byId(row.channelId);
    const message = channel ? this.messages.get(channel.companyId, row.messageId) : null;
    if (!channel || !message) {
      this.outbox.remove(row.id);
      return;
    }
    const conversation = this.conversations.get(channel.companyId, message.conversationId)!;
    const to = this.contacts.externalIdFor(conversation.contactId, channel.id);
    let result: SendResult;
    if (!to) {
      result = { ok: false, retryable: false, reason: "The customer has no address on this channel." };
    } else {
      const manifest = this.channelService.plugin(channel.pluginId).manifest;
      await this.pace(channel.id, to, manifest.sendsPerSecond ?? 20, manifest.recipientGapMs ?? 0);
      try {
        const instance = await this.runtime.instance(channel);
        result = await instance.send(this.outbound(message, to, conversation.lastInboundAt));
      } catch (e) {
        // A plugin that throws is treated like a network error: try again later.
        result = { ok: false, retryable: true, reason: e instanceof Error ? e.message : String(e) };
      }
      // A provider rate limit slows the whole channel, not only this message.
      if (!result.ok && result.retryable && result.retryAfterMs) this.pausedUntil.set(channel.id, Date.now() + result.retryAfterMs);
    }
    this.record(row, message, result);
  }

  private record(row: OutboxRow, message: Message, result: SendResult): void {
    const attempts = row.attempts + 1;
    this.db.transaction(() => {
      if (result.ok) {
        const status = result.status ?? "sent";
        this.messages.markSent(message.id, result.externalId, statusAdvances(message.status, status) ? status : message.status);
        this.outbox.remove(row.id);
      } else if (result.retryable && attempts < MAX_ATTEMPTS) {
        const wait = result.retryAfterMs ?? backoffMs(attempts);
        this.outbox.retryLater(row.id, attempts, this.clock.now() + wait, result.reason);
      } else {
        this.messages.setStatus(message.id, "failed", result.reason, result.code ?? null);
        this.outbox.remove(row.id);
      }
    }).immediate();
    if (!result.ok) this.logger.warn("send failed", { message: message.id, attempts, retryable: result.retryable, reason: result.reason });
    if (result.ok || !result.retryable || attempts >= MAX_ATTEMPTS) {
      this.bus.emit("message.status", { companyId: message.companyId, conversationId: message.conversationId, messageId: message.id });
    }
  }

  private outbound(m: Message, to: string, lastInboundAt: number | null): OutboundMessage {
    const replyTo = m.replyToId ? this.messages.get(m.companyId, m.replyToId)?.externalId : null;
    const base = { idempotencyKey: `charla-${m.id}`, to, lastInboundAt, replyToExternalId: replyTo ?? undefined };
    const p = m.payload ?? {};
    if (m.kind === "media" && m.mediaId) {
      const mediaId = m.mediaId;
      return {
        ...base,
        content: {
          kind: "media",
          mediaType: mediaTypeOf(m.mediaMime ?? ""),
          url: this.signer.url(mediaId, this.clock.now() + MEDIA_LINK_TTL_MS),
          mimeType: m.mediaMime ?? "application/octet-stream",
          caption: m.text ?? undefined,
          filename: m.mediaName ?? undefined,
          read: () => this.media.blob(mediaId, m.mediaMime ?? "application/octet-stream"),
        },
      };
    }
    if (m.kind === "reaction") return { ...base, content: { kind: "reaction", emoji: m.text ?? "", targetExternalId: String(p.target ?? "") } };
    if (m.kind === "template") {
      return { ...base, content: { kind: "template", name: String(p.name), language: String(p.language), parameters: (p.parameters as string[]) ?? [] } };
    }
    return { ...base, content: { kind: "text", text: m.text ?? "" } };
  }

  /**
   * Keeps at least 1/sendsPerSecond between two sends on one channel, the
   * plugin's gap between two sends to one recipient, and any pause a provider
   * asked for.
   */
  private async pace(channelId: number, to: string, perSecond: number, recipientGapMs: number): Promise<void> {
    const key = `${channelId}:${to}`;
    const gap = 1000 / Math.max(perSecond, 0.1);
    const ready = Math.max(
      (this.lastSendAt.get(channelId) ?? 0) + gap,
      (this.lastToRecipient.get(key) ?? 0) + recipientGapMs,
      this.pausedUntil.get(channelId) ?? 0,
    );
    const wait = ready - Date.now();
    if (wait > 0) await Bun.sleep(wait);
    this.lastSendAt.set(channelId, Date.now());
    this.lastToRecipient.set(key, Date.now());
    if (this.lastToRecipient.size > 10_000) this.lastToRecipient.clear();
  }
}
