import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import { EVENT_GROUPS } from "../../core/outbound-webhooks/events.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";

export interface WebhookFormValues {
  url: string;
  description: string;
  events: string[];
}

/** URL, description and the events, grouped; the same form creates and edits. */
export function WebhookForm(props: { t: Translate; csrf: string; action: string; values: WebhookFormValues; errors?: FieldErrors; submit: MessageKey }): JSX.Element {
  const { t, errors, values } = props;
  const eventsError = errors?.events;
  return (
    <form method="post" action={props.action} id="webhook-form">
      <FormSummary t={t} errors={errors} />
      <CsrfField csrf={props.csrf} />
      <TextField t={t} name="url" label="webhook.url" type="url" value={values.url} errors={errors} required maxlength={500} help="webhook.url_help" />
      <TextField t={t} name="description" label="webhook.description" value={values.description} errors={errors} maxlength={200} />
      <fieldset class={eventsError ? "field invalid" : "field"}>
        <legend class="label">{t("webhook.events")}</legend>
        <div class="event-groups">
          {EVENT_GROUPS.map((g) => (
            <div class="event-group">
              <strong>{t(`webhook.group.${g.key}`)}</strong>
              {g.events.map((e) => (
                <label class="check">
                  <input type="checkbox" name="events" value={e} checked={values.events.includes(e)} />
                  <span>
                    {t(`webhook.event.${e}`)}
                    <code>{e}</code>
                  </span>
                </label>
              ))}
            </div>
          ))}
        </div>
        {eventsError ? (
          <span class="field-error" id="events-error">
            {t.field(eventsError)}
          </span>
        ) : (
          ""
        )}
      </fieldset>
      <button type="submit" class="primary">
        {t(props.submit)}
      </button>
    </form>
  );
}
