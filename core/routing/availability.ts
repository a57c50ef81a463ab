import { inject, injectable } from "tsyringe";
import type { Channel } from "../channels/channel.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { PresenceService } from "./presence-service.ts";

/**
 * Whether someone could answer a channel's customers now: an online member of its
 * queue (a channel without a queue: any online agent of the company). The web
 * chat's "nobody online" notice and the AI's "only when no agent is online" mode
 * ask the same question.
 */
@injectable()
export class Availability {
  constructor(
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
  ) {}

  anyoneOnline(channel: Pick<Channel, "companyId" | "queueId">): boolean {
    const ids = channel.queueId !== null ? this.queues.memberIds(channel.queueId) : this.users.agentOptions(channel.companyId).map((a) => a.id);
    return ids.some((id) => this.presenceService.isOnline(id));
  }
}
