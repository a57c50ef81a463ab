import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { ContactService } from "../contacts/contact-service.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { SystemEventName } from "../conversations/system-lines.ts";
import { contactJson, conversationJson, messageJson } from "../api/serializers.ts";
import type { WebhookEvent } from "./events.ts";
import type { SubscriptionCache } from "./subscription-cache.ts";
import type { WebhookDeliveryRepository } from "./delivery-repository.ts";

export const RETRY_WINDOW_MS = 24 * 3_600_000;

/** What a system line in a conversation means to an integrator. */
const LINE_EVENTS: Partial<Record<SystemEventName, WebhookEvent>> = {
  auto_assigned: "conversation.assigned",
  taken: "conversation.assigned",
  transferred_queue: "conversation.transferred",
  transferred_agent: "conversation.transferred",
  closed: "conversation.finalized",
  reopened: "conversation.opened",
  reopened_by_customer: "conversation.opened",
  bot_handoff: "bot.handoff",
  ai_handoff: "ai.handoff",
};

/** Events a stored outbound message or history line may be. */
const OUTBOUND_EVENTS: readonly WebhookEvent[] = ["message.sent", ...new Set(Object.values(LINE_EVENTS))];

/**
 * Turns what happened (the bus's after-commit events) into deliveries for every
 * subscription that wants it: one row per subscription, written in one
 * transaction, whose data is the API's own JSON of the message, conversation or
 * contact at that moment. A company without subscriptions costs a map lookup.
 *
 * Events are recorded right after the commit that caused them, in the same
 * synchronous turn; once recorded they survive restarts (the dispatcher's outbox).
 */
@injectable()
export class WebhookEventRecorder {
  constructor(
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.SubscriptionCache) private readonly cache: SubscriptionCache,
    @inject(T.WebhookDeliveryRepository) private readonly deliveries: WebhookDeliveryRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.ContactService) private readonly contacts: ContactService,
  ) {}

  start(): () => void {
    const offs = [
      this.bus.on("message.received", (e) => this.record(e.companyId, "message.received", `c:${e.conversationId}`, () => this.messageData(e.companyId, e.messageId))),
      this.bus.on("message.created", (e) => this.onMessageCreated(e.companyId, e.conversationId, e.messageId)),
      this.bus.on("message.status", (e) => this.record(e.companyId, "message.status", `c:${e.conversationId}`, () => this.messageData(e.companyId, e.messageId))),
      this.bus.on("conversation.opened", (e) => this.record(e.companyId, "conversation.opened", `c:${e.conversationId}`, () => this.conversationData(e.companyId, e.conversationId, null))),
      this.bus.on("contact.changed", (e) => this.onContactChanged(e.companyId, e.contactId, e.change ?? "updated", e.mergedId)),
    ];
    return () => offs.forEach((off) => off());
  }

  private onMessageCreated(companyId: number, conversationId: number, messageId: number): void {
    // Cheap test first: most messages are customers' (message.received covers them).
    if (!this.cache.any(companyId, OUTBOUND_EVENTS)) return;
    const m = this.messages.get(companyId, messageId);
    if (!m || m.direction !== "out") return;
    if (m.author === "system") {
      const line = (m.payload as { event?: SystemEventName } | null)?.event;
      const event = line ? LINE_EVENTS[line] : undefined;
      if (event) this.record(companyId, event, `c:${conversationId}`, () => this.conversationData(companyId, conversationId, m.payload));
    } else {
      this.record(companyId, "message.sent", `c:${conversationId}`, () => this.messageData(companyId, messageId));
    }
  }

  private onContactChanged(companyId: number, contactId: number, change: string, mergedId: number | undefined): void {
    // contactId 0: many contacts at once (a tag renamed): not an event about one person.
    if (contactId === 0) return;
    const events: Record<string, WebhookEvent> = { created: "contact.created", updated: "contact.updated", merged: "contact.merged", erased: "contact.erased" };
    const event = events[change];
    if (!event) return;
    const key = `k:${contactId}`;
    // An erased person's data is gone: integrators get the id only, to erase their copy.
    if (event === "contact.erased") return this.record(companyId, event, key, () => ({ contactId }));
    this.record(companyId, event, key, () => {
      const contact = this.contactData(companyId, contactId);
      return contact && event === "contact.merged" ? { ...contact, mergedContactId: mergedId ?? null } : contact;
    });
  }

  private record(companyId: number, event: WebhookEvent, orderKey: string, data: () => object | null): void {
    const ids = this.cache.wanting(companyId, event);
    if (ids.length === 0) return;
    try {
      const payload = data();
      if (!payload) return;
      const json = JSON.stringify(payload);
      const now = this.clock.now();
      this.uow.run(() => {
        for (const subscriptionId of ids) this.deliveries.enqueue({ subscriptionId, companyId, event, orderKey, data: json, now, expiresAt: now + RETRY_WINDOW_MS });
      });
      this.bus.emit("webhook.queued", {});
    } catch (error) {
      this.logger.error("webhook event could not be recorded", { companyId, event, error });
    }
  }

  private messageData(companyId: number, messageId: number): object | null {
    const m = this.messages.get(companyId, messageId);
    if (!m) return null;
    const c = this.conversations.item(companyId, m.conversationId);
    return { message: messageJson(m), conversation: c ? conversationJson(c) : null };
  }

  private conversationData(companyId: number, conversationId: number, line: unknown): object | null {
    const c = this.conversations.item(companyId, conversationId);
    if (!c) return null;
    return line ? { conversation: conversationJson(c), change: line } : { conversation: conversationJson(c) };
  }

  private contactData(companyId: number, contactId: number): Record<string, unknown> | null {
    const actor: Actor = { companyId, userId: null, name: "webhooks", role: "api" };
    try {
      return { contact: contactJson(this.contacts.get(actor, contactId), this.contacts.template(actor)) };
    } catch {
      return null;
    }
  }
}
