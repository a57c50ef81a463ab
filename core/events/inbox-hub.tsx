import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { ConversationRepository } from "../conversations/conversation-repository.ts";
import { actorOf, type Actor, type ConversationService } from "../conversations/conversation-service.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import { translator } from "../i18n/index.ts";
import type { PresenceService } from "../routing/presence-service.ts";
import { T } from "../tokens.ts";
import { MessageBubble } from "../../views/inbox/message-bubble.tsx";
import type { EventBus } from "./bus.ts";
import { timeFormatter } from "../shared/time-format.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import type { AuthService } from "../auth/auth-service.ts";
import { recheck, sseResponse } from "./sse.ts";

interface Connection {
  viewer: Viewer;
  actor: Actor;
  csrf: string;
  open: number | null;
  write(chunk: string): void;
  /** Tells the page to sign in again (or reload with its new rights), then ends the stream. */
  end(reason: string): void;
  reconnect(retryMs: number): void;
}

const HEARTBEAT_MS = 20_000;

/**
 * The agents' live inbox over Server-Sent Events. Each event goes only to the
 * connections whose user may see the conversation: message bubbles (rendered in
 * that user's language) to whoever has the conversation open, and an "inbox"
 * nudge to everyone whose list may change; the list then re-fetches itself
 * through the same guarded route as a page load.
 *
 * A stream shows only what its user may see now: when an admin deactivates the
 * user, resets their password or changes their role or queues, their streams end
 * at once ("user.access_changed"); every heartbeat re-reads the session, so a
 * change made elsewhere (the CLI, another node) ends or refreshes it within one
 * heartbeat.
 */
@injectable()
export class InboxHub {
  private readonly byCompany = new Map<number, Set<Connection>>();
  private readonly offs: (() => void)[] = [];
  /**
   * Conversations changed during this turn of the event loop, per company, with
   * who had each before (they must see it leave their list). A group commit
   * changes a dozen at once: each connection gets one list nudge for all of them.
   */
  private readonly changed = new Map<number, Map<number, Set<number>>>();
  /** Companies whose every list must refresh this turn (a contact's name or phone changed). */
  private readonly listsChanged = new Set<number>();
  private flushing = false;
  /** Keep-alive and session re-check interval (tests shorten it). */
  heartbeatMs = HEARTBEAT_MS;

