import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { TemplateRepository } from "../channels/template-repository.ts";
import { randomToken } from "../crypto/tokens.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { PresenceService } from "../routing/presence-service.ts";
import { timeFormatter } from "../shared/time-format.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { PaneData } from "../../views/inbox/conversation-pane.tsx";
import { TABS, type InboxFilters } from "../../views/inbox/inbox-page.tsx";
import type { ConversationFilter, ConversationListItem } from "./conversation.ts";
import { actorOf, type ConversationService } from "./conversation-service.ts";
import type { ReplyService } from "./reply-service.ts";
import type { ContactPanels } from "../contacts/contact-panels.ts";
import type { AiSettingsService } from "../ai/ai-settings-service.ts";

export const LIST_SIZE = 50;
export const PANE_SIZE = 60;
type Option = { id: number; name: string };
export interface InboxOptions {
  queues: Option[];
  agents: (Option & { online: boolean })[];
  channels: Option[];
}

/** What the inbox pages show, built once per request for the list, the pane and the pickers. */
@injectable()
export class InboxViews {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
    @inject(T.TemplateRepository) private readonly templates: TemplateRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.ContactPanels) private readonly contactPanels: ContactPanels,
    @inject(T.AiSettingsService) private readonly aiSettings: AiSettingsService,
  ) {}

  options(companyId: number): InboxOptions {
    return {
      queues: this.queues.options(companyId),
      agents: this.users.agentOptions(companyId).map((a) => ({ id: a.id, name: a.name, online: this.presenceService.isOnlineGiven(a.id, a.choseOnline) })),
      channels: this.channels.list(companyId).map((c) => ({ id: c.id, name: c.name })),
    };
  }

  list(viewer: Viewer, filters: InboxFilters, before: string | undefined): { items: ConversationListItem[]; next: string | null } {
    const f: ConversationFilter = {
      q: filters.q || undefined,
      queueId: filters.queueId ? Number(filters.queueId) : undefined,
      channelId: filters.channelId ? Number(filters.channelId) : undefined,
      assigneeId: filters.assigneeId ? Number(filters.assigneeId) : undefined,
      unanswered: filters.unanswered || undefined,
      before: parseCursor(before),
    };
    if (filters.tab === "mine") Object.assign(f, { assigneeId: viewer.userId, status: "open" });
    else if (filters.tab === "waiting") Object.assign(f, { status: "queued", unassigned: true });
    else if (filters.tab === "closed") f.status = "closed";
    else if (filters.tab === "bot") f.status = "bot";
    else f.status = "active";
    const items = this.conversationService.list(actorOf(viewer), f, LIST_SIZE);
    const last = items[items.length - 1];
    return { items, next: items.length === LIST_SIZE && last ? `${last.lastMessageAt}:${last.id}` : null };
  }

  /** `options` when the caller already has the company's pickers (full page). */
  pane(viewer: Viewer, id: number, options?: InboxOptions, offlineAgentId?: number): PaneData {
    const actor = actorOf(viewer);
    const conversation = this.conversationService.get(actor, id);
    const messages = this.conversationService.messagesPage(actor, id, PANE_SIZE);
    const { state, manifest } = this.replyService.windowFor(conversation);
    const opts = options ?? this.options(actor.companyId);
    const offline = offlineAgentId ? opts.agents.find((a) => a.id === offlineAgentId && !a.online) : undefined;
    return {
      conversation,
      messages,
      window: state,
      balanceBlocked: this.replyService.balanceBlocked(conversation),
      capabilities: manifest.capabilities,
      maxText: this.replyService.maxTextFor(conversation.channelId),
      templates: manifest.capabilities.includes("templates") ? this.templates.list(conversation.channelId, true) : [],
      hasOlder: messages.length === PANE_SIZE,
      queues: opts.queues,
      agents: opts.agents.filter((u) => u.id !== viewer.userId),
      canTake: conversation.assigneeId !== viewer.userId,
      writeAccess: this.conversationService.writeAccess(actor, conversation),
      submissionKey: randomToken(12),
      offlineWarning: offline ? { agentId: offline.id, name: offline.name } : null,
      time: this.timeFormat(viewer),
      contact: this.contactPanels.data(viewer, id),
      ai: this.aiState(actor.companyId),
    };
  }

  aiState(companyId: number): { enabled: boolean; budgetSpent: boolean } {
    const enabled = this.aiSettings.raw(companyId).enabled;
    return { enabled, budgetSpent: enabled && this.aiSettings.budgetSpent(companyId) };
  }

  timeFormat(viewer: Viewer): (ms: number) => string {
    return timeFormatter(viewer.language, this.companies.get(viewer.companyId!)?.timeZone ?? "UTC");
  }
}

export function readFilters(viewer: Viewer, query: Record<string, string | undefined>): { filters: InboxFilters; qs: string } {
  const tab = (TABS as string[]).includes(query.tab ?? "") ? (query.tab as InboxFilters["tab"]) : viewer.role === "agent" ? "mine" : "all";
  const filters: InboxFilters = {
    tab,
    q: (query.q ?? "").slice(0, 200),
    queueId: /^\d+$/.test(query.queueId ?? "") ? query.queueId! : "",
    assigneeId: /^\d+$/.test(query.assigneeId ?? "") ? query.assigneeId! : "",
    channelId: /^\d+$/.test(query.channelId ?? "") ? query.channelId! : "",
    unanswered: query.unanswered === "1",
  };
  const qs = new URLSearchParams(
    Object.entries({ tab, q: filters.q, queueId: filters.queueId, assigneeId: filters.assigneeId, channelId: filters.channelId, unanswered: filters.unanswered ? "1" : "" }).filter(
      ([, v]) => v !== "",
    ),
  ).toString();
  return { filters, qs };
}

function parseCursor(raw: string | undefined): { at: number; id: number } | undefined {
  const m = raw?.match(/^(\d+):(\d+)$/);
  return m ? { at: Number(m[1]), id: Number(m[2]) } : undefined;
}

/** Where to go back to inside the inbox: only our own inbox paths, never another site. */
export function inboxReturn(raw: string | undefined, fallback = "/inbox"): string {
  return raw && /^\/inbox(\/\d+)?(\?[^\s]*)?$/.test(raw) ? raw : fallback;
}
