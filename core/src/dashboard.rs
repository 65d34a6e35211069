//! The console's dashboard numbers: customers, fleets, licences by state, placeholders still to
//! replace, orders and tasks by state, stuck work, events waiting or failed, and how well delivery
//! to Orange went over the last day. Each number is one grouped query on an indexed column.
//!
//! Counting a million licences takes longer than a page should (a whole index read per state
//! column), so a large installation's dashboard reads a [`Snapshot`] instead: the counts kept in
//! the settings, shared by every instance, taken again in the background ([`refresh`]) as often as
//! their cost allows, the page saying when they were taken. A small installation (most, and every
//! test) is counted on each visit.

use std::time::Instant;

use fleetdesk_vocab::{EventState, LicenceState, Word, WorkState};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use time::Duration;

use crate::clock;
use crate::db::{Db, DbError, word};
use crate::settings;
use crate::stuck::{self, Thresholds};

/// Everything the dashboard shows, read at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub customers: i64,
    pub fleets: i64,
    /// `(state, n)` for every licence state that has licences.
    pub licences: Vec<(LicenceState, i64)>,
    /// Realizing resources whose value is still a placeholder.
    pub placeholders: i64,
    pub orders: Vec<(WorkState, i64)>,
    pub tasks: Vec<(WorkState, i64)>,
    pub events: Vec<(EventState, i64)>,
    /// Orders and tasks acknowledged or in progress for longer than the thresholds allow.
    pub stuck_orders: i64,
    pub stuck_tasks: i64,
    /// Events failed for good, or pending longer than the threshold allows.
    pub stuck_events: i64,
    /// Delivery attempts over the last 24 hours: `(delivered, all)`.
    pub attempts_last_day: (i64, i64),
}

impl Counts {
    /// How many rows counting had to read: licences, events, orders, tasks (the tables that grow).
    pub fn rows(&self) -> i64 {
        self.licences
            .iter()
            .map(|(_, n)| n)
            .chain(self.orders.iter().map(|(_, n)| n))
            .chain(self.tasks.iter().map(|(_, n)| n))
            .chain(self.events.iter().map(|(_, n)| n))
            .sum::<i64>()
            + self.placeholders
    }

    /// The share of the last day's delivery attempts that Orange accepted, in percent.
    pub fn success_rate(&self) -> Option<u32> {
        let (delivered, all) = self.attempts_last_day;
        (all > 0).then(|| u32::try_from(delivered * 100 / all).unwrap_or(100))
    }
}

async fn grouped<W: Word>(db: &Db, table: &str) -> Result<Vec<(W, i64)>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT state, COUNT(*) AS n FROM {table} GROUP BY state ORDER BY state"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| Ok((word(r, "state")?, r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

async fn count(db: &Db, sql: &str, binds: &[&str]) -> Result<i64, DbError> {
    let mut query = sqlx::query(sql);
    for value in binds {
        query = query.bind(*value);
    }
    Ok(query.fetch_one(db.pool()).await?.try_get("n")?)
}

/// Reads every dashboard number.
pub async fn counts(db: &Db, thresholds: &Thresholds) -> Result<Counts, DbError> {
    let now = clock::now();
    let before = |minutes: u32| clock::format(now - Duration::minutes(i64::from(minutes)));
    let order_limit = before(thresholds.order_minutes);
    let task_limit = before(thresholds.task_minutes);
    let event_limit = before(thresholds.event_minutes);
    let day_ago = clock::format(now - Duration::days(1));

    let attempts = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN outcome = 'delivered' THEN 1 ELSE 0 END), 0) \
         AS delivered FROM outbox_attempts WHERE started_at >= $1",
    )
    .bind(&day_ago)
    .fetch_one(db.pool())
    .await?;

    Ok(Counts {
        customers: count(db, "SELECT COUNT(*) AS n FROM customers", &[]).await?,
        fleets: count(db, "SELECT COUNT(*) AS n FROM fleets", &[]).await?,
        licences: grouped(db, "licences").await?,
        placeholders: count(
            db,
            "SELECT COUNT(*) AS n FROM realizing_resources WHERE placeholder_since IS NOT NULL",
            &[],
        )
        .await?,
        orders: grouped(db, "product_orders").await?,
        tasks: grouped(db, "user_service_tasks").await?,
        events: grouped(db, "outbox_events").await?,
        stuck_orders: count(
            db,
            "SELECT COUNT(*) AS n FROM product_orders \
             WHERE state IN ('acknowledged', 'inProgress') AND created_at < $1",
            &[&order_limit],
        )
        .await?,
        stuck_tasks: count(
            db,
            "SELECT COUNT(*) AS n FROM user_service_tasks \
             WHERE state IN ('acknowledged', 'inProgress') AND created_at < $1",
            &[&task_limit],
        )
        .await?,
        stuck_events: count(
            db,
            "SELECT COUNT(*) AS n FROM outbox_events \
             WHERE state = 'failed' OR (state = 'pending' AND created_at < $1)",
            &[&event_limit],
        )
        .await?,
        attempts_last_day: (
            attempts.try_get::<i64, _>("delivered")?,
            attempts.try_get::<i64, _>("n")?,
        ),
    })
}

