-- What the WhatsApp and Messenger channels need: failure classes on messages,
-- message templates per channel, and downloads of inbound media.

-- One of SEND_ERROR_CODES (outside_window, undeliverable...) when known; the
-- panel explains it in the agent's language, `error` keeps the provider's words.
ALTER TABLE messages ADD COLUMN error_code TEXT;

CREATE TABLE channel_templates (
  channel_id       INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  language         TEXT NOT NULL,
  category         TEXT NOT NULL,
  status           TEXT NOT NULL,
  body             TEXT NOT NULL,
  parameter_count  INTEGER NOT NULL,
  raw              TEXT NOT NULL,
  synced_at        INTEGER NOT NULL,
  PRIMARY KEY (channel_id, name, language)
) WITHOUT ROWID;

ALTER TABLE channels ADD COLUMN templates_synced_at INTEGER;

-- Inbound media waiting to be fetched from the provider (its links expire fast,
-- so this runs right after the webhook commits, and retries with backoff).
CREATE TABLE media_fetches (
  message_id       INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  channel_id       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT
);
CREATE INDEX media_fetches_due ON media_fetches (next_attempt_at);
