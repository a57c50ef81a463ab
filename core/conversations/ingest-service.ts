import { inject, injectable } from "tsyringe";
import type { Channel } from "../channels/channel.ts";
import type { NormalizedInbound, StatusUpdate } from "../channels/contract.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import type { EventBus, Events } from "../events/bus.ts";
import type { AssignmentService } from "../routing/assignment-service.ts";
import { T } from "../tokens.ts";
import { LAST_CONTACT_STEP_MS, type ContactRepository } from "../contacts/contact-repository.ts";
import type { ContactIndex } from "../contacts/contact-index.ts";
import { channelPhone, normalizePhone } from "../contacts/phone.ts";
import type { Contact } from "../contacts/contact.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import type { AiGate } from "../ai/ai-gate.ts";
import { statusAdvances } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import { messageIdOfKey } from "./idempotency.ts";
import type { MessageRef, MessageRepository } from "./message-repository.ts";
import type { OutboxRepository } from "./outbox-repository.ts";
import { preview, storedContent } from "./previews.ts";
import { systemLine } from "./system-lines.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { ChannelService } from "../channels/channel-service.ts";
import type { PluginRegistry } from "../channels/registry.ts";
import type { Logger } from "../logger.ts";
import type { MediaFetchRepository } from "../media/media-fetch-repository.ts";

export interface IngestResult {
  stored: number;
  duplicates: number;
  statuses: number;
  /** Events for accounts no channel here serves (acknowledged, logged, not stored). */
  unrouted: number;
}

type PendingEvent = { name: keyof Events; payload: Events[keyof Events] };
interface IngestJob {
  receiving: Channel;
  inbound: NormalizedInbound[];
  statuses: StatusUpdate[];
}
import type { UsageMeter } from "../billing/usage-meter.ts";
/** What a commit leaves to do once it is durable: tell the bus, hand out new conversations. */
interface AfterCommit {
  events: PendingEvent[];
  toAssign: Map<number, number>;
  media: boolean;
}

/**
 * Applies verified webhooks' events in ONE transaction: dedupe on (channel,
 * external id), contact, conversation, message, counters, delivery statuses.
 * The caller answers 200 only after the commit holding its events; events go out
 * after commit, and nothing that happens after commit can undo or repeat it.
 */
