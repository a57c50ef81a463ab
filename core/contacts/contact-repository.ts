import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Contact, ContactDetail, ContactFilter, ContactListItem, Identity, TagRef } from "./contact.ts";

/** For ingest: one row, no subquery; lastContactAt as stored (to the quarter hour, see touch()). */
const STORED = `c.id, c.company_id AS companyId, c.name, c.phone, c.email, c.blocked, c.last_contact_at AS lastContactAt, c.created_at AS createdAt`;
/** For people reading it: the exact time of the person's last message. */
const COLUMNS = `c.id, c.company_id AS companyId, c.name, c.phone, c.email, c.blocked,
  COALESCE((SELECT MAX(v.last_inbound_at) FROM conversations v WHERE v.contact_id = c.id), c.last_contact_at) AS lastContactAt, c.created_at AS createdAt`;
const TAGS_JSON = `(SELECT json_group_array(json_object('id', id, 'name', name, 'color', color)) FROM
  (SELECT t.id, t.name, t.color FROM contact_tags x JOIN tags t ON t.id = x.tag_id WHERE x.contact_id = c.id ORDER BY t.name COLLATE NOCASE))`;
const PLUGINS = `(SELECT group_concat(DISTINCT ch.plugin_id) FROM contact_identities i JOIN channels ch ON ch.id = i.channel_id WHERE i.contact_id = c.id)`;

type Row = Omit<Contact, "blocked"> & { blocked: number };
type ListRow = Row & { displayValue: string | null; tags: string; plugins: string | null };
type Params = Record<string, string | number>;
/** How stale the list's sort time may get before a customer message writes it again. */
export const LAST_CONTACT_STEP_MS = 15 * 60_000;
/** Up to this many matches, a search's page is built from its matches (see page()). */
const SEARCH_DRIVEN_MAX = 3000;

const contact = (r: Row): Contact => ({ ...r, blocked: r.blocked === 1 });

