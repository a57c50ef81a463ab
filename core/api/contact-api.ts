import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Actor } from "../conversations/conversation-service.ts";
import { readContactFilter } from "../contacts/contact-filters.ts";
import type { ContactService } from "../contacts/contact-service.ts";
import type { ContactInput } from "../contacts/contact.ts";
import type { ErasureService } from "../contacts/erasure-service.ts";
import type { ContactExportService } from "../contacts/export-service.ts";
import type { ContactImportService } from "../contacts/import-service.ts";
import type { MergeService } from "../contacts/merge-service.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import { pickLanguage, translator } from "../i18n/index.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { contactJson, iso } from "./serializers.ts";
import { Contact, contactExample, ImportJob, importJobExample, ImportStarted, list, listOf, Note, noteExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdCursor, IdPage, limitOf, pageQuery } from "./pagination.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const FieldValue = t.Union([t.String({ maxLength: 500 }), t.Number(), t.Null()]);
const ContactBody = t.Object({
  name: t.String({ maxLength: 100 }),
  phone: t.Optional(t.Nullable(t.String({ maxLength: 40 }))),
  email: t.Optional(t.Nullable(t.String({ maxLength: 254 }))),
  fields: t.Optional(t.Record(t.String({ maxLength: 40 }), FieldValue, { maxProperties: 50 })),
  tagIds: t.Optional(t.Array(Int({ minimum: 1 }), { maxItems: 100 })),
});
const ListQuery = t.Object(
  {
    q: t.Optional(t.String({ maxLength: 100 })),
    tagId: t.Optional(t.String({ maxLength: 20 })),
    channelId: t.Optional(t.String({ maxLength: 20 })),
    noOpen: t.Optional(t.String({ maxLength: 5 })),
    ...IdPage.properties,
  },
  { additionalProperties: true, description: "Also field.<key>=<value>: contacts whose template field equals the value" },
);
const tags = ["contacts"];
const one = { schema: Contact, example: contactExample };
const noteJson = (n: { id: number; text: string; authorName: string; createdAt: number }) => ({ id: n.id, text: n.text, author: n.authorName, createdAt: iso(n.createdAt) });

const api = (companyId: number): Actor => ({ companyId, userId: null, name: "API", role: "api" });

