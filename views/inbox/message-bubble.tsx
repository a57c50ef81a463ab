import type { Message } from "../../core/conversations/conversation.ts";
import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import type { SendErrorCode } from "../../core/channels/contract.ts";
import { BALANCE_REFUSED } from "../../core/billing/balance-policy.ts";
import type { SystemEventName } from "../../core/conversations/system-lines.ts";

const EVENT_KEYS: Record<SystemEventName, MessageKey> = {
  auto_assigned: "event.auto_assigned",
  taken: "event.taken",
  transferred_queue: "event.transferred_queue",
  transferred_agent: "event.transferred_agent",
  closed: "event.closed",
  reopened: "event.reopened",
  reopened_by_customer: "event.reopened_by_customer",
  contact_blocked: "event.contact_blocked",
  contacts_merged: "event.contacts_merged",
  ai_handoff: "event.ai_handoff",
  bot_handoff: "event.bot_handoff",
};

/** Failure classes plugins report (SEND_ERROR_CODES), explained in the agent's language. */
const SEND_ERROR_KEYS: Record<SendErrorCode | typeof BALANCE_REFUSED, MessageKey> = {
  [BALANCE_REFUSED]: "billing.error.insufficient",
  outside_window: "senderror.outside_window",
  undeliverable: "senderror.undeliverable",
  rate_limited: "senderror.rate_limited",
  token_expired: "senderror.token_expired",
  policy: "senderror.policy",
  invalid: "senderror.invalid",
  template: "senderror.template",
  unavailable: "senderror.unavailable",
  unsupported: "senderror.unsupported",
};

const TICKS: Record<string, string> = { pending: "◷", sent: "✓", delivered: "✓✓", read: "✓✓" };

/**
 * One message of the conversation pane. The same component serves the first
 * render, the composer's answer and the SSE push, and its id lets a later status
 * push replace it in place (htmx upsert).
 */
export function MessageBubble(props: { t: Translate; m: Message; csrf: string; time: (ms: number) => string; reactions?: boolean }): JSX.Element {
  const { t, m } = props;
  if (m.author === "system") {
    const p = m.payload ?? {};
    const key = EVENT_KEYS[String(p.event) as SystemEventName] ?? "event.unknown";
    const params = {
      by: String(p.by ?? ""),
      to: String(p.to ?? ""),
      queue: String(p.queue ?? ""),
      program: String(p.program ?? ""),
      step: String(p.step ?? ""),
      // The AI's hand-off says why, in the agent's language (the model's own words for a tool call).
      reason: p.event === "ai_handoff" ? t.plain(`ai.handoff.${String(p.reason)}` as MessageKey, { detail: String(p.detail ?? "") }) : "",
    };
    return (
      <div id={`msg-${m.id}`} class="msg system">
        <span>{t(key, params)}</span>
        {p.note ? <q safe>{String(p.note)}</q> : ""}
        <time safe>{props.time(m.createdAt)}</time>
      </div>
    );
  }
  const side = m.direction === "in" ? "in" : "out";
  return (
    <div id={`msg-${m.id}`} class={`msg ${side} ${m.status === "failed" ? "failed" : ""}`} data-status={m.status}>
      {m.author !== "customer" ? <span class="who" safe>{m.authorName ?? t.plain(botLabel(m))}</span> : ""}
      {m.replyToId && m.kind !== "reaction" ? (
        <q class="quote" safe>
          {m.replyToText ?? "…"}
        </q>
      ) : (
        ""
      )}
      <Body t={t} m={m} />
      <span class="meta">
        <time safe>{props.time(m.createdAt)}</time>
        {m.direction === "out" ? (
          <span class={`tick ${m.status}`} title={t.plain(`status.${m.status}`)} safe>
            {m.status === "failed" ? "⚠" : (TICKS[m.status] ?? "")}
          </span>
        ) : (
          ""
        )}
      </span>
      {m.direction === "in" && m.externalId && m.kind !== "reaction" ? (
        <span class="msg-actions">
          <button type="button" class="link" data-reply-to={String(m.id)} data-reply-text={(m.text ?? "").slice(0, 80)}>
            {t("inbox.reply")}
          </button>
          {props.reactions ? (
            <form method="post" action={`/inbox/messages/${m.id}/react`} class="inline react" hx-post={`/inbox/messages/${m.id}/react`} hx-swap="none">
              <input type="hidden" name="_csrf" value={props.csrf} />
              {["👍", "❤️", "🙏", "😂"].map((e) => (
                <button type="submit" name="emoji" value={e} class="link emoji" title={t.plain("inbox.react")} safe>
                  {e}
                </button>
              ))}
            </form>
          ) : (
            ""
          )}
        </span>
      ) : (
        ""
      )}
      {m.maybeDuplicate ? <p class="note maybe-duplicate">{t("inbox.maybe_duplicate")}</p> : ""}
      {m.status === "failed" ? (
        <div class="failure" role="alert">
          {m.errorCode && m.errorCode in SEND_ERROR_KEYS ? <strong>{t(SEND_ERROR_KEYS[m.errorCode as keyof typeof SEND_ERROR_KEYS])}</strong> : ""}
          <span safe>{m.error ?? ""}</span>
          <form method="post" action={`/inbox/messages/${m.id}/retry`} class="inline" hx-target="#messages" hx-swap="none">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit" class="link">
              {t("inbox.retry")}
            </button>
          </form>
        </div>
      ) : (
        ""
      )}
    </div>
  );
}

