import type { ConversationListItem, Message } from "../../core/conversations/conversation.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { Capability } from "../../core/channels/contract.ts";
import type { StoredTemplate } from "../../core/channels/template-repository.ts";
import type { WindowState } from "../../core/conversations/messaging-window.ts";
import { MessageBubble } from "./message-bubble.tsx";
import { Composer } from "./composer.tsx";
import { BackIcon } from "../components/icons.tsx";
import { ContactPanel, type ContactPanelData } from "../contacts/contact-panel.tsx";

export interface PaneData {
  /** The balance is spent and the rate table prices an answer here: sends are refused until a recharge. */
  balanceBlocked: boolean;
  conversation: ConversationListItem;
  messages: Message[];
  queues: { id: number; name: string }[];
  /** Agents a conversation can be handed to, and whether each is online now. */
  agents: { id: number; name: string; online: boolean }[];
  canTake: boolean;
  /** How the viewer may write here: freely, after taking it (agents), or after confirming (supervisors, admins). */
  writeAccess: "write" | "take_first" | "confirm";
  /** One value per composer render: the server keeps one message per submission (double clicks, retries). */
  submissionKey: string;
  /** A transfer to this agent waits for confirmation: they are not connected. */
  offlineWarning: { agentId: number; name: string } | null;
  window: WindowState;
  capabilities: readonly Capability[];
  /** The longest text this channel takes in one message (the composer's maxlength). */
  maxText: number;
  templates: StoredTemplate[];
  /** The pane shows the latest page; older pages load on demand. */
  hasOlder: boolean;
  time: (ms: number) => string;
  /** The person beside the conversation (fields, tags, notes, history). */
  contact: ContactPanelData;
  /** The company's AI: whether the assist buttons show, and whether the month's budget is spent. */
  ai: { enabled: boolean; budgetSpent: boolean };
}

/** Replaced by the older page it loads (and a new button when there is more). */
export function OlderButton(props: { t: Translate; conversationId: number; before: number }): JSX.Element {
  return (
    <button type="button" class="link older" hx-get={`/inbox/${props.conversationId}/older?before=${props.before}`} hx-target="this" hx-swap="outerHTML">
      {props.t("inbox.older_messages")}
    </button>
  );
}

export function ConversationPane(props: { t: Translate; csrf: string; data: PaneData; backHref: string }): JSX.Element {
  const { t, data } = props;
  const c = data.conversation;
  return (
    <section class="pane" id="pane" data-conversation={String(c.id)}>
      {/* Shows (narrow screens) or hides (wide ones) the contact panel; no script needed. */}
      <input type="checkbox" id="contact-toggle" class="panel-toggle" aria-hidden="true" tabindex="-1" />
      <div class="pane-main">
      <PaneHeader t={t} csrf={props.csrf} data={data} backHref={props.backHref} />
      {data.offlineWarning ? <OfflineWarning t={t} csrf={props.csrf} conversationId={c.id} agent={data.offlineWarning} /> : ""}
      <div id="messages" class="messages" hx-ext="upsert">
        {data.hasOlder && data.messages[0] ? <OlderButton t={t} conversationId={c.id} before={data.messages[0].id} /> : ""}
        {data.messages.map((m) => (
          <MessageBubble t={t} m={m} csrf={props.csrf} time={data.time} reactions={data.capabilities.includes("reactions")} />
        ))}
      </div>
      {c.status === "closed" ? (
        <p class="closed-note muted">{t("inbox.closed_hint")}</p>
      ) : data.writeAccess === "take_first" ? (
        <TakeFirst t={t} csrf={props.csrf} data={data} />
      ) : (
        <Composer t={t} csrf={props.csrf} data={data} />
      )}
      </div>
      <ContactPanel t={t} csrf={props.csrf} data={data.contact} />
    </section>
  );
}

/** Handing a conversation to someone who is not connected is a choice, not a slip. */
function OfflineWarning(props: { t: Translate; csrf: string; conversationId: number; agent: { agentId: number; name: string } }): JSX.Element {
  const { t } = props;
  return (
    <div class="banner info" id="offline-warning" role="alert">
      <strong>{t("inbox.offline_warning_title", { name: props.agent.name })}</strong> {t("inbox.offline_warning")}
      <form method="post" action={`/inbox/${props.conversationId}/transfer`} class="form-actions">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="assigneeId" value={String(props.agent.agentId)} />
        <input type="hidden" name="confirmOffline" value="1" />
        <button type="submit" class="primary">
          {t("inbox.transfer_anyway")}
        </button>
        <a href={`/inbox/${props.conversationId}`}>{t("common.cancel")}</a>
      </form>
    </div>
  );
}

/** An agent does not write into a colleague's conversation unannounced: they take it first. */
function TakeFirst(props: { t: Translate; csrf: string; data: PaneData }): JSX.Element {
  const { t, data } = props;
  const c = data.conversation;
  return (
    <div class="take-first" id="take-first" role="status">
      <p>{t("inbox.take_first", { name: c.assigneeName ?? "" })}</p>
      <form method="post" action={`/inbox/${c.id}/take`} class="inline">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button type="submit" class="primary">
          {t("inbox.take")}
        </button>
      </form>
    </div>
  );
}

/** Contact, where it stands, who has it, and what can be done with it. */
export function PaneHeader(props: { t: Translate; csrf: string; data: PaneData; backHref: string }): JSX.Element {
  const { t, data } = props;
  const c = data.conversation;
  const csrf = <input type="hidden" name="_csrf" value={props.csrf} />;
  return (
    <header class="pane-head" id="pane-head">
      <a href={props.backHref} class="back">
        <BackIcon />
        {t("inbox.back")}
      </a>
      <div>
        <h2 safe>{c.contactName || c.contactPhone || t.plain("inbox.anonymous")}</h2>
        <p class="muted who-has">
          <span class={`status ${c.status}`}>{t(`conv.status.${c.status}`)}</span>
          {c.status === "bot" && c.botStep ? (
            <span class="bot-step" id="bot-step" safe>
              {` ${t.plain("inbox.bot_step", { step: c.botStep })}`}
            </span>
          ) : (
            ""
          )}{" "}
          · <span safe>{c.channelName}</span>
          {c.queueName ? (
            <>
              {" · "}
              <span safe>{c.queueName}</span>
            </>
          ) : (
            ""
          )}
          {" · "}
          {c.assigneeName ? <span id="assignee">{t("inbox.handled_by", { name: c.assigneeName })}</span> : <span id="assignee">{t("inbox.unassigned")}</span>}
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
                <button type="submit" class="primary" id="take">
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
                  <span class="hint">{t("inbox.to_queue_hint")}</span>
                </label>
                <label>
                  {t("inbox.to_agent")}
                  <select name="assigneeId">
                    <option value="">—</option>
                    {data.agents.map((a) => (
                      <option value={String(a.id)} data-online={a.online ? "1" : "0"} safe>
                        {`${a.online ? "● " : "○ "}${a.name}${a.online ? "" : ` (${t.plain("presence.offline_short")})`}`}
                      </option>
                    ))}
                  </select>
                  <span class="hint">{t("inbox.to_agent_hint")}</span>
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
                  <textarea name="note" rows="3" maxlength="1000"></textarea>
                </label>
                <button type="submit" class="danger">
                  {t("inbox.close")}
                </button>
              </form>
            </details>
          </>
        )}
        <label for="contact-toggle" class="button contact-toggle-label" id="contact-toggle-label">
          {t("contact.panel_toggle")}
        </label>
      </div>
    </header>
  );
}
