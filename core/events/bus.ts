/**
 * Typed in-process event bus. Events are emitted after the transaction that
 * caused them commits, so a subscriber never sees data that may roll back.
 * Subscribers run synchronously in emit order; one that throws is logged by the
 * caller-supplied handler and does not stop the others.
 */
export interface Events {
  /** A message was stored (inbound, outbound, bot or system line). */
  "message.created": { companyId: number; conversationId: number; messageId: number };
  /** A customer's message was stored (not an echo, not from a blocked contact): automatic answers may follow. */
  "message.received": { companyId: number; conversationId: number; messageId: number };
  /** Delivery status or failure of an outbound message changed. */
  "message.status": { companyId: number; conversationId: number; messageId: number };
  /** Status, queue, assignee, counters or preview of a conversation changed. */
  "conversation.changed": { companyId: number; conversationId: number; previousAssigneeId?: number | null };
  /** An agent opened a conversation with unread customer messages. */
  "conversation.read": { companyId: number; conversationId: number };
  /**
   * What a user may see changed (deactivated, password reset, role or queues changed):
   * their live streams end and reconnect with their current rights, or not at all.
   */
  "user.access_changed": { companyId: number; userId: number };
  /**
   * A contact's data changed (fields, tags, notes, blocking, merge, erasure): side
   * panels showing it refresh. `contactId` 0: many contacts (a tag renamed).
   * `listChanged`: what the inbox list shows (name, phone) changed too.
   */
  "contact.changed": {
    companyId: number;
    contactId: number;
    listChanged: boolean;
    /** What happened, for outbound webhooks (absent: "updated"); "note": only its internal notes; "merged_away": merged into another. */
    change?: "created" | "updated" | "merged" | "merged_away" | "erased" | "note";
    /** On "merged": the contact that was merged into this one (and is gone). */
    mergedId?: number;
  };
  /** A conversation began: a customer's first message, or a new one after the last was finalized. */
  "conversation.opened": { companyId: number; conversationId: number };
  /** An outbound webhook delivery was queued. */
  "webhook.queued": Record<string, never>;
  /** An agent became available or unavailable. */
  "presence.changed": { companyId: number; userId: number; online: boolean };
  /** A send was queued in the outbox. */
  "outbox.queued": { channelId: number };
  /** Inbound media is waiting to be fetched from the provider. */
  "media.queued": Record<string, never>;
}

type Handler<K extends keyof Events> = (payload: Events[K]) => void;

export class EventBus {
  private readonly handlers = new Map<keyof Events, Set<Handler<never>>>();

  constructor(private readonly onError: (event: string, error: unknown) => void = () => {}) {}

  on<K extends keyof Events>(event: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set!.delete(handler as Handler<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const h of this.handlers.get(event) ?? []) {
      try {
        (h as Handler<K>)(payload);
      } catch (e) {
        this.onError(event, e);
      }
    }
  }
}
