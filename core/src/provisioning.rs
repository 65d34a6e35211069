//! Provisioning: how what Orange sells becomes real in the partner's own product (the provisioning
//! contract). Each offering has a mode ([`Provisioning`]):
//! - `none`: Fleetdesk alone is the truth; acknowledged work completes at once
//!   ([`crate::orange::completion`]).
//! - `manual`: acknowledged work with a licence of such an offering (or, for an offering change,
//!   towards it) waits in the **activation queue** until an operator approves it (it completes and
//!   its event goes to Orange, in one transaction) or rejects it with one of the contract's error
//!   codes (it fails, and Orange's event says why).
//!
//! - `webhook`: a signed webhook tells the product of each operation ([`webhook`] for the
//!   settings and signatures, [`tasks`] for what is sent and how it ends); the work completes when
//!   the product answers 2xx, or, with "await callback", when it calls back.
//!
//! Manual and webhook provisioning only make sense when Orange is answered later: an offering can
//! be given either only while the operations that reach offerings are asynchronous, and those
//! operations cannot be made synchronous while an offering has either ([`sync_refused`],
//! [`manual_refused`]).

pub mod inline;
pub mod tasks;
pub mod values;
pub mod webhook;

use fleetdesk_vocab::CustomerId;
use fleetdesk_vocab::{ErrorCode, Mode, Operation, WorkState};
use serde::Serialize;
use sqlx::Row;

use crate::audit::Acting;
use crate::clock;
use crate::db::{Db, DbError};
use crate::orange::completion;
use crate::orange::settings::ApiSettings;
use crate::stuck::{self, FailError};
use crate::work::Work;

pub use fleetdesk_vocab::Provisioning;

/// SQL: the order (`product_orders`) has an item of an offering with manual provisioning.
pub(crate) const ORDER_NEEDS_APPROVAL: &str = "EXISTS (SELECT 1 FROM product_order_items pi \
     JOIN offerings po ON po.id = pi.offering_id \
     WHERE pi.order_id = product_orders.id AND po.provisioning_mode = 'manual')";

/// SQL: the task (`user_service_tasks`) has a licence of an offering with manual provisioning, or
/// changes licences to such an offering.
pub(crate) const TASK_NEEDS_APPROVAL: &str = "(EXISTS (SELECT 1 FROM user_service_task_items pi \
     JOIN licences pl ON pl.id = pi.licence_id JOIN offerings po ON po.id = pl.offering_id \
     WHERE pi.task_id = user_service_tasks.id AND po.provisioning_mode = 'manual') \
     OR EXISTS (SELECT 1 FROM offerings po WHERE po.id = user_service_tasks.target_offering_id \
     AND po.provisioning_mode = 'manual'))";

/// The operations whose work reaches an offering's licences: those manual provisioning needs
/// asynchronous (a customer creation has no licence).
pub const OFFERING_OPERATIONS: [Operation; 4] = [
    Operation::LicenceOrder,
    Operation::StateChange,
    Operation::Deletion,
    Operation::OfferingChange,
];

/// Which provisioning modes some offering (retired or not: its licences live on) has: manual,
/// webhook. Asked on every pass of the completion worker: one query of at most two rows.
pub async fn modes_in_use(db: &Db) -> Result<(bool, bool), DbError> {
    let modes: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT provisioning_mode FROM offerings \
         WHERE provisioning_mode IN ('manual', 'webhook')",
    )
    .fetch_all(db.pool())
    .await?;
    Ok((
        modes.iter().any(|m| m == "manual"),
        modes.iter().any(|m| m == "webhook"),
    ))
}

/// Whether an offering with `provisioning` needs the operations that reach it asynchronous:
/// manual approval always; webhooks when the product answers by callback (the webhook settings'
/// "await callback"), which Orange cannot wait for. A plain webhook is sent inline in sync mode.
pub async fn needs_async(db: &Db, provisioning: Provisioning) -> Result<bool, DbError> {
    Ok(match provisioning {
        Provisioning::None => false,
        Provisioning::Manual => true,
        Provisioning::Webhook => webhook::load(db).await?.await_callback,
    })
}

