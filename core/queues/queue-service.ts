import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import { API_PAGE_SIZE, paged, toSlice, type Page, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import { STRATEGIES, type AssignmentStrategy, type Queue, type QueueInput, type QueueListItem } from "./queue.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { QueueRepository } from "./queue-repository.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { AssignmentService } from "../routing/assignment-service.ts";

const MAX_NAME = 60;

@injectable()
export class QueueService {
  constructor(
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.AssignmentService) private readonly assignmentService: AssignmentService,
  ) {}

  page(scope: Scope, page: number): Page<QueueListItem> {
    return paged(page, (limit, offset) => this.queues.page(scope.companyId, limit, offset));
  }

  slice(scope: Scope, after: number, limit = API_PAGE_SIZE): Slice<QueueListItem> {
    return toSlice(this.queues.after(scope.companyId, after, limit + 1), limit);
  }

  options(scope: Scope): { id: number; name: string }[] {
    return this.queues.options(scope.companyId);
  }

  get(scope: Scope, id: number): Queue {
    return found(this.queues.get(scope.companyId, id));
  }

  create(scope: Scope, input: QueueInput): Queue {
    const valid = this.validate(scope, input, 0);
    return this.uow.run(() => {
      const id = this.queues.insert(scope.companyId, valid, this.clock.now());
      return this.queues.get(scope.companyId, id)!;
    });
  }

  update(scope: Scope, id: number, input: QueueInput): Queue {
    this.get(scope, id);
    this.queues.update(scope.companyId, id, this.validate(scope, input, id));
    return this.get(scope, id);
  }

  usage(scope: Scope, id: number): { members: number; openConversations: number } {
    this.get(scope, id);
    return this.queues.usage(scope.companyId, id);
  }

  /**
   * Deletes a queue. Its conversations still going move to `moveTo` (and are routed
   * there), or stay where they are without a queue (waiting for someone to take them).
   */
  delete(scope: Scope, id: number, moveTo: number | null = null): number {
    this.get(scope, id);
    if (moveTo !== null && (moveTo === id || !this.queues.get(scope.companyId, moveTo))) throw AppError.invalid({ moveTo: "queue.error.move_target" });
    const moved = this.uow.run(() => {
      const ids = moveTo !== null ? this.conversations.moveQueue(scope.companyId, id, moveTo) : [];
      this.queues.delete(scope.companyId, id);
      return ids;
    });
    if (moveTo !== null) this.assignmentService.drain(scope.companyId, moveTo);
    return moved.length;
  }

  private validate(scope: Scope, input: QueueInput, exceptId: number): { name: string; strategy: AssignmentStrategy; maxPerAgent: number } {
    const errors: Record<string, MessageKey> = {};
    const name = input.name.trim().replace(/\s+/g, " ");
    if (!name) errors.name = "queue.error.name_required";
    else if (name.length > MAX_NAME) errors.name = "queue.error.name_too_long";
    else if (this.queues.nameTaken(scope.companyId, name, exceptId)) errors.name = "queue.error.name_taken";
    if (!(STRATEGIES as readonly string[]).includes(input.strategy)) errors.strategy = "queue.error.strategy_invalid";
    if (!Number.isInteger(input.maxPerAgent) || input.maxPerAgent < 0 || input.maxPerAgent > 1000) errors.maxPerAgent = "queue.error.max_invalid";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { name, strategy: input.strategy as AssignmentStrategy, maxPerAgent: input.maxPerAgent };
  }
}
