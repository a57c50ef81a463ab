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
import { T } from "../tokens.ts";
import type { ContactRepository } from "./contact-repository.ts";
import { statusAdvances, type Message } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import { mediaTypeOf } from "./conversation-service.ts";
import type { MessageRepository } from "./message-repository.ts";
import type { OutboxRepository, OutboxRow } from "./outbox-repository.ts";

export const MAX_ATTEMPTS = 8;
const BATCH = 100;
const MEDIA_LINK_TTL_MS = 24 * 3_600_000;

/** 2 s, 4 s, 8 s ... capped at 10 min, with ±20 % jitter so retries don't stampede. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(2_000 * 2 ** (attempt - 1), 600_000);
  return Math.round(base * (0.8 + random() * 0.4));
}

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
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private readonly lastSendAt = new Map<number, number>();
  private off: (() => void) | null = null;

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
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  start(): void {
    this.stopped = false;
    this.off = this.bus.on("outbox.queued", () => this.kick());
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Run now (or right after the current pass). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  /** Resolves when nothing is due right now (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.outbox.nextDueAt();
    if (next === null) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.clock.now()));
  }

  private async pass(): Promise<void> {
    const rows = this.outbox.due(this.clock.now(), BATCH);
    const byChannel = new Map<number, OutboxRow[]>();
    for (const r of rows) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
    await Promise.all(
      [...byChannel.values()].map(async (list) => {
        for (const row of list) {
          if (this.stopped) return;
          await this.sendOne(row);
        }
      }),
    );
    if (rows.length === BATCH) this.again = true;
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
      await this.pace(channel.id, this.channelService.plugin(channel.pluginId).manifest.sendsPerSecond ?? 20);
      try {
        const instance = await this.runtime.instance(channel);
        result = await instance.send(this.outbound(message, to));
      } catch (e) {
        // A plugin that throws is treated like a network error: try again later.
        result = { ok: false, retryable: true, reason: e instanceof Error ? e.message : String(e) };
      }
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
        this.messages.setStatus(message.id, "failed", result.reason);
        this.outbox.remove(row.id);
      }
    }).immediate();
    if (!result.ok) this.logger.warn("send failed", { message: message.id, attempts, retryable: result.retryable, reason: result.reason });
    if (result.ok || !result.retryable || attempts >= MAX_ATTEMPTS) {
      this.bus.emit("message.status", { companyId: message.companyId, conversationId: message.conversationId, messageId: message.id });
    }
  }

  private outbound(m: Message, to: string): OutboundMessage {
    const base = { idempotencyKey: `charla-${m.id}`, to };
    if (m.kind === "media" && m.mediaId) {
      return {
        ...base,
        content: {
          kind: "media",
          mediaType: mediaTypeOf(m.mediaMime ?? ""),
          url: this.signer.url(m.mediaId, this.clock.now() + MEDIA_LINK_TTL_MS),
          mimeType: m.mediaMime ?? "application/octet-stream",
          caption: m.text ?? undefined,
          filename: m.mediaName ?? undefined,
        },
      };
    }
    return { ...base, content: { kind: "text", text: m.text ?? "" } };
  }

  /** Keeps at least 1/sendsPerSecond between two sends on one channel. */
  private async pace(channelId: number, perSecond: number): Promise<void> {
    const gap = 1000 / Math.max(perSecond, 0.1);
    const last = this.lastSendAt.get(channelId) ?? 0;
    const wait = last + gap - Date.now();
    if (wait > 0) await Bun.sleep(wait);
    this.lastSendAt.set(channelId, Date.now());
  }
}
