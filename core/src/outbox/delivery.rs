//! The storage side of delivering events: claiming due events under a lease, renewing the lease
//! while attempts run, recording attempts in batches, and deciding what happens next (contract
//! section 6, delivery rules). The sending side is the server's delivery engine.
//!
//! - An event is claimed with a lease (`lease_owner`, `lease_expires_at`), set and judged by the
//!   database's clock. The engine renews its leases while attempts run; if the process dies, the
//!   lease runs out and any instance takes the event up again: never lost, never stuck in
//!   `delivering`.
//! - On PostgreSQL the claim locks rows with `FOR UPDATE SKIP LOCKED`, so several instances never
//!   claim the same event at once. SQLite serialises writers.
//! - An event is not claimed while an earlier event of the same ordering key (the same order or
//!   licence) is pending or delivering. "Earlier" is the key's own sequence (`key_seq`), numbered
//!   by the database when the event is written, never the application's clock.
//! - Outcomes are written only while the lease is still held. An attempt whose lease was lost is
//!   still recorded (it went out), without changing the event that another instance now holds.

use fleetdesk_vocab::{AttemptId, EventId};
use std::time::Duration;

use sqlx::Row;
use time::OffsetDateTime;

use crate::db::{Db, DbError, placeholders};
use crate::{clock, ids};

/// The targets the Orange delivery worker sends to.
pub const ORANGE_TARGETS: [&str; 2] = ["orange_product_order", "orange_user_service"];

/// Bodies of requests and answers kept in an attempt are cut past 64 KiB, as for Orange's calls.
pub const BODY_CAP: usize = crate::orange::exchanges::BODY_CAP;

/// "Held under a lease by this instance", for the statements that name their events by id: the
/// state is a filter, not a way into the partial index on `lease_expires_at` (`WHERE state =
/// 'delivering'`). Planned on statistics taken while the outbox was small, PostgreSQL read that
/// whole index for each batch of outcomes and ANDed it with the ids'; every event delivered since
/// the last vacuum leaves an entry there, so each batch read 11,000 entries during a drain of
/// 20,000 events, 51,000 when two instances drained the next 20,000 (`pg_stat_user_indexes`), and
/// the database did twice the work for the same events with two instances.
const HELD: &str = "(state || '') = 'delivering'";

/// Rows per multi-row statement (well below both databases' limits on bound parameters).
const ROWS_PER_STATEMENT: usize = 200;

/// A claimed event, ready to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: EventId,
    pub target: String,
    pub payload: String,
    pub attempt_count: i64,
    pub request_id: Option<String>,
    /// When the event was written (stored text), for the delivery delay.
    pub created_at: String,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Claims up to `limit` due events of `target` for `owner`, leased for `lease` by the database's
/// clock; `now` (this instance's clock) decides which retries are due.
pub async fn claim(
    db: &Db,
    owner: &str,
    target: &str,
    lease: Duration,
    limit: u32,
) -> Result<Vec<Claimed>, DbError> {
    let dialect = db.dialect();
    // The events are picked once, in a materialized step: as `UPDATE ... WHERE id IN (SELECT ...
    // LIMIT n FOR UPDATE SKIP LOCKED)`, PostgreSQL may run the subquery again for each row it
    // updates, and each run skips the rows the statement already changed and picks others, so a
    // claim of n took more than n events.
    let sql = format!(
        "WITH picked AS MATERIALIZED (SELECT e.id FROM outbox_events e \
           WHERE e.state = 'pending' AND e.target = $4 AND e.next_attempt_at <= $3 \
           AND NOT EXISTS (SELECT 1 FROM outbox_events p WHERE p.ordering_key = e.ordering_key \
                AND p.key_seq < e.key_seq AND p.state IN ('pending', 'delivering')) \
           ORDER BY e.next_attempt_at, e.id LIMIT $5 {lock}) \
         UPDATE outbox_events SET state = 'delivering', lease_owner = $1, lease_expires_at = {until}, \
         updated_at = $3 \
         WHERE id IN (SELECT id FROM picked) AND state = 'pending' \
         RETURNING id, target, payload_json, attempt_count, request_id, key_seq, created_at",
        until = dialect.now_plus_millis_sql(2),
        lock = dialect.skip_locked(),
    );
    let mut tx = db.begin_write().await?;
    let rows = sqlx::query(&sql)
        .bind(owner)
        .bind(millis(lease))
        .bind(clock::now_text())
        .bind(target)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<String, _>("id")?,
                Claimed {
                    id: row.try_get("id")?,
                    target: row.try_get("target")?,
                    payload: row.try_get("payload_json")?,
                    attempt_count: row.try_get("attempt_count")?,
                    request_id: row.try_get("request_id")?,
                    created_at: row.try_get("created_at")?,
                },
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    claimed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(claimed.into_iter().map(|(_, c)| c).collect())
}

