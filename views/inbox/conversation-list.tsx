import type { ConversationListItem } from "../../core/conversations/conversation.ts";
import type { Translate } from "../../core/i18n/index.ts";
import { ClockIcon } from "../components/icons.tsx";

/** The rows of the list pane; also what the list re-fetches when the SSE stream says "inbox". */
export function ConversationList(props: {
  t: Translate;
  items: ConversationListItem[];
  openId: number | null;
  query: string;
  nextCursor: string | null;
}): JSX.Element {
  const { t } = props;
  if (props.items.length === 0) return <p class="empty muted" id="inbox-empty">{t(props.query.includes("tab=closed") ? "inbox.empty_closed" : "inbox.empty_hint")}</p>;
  return (
    <>
      <ul class="conv-list">
        {props.items.map((c) => (
          <li id={`conv-${c.id}`} class={c.id === props.openId ? "conv active" : "conv"}>
            <a href={`/inbox/${c.id}?${props.query}`}>
              <span class="row1">
                <strong class="name" safe>{c.contactName || c.contactPhone || t.plain("inbox.anonymous")}</strong>
                {c.unreadCount > 0 ? (
                  <span class="badge unread" title={t.plain("inbox.unread")}>
                    {c.unreadCount}
                  </span>
                ) : (
                  ""
                )}
              </span>
              <span class="preview" safe>{c.lastPreview}</span>
              <span class="row3">
                <span class={`status ${c.status}`}>{t(`conv.status.${c.status}`)}</span>
                {c.status === "bot" && c.botStep ? <span class="bot-step" safe>{t.plain("inbox.bot_step", { step: c.botStep })}</span> : ""}
                <span class="channel" safe>{c.channelName}</span>
                {c.queueName ? <span class="queue" safe>{c.queueName}</span> : ""}
                {c.assigneeName ? <span class="assignee" safe>{c.assigneeName}</span> : ""}
                {c.unansweredSince !== null ? (
                  <span class="waiting" title={t.plain("inbox.waiting")}>
                    <ClockIcon /> <time data-since={String(c.unansweredSince)}></time>
                  </span>
                ) : (
                  ""
                )}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {props.nextCursor ? (
        <p class="more">
          <a href={`/inbox?${props.query}&before=${props.nextCursor}`}>{t("inbox.older")}</a>
        </p>
      ) : (
        ""
      )}
    </>
  );
}
