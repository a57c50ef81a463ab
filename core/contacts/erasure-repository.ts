import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export interface ErasureSummary {
  conversations: number;
  messages: number;
  media: number;
  mediaBytes: number;
  notes: number;
}

/**
 * Erasing a person on request (Colombia's Ley 1581 and its kind): their
 * conversations, messages, media and notes, with nothing left behind in the file.
 */
@injectable()
export class ErasureRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  summary(companyId: number, contactId: number): ErasureSummary {
    return this.db
      .query<ErasureSummary, [number, number]>(
        `SELECT (SELECT COUNT(*) FROM conversations WHERE company_id = +?1 AND contact_id = +?2) AS conversations,
           (SELECT COUNT(*) FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.company_id = +?1 AND v.contact_id = +?2) AS messages,
           (SELECT COUNT(*) FROM media WHERE id IN (SELECT m.media_id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.company_id = +?1 AND v.contact_id = +?2)) AS media,
           (SELECT COALESCE(SUM(size), 0) FROM media WHERE id IN (SELECT m.media_id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.company_id = +?1 AND v.contact_id = +?2)) AS mediaBytes,
           (SELECT COUNT(*) FROM contact_notes WHERE company_id = +?1 AND contact_id = +?2) AS notes`,
      )
      .get(companyId, contactId)!;
  }

  /**
   * Deletes the contact and all that hangs from it (conversations, messages and
   * their search entries (by trigger), outbox rows, field values, tags, notes, identities) and
   * the media its messages carried. secure_delete overwrites the freed pages, so
   * the bytes do not linger in the file; the search indexes delete for real too
   * (their secure-delete option, set by the migration).
   */
  erase(companyId: number, contactId: number): void {
    this.db.exec("PRAGMA secure_delete = ON");
    try {
      // A file also sent to others (a canned response's attachment) stays: only what is this person's alone goes.
      this.db
        .query(
          `DELETE FROM media WHERE company_id = +?1 AND id IN (SELECT m.media_id FROM messages m JOIN conversations v ON v.id = m.conversation_id
             WHERE v.company_id = +?1 AND v.contact_id = +?2 AND m.media_id IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM canned_responses r WHERE r.media_id = media.id)
           AND NOT EXISTS (SELECT 1 FROM messages o JOIN conversations w ON w.id = o.conversation_id WHERE o.media_id = media.id AND w.contact_id <> ?2)`,
        )
        .run(companyId, contactId);
      this.db.query("DELETE FROM contacts WHERE company_id = ? AND id = ?").run(companyId, contactId);
    } finally {
      this.db.exec("PRAGMA secure_delete = FAST");
    }
  }
}
