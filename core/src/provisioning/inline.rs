//! Webhooks sent inline, for synchronous operations (provisioning contract; issue: "in sync mode
//! only `none` and the plain `webhook` variant are allowed"). Orange waits for the answer, so the
//! product is asked while the change's transaction is still open: every webhook of the operation
//! goes out at once, and only when the product answers 2xx to all of them within the configured
//! timeout is the change committed, its webhooks recorded as delivered (with their attempts) and
//! their provisioning tasks completed. A refusal, an error or a timeout answers Orange
//! `SERVICE_UNAVAILABLE` and rolls everything back: nothing changed.
//!
//! Core sends no HTTP itself: the server gives the database handle a [`WebhookSender`]
//! (`Db::with_webhook_sender`), the same HTTP client its delivery engine uses.

use std::time::Duration;

use async_trait::async_trait;
use fleetdesk_vocab::{AttemptId, ErrorCode, EventId};
use sqlx::{AnyConnection, Row};

use super::tasks::{self, Parent};
use super::webhook;
use crate::clock;
use crate::db::{Db, placeholders};
use crate::ids;
use crate::orange::{ApiError, Failure};
use crate::outbox::delivery::Attempt;

/// One webhook to send now.
#[derive(Debug, Clone)]
pub struct InlineRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub timeout: Duration,
}

/// Sends webhooks for synchronous operations (the server's HTTP client).
#[async_trait]
pub trait WebhookSender: Send + Sync + std::fmt::Debug + 'static {
    /// Sends one request and tells what came back (or why nothing did).
    async fn send(&self, request: InlineRequest) -> Attempt;
}

