import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export interface MergeRecord {
  id: number;
  mergedId: number;
  byName: string;
  details: string;
  createdAt: number;
}

/** Moving everything of one contact onto another, and the record that it happened. */
@injectable()
export class MergeRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Conversations of `fromId` still going on a channel where `toId` also has one going. */
  clashingGoing(fromId: number, toId: number): number[] {
    return this.db
      .query<{ id: number }, [number, number]>(
        `SELECT a.id FROM conversations a JOIN conversations b ON b.contact_id = +?2 AND b.channel_id = a.channel_id AND b.status <> 'closed'
         WHERE a.contact_id = +?1 AND a.status <> 'closed'`,
      )
      .all(fromId, toId)
      .map((r) => r.id);
  }

  /** Identities, conversations, notes and tags of `fromId` now belong to `toId`. Returns what moved. */
  moveAll(companyId: number, fromId: number, toId: number): { identities: number; conversations: number; notes: number; tags: number } {
    const identities = this.db.query("UPDATE contact_identities SET contact_id = ? WHERE contact_id = ?").run(toId, fromId).changes;
    const conversations = this.db.query("UPDATE conversations SET contact_id = ? WHERE company_id = ? AND contact_id = ?").run(toId, companyId, fromId).changes;
    const notes = this.db.query("UPDATE contact_notes SET contact_id = ? WHERE company_id = ? AND contact_id = ?").run(toId, companyId, fromId).changes;
    const tags = this.db.query("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) SELECT ?, tag_id FROM contact_tags WHERE contact_id = ?").run(toId, fromId).changes;
    this.db
      .query("UPDATE contacts SET last_contact_at = MAX(COALESCE(last_contact_at, 0), COALESCE((SELECT last_contact_at FROM contacts WHERE id = +?1), 0)) WHERE id = +?2")
      .run(fromId, toId);
    return { identities, conversations, notes, tags };
  }

  deleteContact(companyId: number, id: number): void {
    this.db.query("DELETE FROM contacts WHERE company_id = ? AND id = ?").run(companyId, id);
  }

  record(companyId: number, survivorId: number, mergedId: number, by: { id: number | null; name: string }, details: Record<string, unknown>, now: number): void {
    this.db
      .query("INSERT INTO contact_merges (company_id, survivor_id, merged_id, by_user_id, by_name, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(companyId, survivorId, mergedId, by.id, by.name, JSON.stringify(details), now);
  }

  /** Earlier merges into this contact (and into contacts merged into it). */
  history(companyId: number, survivorId: number): MergeRecord[] {
    return this.db
      .query<MergeRecord, [number, number]>(
        "SELECT id, merged_id AS mergedId, by_name AS byName, details, created_at AS createdAt FROM contact_merges WHERE company_id = +? AND survivor_id = +? ORDER BY id DESC LIMIT 50",
      )
      .all(companyId, survivorId);
  }

  /** A merged contact's history follows the survivor. */
  repointHistory(companyId: number, fromId: number, toId: number): void {
    this.db.query("UPDATE contact_merges SET survivor_id = ? WHERE company_id = ? AND survivor_id = ?").run(toId, companyId, fromId);
  }
}
