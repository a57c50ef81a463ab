-- Outbound webhooks: admins subscribe URLs to events; every event for a
-- subscription becomes a delivery row (the outbox), sent in order per
-- conversation, retried for 24 h, and logged attempt by attempt.

CREATE TABLE webhook_subscriptions (
  id             INTEGER PRIMARY KEY,
  company_id     INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  url            TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  -- JSON array of event names.
  events         TEXT NOT NULL,
  -- HMAC key, sealed with the master secret (it must be read back to sign).
  secret_sealed  TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  -- 'failing' (paused by Charla after 24 h of failures) or 'manual'.
  paused_reason  TEXT,
  paused_at      INTEGER,
  -- First failure since the last success; cleared by a success.
  failing_since  INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX webhook_subscriptions_company ON webhook_subscriptions (company_id, id);

CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY,
  -- The id receivers see (body "id", X-Charla-Delivery): random, so it says nothing about volumes.
  uid              TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
  subscription_id  INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  company_id       INTEGER NOT NULL,
  event            TEXT NOT NULL,
  -- Deliveries with the same key go one after another ('c:<conversation>', 'k:<contact>').
  order_key        TEXT NOT NULL,
  -- The event's data, as JSON; the body is composed from it the same way on every attempt.
  data             TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  -- Retries stop here (24 h after the event, or after a resume or a redeliver).
  expires_at       INTEGER NOT NULL,
  sending_since    INTEGER,
  last_status      INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  finished_at      INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_head ON webhook_deliveries (subscription_id, order_key, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE finished_at IS NOT NULL;

-- Every request made: the delivery log.
CREATE TABLE webhook_attempts (
  id               INTEGER PRIMARY KEY,
  delivery_id      INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  subscription_id  INTEGER NOT NULL,
  attempt          INTEGER NOT NULL,
  at               INTEGER NOT NULL,
  -- HTTP status, or NULL when no answer came (timeout, refused connection).
  status_code      INTEGER,
  latency_ms       INTEGER NOT NULL,
  error            TEXT
);
CREATE INDEX webhook_attempts_log ON webhook_attempts (subscription_id, id);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);

-- The balance falling under the admins' threshold is only visible inside the
-- ledger's own transaction (a trigger keeps companies.balance), so the event is
-- queued here, in that same transaction, for every subscription that wants it.
CREATE TRIGGER webhook_balance_low AFTER UPDATE OF balance ON companies
WHEN new.low_balance_threshold IS NOT NULL AND old.balance >= new.low_balance_threshold AND new.balance < new.low_balance_threshold
BEGIN
  INSERT INTO webhook_deliveries (subscription_id, company_id, event, order_key, data, next_attempt_at, expires_at, created_at)
  SELECT s.id, new.id, 'balance.low', 'balance',
         json_object('balance', new.balance, 'currency', new.currency, 'threshold', new.low_balance_threshold),
         0, CAST(unixepoch('subsec') * 1000 AS INTEGER) + 86400000, CAST(unixepoch('subsec') * 1000 AS INTEGER)
  FROM webhook_subscriptions s
  WHERE s.company_id = new.id AND s.status = 'active' AND EXISTS (SELECT 1 FROM json_each(s.events) WHERE value = 'balance.low');
END;
