import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Conversation, ConversationFilter, ConversationListItem, ConversationStatus, Visibility } from "./conversation.ts";

const COLUMNS = `c.id, c.company_id AS companyId, c.channel_id AS channelId, c.contact_id AS contactId, c.status,
  c.queue_id AS queueId, c.assignee_id AS assigneeId, c.last_message_at AS lastMessageAt, c.last_preview AS lastPreview,
  c.last_inbound_at AS lastInboundAt, c.unanswered_since AS unansweredSince, c.unread_count AS unreadCount,
  c.queued_at AS queuedAt, c.assigned_at AS assignedAt, c.first_response_at AS firstResponseAt,
  c.closed_at AS closedAt, c.closed_by AS closedBy, c.close_note AS closeNote, c.avoid_assignee_id AS avoidAssigneeId, c.ai_turns AS aiTurns, c.bot_step AS botStep, c.created_at AS createdAt`;
const LIST = `SELECT ${COLUMNS}, ct.name AS contactName, ct.phone AS contactPhone, ch.name AS channelName,
  ch.plugin_id AS pluginId, q.name AS queueName, u.name AS assigneeName
  FROM conversations c
  JOIN contacts ct ON ct.id = c.contact_id
  JOIN channels ch ON ch.id = c.channel_id
  LEFT JOIN queues q ON q.id = c.queue_id
  LEFT JOIN users u ON u.id = c.assignee_id`;
/** Agents: their own conversations and those of their queues. */
const AGENT_SCOPE = "(c.assignee_id = +$viewer OR c.queue_id IN (SELECT queue_id FROM user_queues WHERE user_id = +$viewer))";

/** Newest matching messages looked at first by a search; widened x8 while the page is not full. */
const SEARCH_WINDOW = 2000;
/** Messages moved into the full-text index per transaction. */
export const INDEX_BATCH = 500;

/**
 * FTS5 query from free text: the words as the index's tokenizer (unicode61) sees
 * them, letters and digits only, each a quoted prefix term. Quotes, NUL, operators
 * (AND, NEAR, *, ^, :) and any other punctuation never reach FTS5 as syntax.
 */
export function ftsQuery(q: string): string | null {
  const words = q
    .normalize("NFC")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(" ") : null;
}

