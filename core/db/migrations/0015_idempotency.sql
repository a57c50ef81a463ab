-- Idempotency-Key on the API's POSTs: the first answer to a key, per company and
-- token, kept for 24 hours so a retried request replays it instead of acting twice.
-- `status` is NULL while that first request is still running.
CREATE TABLE idempotency_keys (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  token_id     INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
  key          TEXT NOT NULL,
  -- sha256 of the method, path, query and body: the same key with another request is refused.
  fingerprint  TEXT NOT NULL,
  status       INTEGER,
  body         TEXT,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  UNIQUE (company_id, token_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Keyset pages of the API (`WHERE company_id = ? AND id > ? ORDER BY id`) walk these
-- instead of sorting a company's rows: lists stay as fast at 100k rows as at 10.
CREATE INDEX users_company_id ON users (company_id, id);
CREATE INDEX queues_company_id ON queues (company_id, id);
CREATE INDEX tags_company_id ON tags (company_id, id);
CREATE INDEX canned_responses_company_id ON canned_responses (company_id, id);
CREATE INDEX bot_programs_company_id ON bot_programs (company_id, id);
-- Usage charges and recharges by kind in id order (recharges are few among many charges).
CREATE INDEX ledger_kind_id ON ledger_entries (company_id, kind, id);
