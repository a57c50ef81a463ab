import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import { AppError } from "../errors.ts";
import { bool, pageParam, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import { CompanyInputPage, CompanyListPage } from "../../views/admin/companies.tsx";
import type { FieldErrors } from "../../views/components/fields.tsx";
import type { PageContext } from "../../views/context.ts";
import type { CompanyService } from "./company-service.ts";
import type { CompanyInput } from "./company.ts";
import { COUNTRIES } from "./countries.ts";
import type { AuthService } from "../auth/auth-service.ts";

const TIME_ZONES = Intl.supportedValuesOf("timeZone");

/** Companies are platform data: only the operator sees these pages. */
@injectable()
export class CompanyRoutes {
  constructor(
    @inject(T.CompanyService) private readonly companyService: CompanyService,
    @inject(T.AuthService) private readonly authService: AuthService,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const form = (request: Request, viewer: Parameters<Renderer["page"]>[1], f: CompanyInput, id?: number, errors?: FieldErrors) =>
      errors
        ? this.render.formErrors(request, viewer, (ctx) => this.formView(ctx, f, id, errors), id ? `/admin/companies/${id}/edit` : "/admin/companies/new")
        : this.render.page(request, viewer, (ctx) => this.formView(ctx, f, id, errors));

    return new Elysia({ prefix: "/admin/companies" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, query }) => {
          const page = this.companyService.page(pageParam(query.page));
          return this.render.page(request, viewer, (ctx) => <CompanyListPage ctx={ctx} page={page} />);
        },
        { panel: "platform" },
      )
      .get("/new", ({ request, viewer }) => form(request, viewer, BLANK), { panel: "platform" })
      .post(
        "/",
        ({ request, viewer, body }) => {
          const f = readForm(body);
          try {
            const c = this.companyService.create(f);
            // The message says it is selected: make it so (the switcher shows it at once).
            this.authService.selectCompany(viewer, c.id);
            return this.render.redirect("/admin/companies", { kind: "ok", key: "company.selected", params: { name: c.name } });
          } catch (e) {
            if (e instanceof AppError && e.status === 422) return form(request, viewer, f, undefined, e.fields);
            throw e;
          }
        },
        { panel: "platform" },
      )
      .get(
        "/:id/edit",
        ({ request, viewer, params }) => {
          const c = this.companyService.get(positiveInt(params.id));
          return form(request, viewer, c, c.id);
        },
        { panel: "platform" },
      )
      .post(
        "/:id",
        ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          const f = readForm(body);
          try {
            this.companyService.update(id, f);
            return this.render.redirect("/admin/companies", { kind: "ok", key: "common.saved" });
          } catch (e) {
            if (e instanceof AppError && e.status === 422) return form(request, viewer, f, id, e.fields);
            throw e;
          }
        },
        { panel: "platform" },
      );
  }

  private formView(ctx: PageContext, f: CompanyInput, id?: number, errors?: FieldErrors): JSX.Element {
    const names = new Intl.DisplayNames([ctx.t.lang], { type: "region" });
    const countries = COUNTRIES.map((c) => ({ ...c, name: names.of(c.code) ?? c.code }));
    return <CompanyInputPage ctx={ctx} id={id} form={f} errors={errors} countries={countries} timeZones={TIME_ZONES} />;
  }
}

const BLANK: CompanyInput = { name: "", slug: "", country: "CO", timeZone: "America/Bogota", currency: "COP", active: true };

function readForm(body: unknown): CompanyInput {
  return {
    name: str(body, "name"),
    slug: str(body, "slug"),
    country: str(body, "country"),
    timeZone: str(body, "timeZone"),
    currency: str(body, "currency"),
    active: bool(body, "active"),
  };
}
