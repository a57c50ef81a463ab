import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import { AppError } from "../errors.ts";
import { CSRF_COOKIE, readCookie } from "../http/cookies.ts";
import { positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { isHtmx } from "../http/htmx.ts";
import type { Renderer } from "../http/render.ts";
import type { InboxHub } from "../events/inbox-hub.tsx";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { PresenceService } from "../routing/presence-service.ts";
import { timeFormatter } from "../shared/time-format.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import { translator } from "../i18n/index.ts";
import { ConversationList } from "../../views/inbox/conversation-list.tsx";
import { ConversationPane, OlderButton, type PaneData } from "../../views/inbox/conversation-pane.tsx";
import { InboxPage, TABS, type InboxFilters } from "../../views/inbox/inbox-page.tsx";
import { MessageBubble } from "../../views/inbox/message-bubble.tsx";
import type { ConversationFilter } from "./conversation.ts";
import { actorOf, type ConversationService } from "./conversation-service.ts";
import type { ReplyService } from "./reply-service.ts";
import type { TemplateRepository } from "../channels/template-repository.ts";

const LIST_SIZE = 50;
type Option = { id: number; name: string };
const PANE_SIZE = 60;

/** The agents' inbox: list pane, conversation pane, composer and actions, live over SSE. */
@injectable()
export class InboxRoutes {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.TemplateRepository) private readonly templates: TemplateRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
    @inject(T.InboxHub) private readonly hub: InboxHub,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get("/inbox", ({ request, viewer, query }) => this.page(request, viewer, query, null), { panel: "inbox" })
      .get(
        "/inbox/list",
        ({ viewer, query }) => {
          const { filters, qs } = readFilters(viewer, query);
          const { items, next } = this.list(viewer, filters, query.before);
          const open = query.open ? Number(query.open) : null;
          return html(<ConversationList t={translator(viewer.language)} items={items} openId={open} query={qs} nextCursor={next} />);
        },
        { panel: "inbox" },
      )
      .get("/inbox/stream", ({ request, viewer, query }) => {
        const open = query.open ? positiveInt(query.open) : null;
        if (open) this.conversationService.get(actorOf(viewer), open);
        return this.hub.connect(viewer, readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "", open, request.signal);
      }, { panel: "inbox" })
      .post(
        "/inbox/presence",
        ({ viewer, body }) => {
          this.presenceService.setChosen(viewer.companyId!, viewer.userId, str(body, "online") === "1");
          return this.render.redirect("/inbox");
        },
        { panel: "inbox" },
      )
      .get(
        "/inbox/:id",
        ({ request, viewer, query, params }) => {
          const id = positiveInt(params.id);
          this.conversationService.markRead(actorOf(viewer), id);
          return this.page(request, viewer, query, id);
        },
        { panel: "inbox" },
      )
      .get(
        "/inbox/:id/pane",
        ({ request, viewer, params }) => {
          const data = this.pane(viewer, positiveInt(params.id));
          const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
          return html(<ConversationPane t={translator(viewer.language)} csrf={csrf} data={data} />);
        },
        { panel: "inbox" },
      )
      .get(
        "/inbox/:id/older",
        ({ request, viewer, params, query }) => {
          const id = positiveInt(params.id);
          this.conversationService.get(actorOf(viewer), id);
          const page = this.conversationService.messagesPage(actorOf(viewer), id, PANE_SIZE, positiveInt(query.before ?? ""));
          const t = translator(viewer.language);
          const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
          const time = timeFormatter(viewer.language, this.companies.get(viewer.companyId!)?.timeZone ?? "UTC");
          return html(
            <>
              {page.length === PANE_SIZE && page[0] ? <OlderButton t={t} conversationId={id} before={page[0].id} /> : ""}
              {page.map((m) => (
                <MessageBubble t={t} m={m} csrf={csrf} time={time} />
              ))}
            </>,
          );
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/messages",
        async ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          const file = (body as Record<string, unknown> | null)?.file;
          const upload =
            file instanceof File && file.size > 0
              ? { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type, filename: file.name || "file" }
              : undefined;
          const replyTo = str(body, "replyToId");
          const m = this.replyService.send(actorOf(viewer), id, { text: str(body, "text"), file: upload, replyToId: replyTo ? positiveInt(replyTo) : null });
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${id}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/messages/:id/retry",
        ({ request, viewer, params }) => {
          const m = this.replyService.retry(actorOf(viewer), positiveInt(params.id));
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${m.conversationId}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/template",
        ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          const [name, language] = str(body, "template").split("|");
          const parameters = Array.isArray((body as Record<string, unknown>)?.parameters)
            ? ((body as Record<string, unknown>).parameters as unknown[]).map(String)
            : str(body, "parameters")
              ? [str(body, "parameters")]
              : [];
          const m = this.replyService.sendTemplate(actorOf(viewer), id, { name: name ?? "", language: language ?? "", parameters });
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${id}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/messages/:id/react",
        ({ request, viewer, params, body }) => {
          const m = this.replyService.react(actorOf(viewer), positiveInt(params.id), str(body, "emoji"));
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${m.conversationId}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/take",
        ({ viewer, params }) => {
          const id = positiveInt(params.id);
          this.conversationService.take(actorOf(viewer), id);
          return this.render.redirect(`/inbox/${id}`);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/transfer",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          const queueId = str(body, "queueId");
          const assigneeId = str(body, "assigneeId");
          if (!queueId && !assigneeId) throw AppError.invalid({ queueId: "inbox.error.transfer_target" });
          this.conversationService.transfer(actorOf(viewer), id, {
            queueId: queueId ? positiveInt(queueId) : null,
            assigneeId: assigneeId ? positiveInt(assigneeId) : null,
          });
          return this.render.redirect(`/inbox/${id}`, { kind: "ok", key: "inbox.transferred" });
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/close",
        ({ viewer, params, body }) => {
          this.conversationService.close(actorOf(viewer), positiveInt(params.id), str(body, "note") || null);
          return this.render.redirect("/inbox", { kind: "ok", key: "inbox.closed" });
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/reopen",
        ({ viewer, params }) => {
          const id = positiveInt(params.id);
          this.conversationService.reopen(actorOf(viewer), id);
          return this.render.redirect(`/inbox/${id}`);
        },
        { panel: "inbox" },
      );
  }

  private page(request: Request, viewer: Viewer, query: Record<string, string | undefined>, openId: number | null): Response {
    const { filters, qs } = readFilters(viewer, query);
    const { items, next } = this.list(viewer, filters, query.before);
    const companyId = viewer.companyId!;
    const options = {
      queues: this.queues.options(companyId),
      agents: this.users.activeOptions(companyId),
      channels: this.channels.list(companyId).map((c) => ({ id: c.id, name: c.name })),
    };
    const pane = openId ? this.pane(viewer, openId, options) : null;
    return this.render.page(request, viewer, (ctx) => (
      <InboxPage
        ctx={ctx}
        filters={filters}
        query={qs}
        items={items}
        nextCursor={next}
        pane={pane}
        online={this.presenceService.chosen(viewer.userId)}
        options={options}
        showAgentFilter={viewer.role !== "agent"}
      />
    ));
  }

  private list(viewer: Viewer, filters: InboxFilters, before: string | undefined) {
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
    else f.status = "active";
    const items = this.conversationService.list(actorOf(viewer), f, LIST_SIZE);
    const last = items[items.length - 1];
    return { items, next: items.length === LIST_SIZE && last ? `${last.lastMessageAt}:${last.id}` : null };
  }

  /** `options` when the caller already has the company's queues and agents (full page). */
  private pane(viewer: Viewer, id: number, options?: { queues: Option[]; agents: Option[] }): PaneData {
    const actor = actorOf(viewer);
    const conversation = this.conversationService.get(actor, id);
    const zone = this.companies.get(actor.companyId)?.timeZone ?? "UTC";
    const messages = this.conversationService.messagesPage(actor, id, PANE_SIZE);
    const { state, manifest } = this.replyService.windowFor(conversation);
    return {
      conversation,
      messages,
      window: state,
      capabilities: manifest.capabilities,
      templates: manifest.capabilities.includes("templates") ? this.templates.list(conversation.channelId, true) : [],
      hasOlder: messages.length === PANE_SIZE,
      queues: options?.queues ?? this.queues.options(actor.companyId),
      agents: (options?.agents ?? this.users.activeOptions(actor.companyId)).filter((u) => u.id !== viewer.userId),
      canTake: conversation.assigneeId !== viewer.userId,
      time: timeFormatter(viewer.language, zone),
    };
  }

  private bubble(request: Request, viewer: Viewer, messageId: number): Response {
    const m = this.conversationService.message(actorOf(viewer), messageId);
    const zone = this.companies.get(viewer.companyId!)?.timeZone ?? "UTC";
    const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
    const bubble = <MessageBubble t={translator(viewer.language)} m={m} csrf={csrf} time={timeFormatter(viewer.language, zone)} />;
    return html(`<hx-partial hx-target="#messages" hx-swap="upsert">${bubble as string}</hx-partial>`);
  }
}

function readFilters(viewer: Viewer, query: Record<string, string | undefined>): { filters: InboxFilters; qs: string } {
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

function html(body: JSX.Element): Response {
  return new Response(body as string, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
