import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import { pageParam, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import { TagDeletePage, TagFormPage, TagListPage } from "../../views/admin/tags.tsx";
import { TAG_PALETTE, type TagService } from "./tag-service.ts";

/** "Etiquetas" in the admin's settings. */
@injectable()
export class TagRoutes {
  constructor(
    @inject(T.TagService) private readonly tagService: TagService,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/tags" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, scope, query }) => {
          const page = this.tagService.page(scope, pageParam(query.page));
          return this.render.page(request, viewer, (ctx) => <TagListPage ctx={ctx} page={page} />);
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/new",
        ({ request, viewer, scope }) => {
          // Each new tag suggests the next colour of the palette.
          const color = TAG_PALETTE[this.tagService.page(scope, 1).total % TAG_PALETTE.length]!;
          return this.render.page(request, viewer, (ctx) => <TagFormPage ctx={ctx} form={{ name: "", color }} />);
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/",
        ({ request, viewer, scope, body }) => {
          const form = { name: str(body, "name"), color: str(body, "color") };
          return this.render.submit(
            request,
            viewer,
            () => (this.tagService.create(scope, form), this.render.redirect("/admin/tags", { kind: "ok", key: "common.created" })),
            (errors) => (ctx) => <TagFormPage ctx={ctx} form={form} errors={errors} />,
            "/admin/tags/new",
          );
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/:id/edit",
        ({ request, viewer, scope, params }) => {
          const tag = this.tagService.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <TagFormPage ctx={ctx} id={tag.id} form={tag} />);
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id",
        ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const form = { name: str(body, "name"), color: str(body, "color") };
          return this.render.submit(
            request,
            viewer,
            () => (this.tagService.update(scope, id, form), this.render.redirect("/admin/tags", { kind: "ok", key: "common.saved" })),
            (errors) => (ctx) => <TagFormPage ctx={ctx} id={id} form={form} errors={errors} />,
            `/admin/tags/${id}/edit`,
          );
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/:id/delete",
        ({ request, viewer, scope, params }) => {
          const tag = this.tagService.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <TagDeletePage ctx={ctx} tag={tag} />);
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id/delete",
        ({ scope, params }) => {
          this.tagService.delete(scope, positiveInt(params.id));
          return this.render.redirect("/admin/tags", { kind: "ok", key: "common.deleted" });
        },
        { panel: "contacts.admin" },
      );
  }
}
