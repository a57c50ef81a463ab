import type { TagListItem } from "../../core/contacts/contact.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { ColorDot } from "../components/tag-chip.tsx";
import { Layout } from "../layout.tsx";

export function TagListPage({ ctx, page }: { ctx: PageContext; page: Page<TagListItem> }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("tag.title")}>
      <div class="page-head">
        <h1>{t("tag.title")}</h1>
        <a class="button primary" href="/admin/tags/new">
          {t("tag.new")}
        </a>
      </div>
      <Table
        t={t}
        id="tags"
        empty={t("tag.empty")}
        head={[t("tag.name"), t("tag.color"), t("tag.contacts"), t("common.actions")]}
        rows={page.items.map((tag) => [
          <span safe>{tag.name}</span>,
          <span class="swatch">
            <ColorDot color={tag.color} size={18} />
            <code safe>{tag.color}</code>
          </span>,
          <a href={`/contacts?tagId=${tag.id}`} safe>
            {tag.contacts.toLocaleString(t.lang)}
          </a>,
          <span class="actions">
            <a href={`/admin/tags/${tag.id}/edit`}>{t("common.edit")}</a>
            <a href={`/admin/tags/${tag.id}/delete`} class="danger-link">
              {t("common.delete")}
            </a>
          </span>,
        ])}
      />
      <Pager t={t} page={page.page} pages={page.pages} href={(p) => `/admin/tags?page=${p}`} />
    </Layout>
  );
}

export function TagFormPage(props: { ctx: PageContext; id?: number; form: { name: string; color: string }; errors?: FieldErrors }): JSX.Element {
  const { ctx, errors } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("tag.edit") : t.plain("tag.new");
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={props.id ? `/admin/tags/${props.id}` : "/admin/tags"} id="tag-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="tag.name" value={props.form.name} errors={errors} required autofocus maxlength={40} />
          <TextField t={t} name="color" label="tag.color" type="color" value={props.form.color} errors={errors} help="tag.color_help" />
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href="/admin/tags">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function TagDeletePage(props: { ctx: PageContext; tag: TagListItem }): JSX.Element {
  const { ctx, tag } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("tag.delete_title", { name: tag.name })}>
      <section class="card narrow" id="tag-delete">
        <h1>{t("tag.delete_title", { name: tag.name })}</h1>
        <p>{tag.contacts === 0 ? t("tag.delete_unused") : t(tag.contacts === 1 ? "tag.delete_usage_one" : "tag.delete_usage", { count: tag.contacts.toLocaleString(t.lang) })}</p>
        <form method="post" action={`/admin/tags/${tag.id}/delete`}>
          <CsrfField csrf={ctx.csrf} />
          <div class="form-actions">
            <button type="submit" class="danger">
              {t("tag.delete_confirm")}
            </button>
            <a href="/admin/tags">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
