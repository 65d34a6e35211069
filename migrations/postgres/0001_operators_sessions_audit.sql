-- Operators, their sessions, login throttling, the audit log and settings.
-- Conventions shared by every migration (both dialects run the same queries through sqlx's Any driver):
--   ids are TEXT with a readable prefix (opr_, aud_, ...); times are TEXT in RFC 3339 UTC with
--   milliseconds (2026-11-27T12:00:00.000Z), so they sort as text; integers are INTEGER here and
--   BIGINT in PostgreSQL (decoded as i64); there are no boolean columns (a nullable time says more).

CREATE TABLE operators (
    id            TEXT PRIMARY KEY NOT NULL,
    login         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'support')),
    password_hash TEXT NOT NULL,
    disabled_at   TEXT,
    last_login_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT operators_login_key UNIQUE (login)
);

CREATE TABLE login_failures (
    login           TEXT PRIMARY KEY NOT NULL,
    failures        BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until    TEXT
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    data        TEXT NOT NULL,
    expiry_date TEXT NOT NULL
);
CREATE INDEX sessions_expiry_date_idx ON sessions (expiry_date);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY NOT NULL,
    at          TEXT NOT NULL,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('operator', 'orange', 'system', 'cli', 'anonymous')),
    actor_id    TEXT,
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT,
    before_json TEXT,
    after_json  TEXT,
    request_id  TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_kind, actor_id, at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
