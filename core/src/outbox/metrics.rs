//! The outbox's state in the shared database, for the metrics: events by state, the oldest event
//! not yet delivered, and whether delivery is paused. Every instance reads the same numbers; the
//! server reads them in the background, never while a scrape waits. What happens on one instance
//! (attempts, their duration, delivery delays) is counted where it happens, not read here.

use fleetdesk_vocab::EventState;
use time::OffsetDateTime;

use crate::clock;
use crate::db::{Db, DbError};

/// The outbox as the database holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Backlog {
    /// Every state, with its count (0 when none).
    pub by_state: Vec<(EventState, i64)>,
    /// When the oldest event still pending or being delivered was created.
    pub oldest_undelivered: Option<OffsetDateTime>,
    pub paused: bool,
}

/// Reads the backlog: three small queries.
pub async fn backlog(db: &Db) -> Result<Backlog, DbError> {
    let counted = super::browse::counts_by_state(db).await?;
    let by_state = EventState::ALL
        .into_iter()
        .map(|state| {
            let n = counted
                .iter()
                .find(|(s, _)| *s == state)
                .map_or(0, |(_, n)| *n);
            (state, n)
        })
        .collect();
    let oldest: Option<String> = sqlx::query_scalar(
        "SELECT MIN(created_at) FROM outbox_events WHERE state IN ('pending', 'delivering')",
    )
    .fetch_one(db.pool())
    .await?;
    let paused = super::settings::load(db).await?.paused;
    Ok(Backlog {
        by_state,
        oldest_undelivered: oldest.as_deref().and_then(|t| clock::parse(t).ok()),
        paused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_empty_outbox_has_no_backlog() {
        crate::on_each_db!(|db| async move {
            let backlog = backlog(&db).await.expect("backlog");
            assert_eq!(backlog.by_state.len(), EventState::ALL.len());
            assert!(backlog.by_state.iter().all(|(_, n)| *n == 0));
            assert_eq!(backlog.oldest_undelivered, None);
            assert!(!backlog.paused);
        });
    }
}
