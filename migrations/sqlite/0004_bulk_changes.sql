-- Bulk changes to licences from an uploaded CSV file: realizing resources replaced, or end users
-- assigned, one line of the file per licence. A file is checked line by line and kept as a
-- preview; once an operator applies it, the bulk worker makes each ready line's change (with its
-- own audit entry and event to Orange, as the single-licence forms do) and records the outcome,
-- so that an interrupted run resumes where it stopped. lease_until keeps two instances from
-- working on the same file at once.
CREATE TABLE bulk_changes (
    id               TEXT PRIMARY KEY NOT NULL,          -- blk_...
    kind             TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    state            TEXT NOT NULL,
    rows_total       INTEGER NOT NULL,
    rows_ready       INTEGER NOT NULL,
    uploaded_by_id   TEXT,
    uploaded_by      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    applied_by_id    TEXT,
    applied_by       TEXT,
    apply_request_id TEXT,
    apply_started_at TEXT,
    finished_at      TEXT,
    lease_until      TEXT,
    CONSTRAINT bulk_changes_kind_check CHECK (kind IN ('resources', 'end_users')),
    CONSTRAINT bulk_changes_state_check CHECK (state IN ('previewed', 'applying', 'applied', 'discarded'))
);
CREATE INDEX bulk_changes_created_at_idx ON bulk_changes (created_at, id);
CREATE INDEX bulk_changes_applying_idx ON bulk_changes (id) WHERE state = 'applying';

CREATE TABLE bulk_change_rows (
    bulk_id     TEXT NOT NULL,
    line        INTEGER NOT NULL,                        -- the line in the file (the header is 1)
    licence_ref TEXT NOT NULL,                           -- as written: a licence id or a login
    licence_id  TEXT,                                    -- the licence it names, when found
    change      TEXT NOT NULL,                           -- JSON: what the line asks for
    status      TEXT NOT NULL,
    problem     TEXT,                                    -- JSON: why not ready, refused or unchanged
    events      INTEGER NOT NULL DEFAULT 0,              -- events to Orange the change queued
    done_at     TEXT,
    CONSTRAINT bulk_change_rows_pkey PRIMARY KEY (bulk_id, line),
    CONSTRAINT bulk_change_rows_bulk_id_fkey FOREIGN KEY (bulk_id) REFERENCES bulk_changes (id) ON DELETE CASCADE,
    CONSTRAINT bulk_change_rows_status_check CHECK (status IN ('ready', 'unchanged', 'invalid', 'applied', 'refused'))
);
CREATE INDEX bulk_change_rows_status_idx ON bulk_change_rows (bulk_id, status, line);
