import type { ConversationListItem, Message } from "../../core/conversations/conversation.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { Capability } from "../../core/channels/contract.ts";
import type { StoredTemplate } from "../../core/channels/template-repository.ts";
import type { WindowState } from "../../core/conversations/messaging-window.ts";
import { MessageBubble } from "./message-bubble.tsx";
import { Composer } from "./composer.tsx";

export interface PaneData {
  conversation: ConversationListItem;
  messages: Message[];
  queues: { id: number; name: string }[];
  agents: { id: number; name: string }[];
  canTake: boolean;
  window: WindowState;
  capabilities: readonly Capability[];
  templates: StoredTemplate[];
  /** The pane shows the latest page; older pages load on demand. */
  hasOlder: boolean;
  time: (ms: number) => string;
}

/** Replaced by the older page it loads (and a new button when there is more). */
export function OlderButton(props: { t: Translate; conversationId: number; before: number }): JSX.Element {
  return (
    <button type="button" class="link older" hx-get={`/inbox/${props.conversationId}/older?before=${props.before}`} hx-target="this" hx-swap="outerHTML">
      {props.t("inbox.older_messages")}
    </button>
  );
}

export function ConversationPane(props: { t: Translate; csrf: string; data: PaneData }): JSX.Element {
  const { t, data } = props;
  const c = data.conversation;
  return (
    <section class="pane" id="pane" data-conversation={String(c.id)}>
      <PaneHeader t={t} csrf={props.csrf} data={data} />
      <div id="messages" class="messages" hx-ext="upsert">
        {data.hasOlder && data.messages[0] ? <OlderButton t={t} conversationId={c.id} before={data.messages[0].id} /> : ""}
        {data.messages.map((m) => (
          <MessageBubble t={t} m={m} csrf={props.csrf} time={data.time} reactions={data.capabilities.includes("reactions")} />
        ))}
      </div>
      {c.status === "closed" ? <p class="closed-note muted">{t("inbox.closed_hint")}</p> : <Composer t={t} csrf={props.csrf} data={data} />}
    </section>
  );
}

/** Contact, where it stands, and what can be done with it. */
export function PaneHeader(props: { t: Translate; csrf: string; data: PaneData }): JSX.Element {
  const { t, data } = props;
  const c = data.conversation;
  const csrf = <input type="hidden" name="_csrf" value={props.csrf} />;
  return (
    <header class="pane-head" id="pane-head">
      <div>
        <h2 safe>{c.contactName || c.contactPhone || t.plain("inbox.anonymous")}</h2>
        <p class="muted">
          <span class={`status ${c.status}`}>{t(`conv.status.${c.status}`)}</span> · <span safe>{c.channelName}</span>
          {c.queueName ? (
            <>
              {" · "}
              <span safe>{c.queueName}</span>
            </>
          ) : (
            ""
          )}
          {" · "}
          {c.assigneeName ? <span safe>{c.assigneeName}</span> : <span>{t("inbox.unassigned")}</span>}
        </p>
      </div>
      <div class="pane-actions">
        {c.status === "closed" ? (
          <form method="post" action={`/inbox/${c.id}/reopen`} class="inline">
            {csrf}
            <button type="submit">{t("inbox.reopen")}</button>
          </form>
        ) : (
          <>
            {data.canTake ? (
              <form method="post" action={`/inbox/${c.id}/take`} class="inline">
                {csrf}
                <button type="submit" class="primary">
                  {t("inbox.take")}
                </button>
              </form>
            ) : (
              ""
            )}
            <details class="menu">
              <summary>{t("inbox.transfer")}</summary>
              <form method="post" action={`/inbox/${c.id}/transfer`} class="stack" id="transfer-form">
                {csrf}
                <label>
                  {t("inbox.to_queue")}
                  <select name="queueId">
                    <option value="">—</option>
                    {data.queues.map((q) => (
                      <option value={String(q.id)} selected={q.id === c.queueId} safe>
                        {q.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t("inbox.to_agent")}
                  <select name="assigneeId">
                    <option value="">—</option>
                    {data.agents.map((a) => (
                      <option value={String(a.id)} safe>
                        {a.name}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit">{t("inbox.transfer")}</button>
              </form>
            </details>
            <details class="menu">
              <summary>{t("inbox.close")}</summary>
              <form method="post" action={`/inbox/${c.id}/close`} class="stack" id="close-form">
                {csrf}
                <label>
                  {t("inbox.close_note")}
                  <textarea name="note" rows="2" maxlength="1000"></textarea>
                </label>
                <button type="submit" class="danger">
                  {t("inbox.close")}
                </button>
              </form>
            </details>
          </>
        )}
      </div>
    </header>
  );
}
