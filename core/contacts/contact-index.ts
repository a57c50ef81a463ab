import { inject, injectable } from "tsyringe";
import { T } from "../tokens.ts";
import type { ContactRepository } from "./contact-repository.ts";
import { searchDoc } from "./search-doc.ts";

/**
 * Keeps a contact's search document in step with it. Callers run it inside the
 * transaction of the change, so the search box never finds a stale version.
 */
@injectable()
export class ContactIndex {
  constructor(@inject(T.ContactRepository) private readonly contacts: ContactRepository) {}

  rewrite(contactId: number): void {
    const parts = this.contacts.docParts(contactId);
    if (!parts) return this.contacts.deleteDoc(contactId);
    this.contacts.writeDoc(contactId, searchDoc(parts.contact, parts.values));
  }

  /** A new contact whose values are known already (ingest, import): no read back. */
  write(contactId: number, c: { companyId: number; name: string; phone: string | null; email: string | null }, values: { type: string; value: string }[] = []): void {
    this.contacts.writeDoc(contactId, searchDoc(c, values));
  }
}
