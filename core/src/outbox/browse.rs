//! Reading the outbox for people, and the operators' actions on it: list with filters, one event
//! with every attempt, resend one, retry one now, resend a filtered set.

use fleetdesk_vocab::EventId;
use fleetdesk_vocab::EventState;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Acting};
use crate::clock;
use crate::db::{Db, DbError, word};

/// An event as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub id: EventId,
    pub event_type: String,
    pub correlation_id: Option<String>,
    pub resource_kind: String,
    pub resource_id: String,
    pub target: String,
    pub state: EventState,
    pub attempt_count: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub last_response_status: Option<i64>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub failed_at: Option<String>,
}

/// An event with its payload and attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventDetail {
    pub event: EventRow,
    pub payload: String,
    pub request_id: Option<String>,
    pub attempts: Vec<AttemptRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRow {
    pub attempt_no: i64,
    pub started_at: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub response_status: Option<i64>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    pub response_body_bytes: Option<i64>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub outcome: String,
}

/// Which events: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filter {
    pub state: Option<EventState>,
    pub event_type: Option<String>,
    /// An order, licence or customer id, or Orange's correlation id.
    pub resource: Option<String>,
    /// Created at or after (RFC 3339 or a date `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Created before.
    pub to: Option<String>,
}

const COLUMNS: &str = "id, event_type, correlation_id, resource_kind, resource_id, target, state, \
     attempt_count, next_attempt_at, last_error, last_response_status, created_at, delivered_at, \
     failed_at";

const FILTER: &str = "($1 IS NULL OR state = $1) AND ($2 IS NULL OR event_type = $2) \
     AND ($3 IS NULL OR resource_id = $3 OR correlation_id = $3) \
     AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)";

fn row(row: &AnyRow) -> Result<EventRow, sqlx::Error> {
    Ok(EventRow {
        id: row.try_get("id")?,
        event_type: row.try_get("event_type")?,
        correlation_id: row.try_get("correlation_id")?,
        resource_kind: row.try_get("resource_kind")?,
        resource_id: row.try_get("resource_id")?,
        target: row.try_get("target")?,
        state: word(row, "state")?,
        attempt_count: row.try_get("attempt_count")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_error: row.try_get("last_error")?,
        last_response_status: row.try_get("last_response_status")?,
        created_at: row.try_get("created_at")?,
        delivered_at: row.try_get("delivered_at")?,
        failed_at: row.try_get("failed_at")?,
    })
}

fn bound(filter: &Filter) -> [Option<String>; 5] {
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    [
        filter.state.map(|state| state.as_str().to_owned()),
        clean(&filter.event_type),
        clean(&filter.resource),
        clean(&filter.from),
        clean(&filter.to),
    ]
}

/// Events matching `filter`, newest first, `limit` at a time, older than the `(created_at, id)`
/// cursor when given.
pub async fn list(
    db: &Db,
    filter: &Filter,
    before: Option<(String, String)>,
    limit: u32,
) -> Result<Vec<EventRow>, DbError> {
    let [state, kind, resource, from, to] = bound(filter);
    let (before_at, before_id) = crate::db::keyset_start(before);
    let older = crate::db::keyset_older("created_at", "id", "$6", "$7");
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM outbox_events WHERE {FILTER} AND {older} \
         ORDER BY created_at DESC, id DESC LIMIT $8"
    ))
    .bind(state)
    .bind(kind)
    .bind(resource)
    .bind(from)
    .bind(to)
    .bind(before_at)
    .bind(before_id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(row).collect::<Result<_, _>>()?)
}

/// How many events match `filter` (shown before a bulk resend).
pub async fn count(db: &Db, filter: &Filter) -> Result<i64, DbError> {
    let [state, kind, resource, from, to] = bound(filter);
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM outbox_events WHERE {FILTER}"
    ))
    .bind(state)
    .bind(kind)
    .bind(resource)
    .bind(from)
    .bind(to)
    .fetch_one(db.pool())
    .await?)
}

