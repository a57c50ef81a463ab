import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Scope, Viewer } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import { ids, pageParam, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import type { QueueService } from "../queues/queue-service.ts";
import { T } from "../tokens.ts";
import { PasswordResetPage, UserFormPage, UserListPage } from "../../views/admin/users.tsx";
import type { FieldErrors } from "../../views/components/fields.tsx";
import type { UserInput } from "./user.ts";
import type { UserService } from "./user-service.ts";

/** "Usuarios" in the panel. */
@injectable()
export class UserRoutes {
  constructor(
    @inject(T.UserService) private readonly userService: UserService,
    @inject(T.QueueService) private readonly queueService: QueueService,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const form = (request: Request, viewer: Viewer, scope: Scope, f: UserInput, id?: number, errors?: FieldErrors) => {
      const queues = this.queueService.options(scope);
      // Passwords are never echoed back into the form.
      const shown = { ...f, password: "", passwordConfirm: "" };
      const view = (ctx: Parameters<typeof UserFormPage>[0]["ctx"]) => <UserFormPage ctx={ctx} id={id} form={shown} queues={queues} errors={errors} />;
      return errors ? this.render.formErrors(request, viewer, view, id ? `/admin/users/${id}/edit` : "/admin/users/new") : this.render.page(request, viewer, view);
    };
    const saveOr422 = async (request: Request, viewer: Viewer, scope: Scope, f: UserInput, id: number | undefined, save: () => Promise<unknown>) => {
      try {
        await save();
        return this.render.redirect("/admin/users", { kind: "ok", key: id ? "common.saved" : "common.created" });
      } catch (e) {
        if (e instanceof AppError && e.status === 422) return form(request, viewer, scope, f, id, e.fields);
        throw e;
      }
    };

    return new Elysia({ prefix: "/admin/users" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, scope, query }) => {
          const page = this.userService.page(scope, pageParam(query.page));
          return this.render.page(request, viewer, (ctx) => <UserListPage ctx={ctx} page={page} />);
        },
        { panel: "company.admin" },
      )
      .get("/new", ({ request, viewer, scope }) => form(request, viewer, scope, blank(viewer.language)), { panel: "company.admin" })
      .post(
        "/",
        ({ request, viewer, scope, body }) => {
          const f = readForm(body);
          return saveOr422(request, viewer, scope, f, undefined, () => this.userService.create(scope, f));
        },
        { panel: "company.admin" },
      )
      .get(
        "/:id/edit",
        ({ request, viewer, scope, params }) => {
          const u = this.userService.get(scope, positiveInt(params.id));
          const f: UserInput = {
            username: u.username,
            name: u.name,
            password: "",
            passwordConfirm: "",
            role: u.role,
            extension: u.extension ?? "",
            queueIds: u.queues.map((q) => q.id),
            language: u.language,
          };
          return form(request, viewer, scope, f, u.id);
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id",
        ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const f = readForm(body);
          return saveOr422(request, viewer, scope, f, id, () => this.userService.update(scope, id, f));
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/deactivate",
        ({ scope, params }) => {
          const u = this.userService.setActive(scope, positiveInt(params.id), false);
          return this.render.redirect("/admin/users", { kind: "ok", key: "user.deactivated", params: { name: u.name } });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/activate",
        ({ scope, params }) => {
          const u = this.userService.setActive(scope, positiveInt(params.id), true);
          return this.render.redirect("/admin/users", { kind: "ok", key: "user.activated", params: { name: u.name } });
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/reset-password",
        async ({ request, viewer, scope, params }) => {
          const { user, password } = await this.userService.resetPassword(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <PasswordResetPage ctx={ctx} name={user.name} password={password} />);
        },
        { panel: "company.admin" },
      );
  }
}

function blank(language: string): UserInput {
  return { username: "", name: "", password: "", passwordConfirm: "", role: "agent", extension: "", queueIds: [], language };
}

function readForm(body: unknown): UserInput {
  return {
    username: str(body, "username"),
    name: str(body, "name"),
    password: str(body, "password"),
    passwordConfirm: str(body, "passwordConfirm"),
    role: str(body, "role"),
    extension: str(body, "extension"),
    queueIds: ids(body, "queueIds"),
    language: str(body, "language"),
  };
}
