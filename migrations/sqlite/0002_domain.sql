-- The domain: what Orange sells through the partner (customers, offerings, fleets, orders, licences,
-- realizing resources, bulk tasks), the outbox that tells Orange and the provisioning webhook about
-- changes, the credentials Orange and the provisioning callback use, the raw Orange exchanges kept
-- for support, operator notes and the provisioning connector's tasks.
-- Contract: the Orange contract, orange-api.md (sections cited per table), and provisioning.md.
--
-- Same conventions as 0001 (TEXT ids with a prefix, RFC 3339 UTC millisecond times as TEXT, integers
-- INTEGER here and BIGINT in PostgreSQL, no boolean columns, JSON as TEXT), plus:
--   * Every constraint is named. Unique constraints are <table>_<col>[_<col>...]_key, with the columns
--     in the order they appear in the constraint, foreign keys <table>_<col>[_<col>...]_fkey, checks
--     <table>_<col or subject>_check, composite primary keys <table>_pkey. PostgreSQL reports these
--     names on violation. SQLite does not (sqlx's SqliteError::constraint() is None): a unique
--     violation only says "UNIQUE constraint failed: <table>.<col>, <table>.<col>", from which the
--     _key name follows mechanically (for a primary key it is <table>_pkey instead); a check
--     violation message names the check; a foreign key violation names nothing.
--   * Wire names (camelCase) are kept as values where the contract fixes them (states, actions,
--     event types); our own enums are snake_case.
--   * Lists are read with keyset pagination, so each list has an index ending in (sort column, id).
--   * Orange's externalReference ids are stored in columns named external_reference.

-- API credentials (section 2, Authentication; provisioning.md, Callback API). Orange and the
-- partner's product each authenticate with their own credentials; several may be active at once
-- (rotation). The secret is random (>= 32 bytes) and stored only as a hash: a deterministic hash
-- (e.g. SHA-256) lets "Authorization: Bearer secret" be looked up through the unique secret_hash.
CREATE TABLE api_credentials (
    id           TEXT PRIMARY KEY NOT NULL,              -- cred_...
    kind         TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT,                                   -- operator; NULL when made by the CLI
    last_used_at TEXT,
    revoked_at   TEXT,
    CONSTRAINT api_credentials_kind_check CHECK (kind IN ('orange', 'provisioning')),
    CONSTRAINT api_credentials_client_id_key UNIQUE (client_id),
    CONSTRAINT api_credentials_secret_hash_key UNIQUE (secret_hash),
    CONSTRAINT api_credentials_created_by_fkey FOREIGN KEY (created_by) REFERENCES operators (id)
);
CREATE INDEX api_credentials_kind_created_at_idx ON api_credentials (kind, created_at, id);

-- Customers created by productOrder (section 4). external_reference is Orange's customer id: a
-- second creation for the same Orange id answers with the existing customer, never a duplicate.
-- login_seq is the last number handed out to generated logins of this customer's licences
-- (incremented with UPDATE ... RETURNING, which also serialises concurrent orders of one customer).
CREATE TABLE customers (
    id                   TEXT PRIMARY KEY NOT NULL,      -- cus_...
    external_reference   TEXT NOT NULL,
    name                 TEXT NOT NULL,
    legal_id             TEXT,                           -- SIREN or SIRET
    address_street       TEXT,
    address_postcode     TEXT,
    address_city         TEXT,
    address_country      TEXT,
    characteristics_json TEXT,                           -- characteristic[] as sent
    login_seq            INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CONSTRAINT customers_external_reference_key UNIQUE (external_reference),
    CONSTRAINT customers_login_seq_check CHECK (login_seq >= 0)
);
CREATE INDEX customers_name_idx ON customers (name, id);
CREATE INDEX customers_created_at_idx ON customers (created_at, id);
CREATE INDEX customers_legal_id_idx ON customers (legal_id) WHERE legal_id IS NOT NULL;

-- Offerings catalogue, managed in the console (section 4, last paragraph). offer_code is Orange's
-- productOffering.externalReference.id. Each offering says which realizing resource its licences
-- carry and whether that is one per licence or one shared per customer (section 1), how logins look,
-- and how the partner's product is provisioned (provisioning.md; NULL: the global setting applies).
-- Offerings are retired, never deleted, since licences and orders keep pointing at them.
CREATE TABLE offerings (
    id                TEXT PRIMARY KEY NOT NULL,         -- off_...
    offer_code        TEXT NOT NULL,
    name              TEXT NOT NULL,
    resource_type     TEXT NOT NULL,
    resource_scope    TEXT NOT NULL,
    login_format      TEXT NOT NULL,                     -- template, e.g. '{customer}-{seq:4}'
    provisioning_mode TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    retired_at        TEXT,
    CONSTRAINT offerings_offer_code_key UNIQUE (offer_code),
    CONSTRAINT offerings_resource_type_check CHECK (resource_type IN ('none', 'msisdn', 'imei', 'email', 'url')),
    CONSTRAINT offerings_resource_scope_check CHECK (resource_scope IN ('per_licence', 'per_customer')),
    CONSTRAINT offerings_provisioning_mode_check CHECK (provisioning_mode IN ('none', 'manual', 'webhook'))
);
CREATE INDEX offerings_name_idx ON offerings (name, id);

-- Product orders (section 4): customer creations and licence orders. Only accepted requests are
-- stored (a rejected one is not remembered, so its reference can be reused). external_reference is
-- the idempotency key; request_hash fingerprints the body so that a retry with the same body replays
-- response_status/response_json and a different body is IDEMPOTENCY_MISMATCH. mode records whether
-- the order was answered synchronously or is completed later by an event (the setting may change
-- meanwhile). category, dates, notes and related contacts are kept to be echoed (section 4).
CREATE TABLE product_orders (
    id                    TEXT PRIMARY KEY NOT NULL,     -- ord_...
    external_reference    TEXT NOT NULL,
    request_hash          TEXT NOT NULL,
    customer_id           TEXT NOT NULL,
    mode                  TEXT NOT NULL,
    state                 TEXT NOT NULL,
    category              TEXT,
    order_date            TEXT,
    requested_start_date  TEXT,
    completed_at          TEXT,                          -- completionDate
    failure_code          TEXT,
    failure_message       TEXT,
    notes_json            TEXT,                          -- note[] as sent
    related_contacts_json TEXT,                          -- relatedContact[] as sent
    request_json          TEXT NOT NULL,
    response_status       INTEGER,
    response_json         TEXT,                          -- the first answer
    credential_id         TEXT,
    request_id            TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CONSTRAINT product_orders_external_reference_key UNIQUE (external_reference),
    CONSTRAINT product_orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT product_orders_credential_id_fkey FOREIGN KEY (credential_id) REFERENCES api_credentials (id),
    CONSTRAINT product_orders_mode_check CHECK (mode IN ('sync', 'async')),
    CONSTRAINT product_orders_state_check CHECK (state IN ('acknowledged', 'inProgress', 'completed', 'failed', 'partial')),
    CONSTRAINT product_orders_failure_code_check CHECK (failure_code IS NULL OR state IN ('failed', 'partial'))
);
CREATE INDEX product_orders_state_created_at_idx ON product_orders (state, created_at, id);
CREATE INDEX product_orders_customer_id_created_at_idx ON product_orders (customer_id, created_at, id);
CREATE INDEX product_orders_created_at_idx ON product_orders (created_at, id);

-- Customer contacts (section 4, relatedContact[]), the customer's current contacts as Orange sent
-- them; order_id says which order brought each one. Telephone numbers are stored as cc/sn pairs.
CREATE TABLE customer_contacts (
    id           TEXT PRIMARY KEY NOT NULL,              -- ctc_...
    customer_id  TEXT NOT NULL,
    order_id     TEXT,
    role         TEXT,                                   -- e.g. customerFleetManager
    given_name   TEXT,
    family_name  TEXT,
    email        TEXT,
    fixed_cc     TEXT,
    fixed_sn     TEXT,
    mobile_cc    TEXT,
    mobile_sn    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CONSTRAINT customer_contacts_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
    CONSTRAINT customer_contacts_order_id_fkey FOREIGN KEY (order_id) REFERENCES product_orders (id),
    CONSTRAINT customer_contacts_fixed_check CHECK ((fixed_cc IS NULL) = (fixed_sn IS NULL)),
    CONSTRAINT customer_contacts_mobile_check CHECK ((mobile_cc IS NULL) = (mobile_sn IS NULL))
);
CREATE INDEX customer_contacts_customer_id_idx ON customer_contacts (customer_id, created_at, id);
CREATE INDEX customer_contacts_email_idx ON customer_contacts (email) WHERE email IS NOT NULL;

-- Licence fleets (section 1, productRefId; section 4, fleet policy). The id is the productRefId.
-- policy records which fleet policy opened it; the unique constraints make concurrent orders safe:
-- one perCustomer fleet per customer, one perOffering fleet per customer and offering (offering_id
-- is set only for perOffering fleets). (id, customer_id) is unique so licences can reference both,
-- which keeps every licence in a fleet of its own customer.
CREATE TABLE fleets (
    id                  TEXT PRIMARY KEY NOT NULL,       -- flt_... (productRefId)
    customer_id         TEXT NOT NULL,
    policy              TEXT NOT NULL,
    offering_id         TEXT,
    created_by_order_id TEXT,
    created_at          TEXT NOT NULL,
    CONSTRAINT fleets_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT fleets_offering_id_fkey FOREIGN KEY (offering_id) REFERENCES offerings (id),
    CONSTRAINT fleets_created_by_order_id_fkey FOREIGN KEY (created_by_order_id) REFERENCES product_orders (id),
    CONSTRAINT fleets_id_customer_id_key UNIQUE (id, customer_id),
    CONSTRAINT fleets_customer_id_offering_id_key UNIQUE (customer_id, offering_id),
    CONSTRAINT fleets_policy_check CHECK (policy IN ('perCustomer', 'perOrder', 'perOffering')),
    CONSTRAINT fleets_offering_id_check CHECK ((offering_id IS NOT NULL) = (policy = 'perOffering'))
);
-- Partial unique index, named like a constraint: PostgreSQL reports it as fleets_customer_id_key,
-- SQLite as "fleets.customer_id".
CREATE UNIQUE INDEX fleets_customer_id_key ON fleets (customer_id) WHERE policy = 'perCustomer';
CREATE INDEX fleets_customer_id_created_at_idx ON fleets (customer_id, created_at, id);
CREATE INDEX fleets_created_at_idx ON fleets (created_at, id);

-- Order items (section 4, orderItem[]). orange_item_id is Orange's item id, echoed back. offer_code
-- is the code as sent (echoed even if the catalogue changes), offering_id the catalogue entry it
-- matched. requested_product_ref_id is productRef.id as sent; fleet_id the productRefId actually
-- used (set once the fleet is chosen).
CREATE TABLE product_order_items (
    id                       TEXT PRIMARY KEY NOT NULL,  -- itm_...
    order_id                 TEXT NOT NULL,
    position                 INTEGER NOT NULL,           -- index in orderItem[]
    orange_item_id           TEXT,
    action                   TEXT NOT NULL,
    offering_id              TEXT NOT NULL,
    offer_code               TEXT NOT NULL,
    quantity                 INTEGER NOT NULL,           -- userServiceQuantity
    requested_product_ref_id TEXT,
    fleet_id                 TEXT,
    characteristics_json     TEXT,
    state                    TEXT NOT NULL,
    failure_code             TEXT,
    failure_message          TEXT,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    CONSTRAINT product_order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES product_orders (id) ON DELETE CASCADE,
    CONSTRAINT product_order_items_offering_id_fkey FOREIGN KEY (offering_id) REFERENCES offerings (id),
    CONSTRAINT product_order_items_fleet_id_fkey FOREIGN KEY (fleet_id) REFERENCES fleets (id),
    CONSTRAINT product_order_items_order_id_position_key UNIQUE (order_id, position),
    CONSTRAINT product_order_items_action_check CHECK (action IN ('add')),
    CONSTRAINT product_order_items_quantity_check CHECK (quantity >= 1),
    CONSTRAINT product_order_items_state_check CHECK (state IN ('acknowledged', 'inProgress', 'completed', 'failed', 'partial')),
    CONSTRAINT product_order_items_failure_code_check CHECK (failure_code IS NULL OR state IN ('failed', 'partial'))
);
CREATE INDEX product_order_items_fleet_id_idx ON product_order_items (fleet_id, order_id) WHERE fleet_id IS NOT NULL;

-- userServiceTask (section 5): bulk operations, and the asynchronous single PATCH/DELETE (which
-- answer 202 with a task; origin 'single'). external_reference is optional; when present it is the
-- idempotency key (several NULLs are allowed by the unique constraint in both databases).
-- target_state is set for changeState, target_offering_id/target_offer_code for changeOffering.
CREATE TABLE user_service_tasks (
    id                 TEXT PRIMARY KEY NOT NULL,        -- tsk_...
    external_reference TEXT,
    request_hash       TEXT NOT NULL,
    origin             TEXT NOT NULL,
    action             TEXT NOT NULL,
    target_state       TEXT,
    target_offering_id TEXT,
    target_offer_code  TEXT,                             -- as sent
    mode               TEXT NOT NULL,
    state              TEXT NOT NULL,
    request_json       TEXT NOT NULL,
    response_status    INTEGER,
    response_json      TEXT,                             -- the first answer
    credential_id      TEXT,
    request_id         TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    completed_at       TEXT,
    CONSTRAINT user_service_tasks_external_reference_key UNIQUE (external_reference),
    CONSTRAINT user_service_tasks_target_offering_id_fkey FOREIGN KEY (target_offering_id) REFERENCES offerings (id),
    CONSTRAINT user_service_tasks_credential_id_fkey FOREIGN KEY (credential_id) REFERENCES api_credentials (id),
    CONSTRAINT user_service_tasks_origin_check CHECK (origin IN ('bulk', 'single')),
    CONSTRAINT user_service_tasks_action_check CHECK (
        (action = 'changeState' AND target_state IS NOT NULL AND target_offering_id IS NULL)
        OR (action = 'changeOffering' AND target_state IS NULL AND target_offering_id IS NOT NULL)
        OR (action = 'delete' AND target_state IS NULL AND target_offering_id IS NULL)
    ),
    CONSTRAINT user_service_tasks_target_state_check CHECK (target_state IN ('active', 'suspended')),
    CONSTRAINT user_service_tasks_mode_check CHECK (mode IN ('sync', 'async')),
    CONSTRAINT user_service_tasks_state_check CHECK (state IN ('acknowledged', 'inProgress', 'completed', 'partial', 'failed'))
);
CREATE INDEX user_service_tasks_state_created_at_idx ON user_service_tasks (state, created_at, id);
CREATE INDEX user_service_tasks_created_at_idx ON user_service_tasks (created_at, id);

-- Licences, Orange's userService (section 5). login and its creation date are apart from the end
-- user (a licence has a login before any end user is known; a pending licence may get its login from
-- the provisioning callback). Terminated licences are kept for history.
-- pending_*: the "operation in progress" marker. While an asynchronous order ('add') or task on the
-- licence is acknowledged but not completed, pending_operation is set and another write is
-- OPERATION_IN_PROGRESS; take it with UPDATE ... WHERE pending_operation IS NULL.
CREATE TABLE licences (
    id                   TEXT PRIMARY KEY NOT NULL,      -- lic_...
    fleet_id             TEXT NOT NULL,                  -- productRefId
    customer_id          TEXT NOT NULL,
    offering_id          TEXT NOT NULL,
    state                TEXT NOT NULL,
    login                TEXT,
    login_created_at     TEXT,
    end_user_given_name  TEXT,
    end_user_family_name TEXT,
    end_user_email       TEXT,
    end_user_mobile_cc   TEXT,
    end_user_mobile_sn   TEXT,
    characteristics_json TEXT,
    order_item_id        TEXT,                           -- the order item that created it
    pending_operation    TEXT,
    pending_task_id      TEXT,
    pending_since        TEXT,
    created_at           TEXT NOT NULL,                  -- creationDate
    updated_at           TEXT NOT NULL,                  -- lastUpdate
    terminated_at        TEXT,
    CONSTRAINT licences_fleet_id_customer_id_fkey FOREIGN KEY (fleet_id, customer_id) REFERENCES fleets (id, customer_id),
    CONSTRAINT licences_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT licences_offering_id_fkey FOREIGN KEY (offering_id) REFERENCES offerings (id),
    CONSTRAINT licences_order_item_id_fkey FOREIGN KEY (order_item_id) REFERENCES product_order_items (id),
    CONSTRAINT licences_pending_task_id_fkey FOREIGN KEY (pending_task_id) REFERENCES user_service_tasks (id),
    CONSTRAINT licences_login_key UNIQUE (login),
    CONSTRAINT licences_state_check CHECK (state IN ('pending', 'active', 'suspended', 'terminated')),
    CONSTRAINT licences_login_check CHECK ((login IS NULL) = (login_created_at IS NULL)),
    CONSTRAINT licences_end_user_mobile_check CHECK ((end_user_mobile_cc IS NULL) = (end_user_mobile_sn IS NULL)),
    CONSTRAINT licences_pending_operation_check CHECK (
        (pending_operation IS NULL AND pending_task_id IS NULL AND pending_since IS NULL)
        OR (pending_operation = 'add' AND pending_task_id IS NULL AND pending_since IS NOT NULL)
        OR (pending_operation IN ('changeState', 'delete', 'changeOffering')
            AND pending_task_id IS NOT NULL AND pending_since IS NOT NULL)
    )
);
CREATE INDEX licences_fleet_id_created_at_idx ON licences (fleet_id, created_at, id);
CREATE INDEX licences_fleet_id_state_created_at_idx ON licences (fleet_id, state, created_at, id);
CREATE INDEX licences_customer_id_created_at_idx ON licences (customer_id, created_at, id);
CREATE INDEX licences_state_created_at_idx ON licences (state, created_at, id);
CREATE INDEX licences_offering_id_created_at_idx ON licences (offering_id, created_at, id);
CREATE INDEX licences_created_at_idx ON licences (created_at, id);
CREATE INDEX licences_end_user_email_idx ON licences (end_user_email, id) WHERE end_user_email IS NOT NULL;
CREATE INDEX licences_end_user_family_name_idx ON licences (end_user_family_name, end_user_given_name, id)
    WHERE end_user_family_name IS NOT NULL;
CREATE INDEX licences_end_user_mobile_sn_idx ON licences (end_user_mobile_sn, id) WHERE end_user_mobile_sn IS NOT NULL;
CREATE INDEX licences_order_item_id_idx ON licences (order_item_id, created_at, id) WHERE order_item_id IS NOT NULL;
CREATE INDEX licences_pending_task_id_idx ON licences (pending_task_id) WHERE pending_task_id IS NOT NULL;
CREATE INDEX licences_pending_since_idx ON licences (pending_since, id) WHERE pending_operation IS NOT NULL;

-- Realizing resources (sections 1 and 5): the technical support of a licence. A per_licence row
-- belongs to one licence (licence_id); a per_customer row (e.g. the customer's document-space URL)
-- has no licence_id and is shared by several licences through licence_realizing_resources.
-- placeholder_since is set while the value is a well-formed fake (placeholder: true on the wire) and
-- cleared when the real value arrives.
CREATE TABLE realizing_resources (
    id                TEXT PRIMARY KEY NOT NULL,         -- rr_...
    customer_id       TEXT NOT NULL,
    scope             TEXT NOT NULL,
    licence_id        TEXT,
    type              TEXT NOT NULL,
    value             TEXT NOT NULL,
    placeholder_since TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CONSTRAINT realizing_resources_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT realizing_resources_licence_id_fkey FOREIGN KEY (licence_id) REFERENCES licences (id) ON DELETE CASCADE,
    CONSTRAINT realizing_resources_licence_id_type_key UNIQUE (licence_id, type),
    CONSTRAINT realizing_resources_type_check CHECK (type IN ('msisdn', 'imei', 'email', 'url')),
    CONSTRAINT realizing_resources_scope_check CHECK (
        (scope = 'per_licence' AND licence_id IS NOT NULL)
        OR (scope = 'per_customer' AND licence_id IS NULL)
    )
);
-- Partial unique index, named like a constraint (SQLite: "realizing_resources.customer_id,
-- realizing_resources.type"): one shared resource of each type per customer.
CREATE UNIQUE INDEX realizing_resources_customer_id_type_key ON realizing_resources (customer_id, type)
    WHERE scope = 'per_customer';
CREATE INDEX realizing_resources_customer_id_idx ON realizing_resources (customer_id, created_at, id);
CREATE INDEX realizing_resources_type_value_idx ON realizing_resources (type, value);
CREATE INDEX realizing_resources_placeholder_idx ON realizing_resources (customer_id, placeholder_since, id)
    WHERE placeholder_since IS NOT NULL;

-- Which licences share which per_customer realizing resource.
CREATE TABLE licence_realizing_resources (
    licence_id            TEXT NOT NULL,
    realizing_resource_id TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    CONSTRAINT licence_realizing_resources_pkey PRIMARY KEY (licence_id, realizing_resource_id),
    CONSTRAINT licence_realizing_resources_licence_id_fkey FOREIGN KEY (licence_id) REFERENCES licences (id) ON DELETE CASCADE,
    CONSTRAINT licence_realizing_resources_realizing_resource_id_fkey FOREIGN KEY (realizing_resource_id)
        REFERENCES realizing_resources (id) ON DELETE CASCADE
);
CREATE INDEX licence_realizing_resources_realizing_resource_id_idx
    ON licence_realizing_resources (realizing_resource_id, licence_id);

-- Items of a userServiceTask (section 5), in the request's order. user_service_id is the id as sent;
-- licence_id is set when it names a known licence (an unknown one fails with UNKNOWN_USER_SERVICE).
-- result is NULL until the item is done (asynchronous tasks fill results in as work completes).
CREATE TABLE user_service_task_items (
    task_id         TEXT NOT NULL,
    position        INTEGER NOT NULL,
    user_service_id TEXT NOT NULL,
    licence_id      TEXT,
    result          TEXT,
    error_code      TEXT,
    error_message   TEXT,
    completed_at    TEXT,
    CONSTRAINT user_service_task_items_pkey PRIMARY KEY (task_id, position),
    CONSTRAINT user_service_task_items_task_id_fkey FOREIGN KEY (task_id) REFERENCES user_service_tasks (id) ON DELETE CASCADE,
    CONSTRAINT user_service_task_items_licence_id_fkey FOREIGN KEY (licence_id) REFERENCES licences (id),
    CONSTRAINT user_service_task_items_result_check CHECK (result IN ('done', 'failed')),
    CONSTRAINT user_service_task_items_error_code_check CHECK ((error_code IS NOT NULL) = (result IS NOT NULL AND result = 'failed'))
);
CREATE INDEX user_service_task_items_licence_id_idx ON user_service_task_items (licence_id, task_id)
    WHERE licence_id IS NOT NULL;

-- The outbox (section 6; provisioning.md, Outgoing webhooks): every message to Orange's event
-- resources and to the provisioning webhook, written in the transaction of the change that causes
-- it. The id (evt_...) is the eventId / webhook-id, kept across retries and resends.
-- event_type: an Orange eventType (productOrderStateChangeEvent, userServiceStateChangeEvent,
-- userServiceAttributeValueChangeEvent) or a webhook type (licence.created, customer.created, ...).
-- resource_kind/resource_id name the object the message describes; target says where it goes.
-- ordering_key ('licence:lic_...', 'order:ord_...', 'customer:cus_...'): an event is not sent while
-- an older one with the same key is pending or delivering. Several instances claim events with a
-- lease (lease_owner, lease_expires_at) so none is sent twice at once. Pausing delivery is a setting,
-- not a row state. 'failed' events (retries exhausted or a non-retryable answer) form the stuck queue.
CREATE TABLE outbox_events (
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
    failed_at            TEXT,
    CONSTRAINT outbox_events_resource_kind_check CHECK (resource_kind IN ('productOrder', 'userService', 'customer')),
    CONSTRAINT outbox_events_target_check CHECK (target IN ('orange_product_order', 'orange_user_service', 'provisioning_webhook')),
    CONSTRAINT outbox_events_state_check CHECK (state IN ('pending', 'delivering', 'delivered', 'failed')),
    CONSTRAINT outbox_events_attempt_count_check CHECK (attempt_count >= 0)
);
CREATE INDEX outbox_events_state_next_attempt_at_idx ON outbox_events (state, next_attempt_at, id);
CREATE INDEX outbox_events_state_created_at_idx ON outbox_events (state, created_at, id);
CREATE INDEX outbox_events_ordering_key_idx ON outbox_events (ordering_key, created_at, id);
CREATE INDEX outbox_events_resource_idx ON outbox_events (resource_kind, resource_id, created_at, id);
CREATE INDEX outbox_events_created_at_idx ON outbox_events (created_at, id);
CREATE INDEX outbox_events_correlation_id_idx ON outbox_events (correlation_id, created_at, id)
    WHERE correlation_id IS NOT NULL;
CREATE INDEX outbox_events_lease_expires_at_idx ON outbox_events (lease_expires_at) WHERE state = 'delivering';

-- Every delivery attempt of an outbox event (section 6, "Every attempt is recorded"). Headers are
-- stored with secrets masked; bodies are truncated past 64 KiB (response_body_bytes keeps the full
-- size). attempt_no keeps counting across retries and resends.
CREATE TABLE outbox_attempts (
    id                    TEXT PRIMARY KEY NOT NULL,     -- att_...
    event_id              TEXT NOT NULL,
    attempt_no            INTEGER NOT NULL,
    started_at            TEXT NOT NULL,
    url                   TEXT NOT NULL,
    request_headers_json  TEXT NOT NULL,
    request_body          TEXT NOT NULL,
    response_status       INTEGER,                       -- NULL when no answer
    response_headers_json TEXT,
    response_body         TEXT,
    response_body_bytes   INTEGER,
    latency_ms            INTEGER,
    error                 TEXT,
    outcome               TEXT NOT NULL,
    CONSTRAINT outbox_attempts_event_id_fkey FOREIGN KEY (event_id) REFERENCES outbox_events (id) ON DELETE CASCADE,
    CONSTRAINT outbox_attempts_event_id_attempt_no_key UNIQUE (event_id, attempt_no),
    CONSTRAINT outbox_attempts_attempt_no_check CHECK (attempt_no >= 1),
    CONSTRAINT outbox_attempts_outcome_check CHECK (outcome IN ('delivered', 'retry', 'failed'))
);
CREATE INDEX outbox_attempts_started_at_idx ON outbox_attempts (started_at, id);

-- Raw Orange exchanges kept for support (section 2): each call on /orange/v2 with its answer,
-- headers masked, purged once expires_at has passed (retention is a setting). credential_id is
-- NULL when authentication failed (client_id keeps what was presented); object_type/object_id
-- link the exchange to the order, task or licence it concerned.
CREATE TABLE orange_exchanges (
    id                   TEXT PRIMARY KEY NOT NULL,      -- xch_...
    at                   TEXT NOT NULL,
    method               TEXT NOT NULL,
    path                 TEXT NOT NULL,                  -- with the query string
    credential_id        TEXT,
    client_id            TEXT,
    request_headers_json TEXT,
    request_body         TEXT,
    response_status      INTEGER NOT NULL,
    response_body        TEXT,
    duration_ms          INTEGER,
    request_id           TEXT,
    object_type          TEXT,
    object_id            TEXT,
    expires_at           TEXT NOT NULL,
    CONSTRAINT orange_exchanges_credential_id_fkey FOREIGN KEY (credential_id) REFERENCES api_credentials (id)
);
CREATE INDEX orange_exchanges_at_idx ON orange_exchanges (at, id);
CREATE INDEX orange_exchanges_expires_at_idx ON orange_exchanges (expires_at);
CREATE INDEX orange_exchanges_credential_id_idx ON orange_exchanges (credential_id, at, id) WHERE credential_id IS NOT NULL;
CREATE INDEX orange_exchanges_object_idx ON orange_exchanges (object_type, object_id, at, id) WHERE object_id IS NOT NULL;
CREATE INDEX orange_exchanges_request_id_idx ON orange_exchanges (request_id) WHERE request_id IS NOT NULL;

-- Operator notes on any object shown in the console (object_type/object_id as in audit_log).
CREATE TABLE notes (
    id          TEXT PRIMARY KEY NOT NULL,               -- note_...
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    author_id   TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    edited_at   TEXT,
    CONSTRAINT notes_author_id_fkey FOREIGN KEY (author_id) REFERENCES operators (id)
);
CREATE INDEX notes_object_idx ON notes (object_type, object_id, created_at, id);
CREATE INDEX notes_author_id_idx ON notes (author_id, created_at, id);

-- Provisioning tasks (provisioning.md): one operation the partner's product has to carry out, for
-- the 'manual' mode (an operator approves it in the activation queue) or the webhook modes (the
-- signed webhook is outbox_event_id; 'webhook' completes on a 2xx answer, 'webhook_callback' waits
-- for /provisioning/v1/tasks/{id}/complete or /fail). The id is the webhook's taskId. The refs say
-- which order item (licences created by an order) or userServiceTask item it carries out.
CREATE TABLE provisioning_tasks (
    id                   TEXT PRIMARY KEY NOT NULL,      -- prv_...
    kind                 TEXT NOT NULL,
    mode                 TEXT NOT NULL,
    state                TEXT NOT NULL,
    customer_id          TEXT NOT NULL,
    order_id             TEXT,
    order_item_id        TEXT,
    user_service_task_id TEXT,
    licence_id           TEXT,
    outbox_event_id      TEXT,
    payload_json         TEXT NOT NULL,                  -- the data sent (or shown to the operator)
    result_json          TEXT,                           -- data from the callback (logins, resources)
    failure_code         TEXT,
    failure_message      TEXT,
    resolved_by          TEXT,                           -- operator who completed or failed it by hand
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    resolved_at          TEXT,
    CONSTRAINT provisioning_tasks_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT provisioning_tasks_order_id_fkey FOREIGN KEY (order_id) REFERENCES product_orders (id),
    CONSTRAINT provisioning_tasks_order_item_id_fkey FOREIGN KEY (order_item_id) REFERENCES product_order_items (id),
    CONSTRAINT provisioning_tasks_user_service_task_id_fkey FOREIGN KEY (user_service_task_id) REFERENCES user_service_tasks (id),
    CONSTRAINT provisioning_tasks_licence_id_fkey FOREIGN KEY (licence_id) REFERENCES licences (id),
    CONSTRAINT provisioning_tasks_outbox_event_id_fkey FOREIGN KEY (outbox_event_id) REFERENCES outbox_events (id),
    CONSTRAINT provisioning_tasks_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES operators (id),
    CONSTRAINT provisioning_tasks_kind_check CHECK (kind IN (
        'licence.created', 'licence.suspended', 'licence.reactivated', 'licence.terminated',
        'licence.offering_changed', 'licence.end_user_changed', 'licence.realizing_resource_changed',
        'licence.login_renewed', 'customer.created'
    )),
    CONSTRAINT provisioning_tasks_mode_check CHECK (mode IN ('manual', 'webhook', 'webhook_callback')),
    CONSTRAINT provisioning_tasks_state_check CHECK (state IN ('pending', 'completed', 'failed')),
    CONSTRAINT provisioning_tasks_resolved_at_check CHECK ((resolved_at IS NULL) = (state = 'pending')),
    CONSTRAINT provisioning_tasks_failure_code_check CHECK ((failure_code IS NOT NULL) = (state = 'failed'))
);
CREATE INDEX provisioning_tasks_state_created_at_idx ON provisioning_tasks (state, created_at, id);
CREATE INDEX provisioning_tasks_customer_id_idx ON provisioning_tasks (customer_id, created_at, id);
CREATE INDEX provisioning_tasks_order_id_idx ON provisioning_tasks (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX provisioning_tasks_user_service_task_id_idx ON provisioning_tasks (user_service_task_id)
    WHERE user_service_task_id IS NOT NULL;
CREATE INDEX provisioning_tasks_licence_id_idx ON provisioning_tasks (licence_id, created_at, id) WHERE licence_id IS NOT NULL;
CREATE INDEX provisioning_tasks_outbox_event_id_idx ON provisioning_tasks (outbox_event_id) WHERE outbox_event_id IS NOT NULL;