/// Counts by state, for the console's header and the dashboard.
pub async fn counts_by_state(db: &Db) -> Result<Vec<(EventState, i64)>, DbError> {
    let rows =
        sqlx::query("SELECT state, COUNT(*) AS n FROM outbox_events GROUP BY state ORDER BY state")
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .iter()
        .map(|r| Ok((word(r, "state")?, r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

pub async fn detail(db: &Db, id: &EventId) -> Result<Option<EventDetail>, DbError> {
    let found = sqlx::query(&format!(
        "SELECT {COLUMNS}, payload_json, request_id FROM outbox_events WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(found) = found else { return Ok(None) };
    let attempts = sqlx::query(
        "SELECT attempt_no, started_at, url, request_headers_json, request_body, response_status, \
         response_headers_json, response_body, response_body_bytes, latency_ms, error, outcome \
         FROM outbox_attempts WHERE event_id = $1 ORDER BY attempt_no",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let pairs = |text: Option<String>| -> Vec<(String, String)> {
        text.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    };
    let attempts = attempts
        .iter()
        .map(|a| {
            Ok(AttemptRow {
                attempt_no: a.try_get("attempt_no")?,
                started_at: a.try_get("started_at")?,
                url: a.try_get("url")?,
                request_headers: pairs(a.try_get("request_headers_json")?),
                request_body: a.try_get("request_body")?,
                response_status: a.try_get("response_status")?,
                response_headers: pairs(a.try_get("response_headers_json")?),
                response_body: a.try_get("response_body")?,
                response_body_bytes: a.try_get("response_body_bytes")?,
                latency_ms: a.try_get("latency_ms")?,
                error: a.try_get("error")?,
                outcome: a.try_get("outcome")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(EventDetail {
        event: row(&found)?,
        payload: found.try_get("payload_json")?,
        request_id: found.try_get("request_id")?,
        attempts,
    }))
}

/// Why an action on an event was refused.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such event")]
    NotFound,
    #[error("the event is being sent right now; try again in a moment")]
    Delivering,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ActionError {
    fn from(error: sqlx::Error) -> Self {
        ActionError::Db(DbError::Query(error))
    }
}

/// Sends an event again, whatever its state but `delivering`; audited as `event.resend` with the
/// event before and after, in the same transaction.
pub async fn resend(db: &Db, acting: &Acting, id: &EventId) -> Result<EventRow, ActionError> {
    act(
        db,
        acting,
        id,
        "event.resend",
        "UPDATE outbox_events SET state = 'pending', next_attempt_at = $2, failed_at = NULL, \
         updated_at = $2 WHERE id = $1 AND state <> 'delivering'",
    )
    .await
}

/// Tries a waiting or failed event now instead of at its scheduled time; audited as
/// `event.retry_now` in the same transaction.
pub async fn retry_now(db: &Db, acting: &Acting, id: &EventId) -> Result<EventRow, ActionError> {
    act(
        db,
        acting,
        id,
        "event.retry_now",
        "UPDATE outbox_events SET state = 'pending', next_attempt_at = $2, failed_at = NULL, \
         updated_at = $2 WHERE id = $1 AND state IN ('pending', 'failed')",
    )
    .await
}

/// Runs an action's update on one event and audits it, in one transaction; or says why nothing
/// changed (no such event, or it is being sent).
async fn act(
    db: &Db,
    acting: &Acting,
    id: &EventId,
    action: &str,
    statement: &'static str,
) -> Result<EventRow, ActionError> {
    let mut tx = db.begin_write().await?;
    let before = event_in(&mut tx, id).await?.ok_or(ActionError::NotFound)?;
    let changed = sqlx::query(statement)
        .bind(id)
        .bind(clock::now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let after = event_in(&mut tx, id).await?.ok_or(ActionError::NotFound)?;
    if changed == 0 {
        return Err(if after.state == EventState::Delivering {
            ActionError::Delivering
        } else {
            ActionError::NotFound
        });
    }
    let entry = acting
        .entry(action, "event", Some(id.as_str()))
        .before(&before)
        .after(&after);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

async fn event_in(conn: &mut AnyConnection, id: &EventId) -> Result<Option<EventRow>, DbError> {
    let found = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM outbox_events WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.as_ref().map(row).transpose()?)
}

/// Resends every event matching `filter` (those being sent right now excepted); audited as
/// `event.resend_matching` with the filter and the count, in the same transaction. Returns how
/// many.
pub async fn resend_matching(db: &Db, acting: &Acting, filter: &Filter) -> Result<u64, DbError> {
    let [state, kind, resource, from, to] = bound(filter);
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(&format!(
        "UPDATE outbox_events SET state = 'pending', next_attempt_at = $6, failed_at = NULL, \
         updated_at = $6 WHERE {FILTER} AND state <> 'delivering'"
    ))
    .bind(state)
    .bind(kind)
    .bind(resource)
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let entry = acting
        .entry("event.resend_matching", "event", None)
        .after(serde_json::json!({ "filter": filter, "count": changed }));
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(changed)
}