/// How many events of `targets` are due now and not yet delivered, counted up to `cap`: how far
/// delivery is behind. Events waiting for a later retry are not counted, so a destination that is
/// down does not look like a queue to wait for.
pub async fn due_backlog(db: &Db, targets: &[&str], cap: u32) -> Result<u32, DbError> {
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM outbox_events \
           WHERE state = 'pending' AND next_attempt_at <= $1 AND target IN ({}) LIMIT ${}) due",
        placeholders(2, targets.len()),
        targets.len() + 2
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(clock::now_text());
    for target in targets {
        query = query.bind(*target);
    }
    let due = query.bind(i64::from(cap)).fetch_one(db.pool()).await?;
    Ok(u32::try_from(due).unwrap_or(cap))
}

/// Extends the leases `owner` holds on `event_ids` by `lease` from now (database clock); returns
/// the ids still held. An id the caller thinks it holds and that is missing here was taken over:
/// its attempt must not go out. Only the events the engine is still working on are named: an
/// event it gave up on (a recording it could not write, an attempt it abandoned) is never renewed,
/// so its lease runs out and any instance takes it up again.
pub async fn renew(
    db: &Db,
    owner: &str,
    event_ids: &[EventId],
    lease: Duration,
) -> Result<Vec<EventId>, DbError> {
    let mut held: Vec<EventId> = Vec::with_capacity(event_ids.len());
    for chunk in event_ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE outbox_events SET lease_expires_at = {} \
             WHERE lease_owner = $1 AND {HELD} AND id IN ({}) RETURNING id",
            db.dialect().now_plus_millis_sql(2),
            placeholders(3, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, EventId>(&sql)
            .bind(owner)
            .bind(millis(lease));
        for id in chunk {
            query = query.bind(id);
        }
        held.extend(query.fetch_all(db.pool()).await?);
    }
    Ok(held)
}

/// Gives back every event whose lease ran out (its instance died or lost the database) so that
/// any instance claims it again; returns how many.
pub async fn reclaim_expired(db: &Db) -> Result<u64, DbError> {
    let sql = format!(
        "UPDATE outbox_events SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL \
         WHERE state = 'delivering' AND lease_expires_at < {}",
        db.dialect().now_plus_millis_sql(1)
    );
    let done = sqlx::query(&sql).bind(0_i64).execute(db.pool()).await?;
    Ok(done.rows_affected())
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

/// One finished attempt, to be recorded.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub event_id: EventId,
    pub attempt: Attempt,
    pub next: Next,
    /// When the request was sent.
    pub started_at: OffsetDateTime,
    /// Only logged: an attempt followed at once by another for the same event (after a 401, with
    /// a fresh token); the later outcome moves the event on.
    pub log_only: bool,
}

/// What recording an outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The attempt is in the log (and, for the final one, the event moved on).
    Applied,
    /// The lease had been lost: the attempt is in the log, the event was left to its new holder.
    LeaseLost,
}

