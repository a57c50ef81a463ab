import { RATE_KINDS } from "../../core/billing/billing-service.ts";
import { formatMoney } from "../../core/billing/money.ts";
import type { Rate } from "../../core/billing/rate-repository.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export interface RateFormValues {
  kind: string;
  amount: string;
  country: string;
  model: string;
  companyId: string;
  currency: string;
  freePerMonth: string;
}

/** The operator's rate table: what each kind of usage costs, per country or model, with company overrides. */
export function RatesPage(props: { ctx: PageContext; rates: (Rate & { companyName: string | null })[]; companies: { id: number; name: string }[]; form: RateFormValues; errors?: FieldErrors }): JSX.Element {
  const { ctx, form, errors } = props;
  const { t } = ctx;
  const locale = t.lang === "en" ? "en-US" : "es-CO";
  return (
    <Layout ctx={ctx} title={t.plain("billing.rates")}>
      <div class="page-head">
        <h1>{t("billing.rates")}</h1>
        <a href="/admin/recharges">{t("billing.recharges")}</a>
      </div>
      <p class="muted">{t("billing.rates_intro")}</p>
      <Table
        t={t}
        id="rates"
        empty={t("billing.no_rates")}
        head={[t("billing.rate_kind"), t("billing.company"), t("billing.country"), t("billing.model"), t("billing.amount"), t("billing.free_per_month")]}
        rows={props.rates.map((r) => [
          <span>{t(`billing.kind.${r.kind}` as MessageKey)}</span>,
          <span safe>{r.companyName ?? t.plain("billing.platform")}</span>,
          <span safe>{r.country || t.plain("billing.every")}</span>,
          <span safe>{r.model || (r.kind.startsWith("ai.") ? t.plain("billing.every") : "—")}</span>,
          <span safe>{r.amount === 0 ? t.plain("billing.free") : formatMoney(r.amount, r.currency, locale)}</span>,
          <span>{r.freePerMonth > 0 ? String(r.freePerMonth) : "—"}</span>,
        ])}
      />
      <section class="card narrow">
        <h2>{t("billing.set_rate")}</h2>
        <FormSummary t={t} errors={errors} />
        <form method="post" action="/admin/rates" id="rate-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <label class="field">
            <span class="label">{t("billing.rate_kind")}</span>
            <select name="kind">
              {RATE_KINDS.map((k) => (
                <option value={k} selected={form.kind === k}>
                  {t(`billing.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <TextField t={t} name="amount" label="billing.amount" value={form.amount} errors={errors} help="billing.rate_amount_help" />
          <TextField t={t} name="freePerMonth" label="billing.free_per_month" value={form.freePerMonth} errors={errors} maxlength={9} help="billing.free_per_month_help" />
          <TextField t={t} name="country" label="billing.country" value={form.country} errors={errors} maxlength={2} help="billing.country_help" />
          <TextField t={t} name="model" label="billing.model" value={form.model} errors={errors} maxlength={100} help="billing.model_help" />
          <label class="field">
            <span class="label">{t("billing.company")}</span>
            <select name="companyId">
              <option value="">{t("billing.platform")}</option>
              {props.companies.map((c) => (
                <option value={String(c.id)} selected={form.companyId === String(c.id)} safe>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <TextField t={t} name="currency" label="billing.currency" value={form.currency} errors={errors} maxlength={3} />
          <button type="submit" class="primary">
            {t("common.save")}
          </button>
        </form>
      </section>
    </Layout>
  );
}
