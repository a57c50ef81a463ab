import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import { actorOf } from "../conversations/conversation-service.ts";
import { AppError } from "../errors.ts";
import { ids, pageParam, positiveInt, str, type FormBody } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import { isPartial } from "../http/htmx.ts";
import type { Renderer } from "../http/render.ts";
import { translator } from "../i18n/index.ts";
import { dateTimeFormatter } from "../shared/time-format.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { ContactFormPage, type ContactFormValues } from "../../views/contacts/contact-form.tsx";
import { ContactListPage, ContactResults, type ContactFilterForm, type ContactListData } from "../../views/contacts/contact-list.tsx";
import { ContactDetailPage } from "../../views/contacts/contact-page.tsx";
import { ErasePage } from "../../views/contacts/erase-page.tsx";
import { MergePickPage, MergePreviewPage } from "../../views/contacts/merge-page.tsx";
import type { ContactDetail } from "./contact.ts";
import { readContactFilter } from "./contact-filters.ts";
import { noteDeleter } from "./contact-panels.ts";
import type { ContactService } from "./contact-service.ts";
import type { ErasureService } from "./erasure-service.ts";
import type { MergeChoices, MergeService } from "./merge-service.ts";
import { formatPhone } from "./phone.ts";
import type { FieldError } from "../i18n/index.ts";
import type { PageContext } from "../../views/context.ts";

