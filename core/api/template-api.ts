import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { ContactFieldService } from "../contacts/contact-field-service.ts";
import type { ContactField } from "../contacts/contact.ts";
import type { TagService } from "../contacts/tag-service.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { fieldJson, tagJson } from "./serializers.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const FieldType = t.Union(["text", "number", "email", "phone", "date", "choice", "id_document"].map((x) => t.Literal(x)));
const FieldBody = t.Object({
  key: t.String({ maxLength: 40 }),
  label: t.String({ maxLength: 60 }),
  type: FieldType,
  required: t.Optional(t.Boolean()),
  options: t.Optional(t.Nullable(t.Array(t.String({ maxLength: 60 }), { maxItems: 50 }))),
  min: t.Optional(t.Nullable(t.Number())),
  max: t.Optional(t.Nullable(t.Number())),
  display: t.Optional(t.Boolean()),
});
const TagBody = t.Object({ name: t.String({ maxLength: 40 }), color: t.String({ maxLength: 7 }) });

/** `/api/v1` for the contact template ("fields") and tags. */
@injectable()
export class TemplateApi {
  constructor(
    @inject(T.ContactFieldService) private readonly fieldService: ContactFieldService,
    @inject(T.TagService) private readonly tagService: TagService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const input = (b: Partial<typeof FieldBody.static>, f?: ContactField) => ({
      key: b.key ?? f?.key ?? "",
      label: b.label ?? f?.label ?? "",
      type: b.type ?? f?.type ?? "text",
      required: b.required ?? f?.required ?? false,
      options: b.options === undefined ? (f?.options ?? []) : (b.options ?? []),
      min: b.min === undefined ? (f?.min ?? null) : b.min,
      max: b.max === undefined ? (f?.max ?? null) : b.max,
      display: b.display ?? f?.display ?? false,
    });
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get("/fields", ({ scope }) => ({ data: this.fieldService.list(scope).map(fieldJson), next: null }), {
        api: "read",
        detail: { summary: "The contact template: its fields in order", tags: ["contacts"] },
      })
      .post(
        "/fields",
        ({ scope, body, set }) => {
          set.status = 201;
          return fieldJson(this.fieldService.create(scope, input(body)));
        },
        { api: "write", body: FieldBody, detail: { summary: "Add a field to the contact template", tags: ["contacts"] } },
      )
      .get("/fields/:id", ({ scope, params }) => fieldJson(this.fieldService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: { summary: "Get a template field", tags: ["contacts"] },
      })
      .patch(
        "/fields/:id",
        ({ scope, params, body }) => {
          const f = this.fieldService.get(scope, params.id);
          return fieldJson(this.fieldService.update(scope, f.id, input(body, f)));
        },
        { api: "write", params: Id, body: t.Partial(FieldBody), detail: { summary: "Change a field; renaming keeps every stored value", tags: ["contacts"] } },
      )
      .put(
        "/fields/order",
        ({ scope, body }) => {
          this.fieldService.reorder(scope, body.ids);
          return { data: this.fieldService.list(scope).map(fieldJson), next: null };
        },
        { api: "write", body: t.Object({ ids: t.Array(Int({ minimum: 1 }), { maxItems: 50 }) }), detail: { summary: "Put the template's fields in this order", tags: ["contacts"] } },
      )
      .delete(
        "/fields/:id",
        ({ scope, params, set }) => {
          this.fieldService.remove(scope, params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: { summary: "Remove a field from the template (contacts keep its values until erased)", tags: ["contacts"] } },
      )
      .get(
        "/tags",
        ({ scope, query }) => {
          const s = this.tagService.slice(scope, query.cursor ?? 0);
          return { data: s.data.map(tagJson), next: s.next };
        },
        { api: "read", query: t.Object({ cursor: t.Optional(t.Numeric({ minimum: 0, multipleOf: 1 })) }), detail: { summary: "List tags (etiquetas)", tags: ["contacts"] } },
      )
      .post(
        "/tags",
        ({ scope, body, set }) => {
          set.status = 201;
          return tagJson(this.tagService.create(scope, body));
        },
        { api: "write", body: TagBody, detail: { summary: "Create a tag", tags: ["contacts"] } },
      )
      .get("/tags/:id", ({ scope, params }) => tagJson(this.tagService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: { summary: "Get a tag", tags: ["contacts"] },
      })
      .patch(
        "/tags/:id",
        ({ scope, params, body }) => {
          const tag = this.tagService.get(scope, params.id);
          return tagJson(this.tagService.update(scope, tag.id, { name: body.name ?? tag.name, color: body.color ?? tag.color }));
        },
        { api: "write", params: Id, body: t.Partial(TagBody), detail: { summary: "Rename or recolour a tag", tags: ["contacts"] } },
      )
      .delete(
        "/tags/:id",
        ({ scope, params, set }) => {
          this.tagService.delete(scope, params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: { summary: "Delete a tag (it leaves every contact that carries it)", tags: ["contacts"] } },
      );
  }
}
