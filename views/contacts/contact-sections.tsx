import type { ContactDetail, ContactField, Identity, Note, TagRef } from "../../core/contacts/contact.ts";
import type { ConversationListItem } from "../../core/conversations/conversation.ts";
import { formatPhone } from "../../core/contacts/phone.ts";
import type { FieldError, Translate } from "../../core/i18n/index.ts";
import { ChannelIcon } from "../components/channel-icon.tsx";
import { ColorDot, TagChip } from "../components/tag-chip.tsx";

/**
 * Pieces of a contact shown both on its page and in the inbox's side panel.
 * `base` is where their actions post: /contacts/:id on the page (forms, then back
 * to the page), /inbox/:conversation/contact in the panel (htmx, the panel
 * re-renders in place).
 */
export interface SectionTarget {
  base: string;
  csrf: string;
  /** In the inbox panel: htmx posts that swap the panel. */
  panel: boolean;
}

/** Attributes of a form in either place. */
function formAttrs(target: SectionTarget, path: string): Record<string, string> {
  const action = `${target.base}${path}`;
  return target.panel ? { "hx-post": action, "hx-target": "#contact-panel", "hx-swap": "outerHTML", action, method: "post" } : { action, method: "post" };
}

/** A stored value as people read it. */
export function shownValue(field: Pick<ContactField, "type">, value: string, lang: string): string {
  if (field.type === "phone") return formatPhone(value);
  if (field.type === "date") {
    const [y, m, d] = value.split("-").map(Number);
    return new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y!, m! - 1, d!));
  }
  return value;
}

/** One template field: its value, and (where allowed) a button that turns it into an editor. */
export function FieldRow(props: { t: Translate; target: SectionTarget; field: ContactField; value: string | undefined; editable: boolean }): JSX.Element {
  const { t, field, value } = props;
  return (
    <div class="field-row" id={`row-${field.key}`}>
      <dt safe>{field.label}</dt>
      <dd>
        {value !== undefined ? <span class="value" safe>{shownValue(field, value, t.lang)}</span> : <span class="muted">—</span>}
        {props.editable ? (
          <button
            type="button"
            class="link edit-field"
            hx-get={`${props.target.base}/fields/${field.key}/edit`}
            hx-target="closest .field-row"
            hx-swap="outerHTML"
            aria-label={t.plain("contact.edit_field", { label: field.label })}
          >
            {t("common.edit")}
          </button>
        ) : (
          ""
        )}
      </dd>
    </div>
  );
}

/** The field being edited in place: Enter saves, Cancelar goes back; errors show under the input. */
export function FieldEditor(props: { t: Translate; target: SectionTarget; field: ContactField; value: string; error?: FieldError }): JSX.Element {
  const { t, field } = props;
  const id = `edit-${field.key}`;
  const input =
    field.type === "choice" ? (
      <select name="value" id={id} autofocus>
        <option value="">—</option>
        {field.options.map((o) => (
          <option value={o} selected={o === props.value} safe>
            {o}
          </option>
        ))}
      </select>
    ) : (
      <input
        type={field.type === "date" ? "date" : field.type === "phone" ? "tel" : "text"}
        name="value"
        id={id}
        value={props.value}
        maxlength="500"
        autofocus
        autocomplete="off"
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
      />
    );
  return (
    <div class={props.error ? "field-row editing invalid" : "field-row editing"} id={`row-${field.key}`}>
      <dt>
        <label for={id} safe>
          {field.label}
        </label>
      </dt>
      <dd>
        <form
          hx-post={`${props.target.base}/fields/${field.key}`}
          hx-target="closest .field-row"
          hx-swap="outerHTML"
          class="field-editor"
          method="post"
          action={`${props.target.base}/fields/${field.key}`}
          novalidate
        >
          <input type="hidden" name="_csrf" value={props.target.csrf} />
          {input}
          <button type="submit" class="primary">
            {t("common.save")}
          </button>
          <button type="button" class="link" hx-get={`${props.target.base}/fields/${field.key}`} hx-target="closest .field-row" hx-swap="outerHTML">
            {t("common.cancel")}
          </button>
          {props.error ? (
            <span class="field-error" id={`${id}-error`}>
              {t.field(props.error)}
            </span>
          ) : (
            ""
          )}
        </form>
      </dd>
    </div>
  );
}

export function FieldList(props: { t: Translate; target: SectionTarget; contact: ContactDetail; fields: ContactField[]; editable: boolean }): JSX.Element {
  return (
    <dl class="field-list" id="field-list">
      {props.fields.map((f) => (
        <FieldRow t={props.t} target={props.target} field={f} value={props.contact.values.get(f.id)} editable={props.editable} />
      ))}
    </dl>
  );
}

