import { inject, injectable } from "tsyringe";
import type { AuditTrail } from "../audit/audit-trail.ts";
import type { Clock } from "../clock.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import { systemLine } from "../conversations/system-lines.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { T } from "../tokens.ts";
import type { ContactDetail, ContactField } from "./contact.ts";
import type { ContactFieldRepository } from "./contact-field-repository.ts";
import type { ContactIndex } from "./contact-index.ts";
import type { ContactRepository } from "./contact-repository.ts";
import type { MergeRecord, MergeRepository } from "./merge-repository.ts";

/** Which side a merged value comes from: the surviving contact or the one merged into it. */
export type Side = "survivor" | "other";
/** By "name", "phone", "email" or a field key. Left out: the survivor's value, else the other's. */
export type MergeChoices = Record<string, Side>;

export interface MergePreview {
  survivor: ContactDetail;
  other: ContactDetail;
  fields: ContactField[];
}

/**
 * One person, two contacts (wrote on WhatsApp and on Messenger, or twice through
 * the web chat): everything of the other moves to the survivor, values chosen per
 * field, and the merge is recorded: who, when, what moved.
 */
@injectable()
export class MergeService {
  constructor(
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.MergeRepository) private readonly merges: MergeRepository,
    @inject(T.ContactIndex) private readonly index: ContactIndex,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.AuditTrail) private readonly audit: AuditTrail,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  preview(actor: Actor, survivorId: number, otherId: number): MergePreview {
    const survivor = found(this.contacts.detail(actor.companyId, survivorId));
    if (survivorId === otherId) throw AppError.invalid({ otherId: "merge.error.same" });
    const other = this.contacts.detail(actor.companyId, otherId);
    if (!other) throw AppError.invalid({ otherId: "merge.error.unknown" });
    return { survivor, other, fields: this.fields.list(actor.companyId, true) };
  }

  history(actor: Actor, id: number): MergeRecord[] {
    return this.merges.history(actor.companyId, id);
  }

  merge(actor: Actor, survivorId: number, otherId: number, choices: MergeChoices = {}): ContactDetail {
    const { survivor, other, fields } = this.preview(actor, survivorId, otherId);
    const pick = <V>(key: string, mine: V | null, theirs: V | null): V | null =>
      choices[key] === "other" ? (theirs ?? mine) : choices[key] === "survivor" ? (mine ?? theirs) : (mine ?? theirs);
    const now = this.clock.now();
    const closed = this.uow.run(() => {
      // One conversation going per person and channel: the other's gives way.
      const clashing = this.merges.clashingGoing(other.id, survivor.id);
      for (const id of clashing) {
        const conv = this.conversations.get(actor.companyId, id)!;
        this.conversations.close(id, actor.userId, null, now);
        this.messages.insert(systemLine(conv, { event: "contacts_merged", by: actor.name }, now));
      }
      const name = pick("name", survivor.name || null, other.name || null) ?? "";
      const phone = pick("phone", survivor.phone, other.phone);
      const email = pick("email", survivor.email, other.email);
      const taken: Record<string, string> = {};
      for (const f of fields) {
        const value = pick(f.key, survivor.values.get(f.id) ?? null, other.values.get(f.id) ?? null);
        if (value !== null && value !== survivor.values.get(f.id)) {
          const numeric = f.type === "number" ? Number(value) : f.type === "date" ? Math.floor(Date.parse(`${value}T00:00:00Z`) / 86_400_000) : null;
          this.contacts.setValue(survivor.id, f.id, value, numeric);
          taken[f.key] = "other";
        }
      }
      // The other's phone and e-mail leave with it first, so the survivor may take them.
      const moved = this.merges.moveAll(actor.companyId, other.id, survivor.id);
      this.merges.repointHistory(actor.companyId, other.id, survivor.id);
      this.merges.deleteContact(actor.companyId, other.id);
      this.contacts.update(actor.companyId, survivor.id, { name, phone, email }, now);
      if (other.blocked && !survivor.blocked) this.contacts.setBlocked(actor.companyId, survivor.id, true, now);
      this.index.rewrite(survivor.id);
      const details = {
        merged: { id: other.id, name: other.name, phone: other.phone, email: other.email },
        moved,
        closed: clashing.length,
        fromOther: [...(name === other.name && name !== survivor.name ? ["name"] : []), ...(phone !== survivor.phone ? ["phone"] : []), ...(email !== survivor.email ? ["email"] : []), ...Object.keys(taken)],
      };
      this.merges.record(actor.companyId, survivor.id, other.id, { id: actor.userId, name: actor.name }, details, now);
      this.audit.record(
        { companyId: actor.companyId, actorId: actor.userId, actorName: actor.name, action: "contact.merged", targetType: "contact", targetId: survivor.id, details: { mergedId: other.id, ...moved } },
        now,
      );
      return clashing;
    });
    for (const conversationId of closed) this.bus.emit("conversation.changed", { companyId: actor.companyId, conversationId });
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: survivor.id, listChanged: true, change: "merged", mergedId: other.id });
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: other.id, listChanged: true, change: "merged_away" });
    return found(this.contacts.detail(actor.companyId, survivor.id));
  }
}
