import type { ContactField, ContactListItem, TagRef } from "../../core/contacts/contact.ts";
import { FIELD_OPERATORS } from "../../core/contacts/contact.ts";
import { formatPhone } from "../../core/contacts/phone.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import type { FieldErrors } from "../components/fields.tsx";
import { ChannelIcon } from "../components/channel-icon.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { TagChips } from "../components/tag-chip.tsx";
import { Layout } from "../layout.tsx";

/** What the filter form holds, as typed (shown again as is). */
export interface ContactFilterForm {
  q: string;
  tagId: string;
  channelId: string;
  fk: string;
  fo: string;
  fv: string;
  noOpen: boolean;
}

export interface ContactListData {
  page: Page<ContactListItem>;
  filters: ContactFilterForm;
  /** The query string of the filters (no page), for pager links and the export. */
  query: string;
  displayField: ContactField | null;
  errors: FieldErrors;
  time: (ms: number) => string;
}

export function ContactListPage(props: {
  ctx: PageContext;
  data: ContactListData;
  template: ContactField[];
  tags: TagRef[];
  channels: { id: number; name: string }[];
}): JSX.Element {
  const { ctx, data } = props;
  const { t } = ctx;
  const f = data.filters;
  const filtered = !!(f.tagId || f.channelId || f.fv || f.noOpen);
  return (
    <Layout ctx={ctx} title={t.plain("contact.title")}>
      <div class="page-head">
        <h1>{t("contact.title")}</h1>
        <div class="actions">
          <a class="button primary" href="/contacts/new">
            {t("contact.new")}
          </a>
          {ctx.nav.contactsAdmin ? (
            <>
              <a class="button" href="/contacts/import">
                {t("contact.import")}
              </a>
              <a class="button" href={`/contacts/export${data.query ? `?${data.query}` : ""}`} id="export-link" download="">
                {t("contact.export")}
              </a>
            </>
          ) : (
            ""
          )}
        </div>
      </div>
      <form method="get" action="/contacts" id="contact-filters" class="contact-filters">
        <label class="search">
          <span class="sr-only">{t("contact.search")}</span>
          {/* Narrows as the user types: the results re-render, the box keeps its focus. */}
          <input
            type="search"
            name="q"
            value={f.q}
            placeholder={t.plain("contact.search_placeholder")}
            autocomplete="off"
            hx-get="/contacts"
            hx-trigger="input changed delay:250ms, search"
            hx-include="closest form"
            hx-target="#contact-results"
            hx-swap="outerHTML"
            hx-push-url="true"
          />
        </label>
        <details class="filters-box card-box" open={filtered}>
          <summary>{t("contact.filters")}</summary>
          <div class="filters">
            <select name="tagId" aria-label={t.plain("contact.filter_tag")}>
              <option value="">{t("contact.filter_tag")}</option>
              {props.tags.map((tag) => (
                <option value={String(tag.id)} selected={String(tag.id) === f.tagId} safe>
                  {tag.name}
                </option>
              ))}
            </select>
            <select name="channelId" aria-label={t.plain("contact.filter_channel")}>
              <option value="">{t("contact.filter_channel")}</option>
              {props.channels.map((c) => (
                <option value={String(c.id)} selected={String(c.id) === f.channelId} safe>
                  {c.name}
                </option>
              ))}
            </select>
            {props.template.length ? (
              <span class="field-filter">
                <select name="fk" aria-label={t.plain("contact.filter_field")}>
                  <option value="">{t("contact.filter_field")}</option>
                  {props.template.map((field) => (
                    <option value={field.key} selected={field.key === f.fk} safe>
                      {field.label}
                    </option>
                  ))}
                </select>
                <select name="fo" aria-label={t.plain("contact.filter_op")}>
                  {FIELD_OPERATORS.map((op) => (
                    <option value={op} selected={op === (f.fo || "eq")}>
                      {t(`contact.op.${op}`)}
                    </option>
                  ))}
                </select>
                <input type="text" name="fv" value={f.fv} aria-label={t.plain("contact.filter_value")} placeholder={t.plain("contact.filter_value")} maxlength="200" />
              </span>
            ) : (
              ""
            )}
            <label class="check">
              <input type="checkbox" name="noOpen" value="1" checked={f.noOpen} />
              {t("contact.filter_no_open")}
            </label>
            <button type="submit">{t("inbox.apply")}</button>
            {filtered || f.q ? <a href="/contacts">{t("contact.clear_filters")}</a> : ""}
          </div>
          {Object.keys(data.errors).length ? (
            <p class="form-error" role="alert">
              {Object.values(data.errors).map((e) => (
                <span>{t.field(e)} </span>
              ))}
            </p>
          ) : (
            ""
          )}
        </details>
      </form>
      <ContactResults t={t} data={data} />
    </Layout>
  );
}

/** The part that changes as the user types: count, table, pages. */
export function ContactResults(props: { t: Translate; data: ContactListData }): JSX.Element {
  const { t, data } = props;
  const { page } = data;
  const searching = !!(data.filters.q || data.filters.tagId || data.filters.channelId || data.filters.fv || data.filters.noOpen);
  return (
    <div id="contact-results">
      <p class="muted result-count">{t(page.total === 1 ? "contact.count_one" : "contact.count", { count: page.total.toLocaleString(t.lang) })}</p>
      <Table
        t={t}
        id="contacts"
        empty={searching ? t("contact.empty_search") : t("contact.empty")}
        head={[
          t("contact.col_number"),
          t("contact.name"),
          data.displayField ? <span safe>{data.displayField.label}</span> : t("contact.col_template"),
          t("contact.tags"),
          t("contact.col_channels"),
          t("contact.col_last"),
          t("common.actions"),
        ]}
        rows={page.items.map((c) => [
          <span class="phone" safe>
            {formatPhone(c.phone) || "—"}
          </span>,
          <a href={`/contacts/${c.id}`} safe>
            {c.name || t.plain("inbox.anonymous")}
          </a>,
          <span class="nowrap" safe>
            {c.displayValue ?? ""}
          </span>,
          <TagChips tags={c.tags} />,
          <span class="channel-icons">
            {c.plugins.map((p) => (
              <ChannelIcon t={t} pluginId={p} />
            ))}
          </span>,
          c.lastContactAt ? <span class="nowrap" safe>{data.time(c.lastContactAt)}</span> : <span class="muted">—</span>,
          <span class="actions">
            <a href={`/contacts/${c.id}/edit`}>{t("common.edit")}</a>
            {c.blocked ? <span class="badge disabled">{t("contact.blocked")}</span> : ""}
          </span>,
        ])}
      />
      <Pager t={t} page={page.page} pages={page.pages} href={(p) => `/contacts?${data.query ? `${data.query}&` : ""}page=${p}`} />
    </div>
  );
}
