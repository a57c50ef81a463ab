import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { ContactFieldService } from "../contacts/contact-field-service.ts";
import type { ContactField } from "../contacts/contact.ts";
import type { TagService } from "../contacts/tag-service.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { fieldJson, tagJson } from "./serializers.ts";
import { Field, fieldExample, list, listOf, Tag, tagExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { decodeCursor, encodeCursor, IdPage, KeyCursor, limitOf, pageQuery } from "./pagination.ts";

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
const tags = ["contacts"];
const field = { schema: Field, example: fieldExample };
const tag = { schema: Tag, example: tagExample };
const fieldBody = { key: "cedula", label: "Cédula", type: "id_document", required: false, display: true };

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
      .get(
        "/fields",
        ({ scope, query }) => {
          const after = decodeCursor(query.cursor, ["number", "number"] as const);
          const s = this.fieldService.slice(scope, after && { position: after[0], id: after[1] }, limitOf(query));
          return { data: s.data.map(fieldJson), next: s.next && encodeCursor([s.next.position, s.next.id]) };
        },
        {
          api: "read",
          query: pageQuery({}, KeyCursor),
          detail: op({ summary: "The contact template: its fields in order", tags, ok: { schema: listOf(Field, "key"), example: list(fieldExample) } }),
        },
      )
      .post(
        "/fields",
        ({ scope, body, set }) => {
          set.status = 201;
          return fieldJson(this.fieldService.create(scope, input(body)));
        },
        { api: "write", body: FieldBody, detail: op({ summary: "Add a field to the contact template", tags, body: fieldBody, ok: { ...field, status: 201 } }) },
      )
      .get("/fields/:id", ({ scope, params }) => fieldJson(this.fieldService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a template field", tags, ok: field }),
      })
      .patch(
        "/fields/:id",
        ({ scope, params, body }) => {
          const f = this.fieldService.get(scope, params.id);
          return fieldJson(this.fieldService.update(scope, f.id, input(body, f)));
        },
        {
          api: "write",
          params: Id,
          body: t.Partial(FieldBody),
          detail: op({ summary: "Change a field; renaming keeps every stored value", tags, body: { label: "Cédula de ciudadanía", required: true }, ok: field }),
        },
      )
      .put(
        "/fields/order",
        ({ scope, body }) => {
          this.fieldService.reorder(scope, body.ids);
          return { data: this.fieldService.list(scope).map(fieldJson), next: null };
        },
        {
          api: "write",
          body: t.Object({ ids: t.Array(Int({ minimum: 1 }), { maxItems: 50 }) }),
          detail: op({ summary: "Put the template's fields in this order (every field once); answers the whole template", tags, body: { ids: [5, 2, 8] }, ok: { schema: listOf(Field, "key"), example: list(fieldExample) } }),
        },
      )
      .delete(
        "/fields/:id",
        ({ scope, params, set }) => {
          this.fieldService.remove(scope, params.id);
          set.status = 204;
        },
        {
          api: "write",
          params: Id,
          detail: op({ summary: "Remove a field from the template (contacts keep its values as campos anteriores until purged)", tags, ok: { status: 204 } }),
        },
      )
      .post(
        "/fields/:id/purge",
        ({ scope, params, set }) => {
          this.fieldService.purge(scope, params.id);
          set.status = 204;
        },
        {
          api: "write",
          params: Id,
          detail: op({ summary: "Erase a removed field and every value it still holds, for good (409 field_in_template while it is in the template)", tags, ok: { status: 204 } }),
        },
      )
      .get(
        "/tags",
        ({ scope, query }) => {
          const s = this.tagService.slice(scope, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(tagJson), next: s.next };
        },
        { api: "read", query: IdPage, detail: op({ summary: "List tags (etiquetas), in id order, with how many contacts carry each", tags, ok: { schema: listOf(Tag), example: list(tagExample) } }) },
      )
      .post(
        "/tags",
        ({ scope, body, set }) => {
          set.status = 201;
          return tagJson(this.tagService.create(scope, body));
        },
        { api: "write", body: TagBody, detail: op({ summary: "Create a tag", tags, body: { name: "Regional Bogotá", color: "#1e88e5" }, ok: { ...tag, status: 201 } }) },
      )
      .get("/tags/:id", ({ scope, params }) => tagJson(this.tagService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a tag", tags, ok: tag }),
      })
      .patch(
        "/tags/:id",
        ({ scope, params, body }) => {
          const tag = this.tagService.get(scope, params.id);
          return tagJson(this.tagService.update(scope, tag.id, { name: body.name ?? tag.name, color: body.color ?? tag.color }));
        },
        { api: "write", params: Id, body: t.Partial(TagBody), detail: op({ summary: "Rename or recolour a tag", tags, body: { color: "#43a047" }, ok: tag }) },
      )
      .delete(
        "/tags/:id",
        ({ scope, params, set }) => {
          this.tagService.delete(scope, params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: op({ summary: "Delete a tag (it leaves every contact that carries it)", tags, ok: { status: 204 } }) },
      );
  }
}
