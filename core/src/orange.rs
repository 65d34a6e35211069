//! The Orange contract (orange-api.md, sections 2 to 6): Orange's wire format and its mapping to
//! the domain services of [`crate::orders`], [`crate::licences`] and [`crate::tasks`], which write
//! what Orange asks for.
//!
//! - [`wire`] holds every serde type of the wire format and its mapping to domain values, in one
//!   place, so that a partner holding Orange's real field list adapts one module.
//! - [`error`] is the TMF630 error vocabulary.
//! - [`product_order`], [`user_service`] and [`user_service_task`] are the services the HTTP
//!   handlers call, one per resource of the contract: each reads Orange's request, calls the
//!   domain, and answers in Orange's shape (with idempotency on Orange's `externalReference`).
//! - [`completion`] finishes acknowledged (asynchronous) work in the background and queues the
//!   events it owes Orange.
//! - [`settings`] and [`exchanges`] are the API's settings and the raw exchanges kept for support.

pub mod completion;
pub mod error;
pub mod exchanges;
pub mod product_order;
pub mod settings;
pub mod user_service;
pub mod user_service_task;
pub mod wire;

pub use error::{ApiError, ErrorCode};

use serde::Serialize;

/// A successful answer: its status, its JSON body, the object it concerns (for the raw exchange
/// record) and whether background work was queued (the caller wakes the completion worker).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
    pub object: Option<(String, String)>,
    pub work_queued: bool,
}

impl Answer {
    pub(crate) fn new(status: u16, body: &impl Serialize, object: (&str, &str)) -> Answer {
        Answer {
            status,
            body: serde_json::to_value(body).unwrap_or(serde_json::Value::Null),
            object: Some((object.0.to_owned(), object.1.to_owned())),
            work_queued: false,
        }
    }

    pub(crate) fn queued(mut self) -> Answer {
        self.work_queued = true;
        self
    }
}

/// How many times a write is retried when it lost a race on a unique constraint (two identical
/// requests at once, two orders creating the same customer or fleet): the retry sees the winner's
/// rows and answers from them.
pub(crate) const RACE_RETRIES: usize = 4;

/// Whether an error is a lost race worth retrying.
pub(crate) fn lost_race(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                // PostgreSQL serialization failure and deadlock, SQLite busy.
                || matches!(db.code().as_deref(), Some("40001" | "40P01" | "5" | "517"))
        }
        _ => false,
    }
}

/// An error inside a service: a refusal for Orange, or a database error that may be a lost race.
#[derive(Debug)]
pub(crate) enum Failure {
    Api(ApiError),
    Db(sqlx::Error),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure::Api(error)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::Db(error)
    }
}

impl From<crate::db::DbError> for Failure {
    fn from(error: crate::db::DbError) -> Self {
        match error {
            crate::db::DbError::Query(error) => Failure::Db(error),
            other => Failure::Api(ApiError::from(other)),
        }
    }
}

/// Runs `attempt` until it succeeds, is refused, or fails for another reason than a lost race.
pub(crate) async fn with_retries<T, F, Fut>(mut attempt: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Failure::Api(error)) => return Err(error),
            Err(Failure::Db(error)) if tries < RACE_RETRIES && lost_race(&error) => {
                tracing::debug!(error = %error, "retrying after a lost race");
            }
            Err(Failure::Db(error)) => return Err(ApiError::from(error)),
        }
    }
}

/// What an idempotency key (Orange's `externalReference`) says about a POST.
pub(crate) struct Seen {
    pub id: String,
    pub status: u16,
    /// The first answer, as stored.
    pub stored: Option<serde_json::Value>,
    /// Answered asynchronously: a retry gets the current state instead of the first answer.
    pub asynchronous: bool,
}

/// Looks `reference` up in `table` (`product_orders` or `user_service_tasks`): `None` when new,
/// the stored answer when the same body was sent, `IDEMPOTENCY_MISMATCH` with another body.
pub(crate) async fn seen(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    noun: &str,
    reference: &str,
    hash: &str,
) -> Result<Option<Seen>, Failure> {
    use sqlx::Row;
    let row = sqlx::query(&format!(
        "SELECT id, request_hash, mode, response_status, response_json FROM {table} \
         WHERE external_reference = $1"
    ))
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: String = row.try_get("id")?;
    let stored_hash: String = row.try_get("request_hash")?;
    if stored_hash != hash {
        return Err(ApiError::new(
            ErrorCode::IdempotencyMismatch,
            format!(
                "externalReference {reference} was already used for {noun} {id} with another body"
            ),
        )
        .into());
    }
    let mode: String = row.try_get("mode")?;
    let status: Option<i64> = row.try_get("response_status")?;
    let stored: Option<String> = row.try_get("response_json")?;
    Ok(Some(Seen {
        id,
        status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(201),
        stored: stored.and_then(|text| serde_json::from_str(&text).ok()),
        asynchronous: mode == "async",
    }))
}