/** `/api/v1/contacts`: people, their fields and tags, merges, erasure, import jobs and export. */
@injectable()
export class ContactApi {
  constructor(
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.MergeService) private readonly mergeService: MergeService,
    @inject(T.ErasureService) private readonly erasureService: ErasureService,
    @inject(T.ContactImportService) private readonly importService: ContactImportService,
    @inject(T.ContactExportService) private readonly exportService: ContactExportService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const json = (actor: Actor, id: number) => contactJson(this.contactService.get(actor, id), this.contactService.template(actor));
    const filterOf = (actor: Actor, request: Request) => {
      const raw = Object.fromEntries(new URL(request.url).searchParams);
      const { filter, errors } = readContactFilter(raw, this.contactService.template(actor), this.companies.get(actor.companyId)?.country ?? "");
      if (Object.keys(errors).length) throw AppError.invalid(errors);
      return filter;
    };
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/contacts",
        ({ scope, query, request }) => {
          const actor = api(scope.companyId);
          const s = this.contactService.slice(actor, filterOf(actor, request), query.cursor ?? 0, limitOf(query));
          const template = this.contactService.template(actor);
          return { data: s.data.map((c) => contactJson({ ...c, identities: c.identityList }, template)), next: s.next };
        },
        {
          api: "read",
          query: ListQuery,
          detail: op({
            summary: "List contacts in id order: ?q= searches number (any part, any format), name, email and field values; tagId, channelId, noOpen=1, field.<key>=<value> filter",
            tags,
            ok: { schema: listOf(Contact), example: list(contactExample) },
          }),
        },
      )
      .post(
        "/contacts",
        ({ scope, body, set }) => {
          const actor = api(scope.companyId);
          set.status = 201;
          return json(actor, this.contactService.create(actor, toInput(body), "create").id);
        },
        {
          api: "write",
          body: ContactBody,
          detail: op({
            summary: "Create a contact (phone stored in E.164; numbers without +code take the company's country)",
            tags,
            body: { name: "Ana Gómez", phone: "300 111 2233", email: "ana@example.com", fields: { cedula: "1020304050" }, tagIds: [4] },
            ok: { ...one, status: 201 },
          }),
        },
      )
      .get(
        "/contacts/export",
        ({ scope, request }) => {
          const actor = api(scope.companyId);
          const lang = pickLanguage(request.headers.get("accept-language"));
          return new Response(this.exportService.csv(actor, filterOf(actor, request), lang), {
            headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="contacts.csv"', "cache-control": "no-store" },
          });
        },
        {
          api: "read",
          detail: op({
            summary: "The filtered list as CSV (same filters as the list)",
            tags,
            ok: { type: "text/csv", schema: t.String(), example: "\uFEFFNombre,Teléfono,Correo,Etiquetas,Cédula\r\nAna Gómez,+57 300 1112233,ana@example.com,Regional Bogotá,1020304050\r\n" },
          }),
        },
      )
      .post(
        "/contacts/import",
        ({ scope, body, query, set }) => {
          const csv = (body as { csv?: unknown } | null)?.csv;
          if (!(csv instanceof Uint8Array)) throw new AppError(415, "unsupported_media_type", "error.unsupported_media_type", { expected: "text/csv" });
          const jobId = this.importService.begin(api(scope.companyId), csv, { dryRun: query.dryRun === "true", duplicates: query.duplicates ?? "merge" });
          set.status = 202;
          return { jobId };
        },
        {
          api: "write",
          query: t.Object({ dryRun: t.Optional(t.Union([t.Literal("true"), t.Literal("false")])), duplicates: t.Optional(t.Union([t.Literal("merge"), t.Literal("skip")])) }),
          detail: op({
            summary: "Import contacts from a text/csv body (202 with the job id; poll /imports/:jobId)",
            tags,
            body: "nombre,telefono,cedula,etiquetas\nAna Gómez,3001112233,1020304050,Regional Bogotá\n",
            bodyType: "text/csv",
            ok: { status: 202, schema: ImportStarted, example: { jobId: 2 } },
          }),
        },
      )
      .get(
        "/imports/:id",
        ({ scope, params, request }) => {
          const job = this.importService.get(api(scope.companyId), params.id);
          const t = translator(pickLanguage(request.headers.get("accept-language")));
          return {
            id: job.id,
            status: job.status,
            dryRun: job.dryRun,
            total: job.total,
            processed: job.processed,
            created: job.created,
            updated: job.updated,
            skipped: job.skipped,
            errors: job.errors.map((e) => ({ row: e.row, ...(e.column ? { column: e.column } : {}), reason: t.fieldPlain(e.reason as never) })),
            failure: job.failure,
            createdAt: iso(job.createdAt),
            finishedAt: iso(job.finishedAt),
          };
        },
        { api: "read", params: Id, detail: op({ summary: "An import job: progress while running, the per-row report when done", tags, ok: { schema: ImportJob, example: importJobExample } }) },
      )
      .get("/contacts/:id", ({ scope, params }) => json(api(scope.companyId), params.id), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a contact", tags, ok: one }),
      })
      .patch(
        "/contacts/:id",
        ({ scope, params, body }) => {
          const actor = api(scope.companyId);
          const c = this.contactService.get(actor, params.id);
          const input: ContactInput = {
            name: body.name ?? c.name,
            phone: body.phone === undefined ? (c.phone ?? "") : (body.phone ?? ""),
            email: body.email === undefined ? (c.email ?? "") : (body.email ?? ""),
            fields: fieldsOf(body.fields),
            tagIds: body.tagIds,
          };
          this.contactService.update(actor, c.id, input, "patch");
          if (body.blocked !== undefined) this.contactService.setBlocked(actor, c.id, body.blocked);
          return json(actor, c.id);
        },
        {
          api: "write",
          params: Id,
          body: t.Partial(t.Composite([ContactBody, t.Object({ blocked: t.Boolean() })])),
          detail: op({ summary: "Change a contact; omitted fields keep their value, a field set to null loses it", tags, body: { email: "ana.gomez@example.com", fields: { cedula: null } }, ok: one }),
        },
      )
      .delete(
        "/contacts/:id",
        ({ scope, params, set }) => {
          this.erasureService.erase(api(scope.companyId), params.id);
          set.status = 204;
        },
        {
          api: "write",
          params: Id,
          detail: op({ summary: "Erase a person: the contact, their conversations, messages, media and notes (an audit line remains)", tags, ok: { status: 204 } }),
        },
      )
      .post(
        "/contacts/:id/merge",
        ({ scope, params, body }) => {
          const actor = api(scope.companyId);
          const survivor = this.mergeService.merge(actor, params.id, body.otherId);
          return json(actor, survivor.id);
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ otherId: Int({ minimum: 1 }) }),
          detail: op({ summary: "Merge another contact into this one (its identities, conversations, notes and tags move; this contact's values win)", tags, body: { otherId: 13 }, ok: one }),
        },
      )
      .post(
        "/contacts/:id/tags",
        ({ scope, params, body }) => {
          const actor = api(scope.companyId);
          this.contactService.addTag(actor, params.id, body.tagId);
          return json(actor, params.id);
        },
        { api: "write", params: Id, body: t.Object({ tagId: Int({ minimum: 1 }) }), detail: op({ summary: "Tag a contact", tags, body: { tagId: 4 }, ok: one }) },
      )
      .delete(
        "/contacts/:id/tags/:tagId",
        ({ scope, params, set }) => {
          this.contactService.removeTag(api(scope.companyId), params.id, params.tagId);
          set.status = 204;
        },
        {
          api: "write",
          params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }), tagId: t.Numeric({ minimum: 1, multipleOf: 1 }) }),
          detail: op({ summary: "Take a tag off a contact", tags, ok: { status: 204 } }),
        },
      )
      .get(
        "/contacts/:id/notes",
        ({ scope, params, query }) => {
          const s = this.contactService.noteSlice(api(scope.companyId), params.id, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(noteJson), next: s.next };
        },
        {
          api: "read",
          params: Id,
          query: pageQuery({}, IdCursor),
          detail: op({ summary: "Private notes about a contact, newest first", tags, ok: { schema: listOf(Note), example: list(noteExample) } }),
        },
      )
      .post(
        "/contacts/:id/notes",
        ({ scope, params, body, set }) => {
          const n = this.contactService.addNote(api(scope.companyId), params.id, body.text);
          set.status = 201;
          return noteJson(n);
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ text: t.String({ maxLength: 2000 }) }),
          detail: op({ summary: "Add a private note to a contact", tags, body: { text: "Prefiere que la llamen en la tarde." }, ok: { status: 201, schema: Note, example: noteExample } }),
        },
      )
      .delete(
        "/contacts/:id/notes/:noteId",
        ({ scope, params, set }) => {
          this.contactService.deleteNote(api(scope.companyId), params.noteId, params.id);
          set.status = 204;
        },
        {
          api: "write",
          params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }), noteId: t.Numeric({ minimum: 1, multipleOf: 1 }) }),
          detail: op({ summary: "Delete a note of this contact", tags, ok: { status: 204 } }),
        },
      )
      .post(
        "/contacts/:id/block",
        ({ scope, params }) => {
          const actor = api(scope.companyId);
          this.contactService.setBlocked(actor, params.id, true);
          return json(actor, params.id);
        },
        {
          api: "write",
          params: Id,
          detail: op({
            summary: "Block a person: what they send is still stored but opens nothing and rings nobody; their conversations going on are finalized",
            tags,
            ok: { ...one, example: { ...contactExample, blocked: true } },
          }),
        },
      )
      .post(
        "/contacts/:id/unblock",
        ({ scope, params }) => {
          const actor = api(scope.companyId);
          this.contactService.setBlocked(actor, params.id, false);
          return json(actor, params.id);
        },
        { api: "write", params: Id, detail: op({ summary: "Unblock a person", tags, ok: one }) },
      )
      .delete(
        "/contacts/:id/removed-values",
        ({ scope, params, set }) => {
          this.contactService.eraseRemovedValues(api(scope.companyId), params.id);
          set.status = 204;
        },
        {
          api: "write",
          params: Id,
          detail: op({ summary: "Erase the values this person still holds in fields removed from the template (campos anteriores)", tags, ok: { status: 204 } }),
        },
      );
  }
}

function fieldsOf(fields: Record<string, string | number | null> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

function toInput(b: typeof ContactBody.static): ContactInput {
  return { name: b.name, phone: b.phone ?? "", email: b.email ?? "", fields: fieldsOf(b.fields), tagIds: b.tagIds ?? [] };
}
