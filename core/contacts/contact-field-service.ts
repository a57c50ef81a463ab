import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { FieldError } from "../i18n/index.ts";
import { API_PAGE_SIZE, toSlice, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import { FIELD_TYPES, type ContactField, type FieldInput, type FieldType } from "./contact.ts";
import type { ContactFieldRepository, StoredField } from "./contact-field-repository.ts";
import type { ContactIndex } from "./contact-index.ts";

const MAX_FIELDS = 50;
const MAX_OPTIONS = 50;
/** Keys the CSV import and the API already give a meaning. */
const RESERVED = new Set(["id", "name", "nombre", "phone", "telefono", "email", "correo", "tags", "etiquetas", "fields", "created", "blocked"]);

/** The company's contact template ("Plantilla de contacto"): what it collects about each person. */
@injectable()
export class ContactFieldService {
  constructor(
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.ContactIndex) private readonly index: ContactIndex,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  list(scope: Scope): ContactField[] {
    return this.fields.list(scope.companyId);
  }

  /** A page of the template in its order (the API). */
  slice(scope: Scope, after: { position: number; id: number } | null, limit = API_PAGE_SIZE): Slice<ContactField, { position: number; id: number }> {
    return toSlice(this.fields.after(scope.companyId, after, limit + 1), limit, (f) => ({ position: f.position, id: f.id }));
  }

  /** The template plus fields removed from it whose values are still kept. */
  withRemoved(scope: Scope): ContactField[] {
    return this.fields.list(scope.companyId, true);
  }

  get(scope: Scope, id: number): ContactField {
    const f = found(this.fields.get(scope.companyId, id));
    if (f.deletedAt !== null) throw AppError.notFound();
    return f;
  }

  create(scope: Scope, input: FieldInput): ContactField {
    const valid = this.validate(scope, input, null);
    return this.uow.run(() => {
      if (this.fields.list(scope.companyId).length >= MAX_FIELDS) throw AppError.invalid({ key: "field.error.too_many" });
      const id = this.fields.insert(scope.companyId, valid, this.clock.now());
      if (valid.display) this.fields.clearDisplay(scope.companyId, id);
      return this.fields.get(scope.companyId, id)!;
    });
  }

  /** Renaming a label or a key keeps every value (they hang from the field's id). */
  update(scope: Scope, id: number, input: FieldInput): ContactField {
    const current = this.get(scope, id);
    const valid = this.validate(scope, input, current);
    this.uow.run(() => {
      this.fields.update(scope.companyId, id, valid);
      if (valid.display) this.fields.clearDisplay(scope.companyId, id);
    });
    return this.get(scope, id);
  }

  /** Out of the template; its values stay on each contact ("campos anteriores") until erased. */
  remove(scope: Scope, id: number): void {
    this.get(scope, id);
    this.fields.remove(scope.companyId, id, this.clock.now());
  }

  /** A removed field and the values it still holds go for good. */
  purge(scope: Scope, id: number): void {
    const f = found(this.fields.get(scope.companyId, id));
    if (f.deletedAt === null) throw new AppError(409, "field_in_template", "field.error.purge_active");
    const touched = this.fields.contactsWithValues(id);
    this.uow.run(() => {
      this.fields.purge(scope.companyId, id);
      for (const contactId of touched) this.index.rewrite(contactId);
    });
    this.bus.emit("contact.changed", { companyId: scope.companyId, contactId: 0, listChanged: false });
  }

  /** One place up or down in the template. */
  move(scope: Scope, id: number, direction: "up" | "down"): void {
    const list = this.fields.list(scope.companyId);
    const i = list.findIndex((f) => f.id === id);
    if (i < 0) throw AppError.notFound();
    const j = direction === "up" ? i - 1 : i + 1;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j]!, list[i]!];
    this.uow.run(() => this.fields.reorder(scope.companyId, list.map((f) => f.id)));
  }

  /** A whole new order (the API): every field of the template, once. */
  reorder(scope: Scope, ids: number[]): void {
    const current = this.fields.list(scope.companyId).map((f) => f.id);
    if (ids.length !== current.length || new Set(ids).size !== ids.length || !ids.every((id) => current.includes(id))) {
      throw AppError.invalid({ ids: "field.error.order" });
    }
    this.uow.run(() => this.fields.reorder(scope.companyId, ids));
  }

  private validate(scope: Scope, input: FieldInput, current: ContactField | null): StoredField {
    const errors: Record<string, FieldError> = {};
    const label = input.label.trim().replace(/\s+/g, " ");
    const key = input.key.trim();
    if (!label) errors.label = "field.error.label_required";
    else if (label.length > 60) errors.label = "field.error.label_too_long";
    if (!key) errors.key = "field.error.key_required";
    else if (!/^[a-z][a-z0-9_]{0,39}$/.test(key)) errors.key = "field.error.key_format";
    else if (RESERVED.has(key)) errors.key = "field.error.key_reserved";
    else if (this.fields.keyTaken(scope.companyId, key, current?.id ?? 0)) errors.key = "field.error.key_taken";
    const type = input.type as FieldType;
    if (!(FIELD_TYPES as readonly string[]).includes(input.type)) errors.type = "field.error.type";
    else if (current && current.type !== type && this.fields.valueCount(current.id) > 0) errors.type = "field.error.type_locked";
    const options = [...new Set(input.options.map((o) => o.trim().replace(/\s+/g, " ")).filter((o) => o.length > 0))];
    if (type === "choice") {
      if (options.length === 0) errors.options = "field.error.options_required";
      else if (options.length > MAX_OPTIONS || options.some((o) => o.length > 60)) errors.options = "field.error.options_too_many";
    }
    const min = type === "number" ? input.min : null;
    const max = type === "number" ? input.max : null;
    if ((min !== null && !Number.isFinite(min)) || (max !== null && !Number.isFinite(max))) errors.min = "field.error.range";
    else if (min !== null && max !== null && min > max) errors.max = "field.error.range";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { key, label, type, required: input.required, options: type === "choice" ? options : [], min, max, display: input.display };
  }
}
