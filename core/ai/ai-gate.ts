import { inject, injectable } from "tsyringe";
import type { Channel } from "../channels/channel.ts";
import type { Availability } from "../routing/availability.ts";
import { T } from "../tokens.ts";
import type { AiSettingsRepository } from "./ai-settings-repository.ts";

/**
 * Whether a new conversation on a channel starts with the AI (status "bot")
 * instead of waiting for an agent: AI on for the company, and the channel's mode
 * says always, or only when nobody of its queue is online and nobody is.
 * Runs inside the ingest transaction: reads only.
 */
@injectable()
export class AiGate {
  constructor(
    @inject(T.AiSettingsRepository) private readonly settings: AiSettingsRepository,
    @inject(T.Availability) private readonly availability: Availability,
  ) {}

  startsWithAi(channel: Pick<Channel, "companyId" | "queueId" | "aiMode">): boolean {
    if (channel.aiMode === "off") return false;
    if (!this.settings.get(channel.companyId)?.enabled) return false;
    return channel.aiMode === "always" || !this.availability.anyoneOnline(channel);
  }
}
