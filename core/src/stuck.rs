//! Stuck work: Orange orders and tasks acknowledged or in progress for longer than they should
//! be, and events to Orange that failed for good or have waited too long. Support staff see why
//! each is stuck and unblock it: complete the work now, fail it with one of the contract's error
//! codes (Orange learns of it through the order's event), or resend the event.
//!
//! How long is too long is a setting (`stuck_thresholds`), in minutes.

use fleetdesk_vocab::EventId;
use fleetdesk_vocab::{Stuck, WorkState};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use time::Duration;

use crate::audit::{self, Acting};
use crate::clock;
use crate::db::{Db, DbError};
use crate::orange::ErrorCode;
use crate::outbox;
use crate::provisioning;
use crate::settings;

const KEY: &str = "stuck_thresholds";

/// After how many minutes waiting work counts as stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub order_minutes: u32,
    pub task_minutes: u32,
    pub event_minutes: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            order_minutes: 30,
            task_minutes: 30,
            event_minutes: 60,
        }
    }
}

impl Thresholds {
    /// The longest a threshold may be: a week.
    pub const MAX_MINUTES: u32 = 7 * 24 * 60;

    /// Refuses zero and anything past a week, naming the field.
    pub fn check(&self) -> Result<(), &'static str> {
        let fine = |m: u32| (1..=Thresholds::MAX_MINUTES).contains(&m);
        if !fine(self.order_minutes) {
            Err("order_minutes")
        } else if !fine(self.task_minutes) {
            Err("task_minutes")
        } else if !fine(self.event_minutes) {
            Err("event_minutes")
        } else {
            Ok(())
        }
    }
}

pub async fn load(db: &Db) -> Result<Thresholds, DbError> {
    Ok(settings::get(db, KEY).await?.unwrap_or_default())
}

/// Stores new thresholds, audited in the same transaction.
pub async fn save(db: &Db, thresholds: &Thresholds, acting: &Acting) -> Result<(), DbError> {
    let named = settings::Named {
        action: "settings.stuck",
        object_id: "stuck_thresholds",
    };
    settings::set_audited(db, acting, KEY, named, thresholds).await
}

/// One stuck order, task or event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckItem {
    /// An order, task or event, with its state.
    pub what: Stuck,
    pub id: String,
    /// Orange's reference (orders and tasks) or the event type.
    pub label: Option<String>,
    pub since: String,
    /// For events: the last error or answer; for work waiting on the product: why (webhook failing
    /// with its last answer, or no callback since it was delivered).
    pub reason: Option<String>,
    /// For orders and tasks: it waits for an operator's approval (manual provisioning).
    pub awaits_approval: bool,
}

/// How many of each kind the page lists at most (the oldest first).
pub const LIMIT: i64 = 200;

