import type { LedgerEntry } from "../../core/billing/ledger.ts";
import { PAYMENT_METHODS } from "../../core/billing/ledger.ts";
import { formatMoney } from "../../core/billing/money.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export interface RechargeListData {
  page: Page<LedgerEntry>;
  query: { from: string; to: string; value: string };
  /** The operator sees every company and records recharges. */
  operator: boolean;
  balance: { currency: string; balance: number } | null;
  /** The selected company's alert settings (major units as shown); the credit only for the operator. */
  settings: { threshold: string; creditLimit: string | null } | null;
  errors?: FieldErrors;
}

const locale = (lang: string) => (lang === "en" ? "en-US" : "es-CO");

/** "Listado de Recargas": EMPRESA, VALOR, FECHA, ACCIONES, with Desde / Hasta / Valor. */
export function RechargeListPage(props: { ctx: PageContext; data: RechargeListData }): JSX.Element {
  const { ctx, data } = props;
  const { t } = ctx;
  const q = data.query;
  const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v)).toString();
  return (
    <Layout ctx={ctx} title={t.plain("billing.recharges")}>
      <div class="page-head">
        <h1>{t("billing.recharges")}</h1>
        <span class="row">
          <a href="/admin/statement" id="statement-link">
            {t("billing.statement")}
          </a>
          {data.operator ? (
            <>
              <a href="/admin/rates" id="rates-link">
                {t("billing.rates")}
              </a>
              <a class="button primary" href="/admin/recharges/new">
                {t("billing.new_recharge")}
              </a>
            </>
          ) : (
            ""
          )}
        </span>
      </div>
      {data.balance ? (
        <p class="balance" id="balance">
          {t("billing.balance")} <strong safe>{formatMoney(data.balance.balance, data.balance.currency, locale(t.lang))}</strong>
        </p>
      ) : (
        ""
      )}
      {data.settings ? (
        <details class="card" id="balance-settings">
          <summary>{t("billing.settings")}</summary>
          <form method="post" action="/admin/recharges/settings" class="row">
            <CsrfField csrf={ctx.csrf} />
            <TextField t={t} name="threshold" label="billing.threshold" value={data.settings.threshold} help="billing.threshold_help" />
            {data.settings.creditLimit !== null ? <TextField t={t} name="creditLimit" label="billing.credit_limit" value={data.settings.creditLimit} /> : ""}
            <button type="submit">{t("common.save")}</button>
          </form>
        </details>
      ) : (
        ""
      )}
      <FormSummary t={t} errors={data.errors} />
      <form method="get" action="/admin/recharges" class="row" id="recharge-filters">
        <TextField t={t} name="from" label="billing.from" type="date" value={q.from} errors={data.errors} />
        <TextField t={t} name="to" label="billing.to" type="date" value={q.to} errors={data.errors} />
        <label class={data.errors?.value ? "field invalid" : "field"}>
          <span class="label">{t("billing.value")}</span>
          <input type="text" name="value" value={q.value} placeholder={t.plain("billing.value_placeholder")} inputmode="decimal" />
          {data.errors?.value ? <span class="field-error">{t.field(data.errors.value)}</span> : ""}
        </label>
        <button type="submit">{t("contact.search")}</button>
      </form>
      <Table
        t={t}
        id="recharges"
        empty={t(qs ? "billing.empty_filtered" : "billing.empty")}
        head={[t("billing.company"), t("billing.amount"), t("billing.date"), t("common.actions")]}
        rows={data.page.items.map((e) => [
          <span safe>{e.companyName}</span>,
          <span class={e.reversedBy ? "reversed" : undefined} safe>
            {formatMoney(e.amount, e.currency, locale(t.lang))}
          </span>,
          <span safe>{e.valueDate}</span>,
          <span class="actions">
            {e.method ? <span class="muted">{t(`billing.method.${e.method}` as MessageKey)}</span> : ""}
            {e.reference ? <code safe>{e.reference}</code> : ""}
            {e.reversedBy ? (
              <span class="pill">{t("billing.reversed")}</span>
            ) : data.operator ? (
              <a href={`/admin/recharges/${e.id}/reverse`} class="danger-link">
                {t("billing.reverse")}
              </a>
            ) : (
              ""
            )}
          </span>,
        ])}
      />
      {data.page.total > 0 ? <Pager t={t} page={data.page.page} pages={data.page.pages} href={(p) => `/admin/recharges?${qs ? `${qs}&` : ""}page=${p}`} /> : ""}
    </Layout>
  );
}

export interface RechargeFormValues {
  companyId: string;
  amount: string;
  date: string;
  method: string;
  reference: string;
  note: string;
}

export function RechargeFormPage(props: { ctx: PageContext; form: RechargeFormValues; companies: { id: number; name: string }[]; errors?: FieldErrors }): JSX.Element {
  const { ctx, form, errors } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("billing.new_recharge")}>
      <section class="card narrow">
        <h1>{t("billing.new_recharge")}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action="/admin/recharges" id="recharge-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <label class={errors?.companyId ? "field invalid" : "field"}>
            <span class="label">{t("billing.company")}</span>
            <select name="companyId">
              {props.companies.map((c) => (
                <option value={String(c.id)} selected={form.companyId === String(c.id)} safe>
                  {c.name}
                </option>
              ))}
            </select>
            {errors?.companyId ? <span class="field-error">{t.field(errors.companyId)}</span> : ""}
          </label>
          <TextField t={t} name="amount" label="billing.amount" value={form.amount} errors={errors} required help="billing.amount_help" />
          <TextField t={t} name="date" label="billing.date" type="date" value={form.date} errors={errors} help="billing.date_help" />
          <label class={errors?.method ? "field invalid" : "field"}>
            <span class="label">{t("billing.method")}</span>
            <select name="method">
              {PAYMENT_METHODS.map((m) => (
                <option value={m} selected={form.method === m}>
                  {t(`billing.method.${m}` as MessageKey)}
                </option>
              ))}
            </select>
            {errors?.method ? <span class="field-error">{t.field(errors.method)}</span> : ""}
          </label>
          <TextField t={t} name="reference" label="billing.reference" value={form.reference} errors={errors} maxlength={100} />
          <TextField t={t} name="note" label="billing.note" value={form.note} errors={errors} maxlength={500} />
          <div class="row">
            <button type="submit" class="primary">
              {t("billing.record")}
            </button>
            <a href="/admin/recharges">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function ReverseRechargePage(props: { ctx: PageContext; entry: LedgerEntry; errors?: FieldErrors }): JSX.Element {
  const { ctx, entry } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("billing.reverse")}>
      <section class="card narrow">
        <h1>{t("billing.reverse")}</h1>
        <p safe>{t.plain("billing.reverse_text", { amount: formatMoney(entry.amount, entry.currency, locale(t.lang)), company: entry.companyName, date: entry.valueDate })}</p>
        <FormSummary t={t} errors={props.errors} />
        <form method="post" action={`/admin/recharges/${entry.id}/reverse`} novalidate>
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="reason" label="billing.reason" value="" errors={props.errors} required maxlength={500} />
          <div class="row">
            <button type="submit" class="danger">
              {t("billing.reverse")}
            </button>
            <a href="/admin/recharges">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
