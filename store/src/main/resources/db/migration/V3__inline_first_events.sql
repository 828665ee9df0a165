-- The first, non-final events of a message (ACCEPTED, ROUTED) are kept in its row, encoded by
-- io.mgw.store.InlineEvents, instead of one message_events row each: two rows and index entries fewer per message.
-- Final events stay in message_events. NULL for rows written before this column existed (their events are all in
-- message_events).
ALTER TABLE messages ADD COLUMN first_events BYTEA;