/// Everything stuck now, oldest first within each kind.
pub async fn list(db: &Db, thresholds: &Thresholds) -> Result<Vec<StuckItem>, DbError> {
    let now = clock::now();
    let before = |minutes: u32| clock::format(now - Duration::minutes(i64::from(minutes)));
    let mut items = Vec::new();
    let order: fn(WorkState) -> Stuck = Stuck::Order;
    let task: fn(WorkState) -> Stuck = Stuck::Task;
    for (what, table, minutes, approval) in [
        (
            order,
            "product_orders",
            thresholds.order_minutes,
            provisioning::ORDER_NEEDS_APPROVAL,
        ),
        (
            task,
            "user_service_tasks",
            thresholds.task_minutes,
            provisioning::TASK_NEEDS_APPROVAL,
        ),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT id, external_reference, state, created_at, \
             CAST(CASE WHEN state = 'acknowledged' AND {approval} THEN 1 ELSE 0 END AS BIGINT) \
             AS awaits_approval FROM {table} \
             WHERE state IN ('acknowledged', 'inProgress') AND created_at < $1 \
             ORDER BY created_at, id LIMIT {LIMIT}"
        ))
        .bind(before(minutes))
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            items.push(StuckItem {
                what: what(crate::db::word(&row, "state")?),
                id: row.try_get("id")?,
                label: row.try_get("external_reference")?,
                since: row.try_get("created_at")?,
                reason: None,
                awaits_approval: row.try_get::<i64, _>("awaits_approval")? == 1,
            });
        }
    }
    let waiting: std::collections::BTreeSet<String> = items
        .iter()
        .filter(|item| {
            matches!(
                item.what,
                Stuck::Order(WorkState::InProgress) | Stuck::Task(WorkState::InProgress)
            )
        })
        .map(|item| item.id.clone())
        .collect();
    let reasons = provisioning::tasks::waiting_reasons(db, &waiting).await?;
    for item in &mut items {
        if let Some(reason) = reasons.get(&item.id) {
            item.reason = Some(reason.clone());
        }
    }
    let rows = sqlx::query(&format!(
        "SELECT id, event_type, state, created_at, last_error, last_response_status \
         FROM outbox_events WHERE state = 'failed' OR (state = 'pending' AND created_at < $1) \
         ORDER BY created_at, id LIMIT {LIMIT}"
    ))
    .bind(before(thresholds.event_minutes))
    .fetch_all(db.pool())
    .await?;
    for row in rows {
        let error: Option<String> = row.try_get("last_error")?;
        let status: Option<i64> = row.try_get("last_response_status")?;
        let reason = match (status, error) {
            (Some(status), Some(error)) => Some(format!("HTTP {status}: {error}")),
            (Some(status), None) => Some(format!("HTTP {status}")),
            (None, error) => error,
        };
        items.push(StuckItem {
            what: Stuck::Event(crate::db::word(&row, "state")?),
            id: row.try_get("id")?,
            label: Some(row.try_get("event_type")?),
            since: row.try_get("created_at")?,
            reason,
            awaits_approval: false,
        });
    }
    Ok(items)
}

/// Whether one order (`order`), task (`task`) or event (`event`) is stuck now by the page's own
/// rule: what support staff may act on. `None` when there is no such object.
pub async fn is_stuck(
    db: &Db,
    thresholds: &Thresholds,
    kind: &str,
    id: &str,
) -> Result<Option<bool>, DbError> {
    let now = clock::now();
    let before = |minutes: u32| clock::format(now - Duration::minutes(i64::from(minutes)));
    let (sql, cutoff) = match kind {
        "order" => (
            "SELECT CAST(CASE WHEN state IN ('acknowledged', 'inProgress') AND created_at < $2 \
             THEN 1 ELSE 0 END AS BIGINT) FROM product_orders WHERE id = $1",
            before(thresholds.order_minutes),
        ),
        "task" => (
            "SELECT CAST(CASE WHEN state IN ('acknowledged', 'inProgress') AND created_at < $2 \
             THEN 1 ELSE 0 END AS BIGINT) FROM user_service_tasks WHERE id = $1",
            before(thresholds.task_minutes),
        ),
        "event" => (
            "SELECT CAST(CASE WHEN state = 'failed' OR (state = 'pending' AND created_at < $2) \
             THEN 1 ELSE 0 END AS BIGINT) FROM outbox_events WHERE id = $1",
            before(thresholds.event_minutes),
        ),
        _ => return Ok(None),
    };
    // A 0/1 number rather than a boolean: both dialects give it the same type.
    let stuck: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .bind(cutoff)
        .fetch_optional(db.pool())
        .await?;
    Ok(stuck.map(|n| n == 1))
}

/// The contract's error codes an operator may fail work with.
pub const FAILURE_CODES: [ErrorCode; 5] = [
    ErrorCode::InvalidValue,
    ErrorCode::UnknownOffer,
    ErrorCode::ProductRefMismatch,
    ErrorCode::ServiceUnavailable,
    ErrorCode::Internal,
];

