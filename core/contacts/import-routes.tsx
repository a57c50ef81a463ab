import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { actorOf } from "../conversations/conversation-service.ts";
import { AppError } from "../errors.ts";
import { CSRF_COOKIE, readCookie } from "../http/cookies.ts";
import { positiveInt, str, type FormBody } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import type { Renderer } from "../http/render.ts";
import { translator } from "../i18n/index.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { ImportJobPage, ImportPreviewPage, ImportProgress, ImportUploadPage } from "../../views/contacts/import-pages.tsx";
import { readContactFilter } from "./contact-filters.ts";
import type { ContactService } from "./contact-service.ts";
import type { ContactExportService } from "./export-service.ts";
import { MAX_CSV_BYTES, type ContactImportService } from "./import-service.ts";
import type { UploadStore } from "./upload-store.ts";

/** Import (upload, preview, dry run, progress, report) and export of contacts. Admins only. */
@injectable()
export class ImportRoutes {
  constructor(
    @inject(T.ContactImportService) private readonly importService: ContactImportService,
    @inject(T.ContactExportService) private readonly exportService: ContactExportService,
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.UploadStore) private readonly uploads: UploadStore,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/contacts" })
      .use(this.guard.plugin)
      .get("/import", ({ request, viewer }) => this.uploadPage(request, viewer), { panel: "contacts.admin" })
      .post(
        "/import",
        async ({ request, viewer, body }) => {
          const file = (body as FormBody | null)?.file;
          if (!(file instanceof File) || file.size === 0) return this.uploadPage(request, viewer, { file: "import.error.empty" });
          if (file.size > MAX_CSV_BYTES) return this.uploadPage(request, viewer, { file: "import.error.too_big" });
          const bytes = new Uint8Array(await file.arrayBuffer());
          const actor = actorOf(viewer);
          try {
            const preview = this.importService.preview(actor, bytes);
            const token = this.uploads.put(actor.companyId, file.name, bytes);
            const template = this.contactService.template(actor);
            return this.render.page(request, viewer, (ctx) => (
              <ImportPreviewPage ctx={ctx} token={token} fileName={file.name} preview={preview} template={template} duplicates="merge" />
            ));
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.uploadPage(request, viewer, e.fields);
          }
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/import/:token/run",
        ({ viewer, params, body }) => {
          const actor = actorOf(viewer);
          const upload = this.uploads.get(actor.companyId, params.token);
          if (!upload) return this.render.redirect("/contacts/import", { kind: "error", key: "import.error.expired" });
          const mapping = readMapping(body);
          const duplicates = str(body, "duplicates") === "skip" ? "skip" : "merge";
          const dryRun = str(body, "dryRun") === "1";
          const id = this.importService.begin(actor, upload.bytes, { dryRun, duplicates, mapping: mapping.length ? mapping : undefined });
          const qs = new URLSearchParams({ upload: params.token, ...Object.fromEntries(mapping.map((m, i) => [`map.${i}`, m])) });
          return this.render.redirect(`/contacts/imports/${id}?${qs}`);
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/imports/:id",
        ({ request, viewer, params, query }) => {
          const job = this.importService.get(actorOf(viewer), positiveInt(params.id));
          const { token, mapping } = this.carried(viewer, query);
          return this.render.page(request, viewer, (ctx) => <ImportJobPage ctx={ctx} job={job} token={token} mapping={mapping} />);
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/imports/:id/progress",
        ({ request, viewer, params, query }) => {
          const job = this.importService.get(actorOf(viewer), positiveInt(params.id));
          const { token, mapping } = this.carried(viewer, query);
          const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
          return html(<ImportProgress t={translator(viewer.language)} job={job} csrf={csrf} token={token} mapping={mapping} />);
        },
        { panel: "contacts.admin" },
      )
      .get(
        "/export",
        ({ viewer, query }) => {
          const actor = actorOf(viewer);
          const country = this.companies.get(actor.companyId)?.country ?? "";
          const { filter, errors } = readContactFilter(query, this.contactService.template(actor), country);
          if (Object.keys(errors).length) throw AppError.invalid(errors);
          const day = new Date().toISOString().slice(0, 10);
          return new Response(this.exportService.csv(actor, filter, viewer.language), {
            headers: {
              "content-type": "text/csv; charset=utf-8",
              "content-disposition": `attachment; filename="${viewer.language === "en" ? "contacts" : "contactos"}-${day}.csv"`,
              "cache-control": "no-store",
            },
          });
        },
        { panel: "contacts.admin" },
      );
  }

  private uploadPage(request: Request, viewer: Viewer, errors?: Record<string, import("../i18n/index.ts").FieldError>): Response {
    const country = this.companies.get(viewer.companyId!)?.country ?? "";
    const name = new Intl.DisplayNames([viewer.language], { type: "region" }).of(country || "CO") ?? country;
    const view = (ctx: Parameters<typeof ImportUploadPage>[0]["ctx"]) => <ImportUploadPage ctx={ctx} errors={errors} country={name} />;
    return errors ? this.render.formErrors(request, viewer, view, "/contacts/import") : this.render.page(request, viewer, view);
  }

  /** The upload and mapping a dry run's report carries, so "Importar ahora" needs no second upload. */
  private carried(viewer: Viewer, query: Record<string, string | undefined>): { token: string | null; mapping: string } {
    const token = query.upload && this.uploads.get(viewer.companyId!, query.upload) ? query.upload : null;
    const mapping = new URLSearchParams(Object.entries(query).filter(([k, v]) => /^map\.\d{1,3}$/.test(k) && typeof v === "string") as [string, string][]).toString();
    return { token, mapping };
  }
}

function readMapping(body: unknown): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries((body ?? {}) as FormBody)) {
    const m = /^map\.(\d{1,3})$/.exec(k);
    if (m) out[Number(m[1])] = typeof v === "string" ? v : "";
  }
  return Array.from(out, (v) => v ?? "");
}
