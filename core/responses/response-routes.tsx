import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import { actorOf } from "../conversations/conversation-service.ts";
import { bool, ids, pageParam, positiveInt, str, type FormBody } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import type { Renderer } from "../http/render.ts";
import { translator } from "../i18n/index.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { T } from "../tokens.ts";
import { ResponseDeletePage, ResponseFormPage, ResponseListPage, ResponseSuggestions, type ResponseFormValues } from "../../views/admin/responses.tsx";
import type { PageContext } from "../../views/context.ts";
import type { FieldError } from "../i18n/index.ts";
import type { ResponseFile } from "./response.ts";
import type { ResponseService } from "./response-service.ts";

/** "Respuestas predeterminadas" in the admin's settings, and the composer's "/" suggestions. */
@injectable()
export class ResponseRoutes {
  constructor(
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get(
        "/admin/responses",
        ({ request, viewer, scope, query }) => {
          const q = (query.q ?? "").slice(0, 100);
          const page = this.responseService.page(scope, q, pageParam(query.page));
          return this.render.page(request, viewer, (ctx) => <ResponseListPage ctx={ctx} page={page} q={q} />);
        },
        { panel: "company.admin" },
      )
      .get("/admin/responses/new", ({ request, viewer, scope }) => this.render.page(request, viewer, this.formView(scope, null, BLANK)), { panel: "company.admin" })
      .post(
        "/admin/responses",
        async ({ request, viewer, scope, body }) => {
          const form = readForm(body);
          const file = await fileOf(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.responseService.create(scope, form, file), this.render.redirect("/admin/responses", { kind: "ok", key: "common.created" })),
            (errors) => this.formView(scope, null, form, errors),
            "/admin/responses/new",
          );
        },
        { panel: "company.admin" },
      )
      .get(
        "/admin/responses/:id/edit",
        ({ request, viewer, scope, params }) => {
          const r = this.responseService.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, this.formView(scope, r.id, r));
        },
        { panel: "company.admin" },
      )
      .post(
        "/admin/responses/:id",
        async ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const form = readForm(body);
          const file = await fileOf(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.responseService.update(scope, id, form, file, bool(body, "removeFile")), this.render.redirect("/admin/responses", { kind: "ok", key: "common.saved" })),
            (errors) => this.formView(scope, id, form, errors),
            `/admin/responses/${id}/edit`,
          );
        },
        { panel: "company.admin" },
      )
      .get(
        "/admin/responses/:id/delete",
        ({ request, viewer, scope, params }) => {
          const r = this.responseService.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <ResponseDeletePage ctx={ctx} response={r} />);
        },
        { panel: "company.admin" },
      )
      .post(
        "/admin/responses/:id/delete",
        ({ scope, params }) => {
          this.responseService.delete(scope, positiveInt(params.id));
          return this.render.redirect("/admin/responses", { kind: "ok", key: "common.deleted" });
        },
        { panel: "company.admin" },
      )
      .get(
        "/inbox/:id/responses",
        ({ viewer, params, query }) => {
          const items = this.responseService.suggestions(actorOf(viewer), positiveInt(params.id), (query.q ?? "").slice(0, 40)).map((s) => ({
            id: s.response.id,
            name: s.response.name,
            key: s.response.key,
            text: s.text,
            finalize: s.response.finalize,
            attachment: s.response.mediaName,
          }));
          return html(<ResponseSuggestions t={translator(viewer.language)} items={items} />);
        },
        { panel: "inbox" },
      );
  }

  private formView(scope: Scope, id: number | null, form: ResponseFormValues & { mediaName?: string | null; mediaMime?: string | null; mediaId?: number | null }, errors?: Record<string, FieldError>) {
    const current = id ? this.responseService.get(scope, id) : null;
    const attachment = current?.mediaId ? { name: current.mediaName, mime: current.mediaMime } : null;
    const queues = this.queues.options(scope.companyId);
    const fieldKeys = this.fields.list(scope.companyId).map((f) => f.key);
    return (ctx: PageContext) => <ResponseFormPage ctx={ctx} id={id ?? undefined} form={form} queues={queues} fieldKeys={fieldKeys} attachment={attachment} errors={errors} />;
  }
}

const BLANK: ResponseFormValues = { name: "", key: "", text: "", finalize: false, automatic: false, queueIds: [] };

function readForm(body: unknown): ResponseFormValues {
  return { name: str(body, "name"), key: str(body, "key"), text: str(body, "text"), finalize: bool(body, "finalize"), automatic: bool(body, "automatic"), queueIds: ids(body, "queueIds") };
}

async function fileOf(body: unknown): Promise<ResponseFile | null> {
  const file = (body as FormBody | null)?.file;
  if (!(file instanceof File) || file.size === 0) return null;
  return { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type, filename: file.name || "archivo" };
}
