import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import { pageParam, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { RatesPage, type RateFormValues } from "../../views/admin/rates.tsx";
import { StatementPage } from "../../views/admin/statement.tsx";
import { statementCsv, totalsOf } from "./statement-csv.ts";
import { csvResponse } from "../http/csv-response.ts";
import { RechargeFormPage, RechargeListPage, ReverseRechargePage, type RechargeFormValues } from "../../views/admin/recharges.tsx";
import type { BillingService } from "./billing-service.ts";
import { fractionDigits } from "./money.ts";

const RATE_BLANK: RateFormValues = { kind: "whatsapp.marketing", amount: "", country: "", model: "", companyId: "", currency: "COP", freePerMonth: "" };

/** "Listado de Recargas": the operator's for every company (and recording them); an admin's for their own. */
@injectable()
export class RechargeRoutes {
  constructor(
    @inject(T.BillingService) private readonly billing: BillingService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get(
        "/admin/recharges",
        ({ request, viewer, query }) => {
          const operator = viewer.role === "operator";
          const companyId = operator ? null : this.ownCompany(viewer);
          const q = { from: (query.from ?? "").slice(0, 10), to: (query.to ?? "").slice(0, 10), value: (query.value ?? "").slice(0, 20) };
          const balance = companyId !== null ? this.billing.balance(companyId) : null;
          const settings = this.settingsOf(viewer);
          try {
            const page = this.billing.recharges(this.billing.filter(companyId, q), pageParam(query.page));
            return this.render.page(request, viewer, (ctx) => <RechargeListPage ctx={ctx} data={{ page, query: q, operator, balance, settings }} />);
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            const empty = { items: [], page: 1, pages: 1, total: 0 };
            return this.render.page(request, viewer, (ctx) => <RechargeListPage ctx={ctx} data={{ page: empty, query: q, operator, balance, settings, errors: e.fields }} />, 422);
          }
        },
        { panel: "billing" },
      )
      .post(
        "/admin/recharges/settings",
        ({ viewer, body }) => {
          const companyId = this.ownCompany(viewer);
          try {
            this.billing.saveSettings(companyId, { threshold: str(body, "threshold"), ...(viewer.role === "operator" ? { creditLimit: str(body, "creditLimit") } : {}) });
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.render.redirect("/admin/recharges", { kind: "error", key: "billing.error.rate_amount" });
          }
          return this.render.redirect("/admin/recharges", { kind: "ok", key: "billing.settings_saved" });
        },
        { panel: "billing" },
      )
      .get(
        "/admin/statement",
        ({ request, viewer, query }) => {
          const companyId = viewer.role === "operator" ? null : this.ownCompany(viewer);
          const month = query.month || this.billing.thisMonth(viewer.companyId);
          const statement = this.billing.statement(companyId, month);
          if (query.format === "csv") return csvResponse(statementCsv(statement), `estado-${month}.csv`);
          return this.render.page(request, viewer, (ctx) => <StatementPage ctx={ctx} statement={statement} totals={companyId === null ? totalsOf(statement, "Total") : null} />);
        },
        { panel: "billing" },
      )
      .get("/admin/rates", ({ request, viewer }) => this.render.page(request, viewer, this.ratesView(RATE_BLANK)), { panel: "platform" })
      .post(
        "/admin/rates",
        ({ request, viewer, body }) => {
          const form: RateFormValues = { kind: str(body, "kind"), amount: str(body, "amount"), country: str(body, "country"), model: str(body, "model"), companyId: str(body, "companyId"), currency: str(body, "currency") || "COP", freePerMonth: str(body, "freePerMonth") };
          return this.render.submit(
            request,
            viewer,
            () => {
              const companyId = form.companyId ? positiveInt(form.companyId) : null;
              if (companyId !== null && !this.companies.get(companyId)) throw AppError.invalid({ companyId: "billing.error.company" });
              this.billing.setRate({ ...form, companyId });
              return this.render.redirect("/admin/rates", { kind: "ok", key: "common.saved" });
            },
            (errors) => this.ratesView(form, errors),
            "/admin/rates",
          );
        },
        { panel: "platform" },
      )
      .get("/admin/recharges/new", ({ request, viewer }) => this.render.page(request, viewer, this.form(this.blank(viewer))), { panel: "platform" })
      .post(
        "/admin/recharges",
        ({ request, viewer, body }) => {
          const form: RechargeFormValues = { companyId: str(body, "companyId"), amount: str(body, "amount"), date: str(body, "date"), method: str(body, "method"), reference: str(body, "reference"), note: str(body, "note") };
          return this.render.submit(
            request,
            viewer,
            () => {
              this.billing.recharge({ ...form, companyId: Number(form.companyId) || 0 }, viewer.username);
              return this.render.redirect("/admin/recharges", { kind: "ok", key: "billing.recorded" });
            },
            (errors) => this.form(form, errors),
            "/admin/recharges/new",
          );
        },
        { panel: "platform" },
      )
      .get(
        "/admin/recharges/:id/reverse",
        ({ request, viewer, params }) => {
          const entry = this.billing.entry(positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <ReverseRechargePage ctx={ctx} entry={entry} />);
        },
        { panel: "platform" },
      )
      .post(
        "/admin/recharges/:id/reverse",
        ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          return this.render.submit(
            request,
            viewer,
            () => {
              this.billing.reverse(id, str(body, "reason"), viewer.username);
              return this.render.redirect("/admin/recharges", { kind: "ok", key: "billing.reversed_ok" });
            },
            (errors) => (ctx) => <ReverseRechargePage ctx={ctx} entry={this.billing.entry(id)} errors={errors} />,
            `/admin/recharges/${id}/reverse`,
          );
        },
        { panel: "platform" },
      );
  }

  /** The selected company's alert settings as the form shows them (operator: with the credit limit). */
  private settingsOf(viewer: Viewer): { threshold: string; creditLimit: string | null } | null {
    if (viewer.companyId === null) return null;
    const b = this.billing.balance(viewer.companyId);
    const major = (minor: number) => String(minor / 10 ** fractionDigits(b.currency));
    return { threshold: b.lowBalanceThreshold === null ? "" : major(b.lowBalanceThreshold), creditLimit: viewer.role === "operator" ? major(b.creditLimit) : null };
  }

  private ratesView(form: RateFormValues, errors?: Record<string, import("../i18n/index.ts").FieldError>) {
    const rates = this.billing.rateTable();
    const companies = this.companies.options().map((c) => ({ id: c.id, name: c.name }));
    return (ctx: Parameters<typeof RatesPage>[0]["ctx"]) => <RatesPage ctx={ctx} rates={rates} companies={companies} form={form} errors={errors} />;
  }

  private ownCompany(viewer: Viewer): number {
    if (viewer.companyId === null) throw new AppError(409, "company_required", "error.company_required");
    return viewer.companyId;
  }

  private blank(viewer: Viewer): RechargeFormValues {
    return { companyId: viewer.companyId ? String(viewer.companyId) : "", amount: "", date: "", method: "nequi", reference: "", note: "" };
  }

  private form(form: RechargeFormValues, errors?: Record<string, import("../i18n/index.ts").FieldError>) {
    const companies = this.companies.options().map((c) => ({ id: c.id, name: c.name }));
    return (ctx: Parameters<typeof RechargeFormPage>[0]["ctx"]) => <RechargeFormPage ctx={ctx} form={form} companies={companies} errors={errors} />;
  }
}
