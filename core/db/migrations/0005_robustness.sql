-- Sends of one conversation leave in the order they were written, and a send whose
-- request may have reached the provider is never blindly repeated.

-- The conversation of each pending send, so a later one waits while an earlier one retries.
ALTER TABLE outbox ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET conversation_id = COALESCE((SELECT conversation_id FROM messages WHERE id = outbox.message_id), 0);
CREATE INDEX outbox_conversation ON outbox (conversation_id, id);
-- Set (durably) just before a request leaves for the provider, cleared when its answer
-- is recorded. Still set after a restart: the request may have arrived.
ALTER TABLE outbox ADD COLUMN sending_since INTEGER;
-- This attempt repeats a request that may have arrived (crash or timeout mid-request).
ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;
-- Sent again after an interrupted request the provider could not confirm: the
-- customer may have received it twice (agents see a note on the bubble).
ALTER TABLE messages ADD COLUMN maybe_duplicate INTEGER NOT NULL DEFAULT 0;

-- At most one conversation going per customer and channel. Older duplicates (none
-- should exist) are closed first so the index can be built.
UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, last_message_at), unanswered_since = NULL
WHERE status <> 'closed' AND EXISTS (
  SELECT 1 FROM conversations n
  WHERE n.contact_id = conversations.contact_id AND n.channel_id = conversations.channel_id AND n.status <> 'closed' AND n.id > conversations.id
);
CREATE UNIQUE INDEX conversations_one_going ON conversations (contact_id, channel_id) WHERE status <> 'closed';

-- The channel's plugin itself failed (create or webhook handling threw), apart from
-- what the plugin reports about the account (status / status_reason). Cleared on
-- the next success; admins see either as "Requiere atención".
ALTER TABLE channels ADD COLUMN plugin_error TEXT;
