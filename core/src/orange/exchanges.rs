//! The raw Orange exchanges: every call on `/orange/v2` with Fleetdesk's answer, kept for a
//! configurable time so support can see exactly what Orange sent. Headers are stored with the
//! `Authorization` value masked; bodies are capped at [`BODY_CAP`] bytes.

use std::sync::Arc;

use fleetdesk_vocab::{CredentialId, ExchangeId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Db, DbError};
use crate::{clock, ids};

/// The most of a request or response body kept (the rest is cut, and the cut said). The same
/// cap applies to the bodies of event delivery attempts.
pub const BODY_CAP: usize = 64 * 1024;

/// The longest start of `text` within `max` bytes that ends on a character boundary.
pub fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One exchange to record.
#[derive(Debug, Clone, Default)]
pub struct NewExchange {
    pub method: String,
    pub path: String,
    pub credential_id: Option<CredentialId>,
    pub client_id: Option<String>,
    /// `(name, value)` pairs, already masked.
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub response_status: u16,
    pub response_body: Option<String>,
    pub duration_ms: i64,
    pub request_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
}

/// A stored exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    pub id: ExchangeId,
    pub at: String,
    pub method: String,
    pub path: String,
    pub credential_id: Option<CredentialId>,
    pub client_id: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub response_status: i64,
    pub response_body: Option<String>,
    pub duration_ms: Option<i64>,
    pub request_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
}

/// Cuts `text` to [`BODY_CAP`] bytes on a character boundary, saying how much was cut.
pub fn cap(text: &str) -> String {
    let kept = prefix(text, BODY_CAP);
    if kept.len() == text.len() {
        return text.to_owned();
    }
    format!(
        "{kept}\n… [{} more bytes not kept]",
        text.len() - kept.len()
    )
}

/// Records one exchange, kept `retention_days`.
pub async fn record(
    db: &Db,
    exchange: NewExchange,
    retention_days: u32,
) -> Result<ExchangeId, DbError> {
    let row = Stored::new(exchange, retention_days)?;
    let id = row.id.clone();
    write(db, &[&row]).await?;
    Ok(id)
}

/// Records the exchanges of calls answered at the same time in few writes: each call waits until
/// its exchange is stored, as with [`record`], but whoever writes takes every exchange queued
/// meanwhile along, in one multi-row INSERT. One write per call made SQLite's single writer (and
/// the commit's flush to disk) a second turn per call after the call's own transaction.
#[derive(Debug, Default)]
pub struct Recorder {
    queue: std::sync::Mutex<Vec<Queued>>,
    /// Held by whoever writes; the others queue meanwhile.
    writing: tokio::sync::Mutex<()>,
}

/// A written batch's outcome, shared by every exchange in it.
type Outcome = Result<(), Arc<DbError>>;

#[derive(Debug)]
struct Queued {
    row: Stored,
    written: tokio::sync::oneshot::Sender<Outcome>,
}

impl Recorder {
    /// Records one exchange, kept `retention_days`, with whatever else is waiting.
    pub async fn record(
        &self,
        db: &Db,
        exchange: NewExchange,
        retention_days: u32,
    ) -> Result<ExchangeId, Arc<DbError>> {
        let row = Stored::new(exchange, retention_days)?;
        let id = row.id.clone();
        let (written, mut outcome) = tokio::sync::oneshot::channel();
        self.queue().push(Queued { row, written });
        let writing = self.writing.lock().await;
        // Whoever wrote before may have taken this one along.
        if let Ok(outcome) = outcome.try_recv() {
            return outcome.map(|()| id);
        }
        let batch = std::mem::take(&mut *self.queue());
        let rows: Vec<&Stored> = batch.iter().map(|queued| &queued.row).collect();
        let result = write(db, &rows).await.map_err(Arc::new);
        for queued in batch {
            // This call's own receiver is still here; the others' may have gone (their request
            // was dropped), which changes nothing.
            let _ = queued.written.send(result.clone());
        }
        drop(writing);
        match outcome.await {
            Ok(outcome) => outcome.map(|()| id),
            // It was in this batch: its outcome was just sent.
            Err(_) => result.map(|()| id),
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Queued>> {
        // Nothing panics while holding it; a poisoned queue is still a valid Vec.
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An exchange as stored.
#[derive(Debug)]
struct Stored {
    id: ExchangeId,
    at: String,
    expires_at: String,
    headers_json: String,
    exchange: NewExchange,
}

impl Stored {
    fn new(exchange: NewExchange, retention_days: u32) -> Result<Stored, DbError> {
        let now = clock::now();
        let expires = now + time::Duration::days(i64::from(retention_days));
        let headers_json = serde_json::to_string(&exchange.request_headers)
            .map_err(|e| DbError::Corrupt(e.to_string()))?;
        Ok(Stored {
            id: ids::new_id::<ExchangeId>(),
            at: clock::format(now),
            expires_at: clock::format(expires),
            headers_json,
            exchange,
        })
    }
}

/// Stores `rows`, [`BATCH`](crate::db::BATCH) to a statement.
async fn write(db: &Db, rows: &[&Stored]) -> Result<(), DbError> {
    const WIDTH: usize = 15;
    for chunk in rows.chunks(crate::db::BATCH) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", crate::db::placeholders(i * WIDTH + 1, WIDTH)))
            .collect();
        let sql = format!(
            "INSERT INTO orange_exchanges (id, at, method, path, credential_id, client_id, \
             request_headers_json, request_body, response_status, response_body, duration_ms, \
             request_id, object_type, object_id, expires_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            let exchange = &row.exchange;
            query = query
                .bind(&row.id)
                .bind(&row.at)
                .bind(&exchange.method)
                .bind(&exchange.path)
                .bind(&exchange.credential_id)
                .bind(
                    exchange
                        .client_id
                        .as_deref()
                        .map(|c| c.chars().take(128).collect::<String>()),
                )
                .bind(&row.headers_json)
                .bind(exchange.request_body.as_deref().map(cap))
                .bind(i64::from(exchange.response_status))
                .bind(exchange.response_body.as_deref().map(cap))
                .bind(exchange.duration_ms)
                .bind(&exchange.request_id)
                .bind(&exchange.object_type)
                .bind(&exchange.object_id)
                .bind(&row.expires_at);
        }
        query.execute(db.writes()).await?;
    }
    Ok(())
}

const COLUMNS: &str = "id, at, method, path, credential_id, client_id, request_headers_json, \
                       request_body, response_status, response_body, duration_ms, request_id, \
                       object_type, object_id";

fn from_row(row: &AnyRow) -> Result<Exchange, DbError> {
    let headers: Option<String> = row.try_get("request_headers_json")?;
    Ok(Exchange {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        credential_id: row.try_get("credential_id")?,
        client_id: row.try_get("client_id")?,
        request_headers: headers
            .map(|h| serde_json::from_str(&h))
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("exchange headers: {e}")))?
            .unwrap_or_default(),
        request_body: row.try_get("request_body")?,
        response_status: row.try_get("response_status")?,
        response_body: row.try_get("response_body")?,
        duration_ms: row.try_get("duration_ms")?,
        request_id: row.try_get("request_id")?,
        object_type: row.try_get("object_type")?,
        object_id: row.try_get("object_id")?,
    })
}

/// Which exchanges to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those about this object (an order, task or licence id).
    pub object_id: Option<String>,
    /// Only answers with a status >= 400.
    pub errors_only: bool,
    /// Keyset cursor: exchanges strictly older than this `(at, id)`.
    pub before: Option<(String, String)>,
}

