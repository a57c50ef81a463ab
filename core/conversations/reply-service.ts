import { inject, injectable } from "tsyringe";
import { insufficientBalance, type BalancePolicy } from "../billing/balance-policy.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { PluginManifest } from "../channels/contract.ts";
import type { PluginRegistry } from "../channels/registry.ts";
import type { TemplateRepository } from "../channels/template-repository.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { worded } from "../i18n/index.ts";
import { AppError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { MediaRepository } from "../media/media-repository.ts";
import { T } from "../tokens.ts";
import type { ConversationListItem, Message } from "./conversation.ts";
import type { ConversationRepository } from "./conversation-repository.ts";
import type { Actor, ConversationService } from "./conversation-service.ts";
import { mediaTypeOf } from "./media-types.ts";
import type { MessageRepository, NewMessage } from "./message-repository.ts";
import { allowsFreeText, allowsTemplates, windowState, type WindowState } from "./messaging-window.ts";
import type { OutboxRepository } from "./outbox-repository.ts";
import { preview } from "./previews.ts";

export const MAX_TEXT = 4096;
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

export interface ReplyInput {
  text?: string;
  file?: { bytes: Uint8Array; mimeType: string; filename: string };
  /** Quote this message (WhatsApp shows the quote to the customer). */
  replyToId?: number | null;
  /** The composer's submission id: the same submission twice stores one message. */
  submissionKey?: string | null;
  /** A supervisor or admin confirmed writing into a conversation another person has. */
  intervene?: boolean;
  /** A file already stored for the company (a canned response's attachment), sent instead of `file`. */
  mediaId?: number | null;
  /** Who wrote it when nobody did: an automatic canned answer or the AI (agents see it marked). */
  origin?: "auto_response" | "ai" | "bot";
}

/** A bot menu (see OutboundMessage content "interactive"). */
export interface MenuInput {
  text: string;
  options: { id: string; title: string }[];
  /** The label of the button that opens a list. */
  button: string;
}

export interface TemplateInput {
  name: string;
  language: string;
  parameters: string[];
  intervene?: boolean;
}

/**
 * Everything that sends to the customer: text and files, templates, reactions,
 * retries. Each is stored as pending with its outbox row in one transaction; the
 * channel's window rules are checked here, not only in the composer.
 */
/** A free-form answer (text, media, a menu), as the rate table sees it. */
const FREE_FORM = { kind: "text", payload: null };

@injectable()
export class ReplyService {
  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.OutboxRepository) private readonly outbox: OutboxRepository,
    @inject(T.MediaRepository) private readonly media: MediaRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.TemplateRepository) private readonly templates: TemplateRepository,
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.BalancePolicy) private readonly balance: BalancePolicy,
  ) {}

  /** What the composer may offer now, for a conversation the caller has already fetched (and checked). */
  windowFor(c: Pick<ConversationListItem, "channelId" | "lastInboundAt">): { state: WindowState; manifest: PluginManifest } {
    const manifest = this.manifest(c.channelId);
    return { state: windowState(manifest, c.lastInboundAt, this.clock.now()), manifest };
  }

  /** The longest text one message may carry on this channel (the provider's limit, within ours). */
  maxTextFor(channelId: number): number {
    const channel = this.channels.byId(channelId);
    const manifest = channel ? this.registry.get(channel.pluginId)?.manifest : undefined;
    return Math.min(manifest?.maxTextLength ?? MAX_TEXT, MAX_TEXT);
  }

  send(actor: Actor, id: number, input: ReplyInput): Message {
    const c = this.open(actor, id);
    const key = input.submissionKey?.trim().slice(0, 64) || null;
    // Already stored (a double click, or the browser sent the form again): the same message, not a second one.
    const earlier = key ? this.messages.bySubmission(c.id, key) : null;
    if (earlier) return this.messages.get(actor.companyId, earlier)!;
    this.mayWrite(actor, c, input.intervene === true);
    // Browsers send a textarea's line breaks as CRLF: the customer gets plain line breaks.
    const text = (input.text ?? "").replace(/\r\n?/g, "\n").trim();
    const stored = input.mediaId ? this.media.info(actor.companyId, input.mediaId) : null;
    if (input.mediaId && !stored) throw AppError.invalid({ file: "inbox.error.file_unknown" });
    if (!text && !input.file && !stored) throw AppError.invalid({ text: "inbox.error.empty_message" });
    // The channel's own limit (Messenger 2,000): a longer text would only fail at the provider.
    const max = this.maxTextFor(c.channelId);
    if (text.length > max) throw AppError.invalid({ text: worded("inbox.error.too_long", { max }) });
    if (input.file && input.file.bytes.byteLength > MAX_UPLOAD_BYTES) throw AppError.invalid({ file: "inbox.error.file_too_big" });
    this.freeTextAllowed(actor, c);
    this.priced(c, FREE_FORM);
    const replyToId = input.replyToId ? this.conversationService.message(actor, input.replyToId).id : null;
    const now = this.clock.now();
    return this.queue(actor, c, now, (tx) => {
      const mediaId = input.file ? this.media.store(actor.companyId, input.file.mimeType || "application/octet-stream", input.file.filename, input.file.bytes, now) : (stored?.id ?? null);
      const mime = input.file?.mimeType ?? stored?.mimeType ?? "";
      const origin = input.origin ? { origin: input.origin } : {};
      tx({
        kind: mediaId ? "media" : "text",
        text: text || null,
        payload: mediaId ? { mediaType: mediaTypeOf(mime), ...origin } : input.origin ? origin : null,
        mediaId,
        replyToId,
        submissionKey: key,
      });
    });
  }

  /** A menu: native buttons or a list where the channel has them, else the numbered text stored as the message's text. */
  sendMenu(actor: Actor, id: number, menu: MenuInput): Message {
    const c = this.open(actor, id);
    this.mayWrite(actor, c, false);
    this.freeTextAllowed(actor, c);
    this.priced(c, FREE_FORM);
    const text = menu.text.trim();
    if (!text || menu.options.length === 0) throw AppError.invalid({ text: "inbox.error.empty_message" });
    const numbered = [text, ...menu.options.map((o, i) => `${i + 1}. ${o.title}`)].join("\n");
    if (numbered.length > MAX_TEXT) throw AppError.invalid({ text: worded("inbox.error.too_long", { max: MAX_TEXT }) });
    return this.queue(actor, c, this.clock.now(), (tx) => tx({ kind: "interactive", text: numbered, payload: { body: text, options: menu.options, button: menu.button, origin: "bot" } }));
  }

  /** An approved template with its {{n}} parameters filled in: the way back in after the 24 h window. */
  sendTemplate(actor: Actor, id: number, input: TemplateInput): Message {
    const c = this.open(actor, id);
    this.mayWrite(actor, c, input.intervene === true);
    const { state, manifest } = this.windowFor(c);
    if (!allowsTemplates(manifest, state)) throw new AppError(409, "templates_unsupported", "inbox.error.no_templates");
    const t = this.templates.get(c.channelId, input.name, input.language);
    if (!t || t.status !== "APPROVED") throw AppError.invalid({ template: "inbox.error.template_unknown" });
    this.priced(c, { kind: "template", payload: { category: t.category } });
    const parameters = input.parameters.map((p) => p.trim());
    if (parameters.length !== t.parameterCount || parameters.some((p) => !p)) throw AppError.invalid({ parameters: "inbox.error.template_parameters" });
    const text = t.body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => parameters[Number(n) - 1] ?? m);
    return this.queue(actor, c, this.clock.now(), (tx) => tx({ kind: "template", text, payload: { name: t.name, language: t.language, parameters, category: t.category } }));
  }

  /** An emoji on a customer's message (WhatsApp reactions). */
  react(actor: Actor, messageId: number, emoji: string): Message {
    const target = this.conversationService.message(actor, messageId);
    const c = this.open(actor, target.conversationId);
    if (!this.manifest(c.channelId).capabilities.includes("reactions")) throw new AppError(409, "reactions_unsupported", "inbox.error.no_reactions");
    if (!target.externalId) throw new AppError(409, "not_reactable", "inbox.error.not_reactable");
    const value = emoji.trim();
    if (!value || [...value].length > 4) throw AppError.invalid({ emoji: "inbox.error.emoji" });
    const { state } = this.windowFor(c);
    if (!allowsFreeText(state)) throw this.outsideWindow(state);
    return this.queue(actor, c, this.clock.now(), (tx) => tx({ kind: "reaction", text: value, payload: { target: target.externalId }, replyToId: target.id }));
  }

  /** A failed send goes back to the outbox. */
  retry(actor: Actor, messageId: number): Message {
    const m = this.conversationService.message(actor, messageId);
    if (m.direction !== "out" || m.status !== "failed" || m.author === "system") throw new AppError(409, "not_retryable", "inbox.error.not_retryable");
    const c = this.conversationService.get(actor, m.conversationId);
    this.priced(c, m);
    this.uow.run(() => {
      this.messages.setStatus(m.id, "pending", null);
      this.outbox.enqueue(m.id, m.channelId, m.conversationId, this.clock.now());
    });
    this.bus.emit("message.status", { companyId: actor.companyId, conversationId: m.conversationId, messageId: m.id });
    this.bus.emit("outbox.queued", { channelId: m.channelId });
    return this.messages.get(actor.companyId, m.id)!;
  }

  /**
   * Meta prices WhatsApp messages (service replies too, since 2026-10): with the
   * rate table pricing this one and the balance spent, the send is refused before
   * anything is stored (the agent can send it once the company is recharged).
   */
  private priced(c: ConversationListItem, m: { kind: string; payload: Record<string, unknown> | null }): void {
    if (this.balance.blocksSend(c.companyId, c.pluginId, m, c.contactPhone)) throw insufficientBalance();
  }

  /** Whether an answer in this conversation would be refused for balance now (the composer says so before the agent types). */
  balanceBlocked(c: ConversationListItem): boolean {
    return this.balance.blocksSend(c.companyId, c.pluginId, FREE_FORM, c.contactPhone);
  }

  /** Free text (and menus, reactions) only inside the channel's window. */
  private freeTextAllowed(actor: Actor, c: ConversationListItem): void {
    const { state } = this.windowFor(c);
    if (!allowsFreeText(state)) throw this.outsideWindow(state);
    // Messenger's HUMAN_AGENT tag is for answers written by a person, never by a bot or an integration.
    if (state.kind === "human_agent" && actor.userId === null) throw new AppError(409, "outside_window", "inbox.window.human_only");
  }

  private mayWrite(actor: Actor, c: ConversationListItem, intervene: boolean): void {
    const access = this.conversationService.writeAccess(actor, c);
    if (access === "take_first") throw new AppError(409, "taken_by_other", "inbox.error.take_first", { name: c.assigneeName ?? "" });
    if (access === "confirm" && !intervene) throw new AppError(409, "intervene_unconfirmed", "inbox.error.intervene", { name: c.assigneeName ?? "" });
  }

  private open(actor: Actor, id: number): ConversationListItem {
    const c = this.conversationService.get(actor, id);
    if (c.status === "closed") throw new AppError(409, "conversation_closed", "inbox.error.closed");
    return c;
  }

  private manifest(channelId: number): PluginManifest {
    const channel = this.channels.byId(channelId);
    const plugin = channel ? this.registry.get(channel.pluginId) : null;
    if (!plugin) throw new AppError(409, "channel_unavailable", "inbox.error.channel_unavailable");
    if (channel!.status === "disabled") throw new AppError(409, "channel_disabled", "inbox.error.channel_disabled");
    return plugin.manifest;
  }

  private outsideWindow(state: WindowState): AppError {
    return state.kind === "templates_only"
      ? new AppError(409, "outside_window", "inbox.window.templates_only")
      : new AppError(409, "outside_window", "inbox.window.closed");
  }

  /** Message + outbox row + counters in one transaction; answering a waiting conversation takes it. */
  private queue(
    actor: Actor,
    c: ConversationListItem,
    now: number,
    build: (tx: (m: Pick<NewMessage, "kind" | "text" | "payload" | "mediaId" | "replyToId" | "submissionKey">) => void) => void,
  ): Message {
    const { messageId, took } = this.uow.run(() => {
      let messageId = 0;
      build((m) => {
        messageId = this.messages.insert({
          ...m,
          conversationId: c.id,
          companyId: actor.companyId,
          channelId: c.channelId,
          direction: "out",
          author: actor.userId === null ? "bot" : "agent",
          authorUserId: actor.userId,
          status: "pending",
          createdAt: now,
        });
        this.outbox.enqueue(messageId, c.channelId, c.id, now);
        this.conversations.touchOutbound(c.id, now, preview(m.kind, m.text ?? null, m.payload ?? null), actor.userId !== null);
      });
      const took = actor.userId !== null && c.assigneeId === null;
      if (took) this.conversations.assign(c.id, actor.userId, c.queueId, "open", now);
      return { messageId, took };
    });
    this.bus.emit("message.created", { companyId: actor.companyId, conversationId: c.id, messageId });
    this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId: c.id, previousAssigneeId: took ? null : c.assigneeId });
    this.bus.emit("outbox.queued", { channelId: c.channelId });
    return this.messages.get(actor.companyId, messageId)!;
  }
}
