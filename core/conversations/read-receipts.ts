import { inject, injectable } from "tsyringe";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { ChannelRuntime } from "../channels/channel-runtime.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import type { ContactRepository } from "../contacts/contact-repository.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import type { MessageRepository } from "./message-repository.ts";

/**
 * When an agent opens a conversation with unread messages, the customer's channel
 * is told they were read (WhatsApp blue ticks). Best effort, after the page has
 * answered: a provider hiccup is logged, never shown as an error to the agent.
 */
@injectable()
export class ReadReceipts {
  constructor(
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
  ) {}

  start(): () => void {
    return this.bus.on("conversation.read", ({ companyId, conversationId }) => {
      void this.send(companyId, conversationId).catch((error) => this.logger.warn("mark as read failed", { conversation: conversationId, error }));
    });
  }

  private async send(companyId: number, conversationId: number): Promise<void> {
    const c = this.conversations.get(companyId, conversationId);
    const last = this.messages.lastInbound(conversationId);
    const channel = c ? this.channels.byId(c.channelId) : null;
    if (!c || !last?.externalId || !channel) return;
    const instance = await this.runtime.instance(channel);
    const to = this.contacts.externalIdFor(c.contactId, channel.id);
    if (instance.markRead && to) await instance.markRead(to, last.externalId);
  }
}