/// Records a batch of attempts in one transaction with a few statements: the events `owner` still
/// holds move on (delivered ones in one statement), the others only get their attempt logged.
/// Returns, for each outcome in order, what was recorded.
pub async fn record(db: &Db, owner: &str, outcomes: &[Outcome]) -> Result<Vec<Recorded>, DbError> {
    if outcomes.is_empty() {
        return Ok(Vec::new());
    }
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    // Each outcome's attempt number, once its event row counted it.
    let mut numbers: Vec<Option<i64>> = vec![None; outcomes.len()];
    let mut lost = vec![false; outcomes.len()];

    // Attempts only logged come first: they went out before the final one of their event.
    for (i, outcome) in outcomes.iter().enumerate().filter(|(_, o)| o.log_only) {
        numbers[i] = count_attempt(&mut tx, outcome.event_id.as_str()).await?;
    }

    // Delivered events, grouped by the status the receiver answered: one statement per group.
    let mut delivered: std::collections::BTreeMap<Option<u16>, Vec<usize>> = Default::default();
    for (i, outcome) in outcomes.iter().enumerate() {
        if !outcome.log_only && outcome.next == Next::Delivered {
            delivered
                .entry(outcome.attempt.response_status)
                .or_default()
                .push(i);
        }
    }
    for (status, indexes) in &delivered {
        for chunk in indexes.chunks(ROWS_PER_STATEMENT) {
            let list = placeholders(4, chunk.len());
            let sql = format!(
                "UPDATE outbox_events SET state = 'delivered', attempt_count = attempt_count + 1, \
                 next_attempt_at = NULL, delivered_at = $2, failed_at = NULL, lease_owner = NULL, \
                 lease_expires_at = NULL, last_error = NULL, last_response_status = $3, updated_at = $2 \
                 WHERE lease_owner = $1 AND {HELD} AND id IN ({list}) \
                 RETURNING id, attempt_count"
            );
            let mut query = sqlx::query(&sql)
                .bind(owner)
                .bind(&now)
                .bind(status.map(i64::from));
            for i in chunk {
                query = query.bind(outcomes[*i].event_id.as_str());
            }
            let counted: std::collections::HashMap<String, i64> = query
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| Ok((row.try_get("id")?, row.try_get("attempt_count")?)))
                .collect::<Result<_, sqlx::Error>>()?;
            for i in chunk {
                numbers[*i] = counted.get(outcomes[*i].event_id.as_str()).copied();
            }
        }
    }

    // Retries and failures: each has its own time and error (rare next to deliveries).
    let retry_or_fail = format!(
        "UPDATE outbox_events SET state = $3, attempt_count = attempt_count + 1, \
         next_attempt_at = $4, failed_at = $5, lease_owner = NULL, lease_expires_at = NULL, \
         last_error = $6, last_response_status = $7, updated_at = $8 \
         WHERE id = $1 AND lease_owner = $2 AND {HELD} RETURNING attempt_count"
    );
    for (i, outcome) in outcomes.iter().enumerate() {
        if outcome.log_only || outcome.next == Next::Delivered {
            continue;
        }
        let last_error = outcome.attempt.error.clone().or_else(|| {
            outcome
                .attempt
                .response_status
                .filter(|s| !(200..300).contains(s))
                .map(|s| format!("the receiver answered {s}"))
        });
        let (state, next_at, failed_at) = match outcome.next {
            Next::RetryAt(at) => ("pending", Some(clock::format(at)), None),
            _ => ("failed", None, Some(now.clone())),
        };
        numbers[i] = sqlx::query_scalar(&retry_or_fail)
            .bind(&outcome.event_id)
            .bind(owner)
            .bind(state)
            .bind(next_at)
            .bind(failed_at)
            .bind(last_error)
            .bind(outcome.attempt.response_status.map(i64::from))
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?;
    }

    // Attempts whose lease was lost went out all the same: numbered, logged, the event untouched.
    for (i, outcome) in outcomes.iter().enumerate() {
        if numbers[i].is_none() {
            lost[i] = true;
            numbers[i] = count_attempt(&mut tx, outcome.event_id.as_str()).await?;
        }
    }

    let logged: Vec<(&Outcome, i64, bool)> = outcomes
        .iter()
        .zip(numbers.iter().zip(&lost))
        .filter_map(|(o, (n, lost))| n.map(|n| (o, n, *lost)))
        .collect();
    for chunk in logged.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO outbox_attempts (id, event_id, attempt_no, started_at, url, \
             request_headers_json, request_body, response_status, response_headers_json, \
             response_body, response_body_bytes, latency_ms, error, outcome) VALUES ",
        );
        for n in 0..chunk.len() {
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&placeholders(1 + n * 14, 14));
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for (outcome, no, lost) in chunk {
            let attempt = &outcome.attempt;
            let json =
                |pairs: &Vec<(String, String)>| serde_json::to_string(pairs).unwrap_or_default();
            let error = if *lost {
                Some(match &attempt.error {
                    Some(error) => format!("{error}; {LEASE_LOST}"),
                    None => LEASE_LOST.to_owned(),
                })
            } else {
                attempt.error.clone()
            };
            query = query
                .bind(ids::new_id::<AttemptId>())
                .bind(outcome.event_id.clone())
                .bind(*no)
                .bind(clock::format(outcome.started_at))
                .bind(attempt.url.clone())
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
                .bind(error)
                .bind(outcome.next.outcome());
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(lost
        .into_iter()
        .map(|lost| {
            if lost {
                Recorded::LeaseLost
            } else {
                Recorded::Applied
            }
        })
        .collect())
}

