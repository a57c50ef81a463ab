-- Message text goes into the full-text index right after the commit that stores the
-- message instead of inside it (a webhook's 200 waits for less), and the index knows
-- each message's company (a search matches inside one company instead of matching in
-- all of them and filtering after: 8.6 ms for a common word at 1M messages).

-- What waits for the index: one row per message with text, written by a trigger in the
-- message's own transaction. A committed message is therefore indexed or pending, never
-- neither; a search indexes what is pending first (ConversationRepository.list).
CREATE TABLE messages_fts_pending (
  message_id  INTEGER PRIMARY KEY
);

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, company_id, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
-- An erased person's words leave the index's pages too (as in 0007).
INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER messages_fts_pending_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
  INSERT INTO messages_fts_pending (message_id) VALUES (new.id);
END;
-- Out of the index if it got there; out of the queue if it had not yet.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text, company_id) SELECT 'delete', old.id, old.text, old.company_id
    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_id = old.id);
  DELETE FROM messages_fts_pending WHERE message_id = old.id;
END;

-- The messages there are already go into the new index the same way, after start-up.
INSERT INTO messages_fts_pending (message_id) SELECT id FROM messages WHERE text IS NOT NULL;