/// The settings key of the kept [`Snapshot`].
pub const SNAPSHOT_KEY: &str = "dashboard_counts";

/// Above this many rows counted ([`Counts::rows`]), the dashboard shows the kept snapshot instead
/// of counting on each visit. Counting this many takes about 10 ms on either database.
pub const LIVE_ROWS: i64 = 100_000;

/// The counts as last taken, with when and how long it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub counts: Counts,
    /// When they were taken (RFC 3339, UTC).
    pub counted_at: String,
    /// How long counting took, in milliseconds.
    pub took_ms: u64,
}

impl Snapshot {
    /// How often these counts are taken again: every 15 s, or, when counting is slow, fifty times
    /// what it took (counting then costs the database at most 2 % of one core).
    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.took_ms.saturating_mul(50).max(15_000))
    }

    fn is_due(&self, now: time::OffsetDateTime) -> bool {
        let Ok(at) = clock::parse(&self.counted_at) else {
            return true;
        };
        now - at >= self.interval()
    }
}

/// What the dashboard shows: the counts, and whether they come from the kept snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub counts: Counts,
    /// `(counted at, every how many seconds)` when the counts were not taken just now.
    pub kept: Option<(String, u64)>,
}

async fn take(db: &Db, thresholds: &Thresholds) -> Result<Snapshot, DbError> {
    let started = Instant::now();
    let counted_at = clock::format(clock::now());
    let counts = counts(db, thresholds).await?;
    Ok(Snapshot {
        counts,
        counted_at,
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// The dashboard's numbers for a page: counted now on a small installation, the kept snapshot on a
/// large one (counted now, and kept, the first time).
pub async fn read(db: &Db, thresholds: &Thresholds) -> Result<Reading, DbError> {
    read_above(db, thresholds, LIVE_ROWS).await
}

/// [`read`], keeping the counts above `live_rows` rows.
async fn read_above(db: &Db, thresholds: &Thresholds, live_rows: i64) -> Result<Reading, DbError> {
    if let Some(kept) = settings::get::<Snapshot>(db, SNAPSHOT_KEY).await?
        && kept.counts.rows() > live_rows
    {
        let every = kept.interval().as_secs();
        return Ok(Reading {
            counts: kept.counts,
            kept: Some((kept.counted_at, every)),
        });
    }
    let taken = take(db, thresholds).await?;
    if taken.counts.rows() > live_rows {
        settings::set(db, SNAPSHOT_KEY, &taken).await?;
    }
    Ok(Reading {
        counts: taken.counts,
        kept: None,
    })
}

/// Takes the counts again when the kept snapshot is due, with the stuck-work thresholds as now
/// set. Nothing is kept for a small installation (its pages count), so there is nothing to do.
/// Every instance may call it; one that finds the snapshot just taken by another does nothing.
/// Returns whether it counted.
pub async fn refresh(db: &Db) -> Result<bool, DbError> {
    let Some(kept) = settings::get::<Snapshot>(db, SNAPSHOT_KEY).await? else {
        return Ok(false);
    };
    if !kept.is_due(clock::now()) {
        return Ok(false);
    }
    let thresholds = stuck::load(db).await?;
    let taken = take(db, &thresholds).await?;
    settings::set(db, SNAPSHOT_KEY, &taken).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::{Counts, SNAPSHOT_KEY, Snapshot, counts, read, read_above, refresh};
    use crate::on_each_db;
    use crate::settings;
    use crate::stuck::Thresholds;

    async fn add_event(db: &crate::Db, id: &str, state: &str, created_at: &str) {
        sqlx::query(
            "INSERT INTO outbox_events (id, event_type, resource_kind, resource_id, \
             ordering_key, target, payload_json, state, attempt_count, created_at, \
             updated_at) VALUES ($1, 'userServiceStateChangeEvent', 'userService', \
             'lic_1', 'licence:lic_1', 'orange_user_service', '{}', $2, 0, $3, $3)",
        )
        .bind(id)
        .bind(state)
        .bind(created_at)
        .execute(db.pool())
        .await
        .expect("event");
    }

    fn pending(counts: &Counts) -> i64 {
        counts
            .events
            .iter()
            .find(|(state, _)| *state == fleetdesk_vocab::EventState::Pending)
            .map_or(0, |(_, n)| *n)
    }

    #[tokio::test]
    async fn a_small_installation_is_counted_on_each_visit() {
        on_each_db!(|db| async move {
            let thresholds = Thresholds::default();
            let first = read(&db, &thresholds).await.expect("read");
            assert_eq!(first.kept, None);
            add_event(&db, "evt_1", "pending", "2999-01-01T00:00:00.000Z").await;
            let second = read(&db, &thresholds).await.expect("read");
            assert_eq!((pending(&second.counts), second.kept), (1, None));
            assert_eq!(
                settings::get::<Snapshot>(&db, SNAPSHOT_KEY)
                    .await
                    .expect("get"),
                None,
                "nothing kept for a small installation"
            );
        });
    }

    #[tokio::test]
    async fn a_large_installation_reads_the_kept_counts_until_they_are_due_again() {
        on_each_db!(|db| async move {
            let thresholds = Thresholds::default();
            add_event(&db, "evt_1", "pending", "2999-01-01T00:00:00.000Z").await;
            // Above 0 rows: kept, as above `LIVE_ROWS` rows in production.
            let first = read_above(&db, &thresholds, 0).await.expect("read");
            assert_eq!((pending(&first.counts), first.kept), (1, None));
            let kept = settings::get::<Snapshot>(&db, SNAPSHOT_KEY)
                .await
                .expect("get")
                .expect("kept once counting found more rows than the limit");

            add_event(&db, "evt_2", "pending", "2999-01-01T00:00:00.000Z").await;
            let second = read_above(&db, &thresholds, 0).await.expect("read");
            assert_eq!(
                pending(&second.counts),
                1,
                "the kept counts, not a new count"
            );
            assert_eq!(second.kept, Some((kept.counted_at.clone(), 15)));
            assert!(!refresh(&db).await.expect("refresh"), "not due yet");

            let due = Snapshot {
                counted_at: "2020-01-01T00:00:00.000Z".to_owned(),
                ..kept
            };
            settings::set(&db, SNAPSHOT_KEY, &due).await.expect("set");
            assert!(refresh(&db).await.expect("refresh"), "due: counted again");
            let third = read_above(&db, &thresholds, 0).await.expect("read");
            assert_eq!(pending(&third.counts), 2);
            assert_ne!(third.kept.expect("kept").0, due.counted_at);
        });
    }

    #[test]
    fn slow_counting_is_repeated_less_often() {
        let snapshot = |took_ms| Snapshot {
            counts: Counts::default(),
            counted_at: String::new(),
            took_ms,
        };
        assert_eq!(snapshot(3).interval().as_secs(), 15);
        assert_eq!(snapshot(350).interval().as_millis(), 17_500);
    }

    #[test]
    fn the_success_rate_needs_attempts() {
        let mut numbers = Counts::default();
        assert_eq!(numbers.success_rate(), None);
        numbers.attempts_last_day = (3, 4);
        assert_eq!(numbers.success_rate(), Some(75));
    }

    #[tokio::test]
    async fn an_empty_install_counts_nothing_and_old_waiting_events_are_stuck() {
        on_each_db!(|db| async move {
            let thresholds = Thresholds::default();
            let empty = counts(&db, &thresholds).await.expect("counts");
            assert_eq!(empty, Counts::default());

            for (id, state, created_at) in [
                ("evt_old", "pending", "2020-01-01T00:00:00.000Z"),
                ("evt_new", "pending", "2999-01-01T00:00:00.000Z"),
                ("evt_failed", "failed", "2999-01-01T00:00:00.000Z"),
            ] {
                add_event(&db, id, state, created_at).await;
            }
            let numbers = counts(&db, &thresholds).await.expect("counts");
            assert_eq!(
                numbers.events,
                vec![
                    (fleetdesk_vocab::EventState::Failed, 1),
                    (fleetdesk_vocab::EventState::Pending, 2)
                ]
            );
            assert_eq!(
                numbers.stuck_events, 2,
                "the old pending one and the failed one"
            );
        });
    }
}
