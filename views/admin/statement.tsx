import type { Statement, StatementRow } from "../../core/billing/billing-service.ts";
import { formatMoney } from "../../core/billing/money.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

/** The monthly statement: opening balance, recharges, usage by kind, closing balance (the operator: every company, with totals). */
export function StatementPage(props: { ctx: PageContext; statement: Statement; totals: StatementRow | null }): JSX.Element {
  const { ctx, statement } = props;
  const { t } = ctx;
  const locale = t.lang === "en" ? "en-US" : "es-CO";
  const money = (r: StatementRow, v: number) => <span safe>{formatMoney(v, r.currency, locale)}</span>;
  const usage = (r: StatementRow) => (
    <span safe>
      {Object.entries(r.usage)
        .map(([k, v]) => `${t.plain(`billing.kind.${k}` as MessageKey) || k}: ${formatMoney(v, r.currency, locale)}`)
        .join(" · ") || "—"}
    </span>
  );
  const rows = [...statement.rows, ...(props.totals ? [props.totals] : [])];
  return (
    <Layout ctx={ctx} title={t.plain("billing.statement")}>
      <div class="page-head">
        <h1>{t("billing.statement")}</h1>
        <span class="row">
          <a href={`/admin/statement?month=${statement.month}&format=csv`} id="statement-csv">
            {t("billing.csv")}
          </a>
          <a href="/admin/recharges">{t("billing.recharges")}</a>
        </span>
      </div>
      <form method="get" action="/admin/statement" class="row">
        <label class="field">
          <span class="label">{t("billing.month")}</span>
          <input type="month" name="month" value={statement.month} />
        </label>
        <button type="submit">{t("contact.search")}</button>
      </form>
      <Table
        t={t}
        id="statement"
        empty={t("billing.statement_empty")}
        head={[t("billing.company"), t("billing.opening"), t("billing.recharges_col"), t("billing.reversals"), t("billing.usage"), t("billing.closing")]}
        rows={rows.map((r) => [<strong safe>{r.companyName}</strong>, money(r, r.opening), money(r, r.recharges), money(r, r.reversals + r.adjustments), usage(r), money(r, r.closing)])}
      />
    </Layout>
  );
}