  constructor(
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.PresenceService) private readonly presenceService: PresenceService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.AuthService) private readonly authService: AuthService,
  ) {}

  start(): void {
    const bubble = ({ companyId, conversationId, messageId }: { companyId: number; conversationId: number; messageId: number }) =>
      this.pushMessage(companyId, conversationId, messageId);
    this.offs.push(this.bus.on("message.created", bubble));
    this.offs.push(this.bus.on("message.status", bubble));
    this.offs.push(
      this.bus.on("conversation.changed", ({ companyId, conversationId, previousAssigneeId }) =>
        this.pushChange(companyId, conversationId, previousAssigneeId ?? null),
      ),
    );
    this.offs.push(
      this.bus.on("contact.changed", ({ companyId, contactId, listChanged, change }) => {
        // A contact a webhook just created is in no open pane yet: nothing to refresh.
        if (change !== "created" || listChanged) this.pushContact(companyId, contactId, listChanged);
      }),
    );
    this.offs.push(this.bus.on("user.access_changed", ({ companyId, userId }) => this.endStreamsOf(companyId, userId, "access")));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /** Open inbox streams (the /metrics gauge). */
  clientCount(): number {
    let n = 0;
    for (const set of this.byCompany.values()) n += set.size;
    return n;
  }

  /** Shutdown: every stream ends asking its page to reconnect (to the next process) in about `retryMs`. */
  closeAll(retryMs: number): void {
    for (const set of [...this.byCompany.values()]) for (const c of [...set]) c.reconnect(retryMs);
  }

  connect(viewer: Viewer, csrf: string, open: number | null, signal: AbortSignal): Response {
    const companyId = viewer.companyId!;
    let conn: Connection | null = null;
    return sseResponse(signal, this.heartbeatMs, {
      open: (w) => {
        conn = { viewer, actor: actorOf(viewer), csrf, open, write: w.write, end: w.end, reconnect: w.reconnect };
        let set = this.byCompany.get(companyId);
        if (!set) this.byCompany.set(companyId, (set = new Set()));
        set.add(conn);
        this.presenceService.streamOpened(companyId, viewer.userId);
      },
      beat: () => conn && this.beat(conn),
      closed: () => {
        if (conn) this.byCompany.get(companyId)?.delete(conn);
        this.presenceService.streamClosed(companyId, viewer.userId);
      },
    });
  }

  /** Keep-alive, and the session read again: ended, or its rights changed, the stream follows. */
  private beat(c: Connection): void {
    const current = recheck(this.authService, c.viewer);
    if (current === "session" || current === "access") return c.end(current);
    if (current) {
      c.viewer = current;
      c.actor = actorOf(current);
    }
    c.write(": ping\n\n");
  }

  private endStreamsOf(companyId: number, userId: number, reason: string): void {
    for (const c of [...(this.byCompany.get(companyId) ?? [])]) if (c.viewer.userId === userId) c.end(reason);
  }

  private pushMessage(companyId: number, conversationId: number, messageId: number): void {
    const set = this.byCompany.get(companyId);
    if (!set?.size) return;
    // Only a pane showing this conversation gets its bubble: with none open on it, nothing to read.
    let shown = false;
    for (const conn of set) if (conn.open === conversationId) shown = true;
    if (!shown) return;
    const conversation = this.conversations.get(companyId, conversationId);
    const message = this.messages.get(companyId, messageId);
    if (!conversation || !message) return;
    const zone = this.companies.get(companyId)?.timeZone ?? "UTC";
    for (const conn of set) {
      // List nudges come from "conversation.changed", which every new message also emits.
      if (conn.open !== conversationId || !this.conversationService.canSee(conn.actor, conversation)) continue;
      const t = translator(conn.viewer.language);
      const html = MessageBubble({ t, m: message, csrf: conn.csrf, time: timeFormatter(conn.viewer.language, zone) }) as string;
      conn.write(data(`<hx-partial hx-target="#messages" hx-swap="upsert">${html}</hx-partial>`));
    }
  }

  /**
   * A contact changed: panels showing that person re-fetch themselves (through the
   * guarded route, so rights are checked there); lists too when what they show
   * (name, phone) changed. contactId 0: many contacts at once (a tag renamed).
   */
  private pushContact(companyId: number, contactId: number, listChanged: boolean): void {
    const set = this.byCompany.get(companyId);
    if (!set?.size) return;
    const contactOf = new Map<number, number | null>();
    if (listChanged) {
      this.listsChanged.add(companyId);
      this.schedule();
    }
    for (const conn of set) {
      if (conn.open === null) continue;
      if (!contactOf.has(conn.open)) contactOf.set(conn.open, this.conversations.get(companyId, conn.open)?.contactId ?? null);
      if (contactId === 0 || contactOf.get(conn.open) === contactId) conn.write("event: contact\ndata: changed\n\n");
    }
  }

  private pushChange(companyId: number, conversationId: number, previousAssigneeId: number | null): void {
    if (!this.byCompany.get(companyId)?.size) return;
    let company = this.changed.get(companyId);
    if (!company) this.changed.set(companyId, (company = new Map()));
    let before = company.get(conversationId);
    if (!before) company.set(conversationId, (before = new Set()));
    if (previousAssigneeId !== null) before.add(previousAssigneeId);
    this.schedule();
  }

  /** Once per turn of the event loop, however many changes it brought. */
  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  /**
   * One "inbox" nudge per connection whose list may have changed this turn (its
   * user sees one of the changed conversations, or just lost one), and a
   * "conversation" event to a pane showing one of them. Each changed conversation
   * is read once, and each agent's rights over all of them in one query.
   */
  private flush(): void {
    this.flushing = false;
    const changed = [...this.changed];
    this.changed.clear();
    const everyone = new Set(this.listsChanged);
    this.listsChanged.clear();
    for (const [companyId, byConversation] of changed) {
      const set = this.byCompany.get(companyId);
      if (!set?.size) continue;
      const conversations = [...byConversation.keys()].map((id) => this.conversations.get(companyId, id)).filter((c) => c !== null);
      for (const conn of set) {
        const visible = this.conversationService.visibleAmong(conn.actor, conversations);
        const lost = (id: number) => byConversation.get(id)?.has(conn.viewer.userId) === true;
        const concerns = (id: number) => visible.has(id) || lost(id);
        if (everyone.has(companyId) || [...byConversation.keys()].some(concerns)) conn.write("event: inbox\ndata: changed\n\n");
        if (conn.open !== null && byConversation.has(conn.open) && concerns(conn.open)) conn.write("event: conversation\ndata: changed\n\n");
      }
      everyone.delete(companyId);
    }
    for (const companyId of everyone) for (const conn of this.byCompany.get(companyId) ?? []) conn.write("event: inbox\ndata: changed\n\n");
  }
}

/** An SSE message whose data is HTML (every line prefixed, as the format requires). */
function data(html: string): string {
  return `${html
    .split("\n")
    .map((l) => `data: ${l}`)
    .join("\n")}\n\n`;
}
