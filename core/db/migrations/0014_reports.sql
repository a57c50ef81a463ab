-- Reports read rollups the database keeps in the same transaction as each event
-- (a message stored, a conversation opened, answered, handed off or finalized),
-- so the dashboard never scans messages. Triggers, so no write path can forget one.

-- When the conversation's current cycle began: created, or reopened.
ALTER TABLE conversations ADD COLUMN opened_at INTEGER;
UPDATE conversations SET opened_at = created_at;

-- Activity per company, channel and quarter hour (UTC epoch ms of its start): the
-- days and hours of any time zone (+05:45 too) are exact sums of whole buckets.
-- No foreign key on the channel: a removed channel's history still counts.
CREATE TABLE activity_rollups (
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  bucket      INTEGER NOT NULL,
  channel_id  INTEGER NOT NULL,
  received    INTEGER NOT NULL DEFAULT 0,
  sent        INTEGER NOT NULL DEFAULT 0,
  opened      INTEGER NOT NULL DEFAULT 0,
  closed      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (company_id, bucket, channel_id)
) WITHOUT ROWID;
-- The operator's view of every company at once.
CREATE INDEX activity_rollups_bucket ON activity_rollups (bucket);

-- One row per cycle of a conversation (opened or reopened → finalized) with the
-- times the response-time figures need. Kept when the conversation is erased:
-- it holds no personal data, and last month's figures must not change.
CREATE TABLE conversation_cycles (
  id                 INTEGER PRIMARY KEY,
  company_id         INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  conversation_id    INTEGER NOT NULL,
  channel_id         INTEGER NOT NULL,
  queue_id           INTEGER,
  agent_id           INTEGER,
  -- Started with a bot (a program or the AI); `handoff`: why it went to a person
  -- ('bot', or 'ai.<reason>'); contained = via_bot, finalized, no handoff, no person answered.
  via_bot            INTEGER NOT NULL DEFAULT 0,
  handoff            TEXT,
  opened_at          INTEGER NOT NULL,
  first_response_at  INTEGER,
  closed_at          INTEGER
);
-- Covering indexes: the time figures read these columns only, straight from the index.
CREATE INDEX cycles_first_response ON conversation_cycles (company_id, first_response_at, opened_at, queue_id, agent_id) WHERE first_response_at IS NOT NULL;
CREATE INDEX cycles_closed ON conversation_cycles (company_id, closed_at, opened_at, queue_id, agent_id) WHERE closed_at IS NOT NULL;
CREATE INDEX cycles_bot ON conversation_cycles (company_id, closed_at, handoff, first_response_at) WHERE via_bot = 1;
CREATE INDEX cycles_handoff ON conversation_cycles (company_id, closed_at, handoff) WHERE handoff IS NOT NULL;
CREATE INDEX cycles_current ON conversation_cycles (conversation_id) WHERE closed_at IS NULL;

CREATE TRIGGER rollup_received AFTER INSERT ON messages WHEN new.author = 'customer'
BEGIN
  INSERT INTO activity_rollups (company_id, bucket, channel_id, received) VALUES (new.company_id, new.created_at - new.created_at % 900000, new.channel_id, 1)
  ON CONFLICT DO UPDATE SET received = received + 1;
END;

CREATE TRIGGER rollup_sent AFTER INSERT ON messages WHEN new.direction = 'out' AND new.author IN ('agent', 'bot')
BEGIN
  INSERT INTO activity_rollups (company_id, bucket, channel_id, sent) VALUES (new.company_id, new.created_at - new.created_at % 900000, new.channel_id, 1)
  ON CONFLICT DO UPDATE SET sent = sent + 1;
END;

CREATE TRIGGER cycle_handoff AFTER INSERT ON messages WHEN new.author = 'system' AND new.kind = 'event' AND json_extract(new.payload, '$.event') IN ('ai_handoff', 'bot_handoff')
BEGIN
  UPDATE conversation_cycles SET handoff = CASE json_extract(new.payload, '$.event') WHEN 'ai_handoff' THEN 'ai.' || json_extract(new.payload, '$.reason') ELSE 'bot' END
  WHERE conversation_id = new.conversation_id AND closed_at IS NULL AND handoff IS NULL;