@injectable()
export class IngestService {
  private readonly pending: { job: IngestJob; resolve: (r: IngestResult) => void; reject: (e: unknown) => void }[] = [];
  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ContactIndex) private readonly contactIndex: ContactIndex,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.AiGate) private readonly aiGate: AiGate,
    @inject(T.UsageMeter) private readonly meter: UsageMeter,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.OutboxRepository) private readonly outbox: OutboxRepository,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.AssignmentService) private readonly assignmentService: AssignmentService,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
    @inject(T.MediaFetchRepository) private readonly mediaFetches: MediaFetchRepository,
    @inject(T.Logger) private readonly logger: Logger,
  ) {}

  /**
   * Group commit: webhooks that arrive in the same turn of the event loop share
   * one transaction, so the WAL pages they all touch (conversation indexes, the
   * full-text index) are written once, not once per webhook. Each caller still
   * gets its answer only after the commit that holds its events. If the shared
   * transaction fails, each webhook is retried alone, so one bad event never
   * takes its neighbours down.
   */
  submit(receiving: Channel, inbound: NormalizedInbound[], statuses: StatusUpdate[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job: { receiving, inbound, statuses }, resolve, reject });
      // Flushed once the current turn of the event loop is over: everything that
      // arrived meanwhile rides along, and a lone webhook waits for nothing.
      // (A 1 ms window was measured too: slower, clients wait on the timer.)
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    let shared: { results: IngestResult[]; after: AfterCommit } | null = null;
    try {
      shared = this.commit(batch.map((b) => b.job));
    } catch (error) {
      this.logger.error("webhook batch failed to commit; retrying each webhook alone", {
        webhooks: batch.length,
        channels: [...new Set(batch.map((b) => b.job.receiving.id))],
        error,
      });
    }
    if (shared) {
      batch.forEach((b, i) => b.resolve(shared.results[i]!));
      return this.afterCommit(shared.after);
    }
    for (const b of batch) {
      let alone: { results: IngestResult[]; after: AfterCommit };
      try {
        alone = this.commit([b.job]);
      } catch (error) {
        this.logger.error("webhook failed to commit", { channel: b.job.receiving.id, plugin: b.job.receiving.pluginId, error });
        b.reject(error);
        continue;
      }
      b.resolve(alone.results[0]!);
      this.afterCommit(alone.after);
    }
  }

  private commit(jobs: IngestJob[]): { results: IngestResult[]; after: AfterCommit } {
    const after: AfterCommit = { events: [], toAssign: new Map(), media: false };
    const results = this.uow.run(() =>
      jobs.map(({ receiving, inbound, statuses }) => {
        const route = this.router(receiving);
        const r: IngestResult = { stored: 0, duplicates: 0, statuses: 0, unrouted: 0 };
        for (const m of inbound) {
          const channel = route(m.channelKey);
          if (!channel) {
            r.unrouted++;
            continue;
          }
          const stored = m.echo ? this.storeEcho(channel, m, after) : this.storeInbound(channel, m, after);
          if (stored) r.stored++;
          else r.duplicates++;
          if (stored && m.content.kind === "media" && !m.echo) after.media = true;
        }
        for (const s of statuses) {
          const channel = route(s.channelKey);
          if (!channel) r.unrouted++;
          else if (this.applyStatus(channel, s, after)) r.statuses++;
        }
        return r;
      }),
    );
    return { results, after };
  }

  /** The data is durable: a failing subscriber or assignment is logged and never repeats the commit. */
  private afterCommit(after: AfterCommit): void {
    for (const e of after.events) this.bus.emit(e.name, e.payload as never);
    for (const [conversationId, companyId] of after.toAssign) {
      try {
        this.assignmentService.assign(companyId, conversationId);
      } catch (error) {
        this.logger.error("assignment after a webhook failed; the conversation waits in its queue", { conversation: conversationId, error });
      }
    }
    if (after.media) this.bus.emit("media.queued", {});
  }

  /**
   * One Meta app posts every number's events to one URL, so an event may belong
   * to another channel than the one whose URL it hit: file it under the channel
   * of the same plugin whose routingKey matches, provided both trust the same
   * account (same app secret). Anything else is acknowledged, logged, not stored.
   */
  private router(receiving: Channel): (key: string | undefined) => Channel | null {
    const plugin = this.registry.get(receiving.pluginId);
    if (!plugin?.routingKey) return () => receiving;
    const keys = (c: Channel) => this.channelService.accountKeys(c);
    const cache = new Map<string, Channel | null>();
    return (key) => {
      if (!key || key === keys(receiving).routing) return receiving;
      if (!cache.has(key)) {
        const trust = keys(receiving).trust;
        const match = this.channels
          .byPlugin(receiving.pluginId)
          .find((c) => c.status !== "disabled" && keys(c).routing === key && trust !== null && keys(c).trust === trust);
        if (!match) this.logger.warn("webhook event for an account no channel serves", { channel: receiving.id, key });
        cache.set(key, match ?? null);
      }
      return cache.get(key)!;
    };
  }

  private storeInbound(channel: Channel, m: NormalizedInbound, after: AfterCommit): boolean {
    if (this.messages.inboundExists(channel.id, m.externalId)) return false;
    const { conversationId, needsAgent, blocked } = this.conversationFor(channel, m, after);
    const content = storedContent(m.content);
    const replyTo = m.replyToExternalId ? this.findReplyTarget(channel.id, m.replyToExternalId) : null;
    const messageId = this.messages.insert({
      conversationId,
      companyId: channel.companyId,
      channelId: channel.id,
      direction: "in",
      author: "customer",
      kind: content.kind,
      text: content.text,
      payload: content.payload,
      replyToId: replyTo,
      externalId: m.externalId,
      status: "received",
      createdAt: m.timestamp,
    });
    // Providers' media links expire within minutes: fetch right after commit.
    if (m.content.kind === "media") this.mediaFetches.enqueue(messageId, channel.id, this.clock.now());
    const shown = preview(content.kind, content.text, content.payload);
    after.events.push({ name: "message.created", payload: { companyId: channel.companyId, conversationId, messageId } });
    // A blocked person's message is kept in their closed conversation: no unread count, no nudge, nobody rung.
    if (blocked) {
      this.conversations.touchBlocked(conversationId, m.timestamp, shown);
      return true;
    }
    this.conversations.touchInbound(conversationId, m.timestamp, shown);
    if (needsAgent) after.toAssign.set(conversationId, channel.companyId);
    after.events.push({ name: "conversation.changed", payload: { companyId: channel.companyId, conversationId } });
    // Automatic answers (canned AUTOMÁTICO, the AI) start from here, after the commit and never before the 200.
    after.events.push({ name: "message.received", payload: { companyId: channel.companyId, conversationId, messageId } });
    return true;
  }

  /**
   * The business's own message as the provider echoes it. Our own sends echo back
   * too: by their provider id, or by the idempotency key the plugin sent along (a
   * send whose answer was never recorded is confirmed here, not sent twice).
   * Anything else was written outside Charla and is kept as outbound.
   */
  private storeEcho(channel: Channel, m: NormalizedInbound, after: AfterCommit): boolean {
    if (this.messages.byExternal(channel.id, "out", m.externalId)) return false;
    if (this.confirmByKey(channel, m.idempotencyKey, m.externalId, after)) return false;
    const contact = this.contacts.byIdentity(channel.id, m.from);
    const current = contact ? this.conversations.current(contact.id, channel.id) : null;
    if (!current) return false;
    const content = storedContent(m.content);
    const messageId = this.messages.insert({
      conversationId: current.id,
      companyId: channel.companyId,
      channelId: channel.id,
      direction: "out",
      author: "agent",
      kind: content.kind,
      text: content.text,
      payload: { ...(content.payload ?? {}), echo: true },
      externalId: m.externalId,
      status: "sent",
      createdAt: m.timestamp,
    });
    this.conversations.touchOutbound(current.id, m.timestamp, preview(content.kind, content.text, content.payload), true);
    after.events.push({ name: "message.created", payload: { companyId: channel.companyId, conversationId: current.id, messageId } });
    after.events.push({ name: "conversation.changed", payload: { companyId: channel.companyId, conversationId: current.id } });
    return true;
  }

  /** `needsAgent`: it now waits in a queue for routing (a conversation without a queue waits for someone to take it). */
  private conversationFor(channel: Channel, m: NormalizedInbound, after: AfterCommit): { conversationId: number; needsAgent: boolean; blocked: boolean } {
    const now = this.clock.now();
    const contact = this.contactFor(channel, m, after);
    const current = this.conversations.current(contact.id, channel.id);
    if (contact.blocked) {
      if (current) return { conversationId: current.id, needsAgent: false, blocked: true };
      const id = this.conversations.insert({ companyId: channel.companyId, channelId: channel.id, contactId: contact.id, status: "closed", queueId: null, now });
      return { conversationId: id, needsAgent: false, blocked: true };
    }
    if (current && current.status !== "closed") return { conversationId: current.id, needsAgent: false, blocked: false };
    // A customer writing again shortly after a close picks up where they left off.
    const windowMs = channel.reopenWindowMinutes * 60_000;
    if (current && current.closedAt !== null && windowMs > 0 && now - current.closedAt <= windowMs) {
      const status = current.assigneeId ? "open" : this.aiGate.startsWithBot(channel) ? "bot" : "queued";
      this.conversations.reopen(current.id, status, now);
      const line = this.messages.insert(systemLine(current, { event: "reopened_by_customer" }, now));
      after.events.push({ name: "message.created", payload: { companyId: channel.companyId, conversationId: current.id, messageId: line } });
      return { conversationId: current.id, needsAgent: status === "queued" && current.queueId !== null, blocked: false };
    }
    // The AI answers first when the channel says so (AI mode); it hands over to the queue later.
    const status = this.aiGate.startsWithBot(channel) ? "bot" : "queued";
    const id = this.conversations.insert({ companyId: channel.companyId, channelId: channel.id, contactId: contact.id, status, queueId: channel.queueId, now });
    this.meter.conversation({ id, companyId: channel.companyId });
    after.events.push({ name: "conversation.opened", payload: { companyId: channel.companyId, conversationId: id } });
    return { conversationId: id, needsAgent: status === "queued" && channel.queueId !== null, blocked: false };
  }

  /**
   * The sender's contact: found by their identity on this channel; else, for a
   * number the channel vouches for (WhatsApp), the company's contact with that
   * phone (imported or typed in by hand); else a new one. What the customer tells
   * us fills gaps only (a name an agent corrected stays).
   */
  private contactFor(channel: Channel, m: NormalizedInbound, after: AfterCommit): Contact {
    const now = this.clock.now();
    const name = m.profileName?.trim() || null;
    const known = this.contacts.byIdentity(channel.id, m.from);
    if (known) {
      const phone = !known.phone && m.profilePhone ? this.phoneOf(channel, m) : null;
      const newName = known.name ? null : name;
      // Most messages change nothing here: no statement at all (the list's sort time moves in steps).
      const stale = known.lastContactAt === null || m.timestamp - known.lastContactAt >= LAST_CONTACT_STEP_MS;
      if (stale || newName || phone) this.contacts.touch(known.id, m.timestamp, newName, phone);
      if (newName || phone) this.contactIndex.rewrite(known.id);
      return known;
    }
    const phone = m.profilePhone ? this.phoneOf(channel, m) : null;
    const owner = phone && m.phoneVerified ? this.contacts.idsByPhone(channel.companyId, phone)[0] : undefined;
    if (owner !== undefined) {
      this.contacts.linkIdentity(owner, channel.id, m.from, now);
      const c = this.contacts.get(channel.companyId, owner)!;
      this.contacts.touch(owner, m.timestamp, c.name ? null : name, null);
      if (!c.name && name) this.contactIndex.rewrite(owner);
      return c;
    }
    const id = this.contacts.create(channel.companyId, { name: name ?? "", phone, email: null }, now, m.timestamp);
    this.contacts.linkIdentity(id, channel.id, m.from, now);
    this.contactIndex.write(id, { companyId: channel.companyId, name: name ?? "", phone, email: null });
    after.events.push({ name: "contact.changed", payload: { companyId: channel.companyId, contactId: id, listChanged: false, change: "created" } });
    return { id, companyId: channel.companyId, name: name ?? "", phone, email: null, blocked: false, lastContactAt: m.timestamp, createdAt: now };
  }

  /** E.164: as the channel vouches for it, or as the customer typed it (kept only when it is a valid number). */
  private phoneOf(channel: Channel, m: NormalizedInbound): string | null {
    const country = this.companies.get(channel.companyId)?.country ?? "";
    return m.phoneVerified ? channelPhone(m.profilePhone!, country) : normalizePhone(m.profilePhone!, country);
  }

  private findReplyTarget(channelId: number, externalId: string): number | null {
    return this.messages.byExternal(channelId, "out", externalId)?.id ?? this.messages.byExternal(channelId, "in", externalId)?.id ?? null;
  }

  /** Idempotent and monotonic: a repeated or late (out-of-order) status never moves a message backwards. */
  private applyStatus(channel: Channel, s: StatusUpdate, after: AfterCommit): boolean {
    const m = this.messages.byExternal(channel.id, "out", s.externalId) ?? this.confirmByKey(channel, s.idempotencyKey, s.externalId, after);
    // Charged whether or not this status moves the message on (a late "delivered" after "read" still carries the price).
    if (m && s.pricing) this.meter.whatsapp({ id: m.id, companyId: m.companyId, channelId: channel.id, externalId: s.externalId }, s.pricing);
    if (!m || !statusAdvances(m.status, s.status)) return false;
    const failed = s.status === "failed";
    this.messages.setStatus(m.id, s.status, failed ? (s.error?.message ?? "failed") : null, failed ? (s.error?.code ?? null) : null);
    after.events.push({ name: "message.status", payload: { companyId: m.companyId, conversationId: m.conversationId, messageId: m.id } });
    return true;
  }

  /**
   * A provider event names one of our sends by its idempotency key before we
   * recorded the send's answer (the request was cut off, or its answer is still on
   * the way): the send happened. Record its provider id and settle the outbox row,
   * so the dispatcher does not send it again.
   */
  private confirmByKey(channel: Channel, key: string | undefined, externalId: string, after: AfterCommit): MessageRef | null {
    const id = messageIdOfKey(key);
    const m = id === null ? null : this.messages.unconfirmed(channel.id, id);
    if (!m) return null;
    // Confirmed while a cautious resend is on its way: the customer may well get it twice.
    const pending = this.outbox.forMessage(m.id);
    const resent = !!pending && pending.uncertain && pending.sendingSince !== null;
    this.messages.markSent(m.id, externalId, "sent", resent);
    this.outbox.removeForMessage(m.id);
    after.events.push({ name: "message.status", payload: { companyId: m.companyId, conversationId: m.conversationId, messageId: m.id } });
    this.logger.info("send confirmed by the provider", { message: m.id, channel: channel.id });
    return { ...m, status: statusAdvances(m.status, "sent") ? "sent" : m.status };
  }
}