export function TagSection(props: { t: Translate; target: SectionTarget; tags: TagRef[]; options: TagRef[] }): JSX.Element {
  const { t, target } = props;
  const free = props.options.filter((o) => !props.tags.some((x) => x.id === o.id));
  return (
    <div class="tag-section" id="tag-section">
      <div class="tag-chips">
        {props.tags.length === 0 ? <span class="muted">{t("contact.no_tags_on")}</span> : ""}
        {props.tags.map((tag) => (
          <TagChip tag={tag}>
            <form {...formAttrs(target, `/tags/${tag.id}/remove`)} class="inline">
              <input type="hidden" name="_csrf" value={target.csrf} />
              <button type="submit" class="chip-remove" aria-label={t.plain("contact.remove_tag", { name: tag.name })} title={t.plain("contact.remove_tag", { name: tag.name })}>
                ×
              </button>
            </form>
          </TagChip>
        ))}
      </div>
      {free.length ? (
        <form {...formAttrs(target, "/tags")} class="add-tag">
          <input type="hidden" name="_csrf" value={target.csrf} />
          <select name="tagId" aria-label={t.plain("contact.add_tag")} required>
            <option value="">{t("contact.add_tag")}</option>
            {free.map((tag) => (
              <option value={String(tag.id)} safe>
                {tag.name}
              </option>
            ))}
          </select>
          <button type="submit">{t("contact.add")}</button>
        </form>
      ) : props.options.length === 0 ? (
        <p class="help">{t("contact.no_tags")}</p>
      ) : (
        ""
      )}
    </div>
  );
}

export function IdentityList(props: { t: Translate; identities: Identity[] }): JSX.Element {
  const { t } = props;
  return props.identities.length ? (
    <ul class="identities">
      {props.identities.map((i) => (
        <li>
          <ChannelIcon t={t} pluginId={i.pluginId} />
          <span>
            <span safe>{i.channelName}</span>:
          </span>
          <code safe>{i.pluginId === "whatsapp-cloud" ? formatPhone(`+${i.externalId}`) : i.externalId}</code>
        </li>
      ))}
    </ul>
  ) : (
    <p class="muted">{t("contact.no_identities")}</p>
  );
}

export function ConversationHistory(props: { t: Translate; items: ConversationListItem[]; time: (ms: number) => string; currentId?: number }): JSX.Element {
  const { t } = props;
  return props.items.length ? (
    <ul class="conv-history">
      {props.items.map((c) => (
        <li class={c.id === props.currentId ? "current" : undefined}>
          <a href={`/inbox/${c.id}`}>
            <span class={`status ${c.status}`}>{t(`conv.status.${c.status}`)}</span> <span safe>{c.channelName}</span>
          </a>{" "}
          <span class="muted nowrap" safe>{props.time(c.lastMessageAt)}</span>
          {c.id === props.currentId ? <span class="muted"> · {t("contact.this_conversation")}</span> : ""}
        </li>
      ))}
    </ul>
  ) : (
    <p class="muted">{t("contact.no_conversations")}</p>
  );
}

export function NoteSection(props: { t: Translate; target: SectionTarget; notes: Note[]; time: (ms: number) => string; canDelete: (n: Note) => boolean; error?: FieldError }): JSX.Element {
  const { t, target } = props;
  return (
    <div class="notes" id="notes">
      <form {...formAttrs(target, "/notes")} class="note-form" novalidate>
        <input type="hidden" name="_csrf" value={target.csrf} />
        <label class={props.error ? "field invalid" : "field"}>
          <span class="sr-only">{t("contact.note_new")}</span>
          <textarea name="text" rows="2" maxlength="2000" placeholder={t.plain("contact.note_placeholder")}></textarea>
          {props.error ? <span class="field-error">{t.field(props.error)}</span> : ""}
        </label>
        <button type="submit">{t("contact.note_add")}</button>
      </form>
      {props.notes.length === 0 ? <p class="muted">{t("contact.no_notes")}</p> : ""}
      <ul class="note-list">
        {props.notes.map((n) => (
          <li>
            <p class="note-text" safe>
              {n.text}
            </p>
            <p class="muted note-meta">
              <span safe>{n.authorName}</span> · <span safe>{props.time(n.createdAt)}</span>
              {props.canDelete(n) ? (
                <form {...formAttrs(target, `/notes/${n.id}/delete`)} class="inline" hx-confirm={t.plain("contact.note_delete_confirm")}>
                  <input type="hidden" name="_csrf" value={target.csrf} />
                  <button type="submit" class="link danger">
                    {t("common.delete")}
                  </button>
                </form>
              ) : (
                ""
              )}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TagSwatch(props: { color: string }): JSX.Element {
  return <ColorDot color={props.color} size={16} />;
}
