import { inject, injectable } from "tsyringe";
import type { AuditTrail } from "../audit/audit-trail.ts";
import type { Clock } from "../clock.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { T } from "../tokens.ts";
import type { ContactRepository } from "./contact-repository.ts";
import type { ErasureRepository, ErasureSummary } from "./erasure-repository.ts";

/**
 * Deleting a person on request: conversations, messages, media and notes go,
 * and one audit line says who erased which contact id and when (counts only, no
 * content). Not undoable; the page that asks first says what will go.
 */
@injectable()
export class ErasureService {
  constructor(
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ErasureRepository) private readonly erasure: ErasureRepository,
    @inject(T.AuditTrail) private readonly audit: AuditTrail,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  summary(actor: Actor, id: number): ErasureSummary {
    found(this.contacts.get(actor.companyId, id));
    return this.erasure.summary(actor.companyId, id);
  }

  erase(actor: Actor, id: number): ErasureSummary {
    found(this.contacts.get(actor.companyId, id));
    const now = this.clock.now();
    const summary = this.uow.run(() => {
      const s = this.erasure.summary(actor.companyId, id);
      this.erasure.erase(actor.companyId, id);
      this.audit.record(
        {
          companyId: actor.companyId,
          actorId: actor.userId,
          actorName: actor.name,
          action: "contact.erased",
          targetType: "contact",
          targetId: id,
          details: { conversations: s.conversations, messages: s.messages, media: s.media, notes: s.notes },
        },
        now,
      );
      return s;
    });
    this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: id, listChanged: true, change: "erased" });
    return summary;
  }
}
