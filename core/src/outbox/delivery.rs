//! The storage side of delivering events: claiming due events under a lease, recording each
//! attempt, and deciding what happens next (contract section 6, delivery rules).
//!
//! - An event is claimed with a lease (`lease_owner`, `lease_expires_at`). If the process dies
//!   mid-attempt, the lease runs out and any instance claims the event again: never lost, never
//!   stuck in `delivering`.
//! - On PostgreSQL the claim locks rows with `FOR UPDATE SKIP LOCKED`, so several instances never
//!   claim the same event at once. SQLite serialises writers (one instance).
//! - An event is not claimed while an older event with the same ordering key (the same order or
//!   licence) is pending or delivering: events about one resource reach Orange in order.

use std::time::Duration;

use sqlx::Row;
use time::OffsetDateTime;

use crate::db::{Db, DbError, Dialect};
use crate::{clock, ids};

/// The targets the Orange delivery worker sends to.
pub const ORANGE_TARGETS: [&str; 2] = ["orange_product_order", "orange_user_service"];

/// Bodies of requests and answers kept in an attempt are cut past 64 KiB, as for Orange's calls.
pub const BODY_CAP: usize = crate::orange::exchanges::BODY_CAP;

/// A claimed event, ready to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub target: String,
    pub payload: String,
    pub attempt_count: i64,
    pub request_id: Option<String>,
}

/// Claims up to `limit` due events for `owner`, leased for `lease`.
pub async fn claim(
    db: &Db,
    owner: &str,
    lease: Duration,
    limit: u32,
) -> Result<Vec<Claimed>, DbError> {
    let now = clock::now();
    let until = clock::format(now + lease);
    let now = clock::format(now);
    // The only place the dialects differ: PostgreSQL skips rows another instance is claiming.
    let lock = match db.dialect() {
        Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox_events SET state = 'delivering', lease_owner = $1, lease_expires_at = $2, \
         updated_at = $3 \
         WHERE id IN (SELECT e.id FROM outbox_events e \
           WHERE e.target IN ('orange_product_order', 'orange_user_service') \
           AND ((e.state = 'pending' AND e.next_attempt_at <= $3) \
                OR (e.state = 'delivering' AND e.lease_expires_at < $3)) \
           AND NOT EXISTS (SELECT 1 FROM outbox_events p WHERE p.ordering_key = e.ordering_key \
                AND p.state IN ('pending', 'delivering') \
                AND (p.created_at < e.created_at OR (p.created_at = e.created_at AND p.id < e.id))) \
           ORDER BY e.created_at, e.id LIMIT $4 {lock}) \
         RETURNING id, target, payload_json, attempt_count, request_id"
    );
    let mut tx = db.begin_write().await?;
    let rows = sqlx::query(&sql)
        .bind(owner)
        .bind(&until)
        .bind(&now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            Ok(Claimed {
                id: row.try_get("id")?,
                target: row.try_get("target")?,
                payload: row.try_get("payload_json")?,
                attempt_count: row.try_get("attempt_count")?,
                request_id: row.try_get("request_id")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    claimed.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(claimed)
}

/// What one attempt did, as recorded (headers already masked).
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub response_status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    pub latency_ms: i64,
    /// Connection error, timeout, ...: no answer.
    pub error: Option<String>,
    /// `Retry-After`, when Orange sent one.
    pub retry_after: Option<Duration>,
}

/// What happens to the event after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAt(OffsetDateTime),
    Failed,
}

impl Next {
    fn outcome(self) -> &'static str {
        match self {
            Next::Delivered => "delivered",
            Next::RetryAt(_) => "retry",
            Next::Failed => "failed",
        }
    }
}

/// Whether an answer (or its absence) is worth retrying: connection errors, timeouts, 408, 429
/// and 5xx are; other 4xx are not.
pub fn retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(code) => code == 408 || code == 429 || code >= 500,
    }
}

/// Decides what follows attempt number `attempt_no` (1-based), with the retry schedule `delays`
/// and `jitter` in [0, 1) spreading retries by up to ±20 %.
pub fn decide(
    attempt: &Attempt,
    attempt_no: usize,
    delays: &[u64],
    now: OffsetDateTime,
    jitter: f64,
) -> Next {
    if let Some(status) = attempt.response_status
        && (200..300).contains(&status)
    {
        return Next::Delivered;
    }
    if !retryable(attempt.response_status) {
        return Next::Failed;
    }
    let Some(base) = delays.get(attempt_no - 1) else {
        return Next::Failed;
    };
    let spread = (*base as f64) * 0.4 * (jitter - 0.5);
    let mut delay = Duration::from_secs_f64((*base as f64 + spread).max(0.0));
    if let Some(asked) = attempt.retry_after {
        delay = delay.max(asked.min(Duration::from_secs(24 * 3600)));
    }
    Next::RetryAt(now + delay)
}