/// Why failing work was refused.
#[derive(Debug, thiserror::Error)]
pub enum FailError {
    #[error("no such order or task")]
    NotFound,
    #[error("only acknowledged or in-progress work can be failed")]
    NotWaiting,
    #[error("the message is empty")]
    NoMessage,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for FailError {
    fn from(error: sqlx::Error) -> FailError {
        FailError::Db(DbError::Query(error))
    }
}

/// Fails an acknowledged order: it and its items become `failed` with the code and message, the
/// licences it had created (still `pending`) are terminated, and Orange gets the order's event.
pub async fn fail_order(
    db: &Db,
    acting: &Acting,
    id: &str,
    code: ErrorCode,
    message: &str,
) -> Result<EventId, FailError> {
    let mut tx = db.begin_write().await?;
    let event = fail_order_in(&mut tx, acting, id, code, message).await?;
    tx.commit().await?;
    Ok(event)
}

/// [`fail_order`] in the caller's transaction. Provisioning tasks still pending fail with it.
pub(crate) async fn fail_order_in(
    tx: &mut sqlx::AnyConnection,
    acting: &Acting,
    id: &str,
    code: ErrorCode,
    message: &str,
) -> Result<EventId, FailError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(FailError::NoMessage);
    }
    let now = clock::now_text();
    let claimed: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE product_orders SET state = 'failed', failure_code = $2, failure_message = $3, \
         completed_at = $4, updated_at = $4 \
         WHERE id = $1 AND state IN ('acknowledged', 'inProgress') RETURNING request_id",
    )
    .bind(id)
    .bind(code.as_str())
    .bind(message)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(request_id) = claimed else {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM product_orders WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(if exists.is_some() {
            FailError::NotWaiting
        } else {
            FailError::NotFound
        });
    };
    provisioning::tasks::resolve_all_by_hand(
        tx,
        acting,
        &provisioning::tasks::Parent::Order(id.into()),
        &provisioning::tasks::Resolution::Failed {
            code,
            message: message.to_owned(),
        },
    )
    .await?;
    crate::orders::end_pending_items(tx, id, crate::orders::Ending::Failed, &now).await?;
    let order = crate::orange::product_order::render(tx, id)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("order {id} vanished")))?;
    let event = outbox::enqueue_order_event(tx, order, request_id.as_deref()).await?;
    audit::record(
        &mut *tx,
        &acting
            .entry("order.fail", "order", Some(id))
            .before(serde_json::json!({"state": "acknowledged"}))
            .after(serde_json::json!({
                "state": "failed", "code": code.as_str(), "message": message, "event": event
            })),
    )
    .await?;
    Ok(event)
}

