-- Channels, contacts, conversations, messages, media, outbox, presence.
-- Times are UTC epoch milliseconds.

CREATE TABLE channels (
  id                     INTEGER PRIMARY KEY,
  company_id             INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  plugin_id              TEXT NOT NULL,
  name                   TEXT NOT NULL,
  -- Non-secret settings as JSON; secret ones sealed with SecretBox (JSON inside).
  config_json            TEXT NOT NULL DEFAULT '{}',
  secrets_sealed         TEXT,
  -- Where new conversations of this channel wait for an agent.
  queue_id               INTEGER REFERENCES queues (id) ON DELETE SET NULL,
  -- A customer writing again within this many minutes of a close reopens it.
  reopen_window_minutes  INTEGER NOT NULL DEFAULT 0,
  status                 TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_attention', 'disabled')),
  status_reason          TEXT,
  created_at             INTEGER NOT NULL
);
CREATE INDEX channels_company ON channels (company_id, id);

ALTER TABLE queues ADD COLUMN strategy TEXT NOT NULL DEFAULT 'round_robin'
  CHECK (strategy IN ('round_robin', 'least_busy', 'manual'));
-- Open conversations an agent may hold in this queue; 0 = no limit.
ALTER TABLE queues ADD COLUMN max_per_agent INTEGER NOT NULL DEFAULT 0;
-- Round robin remembers who got the last one.
ALTER TABLE queues ADD COLUMN last_assignee_id INTEGER;

-- Conectado / Desconectado as the agent chose it; the live part is in memory.
ALTER TABLE users ADD COLUMN presence TEXT NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'offline'));

CREATE TABLE contacts (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name        TEXT NOT NULL DEFAULT '',
  phone       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX contacts_company ON contacts (company_id, id);

-- The customer's id on each channel (phone number, PSID, visitor id) -> contact.
CREATE TABLE contact_identities (
  channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  external_id  TEXT NOT NULL,
  contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (channel_id, external_id)
) WITHOUT ROWID;
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE conversations (
  id                  INTEGER PRIMARY KEY,
  company_id          INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  channel_id          INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  contact_id          INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  -- bot: a bot program talks; queued: waits for an agent; open: an agent has it.
  status              TEXT NOT NULL CHECK (status IN ('bot', 'queued', 'open', 'closed')),
  queue_id            INTEGER REFERENCES queues (id) ON DELETE SET NULL,
  assignee_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- The bot engine's place in its program (JSON), kept across restarts.
  bot_state           TEXT,
  last_message_at     INTEGER NOT NULL,
  last_preview        TEXT NOT NULL DEFAULT '',
  -- For messaging windows (WhatsApp 24 h, Messenger 24 h / 7 d).
  last_inbound_at     INTEGER,
  -- First customer message not yet answered by a person; NULL when answered.
  unanswered_since    INTEGER,
  unread_count        INTEGER NOT NULL DEFAULT 0,
  -- When it started waiting in its queue (oldest first); assignment and close
  -- times feed first-response and resolution figures later.
  queued_at           INTEGER,
  assigned_at         INTEGER,
  first_response_at   INTEGER,
  closed_at           INTEGER,
  closed_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
  close_note          TEXT,
  created_at          INTEGER NOT NULL
);
CREATE INDEX conversations_list ON conversations (company_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_recent ON conversations (company_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status, last_message_at DESC);
CREATE INDEX conversations_queue ON conversations (queue_id, status, last_message_at DESC);
CREATE INDEX conversations_contact ON conversations (contact_id, channel_id, status);
CREATE INDEX conversations_waiting ON conversations (queue_id, queued_at, id) WHERE status = 'queued' AND assignee_id IS NULL;
CREATE INDEX conversations_unanswered ON conversations (company_id, unanswered_since) WHERE unanswered_since IS NOT NULL;

CREATE TABLE media (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  mime_type   TEXT NOT NULL,
  filename    TEXT,
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);

-- Files live in the one database file, in 256 KiB chunks so a large one streams.
CREATE TABLE media_chunks (
  media_id  INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  data      BLOB NOT NULL,
  PRIMARY KEY (media_id, seq)
) WITHOUT ROWID;

CREATE TABLE messages (
  id               INTEGER PRIMARY KEY,
  conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  company_id       INTEGER NOT NULL,
  channel_id       INTEGER NOT NULL,
  direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  author           TEXT NOT NULL CHECK (author IN ('customer', 'agent', 'bot', 'system')),
  author_user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- text | media | location | contacts | interactive_reply | reaction | template | unsupported | event
  kind             TEXT NOT NULL,
  text             TEXT,
  -- Kind-specific JSON (location, contact cards, raw JSON of unsupported, event key + params).
  payload          TEXT,
  media_id         INTEGER REFERENCES media (id) ON DELETE SET NULL,
  reply_to_id      INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  external_id      TEXT,
  -- received | pending | sent | delivered | read | failed; never moves backwards
  status           TEXT NOT NULL,
  error            TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
-- Dedupe of inbound webhooks and lookup of outbound status updates.
CREATE UNIQUE INDEX messages_external ON messages (channel_id, direction, external_id) WHERE external_id IS NOT NULL;

-- Full-text search over message text (agents search conversations).
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Sends waiting for (or retrying through) the channel plugin.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  message_id       INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  channel_id       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);

-- Per-plugin, per-channel key-value store handed to plugins in their context.
CREATE TABLE plugin_kv (
  channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (channel_id, key)
) WITHOUT ROWID;
