//! The outbox's state in the shared database, for the metrics: events by state, the oldest event
//! not yet delivered, and whether delivery is paused. Every instance reads the same numbers; the
//! server reads them in the background, never while a scrape waits. What happens on one instance
//! (attempts, their duration, delivery delays) is counted where it happens, not read here.

use fleetdesk_vocab::EventState;
use sqlx::Row;
use time::OffsetDateTime;

use crate::clock;
use crate::db::{Db, DbError, word};

/// Which events a reading counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Every event. The outbox keeps delivered events until the retention purge, so this reads
    /// the whole table: done now and then.
    All,
    /// The events still to deliver (pending, being delivered), through the index on the state:
    /// cheap enough to read whenever delivery has moved events on.
    Open,
}

impl Counting {
    /// Whether a reading of this kind counts the events in `state`.
    pub fn covers(self, state: EventState) -> bool {
        self == Counting::All || matches!(state, EventState::Pending | EventState::Delivering)
    }
}

/// The outbox as the database holds it, by destination (`target`).
#[derive(Debug, Clone, PartialEq)]
pub struct Backlog {
    /// Which states were counted: the others are left as the last reading that counted them said.
    pub counted: Counting,
    /// Each target and counted state with events, and their count (states without events are
    /// absent).
    pub by_target_state: Vec<(String, EventState, i64)>,
    /// Each target's oldest event still pending or being delivered: when it was created.
    pub oldest_undelivered: Vec<(String, OffsetDateTime)>,
    pub paused: bool,
}

/// Reads the backlog, counting the events `counted` says: two queries, one over the events and
/// one for the settings. The counts and each target's oldest open event come from one pass: as
/// two queries, each reading walked the state index twice, through the entry every delivered
/// event leaves there until the next vacuum, and with two instances draining on PostgreSQL these
/// readings were an eighth of the database's busy samples.
pub async fn backlog(db: &Db, counted: Counting) -> Result<Backlog, DbError> {
    let which = match counted {
        Counting::All => "",
        Counting::Open => "WHERE state IN ('pending', 'delivering')",
    };
    let rows = sqlx::query(&format!(
        "SELECT target, state, COUNT(*) AS n, \
         MIN(CASE WHEN state IN ('pending', 'delivering') THEN created_at END) AS oldest \
         FROM outbox_events {which} GROUP BY target, state ORDER BY target, state"
    ))
    .fetch_all(db.pool())
    .await?;
    let mut by_target_state = Vec::with_capacity(rows.len());
    let mut oldest_undelivered: Vec<(String, OffsetDateTime)> = Vec::new();
    for row in &rows {
        let target: String = row.try_get("target")?;
        by_target_state.push((target.clone(), word(row, "state")?, row.try_get("n")?));
        let Some(at) = row.try_get::<Option<String>, _>("oldest")? else {
            continue;
        };
        let Ok(at) = clock::parse(&at) else { continue };
        // Rows come by target: a target's earlier row is the last one kept.
        match oldest_undelivered.last_mut() {
            Some((kept, oldest)) if *kept == target => *oldest = (*oldest).min(at),
            _ => oldest_undelivered.push((target, at)),
        }
    }
    let paused = super::settings::load(db).await?.paused;
    Ok(Backlog {
        counted,
        by_target_state,
        oldest_undelivered,
        paused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three pending webhooks to the partner's product, one per licence; their ids.
    async fn three_webhooks(db: &Db) -> Vec<fleetdesk_vocab::EventId> {
        let webhook = |n: usize| crate::outbox::NewWebhook {
            kind: "licence.created",
            task_id: crate::ids::new_id(),
            resource_kind: "userService",
            resource_id: format!("lic_{n}"),
            data: serde_json::json!({}),
        };
        let mut tx = db.begin_write().await.expect("begin");
        let ids = crate::outbox::enqueue_webhooks(&mut tx, (0..3).map(webhook).collect(), None)
            .await
            .expect("queued");
        tx.commit().await.expect("commit");
        ids
    }

    #[tokio::test]
    async fn an_empty_outbox_has_no_backlog() {
        crate::on_each_db!(|db| async move {
            let backlog = backlog(&db, Counting::All).await.expect("backlog");
            assert_eq!(backlog.by_target_state, Vec::new());
            assert_eq!(backlog.oldest_undelivered, Vec::new());
            assert!(!backlog.paused);
        });
    }

    #[tokio::test]
    async fn a_reading_of_the_open_events_leaves_the_delivered_ones_out() {
        crate::on_each_db!(|db| async move {
            let ids = three_webhooks(&db).await;
            sqlx::query("UPDATE outbox_events SET state = 'delivered' WHERE id = $1")
                .bind(&ids[0])
                .execute(db.writes())
                .await
                .expect("delivered");
            let target = |state, n| ("provisioning_webhook".to_owned(), state, n);

            let all = backlog(&db, Counting::All).await.expect("backlog");
            assert_eq!(
                all.by_target_state,
                vec![
                    target(EventState::Delivered, 1),
                    target(EventState::Pending, 2)
                ]
            );
            let open = backlog(&db, Counting::Open).await.expect("backlog");
            assert_eq!(open.by_target_state, vec![target(EventState::Pending, 2)]);
            assert_eq!(open.oldest_undelivered, all.oldest_undelivered);
            assert!(!Counting::Open.covers(EventState::Delivered));
            assert!(Counting::Open.covers(EventState::Delivering));
        });
    }

    #[tokio::test]
    async fn the_oldest_open_event_is_found_across_its_states_and_never_a_delivered_one() {
        crate::on_each_db!(|db| async move {
            let ids = three_webhooks(&db).await;
            let at = |days: i64| clock::format(clock::now() - time::Duration::days(days));
            let (three, two, one) = (at(3), at(2), at(1));
            // Delivered, the oldest of all; being delivered, 2 days old; pending, 1 day old.
            for (id, state, created) in [
                (&ids[0], "delivered", &three),
                (&ids[1], "delivering", &two),
                (&ids[2], "pending", &one),
            ] {
                sqlx::query("UPDATE outbox_events SET state = $2, created_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(state)
                    .bind(created)
                    .execute(db.writes())
                    .await
                    .expect("aged");
            }
            for counted in [Counting::All, Counting::Open] {
                let backlog = backlog(&db, counted).await.expect("backlog");
                let oldest: Vec<_> = backlog
                    .oldest_undelivered
                    .iter()
                    .map(|(target, at)| (target.as_str(), clock::format(*at)))
                    .collect();
                assert_eq!(
                    oldest,
                    vec![("provisioning_webhook", two.clone())],
                    "{counted:?}"
                );
            }
        });
    }
}
