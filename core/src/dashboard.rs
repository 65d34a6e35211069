//! The console's dashboard numbers: customers, fleets, licences by state, placeholders still to
//! replace, orders and tasks by state, stuck work, events waiting or failed, and how well delivery
//! to Orange went over the last day. Each number is one grouped query on an indexed column.

use fleetdesk_vocab::{EventState, LicenceState, Word, WorkState};
use sqlx::Row;
use time::Duration;

use crate::clock;
use crate::db::{Db, DbError, word};
use crate::stuck::Thresholds;

/// Everything the dashboard shows, read at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::{Counts, counts};
    use crate::on_each_db;
    use crate::stuck::Thresholds;

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