@injectable()
export class ConversationRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /**
   * A page of the inbox list. Free-text search looks at the newest matching
   * messages first (FTS5 walks rowids in descending order) and widens the window
   * only when the page is not full yet, so a common word costs the same as a rare
   * one instead of collecting every match in the company. What is still waiting for
   * the index is indexed first: a search never misses a committed message.
   */
  list(v: Visibility, f: ConversationFilter, limit: number): ConversationListItem[] {
    const fts = f.q ? ftsQuery(f.q) : null;
    if (!fts) return this.page(v, f, limit, null);
    while (this.indexPending(INDEX_BATCH) === INDEX_BATCH);
    const scoped = this.sharedIndex();
    for (let cap = SEARCH_WINDOW; ; cap *= 8) {
      const matches = this.searchMatches(v.companyId, fts, cap, scoped);
      const rows = this.page(v, f, limit, matches.ids);
      if (rows.length >= limit || matches.complete) return rows;
    }
  }

  /** Whether more than one company receives messages here (has a channel): then they share the search index. */
  private sharedIndex(): boolean {
    return this.db.query<{ n: number }, []>("SELECT COUNT(DISTINCT company_id) AS n FROM channels").get()!.n > 1;
  }

  /**
   * Moves up to `limit` of the oldest messages waiting for the full-text index
   * into it, in one transaction (migration 0017 says why they wait); returns how
   * many it moved, so a caller knows whether more wait.
   */
  indexPending(limit: number): number {
    const lastOf = () =>
      this.db
        .query<{ id: number | null }, [number]>("SELECT MAX(message_id) AS id FROM (SELECT message_id FROM messages_fts_pending ORDER BY message_id LIMIT +?)")
        .get(limit)!.id;
    // Nothing waiting (the usual case before a search): no write transaction at all.
    if (lastOf() === null) return 0;
    return this.db
      .transaction(() => {
        const last = lastOf();
        if (last === null) return 0;
        // CROSS JOIN keeps the short queue as the outer loop: left to itself the planner
        // moves the range onto messages and reads every message up to `last`.
        this.db
          .query(
            "INSERT INTO messages_fts (rowid, text, company_id) SELECT m.id, m.text, m.company_id FROM messages_fts_pending p CROSS JOIN messages m ON m.id = p.message_id WHERE p.message_id <= ?",
          )
          .run(last);
        return this.db.query("DELETE FROM messages_fts_pending WHERE message_id <= ?").run(last).changes;
      })
      .immediate();
  }

  /** Messages waiting for the full-text index. */
  pendingIndex(): number {
    return this.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages_fts_pending").get()!.n;
  }

  /**
   * This company's newest matches. Where companies share the index (an operator's
   * node), the match itself is made inside the company's part of it (its id is a
   * column there) instead of matching every company's messages and dropping the
   * others' after a lookup each: 111 -> 38 ms for a common word of a small company
   * at 1M messages. A business alone on its server keeps the plain match, cheaper
   * for a rare word (the company's part is then the whole index).
   */
  private searchMatches(companyId: number, fts: string, cap: number, scoped: boolean): { ids: number[]; complete: boolean } {
    const rows = this.db
      .query<{ c: number }, [string, number, number]>(
        `SELECT m.conversation_id AS c FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
         WHERE messages_fts MATCH ? AND m.company_id = +? ORDER BY messages_fts.rowid DESC LIMIT +?`,
      )
      .all(scoped ? `company_id : ${Math.trunc(companyId)} AND text : (${fts})` : `text : (${fts})`, companyId, cap);
    return { ids: [...new Set(rows.map((r) => r.c))], complete: rows.length < cap };
  }

  private page(v: Visibility, f: ConversationFilter, limit: number, textMatches: number[] | null): ConversationListItem[] {
    const where = ["c.company_id = +$company"];
    const params: Record<string, string | number> = { company: v.companyId, limit };
    if (v.restrictToUserId !== null) {
      where.push(AGENT_SCOPE);
      params.viewer = v.restrictToUserId;
    }
    if (f.status === "active") where.push("c.status <> 'closed'");
    else if (f.status) {
      where.push("c.status = +$status");
      params.status = f.status;
    }
    if (f.queueId !== undefined) {
      where.push("c.queue_id = +$queue");
      params.queue = f.queueId;
    }
    if (f.assigneeId !== undefined) {
      where.push("c.assignee_id = +$assignee");
      params.assignee = f.assigneeId;
    }
    if (f.unassigned) where.push("c.assignee_id IS NULL");
    if (f.channelId !== undefined) {
      where.push("c.channel_id = +$channel");
      params.channel = f.channelId;
    }
    if (f.unanswered) where.push("c.unanswered_since IS NOT NULL AND c.status <> 'closed'");
    if (f.q) {
      params.like = `%${f.q.trim().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
      params.matches = JSON.stringify(textMatches ?? []);
      where.push(`(c.id IN (SELECT value FROM json_each($matches)) OR ct.name LIKE +$like ESCAPE '\\' OR ct.phone LIKE +$like ESCAPE '\\')`);
    }
    if (f.before) {
      where.push("(c.last_message_at < $beforeAt OR (c.last_message_at = +$beforeAt AND c.id < $beforeId))");
      params.beforeAt = f.before.at;
      params.beforeId = f.before.id;
    }
    return this.db
      .query<ConversationListItem, Record<string, string | number>>(
        `${LIST} WHERE ${where.join(" AND ")} ORDER BY c.last_message_at DESC, c.id DESC LIMIT +$limit`,
      )
      .all(params);
  }

  item(companyId: number, id: number): ConversationListItem | null {
    return this.db.query<ConversationListItem, [number, number]>(`${LIST} WHERE c.company_id = +? AND c.id = +?`).get(companyId, id);
  }

  get(companyId: number, id: number): Conversation | null {
    return this.db.query<Conversation, [number, number]>(`SELECT ${COLUMNS} FROM conversations c WHERE c.company_id = ? AND c.id = ?`).get(companyId, id);
  }

  /** Whether an agent may see it: assigned to them or in one of their queues. */
  visibleTo(userId: number, id: number): boolean {
    return !!this.db.query(`SELECT 1 FROM conversations c WHERE c.id = +$id AND ${AGENT_SCOPE}`).get({ id, viewer: userId });
  }

  /** Which of these conversations an agent may see (visibleTo for many at once). */
  visibleAmong(userId: number, ids: readonly number[]): number[] {
    return this.db
      .query<{ id: number }, Record<string, string | number>>(`SELECT c.id FROM conversations c WHERE c.id IN (SELECT value FROM json_each($ids)) AND ${AGENT_SCOPE}`)
      .all({ ids: JSON.stringify(ids), viewer: userId })
      .map((r) => r.id);
  }

  /**
   * The conversation a new message from this contact on this channel belongs to:
   * the one still going (at most one: a unique index says so), else the latest
   * finalized one (which the reopen window may bring back). Two indexed lookups.
   */
  current(contactId: number, channelId: number): Conversation | null {
    return this.going(contactId, channelId) ?? this.latest(contactId, channelId);
  }

  going(contactId: number, channelId: number): Conversation | null {
    return this.db
      .query<Conversation, [number, number]>(`SELECT ${COLUMNS} FROM conversations c WHERE c.contact_id = ? AND c.channel_id = ? AND c.status <> 'closed'`)
      .get(contactId, channelId);
  }

  private latest(contactId: number, channelId: number): Conversation | null {
    return this.db
      .query<Conversation, [number, number]>(
        `SELECT ${COLUMNS} FROM conversations c WHERE c.contact_id = +? AND c.channel_id = +? ORDER BY c.id DESC LIMIT 1`,
      )
      .get(contactId, channelId);
  }

  insert(c: Pick<Conversation, "companyId" | "channelId" | "contactId" | "status" | "queueId"> & { now: number }): number {
    return Number(
      this.db
        .query(
          `INSERT INTO conversations (company_id, channel_id, contact_id, status, queue_id, last_message_at, queued_at, closed_at, created_at, opened_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?6, ?6)`,
        )
        .run(c.companyId, c.channelId, c.contactId, c.status, c.queueId, c.now, c.status === "queued" ? c.now : null, c.status === "closed" ? c.now : null)
        .lastInsertRowid,
    );
  }

  /** Counters after a customer message: unread, unanswered, messaging window. */
  touchInbound(id: number, at: number, preview: string): void {
    this.db
      .query(
        `UPDATE conversations SET last_message_at = MAX(last_message_at, ?1), last_preview = ?2, last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?1),
           unanswered_since = COALESCE(unanswered_since, ?1), unread_count = unread_count + 1 WHERE id = ?3`,
      )
      .run(at, preview, id);
  }

  /** A blocked person wrote: the message is kept (and the window known), but nothing waits or rings. */
  touchBlocked(id: number, at: number, preview: string): void {
    this.db
      .query("UPDATE conversations SET last_message_at = MAX(last_message_at, ?1), last_preview = ?2, last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?1) WHERE id = ?3")
      .run(at, preview, id);
  }

  /** After an agent (person) answers: nothing is unanswered, first response recorded once. */
  touchOutbound(id: number, at: number, preview: string, byPerson: boolean): void {
    this.db
      .query(
        `UPDATE conversations SET last_message_at = MAX(last_message_at, ?1), last_preview = ?2,
           unanswered_since = CASE WHEN ?3 THEN NULL ELSE unanswered_since END,
           first_response_at = CASE WHEN ?3 AND first_response_at IS NULL THEN ?1 ELSE first_response_at END WHERE id = ?4`,
      )
      .run(at, preview, byPerson ? 1 : 0, id);
  }

  markRead(id: number): void {
    this.db.query("UPDATE conversations SET unread_count = 0 WHERE id = ? AND unread_count > 0").run(id);
  }

  /** `avoid`: who handed it back to the queue (routing skips them); cleared once someone has it. */
  assign(id: number, assigneeId: number | null, queueId: number | null, status: ConversationStatus, now: number, avoid: number | null = null): void {
    this.db
      .query(
        `UPDATE conversations SET assignee_id = ?1, queue_id = ?2, status = ?3,
           assigned_at = CASE WHEN ?1 IS NOT NULL THEN ?4 ELSE assigned_at END,
           queued_at = CASE WHEN ?3 = 'queued' THEN ?4 ELSE queued_at END,
           avoid_assignee_id = CASE WHEN ?1 IS NOT NULL THEN NULL ELSE ?6 END,
           bot_step = CASE WHEN ?3 = 'bot' THEN bot_step ELSE NULL END WHERE id = ?5`,
      )
      .run(assigneeId, queueId, status, now, id, avoid);
  }

  close(id: number, by: number | null, note: string | null, now: number): void {
    this.db
      .query("UPDATE conversations SET status = 'closed', closed_at = ?, closed_by = ?, close_note = ?, unanswered_since = NULL, unread_count = 0, bot_step = NULL WHERE id = ?")
      .run(now, by, note, id);
  }

  /** A new cycle: its own first response and open time (the reports' figures are per cycle). */
  reopen(id: number, status: ConversationStatus, now: number): void {
    this.db
      .query(
        `UPDATE conversations SET status = ?1, closed_at = NULL, closed_by = NULL, close_note = NULL, opened_at = ?2, first_response_at = NULL,
           queued_at = CASE WHEN ?1 = 'queued' THEN ?2 ELSE queued_at END WHERE id = ?3`,
      )
      .run(status, now, id);
  }

  /** Oldest waiting conversations of a queue, for draining when an agent frees up. */
  waiting(queueId: number, limit: number): number[] {
    return this.db
      .query<{ id: number }, [number, number]>(
        "SELECT id FROM conversations WHERE queue_id = +? AND status = 'queued' AND assignee_id IS NULL ORDER BY queued_at, id LIMIT +?",
      )
      .all(queueId, limit)
      .map((r) => r.id);
  }

  /** Open conversations each of these agents holds (all queues), for least-busy and limits. */
  openCounts(userIds: number[]): Map<number, number> {
    const rows = this.db
      .query<{ userId: number; n: number }, [string]>(
        `SELECT assignee_id AS userId, COUNT(*) AS n FROM conversations
         WHERE assignee_id IN (SELECT value FROM json_each(?)) AND status = 'open' GROUP BY assignee_id`,
      )
      .all(JSON.stringify(userIds));
    return new Map(rows.map((r) => [r.userId, r.n]));
  }

  /** One more AI answer in this conversation. */
  /** The bot step shown in the inbox (null: not in a program). */
  setBotStep(id: number, step: string | null): void {
    this.db.query("UPDATE conversations SET bot_step = ? WHERE id = ?").run(step, id);
  }

  addAiTurn(id: number): void {
    this.db.query("UPDATE conversations SET ai_turns = ai_turns + 1 WHERE id = ?").run(id);
  }

  /** Every conversation of a person, newest first (the contact page and side panel). */
  forContact(companyId: number, contactId: number, limit = 100): ConversationListItem[] {
    return this.db
      .query<ConversationListItem, [number, number, number]>(`${LIST} WHERE c.company_id = +? AND c.contact_id = +? ORDER BY c.id DESC LIMIT +?`)
      .all(companyId, contactId, limit);
  }

  /** The person's conversations still going, on any channel. */
  goingForContact(companyId: number, contactId: number): Conversation[] {
    return this.db
      .query<Conversation, [number, number]>(`SELECT ${COLUMNS} FROM conversations c WHERE c.company_id = ? AND c.contact_id = ? AND c.status <> 'closed'`)
      .all(companyId, contactId);
  }

  /** A queue goes away: its conversations still going move to another one (the rest keep their history). */
  moveQueue(companyId: number, from: number, to: number): number[] {
    return this.db
      .query<{ id: number }, [number, number, number]>(
        "UPDATE conversations SET queue_id = ?3 WHERE company_id = ?1 AND queue_id = ?2 AND status <> 'closed' RETURNING id",
      )
      .all(companyId, from, to)
      .map((r) => r.id);
  }
}
