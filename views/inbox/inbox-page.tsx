import type { PageContext } from "../context.ts";
import { Layout } from "../layout.tsx";
import { ConversationList } from "./conversation-list.tsx";
import { ConversationPane, type PaneData } from "./conversation-pane.tsx";
import type { ConversationListItem } from "../../core/conversations/conversation.ts";

export interface InboxFilters {
  tab: "mine" | "waiting" | "bot" | "all" | "closed";
  queueId: string;
  assigneeId: string;
  channelId: string;
  unanswered: boolean;
  q: string;
}

export const TABS: InboxFilters["tab"][] = ["mine", "waiting", "bot", "all", "closed"];

export function InboxPage(props: {
  ctx: PageContext;
  filters: InboxFilters;
  query: string;
  items: ConversationListItem[];
  nextCursor: string | null;
  pane: PaneData | null;
  online: boolean;
  options: { queues: { id: number; name: string }[]; agents: { id: number; name: string }[]; channels: { id: number; name: string }[] };
  showAgentFilter: boolean;
  /** This page's address, for actions that come back here (presence). */
  here: string;
}): JSX.Element {
  const { ctx, filters } = props;
  const { t } = ctx;
  const openId = props.pane?.conversation.id ?? null;
  const streamUrl = `/inbox/stream${openId ? `?open=${openId}` : ""}`;
  return (
    <Layout ctx={ctx} title={t.plain("inbox.title")} wide>
      <div id="inbox-sse" hx-sse:connect={streamUrl} hx-swap="none" hx-ext="upsert"></div>
      <div class={props.pane ? "inbox has-open" : "inbox"}>
        <aside class="list-pane">
          <div class="inbox-head">
            <h1>{t("inbox.title")}</h1>
            <form method="post" action="/inbox/presence" class="inline presence">
              <input type="hidden" name="_csrf" value={ctx.csrf} />
              <input type="hidden" name="online" value={props.online ? "0" : "1"} />
              <input type="hidden" name="back" value={props.here} />
              <button type="submit" class={props.online ? "presence-on" : "presence-off"} id="presence-toggle">
                {props.online ? t("presence.online") : t("presence.offline")}
              </button>
            </form>
          </div>
          <nav class="tabs">
            {TABS.map((tab) => (
              <a href={`/inbox?tab=${tab}`} class={filters.tab === tab ? "active" : undefined}>
                {t(`inbox.tab.${tab}`)}
              </a>
            ))}
          </nav>
          <form method="get" action="/inbox" id="filters">
            <input type="hidden" name="tab" value={filters.tab} />
            <div class="filters">
              <input type="search" name="q" value={filters.q} placeholder={t.plain("inbox.search")} aria-label={t.plain("inbox.search")} />
            </div>
            <details class="filters-box" open={!!(filters.queueId || filters.assigneeId || filters.channelId || filters.unanswered)}>
              <summary>{t("inbox.more_filters")}</summary>
              <div class="filters">
                <select name="queueId" aria-label={t.plain("inbox.filter.queue")}>
                  <option value="">{t("inbox.filter.queue")}</option>
                  {props.options.queues.map((q) => (
                    <option value={String(q.id)} selected={String(q.id) === filters.queueId} safe>
                      {q.name}
                    </option>
                  ))}
                </select>
                {props.showAgentFilter ? (
                  <select name="assigneeId" aria-label={t.plain("inbox.filter.agent")}>
                    <option value="">{t("inbox.filter.agent")}</option>
                    {props.options.agents.map((a) => (
                      <option value={String(a.id)} selected={String(a.id) === filters.assigneeId} safe>
                        {a.name}
                      </option>
                    ))}
                  </select>
                ) : (
                  ""
                )}
                <select name="channelId" aria-label={t.plain("inbox.filter.channel")}>
                  <option value="">{t("inbox.filter.channel")}</option>
                  {props.options.channels.map((c) => (
                    <option value={String(c.id)} selected={String(c.id) === filters.channelId} safe>
                      {c.name}
                    </option>
                  ))}
                </select>
                <label class="check">
                  <input type="checkbox" name="unanswered" value="1" checked={filters.unanswered} />
                  {t("inbox.filter.unanswered")}
                </label>
                <button type="submit">{t("inbox.apply")}</button>
              </div>
            </details>
          </form>
          <div
            id="conv-list"
            hx-get={`/inbox/list?${props.query}${openId ? `&open=${openId}` : ""}`}
            hx-trigger="inbox from:#inbox-sse delay:150ms"
            hx-swap="innerMorph"
          >
            <ConversationList t={t} items={props.items} openId={openId} query={props.query} nextCursor={props.nextCursor} />
          </div>
        </aside>
        {props.pane ? (
          <div
            id="pane-wrap"
            hx-get={`/inbox/${openId}/pane?${props.query}`}
            hx-trigger={`conversation from:#inbox-sse`}
            hx-swap="innerMorph"
          >
            <ConversationPane t={t} csrf={ctx.csrf} data={props.pane} backHref={`/inbox?${props.query}`} />
          </div>
        ) : (
          <section class="pane empty-pane">
            <p class="muted">{t("inbox.pick")}</p>
          </section>
        )}
      </div>
    </Layout>
  );
}