/// Counts one more attempt of an event without moving it on; its number (`None`: no such event).
async fn count_attempt(
    conn: &mut sqlx::AnyConnection,
    event_id: &str,
) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query_scalar(
        "UPDATE outbox_events SET attempt_count = attempt_count + 1 WHERE id = $1 \
         RETURNING attempt_count",
    )
    .bind(event_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// What an attempt recorded after its lease was lost says.
pub const LEASE_LOST: &str =
    "the lease was lost during this attempt: the event was left to the instance holding it";

/// Gives events back without an attempt (the engine is stopping, or delivery was paused).
pub async fn release(db: &Db, owner: &str, event_ids: &[EventId]) -> Result<(), DbError> {
    for chunk in event_ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE outbox_events SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL \
             WHERE lease_owner = $1 AND {HELD} AND id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(owner);
        for id in chunk {
            query = query.bind(id);
        }
        query.execute(db.pool()).await?;
    }
    Ok(())
}

/// A name for this process as a lease owner.
pub fn owner_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "fleetdesk".to_owned());
    format!("{host}-{}-{}", std::process::id(), ids::new_text("w"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;
    use crate::outbox::OrangeEventType;
    use time::macros::datetime;

    /// One state change event per licence named, in one transaction.
    async fn state_changes(db: &Db, licences: &[&str]) {
        let mut tx = db.begin_write().await.expect("transaction");
        for licence in licences {
            crate::outbox::enqueue_licence_event(
                &mut tx,
                OrangeEventType::UserServiceStateChange,
                crate::testing::licence_resource(licence),
                None,
                None,
            )
            .await
            .expect("event");
        }
        tx.commit().await.expect("commit");
    }

    #[tokio::test]
    async fn only_the_leases_named_are_renewed_and_a_forgotten_one_runs_out() {
        on_each_db!(|db| async move {
            state_changes(&db, &["lic_kept", "lic_forgotten"]).await;
            let lease = Duration::from_millis(1500);
            let claimed = claim(&db, "owner-a", "orange_user_service", lease, 10)
                .await
                .expect("claim");
            assert_eq!(claimed.len(), 2);
            let (kept, forgotten) = (claimed[0].id.clone(), claimed[1].id.clone());
            // The owner keeps renewing the one event it still works on, well within the lease.
            for _ in 0..6 {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let held = renew(&db, "owner-a", std::slice::from_ref(&kept), lease)
                    .await
                    .expect("renew");
                assert_eq!(held, vec![kept.clone()]);
            }
            assert_eq!(reclaim_expired(&db).await.expect("reclaim"), 1);
            let again = claim(&db, "owner-b", "orange_user_service", lease, 10)
                .await
                .expect("claim again");
            assert_eq!(
                again.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                vec![forgotten.clone()],
                "the forgotten event is taken up by another instance; the renewed one is not"
            );
            let held = renew(&db, "owner-a", &[kept.clone(), forgotten], lease)
                .await
                .expect("renew");
            assert_eq!(held, vec![kept], "a lease taken over is not renewed");
        });
    }

    #[tokio::test]
    async fn the_due_backlog_counts_due_undelivered_events_up_to_its_cap() {
        on_each_db!(|db| async move {
            // Four events: a second one for lic_a waits behind its first, and is due all the same.
            state_changes(&db, &["lic_a", "lic_b", "lic_c", "lic_a"]).await;
            let due = |targets: &'static [&'static str], cap| {
                let db = db.clone();
                async move { due_backlog(&db, targets, cap).await.expect("counted") }
            };
            assert_eq!(due(&ORANGE_TARGETS, 100).await, 4);
            assert_eq!(due(&ORANGE_TARGETS, 3).await, 3, "counted up to the cap");
            assert_eq!(
                due(&["orange_product_order"], 100).await,
                0,
                "other targets"
            );
            // An event waiting for a later retry is not behind; one being delivered is not waiting.
            let retry_later = format!(
                "UPDATE outbox_events SET next_attempt_at = '{}' WHERE id = \
                 (SELECT id FROM outbox_events WHERE ordering_key = 'licence:lic_b')",
                clock::format(OffsetDateTime::now_utc() + Duration::from_secs(600))
            );
            sqlx::query(&retry_later)
                .execute(db.pool())
                .await
                .expect("retry later");
            assert_eq!(due(&ORANGE_TARGETS, 100).await, 3);
            let claimed = claim(
                &db,
                "owner",
                "orange_user_service",
                Duration::from_secs(30),
                1,
            )
            .await
            .expect("claim");
            assert_eq!(claimed.len(), 1);
            assert_eq!(due(&ORANGE_TARGETS, 100).await, 2);
        });
    }

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
