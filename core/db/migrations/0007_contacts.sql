-- Contacts as a first-class part of the panel: the company's field template,
-- coloured tags, notes, blocking, merges, imports, and an append-only audit log.

ALTER TABLE contacts ADD COLUMN email TEXT;
-- Messages of a blocked contact are stored but open nothing for routing.
ALTER TABLE contacts ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
-- Last message from the person (any channel), for the list's "último contacto".
ALTER TABLE contacts ADD COLUMN last_contact_at INTEGER;
UPDATE contacts SET last_contact_at = (SELECT MAX(last_inbound_at) FROM conversations WHERE contact_id = contacts.id);
-- The list shows the people who wrote last first (those who never wrote, newest last).
CREATE INDEX contacts_list ON contacts (company_id, last_contact_at DESC, id DESC);
CREATE INDEX contacts_phone ON contacts (company_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX contacts_email ON contacts (company_id, email COLLATE NOCASE) WHERE email IS NOT NULL;

-- The company's contact template ("Plantilla"). A removed field keeps its values
-- (deleted_at set) until they are erased; values hang from the field id, so renaming
-- a label or a key never loses them.
CREATE TABLE contact_fields (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  label       TEXT NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('text', 'number', 'email', 'phone', 'date', 'choice', 'id_document')),
  required    INTEGER NOT NULL DEFAULT 0,
  -- Choices of a single-choice field (JSON array of strings).
  options     TEXT,
  -- Range of a number field.
  min_value   REAL,
  max_value   REAL,
  -- Shown in the list's "CAMPO PLANTILLA" column.
  display     INTEGER NOT NULL DEFAULT 0,
  position    INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  deleted_at  INTEGER
);
CREATE UNIQUE INDEX contact_fields_key ON contact_fields (company_id, key) WHERE deleted_at IS NULL;
CREATE INDEX contact_fields_company ON contact_fields (company_id, position);

CREATE TABLE contact_values (
  contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  field_id    INTEGER NOT NULL REFERENCES contact_fields (id) ON DELETE CASCADE,
  value       TEXT NOT NULL,
  -- Numbers and dates (epoch days) in a sortable form, for range filters.
  value_num   REAL,
  PRIMARY KEY (contact_id, field_id)
) WITHOUT ROWID;
CREATE INDEX contact_values_field ON contact_values (field_id, value COLLATE NOCASE, contact_id);
CREATE INDEX contact_values_num ON contact_values (field_id, value_num, contact_id) WHERE value_num IS NOT NULL;

CREATE TABLE tags (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  color       TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags (company_id, name COLLATE NOCASE);

CREATE TABLE contact_tags (
  contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (contact_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX contact_tags_tag ON contact_tags (tag_id, contact_id);

-- Private notes of agents about the person.
CREATE TABLE contact_notes (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  author_name TEXT NOT NULL,
  text        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, id);

-- The search box: name, phone digits (international and national), email and
-- field values, one document per contact, rewritten with every change.
-- Every document starts with the token zzc<company id>, so a search intersects with
-- the company's own contacts inside the index. A phone is indexed as all its digit
-- suffixes, so a prefix query finds a number by any part of it ("300 111", "2233").
CREATE VIRTUAL TABLE contacts_fts USING fts5 (doc, tokenize = 'unicode61 remove_diacritics 2');
-- Erasure must leave nothing behind: deleted entries leave the index itself, not just its results.
INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('secure-delete', 1);
-- However a contact goes (erased, merged away, its company deleted), its document goes too.
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN DELETE FROM contacts_fts WHERE rowid = old.id; END;
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);

-- Who merged what into whom (the merged contact is gone; this line stays).
CREATE TABLE contact_merges (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  survivor_id  INTEGER NOT NULL,
  merged_id    INTEGER NOT NULL,
  by_user_id   INTEGER,
  by_name      TEXT NOT NULL,
  details      TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX contact_merges_survivor ON contact_merges (company_id, survivor_id);

-- CSV imports, with their progress and per-row report.
CREATE TABLE import_jobs (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  status       TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  dry_run      INTEGER NOT NULL,
  duplicates   TEXT NOT NULL CHECK (duplicates IN ('merge', 'skip')),
  total        INTEGER NOT NULL DEFAULT 0,
  processed    INTEGER NOT NULL DEFAULT 0,
  created      INTEGER NOT NULL DEFAULT 0,
  updated      INTEGER NOT NULL DEFAULT 0,
  skipped      INTEGER NOT NULL DEFAULT 0,
  errors       TEXT NOT NULL DEFAULT '[]',
  failure      TEXT,
  created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  finished_at  INTEGER
);
CREATE INDEX import_jobs_company ON import_jobs (company_id, id);

-- What admins and the operator did: who, what, when (never secrets or message content). Append-only.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  -- No foreign key: the log outlives what it names (an erased contact, a deleted company).
  company_id   INTEGER,
  actor_id     INTEGER,
  actor_name   TEXT NOT NULL,
  action       TEXT NOT NULL,
  target_type  TEXT NOT NULL,
  target_id    INTEGER,
  details      TEXT,
  created_at   INTEGER NOT NULL
);
CREATE INDEX audit_log_company ON audit_log (company_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- WhatsApp senders are identified by their number: it becomes the contact's phone (E.164).
UPDATE contacts SET phone = '+' || (
    SELECT i.external_id FROM contact_identities i JOIN channels ch ON ch.id = i.channel_id
    WHERE i.contact_id = contacts.id AND ch.plugin_id = 'whatsapp-cloud' AND i.external_id GLOB '[1-9]*' AND i.external_id NOT GLOB '*[^0-9]*' LIMIT 1)
  WHERE phone IS NULL AND EXISTS (
    SELECT 1 FROM contact_identities i JOIN channels ch ON ch.id = i.channel_id
    WHERE i.contact_id = contacts.id AND ch.plugin_id = 'whatsapp-cloud' AND i.external_id GLOB '[1-9]*' AND i.external_id NOT GLOB '*[^0-9]*');

-- Documents for the contacts already there (the same shape contact-search-doc.ts writes).
INSERT INTO contacts_fts (rowid, doc)
  SELECT c.id, 'zzc' || c.company_id || ' ' || c.name || COALESCE(' ' || (
      WITH RECURSIVE k (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20)
      SELECT group_concat(substr(d.digits, k.i), ' ') FROM k,
        (SELECT REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(c.phone, '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS digits) d
      WHERE k.i <= length(d.digits) - 2), '')
  FROM contacts c;
