//! How long the records that grow with use are kept, and the purge that runs in the background.
//!
//! - Raw Orange exchanges: `exchange_retention_days` of the Orange settings (each exchange carries
//!   its own expiry); removed once expired.
//! - Delivery attempts: removed `attempt_days` after they were made, once their event is finished
//!   (delivered or failed); the event itself stays, with its state and counts.
//! - Audit details: the before/after of entries older than `audit_detail_days` are cleared; the
//!   entry itself (who did what to which object, when) stays.
//!
//! Each run is recorded (when, how many of each), for the console's retention page.

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::db::{Db, DbError};
use crate::orange::exchanges;
use crate::settings;

const KEY: &str = "retention";
const LAST_RUN_KEY: &str = "retention_last_run";
/// Rows changed per statement: a purge never holds a long lock on a large table.
const BATCH: i64 = 5_000;

/// Days each kind of record is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    pub attempt_days: u32,
    pub audit_detail_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            attempt_days: 90,
            audit_detail_days: 365,
        }
    }
}

/// The allowed number of days for each setting.
pub const DAYS: std::ops::RangeInclusive<u32> = 1..=3650;

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("records are kept 1 to 3650 days")]
    Days,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What one purge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Purge {
    pub at: String,
    pub exchanges: u64,
    pub attempts: u64,
    pub audit_details: u64,
}

pub async fn load(db: &Db) -> Result<Retention, DbError> {
    Ok(settings::get::<Retention>(db, KEY)
        .await?
        .unwrap_or_default())
}

/// Stores new retention periods, audited in the same transaction.
pub async fn save(
    db: &Db,
    new: &Retention,
    acting: &crate::audit::Acting,
) -> Result<(), RetentionError> {
    if !DAYS.contains(&new.attempt_days) || !DAYS.contains(&new.audit_detail_days) {
        return Err(RetentionError::Days);
    }
    let named = settings::Named {
        action: "retention.update",
        object_id: "retention",
    };
    settings::set_audited(db, acting, KEY, named, new).await?;
    Ok(())
}

/// The last purge, if one ran.
pub async fn last_purge(db: &Db) -> Result<Option<Purge>, DbError> {
    settings::get::<Purge>(db, LAST_RUN_KEY).await
}

/// Runs one purge with the current settings and records it.
pub async fn purge(db: &Db) -> Result<Purge, DbError> {
    let keep = load(db).await?;
    let now = clock::now();
    let before = |days: u32| clock::format(now - time::Duration::days(i64::from(days)));
    let exchanges = exchanges::purge_expired(db).await?;
    let attempts = in_batches(
        db,
        "DELETE FROM outbox_attempts WHERE id IN (SELECT a.id FROM outbox_attempts a \
         JOIN outbox_events e ON e.id = a.event_id \
         WHERE a.started_at < $1 AND e.state IN ('delivered', 'failed', 'cancelled') LIMIT $2)",
        &before(keep.attempt_days),
    )
    .await?;
    let audit_details = in_batches(
        db,
        "UPDATE audit_log SET before_json = NULL, after_json = NULL WHERE id IN \
         (SELECT id FROM audit_log WHERE at < $1 \
          AND (before_json IS NOT NULL OR after_json IS NOT NULL) LIMIT $2)",
        &before(keep.audit_detail_days),
    )
    .await?;
    let done = Purge {
        at: clock::format(now),
        exchanges,
        attempts,
        audit_details,
    };
    settings::set(db, LAST_RUN_KEY, &done).await?;
    Ok(done)
}

async fn in_batches(db: &Db, sql: &str, cutoff: &str) -> Result<u64, DbError> {
    let mut total = 0;
    loop {
        let done = sqlx::query(sql)
            .bind(cutoff)
            .bind(BATCH)
            .execute(db.pool())
            .await?
            .rows_affected();
        total += done;
        if done < BATCH as u64 {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, Actor, Entry};
    use crate::on_each_db;
    use fleetdesk_vocab::{AttemptId, EventId};

    async fn attempt(db: &Db, event_state: &str, started_at: &str) -> EventId {
        let event = crate::ids::new_id::<EventId>();
        sqlx::query(
            "INSERT INTO outbox_events (id, event_type, resource_kind, resource_id, ordering_key, \
             target, payload_json, state, created_at, updated_at) \
             VALUES ($1, 'userServiceStateChangeEvent', 'userService', 'lic_1', $1, \
             'orange_user_service', '{}', $2, $3, $3)",
        )
        .bind(&event)
        .bind(event_state)
        .bind(started_at)
        .execute(db.pool())
        .await
        .expect("event");
        sqlx::query(
            "INSERT INTO outbox_attempts (id, event_id, attempt_no, started_at, url, \
             request_headers_json, request_body, outcome) \
             VALUES ($1, $2, 1, $3, 'https://orange.example/e', '{}', '{}', 'retry')",
        )
        .bind(crate::ids::new_id::<AttemptId>())
        .bind(&event)
        .bind(started_at)
        .execute(db.pool())
        .await
        .expect("attempt");
        event
    }

    use crate::testing::count;

    #[tokio::test]
    async fn old_attempts_of_finished_events_and_old_audit_details_go_and_the_rest_stays() {
        on_each_db!(|db| async move {
            assert_eq!(load(&db).await.expect("load"), Retention::default());
            assert!(matches!(
                save(
                    &db,
                    &Retention {
                        attempt_days: 0,
                        audit_detail_days: 10
                    },
                    &crate::audit::Acting::system(),
                )
                .await,
                Err(RetentionError::Days)
            ));
            save(
                &db,
                &Retention {
                    attempt_days: 30,
                    audit_detail_days: 60,
                },
                &crate::audit::Acting::system(),
            )
            .await
            .expect("save");
            let days_ago = |n: i64| clock::format(clock::now() - time::Duration::days(n));
            attempt(&db, "delivered", &days_ago(31)).await;
            attempt(&db, "failed", &days_ago(40)).await;
            attempt(&db, "pending", &days_ago(40)).await; // still being retried: kept
            attempt(&db, "delivered", &days_ago(29)).await; // young: kept
            for (at, action) in [(days_ago(61), "old"), (days_ago(59), "young")] {
                let id = audit::record(
                    db.pool(),
                    &Entry::new(Actor::system(), action, "licence", Some("lic_1"))
                        .before(serde_json::json!({"x": 1}))
                        .after(serde_json::json!({"x": 2})),
                )
                .await
                .expect("audit");
                sqlx::query("UPDATE audit_log SET at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(at)
                    .execute(db.pool())
                    .await
                    .expect("backdate");
            }
            assert_eq!(last_purge(&db).await.expect("last"), None);

            let done = purge(&db).await.expect("purge");
            assert_eq!((done.attempts, done.audit_details), (2, 1));
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox_attempts").await, 2);
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM outbox_events").await,
                4,
                "events stay"
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM audit_log WHERE before_json IS NULL AND after_json IS NULL AND action = 'old'").await,
                1
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM audit_log WHERE after_json IS NOT NULL AND action = 'young'").await,
                1
            );
            assert_eq!(last_purge(&db).await.expect("last"), Some(done));
            let again = purge(&db).await.expect("purge again");
            assert_eq!((again.attempts, again.audit_details), (0, 0));
        });
    }
}
