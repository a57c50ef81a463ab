import type { ContactPage } from "../../core/contacts/contact-service.ts";
import type { TagRef } from "../../core/contacts/contact.ts";
import type { MergeRecord } from "../../core/contacts/merge-repository.ts";
import { formatPhone } from "../../core/contacts/phone.ts";
import type { Note } from "../../core/contacts/contact.ts";
import type { PageContext } from "../context.ts";
import { CsrfField } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";
import { ConversationHistory, FieldList, IdentityList, NoteSection, shownValue, TagSection, type SectionTarget } from "./contact-sections.tsx";

export function ContactDetailPage(props: {
  ctx: PageContext;
  data: ContactPage;
  tagOptions: TagRef[];
  merges: MergeRecord[];
  time: (ms: number) => string;
  canDeleteNote: (n: Note) => boolean;
}): JSX.Element {
  const { ctx, data } = props;
  const { t } = ctx;
  const c = data.contact;
  const target: SectionTarget = { base: `/contacts/${c.id}`, csrf: ctx.csrf, panel: false };
  const title = c.name || formatPhone(c.phone) || t.plain("inbox.anonymous");
  return (
    <Layout ctx={ctx} title={title}>
      <p class="crumbs">
        <a href="/contacts">{t("contact.title")}</a>
      </p>
      <div class="page-head">
        <div>
          <h1 safe>{title}</h1>
          <p class="muted contact-sub">
            {c.phone ? <span class="phone" safe>{formatPhone(c.phone)}</span> : ""}
            {c.phone && c.email ? " · " : ""}
            {c.email ? <span safe>{c.email}</span> : ""}
            {c.blocked ? <span class="badge needs_attention">{t("contact.blocked")}</span> : ""}
          </p>
        </div>
        <div class="actions">
          <a class="button" href={`/contacts/${c.id}/edit`}>
            {t("common.edit")}
          </a>
          <a class="button" href={`/contacts/${c.id}/merge`}>
            {t("contact.merge_other")}
          </a>
          <form method="post" action={`/contacts/${c.id}/block`} class="inline" hx-confirm={c.blocked ? undefined : t.plain("contact.block_confirm")}>
            <CsrfField csrf={ctx.csrf} />
            <input type="hidden" name="blocked" value={c.blocked ? "0" : "1"} />
            <button type="submit" id="block-toggle" class={c.blocked ? undefined : "danger"}>
              {c.blocked ? t("contact.unblock") : t("contact.block")}
            </button>
          </form>
          {ctx.nav.contactsAdmin ? (
            <a class="button danger-button" href={`/contacts/${c.id}/erase`}>
              {t("contact.erase")}
            </a>
          ) : (
            ""
          )}
        </div>
      </div>
      {c.blocked ? <p class="banner info">{t("contact.blocked_hint")}</p> : ""}
      {data.duplicates.length ? (
        <section class="banner info" id="duplicates">
          <strong>{t("contact.duplicates")}</strong>
          <ul>
            {data.duplicates.map((d) => (
              <li>
                <a href={`/contacts/${d.id}`} safe>
                  {d.name || formatPhone(d.phone) || `#${d.id}`}
                </a>{" "}
                <span class="muted">
                  ({d.phone && d.phone === c.phone ? t("contact.same_phone") : t("contact.same_email")})
                </span>{" "}
                <a href={`/contacts/${c.id}/merge?with=${d.id}`} class="button small">
                  {t("contact.merge_with")}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ""
      )}
      <div class="contact-grid">
        <section class="card">
          <h2>{t("contact.data")}</h2>
          {data.fields.length ? (
            <FieldList t={t} target={target} contact={c} fields={data.fields} editable={false} />
          ) : (
            <p class="muted">
              {t("contact.no_template")} {ctx.nav.contactsAdmin ? <a href="/admin/fields">{t("contact.define_template")}</a> : ""}
            </p>
          )}
          {data.removed.length ? (
            <div class="removed-fields" id="removed-fields">
              <h3>{t("contact.removed_fields")}</h3>
              <p class="help">{t("contact.removed_fields_help")}</p>
              <dl class="field-list">
                {data.removed.map((r) => (
                  <div class="field-row">
                    <dt safe>{r.field.label}</dt>
                    <dd safe>{shownValue(r.field, r.value, t.lang)}</dd>
                  </div>
                ))}
              </dl>
              <form method="post" action={`/contacts/${c.id}/removed-values/erase`} class="inline" hx-confirm={t.plain("contact.removed_erase_confirm")}>
                <CsrfField csrf={ctx.csrf} />
                <button type="submit" class="link danger">
                  {t("contact.removed_erase")}
                </button>
              </form>
            </div>
          ) : (
            ""
          )}
          <h2>{t("contact.tags")}</h2>
          <TagSection t={t} target={target} tags={c.tags} options={props.tagOptions} />
          <h2>{t("contact.identities")}</h2>
          <IdentityList t={t} identities={c.identities} />
        </section>
        <section class="card">
          <h2>{t("contact.conversations")}</h2>
          <ConversationHistory t={t} items={data.conversations} time={props.time} />
          <h2>{t("contact.notes")}</h2>
          <NoteSection t={t} target={target} notes={data.notes} time={props.time} canDelete={props.canDeleteNote} />
          {props.merges.length ? (
            <>
              <h2>{t("contact.merge_history")}</h2>
              <ul class="merge-history">
                {props.merges.map((m) => {
                  const d = JSON.parse(m.details) as { merged?: { name?: string; phone?: string | null } };
                  return (
                    <li>
                      {t("contact.merged_line", { by: m.byName, when: props.time(m.createdAt), name: d.merged?.name || formatPhone(d.merged?.phone ?? null) || `#${m.mergedId}` })}
                    </li>
                  );
                })}
              </ul>
            </>
          ) : (
            ""
          )}
        </section>
      </div>
    </Layout>
  );
}