/// Exchanges, newest first.
pub async fn list(db: &Db, filter: &Filter, limit: u32) -> Result<Vec<Exchange>, DbError> {
    let (before_at, before_id) = crate::db::keyset_start(filter.before.clone());
    let older = crate::db::keyset_older("at", "id", "$3", "$4");
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM orange_exchanges \
         WHERE ($1 IS NULL OR object_id = $1) AND ($2 = 0 OR response_status >= 400) \
         AND {older} ORDER BY at DESC, id DESC LIMIT $5"
    ))
    .bind(&filter.object_id)
    .bind(i64::from(filter.errors_only))
    .bind(before_at)
    .bind(before_id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(db: &Db, id: &ExchangeId) -> Result<Option<Exchange>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM orange_exchanges WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Removes the exchanges whose retention has run out; returns how many.
pub async fn purge_expired(db: &Db) -> Result<u64, DbError> {
    let done = sqlx::query("DELETE FROM orange_exchanges WHERE expires_at < $1")
        .bind(clock::now_text())
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        let long = "é".repeat(BODY_CAP);
        let cut = cap(&long);
        assert!(cut.len() < long.len());
        assert!(cut.contains("more bytes not kept"));
        assert_eq!(cap("{}"), "{}");
    }

    #[tokio::test]
    async fn exchanges_recorded_at_the_same_time_are_all_stored_once() {
        on_each_db!(|db| async move {
            let recorder = Recorder::default();
            let calls = (0..40).map(|n| {
                recorder.record(
                    &db,
                    NewExchange {
                        method: "POST".into(),
                        path: format!("/orange/v2/productOrder?n={n}"),
                        response_status: 201,
                        ..NewExchange::default()
                    },
                    1,
                )
            });
            let mut ids: Vec<String> = futures_util::future::join_all(calls)
                .await
                .into_iter()
                .map(|id| id.expect("recorded").into_string())
                .collect();
            let mut listed: Vec<String> = list(&db, &Filter::default(), 100)
                .await
                .expect("list")
                .into_iter()
                .map(|e| e.id.into_string())
                .collect();
            ids.sort();
            listed.sort();
            assert_eq!(listed, ids);
            assert_eq!(ids.len(), 40);
        });
    }

    #[tokio::test]
    async fn exchanges_are_listed_newest_first_and_purged_when_expired() {
        on_each_db!(|db| async move {
            let first = record(
                &db,
                NewExchange {
                    method: "POST".into(),
                    path: "/orange/v2/productOrder".into(),
                    request_body: Some("{}".into()),
                    response_status: 400,
                    object_id: Some("ord_1".into()),
                    ..NewExchange::default()
                },
                1,
            )
            .await
            .expect("record");
            let second = record(
                &db,
                NewExchange {
                    method: "GET".into(),
                    path: "/orange/v2/ping".into(),
                    response_status: 200,
                    ..NewExchange::default()
                },
                1,
            )
            .await
            .expect("record");
            let all = list(&db, &Filter::default(), 10).await.expect("list");
            assert_eq!(
                all.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
                [second.as_str(), first.as_str()]
            );
            let errors = Filter {
                errors_only: true,
                ..Filter::default()
            };
            assert_eq!(list(&db, &errors, 10).await.expect("list").len(), 1);
            let about = Filter {
                object_id: Some("ord_1".into()),
                ..Filter::default()
            };
            assert_eq!(list(&db, &about, 10).await.expect("list")[0].id, first);
            assert_eq!(purge_expired(&db).await.expect("purge"), 0);
            sqlx::query("UPDATE orange_exchanges SET expires_at = '2000-01-01T00:00:00.000Z'")
                .execute(db.pool())
                .await
                .expect("age them");
            assert_eq!(purge_expired(&db).await.expect("purge"), 2);
        });
    }
}
