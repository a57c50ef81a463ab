import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { AuthService } from "./auth-service.ts";
import { AppError } from "../errors.ts";
import { SESSION_COOKIE, LANG_COOKIE, readCookie } from "../http/cookies.ts";
import { positiveInt, str } from "../http/forms.ts";
import { clientAddress } from "../http/client-address.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { Config } from "../config.ts";
import { translator } from "../i18n/index.ts";
import { T } from "../tokens.ts";
import { LoginPage } from "../../views/auth/login.tsx";
import type { CompanyRepository } from "../tenancy/company-repository.ts";

@injectable()
export class AuthRoutes {
  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.AuthService) private readonly authService: AuthService,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get("/login", ({ request, query }) => {
        const viewer = this.authService.viewer(readCookie(request.headers.get("cookie"), SESSION_COOKIE));
        if (viewer) return this.render.redirect(safeNext(query.next));
        // ?lang=en on the login page is remembered for the next visit.
        const chosen = query.lang === "es" || query.lang === "en" ? query.lang : undefined;
        const res = this.render.page(request, null, (ctx) => <LoginPage ctx={ctx} next={safeNext(query.next)} expired={query.expired === "1"} />, 200, chosen);
        if (chosen) res.headers.append("set-cookie", this.render.cookie(LANG_COOKIE, chosen, 365 * 86400));
        return res;
      })
      .post("/login", async ({ request, body, server }) => {
        const username = str(body, "username");
        const next = safeNext(str(body, "next"));
        const address = clientAddress(request, server, this.config.trustProxy);
        try {
          const { token } = await this.authService.login(username, str(body, "password"), address);
          const res = this.render.redirect(next);
          res.headers.append("set-cookie", this.render.cookie(SESSION_COOKIE, token, this.config.sessionIdleHours * 3600));
          return res;
        } catch (e) {
          if (!(e instanceof AppError) || (e.status !== 401 && e.status !== 429)) throw e;
          const t = translator(this.render.language(request, null));
          return this.render.page(
            request,
            null,
            (ctx) => <LoginPage ctx={ctx} username={username} error={t.plain(e.key, e.params)} next={next} />,
            e.status,
          );
        }
      })
      .post(
        "/logout",
        ({ viewer }) => {
          this.authService.logout(viewer);
          const res = this.render.redirect("/login", { kind: "ok", key: "auth.logged_out" });
          res.headers.append("set-cookie", this.render.cookie(SESSION_COOKIE, "", 0));
          // The login page after logout stays in the language the user works in.
          res.headers.append("set-cookie", this.render.cookie(LANG_COOKIE, viewer.language, 365 * 86400));
          return res;
        },
        { panel: "panel" },
      )
      .post(
        "/session/company",
        ({ viewer, body }) => {
          const id = positiveInt(str(body, "companyId"));
          this.authService.selectCompany(viewer, id);
          // Stay in the same section (Colas stays Colas), now for the chosen company.
          const name = this.companies.get(id)?.name ?? "";
          return this.render.redirect(sectionOf(str(body, "back")), { kind: "ok", key: "company.switched", params: { name } });
        },
        { panel: "platform" },
      )
      ;
  }
}

/** Only same-site paths may follow a login (no open redirect). */
function safeNext(raw: unknown): string {
  const next = typeof raw === "string" ? raw : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}


/** "/admin/queues/5/edit" -> "/admin/queues": the section survives a company switch, the item (of the other company) does not. */
function sectionOf(raw: string): string {
  const m = /^\/(admin\/[a-z]+|inbox|account)(?:[/?]|$)/.exec(raw);
  return m ? `/${m[1]}` : "/";
}
