import { toCsv } from "../http/csv-response.ts";
import type { Statement, StatementRow } from "./billing-service.ts";
import { majorText } from "./money.ts";

/** The operator's totals row, when every company uses the same currency (else none: sums across currencies mean nothing). */
export function totalsOf(s: Statement, label: string): StatementRow | null {
  const currencies = new Set(s.rows.map((r) => r.currency));
  if (s.rows.length < 2 || currencies.size !== 1) return null;
  const t: StatementRow = { companyId: 0, companyName: label, currency: s.rows[0]!.currency, opening: 0, recharges: 0, reversals: 0, adjustments: 0, usage: {}, closing: 0 };
  for (const r of s.rows) {
    t.opening += r.opening;
    t.recharges += r.recharges;
    t.reversals += r.reversals;
    t.adjustments += r.adjustments;
    t.closing += r.closing;
    for (const [k, v] of Object.entries(r.usage)) t.usage[k] = (t.usage[k] ?? 0) + v;
  }
  return t;
}

/** One line per company, amounts in the currency's major unit (what a spreadsheet sums). */
export function statementCsv(s: Statement): string {
  const kinds = [...new Set(s.rows.flatMap((r) => Object.keys(r.usage)))].sort();
  const major = (r: StatementRow, v: number) => majorText(v, r.currency);
  const head = ["month", "company", "currency", "opening", "recharges", "reversals", "adjustments", ...kinds.map((k) => `usage_${k}`), "closing"];
  const lines = s.rows.map((r) => [s.month, r.companyName, r.currency, major(r, r.opening), major(r, r.recharges), major(r, r.reversals), major(r, r.adjustments), ...kinds.map((k) => major(r, r.usage[k] ?? 0)), major(r, r.closing)]);
  return toCsv([head, ...lines]);
}
