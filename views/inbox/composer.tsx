import type { Translate } from "../../core/i18n/index.ts";
import type { PaneData } from "./conversation-pane.tsx";
import { PaperclipIcon } from "../components/icons.tsx";

/**
 * What the agent can send now, following the channel's window: free text and
 * files inside it; outside it, the reason and (WhatsApp) the approved templates.
 */
export function Composer(props: { t: Translate; csrf: string; data: PaneData }): JSX.Element {
  const { t, data } = props;
  const c = data.conversation;
  const w = data.window;
  const until = (ms: number) => data.time(ms);
  if (w.kind === "templates_only" || w.kind === "closed") {
    return (
      <section class="composer-blocked" id="composer-blocked">
        <p class="window-note" role="status">
          {w.kind === "templates_only" ? t("inbox.window.templates_only") : t("inbox.window.closed")}
        </p>
        {w.kind === "templates_only" ? <TemplatePicker t={t} csrf={props.csrf} data={data} /> : ""}
      </section>
    );
  }
  return (
    <>
      {data.balanceBlocked ? (
        <p class="window-note balance-note" role="alert" id="balance-blocked">
          {t("billing.error.insufficient")}
        </p>
      ) : (
        ""
      )}
      {w.kind === "human_agent" ? (
        <p class="window-note" role="status">
          {t("inbox.window.human_agent", { until: until(w.closesAt) })}
        </p>
      ) : (
        ""
      )}
      <div id="reply-bar" class="reply-bar" hidden>
        <span>{t("inbox.replying_to")}</span> <q id="reply-quote"></q>
        <button type="button" class="link" data-reply-cancel>
          {t("common.cancel")}
        </button>
      </div>
      <form
        id="composer"
        class="composer"
        method="post"
        action={`/inbox/${c.id}/messages`}
        enctype="multipart/form-data"
        hx-post={`/inbox/${c.id}/messages`}
        hx-encoding="multipart/form-data"
        hx-swap="none"
        hx-confirm={data.writeAccess === "confirm" ? t.plain("inbox.intervene_confirm", { name: c.assigneeName ?? "" }) : undefined}
      >
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="replyToId" value="" id="reply-to-id" />
        <input type="hidden" name="submission" value={data.submissionKey} data-submission />
        <input type="hidden" name="responseId" value="" data-response-id />
        {data.writeAccess === "confirm" ? <input type="hidden" name="intervene" value="1" /> : ""}
        <div class="composer-input">
          {/* "/" opens the canned responses (app.js): arrows and Enter pick one, Escape closes. */}
          <ul class="suggestions" id="response-suggestions" role="listbox" aria-label={t.plain("response.title")} hidden data-suggest-url={`/inbox/${c.id}/responses`}></ul>
          <textarea
            name="text"
            rows="2"
            maxlength={String(props.data.maxText)}
            placeholder={t.plain("inbox.write_slash")}
            aria-label={t.plain("inbox.write")}
            aria-controls="response-suggestions"
            aria-autocomplete="list"
            data-enter-sends
            data-draft={`conversation-${c.id}`}
          ></textarea>
        </div>
        {data.capabilities.includes("media") ? (
          <label class="attach" title={t.plain("inbox.attach")}>
            <PaperclipIcon />
            <input type="file" name="file" aria-label={t.plain("inbox.attach")} data-file-input />
          </label>
        ) : (
          ""
        )}
        <span class="file-name" data-file-name></span>
        <button type="submit" class="primary">
          {t("inbox.send")}
        </button>
      </form>
      <p class="response-note" id="response-note" hidden role="status">
        <span data-response-label></span> <span class="finalize-note" data-finalize-note hidden>{t("response.will_finalize")}</span>{" "}
        <button type="button" class="link" data-response-clear>
          {t("response.clear")}
        </button>
      </p>
      <div class="composer-tools">
        <p class="composer-hint">{t("inbox.enter_hint")}</p>
        {data.ai.enabled ? (
          <span class="assist">
            <button type="button" class="link" id="ai-suggest" data-suggest={`/inbox/${c.id}/ai/suggest`} disabled={data.ai.budgetSpent} title={data.ai.budgetSpent ? t.plain("ai.error.budget_spent") : undefined}>
              {t("ai.suggest")}
            </button>
            {data.ai.budgetSpent ? <span class="muted">{t("ai.error.budget_spent")}</span> : ""}
          </span>
        ) : (
          ""
        )}
      </div>
      {w.kind === "open" && data.templates.length ? <TemplatePicker t={t} csrf={props.csrf} data={data} /> : ""}
    </>
  );
}

function TemplatePicker(props: { t: Translate; csrf: string; data: PaneData }): JSX.Element {
  const { t, data } = props;
  if (data.templates.length === 0) return <p class="muted">{t("inbox.templates.none")}</p>;
  return (
    <details class="templates" id="templates" open={data.window.kind === "templates_only"}>
      <summary>{t("inbox.templates.title")}</summary>
      {data.templates.map((tpl) => (
        <form
          method="post"
          action={`/inbox/${data.conversation.id}/template`}
          hx-post={`/inbox/${data.conversation.id}/template`}
          hx-swap="none"
          class="template-form"
          data-template={`${tpl.name}|${tpl.language}`}
        >
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="template" value={`${tpl.name}|${tpl.language}`} />
          <p>
            <strong safe>{tpl.name}</strong> <span class="muted" safe>{`(${tpl.language}, ${tpl.category})`}</span>
          </p>
          <p class="template-body" safe>
            {tpl.body}
          </p>
          {Array.from({ length: tpl.parameterCount }, (_, i) => (
            <label class="field">
              <span class="label">{t("inbox.templates.parameter", { n: i + 1 })}</span>
              <input type="text" name="parameters" required maxlength="1000" />
            </label>
          ))}
          <button type="submit">{t("inbox.templates.send")}</button>
        </form>
      ))}
    </details>
  );
}