/// What a synchronous operation touched.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope<'a> {
    /// The licences an order created.
    Order(&'a str),
    /// The licences a task changed (its items done).
    Task(&'a str),
    /// One licence (a PATCH or DELETE of one licence).
    Licence(&'a str),
}

fn unavailable(message: impl Into<String>) -> Failure {
    Failure::Api(ApiError::new(ErrorCode::ServiceUnavailable, message))
}

/// Tells the product of a synchronous operation before it is committed (see the module): nothing
/// when no licence it touched is of an offering with webhook provisioning. `kind` is the webhook's
/// type (`licence.created`, ...); the licences are read as the change left them.
pub(crate) async fn provision_inline(
    conn: &mut AnyConnection,
    db: &Db,
    scope: Scope<'_>,
    kind: &'static str,
    request_id: Option<&str>,
) -> Result<(), Failure> {
    let (join, filter, id) = match scope {
        Scope::Order(id) => (
            "JOIN product_order_items i ON i.id = l.order_item_id",
            "i.order_id = $1",
            id,
        ),
        Scope::Task(id) => (
            "JOIN user_service_task_items i ON i.licence_id = l.id",
            "i.task_id = $1 AND i.result = 'done'",
            id,
        ),
        Scope::Licence(id) => ("", "l.id = $1", id),
    };
    let rows = sqlx::query(&format!(
        "SELECT l.id, l.customer_id, l.order_item_id FROM licences l {join} \
         JOIN offerings o ON o.id = l.offering_id \
         WHERE {filter} AND o.provisioning_mode = 'webhook' ORDER BY l.created_at, l.id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let settings = webhook::load(db).await?;
    if !settings.is_configured() {
        return Err(unavailable(
            "the partner's product cannot be told of this operation: its webhook is not configured",
        ));
    }
    if settings.await_callback {
        return Err(unavailable(
            "the partner's product answers by callback, which a synchronous operation cannot wait for",
        ));
    }
    let Some(sender) = db.webhook_sender() else {
        return Err(unavailable(
            "this process cannot send webhooks to the partner's product",
        ));
    };
    let mut licences = Vec::with_capacity(rows.len());
    for row in &rows {
        licences.push(tasks::ToProvision {
            licence_id: row.try_get("id")?,
            customer_id: row.try_get("customer_id")?,
            order_item_id: if matches!(scope, Scope::Order(_)) {
                row.try_get("order_item_id")?
            } else {
                None
            },
            kind,
        });
    }
    let parent = match scope {
        Scope::Order(id) => Some(Parent::Order(id.into())),
        Scope::Task(id) => Some(Parent::Task(id.into())),
        Scope::Licence(_) => None,
    };
    let now = clock::now_text();
    let written = tasks::provision(
        conn,
        "webhook",
        parent.as_ref(),
        licences,
        &|_| {},
        request_id,
        &now,
    )
    .await?;
    let events: Vec<&EventId> = written.iter().map(|(_, event)| event).collect();
    let sql = format!(
        "SELECT id, payload_json FROM outbox_events WHERE id IN ({})",
        placeholders(1, events.len())
    );
    let mut query = sqlx::query(&sql);
    for event in &events {
        query = query.bind(*event);
    }
    let payloads = query.fetch_all(&mut *conn).await?;
    let timeout = Duration::from_secs(settings.timeout_seconds);
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut sends = Vec::with_capacity(payloads.len());
    for row in &payloads {
        let id: EventId = row.try_get("id")?;
        let body: String = row.try_get("payload_json")?;
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        headers.extend(
            webhook::headers(&settings, id.as_str(), timestamp, &body)
                .map_err(|e| unavailable(e.to_string()))?,
        );
        if let Some(request_id) = request_id {
            headers.push(("x-request-id".to_owned(), request_id.to_owned()));
        }
        let request = InlineRequest {
            url: settings.url.clone(),
            headers,
            body,
            timeout,
        };
        let sender = sender.clone();
        sends.push(async move {
            let started = clock::now();
            (id, started, sender.send(request).await)
        });
    }
    // All at once, each bounded by the timeout; a little more for the whole, in case.
    let answers = tokio::time::timeout(
        timeout + Duration::from_secs(1),
        futures_util::future::join_all(sends),
    )
    .await
    .map_err(|_| unavailable("the partner's product did not answer in time"))?;
    if let Some((id, _, refused)) = answers.iter().find(|(_, _, attempt)| {
        !attempt
            .response_status
            .is_some_and(|status| (200..300).contains(&status))
    }) {
        let why = match (&refused.response_status, &refused.error) {
            (Some(status), _) => format!("it answered HTTP {status}"),
            (None, Some(error)) => error.clone(),
            (None, None) => "no answer".to_owned(),
        };
        tracing::warn!(event.id = %id, reason = %why, "the product did not confirm a synchronous operation; nothing was changed");
        return Err(unavailable(format!(
            "the partner's product did not confirm the operation ({why}); nothing was changed, try again later"
        )));
    }
    let done = clock::now_text();
    for (id, started, attempt) in &answers {
        sqlx::query(
            "UPDATE outbox_events SET state = 'delivered', attempt_count = 1, \
             next_attempt_at = NULL, delivered_at = $2, last_response_status = $3, updated_at = $2 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(&done)
        .bind(attempt.response_status.map(i64::from))
        .execute(&mut *conn)
        .await?;
        let json = |pairs: &Vec<(String, String)>| serde_json::to_string(pairs).unwrap_or_default();
        sqlx::query(
            "INSERT INTO outbox_attempts (id, event_id, attempt_no, started_at, url, \
             request_headers_json, request_body, response_status, response_headers_json, \
             response_body, response_body_bytes, latency_ms, error, outcome) \
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, 'delivered')",
        )
        .bind(ids::new_id::<AttemptId>())
        .bind(id)
        .bind(clock::format(*started))
        .bind(&attempt.url)
        .bind(json(&attempt.request_headers))
        .bind(crate::orange::exchanges::prefix(
            &attempt.request_body,
            64 * 1024,
        ))
        .bind(attempt.response_status.map(i64::from))
        .bind(json(&attempt.response_headers))
        .bind(
            attempt
                .response_body
                .as_deref()
                .map(|body| crate::orange::exchanges::prefix(body, 64 * 1024)),
        )
        .bind(
            attempt
                .response_body
                .as_ref()
                .map(|b| i64::try_from(b.len()).unwrap_or(i64::MAX)),
        )
        .bind(attempt.latency_ms)
        .execute(&mut *conn)
        .await?;
    }
    for (task, _) in &written {
        sqlx::query(
            "UPDATE provisioning_tasks SET state = 'completed', resolved_at = $2, updated_at = $2 \
             WHERE id = $1",
        )
        .bind(task)
        .bind(&done)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
