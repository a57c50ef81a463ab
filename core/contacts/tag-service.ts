import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import { AppError, found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { MessageKey } from "../i18n/index.ts";
import { API_PAGE_SIZE, paged, toSlice, type Page, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import type { TagListItem, TagRef } from "./contact.ts";
import type { TagRepository } from "./tag-repository.ts";

const COLOR = /^#[0-9a-f]{6}$/;
/** Colours new tags get in turn when none is given (the import creates tags this way). */
export const TAG_PALETTE = ["#1e88e5", "#43a047", "#f4511e", "#8e24aa", "#fdd835", "#00acc1", "#6d4c41", "#d81b60"];

/** "Etiquetas": names and colours an admin manages; agents put them on contacts. */
@injectable()
export class TagService {
  constructor(
    @inject(T.TagRepository) private readonly tags: TagRepository,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  page(scope: Scope, page: number): Page<TagListItem> {
    return paged(page, (limit, offset) => this.tags.page(scope.companyId, limit, offset));
  }

  slice(scope: Scope, after: number, limit = API_PAGE_SIZE): Slice<TagListItem> {
    return toSlice(this.tags.after(scope.companyId, after, limit + 1), limit);
  }

  options(scope: Scope): TagRef[] {
    return this.tags.options(scope.companyId);
  }

  get(scope: Scope, id: number): TagListItem {
    return found(this.tags.get(scope.companyId, id));
  }

  create(scope: Scope, input: { name: string; color: string }): TagListItem {
    const v = this.validate(scope, input, 0);
    return this.get(scope, this.tags.insert(scope.companyId, v.name, v.color, this.clock.now()));
  }

  update(scope: Scope, id: number, input: { name: string; color: string }): TagListItem {
    this.get(scope, id);
    const v = this.validate(scope, input, id);
    this.tags.update(scope.companyId, id, v.name, v.color);
    this.bus.emit("contact.changed", { companyId: scope.companyId, contactId: 0, listChanged: false });
    return this.get(scope, id);
  }

  /** Off every contact that carries it (the confirmation said how many). */
  delete(scope: Scope, id: number): void {
    this.get(scope, id);
    this.tags.delete(scope.companyId, id);
    this.bus.emit("contact.changed", { companyId: scope.companyId, contactId: 0, listChanged: false });
  }

  private validate(scope: Scope, input: { name: string; color: string }, exceptId: number): { name: string; color: string } {
    const errors: Record<string, MessageKey> = {};
    const name = input.name.trim().replace(/\s+/g, " ");
    const color = input.color.trim().toLowerCase();
    if (!name) errors.name = "tag.error.name_required";
    else if (name.length > 40) errors.name = "tag.error.name_too_long";
    else if (name.includes(";")) errors.name = "tag.error.name_semicolon";
    else if (this.tags.nameTaken(scope.companyId, name, exceptId)) errors.name = "tag.error.name_taken";
    if (!COLOR.test(color)) errors.color = "tag.error.color";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { name, color };
  }
}