/** Who wrote a message nobody typed: the AI, an automatic canned answer, another bot, or an agent. */
function botLabel(m: Message): MessageKey {
  if (m.author !== "bot") return "inbox.agent";
  const origin = m.payload?.origin;
  return origin === "ai" ? "inbox.by_ai" : origin === "auto_response" ? "inbox.by_auto_response" : "inbox.bot";
}

function Body({ t, m }: { t: Translate; m: Message }): JSX.Element {
  const p = m.payload ?? {};
  switch (m.kind) {
    case "text":
      return <p class="text" safe>{m.text ?? ""}</p>;
    case "media":
      return (
        <>
          <Media t={t} m={m} />
          {m.text ? <p class="text" safe>{m.text}</p> : ""}
        </>
      );
    case "location": {
      const lat = Number(p.latitude);
      const lng = Number(p.longitude);
      return (
        <p class="text">
          📍 <span safe>{m.text ?? ""}</span>{" "}
          <a href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`} target="_blank" rel="noopener noreferrer">
            {t("inbox.open_map")}
          </a>
        </p>
      );
    }
    case "contacts":
      return (
        <ul class="cards">
          {((p.contacts as { name: string; phones: string[] }[] | undefined) ?? []).map((c) => (
            <li>
              <strong safe>{c.name}</strong> <span safe>{c.phones.join(", ")}</span>
            </li>
          ))}
        </ul>
      );
    case "reaction":
      return <p class="text reaction" safe>{m.text ?? ""}</p>;
    case "unsupported":
      return (
        <details class="unsupported">
          <summary>{t("inbox.unsupported")}</summary>
          <pre safe>{JSON.stringify(p.raw ?? null, null, 2)}</pre>
        </details>
      );
    default:
      return <p class="text" safe>{m.text ?? ""}</p>;
  }
}

function Media({ t, m }: { t: Translate; m: Message }): JSX.Element {
  if (!m.mediaId) return <p class="muted">{t("inbox.media_pending")}</p>;
  const src = `/media/${m.mediaId}`;
  const mime = m.mediaMime ?? "";
  if (mime.startsWith("image/")) return <img src={src} alt={m.mediaName ?? ""} loading="lazy" class="media" />;
  if (mime.startsWith("audio/")) return <audio src={src} controls="" />;
  if (mime.startsWith("video/")) return <video src={src} controls class="media" />;
  return (
    <a href={src} download={m.mediaName ?? "file"} class="file" safe>
      {`📄 ${m.mediaName ?? "file"}`}
    </a>
  );
}
