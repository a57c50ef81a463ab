import { inject, injectable } from "tsyringe";
import type { AuditTrail } from "../audit/audit-trail.ts";
import type { Clock } from "../clock.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import { systemLine } from "../conversations/system-lines.ts";
import type { ConversationListItem } from "../conversations/conversation.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { FieldError } from "../i18n/index.ts";
import { API_PAGE_SIZE, paged, toSlice, type Page, type Slice } from "../shared/paging.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { Contact, ContactDetail, ContactField, ContactFilter, ContactInput, ContactListItem, Note, TagRef } from "./contact.ts";
import type { ContactFieldRepository } from "./contact-field-repository.ts";
import type { ContactIndex } from "./contact-index.ts";
import type { ContactRepository } from "./contact-repository.ts";
import { checkEmail, checkValue } from "./field-values.ts";
import type { NoteRepository } from "./note-repository.ts";
import { normalizePhone } from "./phone.ts";
import { phoneError } from "./field-values.ts";
import { contactQuery } from "./search-doc.ts";
import type { TagRepository } from "./tag-repository.ts";

export const MAX_NAME = 100;
export const MAX_NOTE = 2000;

/**
 * How the input is read. "form": every template field is there (empty clears it,
 * required ones must be filled); "create": required fields must be given; "patch":
 * only what is given changes, and a required field cannot be emptied.
 */
export type InputMode = "form" | "create" | "patch";

export interface CheckedContact {
  name: string;
  phone: string | null;
  email: string | null;
  set: { field: ContactField; value: string; num: number | null }[];
  clear: number[];
}

export interface ContactPage {
  contact: ContactDetail;
  fields: ContactField[];
  /** Fields taken out of the template that still hold a value of this person. */
  removed: { field: ContactField; value: string }[];
  notes: Note[];
  conversations: ConversationListItem[];
  duplicates: Contact[];
}

/**
 * Contacts as people the company keeps data about: the template's fields,
 * tags, notes, blocking. Every change rewrites the search document in the same
 * transaction and tells the bus after commit (side panels refresh live).
 */
