-- The delivery engine: events of one ordering key are sent in the order of a sequence the database
-- assigns per key (key_seq), not in the order of the application clock (created_at), which differs
-- between instances. outbox_ordering_keys holds each key's last number: the row is locked by the
-- transaction that writes an event, so two transactions writing events for one key number them in
-- the order they commit.
CREATE TABLE outbox_ordering_keys (
    ordering_key TEXT PRIMARY KEY NOT NULL,
    last_seq     INTEGER NOT NULL,
    CONSTRAINT outbox_ordering_keys_last_seq_check CHECK (last_seq >= 1)
);

ALTER TABLE outbox_events ADD COLUMN key_seq INTEGER NOT NULL DEFAULT 0;

UPDATE outbox_events SET key_seq = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY ordering_key ORDER BY created_at, id) AS n
      FROM outbox_events) numbered
WHERE numbered.id = outbox_events.id;

INSERT INTO outbox_ordering_keys (ordering_key, last_seq)
SELECT ordering_key, MAX(key_seq) FROM outbox_events GROUP BY ordering_key;

-- The claim: due events of one target, and whether an earlier event of the same key is still open
-- (outbox_ordering_keys numbers each key's events; the index is not unique so that rows written
-- outside that path, such as older rows or test fixtures, still load).
CREATE INDEX outbox_events_due_idx ON outbox_events (target, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_events_open_key_idx ON outbox_events (ordering_key, key_seq)
    WHERE state IN ('pending', 'delivering');
-- Lease renewal finds an instance's claimed events.
CREATE INDEX outbox_events_lease_owner_idx ON outbox_events (lease_owner) WHERE state = 'delivering';
