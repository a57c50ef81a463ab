import { FIELD_TYPES, type ContactField, type FieldInput } from "../../core/contacts/contact.ts";
import type { PageContext } from "../context.ts";
import { Checkbox, CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

/** "Plantilla de contacto": the fields in order, with up/down, and the removed ones that still hold values. */
export function FieldListPage(props: { ctx: PageContext; fields: ContactField[]; removed: (ContactField & { values: number })[] }): JSX.Element {
  const { ctx, fields } = props;
  const { t } = ctx;
  const move = (f: ContactField, dir: "up" | "down", disabled: boolean) => (
    <form method="post" action={`/admin/fields/${f.id}/move`} class="inline">
      <CsrfField csrf={ctx.csrf} />
      <input type="hidden" name="direction" value={dir} />
      <button type="submit" class="link" disabled={disabled} aria-label={t.plain(dir === "up" ? "field.move_up" : "field.move_down", { label: f.label })}>
        {dir === "up" ? "↑" : "↓"}
      </button>
    </form>
  );
  return (
    <Layout ctx={ctx} title={t.plain("field.title")}>
      <div class="page-head">
        <h1>{t("field.title")}</h1>
        <a class="button primary" href="/admin/fields/new">
          {t("field.new")}
        </a>
      </div>
      <p class="help">{t("field.intro")}</p>
      <Table
        t={t}
        id="fields"
        empty={t("field.empty")}
        head={[t("field.order"), t("field.label"), t("field.key"), t("field.type"), t("field.required"), t("field.display"), t("common.actions")]}
        rows={fields.map((f, i) => [
          <span class="order">
            {move(f, "up", i === 0)}
            {move(f, "down", i === fields.length - 1)}
          </span>,
          <span safe>{f.label}</span>,
          <code safe>{f.key}</code>,
          <span>
            {t(`field.type.${f.type}`)}
            {f.type === "choice" ? (
              <span class="muted" safe>
                {` (${f.options.join(", ")})`}
              </span>
            ) : (
              ""
            )}
          </span>,
          f.required ? t("common.yes") : t("common.no"),
          f.display ? <span class="badge">{t("field.display_badge")}</span> : "",
          <span class="actions">
            <a href={`/admin/fields/${f.id}/edit`}>{t("common.edit")}</a>
            <form method="post" action={`/admin/fields/${f.id}/remove`} class="inline" hx-confirm={t.plain("field.remove_confirm", { label: f.label })}>
              <CsrfField csrf={ctx.csrf} />
              <button type="submit" class="link danger">
                {t("field.remove")}
              </button>
            </form>
          </span>,
        ])}
      />
      {props.removed.length ? (
        <section class="removed-fields" id="removed-fields">
          <h2>{t("field.removed_title")}</h2>
          <p class="help">{t("field.removed_help")}</p>
          <ul>
            {props.removed.map((f) => (
              <li>
                <span safe>{f.label}</span> <code safe>{f.key}</code> · {t("field.values_kept", { count: f.values })}{" "}
                <form method="post" action={`/admin/fields/${f.id}/purge`} class="inline" hx-confirm={t.plain("field.purge_confirm", { label: f.label, count: f.values })}>
                  <CsrfField csrf={ctx.csrf} />
                  <button type="submit" class="link danger">
                    {t("field.purge")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ""
      )}
    </Layout>
  );
}

export interface FieldFormValues {
  key: string;
  label: string;
  type: string;
  required: boolean;
  options: string;
  min: string;
  max: string;
  display: boolean;
}

export const BLANK_FIELD: FieldFormValues = { key: "", label: "", type: "text", required: false, options: "", min: "", max: "", display: false };

export function fieldFormValues(f: FieldInput | ContactField): FieldFormValues {
  return {
    key: f.key,
    label: f.label,
    type: f.type,
    required: f.required,
    options: f.options.join("\n"),
    min: f.min === null ? "" : String(f.min),
    max: f.max === null ? "" : String(f.max),
    display: f.display,
  };
}

export function FieldFormPage(props: { ctx: PageContext; id?: number; form: FieldFormValues; errors?: FieldErrors }): JSX.Element {
  const { ctx, errors, form } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("field.edit") : t.plain("field.new");
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={props.id ? `/admin/fields/${props.id}` : "/admin/fields"} id="field-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="label" label="field.label" value={form.label} errors={errors} required autofocus maxlength={60} />
          <TextField t={t} name="key" label="field.key" value={form.key} errors={errors} required maxlength={40} help="field.key_help" data={props.id ? { "data-slug-from": "label", "data-slug-sep": "_", "data-touched": "1" } : { "data-slug-from": "label", "data-slug-sep": "_" }} />
          <SelectField
            t={t}
            name="type"
            label="field.type"
            value={form.type}
            errors={errors}
            options={FIELD_TYPES.map((type) => ({ value: type, label: t.plain(`field.type.${type}`) }))}
          />
          <label class={errors?.options ? "field invalid" : "field"} data-show-for-type="choice">
            <span class="label">{t("field.options")}</span>
            <textarea name="options" rows="4" maxlength="4000" safe>
              {form.options}
            </textarea>
            <span class="help">{t("field.options_help")}</span>
            {errors?.options ? <span class="field-error">{t.field(errors.options)}</span> : ""}
          </label>
          <div class="row-fields" data-show-for-type="number">
            <TextField t={t} name="min" label="field.min" value={form.min} errors={errors} />
            <TextField t={t} name="max" label="field.max" value={form.max} errors={errors} />
          </div>
          <Checkbox t={t} name="required" label="field.required_label" checked={form.required} />
          <Checkbox t={t} name="display" label="field.display_label" checked={form.display} />
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href="/admin/fields">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
