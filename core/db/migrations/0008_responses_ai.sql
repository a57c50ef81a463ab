-- Canned responses ("Respuestas predeterminadas") and the AI (ChatGPT) settings,
-- per-channel AI mode, and the accounting of every AI call.

CREATE TABLE canned_responses (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  key         TEXT NOT NULL,
  -- The key as matched: lower case, without accents, punctuation or spaces at the ends.
  key_norm    TEXT NOT NULL,
  text        TEXT NOT NULL,
  -- FINALIZAR: sending it finalizes the conversation.
  finalize    INTEGER NOT NULL DEFAULT 0,
  -- AUTOMÁTICO: a customer message equal to the key is answered with it.
  automatic   INTEGER NOT NULL DEFAULT 0,
  media_id    INTEGER REFERENCES media (id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX canned_responses_key ON canned_responses (company_id, key_norm);
CREATE INDEX canned_responses_name ON canned_responses (company_id, name COLLATE NOCASE);

-- A response limited to some queues (none listed: every queue).
CREATE TABLE canned_response_queues (
  response_id  INTEGER NOT NULL REFERENCES canned_responses (id) ON DELETE CASCADE,
  queue_id     INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  PRIMARY KEY (response_id, queue_id)
) WITHOUT ROWID;

-- One automatic answer per customer message, whatever redelivers it.
CREATE TABLE auto_replies (
  message_id   INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  response_id  INTEGER,
  created_at   INTEGER NOT NULL
);

-- The company's AI provider settings; the API key is sealed (SecretBox).
CREATE TABLE ai_settings (
  company_id           INTEGER PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  enabled              INTEGER NOT NULL DEFAULT 0,
  provider             TEXT NOT NULL DEFAULT 'chatgpt',
  base_url             TEXT NOT NULL DEFAULT 'https://api.openai.com/v1',
  model                TEXT NOT NULL DEFAULT 'gpt-4o-mini',
  api_key_sealed       TEXT,
  instructions         TEXT NOT NULL DEFAULT '',
  knowledge            TEXT NOT NULL DEFAULT '',
  include_responses    INTEGER NOT NULL DEFAULT 0,
  temperature          REAL NOT NULL DEFAULT 0.3,
  max_tokens           INTEGER NOT NULL DEFAULT 400,
  monthly_token_budget INTEGER NOT NULL DEFAULT 0,
  -- After this many AI answers in a conversation it goes to a person.
  max_turns            INTEGER NOT NULL DEFAULT 6,
  handoff_message      TEXT NOT NULL DEFAULT '',
  updated_at           INTEGER NOT NULL
);

-- When the AI answers customers first on a channel: never, always, or when nobody of its queue is online.
ALTER TABLE channels ADD COLUMN ai_mode TEXT NOT NULL DEFAULT 'off' CHECK (ai_mode IN ('off', 'always', 'no_agents'));
-- AI answers so far in this conversation (hand-off after the setting's maximum).
ALTER TABLE conversations ADD COLUMN ai_turns INTEGER NOT NULL DEFAULT 0;

-- Every call to the AI provider: tokens, model and latency, for the budget and for billing.
CREATE TABLE ai_calls (
  id                 INTEGER PRIMARY KEY,
  company_id         INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  conversation_id    INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('answer', 'suggest', 'summarize', 'test')),
  model              TEXT NOT NULL,
  prompt_tokens      INTEGER NOT NULL DEFAULT 0,
  completion_tokens  INTEGER NOT NULL DEFAULT 0,
  latency_ms         INTEGER NOT NULL,
  outcome            TEXT NOT NULL CHECK (outcome IN ('ok', 'handoff', 'error')),
  error              TEXT,
  created_at         INTEGER NOT NULL
);
CREATE INDEX ai_calls_company ON ai_calls (company_id, created_at);
