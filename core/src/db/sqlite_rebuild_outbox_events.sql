-- Rebuilds outbox_events with `cancelled` among its states (see migrations/sqlite/0007). Run by
-- `Db::migrate` on SQLite, in one transaction with foreign keys off, once: the rows, their ids and
-- every index are kept as they were.
CREATE TABLE outbox_events_rebuilt (
    id                   TEXT PRIMARY KEY NOT NULL,      -- evt_...
    event_type           TEXT NOT NULL,
    correlation_id       TEXT,                           -- Orange's reference of the cause, if any
    resource_kind        TEXT NOT NULL,
    resource_id          TEXT NOT NULL,
    ordering_key         TEXT NOT NULL,
    target               TEXT NOT NULL,
    payload_json         TEXT NOT NULL,
    state                TEXT NOT NULL,
    attempt_count        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TEXT,                           -- set while pending
    lease_owner          TEXT,
    lease_expires_at     TEXT,
    last_error           TEXT,
    last_response_status INTEGER,
    request_id           TEXT,                           -- of the request that caused it
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    delivered_at         TEXT,
    failed_at            TEXT,                           -- given up, or cancelled
    key_seq              INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT outbox_events_resource_kind_check CHECK (resource_kind IN ('productOrder', 'userService', 'customer')),
    CONSTRAINT outbox_events_target_check CHECK (target IN ('orange_product_order', 'orange_user_service', 'provisioning_webhook')),
    CONSTRAINT outbox_events_state_check CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'cancelled')),
    CONSTRAINT outbox_events_attempt_count_check CHECK (attempt_count >= 0)
);
INSERT INTO outbox_events_rebuilt (id, event_type, correlation_id, resource_kind, resource_id,
    ordering_key, target, payload_json, state, attempt_count, next_attempt_at, lease_owner,
    lease_expires_at, last_error, last_response_status, request_id, created_at, updated_at,
    delivered_at, failed_at, key_seq)
SELECT id, event_type, correlation_id, resource_kind, resource_id, ordering_key, target,
    payload_json, state, attempt_count, next_attempt_at, lease_owner, lease_expires_at,
    last_error, last_response_status, request_id, created_at, updated_at, delivered_at,
    failed_at, key_seq
FROM outbox_events;
DROP TABLE outbox_events;
ALTER TABLE outbox_events_rebuilt RENAME TO outbox_events;
CREATE INDEX outbox_events_state_created_at_idx ON outbox_events (state, created_at, id);
CREATE INDEX outbox_events_resource_idx ON outbox_events (resource_kind, resource_id, created_at, id);
CREATE INDEX outbox_events_created_at_idx ON outbox_events (created_at, id);
CREATE INDEX outbox_events_correlation_id_idx ON outbox_events (correlation_id, created_at, id)
    WHERE correlation_id IS NOT NULL;
CREATE INDEX outbox_events_lease_expires_at_idx ON outbox_events (lease_expires_at) WHERE state = 'delivering';
CREATE INDEX outbox_events_due_idx ON outbox_events (target, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_events_open_key_idx ON outbox_events (ordering_key, key_seq)
    WHERE state IN ('pending', 'delivering');
