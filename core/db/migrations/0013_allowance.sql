-- A monthly free allowance per phone number (channel) on a rate: the first N
-- billable messages of a kind in the company's month cost nothing.
ALTER TABLE rates ADD COLUMN free_per_month INTEGER NOT NULL DEFAULT 0;
-- How much of each channel's allowance a month has used (one row per channel, kind and month).
CREATE TABLE usage_allowance (
  channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  month       TEXT NOT NULL,
  used        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (channel_id, kind, month)
) WITHOUT ROWID;
