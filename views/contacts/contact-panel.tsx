import type { ContactDetail, ContactField, Note, TagRef } from "../../core/contacts/contact.ts";
import type { ConversationListItem } from "../../core/conversations/conversation.ts";
import { formatPhone } from "../../core/contacts/phone.ts";
import type { FieldError, Translate } from "../../core/i18n/index.ts";
import { AiSummary } from "./ai-summary.tsx";
import { ConversationHistory, FieldList, IdentityList, NoteSection, TagSection, type SectionTarget } from "./contact-sections.tsx";

export interface ContactPanelData {
  conversationId: number;
  contact: ContactDetail;
  fields: ContactField[];
  tagOptions: TagRef[];
  notes: Note[];
  conversations: ConversationListItem[];
  canDeleteNote: (n: Note) => boolean;
  time: (ms: number) => string;
  noteError?: FieldError;
  /** The company's AI is on: "Resumir" shows. */
  aiEnabled: boolean;
}

/**
 * The contact beside an open conversation: fields edited in place, tags, notes,
 * identities and earlier conversations. It re-fetches itself when the stream says
 * this contact changed (another agent edited it), unless a field is being edited.
 */
export function ContactPanel(props: { t: Translate; csrf: string; data: ContactPanelData }): JSX.Element {
  const { t, data } = props;
  const c = data.contact;
  const target: SectionTarget = { base: `/inbox/${data.conversationId}/contact`, csrf: props.csrf, panel: true };
  return (
    <aside
      class="contact-panel"
      id="contact-panel"
      aria-label={t.plain("contact.panel")}
      hx-get={`/inbox/${data.conversationId}/contact`}
      hx-trigger="contact from:#inbox-sse"
      hx-swap="outerHTML"
      data-contact={String(c.id)}
    >
      <header class="contact-panel-head">
        <label for="contact-toggle" class="button small panel-close">
          {t("common.close")}
        </label>
        <h2 safe>{c.name || formatPhone(c.phone) || t.plain("inbox.anonymous")}</h2>
        <p class="muted">
          {c.phone ? <span class="phone" safe>{formatPhone(c.phone)}</span> : ""}
          {c.email ? (
            <>
              {c.phone ? " · " : ""}
              <span safe>{c.email}</span>
            </>
          ) : (
            ""
          )}
        </p>
        <p>
          <a href={`/contacts/${c.id}`}>{t("contact.open_page")}</a>
          {c.blocked ? <span class="badge needs_attention">{t("contact.blocked")}</span> : ""}
        </p>
      </header>
      {data.aiEnabled ? (
        <section>
          <h3>{t("ai.summary_title")}</h3>
          <AiSummary t={t} conversationId={data.conversationId} text={null} error={null} />
        </section>
      ) : (
        ""
      )}
      {data.fields.length ? (
        <section>
          <h3>{t("contact.data")}</h3>
          <FieldList t={t} target={target} contact={c} fields={data.fields} editable />
        </section>
      ) : (
        ""
      )}
      <section>
        <h3>{t("contact.tags")}</h3>
        <TagSection t={t} target={target} tags={c.tags} options={data.tagOptions} />
      </section>
      <section>
        <h3>{t("contact.notes")}</h3>
        <NoteSection t={t} target={target} notes={data.notes} time={data.time} canDelete={data.canDeleteNote} error={data.noteError} />
      </section>
      <section>
        <h3>{t("contact.identities")}</h3>
        <IdentityList t={t} identities={c.identities} />
      </section>
      <section>
        <h3>{t("contact.conversations")}</h3>
        <ConversationHistory t={t} items={data.conversations} time={data.time} currentId={data.conversationId} />
      </section>
    </aside>
  );
}