/** Contacts, their field values, tags, identities and search documents. Every query names its company. */
@injectable()
export class ContactRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  byIdentity(channelId: number, externalId: string): Contact | null {
    const r = this.db
      .query<Row, [number, string]>(
        `SELECT ${STORED} FROM contact_identities i JOIN contacts c ON c.id = i.contact_id WHERE i.channel_id = +? AND i.external_id = +?`,
      )
      .get(channelId, externalId);
    return r ? contact(r) : null;
  }

  get(companyId: number, id: number): Contact | null {
    const r = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM contacts c WHERE c.company_id = +? AND c.id = +?`).get(companyId, id);
    return r ? contact(r) : null;
  }

  detail(companyId: number, id: number): ContactDetail | null {
    const c = this.get(companyId, id);
    if (!c) return null;
    const values = new Map(
      this.db
        .query<{ fieldId: number; value: string }, [number]>("SELECT field_id AS fieldId, value FROM contact_values WHERE contact_id = ?")
        .all(id)
        .map((v) => [v.fieldId, v.value]),
    );
    return { ...c, values, tags: this.tagsOf(id), identities: this.identities(id) };
  }

  tagsOf(contactId: number): TagRef[] {
    return this.db
      .query<TagRef, [number]>("SELECT t.id, t.name, t.color FROM contact_tags x JOIN tags t ON t.id = x.tag_id WHERE x.contact_id = +? ORDER BY t.name COLLATE NOCASE")
      .all(contactId);
  }

  identities(contactId: number): Identity[] {
    return this.db
      .query<Identity, [number]>(
        `SELECT i.channel_id AS channelId, ch.name AS channelName, ch.plugin_id AS pluginId, i.external_id AS externalId
         FROM contact_identities i JOIN channels ch ON ch.id = i.channel_id WHERE i.contact_id = +? ORDER BY i.created_at, i.channel_id`,
      )
      .all(contactId);
  }

  /** A contact created by a customer's first message on a channel, with its identity there. */
  insert(companyId: number, channelId: number, externalId: string, name: string, phone: string | null, now: number): number {
    const id = this.create(companyId, { name, phone, email: null }, now, now);
    this.linkIdentity(id, channelId, externalId, now);
    return id;
  }

  create(companyId: number, c: { name: string; phone: string | null; email: string | null }, now: number, lastContactAt: number | null = null): number {
    return Number(
      this.db
        .query("INSERT INTO contacts (company_id, name, phone, email, last_contact_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(companyId, c.name, c.phone, c.email, lastContactAt, now, now).lastInsertRowid,
    );
  }

  linkIdentity(contactId: number, channelId: number, externalId: string, now: number): void {
    this.db.query("INSERT INTO contact_identities (channel_id, external_id, contact_id, created_at) VALUES (?, ?, ?, ?)").run(channelId, externalId, contactId, now);
  }

  /**
   * A customer wrote again: what they told us that we did not know yet (never
   * overwriting a name an agent corrected), and the list's sort time. The caller
   * skips this while the stored time is less than LAST_CONTACT_STEP_MS old, so a
   * busy conversation costs no write here; pages show the exact time (COLUMNS).
   */
  touch(id: number, at: number, name: string | null, phone: string | null): void {
    this.db
      .query(
        `UPDATE contacts SET last_contact_at = MAX(COALESCE(last_contact_at, 0), ?1),
           name = CASE WHEN name = '' AND ?2 IS NOT NULL THEN ?2 ELSE name END, phone = COALESCE(phone, ?3) WHERE id = ?4`,
      )
      .run(at, name, phone, id);
  }

  update(companyId: number, id: number, c: { name: string; phone: string | null; email: string | null }, now: number): void {
    this.db.query("UPDATE contacts SET name = ?, phone = ?, email = ?, updated_at = ? WHERE company_id = ? AND id = ?").run(c.name, c.phone, c.email, now, companyId, id);
  }

  setBlocked(companyId: number, id: number, blocked: boolean, now: number): void {
    this.db.query("UPDATE contacts SET blocked = ?, updated_at = ? WHERE company_id = ? AND id = ?").run(blocked ? 1 : 0, now, companyId, id);
  }

  /** Contacts of the company with this phone (E.164), oldest first. */
  idsByPhone(companyId: number, phone: string, exceptId = 0): number[] {
    return this.db
      .query<{ id: number }, [number, string, number]>("SELECT id FROM contacts WHERE company_id = +? AND phone = +? AND id <> ? ORDER BY id LIMIT 20")
      .all(companyId, phone, exceptId)
      .map((r) => r.id);
  }

  idsByEmail(companyId: number, email: string, exceptId = 0): number[] {
    return this.db
      .query<{ id: number }, [number, string, number]>("SELECT id FROM contacts WHERE company_id = +? AND email = +? COLLATE NOCASE AND id <> ? ORDER BY id LIMIT 20")
      .all(companyId, email, exceptId)
      .map((r) => r.id);
  }

  /** The oldest contact with each of these phones (a whole import chunk at once). */
  idsByPhones(companyId: number, phones: string[]): Map<string, number> {
    if (phones.length === 0) return new Map();
    const rows = this.db
      .query<{ key: string; id: number }, [number, string]>(
        "SELECT phone AS key, MIN(id) AS id FROM contacts WHERE company_id = +? AND phone IN (SELECT value FROM json_each(?)) GROUP BY phone",
      )
      .all(companyId, JSON.stringify(phones));
    return new Map(rows.map((r) => [r.key, r.id]));
  }

  /** The oldest contact with each of these e-mails (lower case), a chunk at once. */
  idsByEmails(companyId: number, emails: string[]): Map<string, number> {
    if (emails.length === 0) return new Map();
    const rows = this.db
      .query<{ key: string; id: number }, [number, string]>(
        "SELECT lower(email) AS key, MIN(id) AS id FROM contacts WHERE company_id = +? AND email COLLATE NOCASE IN (SELECT value FROM json_each(?)) GROUP BY lower(email)",
      )
      .all(companyId, JSON.stringify(emails));
    return new Map(rows.map((r) => [r.key, r.id]));
  }

  setValue(contactId: number, fieldId: number, value: string, num: number | null): void {
    this.db
      .query("INSERT INTO contact_values (contact_id, field_id, value, value_num) VALUES (?, ?, ?, ?) ON CONFLICT (contact_id, field_id) DO UPDATE SET value = excluded.value, value_num = excluded.value_num")
      .run(contactId, fieldId, value, num);
  }

  deleteValue(contactId: number, fieldId: number): void {
    this.db.query("DELETE FROM contact_values WHERE contact_id = ? AND field_id = ?").run(contactId, fieldId);
  }

  /** Values of fields removed from the template ("campos anteriores"), erased on request. */
  deleteRemovedValues(companyId: number, contactId: number): void {
    this.db
      .query("DELETE FROM contact_values WHERE contact_id = +? AND field_id IN (SELECT id FROM contact_fields WHERE company_id = +? AND deleted_at IS NOT NULL)")
      .run(contactId, companyId);
  }

  addTag(contactId: number, tagId: number): void {
    this.db.query("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) VALUES (?, ?)").run(contactId, tagId);
  }

  removeTag(contactId: number, tagId: number): void {
    this.db.query("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id = ?").run(contactId, tagId);
  }

  /** What the search document is made of: the contact and its values with their field types. */
  docParts(id: number): { contact: Contact; values: { type: string; value: string }[] } | null {
    const r = this.db.query<Row, [number]>(`SELECT ${STORED} FROM contacts c WHERE c.id = ?`).get(id);
    if (!r) return null;
    const values = this.db
      .query<{ type: string; value: string }, [number]>(
        "SELECT f.type, v.value FROM contact_values v JOIN contact_fields f ON f.id = v.field_id WHERE v.contact_id = +? ORDER BY f.position",
      )
      .all(id);
    return { contact: contact(r), values };
  }

  /** The contact's one search document, replacing any earlier one (deletes go by trigger with the contact). */
  writeDoc(id: number, doc: string): void {
    this.db.query("INSERT OR REPLACE INTO contacts_fts (rowid, doc) VALUES (?, ?)").run(id, doc);
  }

  deleteDoc(id: number): void {
    this.db.query("DELETE FROM contacts_fts WHERE rowid = ?").run(id);
  }

  /**
   * A numbered page of the list, people who wrote last first. A search that
   * matches few contacts is driven by the full-text index (its matches, sorted);
   * one that matches many walks the list's index in order and stops at the page,
   * which is cheaper than sorting thousands of matches.
   */
  page(companyId: number, f: ContactFilter & { fts?: string | null }, displayFieldId: number | null, limit: number, offset: number): { rows: ContactListItem[]; total: number } {
    const { where, params } = this.where(companyId, f);
    const total = this.db.query<{ n: number }, Params>(`SELECT COUNT(*) AS n FROM contacts c WHERE ${where}`).get(params)!.n;
    const bySearch = !!f.fts && total <= SEARCH_DRIVEN_MAX;
    const from = bySearch
      ? `contacts_fts CROSS JOIN contacts c ON c.id = contacts_fts.rowid WHERE contacts_fts MATCH $fts AND ${this.where(companyId, { ...f, fts: null }).where}`
      : `contacts c WHERE ${where}`;
    const rows = this.db
      .query<ListRow, Params>(
        `SELECT ${COLUMNS}, (SELECT value FROM contact_values WHERE contact_id = c.id AND field_id = +$display) AS displayValue,
           ${TAGS_JSON} AS tags, ${PLUGINS} AS plugins
         FROM ${from} ORDER BY c.last_contact_at DESC, c.id DESC LIMIT +$limit OFFSET +$offset`,
      )
      .all({ ...params, display: displayFieldId ?? 0, limit, offset })
      .map(listItem);
    return { rows, total };
  }

  /** Keyset pages in id order (the API's cursor, the export's batches). */
  after(companyId: number, f: ContactFilter & { fts?: string | null }, afterId: number, limit: number): ContactListItem[] {
    const { where, params } = this.where(companyId, f);
    return this.db
      .query<ListRow, Params>(
        `SELECT ${COLUMNS}, NULL AS displayValue, ${TAGS_JSON} AS tags, ${PLUGINS} AS plugins
         FROM contacts c WHERE ${where} AND c.id > $after ORDER BY c.id LIMIT +$limit`,
      )
      .all({ ...params, after: afterId, limit })
      .map(listItem);
  }

  /** Field values of many contacts at once (API pages, export batches). */
  valuesOf(ids: number[]): Map<number, Map<number, string>> {
    const out = new Map<number, Map<number, string>>();
    if (ids.length === 0) return out;
    const rows = this.db
      .query<{ contactId: number; fieldId: number; value: string }, [string]>(
        "SELECT contact_id AS contactId, field_id AS fieldId, value FROM contact_values WHERE contact_id IN (SELECT value FROM json_each(?))",
      )
      .all(JSON.stringify(ids));
    for (const r of rows) {
      let m = out.get(r.contactId);
      if (!m) out.set(r.contactId, (m = new Map()));
      m.set(r.fieldId, r.value);
    }
    return out;
  }

  /** Identities of many contacts at once. */
  identitiesOf(ids: number[]): Map<number, { channelId: number; externalId: string }[]> {
    const out = new Map<number, { channelId: number; externalId: string }[]>();
    if (ids.length === 0) return out;
    const rows = this.db
      .query<{ contactId: number; channelId: number; externalId: string }, [string]>(
        "SELECT contact_id AS contactId, channel_id AS channelId, external_id AS externalId FROM contact_identities WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY created_at",
      )
      .all(JSON.stringify(ids));
    for (const r of rows) {
      const list = out.get(r.contactId) ?? [];
      list.push({ channelId: r.channelId, externalId: r.externalId });
      out.set(r.contactId, list);
    }
    return out;
  }

  /** Likely the same person: another contact with the same phone or e-mail. */
  duplicates(companyId: number, id: number, phone: string | null, email: string | null): Contact[] {
    if (!phone && !email) return [];
    return this.db
      .query<Row, [number, number, string | null, string | null]>(
        `SELECT ${COLUMNS} FROM contacts c WHERE c.company_id = +?1 AND c.id <> ?2
           AND ((?3 IS NOT NULL AND c.phone = +?3) OR (?4 IS NOT NULL AND c.email = +?4 COLLATE NOCASE)) ORDER BY c.id LIMIT 10`,
      )
      .all(companyId, id, phone, email)
      .map(contact);
  }

  /** The externally visible id of the person on a channel: where replies go. */
  externalIdFor(contactId: number, channelId: number): string | null {
    return (
      this.db
        .query<{ externalId: string }, [number, number]>("SELECT external_id AS externalId FROM contact_identities WHERE contact_id = ? AND channel_id = ?")
        .get(contactId, channelId)?.externalId ?? null
    );
  }

  private where(companyId: number, f: ContactFilter & { fts?: string | null }): { where: string; params: Params } {
    const where = ["c.company_id = +$company"];
    const params: Params = { company: companyId };
    if (f.fts) {
      where.push("c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $fts)");
      params.fts = f.fts;
    }
    if (f.tagId !== undefined) {
      where.push("c.id IN (SELECT contact_id FROM contact_tags WHERE tag_id = +$tag)");
      params.tag = f.tagId;
    }
    if (f.channelId !== undefined) {
      where.push("c.id IN (SELECT contact_id FROM contact_identities WHERE channel_id = +$channel)");
      params.channel = f.channelId;
    }
    (f.conditions ?? []).forEach((cond, i) => {
      const field = `$f${i}`;
      const value = `$v${i}`;
      params[`f${i}`] = cond.field.id;
      const test =
        cond.op === "eq"
          ? `value = ${value} COLLATE NOCASE`
          : cond.op === "contains"
            ? `value LIKE ${value} ESCAPE '\\'`
            : `value_num ${cond.op === "before" ? "<" : ">"} ${value}`;
      params[`v${i}`] = cond.op === "contains" ? `%${cond.value.replace(/[%_\\]/g, (m) => `\\${m}`)}%` : cond.op === "eq" ? cond.value : (cond.num ?? 0);
      where.push(`c.id IN (SELECT contact_id FROM contact_values WHERE field_id = ${field} AND ${test})`);
    });
    if (f.noOpenConversation) where.push("NOT EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = c.id AND v.status <> 'closed')");
    return { where: where.join(" AND "), params };
  }
}

function listItem(r: ListRow): ContactListItem {
  return {
    ...contact(r),
    displayValue: r.displayValue,
    tags: JSON.parse(r.tags) as TagRef[],
    plugins: r.plugins ? r.plugins.split(",") : [],
  };
}
