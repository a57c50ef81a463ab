-- Chatbot programs: a draft the admin edits, published versions the engine runs,
-- the channels each program answers on, and one session per conversation-in-a-program.

CREATE TABLE bot_programs (
  id                    INTEGER PRIMARY KEY,
  company_id            INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name                  TEXT NOT NULL,
  enabled               INTEGER NOT NULL DEFAULT 1,
  -- The definition being edited (JSON); publishing copies it into bot_versions.
  draft                 TEXT NOT NULL,
  published_version_id  INTEGER,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);
CREATE INDEX bot_programs_company ON bot_programs (company_id, name COLLATE NOCASE);

CREATE TABLE bot_program_channels (
  program_id  INTEGER NOT NULL REFERENCES bot_programs (id) ON DELETE CASCADE,
  channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  PRIMARY KEY (program_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX bot_program_channels_channel ON bot_program_channels (channel_id);

CREATE TABLE bot_versions (
  id            INTEGER PRIMARY KEY,
  program_id    INTEGER NOT NULL REFERENCES bot_programs (id) ON DELETE CASCADE,
  version       INTEGER NOT NULL,
  definition    TEXT NOT NULL,
  published_at  INTEGER NOT NULL,
  published_by  TEXT,
  UNIQUE (program_id, version)
);

-- A conversation running a program, on the version it started with.
CREATE TABLE bot_sessions (
  id               INTEGER PRIMARY KEY,
  company_id       INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  program_id       INTEGER NOT NULL REFERENCES bot_programs (id) ON DELETE CASCADE,
  version_id       INTEGER NOT NULL REFERENCES bot_versions (id) ON DELETE CASCADE,
  -- The engine's state (JSON).
  state            TEXT NOT NULL,
  -- The step it is on (label or priority), shown in the inbox; where it left, once ended.
  step             TEXT,
  -- Customer messages up to this id were handed to the engine (redeliveries, restarts).
  last_message_id  INTEGER NOT NULL DEFAULT 0,
  -- When to wake it (the program's timeout, a "wait" step): swept, claimed once.
  due_at           INTEGER,
  active           INTEGER NOT NULL DEFAULT 1,
  outcome          TEXT,
  started_at       INTEGER NOT NULL,
  ended_at         INTEGER
);
CREATE UNIQUE INDEX bot_sessions_running ON bot_sessions (conversation_id) WHERE active = 1;
CREATE INDEX bot_sessions_due ON bot_sessions (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX bot_sessions_program ON bot_sessions (program_id, started_at);

-- Which steps each session reached (step analytics).
CREATE TABLE bot_step_visits (
  session_id  INTEGER NOT NULL REFERENCES bot_sessions (id) ON DELETE CASCADE,
  step        TEXT NOT NULL,
  PRIMARY KEY (session_id, step)
) WITHOUT ROWID;

-- The bot step a conversation is on (NULL outside a program), for the inbox list.
ALTER TABLE conversations ADD COLUMN bot_step TEXT;

-- A conversation leaving "bot" (an agent took it, answered it, transferred or
-- finalized it) ends its program at once, whoever changed it. The runner ends its
-- own sessions first, with their real outcome, so this only catches people.
CREATE TRIGGER bot_sessions_end_with_status AFTER UPDATE OF status ON conversations
WHEN OLD.status = 'bot' AND NEW.status != 'bot'
BEGIN
  UPDATE bot_sessions SET active = 0, due_at = NULL, outcome = 'taken', ended_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
  WHERE conversation_id = NEW.id AND active = 1;
END;