/// Reads a `Retry-After` header: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let seconds = (at - now).whole_seconds();
    Some(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

fn cap(text: &str) -> String {
    crate::orange::exchanges::prefix(text, BODY_CAP).to_owned()
}

/// Records an attempt and moves the event on, if `owner` still holds its lease; `false` when the
/// lease was lost (another instance took the event over).
pub async fn finish(
    db: &Db,
    owner: &str,
    event_id: &str,
    attempt: &Attempt,
    next: Next,
) -> Result<bool, DbError> {
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    let count: Option<i64> = sqlx::query_scalar(
        "UPDATE outbox_events SET attempt_count = attempt_count + 1, updated_at = $3 \
         WHERE id = $1 AND lease_owner = $2 AND state = 'delivering' RETURNING attempt_count",
    )
    .bind(event_id)
    .bind(owner)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(attempt_no) = count else {
        return Ok(false);
    };
    let json = |pairs: &Vec<(String, String)>| serde_json::to_string(pairs).unwrap_or_default();
    let started = clock::format(
        clock::now() - Duration::from_millis(u64::try_from(attempt.latency_ms).unwrap_or(0)),
    );
    sqlx::query(
        "INSERT INTO outbox_attempts (id, event_id, attempt_no, started_at, url, \
         request_headers_json, request_body, response_status, response_headers_json, \
         response_body, response_body_bytes, latency_ms, error, outcome) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(ids::new_id("att"))
    .bind(event_id)
    .bind(attempt_no)
    .bind(started)
    .bind(&attempt.url)
    .bind(json(&attempt.request_headers))
    .bind(cap(&attempt.request_body))
    .bind(attempt.response_status.map(i64::from))
    .bind(
        attempt
            .response_status
            .map(|_| json(&attempt.response_headers)),
    )
    .bind(attempt.response_body.as_deref().map(cap))
    .bind(
        attempt
            .response_body
            .as_ref()
            .map(|b| i64::try_from(b.len()).unwrap_or(i64::MAX)),
    )
    .bind(attempt.latency_ms)
    .bind(&attempt.error)
    .bind(next.outcome())
    .execute(&mut *tx)
    .await?;
    let last_error = attempt.error.clone().or_else(|| {
        attempt
            .response_status
            .filter(|s| !(200..300).contains(s))
            .map(|s| format!("Orange answered {s}"))
    });
    let (state, next_at, delivered_at, failed_at) = match next {
        Next::Delivered => ("delivered", None, Some(now.clone()), None),
        Next::RetryAt(at) => ("pending", Some(clock::format(at)), None, None),
        Next::Failed => ("failed", None, None, Some(now.clone())),
    };
    sqlx::query(
        "UPDATE outbox_events SET state = $2, next_attempt_at = $3, delivered_at = COALESCE($4, delivered_at), \
         failed_at = $5, lease_owner = NULL, lease_expires_at = NULL, last_error = $6, \
         last_response_status = $7, updated_at = $8 WHERE id = $1",
    )
    .bind(event_id)
    .bind(state)
    .bind(next_at)
    .bind(delivered_at)
    .bind(failed_at)
    .bind(last_error)
    .bind(attempt.response_status.map(i64::from))
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Gives an event back without an attempt (the worker is stopping or delivery was paused).
pub async fn release(db: &Db, owner: &str, event_id: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE outbox_events SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL \
         WHERE id = $1 AND lease_owner = $2 AND state = 'delivering'",
    )
    .bind(event_id)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A name for this process as a lease owner.
pub fn owner_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "fleetdesk".to_owned());
    format!("{host}-{}-{}", std::process::id(), ids::new_id("w"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn answered(status: u16) -> Attempt {
        Attempt {
            response_status: Some(status),
            ..Attempt::default()
        }
    }

    #[test]
    fn answers_decide_between_delivered_retry_and_failed() {
        let now = datetime!(2026-11-27 12:00 UTC);
        let delays = [30, 120];
        assert_eq!(
            decide(&answered(202), 1, &delays, now, 0.5),
            Next::Delivered
        );
        assert_eq!(decide(&answered(400), 1, &delays, now, 0.5), Next::Failed);
        assert_eq!(decide(&answered(404), 1, &delays, now, 0.5), Next::Failed);
        for status in [408, 429, 500, 503] {
            assert_eq!(
                decide(&answered(status), 1, &delays, now, 0.5),
                Next::RetryAt(now + Duration::from_secs(30)),
                "{status}"
            );
        }
        let no_answer = Attempt {
            error: Some("timeout".into()),
            ..Attempt::default()
        };
        assert_eq!(
            decide(&no_answer, 2, &delays, now, 0.5),
            Next::RetryAt(now + Duration::from_secs(120))
        );
        assert_eq!(
            decide(&no_answer, 3, &delays, now, 0.5),
            Next::Failed,
            "schedule exhausted"
        );
        let Next::RetryAt(early) = decide(&answered(500), 2, &delays, now, 0.0) else {
            panic!("retry")
        };
        let Next::RetryAt(late) = decide(&answered(500), 2, &delays, now, 0.999) else {
            panic!("retry")
        };
        assert!(early < now + Duration::from_secs(120) && late > now + Duration::from_secs(120));
        assert!(early >= now + Duration::from_secs(96) && late <= now + Duration::from_secs(144));
    }

    #[test]
    fn retry_after_is_honoured_in_seconds_or_as_a_date() {
        let now = datetime!(2026-11-27 12:00 UTC);
        assert_eq!(parse_retry_after("90", now), Some(Duration::from_secs(90)));
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 12:05:00 GMT", now),
            Some(Duration::from_secs(300))
        );
        let asked = Attempt {
            response_status: Some(429),
            retry_after: Some(Duration::from_secs(600)),
            ..Attempt::default()
        };
        assert_eq!(
            decide(&asked, 1, &[30], now, 0.5),
            Next::RetryAt(now + Duration::from_secs(600))
        );
    }
}
