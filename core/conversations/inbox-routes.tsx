import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { CSRF_COOKIE, readCookie } from "../http/cookies.ts";
import { positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { InboxHub } from "../events/inbox-hub.tsx";
import type { PresenceService } from "../routing/presence-service.ts";
import { T } from "../tokens.ts";
import { translator } from "../i18n/index.ts";
import { ConversationList } from "../../views/inbox/conversation-list.tsx";
import { ConversationPane, OlderButton } from "../../views/inbox/conversation-pane.tsx";
import { InboxPage } from "../../views/inbox/inbox-page.tsx";
import { MessageBubble } from "../../views/inbox/message-bubble.tsx";
import { actorOf, type ConversationService } from "./conversation-service.ts";
import { inboxReturn, PANE_SIZE, readFilters, type InboxViews } from "./inbox-views.ts";
import { html } from "../http/html-response.ts";

/** The agents' inbox pages: list pane, conversation pane, older messages, presence, the live stream. */
@injectable()
export class InboxRoutes {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
    @inject(T.InboxViews) private readonly views: InboxViews,
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
          const { items, next } = this.views.list(viewer, filters, query.before);
          const open = query.open ? Number(query.open) : null;
          return html(<ConversationList t={translator(viewer.language)} items={items} openId={open} query={qs} nextCursor={next} />);
        },
        { panel: "inbox" },
      )
      .get(
        "/inbox/stream",
        ({ request, viewer, query }) => {
          const open = query.open ? positiveInt(query.open) : null;
          if (open) this.conversationService.get(actorOf(viewer), open);
          return this.hub.connect(viewer, readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "", open, request.signal);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/presence",
        ({ viewer, body }) => {
          this.presenceService.setChosen(viewer.companyId!, viewer.userId, str(body, "online") === "1");
          // Back where the agent was (the "En espera" tab stays "En espera").
          return this.render.redirect(inboxReturn(str(body, "back")));
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
        ({ request, viewer, params, query }) => {
          const data = this.views.pane(viewer, positiveInt(params.id));
          const { qs } = readFilters(viewer, query);
          const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
          return html(<ConversationPane t={translator(viewer.language)} csrf={csrf} data={data} backHref={`/inbox?${qs}`} />);
        },
        { panel: "inbox" },
      )
      .get(
        "/inbox/:id/older",
        ({ request, viewer, params, query }) => {
          const id = positiveInt(params.id);
          // Visibility first: someone else's conversation is a 404 whatever the query says.
          this.conversationService.get(actorOf(viewer), id);
          const page = this.conversationService.messagesPage(actorOf(viewer), id, PANE_SIZE, positiveInt(query.before ?? ""));
          const t = translator(viewer.language);
          const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
          const time = this.views.timeFormat(viewer);
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
      );
  }

  private page(request: Request, viewer: Viewer, query: Record<string, string | undefined>, openId: number | null): Response {
    const { filters, qs } = readFilters(viewer, query);
    const { items, next } = this.views.list(viewer, filters, query.before);
    const options = this.views.options(viewer.companyId!);
    const offline = /^\d+$/.test(query.offline ?? "") ? Number(query.offline) : undefined;
    const pane = openId ? this.views.pane(viewer, openId, options, offline) : null;
    const here = `${new URL(request.url).pathname}${qs ? `?${qs}` : ""}`;
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
        here={here}
      />
    ));
  }
}
