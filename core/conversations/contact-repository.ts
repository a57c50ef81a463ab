import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export interface Contact {
  id: number;
  companyId: number;
  name: string;
  phone: string | null;
}

@injectable()
export class ContactRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  byIdentity(channelId: number, externalId: string): Contact | null {
    return this.db
      .query<Contact, [number, string]>(
        `SELECT c.id, c.company_id AS companyId, c.name, c.phone FROM contact_identities i
         JOIN contacts c ON c.id = i.contact_id WHERE i.channel_id = ? AND i.external_id = ?`,
      )
      .get(channelId, externalId);
  }

  get(companyId: number, id: number): Contact | null {
    return this.db
      .query<Contact, [number, number]>("SELECT id, company_id AS companyId, name, phone FROM contacts WHERE company_id = ? AND id = ?")
      .get(companyId, id);
  }

  insert(companyId: number, channelId: number, externalId: string, name: string, phone: string | null, now: number): number {
    const id = Number(
      this.db.query("INSERT INTO contacts (company_id, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)").run(companyId, name, phone, now, now)
        .lastInsertRowid,
    );
    this.db.query("INSERT INTO contact_identities (channel_id, external_id, contact_id, created_at) VALUES (?, ?, ?, ?)").run(channelId, externalId, id, now);
    return id;
  }

  /** Fills in what the customer told us, without overwriting names agents may have corrected. */
  complete(id: number, name: string | undefined, phone: string | undefined, now: number): void {
    if (!name && !phone) return;
    this.db
      .query(
        `UPDATE contacts SET name = CASE WHEN name = '' AND ?1 IS NOT NULL THEN ?1 ELSE name END,
           phone = COALESCE(phone, ?2), updated_at = ?3 WHERE id = ?4`,
      )
      .run(name ?? null, phone ?? null, now, id);
  }

  /** The customer's id on a channel: where replies go. */
  externalIdFor(contactId: number, channelId: number): string | null {
    return (
      this.db
        .query<{ externalId: string }, [number, number]>("SELECT external_id AS externalId FROM contact_identities WHERE contact_id = ? AND channel_id = ?")
        .get(contactId, channelId)?.externalId ?? null
    );
  }
}
