import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { actorOf } from "../conversations/conversation-service.ts";
import { AppError, found } from "../errors.ts";
import { CSRF_COOKIE, readCookie } from "../http/cookies.ts";
import { positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import type { FieldError } from "../i18n/index.ts";
import { translator } from "../i18n/index.ts";
import { T } from "../tokens.ts";
import { ContactPanel } from "../../views/contacts/contact-panel.tsx";
import { FieldEditor, FieldRow, type SectionTarget } from "../../views/contacts/contact-sections.tsx";
import type { ContactPanels } from "./contact-panels.ts";
import type { ContactService } from "./contact-service.ts";

/**
 * The inbox's contact panel: htmx fragments under /inbox/:conversation/contact.
 * Every route first checks the viewer may see the conversation; the contact is
 * the conversation's, never one named by the request.
 */
@injectable()
export class ContactPanelRoutes {
  constructor(
    @inject(T.ContactPanels) private readonly panels: ContactPanels,
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/inbox/:id/contact" })
      .use(this.guard.plugin)
      .get("/", ({ request, viewer, params }) => this.panel(request, viewer, positiveInt(params.id)), { panel: "contacts" })
      .get(
        "/fields/:key",
        ({ request, viewer, params }) => {
          const { field, value, target } = this.field(request, viewer, positiveInt(params.id), params.key);
          return html(<FieldRow t={translator(viewer.language)} target={target} field={field} value={value} editable />);
        },
        { panel: "contacts" },
      )
      .get(
        "/fields/:key/edit",
        ({ request, viewer, params }) => {
          const { field, value, target } = this.field(request, viewer, positiveInt(params.id), params.key);
          return html(<FieldEditor t={translator(viewer.language)} target={target} field={field} value={value ?? ""} />);
        },
        { panel: "contacts" },
      )
      .post(
        "/fields/:key",
        ({ request, viewer, params, body }) => {
          const cid = positiveInt(params.id);
          const { field, target, contactId } = this.field(request, viewer, cid, params.key);
          const raw = str(body, "value");
          const t = translator(viewer.language);
          try {
            const c = this.contactService.setField(actorOf(viewer), contactId, field.key, raw);
            return html(<FieldRow t={t} target={target} field={field} value={c.values.get(field.id)} editable />);
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            const error: FieldError = e.fields[`fields.${field.key}`] ?? Object.values(e.fields)[0] ?? "error.validation";
            return html(<FieldEditor t={t} target={target} field={field} value={raw} error={error} />, 422);
          }
        },
        { panel: "contacts" },
      )
      .post(
        "/tags",
        ({ request, viewer, params, body }) => {
          const cid = positiveInt(params.id);
          this.contactService.addTag(actorOf(viewer), this.contactOf(viewer, cid), positiveInt(str(body, "tagId")));
          return this.panel(request, viewer, cid);
        },
        { panel: "contacts" },
      )
      .post(
        "/tags/:tagId/remove",
        ({ request, viewer, params }) => {
          const cid = positiveInt(params.id);
          this.contactService.removeTag(actorOf(viewer), this.contactOf(viewer, cid), positiveInt(params.tagId));
          return this.panel(request, viewer, cid);
        },
        { panel: "contacts" },
      )
      .post(
        "/notes",
        ({ request, viewer, params, body }) => {
          const cid = positiveInt(params.id);
          try {
            this.contactService.addNote(actorOf(viewer), this.contactOf(viewer, cid), str(body, "text"));
            return this.panel(request, viewer, cid);
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.panel(request, viewer, cid, e.fields.text, 422);
          }
        },
        { panel: "contacts" },
      )
      .post(
        "/notes/:noteId/delete",
        ({ request, viewer, params }) => {
          const cid = positiveInt(params.id);
          const contactId = this.contactOf(viewer, cid);
          const noteId = positiveInt(params.noteId);
          // The note must be this contact's: a panel never reaches another person's notes.
          const owner = this.contactService.view(actorOf(viewer), contactId).notes.some((n) => n.id === noteId);
          if (!owner) throw AppError.notFound();
          this.contactService.deleteNote(actorOf(viewer), noteId);
          return this.panel(request, viewer, cid);
        },
        { panel: "contacts" },
      );
  }

  private panel(request: Request, viewer: Viewer, cid: number, noteError?: FieldError, status = 200): Response {
    const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
    return html(<ContactPanel t={translator(viewer.language)} csrf={csrf} data={this.panels.data(viewer, cid, noteError)} />, status);
  }

  private contactOf(viewer: Viewer, cid: number): number {
    return this.panels.conversation(viewer, cid).contactId;
  }

  private field(request: Request, viewer: Viewer, cid: number, key: string) {
    const contactId = this.contactOf(viewer, cid);
    const actor = actorOf(viewer);
    const field = found(this.contactService.template(actor).find((f) => f.key === key));
    const contact = this.contactService.get(actor, contactId);
    const target: SectionTarget = { base: `/inbox/${cid}/contact`, csrf: readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "", panel: true };
    return { field, value: contact.values.get(field.id), target, contactId };
  }
}