@injectable()
export class ContactService {
  constructor(
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.TagRepository) private readonly tags: TagRepository,
    @inject(T.NoteRepository) private readonly notes: NoteRepository,
    @inject(T.ContactIndex) private readonly index: ContactIndex,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.AuditTrail) private readonly audit: AuditTrail,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  page(actor: Actor, filter: ContactFilter, page: number): Page<ContactListItem> {
    const display = this.fields.list(actor.companyId).find((f) => f.display)?.id ?? null;
    const f = { ...filter, fts: filter.q ? contactQuery(actor.companyId, filter.q) : null };
    return paged(page, (limit, offset) => this.contacts.page(actor.companyId, f, display, limit, offset));
  }

  /** API pages in id order, with field values by key and identities. */
  slice(actor: Actor, filter: ContactFilter, after: number, limit = API_PAGE_SIZE): Slice<ContactListItem & { values: Map<number, string>; identityList: { channelId: number; externalId: string }[] }> {
    const f = { ...filter, fts: filter.q ? contactQuery(actor.companyId, filter.q) : null };
    const rows = this.contacts.after(actor.companyId, f, after, limit + 1);
    const ids = rows.map((r) => r.id);
    const values = this.contacts.valuesOf(ids);
    const identities = this.contacts.identitiesOf(ids);
    return toSlice(
      rows.map((r) => ({ ...r, values: values.get(r.id) ?? new Map(), identityList: identities.get(r.id) ?? [] })),
      limit,
    );
  }

  get(actor: Actor, id: number): ContactDetail {
    return found(this.contacts.detail(actor.companyId, id));
  }

  /** Everything the contact page shows. */
  view(actor: Actor, id: number): ContactPage {
    const contact = this.get(actor, id);
    const all = this.fields.list(actor.companyId, true);
    const fields = all.filter((f) => f.deletedAt === null);
    const removed = all.filter((f) => f.deletedAt !== null && contact.values.has(f.id)).map((field) => ({ field, value: contact.values.get(field.id)! }));
    return {
      contact,
      fields,
      removed,
      notes: this.notes.list(actor.companyId, id),
      conversations: this.conversations.forContact(actor.companyId, id),
      duplicates: this.contacts.duplicates(actor.companyId, id, contact.phone, contact.email),
    };
  }

  template(actor: Actor): ContactField[] {
    return this.fields.list(actor.companyId);
  }

  tagOptions(actor: Actor): TagRef[] {
    return this.tags.options(actor.companyId);
  }

  create(actor: Actor, input: ContactInput, mode: InputMode = "form"): ContactDetail {
    const valid = this.check(actor, input, null, mode);
    const tagIds = this.ownedTags(actor, input.tagIds ?? []);
    const id = this.uow.run(() => {
      const id = this.contacts.create(actor.companyId, valid, this.clock.now());
      for (const s of valid.set) this.contacts.setValue(id, s.field.id, s.value, s.num);
      for (const t of tagIds) this.contacts.addTag(id, t);
      this.index.rewrite(id);
      return id;
    });
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: false, change: "created" });
    return this.get(actor, id);
  }

  update(actor: Actor, id: number, input: ContactInput, mode: InputMode = "form"): ContactDetail {
    const current = this.get(actor, id);
    const valid = this.check(actor, input, current, mode);
    const tagIds = input.tagIds === undefined ? null : this.ownedTags(actor, input.tagIds);
    this.uow.run(() => {
      this.contacts.update(actor.companyId, id, valid, this.clock.now());
      for (const s of valid.set) this.contacts.setValue(id, s.field.id, s.value, s.num);
      for (const fieldId of valid.clear) this.contacts.deleteValue(id, fieldId);
      if (tagIds) {
        for (const t of current.tags) if (!tagIds.includes(t.id)) this.contacts.removeTag(id, t.id);
        for (const t of tagIds) this.contacts.addTag(id, t);
      }
      this.index.rewrite(id);
    });
    const listChanged = valid.name !== current.name || valid.phone !== current.phone;
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged });
    return this.get(actor, id);
  }

  /** One template field changed in place (the inbox side panel). */
  setField(actor: Actor, id: number, key: string, raw: string): ContactDetail {
    const c = this.get(actor, id);
    return this.update(actor, id, { name: c.name, phone: c.phone ?? "", email: c.email ?? "", fields: { [key]: raw } }, "patch");
  }

  addTag(actor: Actor, id: number, tagId: number): void {
    this.get(actor, id);
    if (this.tags.countOwned(actor.companyId, [tagId]) !== 1) throw AppError.invalid({ tagId: "contact.error.tag_unknown" });
    this.uow.run(() => this.contacts.addTag(id, tagId));
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: false });
  }

  removeTag(actor: Actor, id: number, tagId: number): void {
    this.get(actor, id);
    this.contacts.removeTag(id, tagId);
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: false });
  }

  /** A page of a contact's notes, newest first (the API); `next` is a note id. */
  noteSlice(actor: Actor, id: number, beforeId: number, limit = API_PAGE_SIZE): Slice<Note> {
    this.get(actor, id);
    return toSlice(this.notes.before(actor.companyId, id, beforeId || Number.MAX_SAFE_INTEGER, limit + 1), limit);
  }

  addNote(actor: Actor, id: number, text: string): Note {
    this.get(actor, id);
    const clean = text.replace(/\r\n?/g, "\n").trim();
    if (!clean) throw AppError.invalid({ text: "contact.error.note_required" });
    if (clean.length > MAX_NOTE) throw AppError.invalid({ text: "contact.error.note_too_long" });
    const noteId = this.notes.insert(actor.companyId, id, { id: actor.userId, name: actor.name }, clean, this.clock.now());
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: false, change: "note" });
    return this.notes.list(actor.companyId, id).find((n) => n.id === noteId)!;
  }

  /** Authors remove their own notes; supervisors and admins any. */
  deleteNote(actor: Actor, noteId: number, contactId?: number): number {
    const note = found(this.notes.authorOf(actor.companyId, noteId));
    // Addressed under a contact (the API's /contacts/:id/notes/:noteId): it must be that contact's.
    if (contactId !== undefined && note.contactId !== contactId) throw AppError.notFound();
    if (actor.role === "agent" && note.authorId !== actor.userId) throw AppError.forbidden();
    this.notes.delete(actor.companyId, noteId);
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: note.contactId, listChanged: false, change: "note" });
    return note.contactId;
  }

  /**
   * Blocked: what they send is still stored (nothing is lost), but it opens nothing
   * for routing and rings nobody. Their conversations still going end now.
   */
  setBlocked(actor: Actor, id: number, blocked: boolean): void {
    const c = this.get(actor, id);
    if (c.blocked === blocked) return;
    const now = this.clock.now();
    const closed = this.uow.run(() => {
      this.contacts.setBlocked(actor.companyId, id, blocked, now);
      this.audit.record(
        { companyId: actor.companyId, actorId: actor.userId, actorName: actor.name, action: blocked ? "contact.blocked" : "contact.unblocked", targetType: "contact", targetId: id },
        now,
      );
      if (!blocked) return [];
      const going = this.conversations.goingForContact(actor.companyId, id);
      for (const conv of going) {
        this.conversations.close(conv.id, actor.userId, null, now);
        this.messages.insert(systemLine(conv, { event: "contact_blocked", by: actor.name }, now));
      }
      return going.map((g) => g.id);
    });
    for (const conversationId of closed) this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId });
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: false });
  }

  /** Values of fields removed from the template, erased for this person. */
  eraseRemovedValues(actor: Actor, id: number): void {
    this.get(actor, id);
    this.uow.run(() => {
      this.contacts.deleteRemovedValues(actor.companyId, id);
      this.index.rewrite(id);
    });
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: false });
  }

  /** Checks a whole input against the template and puts every value in its stored form. */
  check(actor: Actor, input: ContactInput, current: ContactDetail | null, mode: InputMode): CheckedContact {
    const country = this.companies.get(actor.companyId)?.country ?? "";
    const errors: Record<string, FieldError> = {};
    const name = input.name.trim().replace(/\s+/g, " ");
    if (!name && (mode !== "patch" || current?.name)) errors.name = "contact.error.name_required";
    else if (name.length > MAX_NAME) errors.name = "contact.error.name_too_long";

    let phone: string | null = null;
    const typed = input.phone.trim();
    if (typed) {
      // The stored number, however it is written, passes as it is (a channel may have given one the metadata does not know).
      const same = !!current?.phone && digitsOf(typed) === digitsOf(current.phone);
      phone = same ? current!.phone : normalizePhone(typed, country);
      if (!phone) errors.phone = phoneError(country);
      else if (phone !== current?.phone && this.contacts.idsByPhone(actor.companyId, phone, current?.id ?? 0).length) errors.phone = "contact.error.phone_taken";
    }
    const mail = checkEmail(input.email);
    const email = mail?.ok ? mail.value : null;
    if (mail && !mail.ok) errors.email = mail.error;
    else if (email && email !== current?.email && this.contacts.idsByEmail(actor.companyId, email, current?.id ?? 0).length) errors.email = "contact.error.email_taken";

    const template = this.fields.list(actor.companyId);
    const byKey = new Map(template.map((f) => [f.key, f]));
    for (const key of Object.keys(input.fields)) if (!byKey.has(key)) errors[`fields.${key}`] = "contact.error.field_unknown";
    const set: CheckedContact["set"] = [];
    const clear: number[] = [];
    for (const field of template) {
      const given = Object.hasOwn(input.fields, field.key);
      if (!given && mode === "patch") continue;
      if (!given && mode === "create") {
        if (field.required) errors[`fields.${field.key}`] = "contact.error.required";
        continue;
      }
      const r = checkValue(field, input.fields[field.key] ?? "", country);
      if (r === null) {
        if (current?.values.has(field.id)) clear.push(field.id);
      } else if (!r.ok) errors[`fields.${field.key}`] = r.error;
      else set.push({ field, value: r.value, num: r.num });
    }
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { name: name || (current?.name ?? ""), phone, email, set, clear };
  }

  private ownedTags(actor: Actor, ids: number[]): number[] {
    const unique = [...new Set(ids)];
    if (this.tags.countOwned(actor.companyId, unique) !== unique.length) throw AppError.invalid({ tagIds: "contact.error.tag_unknown" });
    return unique;
  }
}

const digitsOf = (s: string) => s.replace(/[^\d]/g, "");
