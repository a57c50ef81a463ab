import { inject, injectable } from "tsyringe";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { ChannelRuntime } from "../channels/channel-runtime.ts";
import type { ChannelService } from "../channels/channel-service.ts";
import type { OutboundMessage, PluginManifest, SendResult } from "../channels/contract.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import type { MediaSigner } from "../media/media-signer.ts";
import type { MediaRepository } from "../media/media-repository.ts";
import { backoffMs } from "../shared/backoff.ts";
import { DueLoop } from "../shared/due-loop.ts";
import { T } from "../tokens.ts";
import { BALANCE_REFUSED, type BalancePolicy } from "../billing/balance-policy.ts";
import type { ContactRepository } from "../contacts/contact-repository.ts";
import type { Message } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import { idempotencyKeyOf } from "./idempotency.ts";
import { mediaTypeOf } from "./media-types.ts";
import type { MessageRepository } from "./message-repository.ts";
import type { OutboxRepository, OutboxRow } from "./outbox-repository.ts";
import { SendPacer } from "./send-pacer.ts";
import type { Metrics } from "../observability/metrics.ts";

export const MAX_ATTEMPTS = 8;
const BATCH = 100;
const MEDIA_LINK_TTL_MS = 24 * 3_600_000;
const DISABLED_RECHECK_MS = 60_000;

/**
 * Sends queued messages through their channel's plugin after commit.
 *
 * Order: only the oldest pending send of each conversation is taken, so a later
 * message waits while an earlier one retries; other conversations go ahead. Each
 * channel has its own lane: its sends go one at a time, paced by its plugin
 * (SendPacer), and a slow provider or a rate-limit pause on one channel never
 * holds up another.
 *
 * Never twice: just before a request leaves, the row records that it is in flight
 * (committed). The answer is recorded, and the row removed, in one transaction.
 * A row still "in flight" when it is looked at again was cut off (a crash, or a
 * failure recording the answer), and a timeout leaves a request in the same doubt:
 * plugins whose provider dedupes by our key are simply retried; plugins whose
 * provider reports our key back with the message (WhatsApp statuses, Messenger
 * echoes) wait a grace period for that report, which settles the row without a
 * resend; otherwise the message is sent again and marked as possibly received
 * twice, for agents to see.
 */