/// The offer codes of the offerings whose provisioning needs asynchronous operations (see
/// [`needs_async`]): the manual ones, and the webhook ones while the product answers by callback.
pub async fn manual_offerings(db: &Db) -> Result<Vec<String>, DbError> {
    let callback = webhook::load(db).await?.await_callback;
    Ok(sqlx::query_scalar(
        "SELECT offer_code FROM offerings WHERE provisioning_mode = 'manual' \
         OR (provisioning_mode = 'webhook' AND $1 = 1) ORDER BY offer_code",
    )
    .bind(i64::from(callback))
    .fetch_all(db.pool())
    .await?)
}

/// The operations `settings` makes synchronous that the webhooks' "await callback" cannot work
/// with, when an offering has webhook provisioning; empty when nothing stands in the way.
pub async fn callback_refused(db: &Db) -> Result<Vec<Operation>, DbError> {
    let webhooks: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM offerings WHERE provisioning_mode = 'webhook' LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
    if webhooks.is_none() {
        return Ok(Vec::new());
    }
    let settings = crate::orange::settings::load(db).await?;
    Ok(manual_refused(&settings))
}

/// The operations that are synchronous in `settings` and would have to be asynchronous for an
/// offering to be manual or webhook; empty when nothing stands in the way.
pub fn manual_refused(settings: &ApiSettings) -> Vec<Operation> {
    OFFERING_OPERATIONS
        .into_iter()
        .filter(|operation| settings.mode(*operation) == Mode::Sync)
        .collect()
}

/// Why `settings` cannot be saved: the operations it makes synchronous while offerings (their
/// codes, second) have manual or webhook provisioning. `None` when it can.
pub async fn sync_refused(
    db: &Db,
    settings: &ApiSettings,
) -> Result<Option<(Vec<Operation>, Vec<String>)>, DbError> {
    let operations = manual_refused(settings);
    if operations.is_empty() {
        return Ok(None);
    }
    let offerings = manual_offerings(db).await?;
    Ok((!offerings.is_empty()).then_some((operations, offerings)))
}

/// One order or task waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub work: Work,
    pub id: String,
    /// Orange's reference, when it gave one.
    pub reference: Option<String>,
    pub state: WorkState,
    /// What Orange asked: `add` for an order, else the task's action.
    pub action: String,
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    /// The offer codes concerned, comma-separated.
    pub offer_codes: String,
    /// How many licences the work touches.
    pub licences: i64,
    /// When it was acknowledged.
    pub since: String,
}

/// What the activation queue shows: all by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// An offer code.
    pub offer_code: Option<String>,
    /// A customer id.
    pub customer_id: Option<String>,
    /// Only what has waited at least this many minutes.
    pub older_than_minutes: Option<u32>,
}

/// How many of each kind the queue lists at most (the oldest first).
pub const QUEUE_LIMIT: i64 = 500;

