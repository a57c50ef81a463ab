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
    cursor: t.Optional(t.Numeric({ minimum: 0, multipleOf: 1 })),
  },
  { additionalProperties: true, description: "Also field.<key>=<value>: contacts whose template field equals the value" },
);

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
          const s = this.contactService.slice(actor, filterOf(actor, request), query.cursor ?? 0);
          const template = this.contactService.template(actor);
          return { data: s.data.map((c) => contactJson({ ...c, identities: c.identityList }, template)), next: s.next };
        },
        { api: "read", query: ListQuery, detail: { summary: "List contacts: ?q= searches number (any part, any format), name, email and field values", tags: ["contacts"] } },
      )
      .post(
        "/contacts",
        ({ scope, body, set }) => {
          const actor = api(scope.companyId);
          set.status = 201;
          return json(actor, this.contactService.create(actor, toInput(body), "create").id);
        },
        { api: "write", body: ContactBody, detail: { summary: "Create a contact (phone stored in E.164; numbers without +code take the company's country)", tags: ["contacts"] } },
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
        { api: "read", detail: { summary: "The filtered list as CSV (same filters as the list)", tags: ["contacts"] } },
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
          detail: { summary: "Import contacts from a text/csv body (202 with the job id; poll /imports/:jobId)", tags: ["contacts"] },
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
        { api: "read", params: Id, detail: { summary: "An import job: progress while running, the per-row report when done", tags: ["contacts"] } },
      )
      .get("/contacts/:id", ({ scope, params }) => json(api(scope.companyId), params.id), {
        api: "read",
        params: Id,
        detail: { summary: "Get a contact", tags: ["contacts"] },
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
          detail: { summary: "Change a contact; omitted fields keep their value, a field set to null loses it", tags: ["contacts"] },
        },
      )
      .delete(
        "/contacts/:id",
        ({ scope, params, set }) => {
          this.erasureService.erase(api(scope.companyId), params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: { summary: "Erase a person: the contact, their conversations, messages, media and notes (an audit line remains)", tags: ["contacts"] } },
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
          detail: { summary: "Merge another contact into this one (its identities, conversations, notes and tags move; this contact's values win)", tags: ["contacts"] },
        },
      )
      .post(
        "/contacts/:id/tags",
        ({ scope, params, body }) => {
          const actor = api(scope.companyId);
          this.contactService.addTag(actor, params.id, body.tagId);
          return json(actor, params.id);
        },
        { api: "write", params: Id, body: t.Object({ tagId: Int({ minimum: 1 }) }), detail: { summary: "Tag a contact", tags: ["contacts"] } },
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
          detail: { summary: "Take a tag off a contact", tags: ["contacts"] },
        },
      )
      .get(
        "/contacts/:id/notes",
        ({ scope, params }) => {
          const view = this.contactService.view(api(scope.companyId), params.id);
          return { data: view.notes.map((n) => ({ id: n.id, text: n.text, author: n.authorName, createdAt: iso(n.createdAt) })), next: null };
        },
        { api: "read", params: Id, detail: { summary: "Private notes about a contact, newest first", tags: ["contacts"] } },
      )
      .post(
        "/contacts/:id/notes",
        ({ scope, params, body, set }) => {
          const n = this.contactService.addNote(api(scope.companyId), params.id, body.text);
          set.status = 201;
          return { id: n.id, text: n.text, author: n.authorName, createdAt: iso(n.createdAt) };
        },
        { api: "write", params: Id, body: t.Object({ text: t.String({ maxLength: 2000 }) }), detail: { summary: "Add a private note to a contact", tags: ["contacts"] } },
      );
  }
}

function fieldsOf(fields: Record<string, string | number | null> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

function toInput(b: typeof ContactBody.static): ContactInput {
  return { name: b.name, phone: b.phone ?? "", email: b.email ?? "", fields: fieldsOf(b.fields), tagIds: b.tagIds ?? [] };
}
