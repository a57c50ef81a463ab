-- The webhook path asks "the latest conversation of this contact on this channel"
-- for every message: with id in the index it is read in order, without a sort.
DROP INDEX conversations_contact;
CREATE INDEX conversations_contact ON conversations (contact_id, channel_id, id);
