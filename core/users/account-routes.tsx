import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { LANGUAGES, type Language } from "../auth/roles.ts";
import { AppError } from "../errors.ts";
import { str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import type { FieldErrors } from "../../views/components/fields.tsx";
import { AccountPage } from "../../views/pages/account.tsx";
import type { UserService } from "./user-service.ts";
import type { UserRepository } from "./user-repository.ts";

/** "Mi cuenta": every user's own language and password. */
@injectable()
export class AccountRoutes {
  constructor(
    @inject(T.UserService) private readonly userService: UserService,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const page = (request: Request, viewer: Viewer, errors?: FieldErrors) => {
      const view = (ctx: Parameters<typeof AccountPage>[0]["ctx"]) => <AccountPage ctx={ctx} errors={errors} mustChange={!!viewer.mustChangePassword} queues={this.ownQueues(viewer)} />;
      return errors ? this.render.formErrors(request, viewer, view, "/account") : this.render.page(request, viewer, view);
    };
    return new Elysia({ prefix: "/account" })
      .use(this.guard.plugin)
      .get("/", ({ request, viewer }) => page(request, viewer), { panel: "panel" })
      .post(
        "/language",
        ({ viewer, body }) => {
          const lang = str(body, "language");
          if (!(LANGUAGES as readonly string[]).includes(lang)) throw AppError.invalid({ language: "user.error.language_invalid" });
          this.userService.setOwnLanguage(viewer.userId, lang as Language);
          return this.render.redirect("/account", { kind: "ok", key: "account.language_saved" });
        },
        { panel: "panel" },
      )
      .post(
        "/password",
        async ({ request, viewer, body }) => {
          try {
            await this.userService.changeOwnPassword(viewer, str(body, "currentPassword"), str(body, "password"), str(body, "passwordConfirm"));
          } catch (e) {
            if (e instanceof AppError && e.status === 422) return page(request, viewer, e.fields);
            throw e;
          }
          return this.render.redirect(viewer.mustChangePassword ? "/" : "/account", { kind: "ok", key: "account.password_changed" });
        },
        { panel: "panel" },
      );
  }

  private ownQueues(viewer: Viewer): string[] {
    if (viewer.companyId === null || viewer.role === "operator") return [];
    return this.users.get(viewer.companyId, viewer.userId)?.queues.map((q) => q.name) ?? [];
  }
}
