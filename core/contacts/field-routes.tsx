import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import { bool, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import { BLANK_FIELD, FieldFormPage, FieldListPage, fieldFormValues, type FieldFormValues } from "../../views/admin/fields.tsx";
import type { FieldInput } from "./contact.ts";
import type { ContactFieldService } from "./contact-field-service.ts";
import type { ContactFieldRepository } from "./contact-field-repository.ts";
import { parseNumber } from "./field-values.ts";

/** "Plantilla de contacto" in the admin's settings. */
@injectable()
export class FieldRoutes {
  constructor(
    @inject(T.ContactFieldService) private readonly fieldService: ContactFieldService,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/fields" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, scope }) => {
          const all = this.fieldService.withRemoved(scope);
          const removed = all.filter((f) => f.deletedAt !== null).map((f) => ({ ...f, values: this.fields.valueCount(f.id) })).filter((f) => f.values > 0);
          return this.render.page(request, viewer, (ctx) => <FieldListPage ctx={ctx} fields={all.filter((f) => f.deletedAt === null)} removed={removed} />);
        },
        { panel: "contacts.admin" },
      )
      .get("/new", ({ request, viewer }) => this.render.page(request, viewer, (ctx) => <FieldFormPage ctx={ctx} form={BLANK_FIELD} />), { panel: "contacts.admin" })
      .post(
        "/",
        ({ request, viewer, scope, body }) => {
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.fieldService.create(scope, toInput(form)), this.render.redirect("/admin/fields", { kind: "ok", key: "common.created" })),
            (errors) => (ctx) => <FieldFormPage ctx={ctx} form={form} errors={errors} />,
            "/admin/fields/new",
          );
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/:id/edit",
        ({ request, viewer, scope, params }) => {
          const f = this.fieldService.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <FieldFormPage ctx={ctx} id={f.id} form={fieldFormValues(f)} />);
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id",
        ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.fieldService.update(scope, id, toInput(form)), this.render.redirect("/admin/fields", { kind: "ok", key: "common.saved" })),
            (errors) => (ctx) => <FieldFormPage ctx={ctx} id={id} form={form} errors={errors} />,
            `/admin/fields/${id}/edit`,
          );
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id/move",
        ({ scope, params, body }) => {
          this.fieldService.move(scope, positiveInt(params.id), str(body, "direction") === "up" ? "up" : "down");
          return this.render.redirect("/admin/fields");
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id/remove",
        ({ scope, params }) => {
          this.fieldService.remove(scope, positiveInt(params.id));
          return this.render.redirect("/admin/fields", { kind: "ok", key: "field.removed_done" });
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id/purge",
        ({ scope, params }) => {
          this.fieldService.purge(scope, positiveInt(params.id));
          return this.render.redirect("/admin/fields", { kind: "ok", key: "common.deleted" });
        },
        { panel: "contacts.admin" },
      );
  }
}

function readForm(body: unknown): FieldFormValues {
  return {
    key: str(body, "key"),
    label: str(body, "label"),
    type: str(body, "type") || "text",
    required: bool(body, "required"),
    options: str(body, "options"),
    min: str(body, "min"),
    max: str(body, "max"),
    display: bool(body, "display"),
  };
}

function toInput(f: FieldFormValues): FieldInput {
  const num = (s: string) => (s.trim() === "" ? null : (parseNumber(s.trim()) ?? Number.NaN));
  return { key: f.key, label: f.label, type: f.type, required: f.required, options: f.options.split(/\r?\n/), min: num(f.min), max: num(f.max), display: f.display };
}