/// The work waiting for approval, orders then tasks, oldest first within each.
pub async fn queue(db: &Db, filter: &QueueFilter) -> Result<Vec<Waiting>, DbError> {
    let before = filter.older_than_minutes.map_or_else(
        || "9999".to_owned(),
        |minutes| clock::format(clock::now() - time::Duration::minutes(i64::from(minutes))),
    );
    let offer = filter.offer_code.clone().unwrap_or_default();
    let customer = filter.customer_id.clone().unwrap_or_default();
    let orders = format!(
        "SELECT product_orders.id, product_orders.external_reference, product_orders.state, \
         product_orders.created_at, product_orders.customer_id, c.name AS customer_name, \
         'add' AS action, \
         (SELECT COUNT(*) FROM licences l JOIN product_order_items i ON i.id = l.order_item_id \
          WHERE i.order_id = product_orders.id) AS licences, \
         (SELECT MIN(i.offer_code) FROM product_order_items i \
          WHERE i.order_id = product_orders.id) AS first_code, \
         (SELECT MAX(i.offer_code) FROM product_order_items i \
          WHERE i.order_id = product_orders.id) AS last_code \
         FROM product_orders LEFT JOIN customers c ON c.id = product_orders.customer_id \
         WHERE product_orders.state = 'acknowledged' AND {ORDER_NEEDS_APPROVAL} \
         AND product_orders.created_at < $1 \
         AND ($2 = '' OR EXISTS (SELECT 1 FROM product_order_items i \
              WHERE i.order_id = product_orders.id AND i.offer_code = $2)) \
         AND ($3 = '' OR product_orders.customer_id = $3) \
         ORDER BY product_orders.created_at, product_orders.id LIMIT {QUEUE_LIMIT}"
    );
    let tasks = format!(
        "SELECT user_service_tasks.id, user_service_tasks.external_reference, \
         user_service_tasks.state, user_service_tasks.created_at, \
         (SELECT MIN(l.customer_id) FROM user_service_task_items t \
          JOIN licences l ON l.id = t.licence_id WHERE t.task_id = user_service_tasks.id) \
          AS customer_id, \
         (SELECT MIN(c.name) FROM user_service_task_items t JOIN licences l ON l.id = t.licence_id \
          JOIN customers c ON c.id = l.customer_id WHERE t.task_id = user_service_tasks.id) \
          AS customer_name, \
         user_service_tasks.action, \
         (SELECT COUNT(*) FROM user_service_task_items t WHERE t.task_id = user_service_tasks.id \
          AND t.licence_id IS NOT NULL) AS licences, \
         (SELECT MIN(o.offer_code) FROM user_service_task_items t \
          JOIN licences l ON l.id = t.licence_id JOIN offerings o ON o.id = l.offering_id \
          WHERE t.task_id = user_service_tasks.id) AS first_code, \
         (SELECT MAX(o.offer_code) FROM user_service_task_items t \
          JOIN licences l ON l.id = t.licence_id JOIN offerings o ON o.id = l.offering_id \
          WHERE t.task_id = user_service_tasks.id) AS last_code \
         FROM user_service_tasks \
         WHERE user_service_tasks.state = 'acknowledged' AND {TASK_NEEDS_APPROVAL} \
         AND user_service_tasks.created_at < $1 \
         AND ($2 = '' OR EXISTS (SELECT 1 FROM user_service_task_items t \
              JOIN licences l ON l.id = t.licence_id JOIN offerings o ON o.id = l.offering_id \
              WHERE t.task_id = user_service_tasks.id AND o.offer_code = $2)) \
         AND ($3 = '' OR EXISTS (SELECT 1 FROM user_service_task_items t \
              JOIN licences l ON l.id = t.licence_id \
              WHERE t.task_id = user_service_tasks.id AND l.customer_id = $3)) \
         ORDER BY user_service_tasks.created_at, user_service_tasks.id LIMIT {QUEUE_LIMIT}"
    );
    let mut waiting = Vec::new();
    for (work, sql) in [(Work::Order, orders), (Work::Task, tasks)] {
        let rows = sqlx::query(&sql)
            .bind(&before)
            .bind(&offer)
            .bind(&customer)
            .fetch_all(db.pool())
            .await?;
        for row in rows {
            let first: Option<String> = row.try_get("first_code")?;
            let last: Option<String> = row.try_get("last_code")?;
            let offer_codes = match (first, last) {
                (Some(first), Some(last)) if first != last => format!("{first}, {last}"),
                (Some(first), _) => first,
                (None, _) => String::new(),
            };
            waiting.push(Waiting {
                work,
                id: row.try_get("id")?,
                reference: row.try_get("external_reference")?,
                state: crate::db::word(&row, "state")?,
                action: row.try_get("action")?,
                customer_id: row.try_get("customer_id")?,
                customer_name: row.try_get("customer_name")?,
                offer_codes,
                licences: row.try_get("licences")?,
                since: row.try_get("created_at")?,
            });
        }
    }
    Ok(waiting)
}

