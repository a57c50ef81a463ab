import type { Company, CompanyInput } from "../../core/tenancy/company.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import { Checkbox, CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export function CompanyListPage({ ctx, page }: { ctx: PageContext; page: Page<Company> }): JSX.Element {
  const { t } = ctx;
  const regionName = new Intl.DisplayNames([t.lang], { type: "region" });
  return (
    <Layout ctx={ctx} title={t.plain("company.title")}>
      <div class="page-head">
        <h1>{t("company.title")}</h1>
        <a class="button primary" href="/admin/companies/new">
          {t("company.new")}
        </a>
      </div>
      <Table
        t={t}
        id="companies"
        empty={t("company.empty")}
        head={[t("company.name"), t("company.slug"), t("company.country"), t("company.time_zone"), t("company.currency"), t("common.status"), t("common.actions")]}
        rows={page.items.map((c) => [
          <span safe>{c.name}</span>,
          <code safe>{c.slug}</code>,
          <span safe>{regionName.of(c.country) ?? c.country}</span>,
          <span safe>{c.timeZone}</span>,
          <span safe>{c.currency}</span>,
          c.active ? t("common.active") : t("common.inactive"),
          <span class="actions">
            <a href={`/admin/companies/${c.id}/edit`}>{t("common.edit")}</a>
            {ctx.viewer?.companyId === c.id ? (
              <span class="badge">{t("company.current")}</span>
            ) : (
              <form method="post" action="/session/company" class="inline">
                <CsrfField csrf={ctx.csrf} />
                <input type="hidden" name="companyId" value={String(c.id)} />
                <button type="submit" class="link">
                  {t("company.administer")}
                </button>
              </form>
            )}
          </span>,
        ])}
      />
      <Pager t={t} page={page.page} pages={page.pages} href={(p) => `/admin/companies?page=${p}`} />
    </Layout>
  );
}

export function CompanyInputPage(props: {
  ctx: PageContext;
  id?: number;
  form: CompanyInput;
  errors?: FieldErrors;
  countries: { code: string; name: string; timeZone: string; currency: string }[];
  timeZones: string[];
}): JSX.Element {
  const { ctx, form, errors } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("company.edit") : t.plain("company.new");
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={props.id ? `/admin/companies/${props.id}` : "/admin/companies"} id="company-form">
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="company.name" value={form.name} errors={errors} required maxlength={100} />
          <TextField
            t={t}
            name="slug"
            label="company.slug"
            value={form.slug}
            errors={errors}
            help="company.slug_help"
            maxlength={40}
            data={props.id ? {} : { "data-slug-from": "name" }}
          />
          {/* Choosing a country fills in its time zone and currency (app.js); both stay editable. */}
          <label class={errors?.country ? "field invalid" : "field"}>
            <span class="label">{t("company.country")}</span>
            <select name="country" data-country-defaults>
              {props.countries.map((c) => (
                <option value={c.code} selected={c.code === form.country} data-time-zone={c.timeZone} data-currency={c.currency} safe>
                  {c.name}
                </option>
              ))}
            </select>
            <span class="help">{t("company.country_help")}</span>
            {errors?.country ? <span class="field-error">{t.field(errors.country)}</span> : ""}
          </label>
          <SelectField
            t={t}
            name="timeZone"
            label="company.time_zone"
            value={form.timeZone}
            errors={errors}
            options={props.timeZones.map((z) => ({ value: z, label: z }))}
          />
          <TextField t={t} name="currency" label="company.currency" value={form.currency} errors={errors} maxlength={3} />
          <Checkbox t={t} name="active" label="company.active" checked={form.active} />
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href="/admin/companies">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
