import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import { AppError } from "../errors.ts";
import { positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { TokensPage } from "../../views/admin/tokens.tsx";
import type { FieldErrors } from "../../views/components/fields.tsx";
import type { Scope, Viewer } from "../auth/access.ts";
import type { ApiTokenService } from "./api-token-service.ts";

/** API tokens in the panel; the plain token is shown once, on the page that created it. */
@injectable()
export class TokenRoutes {
  constructor(
    @inject(T.ApiTokenService) private readonly apiTokenService: ApiTokenService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const page = (
      request: Request,
      viewer: Viewer,
      scope: Scope,
      extra: { created?: string; form?: { name: string; scope: string }; errors?: FieldErrors } = {},
    ) => {
      const zone = this.companies.get(scope.companyId)?.timeZone ?? "UTC";
      const fmt = new Intl.DateTimeFormat(viewer.language, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
      const formatTime = (ms: number | null) => (ms === null ? "—" : fmt.format(ms));
      return this.render.page(
        request,
        viewer,
        (ctx) => <TokensPage ctx={ctx} tokens={this.apiTokenService.list(scope.companyId)} formatTime={formatTime} {...extra} />,
        extra.errors ? 422 : extra.created ? 201 : 200,
      );
    };
    return new Elysia({ prefix: "/admin/tokens" })
      .use(this.guard.plugin)
      .get("/", ({ request, viewer, scope }) => page(request, viewer, scope), { panel: "company.admin" })
      .post(
        "/",
        ({ request, viewer, scope, body }) => {
          const form = { name: str(body, "name"), scope: str(body, "scope") };
          try {
            const { token } = this.apiTokenService.create(scope.companyId, form.name, form.scope, viewer.userId);
            return page(request, viewer, scope, { created: token });
          } catch (e) {
            if (e instanceof AppError && e.status === 422) return page(request, viewer, scope, { form, errors: e.fields });
            throw e;
          }
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/revoke",
        ({ scope, params }) => {
          this.apiTokenService.revoke(scope.companyId, positiveInt(params.id));
          return this.render.redirect("/admin/tokens", { kind: "ok", key: "common.saved" });
        },
        { panel: "company.admin" },
      );
  }
}
