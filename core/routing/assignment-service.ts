import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { systemLine } from "../conversations/system-lines.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { EventBus } from "../events/bus.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { PresenceService } from "./presence-service.ts";

/**
 * Finds an agent for waiting conversations. Each queue picks by its strategy among
 * its online members who are under the queue's per-agent limit; when nobody is
 * eligible the conversation waits, and waiting ones are handed out oldest first
 * as soon as an agent connects or frees a slot.
 */
@injectable()
export class AssignmentService {
  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  /** Wire the triggers: an agent coming online drains their queues. */
  start(): () => void {
    return this.bus.on("presence.changed", ({ companyId, userId, online }) => {
      if (online) for (const q of this.queues.idsOfUser(userId)) this.drain(companyId, q);
    });
  }

  /** Hands out a queue's waiting conversations, oldest first, while someone is eligible. */
  drain(companyId: number, queueId: number): number {
    let assigned = 0;
    for (;;) {
      const [next] = this.conversations.waiting(queueId, 1);
      if (next === undefined || !this.assign(companyId, next)) return assigned;
      assigned++;
    }
  }

  /** After an agent closes or hands off a conversation: their queues may have work waiting. */
  slotFreed(companyId: number, userId: number): void {
    for (const q of this.queues.idsOfUser(userId)) this.drain(companyId, q);
  }

  /** Tries to assign one waiting conversation; false when nobody is eligible (it keeps waiting). */
  assign(companyId: number, conversationId: number): boolean {
    const result = this.uow.run(() => {
      const c = this.conversations.get(companyId, conversationId);
      if (!c || c.status !== "queued" || c.assigneeId !== null || c.queueId === null) return null;
      const queue = this.queues.get(companyId, c.queueId);
      if (!queue || queue.strategy === "manual") return null;
      const agent = this.pick(queue.id, queue.strategy, queue.maxPerAgent);
      if (agent === null) return null;
      const now = this.clock.now();
      this.conversations.assign(c.id, agent, c.queueId, "open", now);
      this.queues.setLastAssignee(queue.id, agent);
      const name = this.users.byId(agent)?.name ?? "";
      const line = this.messages.insert(systemLine(c, { event: "auto_assigned", to: name, queue: queue.name }, now));
      return { line };
    });
    if (!result) return false;
    this.bus.emit("message.created", { companyId, conversationId, messageId: result.line });
    this.bus.emit("conversation.changed", { companyId, conversationId, previousAssigneeId: null });
    return true;
  }

  private pick(queueId: number, strategy: "round_robin" | "least_busy", maxPerAgent: number): number | null {
    const online = this.queues.memberIds(queueId).filter((id) => this.presenceService.isOnline(id));
    if (online.length === 0) return null;
    const load = this.conversations.openCounts(online);
    const eligible = online.filter((id) => maxPerAgent === 0 || (load.get(id) ?? 0) < maxPerAgent);
    if (eligible.length === 0) return null;
    if (strategy === "least_busy") {
      return eligible.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best), eligible[0]!);
    }
    const last = this.queues.lastAssignee(queueId) ?? 0;
    return eligible.find((id) => id > last) ?? eligible[0]!;
  }
}