/// Whether one order or task waits for approval now.
pub async fn waits_for_approval(db: &Db, work: Work, id: &str) -> Result<bool, DbError> {
    let sql = match work {
        Work::Order => format!(
            "SELECT COUNT(*) FROM product_orders WHERE id = $1 AND state = 'acknowledged' \
             AND {ORDER_NEEDS_APPROVAL}"
        ),
        Work::Task => format!(
            "SELECT COUNT(*) FROM user_service_tasks WHERE id = $1 AND state = 'acknowledged' \
             AND {TASK_NEEDS_APPROVAL}"
        ),
    };
    let count: i64 = sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok(count > 0)
}

/// Why a decision was not taken.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// Not (or no longer) waiting for approval: decided meanwhile, or never manual.
    #[error("this order or task does not wait for approval")]
    NotWaiting,
    #[error(transparent)]
    Fail(#[from] FailError),
    #[error(transparent)]
    Values(#[from] values::ValuesError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// How an order was decided by hand with values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidedWith {
    /// It waited for approval (manual provisioning).
    Approved,
    /// It waited on the partner's product (webhook provisioning) and was completed now.
    Completed,
}

/// Completes an order by hand with the values the product made (see [`values`]): approves it if
/// it waits for approval, completes it now if it waits on the partner's product. The caller
/// checks the role: approving is an operator's decision, completing stuck work support's too.
pub async fn complete_with_values(
    db: &Db,
    acting: &Acting,
    id: &fleetdesk_vocab::OrderId,
    values: &std::collections::HashMap<fleetdesk_vocab::LicenceId, values::LicenceValues>,
) -> Result<DecidedWith, DecideError> {
    let approve = waits_for_approval(db, Work::Order, id.as_str()).await?;
    if completion::complete_order_with_values(db, acting, id, approve, values).await? {
        Ok(if approve {
            DecidedWith::Approved
        } else {
            DecidedWith::Completed
        })
    } else {
        Err(DecideError::NotWaiting)
    }
}

/// Approves waiting work: it completes and its event goes to Orange, audited as
/// `order.approve` / `task.approve` in the same transaction.
pub async fn approve(db: &Db, acting: &Acting, work: Work, id: &str) -> Result<(), DecideError> {
    if !waits_for_approval(db, work, id).await? {
        return Err(DecideError::NotWaiting);
    }
    let done = match work {
        Work::Order => completion::approve_order(db, acting, &id.into()).await?,
        Work::Task => completion::approve_task(db, acting, &id.into()).await?,
    };
    if done {
        tracing::info!(work.id = %id, "waiting work approved by an operator");
        Ok(())
    } else {
        Err(DecideError::NotWaiting)
    }
}

/// Rejects waiting work with one of the contract's error codes and a message: it fails and
/// Orange's event carries the code (see [`stuck::fail_order`], [`stuck::fail_task`]).
pub async fn reject(
    db: &Db,
    acting: &Acting,
    work: Work,
    id: &str,
    code: ErrorCode,
    message: &str,
) -> Result<(), DecideError> {
    if !waits_for_approval(db, work, id).await? {
        return Err(DecideError::NotWaiting);
    }
    match work {
        Work::Order => {
            stuck::fail_order(db, acting, id, code, message).await?;
        }
        Work::Task => {
            stuck::fail_task(db, acting, id, code, message).await?;
        }
    }
    tracing::info!(work.id = %id, code = code.as_str(), "waiting work rejected by an operator");
    Ok(())
}

#[cfg(test)]
mod tests {
    use fleetdesk_vocab::{ErrorCode, Mode, Operation};

    use super::*;
    use crate::offerings::{self, InvalidOffering, OfferingError, OfferingInput};
    use crate::on_each_db;
    use crate::orange::settings::{self, SettingsError};
    use crate::orange::{product_order, wire};
    use crate::testing::{every_operation, post_task, suspension};

    async fn offering(db: &Db, code: &str, provisioning: &str) -> Result<(), OfferingError> {
        offerings::create(
            db,
            &Acting::system(),
            &OfferingInput {
                offer_code: code.into(),
                name: code.into(),
                resource_type: "none".into(),
                resource_scope: "per_licence".into(),
                login_format: String::new(),
                provisioning: provisioning.into(),
            },
        )
        .await
        .map(|_| ())
    }

    /// Orange's asynchronous order of `quantity` licences of `code`; its id.
    async fn order(db: &Db, reference: &str, code: &str, quantity: u32) -> String {
        let body = serde_json::json!({
            "externalReference": {"type": "orange", "id": reference},
            "customer": {"externalReference": {"type": "orange", "id": "C-1"}, "name": "Acme"},
            "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": code}},
                           "productRef": {"userServiceQuantity": quantity}}]
        })
        .to_string();
        let request: wire::ProductOrderRequest = wire::read_body(body.as_bytes()).expect("valid");
        let placed = product_order::place(
            db,
            &every_operation(Mode::Async),
            &request,
            body.as_bytes(),
            &crate::testing::orange(),
        )
        .await
        .expect("acknowledged");
        placed.body["id"].as_str().expect("id").to_owned()
    }

    async fn state(db: &Db, table: &str, id: &str) -> String {
        sqlx::query_scalar(&format!("SELECT state FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("state")
    }

    async fn actions(db: &Db, id: &str) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_log WHERE object_id = $1 ORDER BY at, id")
            .bind(id)
            .fetch_all(db.pool())
            .await
            .expect("audit")
    }

    #[tokio::test]
    async fn manual_provisioning_needs_asynchronous_operations_both_ways() {
        on_each_db!(|db| async move {
            let refused = offering(&db, "MAN", "manual").await.expect_err("sync now");
            let OfferingError::Invalid(InvalidOffering::ManualNeedsAsync(sync)) = refused else {
                panic!("unexpected {refused:?}");
            };
            assert_eq!(sync, OFFERING_OPERATIONS);
            // Customer creation reaches no offering: it may stay synchronous.
            let mut settings = every_operation(Mode::Async);
            settings.set_mode(Operation::CustomerCreation, Mode::Sync);
            settings::save(&db, &settings, &Acting::system())
                .await
                .expect("saved");
            offering(&db, "MAN", "manual").await.expect("async now");
            offering(&db, "AUTO", "").await.expect("none by default");
            assert_eq!(manual_offerings(&db).await.expect("codes"), ["MAN"]);

            settings.set_mode(Operation::Deletion, Mode::Sync);
            let refused = settings::save(&db, &settings, &Acting::system())
                .await
                .expect_err("manual offering");
            let SettingsError::ManualNeedsAsync {
                operations,
                offerings,
            } = refused
            else {
                panic!("unexpected {refused:?}");
            };
            assert_eq!(
                (operations, offerings),
                (vec![Operation::Deletion], vec!["MAN".to_owned()])
            );
            assert_eq!(
                settings::load(&db)
                    .await
                    .expect("load")
                    .mode(Operation::Deletion),
                Mode::Async,
                "nothing saved"
            );
        });
    }

    #[tokio::test]
    async fn manual_work_waits_in_the_queue_until_approved_or_rejected_and_orange_is_told() {
        on_each_db!(|db| async move {
            settings::save(&db, &every_operation(Mode::Async), &Acting::system())
                .await
                .expect("saved");
            offering(&db, "MAN", "manual").await.expect("manual");
            offering(&db, "AUTO", "none").await.expect("none");
            let manual = order(&db, "O-MAN", "MAN", 2).await;
            let rejected = order(&db, "O-REJ", "MAN", 1).await;
            let automatic = order(&db, "O-AUTO", "AUTO", 1).await;

            // The worker completes only the order of the offering without provisioning.
            assert_eq!(completion::run_pending(&db).await.expect("pass"), 1);
            assert_eq!(state(&db, "product_orders", &automatic).await, "completed");
            assert_eq!(state(&db, "product_orders", &manual).await, "acknowledged");
            let waiting = queue(&db, &QueueFilter::default()).await.expect("queue");
            let ids: Vec<&str> = waiting.iter().map(|w| w.id.as_str()).collect();
            assert_eq!(ids, [manual.as_str(), rejected.as_str()]);
            assert_eq!(
                (
                    waiting[0].work,
                    waiting[0].licences,
                    waiting[0].offer_codes.as_str()
                ),
                (Work::Order, 2, "MAN")
            );
            assert_eq!(waiting[0].customer_name.as_deref(), Some("Acme"));
            let filtered = QueueFilter {
                older_than_minutes: Some(60),
                ..QueueFilter::default()
            };
            assert!(queue(&db, &filtered).await.expect("queue").is_empty());
            let other = QueueFilter {
                offer_code: Some("AUTO".into()),
                ..QueueFilter::default()
            };
            assert!(queue(&db, &other).await.expect("queue").is_empty());

            // Waiting long enough, it is stuck, and the stuck page says why.
            sqlx::query("UPDATE product_orders SET created_at = '2020-01-01T00:00:00.000Z'")
                .execute(db.pool())
                .await
                .expect("age");
            let stuck = stuck::list(&db, &stuck::Thresholds::default())
                .await
                .expect("stuck");
            assert!(stuck.iter().all(|item| item.awaits_approval), "{stuck:?}");
            assert_eq!(stuck.len(), 2);

            let operator = Acting::system();
            approve(&db, &operator, Work::Order, &manual)
                .await
                .expect("approved");
            assert_eq!(state(&db, "product_orders", &manual).await, "completed");
            let active: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM licences WHERE state = 'active' AND pending_operation IS NULL",
            )
            .fetch_one(db.pool())
            .await
            .expect("count");
            assert_eq!(active, 3, "the approved order's two and the automatic one");
            assert!(
                actions(&db, &manual)
                    .await
                    .contains(&"order.approve".to_owned())
            );
            let again = approve(&db, &operator, Work::Order, &manual).await;
            assert!(matches!(again, Err(DecideError::NotWaiting)), "{again:?}");
            let automatic_approved = approve(&db, &operator, Work::Order, &automatic).await;
            assert!(matches!(automatic_approved, Err(DecideError::NotWaiting)));

            reject(
                &db,
                &operator,
                Work::Order,
                &rejected,
                ErrorCode::ServiceUnavailable,
                "The product refused the account",
            )
            .await
            .expect("rejected");
            assert_eq!(state(&db, "product_orders", &rejected).await, "failed");
            assert!(
                queue(&db, &QueueFilter::default())
                    .await
                    .expect("queue")
                    .is_empty()
            );

            let events = crate::outbox::list_all(&db).await.expect("outbox");
            let order_states: Vec<(String, String)> = events
                .iter()
                .map(|event| {
                    let order = &event.payload["event"]["productOrder"];
                    (
                        order["id"].as_str().unwrap_or_default().to_owned(),
                        order["state"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            assert_eq!(
                order_states,
                [
                    (automatic.clone(), "completed".to_owned()),
                    (manual.clone(), "completed".to_owned()),
                    (rejected.clone(), "failed".to_owned()),
                ],
                "one event per order, as each was decided"
            );

            // A task on the manual offering's licences waits as well.
            let licences: Vec<String> = sqlx::query_scalar(
                "SELECT l.id FROM licences l JOIN offerings o ON o.id = l.offering_id \
                 WHERE o.offer_code = 'MAN' AND l.state = 'active' ORDER BY l.id",
            )
            .fetch_all(db.pool())
            .await
            .expect("licences");
            let task = post_task(&db, Mode::Async, "T-MAN", suspension(&licences))
                .await
                .expect("acknowledged");
            let task = task.body["id"].as_str().expect("id").to_owned();
            assert_eq!(completion::run_pending(&db).await.expect("pass"), 0);
            let waiting = queue(&db, &QueueFilter::default()).await.expect("queue");
            assert_eq!(
                waiting
                    .iter()
                    .map(|w| (w.work, w.id.as_str(), w.licences))
                    .collect::<Vec<_>>(),
                [(Work::Task, task.as_str(), 2)]
            );
            approve(&db, &operator, Work::Task, &task)
                .await
                .expect("approved");
            assert_eq!(state(&db, "user_service_tasks", &task).await, "completed");
            assert!(
                actions(&db, &task)
                    .await
                    .contains(&"task.approve".to_owned())
            );
        });
    }
}
