-- Tenancy, people and queues: the base every later feature hangs from.
-- Times are UTC epoch milliseconds.

CREATE TABLE companies (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  slug        TEXT NOT NULL UNIQUE,
  country     TEXT NOT NULL,
  time_zone   TEXT NOT NULL,
  currency    TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL
);
CREATE INDEX companies_name ON companies (name COLLATE NOCASE, id);

-- Operators (platform staff) have no company; everyone else belongs to exactly one.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  company_id    INTEGER REFERENCES companies (id) ON DELETE CASCADE,
  username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('operator', 'admin', 'supervisor', 'agent')),
  extension     TEXT,
  language      TEXT NOT NULL DEFAULT 'es' CHECK (language IN ('es', 'en')),
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  CHECK ((role = 'operator') = (company_id IS NULL))
);
CREATE INDEX users_company ON users (company_id, username);

CREATE TABLE queues (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name        TEXT NOT NULL COLLATE NOCASE,
  created_at  INTEGER NOT NULL,
  UNIQUE (company_id, name)
);

CREATE TABLE user_queues (
  user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  queue_id  INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, queue_id)
) WITHOUT ROWID;
CREATE INDEX user_queues_queue ON user_queues (queue_id, user_id);

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of the
-- database file does not hand out live sessions.
CREATE TABLE sessions (
  id                 TEXT PRIMARY KEY,
  user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  active_company_id  INTEGER REFERENCES companies (id) ON DELETE SET NULL,
  created_at         INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  company_id    INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  prefix        TEXT NOT NULL,
  token_hash    TEXT NOT NULL UNIQUE,
  scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);
CREATE INDEX api_tokens_company ON api_tokens (company_id, id);