@injectable()
export class OutboxDispatcher {
  private readonly loop: DueLoop;
  private readonly pacer = new SendPacer();
  /** Channels whose lane is sending now, with the promise that ends it. */
  private readonly lanes = new Map<number, Promise<void>>();

  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Config) private readonly config: Config,
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
    @inject(T.BalancePolicy) private readonly balance: BalancePolicy,
    @inject(T.Metrics) private readonly metrics: Metrics,
  ) {
    this.loop = new DueLoop({
      pass: () => this.pass(),
      nextDueAt: () => this.outbox.nextDueAt([...this.lanes.keys()]),
      now: () => this.clock.now(),
      wake: (kick) => this.bus.on("outbox.queued", kick),
      onError: (error, failures) => this.logger.error("outbox pass failed; retrying", { error, failures }),
    });
  }

  start(): void {
    try {
      this.recoverInterrupted();
    } catch (error) {
      this.logger.error("could not recover interrupted sends; they stay queued", { error });
    }
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.lanes.values());
  }

  /** Resolves when nothing is being sent (tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.loop.idle();
      if (this.lanes.size === 0) return;
      await Promise.all(this.lanes.values());
    }
  }

  /** Requests that were in flight when the previous process stopped: their fate is unknown. */
  private recoverInterrupted(): void {
    for (const row of this.outbox.interrupted()) {
      this.putInDoubt(row, row.attempts, row.sendingSince!, "interrupted mid-request");
      this.logger.warn("send interrupted by a restart", { message: row.messageId, channel: row.channelId });
    }
  }

  /**
   * A request that may have reached the provider: wait for its confirmation
   * (callback providers), or send again marked uncertain (unless the provider
   * itself dedupes by our key).
   */
  private putInDoubt(row: OutboxRow, attempts: number, since: number, reason: string): void {
    const policy = this.idempotencyOf(row.channelId);
    if (policy === "callback") this.outbox.awaitConfirmation(row.id, attempts, since + this.config.sendConfirmGraceMs, `${reason}; waiting for the provider to confirm it`);
    else this.outbox.retryLater(row.id, attempts, this.clock.now(), reason, policy !== "provider");
  }

  /** Starts a lane for every channel with due sends and none running; returns at once. */
  private async pass(): Promise<boolean> {
    const rows = this.outbox.due(this.clock.now(), BATCH);
    const byChannel = new Map<number, OutboxRow[]>();
    for (const r of rows) if (!this.lanes.has(r.channelId)) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
    for (const [channelId, list] of byChannel) {
      const lane = this.runLane(list).finally(() => {
        this.lanes.delete(channelId);
        // Its rows may have been the heads of conversations whose next message is now due.
        this.loop.kick();
      });
      this.lanes.set(channelId, lane);
    }
    return false;
  }

  private async runLane(list: OutboxRow[]): Promise<void> {
    for (const row of list) {
      if (this.loop.isStopped) return;
      try {
        await this.sendOne(row);
      } catch (error) {
        // A database or plugin surprise on one row: log it, try the row again later, go on with the rest.
        this.logger.error("send could not be processed", { message: row.messageId, channel: row.channelId, error });
        this.deferAfterError(row, error);
      }
    }
  }

  private async sendOne(row: OutboxRow): Promise<void> {
    // Still marked in flight from an earlier attempt whose answer was never recorded: in doubt.
    if (row.sendingSince !== null) return this.putInDoubt(row, row.attempts, row.sendingSince, "the previous attempt's answer was not recorded");
    const channel = this.channels.byId(row.channelId);
    const message = channel ? this.messages.get(channel.companyId, row.messageId) : null;
    if (!channel || !message) {
      this.outbox.remove(row.id);
      return;
    }
    if (channel.status === "disabled") {
      // Switched off by an admin: the send waits (without using up attempts) until it is switched on again.
      this.outbox.retryLater(row.id, row.attempts, this.clock.now() + DISABLED_RECHECK_MS, "the channel is disabled", row.uncertain);
      return;
    }
    const conversation = this.conversations.get(channel.companyId, message.conversationId);
    const to = conversation ? this.contacts.externalIdFor(conversation.contactId, channel.id) : null;
    if (!conversation || !to) return this.record(row, message, { ok: false, retryable: false, reason: "The customer has no address on this channel." });
    if (this.balance.blocksSend(channel.companyId, channel.pluginId, message, to)) {
      // Queued before the balance ran out: not sent at a price the company cannot pay; the agent retries after a recharge.
      return this.record(row, message, { ok: false, retryable: false, reason: "", code: BALANCE_REFUSED as never });
    }
    const manifest = this.channelService.plugin(channel.pluginId).manifest;
    await this.pacer.wait(channel.id, to, manifest);
    this.outbox.markSending(row.id, this.clock.now());
    let result: SendResult;
    try {
      const instance = await this.runtime.instance(channel);
      result = await instance.send(this.outbound(message, to, conversation.lastInboundAt));
    } catch (e) {
      // A plugin that throws is treated like a network error; it may have thrown after its request left.
      result = { ok: false, retryable: true, reason: e instanceof Error ? e.message : String(e), maybeSent: true };
    }
    // A provider rate limit slows the whole channel, not only this message.
    if (!result.ok && result.retryable && result.retryAfterMs) this.pacer.pause(channel.id, result.retryAfterMs);
    this.record(row, message, result, manifest);
  }

  private record(row: OutboxRow, message: Message, result: SendResult, manifest?: PluginManifest): void {
    const attempts = row.attempts + 1;
    const now = this.clock.now();
    const policy = manifest?.idempotency;
    const outcome = this.uow.run((): "settled" | "sent" | "retry" | "failed" => {
      // A provider event carrying our key may have settled it while the request was out.
      if (!this.outbox.get(row.id)) return "settled";
      if (result.ok) {
        this.messages.markSent(message.id, result.externalId, result.status ?? "sent", row.uncertain && policy !== "provider");
        this.outbox.remove(row.id);
        return "sent";
      }
      if (result.retryable && attempts < MAX_ATTEMPTS) {
        const wait = result.retryAfterMs ?? backoffMs(attempts);
        const doubt = result.maybeSent === true && policy !== "provider";
        if (doubt && policy === "callback") this.outbox.awaitConfirmation(row.id, attempts, now + Math.max(wait, this.config.sendConfirmGraceMs), result.reason);
        else this.outbox.retryLater(row.id, attempts, now + wait, result.reason, doubt);
        return "retry";
      }
      this.messages.setStatus(message.id, "failed", result.reason, result.code ?? null);
      this.outbox.remove(row.id);
      return "failed";
    });
    if (outcome !== "settled") this.metrics.sendSettled(outcome, result.ok ? null : result.code);
    if (!result.ok) this.logger.warn("send failed", { message: message.id, channel: row.channelId, attempts, retryable: result.retryable, reason: result.reason });
    // Refused credentials: the channel needs an admin, whether or not its plugin reported its health.
    if (!result.ok && result.code === "token_expired") this.channelService.flagNeedsAttention(row.channelId, result.reason);
    if (outcome === "sent" || outcome === "failed") {
      this.bus.emit("message.status", { companyId: message.companyId, conversationId: message.conversationId, messageId: message.id });
    }
  }

  /**
   * Processing the row threw. If its request had left, the send is in doubt; after
   * the last attempt the message is marked failed with the error, so the rest of
   * its conversation is not held up for ever.
   */
  private deferAfterError(row: OutboxRow, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      const current = this.outbox.get(row.id);
      if (!current) return;
      const attempts = current.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        this.uow.run(() => {
          this.messages.setStatus(row.messageId, "failed", reason, null);
          this.outbox.remove(row.id);
        });
        this.metrics.sendSettled("failed", null);
        const m = this.channels.byId(row.channelId);
        if (m) this.bus.emit("message.status", { companyId: m.companyId, conversationId: row.conversationId, messageId: row.messageId });
        return;
      }
      if (current.sendingSince !== null) this.putInDoubt(current, attempts, current.sendingSince, reason);
      else this.outbox.retryLater(row.id, attempts, this.clock.now() + backoffMs(attempts), reason, false);
    } catch (again) {
      this.logger.error("could not reschedule a send", { message: row.messageId, error: again });
    }
  }

  private idempotencyOf(channelId: number): PluginManifest["idempotency"] {
    const channel = this.channels.byId(channelId);
    return channel ? this.channelService.pluginOrNull(channel.pluginId)?.manifest.idempotency : undefined;
  }

  private outbound(m: Message, to: string, lastInboundAt: number | null): OutboundMessage {
    const replyTo = m.replyToId ? this.messages.get(m.companyId, m.replyToId)?.externalId : null;
    const base = { idempotencyKey: idempotencyKeyOf(m.id), to, lastInboundAt, replyToExternalId: replyTo ?? undefined };
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
    if (m.kind === "interactive" && this.capabilitiesOf(m.channelId).includes("interactive")) {
      const options = Array.isArray(p.options) ? (p.options as { id: string; title: string }[]) : [];
      return { ...base, content: { kind: "interactive", text: String(p.body ?? m.text ?? ""), options, button: String(p.button ?? "Ver opciones"), numberedText: m.text ?? "" } };
    }
    // A menu on a channel without buttons is its numbered text (stored as the message's text).
    return { ...base, content: { kind: "text", text: m.text ?? "" } };
  }

  private capabilitiesOf(channelId: number): readonly string[] {
    const channel = this.channels.byId(channelId);
    return (channel ? this.channelService.pluginOrNull(channel.pluginId)?.manifest.capabilities : undefined) ?? [];
  }
}
