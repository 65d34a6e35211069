-- Every state change of an event (pending -> delivering -> delivered) rewrites an entry in each of
-- the event table's indexes. Three of them no query uses any more: the claim reads
-- outbox_events_due_idx and outbox_events_open_key_idx (0005), lease renewal names the event ids
-- it holds, and per-key order is key_seq, not created_at.
DROP INDEX IF EXISTS outbox_events_state_next_attempt_at_idx;
DROP INDEX IF EXISTS outbox_events_ordering_key_idx;
DROP INDEX IF EXISTS outbox_events_lease_owner_idx;
