import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { AssignmentService } from "../routing/assignment-service.ts";
import type { PresenceService } from "../routing/presence-service.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { Conversation, ConversationFilter, ConversationListItem, Message, Visibility } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import type { MessageRepository } from "./message-repository.ts";
import { systemLine, type SystemEvent } from "./system-lines.ts";

/** Who acts: a panel user, or an API token (no person: `userId` null, sees the whole company). */
export interface Actor {
  companyId: number;
  userId: number | null;
  name: string;
  role: Viewer["role"] | "api";
}

export function actorOf(viewer: Viewer): Actor {
  return { companyId: viewer.companyId!, userId: viewer.userId, name: viewer.name, role: viewer.role };
}

/** Agents see their own and their queues' conversations; everybody else the whole company. */
export function visibilityOf(actor: Actor): Visibility {
  return { companyId: actor.companyId, restrictToUserId: actor.role === "agent" ? actor.userId : null };
}

/** Where a transfer left the conversation, for the message the agent sees. */
export type TransferOutcome = { kind: "agent"; name: string; online: boolean } | { kind: "queue"; queue: string; assignee: string | null };

/**
 * What agents do with conversations: read, take, transfer, finalize, reopen
 * (answers are ReplyService's). Every change writes its system line in the same
 * transaction, then tells the bus after commit.
 */
