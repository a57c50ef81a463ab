import type { Translate } from "../../core/i18n/index.ts";

/** "Resumir" in the contact panel: the button, and the summary (or why there is none) once asked. */
export function AiSummary(props: { t: Translate; conversationId: number; text: string | null; error: string | null }): JSX.Element {
  const { t } = props;
  return (
    <div id="ai-summary" class="ai-summary">
      {props.text ? (
        <p class="summary-text" safe>
          {props.text}
        </p>
      ) : (
        ""
      )}
      {props.error ? (
        <p class="field-error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ""
      )}
      <button type="button" class="link" hx-post={`/inbox/${props.conversationId}/ai/summary`} hx-target="#ai-summary" hx-swap="outerHTML" id="ai-summarize">
        {props.text ? t("ai.summarize_again") : t("ai.summarize")}
      </button>
    </div>
  );
}
