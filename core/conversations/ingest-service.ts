import type { Database } from "bun:sqlite";
import { inject, injectable } from "tsyringe";
import type { Channel } from "../channels/channel.ts";
import type { NormalizedInbound, StatusUpdate } from "../channels/contract.ts";
import type { Clock } from "../clock.ts";
import type { EventBus, Events } from "../events/bus.ts";
import type { AssignmentService } from "../routing/assignment-service.ts";
import { T } from "../tokens.ts";
import type { ContactRepository } from "./contact-repository.ts";
import { statusAdvances } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import type { MessageRepository } from "./message-repository.ts";
import { preview, storedContent } from "./previews.ts";

export interface IngestResult {
  stored: number;
  duplicates: number;
  statuses: number;
}

/**
 * Applies a verified webhook's events in ONE transaction: dedupe on (channel,
 * external id), contact, conversation, message, counters, delivery statuses.
 * The caller answers 200 only after this returns; events go out after commit.
 */
@injectable()
export class IngestService {
  constructor(
    @inject(T.Database) private readonly db: Database,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.AssignmentService) private readonly assignment: AssignmentService,
  ) {}

  apply(channel: Channel, inbound: NormalizedInbound[], statuses: StatusUpdate[]): IngestResult {
    const events: { name: keyof Events; payload: Events[keyof Events] }[] = [];
    const toAssign = new Set<number>();
    const result = this.db.transaction(() => {
      const r: IngestResult = { stored: 0, duplicates: 0, statuses: 0 };
      for (const m of inbound) {
        if (this.messages.inboundExists(channel.id, m.externalId)) {
          r.duplicates++;
          continue;
        }
        const { conversationId, isNew } = this.conversationFor(channel, m);
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
        this.conversations.touchInbound(conversationId, m.timestamp, preview(content.kind, content.text, content.payload));
        if (isNew) toAssign.add(conversationId);
        events.push({ name: "message.created", payload: { companyId: channel.companyId, conversationId, messageId } });
        events.push({ name: "conversation.changed", payload: { companyId: channel.companyId, conversationId } });
        r.stored++;
      }
      for (const s of statuses) if (this.applyStatus(channel, s, events)) r.statuses++;
      return r;
    }).immediate();
    for (const e of events) this.bus.emit(e.name, e.payload as never);
    for (const id of toAssign) this.assignment.assign(channel.companyId, id);
    return result;
  }

  private conversationFor(channel: Channel, m: NormalizedInbound): { conversationId: number; isNew: boolean } {
    const now = this.clock.now();
    let contact = this.contacts.byIdentity(channel.id, m.from);
    if (!contact) {
      const id = this.contacts.insert(channel.companyId, channel.id, m.from, m.profileName?.trim() ?? "", m.profilePhone ?? null, now);
      contact = { id, companyId: channel.companyId, name: m.profileName ?? "", phone: m.profilePhone ?? null };
    } else {
      this.contacts.complete(contact.id, m.profileName?.trim(), m.profilePhone, now);
    }
    const current = this.conversations.current(contact.id, channel.id);
    if (current && current.status !== "closed") return { conversationId: current.id, isNew: false };
    // A customer writing again shortly after a close picks up where they left off.
    const windowMs = channel.reopenWindowMinutes * 60_000;
    if (current && current.closedAt !== null && windowMs > 0 && now - current.closedAt <= windowMs) {
      this.conversations.reopen(current.id, current.assigneeId ? "open" : "queued", now);
      this.messages.insert({
        conversationId: current.id,
        companyId: channel.companyId,
        channelId: channel.id,
        direction: "in",
        author: "system",
        kind: "event",
        payload: { event: "reopened_by_customer" },
        status: "received",
        createdAt: now,
      });
      return { conversationId: current.id, isNew: !current.assigneeId };
    }
    const id = this.conversations.insert({ companyId: channel.companyId, channelId: channel.id, contactId: contact.id, status: "queued", queueId: channel.queueId, now });
    return { conversationId: id, isNew: true };
  }

  private findReplyTarget(channelId: number, externalId: string): number | null {
    return this.messages.byExternal(channelId, "out", externalId)?.id ?? this.messages.byExternal(channelId, "in", externalId)?.id ?? null;
  }

  /** Idempotent and monotonic: a repeated or late (out-of-order) status never moves a message backwards. */
  private applyStatus(channel: Channel, s: StatusUpdate, events: { name: keyof Events; payload: Events[keyof Events] }[]): boolean {
    const m = this.messages.byExternal(channel.id, "out", s.externalId);
    if (!m || !statusAdvances(m.status, s.status)) return false;
    this.messages.setStatus(m.id, s.status, s.status === "failed" ? (s.error?.message ?? "failed") : null);
    events.push({ name: "message.status", payload: { companyId: m.companyId, conversationId: m.conversationId, messageId: m.id } });
    return true;
  }
}