@injectable()
export class ConversationService {
  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.AssignmentService) private readonly assignmentService: AssignmentService,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  list(actor: Actor, filter: ConversationFilter, limit: number): ConversationListItem[] {
    return this.conversations.list(visibilityOf(actor), filter, limit);
  }

  /** The conversation, if this actor may see it; 404 otherwise (no hint that it exists). */
  get(actor: Actor, id: number): ConversationListItem {
    const c = this.conversations.item(actor.companyId, id);
    return found(c && this.canSee(actor, c) ? c : null);
  }

  /**
   * Writing into a conversation someone else has: an agent takes it first; a
   * supervisor or admin may, once they confirm (the assignee sees it live). The API
   * acts for the company and writes freely.
   */
  writeAccess(actor: Actor, c: Pick<Conversation, "assigneeId">): "write" | "take_first" | "confirm" {
    if (c.assigneeId === null || actor.userId === null || c.assigneeId === actor.userId) return "write";
    return actor.role === "agent" ? "take_first" : "confirm";
  }

  canSee(actor: Actor, c: Conversation): boolean {
    if (c.companyId !== actor.companyId) return false;
    return actor.role !== "agent" || c.assigneeId === actor.userId || this.conversations.visibleTo(actor.userId!, c.id);
  }

  /** The ids of those conversations this actor may see: canSee for many, in at most one query. */
  visibleAmong(actor: Actor, cs: readonly Conversation[]): Set<number> {
    const own = cs.filter((c) => c.companyId === actor.companyId);
    if (actor.role !== "agent") return new Set(own.map((c) => c.id));
    const visible = new Set(own.filter((c) => c.assigneeId === actor.userId).map((c) => c.id));
    const rest = own.filter((c) => !visible.has(c.id)).map((c) => c.id);
    if (rest.length) for (const id of this.conversations.visibleAmong(actor.userId!, rest)) visible.add(id);
    return visible;
  }

  messagesPage(actor: Actor, id: number, limit: number, beforeId?: number): Message[] {
    this.get(actor, id);
    return this.messages.page(actor.companyId, id, limit, beforeId);
  }

  messagesAfter(actor: Actor, id: number, afterId: number, limit: number): Message[] {
    this.get(actor, id);
    return this.messages.after(actor.companyId, id, afterId, limit);
  }

  message(actor: Actor, messageId: number): Message {
    const m = found(this.messages.get(actor.companyId, messageId));
    this.get(actor, m.conversationId);
    return m;
  }

  /** Opening a conversation clears its unread badge and tells the channel the customer's messages were read. */
  markRead(actor: Actor, id: number): void {
    const c = this.get(actor, id);
    if (c.unreadCount > 0) {
      this.conversations.markRead(id);
      this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId: id });
      this.bus.emit("conversation.read", { companyId: actor.companyId, conversationId: id });
    }
  }

  take(actor: Actor, id: number): void {
    if (actor.userId === null) throw AppError.forbidden();
    const c = this.get(actor, id);
    if (c.assigneeId === actor.userId && c.status === "open") return;
    this.change(actor, c, { assigneeId: actor.userId, queueId: c.queueId, status: "open" }, { event: "taken", by: actor.name });
  }

  /**
   * To a queue (its next online agent gets it, never the one who handed it back;
   * with nobody else it waits there) or straight to an agent. `confirmOffline`:
   * a person handing it to an agent who is not connected must say so (the panel asks).
   */
  transfer(actor: Actor, id: number, to: { queueId?: number | null; assigneeId?: number | null }, opts: { offlineNeedsConfirm?: boolean; confirmOffline?: boolean } = {}): TransferOutcome {
    const c = this.get(actor, id);
    if (c.status === "closed") throw new AppError(409, "conversation_closed", "inbox.error.closed");
    const queueId = to.queueId ?? c.queueId;
    const queue = queueId !== null ? this.queues.get(actor.companyId, queueId) : null;
    if (to.queueId != null && !queue) throw AppError.invalid({ queueId: "inbox.error.queue_invalid" });
    if (to.assigneeId != null) {
      const agent = this.users.get(actor.companyId, to.assigneeId);
      if (!agent || !agent.active) throw AppError.invalid({ assigneeId: "inbox.error.agent_invalid" });
      const online = this.presenceService.isOnline(agent.id);
      if (!online && opts.offlineNeedsConfirm && !opts.confirmOffline) throw new AppError(409, "agent_offline", "inbox.error.agent_offline", { name: agent.name });
      this.change(actor, c, { assigneeId: agent.id, queueId, status: "open" }, { event: "transferred_agent", by: actor.name, to: agent.name, queue: queue?.name ?? null });
      return { kind: "agent", name: agent.name, online };
    }
    if (!queue) throw AppError.invalid({ queueId: "inbox.error.queue_invalid" });
    this.change(actor, c, { assigneeId: null, queueId: queue.id, status: "queued", avoid: actor.userId }, { event: "transferred_queue", by: actor.name, queue: queue.name });
    this.assignmentService.assign(actor.companyId, id);
    const now = this.conversations.item(actor.companyId, id)!;
    return { kind: "queue", queue: queue.name, assignee: now.assigneeName };
  }

  close(actor: Actor, id: number, note: string | null): void {
    const c = this.get(actor, id);
    if (c.status === "closed") return;
    const trimmed = note?.trim().slice(0, 1000) || null;
    const now = this.clock.now();
    const lineId = this.uow.run(() => {
      this.conversations.close(id, actor.userId, trimmed, now);
      return this.messages.insert(systemLine(c, { event: "closed", by: actor.name, note: trimmed }, now));
    });
    this.bus.emit("message.created", { companyId: actor.companyId, conversationId: id, messageId: lineId });
    this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId: id, previousAssigneeId: c.assigneeId });
    if (c.assigneeId !== null) this.assignmentService.slotFreed(actor.companyId, c.assigneeId);
  }

  /**
   * A bot (the AI, a bot program) hands a conversation still in "bot" to its queue:
   * the line says why, routing gives it to someone. Nothing happens when a person
   * already took it (it is no longer "bot").
   */
  leaveBot(c: Conversation, line: SystemEvent): void {
    const now = this.clock.now();
    const lineId = this.uow.run(() => {
      const current = this.conversations.get(c.companyId, c.id);
      if (!current || current.status !== "bot") return null;
      this.conversations.assign(c.id, null, current.queueId, "queued", now);
      return this.messages.insert(systemLine(c, line, now));
    });
    if (lineId === null) return;
    this.bus.emit("message.created", { companyId: c.companyId, conversationId: c.id, messageId: lineId });
    this.bus.emit("conversation.changed", { companyId: c.companyId, conversationId: c.id });
    if (c.queueId !== null) this.assignmentService.assign(c.companyId, c.id);
  }

  /**
   * Back to work. A customer has at most one conversation going per channel (a
   * unique index says so), so a finalized one cannot be reopened while another runs.
   */
  reopen(actor: Actor, id: number): void {
    const c = this.get(actor, id);
    if (c.status !== "closed") return;
    const now = this.clock.now();
    const assignee = actor.userId ?? c.assigneeId;
    const lineId = this.uow.run(() => {
      if (this.conversations.going(c.contactId, c.channelId)) throw new AppError(409, "newer_conversation_open", "inbox.error.newer_open");
      this.conversations.reopen(id, "open", now);
      this.conversations.assign(id, assignee, c.queueId, assignee ? "open" : "queued", now);
      return this.messages.insert(systemLine(c, { event: "reopened", by: actor.name }, now));
    });
    this.bus.emit("message.created", { companyId: actor.companyId, conversationId: id, messageId: lineId });
    this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId: id, previousAssigneeId: c.assigneeId });
    if (!assignee) this.assignmentService.assign(actor.companyId, id);
  }

  private change(
    actor: Actor,
    c: Conversation,
    next: { assigneeId: number | null; queueId: number | null; status: "open" | "queued"; avoid?: number | null },
    line: SystemEvent,
  ): void {
    const now = this.clock.now();
    const lineId = this.uow.run(() => {
      this.conversations.assign(c.id, next.assigneeId, next.queueId, next.status, now, next.avoid ?? null);
      return this.messages.insert(systemLine(c, line, now));
    });
    this.bus.emit("message.created", { companyId: actor.companyId, conversationId: c.id, messageId: lineId });
    this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId: c.id, previousAssigneeId: c.assigneeId });
    if (c.assigneeId !== null && c.assigneeId !== next.assigneeId) this.assignmentService.slotFreed(actor.companyId, c.assigneeId);
  }
}
