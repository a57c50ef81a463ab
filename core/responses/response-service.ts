import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import type { ContactRepository } from "../contacts/contact-repository.ts";
import type { Actor, ConversationService } from "../conversations/conversation-service.ts";
import type { ConversationListItem, Message } from "../conversations/conversation.ts";
import { MAX_TEXT, type ReplyService } from "../conversations/reply-service.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { FieldError, Wording } from "../i18n/index.ts";
import { translator } from "../i18n/index.ts";
import type { MediaRepository } from "../media/media-repository.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { API_PAGE_SIZE, paged, toSlice, type Page, type Slice } from "../shared/paging.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import { normalizeKey } from "./key-norm.ts";
import type { CannedResponse, ResponseFile, ResponseInput } from "./response.ts";
import type { ResponseRepository } from "./response-repository.ts";
import { fillVariables, unknownVariables } from "./variables.ts";

const MAX_NAME = 60;
const MAX_KEY = 30;
const ATTACHMENT_TYPES: Record<string, number> = {
  "image/jpeg": 5 * 1024 * 1024,
  "image/png": 5 * 1024 * 1024,
  "image/webp": 5 * 1024 * 1024,
  "application/pdf": 16 * 1024 * 1024,
};
const SUGGESTIONS = 8;

export interface Suggestion {
  response: CannedResponse;
  /** The text with this conversation's variables filled in. */
  text: string;
}

/**
 * "Respuestas predeterminadas": the admin's list, the composer's suggestions with
 * variables filled in, sending one (FINALIZAR closes the conversation after it
 * is queued), and finding the automatic one a customer's message asks for.
 */
@injectable()
export class ResponseService {
  constructor(
    @inject(T.ResponseRepository) private readonly responses: ResponseRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.MediaRepository) private readonly media: MediaRepository,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  page(scope: Scope, q: string, page: number): Page<CannedResponse> {
    return paged(page, (limit, offset) => this.responses.page(scope.companyId, likeOf(q), limit, offset));
  }

  slice(scope: Scope, q: string, after: number, limit = API_PAGE_SIZE): Slice<CannedResponse> {
    return toSlice(this.responses.after(scope.companyId, likeOf(q), after, limit + 1), limit);
  }

  get(scope: Scope, id: number): CannedResponse {
    return found(this.responses.get(scope.companyId, id));
  }

  create(scope: Scope, input: ResponseInput, file: ResponseFile | null = null): CannedResponse {
    const valid = this.validate(scope, input, 0, file);
    const now = this.clock.now();
    const id = this.uow.run(() => {
      const mediaId = file ? this.media.store(scope.companyId, file.mimeType, file.filename, file.bytes, now) : null;
      const id = this.responses.insert(scope.companyId, valid, mediaId, now);
      this.responses.setQueues(id, input.queueIds);
      return id;
    });
    return this.get(scope, id);
  }

  /** `file`: a new attachment; `removeFile`: drop the current one. */
  update(scope: Scope, id: number, input: ResponseInput, file: ResponseFile | null = null, removeFile = false): CannedResponse {
    const current = this.get(scope, id);
    const valid = this.validate(scope, input, id, file);
    const now = this.clock.now();
    this.uow.run(() => {
      this.responses.update(scope.companyId, id, valid, now);
      this.responses.setQueues(id, input.queueIds);
      if (file || removeFile) {
        this.responses.setMedia(scope.companyId, id, file ? this.media.store(scope.companyId, file.mimeType, file.filename, file.bytes, now) : null);
        if (current.mediaId) this.media.deleteIfUnused(scope.companyId, current.mediaId);
      }
    });
    return this.get(scope, id);
  }

  delete(scope: Scope, id: number): void {
    const current = this.get(scope, id);
    this.uow.run(() => {
      this.responses.delete(scope.companyId, id);
      // Conversations that got it keep their copy of the file; an unused one goes.
      if (current.mediaId) this.media.deleteIfUnused(scope.companyId, current.mediaId);
    });
  }

  /** What the composer offers for "/" plus what the agent typed: key prefixes first, then names. */
  suggestions(actor: Actor, conversationId: number, typed: string): Suggestion[] {
    const c = this.conversationService.get(actor, conversationId);
    const q = normalizeKey(typed);
    const usable = this.responses.all(actor.companyId).filter((r) => usableIn(r, c));
    const rank = (r: CannedResponse) => {
      const key = normalizeKey(r.key);
      if (!q) return 2;
      if (key === q) return 0;
      if (key.startsWith(q)) return 1;
      if (normalizeKey(r.name).includes(q)) return 2;
      return -1;
    };
    const ranked = usable
      .map((r) => ({ r, rank: rank(r) }))
      .filter((x) => x.rank >= 0)
      .sort((a, b) => a.rank - b.rank || a.r.name.localeCompare(b.r.name))
      .slice(0, SUGGESTIONS);
    return ranked.map(({ r }) => ({ response: r, text: this.fill(actor, c, r) }));
  }