/// Fails the waiting items of an acknowledged task with the code and message; the licences'
/// pending operation is lifted (they stay as they were). Items already done stay done.
pub async fn fail_task(
    db: &Db,
    acting: &Acting,
    id: &str,
    code: ErrorCode,
    message: &str,
) -> Result<&'static str, FailError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(FailError::NoMessage);
    }
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let claimed = sqlx::query(
        "UPDATE user_service_tasks SET state = 'inProgress', updated_at = $2 \
         WHERE id = $1 AND state IN ('acknowledged', 'inProgress')",
    )
    .bind(id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM user_service_tasks WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(if exists.is_some() {
            FailError::NotWaiting
        } else {
            FailError::NotFound
        });
    }
    provisioning::tasks::resolve_all_by_hand(
        &mut tx,
        acting,
        &provisioning::tasks::Parent::Task(id.into()),
        &provisioning::tasks::Resolution::Failed {
            code,
            message: message.to_owned(),
        },
    )
    .await?;
    sqlx::query(
        "UPDATE user_service_task_items SET result = 'failed', error_code = $2, \
         error_message = $3, completed_at = $4 WHERE task_id = $1 AND result IS NULL",
    )
    .bind(id)
    .bind(code.as_str())
    .bind(message)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(concat!(
        "UPDATE licences SET ",
        crate::licences::end_pending!(),
        " WHERE pending_task_id = $1"
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let count = |result: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM user_service_task_items WHERE task_id = $1 AND result = $2",
        )
        .bind(id)
        .bind(result)
    };
    let done = count("done").fetch_one(&mut *tx).await?;
    let failed = count("failed").fetch_one(&mut *tx).await?;
    let state = crate::tasks::final_state(
        usize::try_from(done).unwrap_or_default(),
        usize::try_from(failed).unwrap_or_default(),
    );
    sqlx::query(
        "UPDATE user_service_tasks SET state = $2, completed_at = $3, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &acting
            .entry("task.fail", "task", Some(id))
            .before(serde_json::json!({"state": "acknowledged"}))
            .after(serde_json::json!({"state": state, "code": code.as_str(), "message": message})),
    )
    .await?;
    tx.commit().await?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offerings::{self, OfferingInput};
    use crate::on_each_db;
    use crate::orange::settings::{ApiSettings, Mode};
    use crate::orange::{product_order, wire};

    #[test]
    fn thresholds_must_be_between_a_minute_and_a_week() {
        assert_eq!(Thresholds::default().check(), Ok(()));
        let zero = Thresholds {
            task_minutes: 0,
            ..Thresholds::default()
        };
        assert_eq!(zero.check(), Err("task_minutes"));
        let long = Thresholds {
            event_minutes: Thresholds::MAX_MINUTES + 1,
            ..Thresholds::default()
        };
        assert_eq!(long.check(), Err("event_minutes"));
    }

    #[tokio::test]
    async fn a_stuck_order_is_listed_then_failed_with_its_licences_and_event() {
        on_each_db!(|db| async move {
            offerings::create(
                &db,
                &crate::audit::Acting::system(),
                &OfferingInput {
                    offer_code: "PRO".into(),
                    name: "Pro".into(),
                    resource_type: "none".into(),
                    resource_scope: "per_licence".into(),
                    login_format: String::new(),
                    provisioning: String::new(),
                },
            )
            .await
            .expect("offering");
            let mut api = ApiSettings::default();
            api.set_every_mode(Mode::Async);
            let body = serde_json::json!({
                "externalReference": {"type": "orange", "id": "O-STUCK"},
                "customer": {"externalReference": {"type": "orange", "id": "C-1"}, "name": "Acme"},
                "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                               "productRef": {"userServiceQuantity": 2}}]
            })
            .to_string();
            let request: wire::ProductOrderRequest =
                wire::read_body(body.as_bytes()).expect("valid");
            let placed = product_order::place(
                &db,
                &api,
                &request,
                body.as_bytes(),
                &crate::testing::orange(),
            )
            .await
            .expect("acknowledged");
            let id = placed.body["id"].as_str().expect("id").to_owned();
            // Acknowledged a long time ago.
            sqlx::query("UPDATE product_orders SET created_at = '2020-01-01T00:00:00.000Z'")
                .execute(db.pool())
                .await
                .expect("age");

            let stuck = list(&db, &Thresholds::default()).await.expect("list");
            assert_eq!(stuck.len(), 1, "{stuck:?}");
            assert_eq!(
                (stuck[0].what, stuck[0].id.as_str()),
                (Stuck::Order(WorkState::Acknowledged), id.as_str())
            );
            assert_eq!(stuck[0].label.as_deref(), Some("O-STUCK"));

            let refused = fail_order(&db, &Acting::system(), &id, ErrorCode::Internal, "  ")
                .await
                .expect_err("a message is needed");
            assert!(matches!(refused, FailError::NoMessage));
            fail_order(
                &db,
                &Acting::system(),
                &id,
                ErrorCode::UnknownOffer,
                "Offer withdrawn",
            )
            .await
            .expect("failed");
            let (state, code): (String, Option<String>) =
                sqlx::query_as("SELECT state, failure_code FROM product_orders WHERE id = $1")
                    .bind(&id)
                    .fetch_one(db.pool())
                    .await
                    .expect("order");
            assert_eq!(
                (state.as_str(), code.as_deref()),
                ("failed", Some("UNKNOWN_OFFER"))
            );
            let states: Vec<String> = sqlx::query_scalar("SELECT state FROM licences")
                .fetch_all(db.pool())
                .await
                .expect("licences");
            assert_eq!(states, ["terminated", "terminated"]);
            let events = outbox::list_all(&db).await.expect("outbox");
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].event_type, "productOrderStateChangeEvent");
            assert_eq!(
                events[0].payload["event"]["productOrder"]["state"], "failed",
                "{}",
                events[0].payload
            );

            assert!(
                list(&db, &Thresholds::default())
                    .await
                    .expect("list")
                    .is_empty()
            );
            let again = fail_order(&db, &Acting::system(), &id, ErrorCode::Internal, "again")
                .await
                .expect_err("already failed");
            assert!(matches!(again, FailError::NotWaiting));
            let unknown = fail_task(&db, &Acting::system(), "tsk_none", ErrorCode::Internal, "x")
                .await
                .expect_err("unknown");
            assert!(matches!(unknown, FailError::NotFound));
        });
    }
}
