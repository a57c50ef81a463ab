-- What the first hour of a new business needs from the data: one message per
-- composer submission, transfers that do not bounce back, passwords changed after
-- an admin's reset.

-- The composer's submission id: a double click or a resend of the same form stores
-- one message, not two.
ALTER TABLE messages ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX messages_submission ON messages (conversation_id, submission_key) WHERE submission_key IS NOT NULL;

-- Who handed this conversation back to its queue: routing gives it to someone else.
ALTER TABLE conversations ADD COLUMN avoid_assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- Set by an admin's password reset: the user picks their own at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