  /**
   * Sends a response into a conversation: the agent's edited text when given, else
   * the response's with its variables filled in, plus its attachment. FINALIZAR
   * closes the conversation once the message is queued.
   */
  send(actor: Actor, conversationId: number, responseId: number, opts: { text?: string; submissionKey?: string | null; intervene?: boolean; origin?: "auto_response" } = {}): Message {
    const c = this.conversationService.get(actor, conversationId);
    const r = this.responses.get(actor.companyId, responseId);
    if (!r) throw AppError.invalid({ responseId: "response.error.unknown" });
    if (!usableIn(r, c)) throw AppError.invalid({ responseId: "response.error.other_queue" });
    const text = opts.text !== undefined ? opts.text : this.fill(actor, c, r);
    const message = this.replyService.send(actor, c.id, {
      text,
      mediaId: r.mediaId,
      submissionKey: opts.submissionKey,
      intervene: opts.intervene,
      origin: opts.origin,
    });
    if (r.finalize) this.conversationService.close(actor, c.id, null);
    return message;
  }

  /** The automatic response a customer's whole message names, if there is one for this conversation. */
  automaticFor(companyId: number, text: string, c: Pick<ConversationListItem, "queueId">): CannedResponse | null {
    const key = normalizeKey(text);
    if (!key || key.length > MAX_KEY * 2) return null;
    const r = this.responses.automaticByKey(companyId, key);
    return r && usableIn(r, c) ? r : null;
  }

  claimAutoReply(messageId: number, responseId: number | null): boolean {
    return this.responses.claimAutoReply(messageId, responseId, this.clock.now());
  }

  /** Responses as knowledge for the AI: "key / name: text", one per line. */
  knowledge(companyId: number): string {
    return this.responses
      .all(companyId)
      .map((r) => `${r.name} (${r.key}): ${r.text}`)
      .join("\n");
  }

  fill(actor: Actor, c: Pick<ConversationListItem, "contactId">, r: Pick<CannedResponse, "text">): string {
    const contact = this.contacts.detail(actor.companyId, c.contactId);
    const keys = new Map(this.fields.list(actor.companyId).map((f) => [f.id, f.key]));
    const values = new Map<string, string>();
    for (const [fieldId, value] of contact?.values ?? []) {
      const key = keys.get(fieldId);
      if (key) values.set(key, value);
    }
    return fillVariables(r.text, {
      contactName: contact?.name ?? "",
      contactFields: values,
      agentName: actor.userId === null ? "" : actor.name,
      companyName: this.companies.get(actor.companyId)?.name ?? "",
    });
  }

  private validate(scope: Scope, input: ResponseInput, exceptId: number, file: ResponseFile | null) {
    const errors: Record<string, FieldError> = {};
    const name = input.name.trim().replace(/\s+/g, " ");
    const key = input.key.trim().replace(/\s+/g, " ");
    const keyNorm = normalizeKey(key);
    const text = input.text.replace(/\r\n?/g, "\n").trim();
    if (!name) errors.name = "response.error.name_required";
    else if (name.length > MAX_NAME) errors.name = "response.error.name_too_long";
    if (!keyNorm) errors.key = "response.error.key_required";
    else if (key.length > MAX_KEY) errors.key = "response.error.key_too_long";
    else if (this.responses.keyTaken(scope.companyId, keyNorm, exceptId)) errors.key = "response.error.key_taken";
    if (!text) errors.text = "response.error.text_required";
    else if (text.length > MAX_TEXT) errors.text = "response.error.text_too_long";
    else {
      const unknown = unknownVariables(text, new Set(this.fields.list(scope.companyId).map((f) => f.key)));
      if (unknown.length) errors.text = worded("response.error.unknown_variables", { variables: unknown.join(", ") });
    }
    if (new Set(input.queueIds).size !== this.queues.countOwned(scope.companyId, [...new Set(input.queueIds)])) errors.queueIds = "response.error.queues";
    if (file) {
      const max = ATTACHMENT_TYPES[file.mimeType];
      if (max === undefined) errors.file = "response.error.file_type";
      else if (file.bytes.byteLength > max) errors.file = "response.error.file_too_big";
    }
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { name, key, keyNorm, text, finalize: input.finalize, automatic: input.automatic };
  }
}

function usableIn(r: CannedResponse, c: Pick<ConversationListItem, "queueId">): boolean {
  return r.queueIds.length === 0 || (c.queueId !== null && r.queueIds.includes(c.queueId));
}

function likeOf(q: string): string | null {
  const t = q.trim().slice(0, 100);
  return t ? `%${t.replace(/[%_\\]/g, (m) => `\\${m}`)}%` : null;
}

function worded(key: Parameters<ReturnType<typeof translator>["plain"]>[0], params: Record<string, string>): Wording {
  return { es: translator("es").plain(key, params), en: translator("en").plain(key, params) };
}