/** "Contactos" in the panel: the list, a person's page, create and edit, block, merge, erase. */
@injectable()
export class ContactRoutes {
  constructor(
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.MergeService) private readonly mergeService: MergeService,
    @inject(T.ErasureService) private readonly erasureService: ErasureService,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/contacts" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, query }) => {
          const data = this.listData(viewer, query);
          if (isPartial(request)) return html(<ContactResults t={translator(viewer.language)} data={data} />);
          const actor = actorOf(viewer);
          return this.render.page(request, viewer, (ctx) => (
            <ContactListPage
              ctx={ctx}
              data={data}
              template={this.contactService.template(actor)}
              tags={this.contactService.tagOptions(actor)}
              channels={this.channels.list(actor.companyId).map((c) => ({ id: c.id, name: c.name }))}
            />
          ));
        },
        { panel: "contacts" },
      )
      .get("/new", ({ request, viewer }) => this.render.page(request, viewer, this.formView(viewer, null, BLANK)), { panel: "contacts" })
      .post(
        "/",
        ({ request, viewer, body }) => {
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => this.render.redirect(`/contacts/${this.contactService.create(actorOf(viewer), toInput(form)).id}`, { kind: "ok", key: "common.created" }),
            (errors) => this.formView(viewer, null, form, errors),
            "/contacts/new",
          );
        },
        { panel: "contacts" },
      )
      .get(
        "/:id",
        ({ request, viewer, params }) => {
          const actor = actorOf(viewer);
          const id = positiveInt(params.id);
          const data = this.contactService.view(actor, id);
          const time = this.time(viewer);
          return this.render.page(request, viewer, (ctx) => (
            <ContactDetailPage
              ctx={ctx}
              data={data}
              tagOptions={this.contactService.tagOptions(actor)}
              merges={this.mergeService.history(actor, id)}
              time={time}
              canDeleteNote={noteDeleter(actor)}
            />
          ));
        },
        { panel: "contacts" },
      )
      .get(
        "/:id/edit",
        ({ request, viewer, params }) => {
          const c = this.contactService.get(actorOf(viewer), positiveInt(params.id));
          return this.render.page(request, viewer, this.formView(viewer, c.id, this.formOf(viewer, c)));
        },
        { panel: "contacts" },
      )
      .post(
        "/:id",
        ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.contactService.update(actorOf(viewer), id, toInput(form)), this.render.redirect(`/contacts/${id}`, { kind: "ok", key: "common.saved" })),
            (errors) => this.formView(viewer, id, form, errors),
            `/contacts/${id}/edit`,
          );
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/block",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          const blocked = str(body, "blocked") === "1";
          this.contactService.setBlocked(actorOf(viewer), id, blocked);
          return this.render.redirect(`/contacts/${id}`, { kind: "ok", key: blocked ? "contact.blocked_done" : "contact.unblocked_done" });
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/tags",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          this.contactService.addTag(actorOf(viewer), id, positiveInt(str(body, "tagId")));
          return this.render.redirect(`/contacts/${id}`);
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/tags/:tagId/remove",
        ({ viewer, params }) => {
          const id = positiveInt(params.id);
          this.contactService.removeTag(actorOf(viewer), id, positiveInt(params.tagId));
          return this.render.redirect(`/contacts/${id}`);
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/notes",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          try {
            this.contactService.addNote(actorOf(viewer), id, str(body, "text"));
            return this.render.redirect(`/contacts/${id}`);
          } catch (e) {
            if (!(e instanceof AppError && e.status === 422)) throw e;
            return this.render.redirect(`/contacts/${id}`, { kind: "error", key: e.fields.text === "contact.error.note_too_long" ? "contact.error.note_too_long" : "contact.error.note_required" });
          }
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/notes/:noteId/delete",
        ({ viewer, params }) => {
          const contactId = this.contactService.deleteNote(actorOf(viewer), positiveInt(params.noteId));
          return this.render.redirect(`/contacts/${contactId}`, { kind: "ok", key: "common.deleted" });
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/removed-values/erase",
        ({ viewer, params }) => {
          const id = positiveInt(params.id);
          this.contactService.eraseRemovedValues(actorOf(viewer), id);
          return this.render.redirect(`/contacts/${id}`, { kind: "ok", key: "common.deleted" });
        },
        { panel: "contacts" },
      )
      .get(
        "/:id/merge",
        ({ request, viewer, params, query }) => {
          const actor = actorOf(viewer);
          const id = positiveInt(params.id);
          if (!query.with) {
            const contact = this.contactService.get(actor, id);
            const q = (query.q ?? "").slice(0, 100);
            const matches = q ? this.contactService.page(actor, { q }, 1).items.slice(0, 10) : [];
            return this.render.page(request, viewer, (ctx) => <MergePickPage ctx={ctx} contact={contact} q={q} matches={matches} />);
          }
          const preview = this.mergeService.preview(actor, id, positiveInt(query.with));
          const other = this.contactService.view(actor, preview.other.id);
          return this.render.page(request, viewer, (ctx) => (
            <MergePreviewPage ctx={ctx} preview={preview} moving={{ conversations: other.conversations.length, notes: other.notes.length }} />
          ));
        },
        { panel: "contacts" },
      )
      .post(
        "/:id/merge",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          const survivor = this.mergeService.merge(actorOf(viewer), id, positiveInt(str(body, "otherId")), readChoices(body));
          return this.render.redirect(`/contacts/${survivor.id}`, { kind: "ok", key: "merge.done" });
        },
        { panel: "contacts" },
      )
      .get(
        "/:id/erase",
        ({ request, viewer, params }) => {
          const actor = actorOf(viewer);
          const contact = this.contactService.get(actor, positiveInt(params.id));
          const summary = this.erasureService.summary(actor, contact.id);
          return this.render.page(request, viewer, (ctx) => <ErasePage ctx={ctx} contact={contact} summary={summary} />);
        },
        { panel: "contacts.admin" },
      )
      .post(
        "/:id/erase",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          if (str(body, "confirm") !== "1") return this.render.redirect(`/contacts/${id}/erase`, { kind: "error", key: "erase.confirm_required" });
          this.erasureService.erase(actorOf(viewer), id);
          return this.render.redirect("/contacts", { kind: "ok", key: "erase.done" });
        },
        { panel: "contacts.admin" },
      );
  }

  private listData(viewer: Viewer, query: Record<string, string | undefined>): ContactListData {
    const actor = actorOf(viewer);
    const template = this.contactService.template(actor);
    const country = this.companies.get(actor.companyId)?.country ?? "";
    const { filter, errors } = readContactFilter(query, template, country);
    const filters: ContactFilterForm = {
      q: (query.q ?? "").slice(0, 100),
      tagId: filter.tagId ? String(filter.tagId) : "",
      channelId: filter.channelId ? String(filter.channelId) : "",
      fk: query.fk ?? "",
      fo: query.fo ?? "eq",
      fv: (query.fv ?? "").slice(0, 200),
      noOpen: !!filter.noOpenConversation,
    };
    const page = this.contactService.page(actor, filter, pageParam(query.page));
    return { page, filters, query: filterQuery(filters), displayField: template.find((f) => f.display) ?? null, errors, time: this.time(viewer) };
  }

  private formView(viewer: Viewer, id: number | null, form: ContactFormValues, errors?: Record<string, FieldError>): (ctx: PageContext) => JSX.Element {
    const actor = actorOf(viewer);
    const template = this.contactService.template(actor);
    const tags = this.contactService.tagOptions(actor);
    const country = this.companies.get(actor.companyId)?.country ?? "";
    return (ctx) => <ContactFormPage ctx={ctx} id={id ?? undefined} form={form} template={template} tags={tags} country={country} errors={errors} />;
  }

  private formOf(viewer: Viewer, c: ContactDetail): ContactFormValues {
    const template = this.contactService.template(actorOf(viewer));
    return {
      name: c.name,
      phone: c.phone ? formatPhone(c.phone) : "",
      email: c.email ?? "",
      fields: Object.fromEntries(template.filter((f) => c.values.has(f.id)).map((f) => [f.key, c.values.get(f.id)!])),
      tagIds: c.tags.map((x) => x.id),
    };
  }

  private time(viewer: Viewer): (ms: number) => string {
    return dateTimeFormatter(viewer.language, this.companies.get(viewer.companyId!)?.timeZone ?? "UTC");
  }
}

const BLANK: ContactFormValues = { name: "", phone: "", email: "", fields: {}, tagIds: [] };

function readForm(body: unknown): ContactFormValues {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as FormBody)) if (k.startsWith("fields.")) fields[k.slice(7)] = Array.isArray(v) ? String(v[0] ?? "") : String(v ?? "");
  return { name: str(body, "name"), phone: str(body, "phone"), email: str(body, "email"), fields, tagIds: ids(body, "tagIds") };
}

function toInput(form: ContactFormValues) {
  return { name: form.name, phone: form.phone, email: form.email, fields: form.fields, tagIds: form.tagIds };
}

function readChoices(body: unknown): MergeChoices {
  const out: MergeChoices = {};
  for (const [k, v] of Object.entries((body ?? {}) as FormBody)) {
    if (k.startsWith("choose.") && (v === "survivor" || v === "other")) out[k.slice(7)] = v;
  }
  return out;
}

function filterQuery(f: ContactFilterForm): string {
  const entries = Object.entries({ q: f.q, tagId: f.tagId, channelId: f.channelId, fk: f.fv ? f.fk : "", fo: f.fv ? f.fo : "", fv: f.fv, noOpen: f.noOpen ? "1" : "" });
  return new URLSearchParams(entries.filter(([, v]) => v !== "")).toString();
}