END;

CREATE TRIGGER cycle_started AFTER INSERT ON conversations WHEN new.status <> 'closed'
BEGIN
  INSERT INTO activity_rollups (company_id, bucket, channel_id, opened) VALUES (new.company_id, new.created_at - new.created_at % 900000, new.channel_id, 1)
  ON CONFLICT DO UPDATE SET opened = opened + 1;
  INSERT INTO conversation_cycles (company_id, conversation_id, channel_id, queue_id, via_bot, opened_at)
  VALUES (new.company_id, new.id, new.channel_id, new.queue_id, new.status = 'bot', new.created_at);
END;

CREATE TRIGGER cycle_reopened AFTER UPDATE OF status ON conversations WHEN old.status = 'closed' AND new.status <> 'closed'
BEGIN
  INSERT INTO activity_rollups (company_id, bucket, channel_id, opened) VALUES (new.company_id, new.opened_at - new.opened_at % 900000, new.channel_id, 1)
  ON CONFLICT DO UPDATE SET opened = opened + 1;
  INSERT INTO conversation_cycles (company_id, conversation_id, channel_id, queue_id, via_bot, opened_at)
  VALUES (new.company_id, new.id, new.channel_id, new.queue_id, new.status = 'bot', new.opened_at);
END;

-- A person answered for the first time in this cycle (the conversation's own rule: what clears "unanswered").
CREATE TRIGGER cycle_first_response AFTER UPDATE OF first_response_at ON conversations WHEN old.first_response_at IS NULL AND new.first_response_at IS NOT NULL
BEGIN
  UPDATE conversation_cycles SET first_response_at = new.first_response_at, queue_id = new.queue_id, agent_id = new.assignee_id
  WHERE conversation_id = new.id AND closed_at IS NULL;
END;

CREATE TRIGGER cycle_closed AFTER UPDATE OF status ON conversations WHEN new.status = 'closed' AND old.status <> 'closed'
BEGIN
  INSERT INTO activity_rollups (company_id, bucket, channel_id, closed) VALUES (new.company_id, new.closed_at - new.closed_at % 900000, new.channel_id, 1)
  ON CONFLICT DO UPDATE SET closed = closed + 1;
  UPDATE conversation_cycles SET closed_at = new.closed_at, queue_id = new.queue_id, agent_id = COALESCE(new.assignee_id, agent_id)
  WHERE conversation_id = new.id AND closed_at IS NULL;
END;

-- History from before this version: what the rows still tell.
INSERT INTO activity_rollups (company_id, bucket, channel_id, received, sent)
SELECT company_id, created_at - created_at % 900000, channel_id, SUM(author = 'customer'), SUM(direction = 'out' AND author IN ('agent', 'bot'))
FROM messages GROUP BY 1, 2, 3;
INSERT INTO activity_rollups (company_id, bucket, channel_id, opened)
SELECT company_id, created_at - created_at % 900000, channel_id, COUNT(*) FROM conversations WHERE true GROUP BY 1, 2, 3
ON CONFLICT DO UPDATE SET opened = opened + excluded.opened;
INSERT INTO activity_rollups (company_id, bucket, channel_id, closed)
SELECT company_id, closed_at - closed_at % 900000, channel_id, COUNT(*) FROM conversations WHERE closed_at IS NOT NULL GROUP BY 1, 2, 3
ON CONFLICT DO UPDATE SET closed = closed + excluded.closed;
INSERT INTO conversation_cycles (company_id, conversation_id, channel_id, queue_id, agent_id, opened_at, first_response_at, closed_at)
SELECT company_id, id, channel_id, queue_id, assignee_id, created_at, first_response_at, closed_at FROM conversations;
