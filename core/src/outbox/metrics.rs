//! The outbox's state in the shared database, for the metrics: events by state, the oldest event
//! not yet delivered, and whether delivery is paused. Every instance reads the same numbers; the
//! server reads them in the background, never while a scrape waits. What happens on one instance
//! (attempts, their duration, delivery delays) is counted where it happens, not read here.

use fleetdesk_vocab::EventState;
use sqlx::Row;
use time::OffsetDateTime;

use crate::clock;
use crate::db::{Db, DbError, word};

/// The outbox as the database holds it, by destination (`target`).
#[derive(Debug, Clone, PartialEq)]
pub struct Backlog {
    /// Each target and state with events, and their count (states without events are absent).
    pub by_target_state: Vec<(String, EventState, i64)>,
    /// Each target's oldest event still pending or being delivered: when it was created.
    pub oldest_undelivered: Vec<(String, OffsetDateTime)>,
    pub paused: bool,
}

/// Reads the backlog: three small queries.
pub async fn backlog(db: &Db) -> Result<Backlog, DbError> {
    let counted = sqlx::query(
        "SELECT target, state, COUNT(*) AS n FROM outbox_events GROUP BY target, state \
         ORDER BY target, state",
    )
    .fetch_all(db.pool())
    .await?;
    let by_target_state = counted
        .iter()
        .map(|row| {
            Ok((
                row.try_get("target")?,
                word(row, "state")?,
                row.try_get("n")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let oldest = sqlx::query(
        "SELECT target, MIN(created_at) AS oldest FROM outbox_events \
         WHERE state IN ('pending', 'delivering') GROUP BY target ORDER BY target",
    )
    .fetch_all(db.pool())
    .await?;
    let mut oldest_undelivered = Vec::with_capacity(oldest.len());
    for row in &oldest {
        let at: String = row.try_get("oldest")?;
        if let Ok(at) = clock::parse(&at) {
            oldest_undelivered.push((row.try_get("target")?, at));
        }
    }
    let paused = super::settings::load(db).await?.paused;
    Ok(Backlog {
        by_target_state,
        oldest_undelivered,
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
            assert_eq!(backlog.by_target_state, Vec::new());
            assert_eq!(backlog.oldest_undelivered, Vec::new());
            assert!(!backlog.paused);
        });
    }
}
