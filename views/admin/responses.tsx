import type { CannedResponse } from "../../core/responses/response.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

/** The manual's columns: NOMBRE, KEY, DESCRIPCIÓN, FINALIZAR, AUTOMÁTICO, ACCIONES. */
export function ResponseListPage(props: { ctx: PageContext; page: Page<CannedResponse>; q: string }): JSX.Element {
  const { ctx, page, q } = props;
  const { t } = ctx;
  const flag = (on: boolean, label: string) => <input type="checkbox" checked={on} disabled aria-label={label} />;
  return (
    <Layout ctx={ctx} title={t.plain("response.title")}>
      <div class="page-head">
        <h1>{t("response.title")}</h1>
        <a class="button primary" href="/admin/responses/new">
          {t("response.new")}
        </a>
      </div>
      <form method="get" action="/admin/responses" class="row search-row">
        <label class="field grow">
          <span class="sr-only">{t("contact.search")}</span>
          <input type="search" name="q" value={q} placeholder={t.plain("response.search")} />
        </label>
        <button type="submit">{t("contact.search")}</button>
      </form>
      <Table
        t={t}
        id="responses"
        empty={q ? t("response.empty_search") : t("response.empty")}
        head={[t("response.name"), t("response.key"), t("response.description"), t("response.finalize"), t("response.automatic"), t("common.actions")]}
        rows={page.items.map((r) => [
          <span safe>{r.name}</span>,
          <code safe>{r.key}</code>,
          <span class="response-text" safe>
            {r.text.length > 90 ? `${r.text.slice(0, 90)}…` : r.text}
          </span>,
          flag(r.finalize, `${t.plain("response.finalize")}: ${r.name}`),
          flag(r.automatic, `${t.plain("response.automatic")}: ${r.name}`),
          <span class="actions">
            <a href={`/admin/responses/${r.id}/edit`}>{t("common.edit")}</a>
            <a href={`/admin/responses/${r.id}/delete`} class="danger-link">
              {t("common.delete")}
            </a>
          </span>,
        ])}
      />
      <Pager t={t} page={page.page} pages={page.pages} href={(p) => `/admin/responses?${q ? `q=${encodeURIComponent(q)}&` : ""}page=${p}`} />
    </Layout>
  );
}

export interface ResponseFormValues {
  name: string;
  key: string;
  text: string;
  finalize: boolean;
  automatic: boolean;
  queueIds: number[];
}

export function ResponseFormPage(props: {
  ctx: PageContext;
  id?: number;
  form: ResponseFormValues;
  queues: { id: number; name: string }[];
  fieldKeys: string[];
  attachment: { name: string | null; mime: string | null } | null;
  errors?: FieldErrors;
}): JSX.Element {
  const { ctx, errors, form } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("response.edit") : t.plain("response.new");
  const variables = ["{{contact.name}}", ...props.fieldKeys.map((k) => `{{contact.${k}}}`), "{{agent.name}}", "{{company.name}}"];
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={props.id ? `/admin/responses/${props.id}` : "/admin/responses"} enctype="multipart/form-data" id="response-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="response.name" value={form.name} errors={errors} required autofocus maxlength={60} />
          <TextField t={t} name="key" label="response.key" value={form.key} errors={errors} required maxlength={30} help="response.key_help" />
          <label class={errors?.text ? "field invalid" : "field"}>
            <span class="label">{t("response.text")}</span>
            <textarea name="text" rows="7" maxlength="4096" required aria-invalid={errors?.text ? "true" : undefined} safe>
              {form.text}
            </textarea>
            <span class="help">
              {t("response.variables")} <code safe>{variables.join(" ")}</code>
            </span>
            {errors?.text ? <span class="field-error">{t.field(errors.text)}</span> : ""}
          </label>
          <label class="field check">
            <input type="checkbox" name="finalize" value="1" checked={form.finalize} />
            <span>{t("response.finalize_label")}</span>
          </label>
          <label class="field check">
            <input type="checkbox" name="automatic" value="1" checked={form.automatic} />
            <span>{t("response.automatic_label")}</span>
          </label>
          <fieldset class={errors?.queueIds ? "field invalid" : "field"}>
            <legend class="label">{t("response.queues")}</legend>
            <span class="help">{t("response.queues_help")}</span>
            {props.queues.map((q) => (
              <label class="check">
                <input type="checkbox" name="queueIds" value={String(q.id)} checked={form.queueIds.includes(q.id)} />
                <span safe>{q.name}</span>
              </label>
            ))}
            {errors?.queueIds ? <span class="field-error">{t.field(errors.queueIds)}</span> : ""}
          </fieldset>
          <label class={errors?.file ? "field invalid" : "field"}>
            <span class="label">{t("response.attachment")}</span>
            {props.attachment ? (
              <span class="help">
                {t("response.attachment_current")} <strong safe>{props.attachment.name ?? ""}</strong>
              </span>
            ) : (
              ""
            )}
            <input type="file" name="file" accept="image/jpeg,image/png,image/webp,application/pdf" />
            <span class="help">{t("response.attachment_help")}</span>
            {errors?.file ? <span class="field-error">{t.field(errors.file)}</span> : ""}
          </label>
          {props.attachment ? (
            <label class="field check">
              <input type="checkbox" name="removeFile" value="1" />
              <span>{t("response.attachment_remove")}</span>
            </label>
          ) : (
            ""
          )}
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href="/admin/responses">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function ResponseDeletePage(props: { ctx: PageContext; response: CannedResponse }): JSX.Element {
  const { ctx, response } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("response.delete_title", { name: response.name })}>
      <section class="card narrow" id="response-delete">
        <h1>{t("response.delete_title", { name: response.name })}</h1>
        <p>{t("response.delete_help")}</p>
        <form method="post" action={`/admin/responses/${response.id}/delete`}>
          <CsrfField csrf={ctx.csrf} />
          <div class="form-actions">
            <button type="submit" class="danger">
              {t("common.delete")}
            </button>
            <a href="/admin/responses">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/** The composer's "/" suggestions: one option per response, its filled text carried along. */
export function ResponseSuggestions(props: { t: import("../../core/i18n/index.ts").Translate; items: { id: number; name: string; key: string; text: string; finalize: boolean; attachment: string | null }[] }): JSX.Element {
  const { t, items } = props;
  if (items.length === 0) return <li class="suggestion empty">{t("response.no_match")}</li>;
  return (
    <>
      {items.map((r, i) => (
        <li
          class="suggestion"
          role="option"
          id={`suggestion-${r.id}`}
          aria-selected={i === 0 ? "true" : "false"}
          data-response-id={String(r.id)}
          data-text={r.text}
          data-finalize={r.finalize ? "1" : "0"}
          data-attachment={r.attachment ?? ""}
        >
          <strong safe>{r.name}</strong> <code safe>{`/${r.key}`}</code>
          {r.finalize ? <span class="badge">{t("response.finalize")}</span> : ""}
          <span class="muted suggestion-text" safe>
            {r.text.length > 70 ? `${r.text.slice(0, 70)}…` : r.text}
          </span>
        </li>
      ))}
    </>
  );
}
