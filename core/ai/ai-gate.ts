import { inject, injectable } from "tsyringe";
import type { Channel } from "../channels/channel.ts";
import type { BotRepository } from "../bot/bot-repository.ts";
import type { Availability } from "../routing/availability.ts";
import { T } from "../tokens.ts";
import type { AiSettingsRepository } from "./ai-settings-repository.ts";

/**
 * Whether a new conversation on a channel starts with a bot (status "bot"): the
 * channel's published bot program, or the AI
 * instead of waiting for an agent: AI on for the company, and the channel's mode
 * says always, or only when nobody of its queue is online and nobody is.
 * Runs inside the ingest transaction: reads only.
 */
@injectable()
export class AiGate {
  constructor(
    @inject(T.AiSettingsRepository) private readonly settings: AiSettingsRepository,
    @inject(T.Availability) private readonly availability: Availability,
    @inject(T.BotRepository) private readonly bots: BotRepository,
  ) {}

  startsWithBot(channel: Pick<Channel, "id" | "companyId" | "queueId" | "aiMode">): boolean {
    return this.bots.forChannel(channel.id) !== null || this.startsWithAi(channel);
  }

  startsWithAi(channel: Pick<Channel, "companyId" | "queueId" | "aiMode">): boolean {
    if (channel.aiMode === "off") return false;
    if (!this.settings.get(channel.companyId)?.enabled) return false;
    return channel.aiMode === "always" || !this.availability.anyoneOnline(channel);
  }
}
