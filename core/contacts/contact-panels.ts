import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { ConversationListItem } from "../conversations/conversation.ts";
import { actorOf, type Actor, type ConversationService } from "../conversations/conversation-service.ts";
import type { FieldError } from "../i18n/index.ts";
import { dateTimeFormatter } from "../shared/time-format.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { ContactPanelData } from "../../views/contacts/contact-panel.tsx";
import type { Note } from "./contact.ts";
import type { ContactService } from "./contact-service.ts";
import type { AiSettingsService } from "../ai/ai-settings-service.ts";

/** Who may remove a note: its author; supervisors and admins any. */
export function noteDeleter(actor: Actor): (n: Note) => boolean {
  return (n) => actor.role !== "agent" || n.authorId === actor.userId;
}

/**
 * The inbox's contact panel for one conversation: reachable exactly when the
 * conversation is (an agent sees the contacts of the conversations they see).
 */
@injectable()
export class ContactPanels {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.AiSettingsService) private readonly aiSettings: AiSettingsService,
  ) {}

  /** The conversation (visibility checked) and its contact id. */
  conversation(viewer: Viewer, conversationId: number): ConversationListItem {
    return this.conversationService.get(actorOf(viewer), conversationId);
  }

  data(viewer: Viewer, conversationId: number, noteError?: FieldError): ContactPanelData {
    const actor = actorOf(viewer);
    const conversation = this.conversation(viewer, conversationId);
    const view = this.contactService.view(actor, conversation.contactId);
    return {
      conversationId,
      contact: view.contact,
      fields: view.fields,
      tagOptions: this.contactService.tagOptions(actor),
      notes: view.notes,
      conversations: view.conversations,
      canDeleteNote: noteDeleter(actor),
      time: this.time(viewer),
      noteError,
      aiEnabled: this.aiSettings.raw(actor.companyId).enabled,
    };
  }

  time(viewer: Viewer): (ms: number) => string {
    return dateTimeFormatter(viewer.language, this.companies.get(viewer.companyId!)?.timeZone ?? "UTC");
  }
}
