import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Note } from "./contact.ts";

/** Agents' private notes about a person. */
@injectable()
export class NoteRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Newest first. */
  list(companyId: number, contactId: number, limit = 100): Note[] {
    return this.db
      .query<Note, [number, number, number]>(
        "SELECT id, contact_id AS contactId, author_id AS authorId, author_name AS authorName, text, created_at AS createdAt FROM contact_notes WHERE company_id = +? AND contact_id = +? ORDER BY id DESC LIMIT +?",
      )
      .all(companyId, contactId, limit);
  }

  /** Newest first, before a note id (the API's keyset pages). */
  before(companyId: number, contactId: number, beforeId: number, limit: number): Note[] {
    return this.db
      .query<Note, [number, number, number, number]>(
        "SELECT id, contact_id AS contactId, author_id AS authorId, author_name AS authorName, text, created_at AS createdAt FROM contact_notes WHERE company_id = +? AND contact_id = +? AND id < ? ORDER BY id DESC LIMIT +?",
      )
      .all(companyId, contactId, beforeId, limit);
  }

  insert(companyId: number, contactId: number, author: { id: number | null; name: string }, text: string, now: number): number {
    return Number(
      this.db
        .query("INSERT INTO contact_notes (company_id, contact_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .run(companyId, contactId, author.id, author.name, text, now).lastInsertRowid,
    );
  }

  authorOf(companyId: number, id: number): { contactId: number; authorId: number | null } | null {
    return this.db
      .query<{ contactId: number; authorId: number | null }, [number, number]>("SELECT contact_id AS contactId, author_id AS authorId FROM contact_notes WHERE company_id = ? AND id = ?")
      .get(companyId, id);
  }

  delete(companyId: number, id: number): void {
    this.db.query("DELETE FROM contact_notes WHERE company_id = ? AND id = ?").run(companyId, id);
  }
}
