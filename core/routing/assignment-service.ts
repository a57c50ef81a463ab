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

/** What became of one attempt: someone got it, or it waits (for anyone, or for anyone but the one who handed it back). */
export type AssignOutcome = "assigned" | "nobody" | "only_avoided" | "not_waiting";
const DRAIN_BATCH = 50;

/**
 * Finds an agent for waiting conversations. Each queue picks by its strategy among
 * its online members who are under the queue's per-agent limit; when nobody is
 * eligible the conversation waits, and waiting ones are handed out oldest first
 * as soon as an agent connects or frees a slot. A conversation an agent handed
 * back to the queue is never routed straight back to that agent.
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

  /**
   * Hands out a queue's waiting conversations, oldest first, while someone is
   * eligible. One that only its sender could take is passed over, not a reason to stop.
   */
  drain(companyId: number, queueId: number): number {
    let assigned = 0;
    for (const id of this.conversations.waiting(queueId, DRAIN_BATCH)) {
      const outcome = this.assign(companyId, id);
      if (outcome === "assigned") assigned++;
      else if (outcome === "nobody") break;
    }
    return assigned;
  }

  /** After an agent closes or hands off a conversation: their queues may have work waiting. */
  slotFreed(companyId: number, userId: number): void {
    for (const q of this.queues.idsOfUser(userId)) this.drain(companyId, q);
  }

  /** Tries to assign one waiting conversation; otherwise it keeps waiting. */
  assign(companyId: number, conversationId: number): AssignOutcome {
    const result = this.uow.run((): { outcome: AssignOutcome; line?: number } => {
      const c = this.conversations.get(companyId, conversationId);
      if (!c || c.status !== "queued" || c.assigneeId !== null || c.queueId === null) return { outcome: "not_waiting" };
      const queue = this.queues.get(companyId, c.queueId);
      if (!queue || queue.strategy === "manual") return { outcome: "nobody" };
      const eligible = this.eligible(queue.id, queue.maxPerAgent);
      const candidates = eligible.filter((id) => id !== c.avoidAssigneeId);
      if (candidates.length === 0) return { outcome: eligible.length ? "only_avoided" : "nobody" };
      const agent = this.pick(queue.id, queue.strategy as "round_robin" | "least_busy", candidates);
      const now = this.clock.now();
      this.conversations.assign(c.id, agent, c.queueId, "open", now);
      this.queues.setLastAssignee(queue.id, agent);
      const name = this.users.byId(agent)?.name ?? "";
      return { outcome: "assigned", line: this.messages.insert(systemLine(c, { event: "auto_assigned", to: name, queue: queue.name }, now)) };
    });
    if (result.outcome !== "assigned") return result.outcome;
    this.bus.emit("message.created", { companyId, conversationId, messageId: result.line! });
    this.bus.emit("conversation.changed", { companyId, conversationId, previousAssigneeId: null });
    return "assigned";
  }

  /** Online members under the queue's per-agent limit, in id order. */
  private eligible(queueId: number, maxPerAgent: number): number[] {
    const online = this.queues.memberIds(queueId).filter((id) => this.presenceService.isOnline(id));
    if (online.length === 0 || maxPerAgent === 0) return online;
    const load = this.conversations.openCounts(online);
    return online.filter((id) => (load.get(id) ?? 0) < maxPerAgent);
  }

  private pick(queueId: number, strategy: "round_robin" | "least_busy", candidates: number[]): number {
    if (strategy === "least_busy") {
      const load = this.conversations.openCounts(candidates);
      return candidates.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best), candidates[0]!);
    }
    const last = this.queues.lastAssignee(queueId) ?? 0;
    return candidates.find((id) => id > last) ?? candidates[0]!;
  }
}
