//! Completion of acknowledged (asynchronous) work: orders whose licences are still `pending`,
//! tasks whose items wait. Work of offerings without provisioning completes as soon as the worker
//! sees it; work of an offering with manual provisioning waits for an operator's approval
//! ([`crate::provisioning`]). Each completion commits the change and the contract's event together (the
//! outbox), and claims its order or task first, so that several instances never complete the same
//! work twice. Work acknowledged before a crash is found again by the next pass.

use std::collections::{BTreeMap, HashMap};

use fleetdesk_vocab::{ErrorCode, OfferingId, OrderId, TaskId};
use sqlx::{AnyConnection, Row};

use super::{Failure, product_order, user_service, wire};
use crate::audit::{self, Acting, Actor, Entry};
use crate::clock;
use crate::db::{BATCH, Batch, Db, DbError, Dialect, placeholders};
use crate::licences::{self, Change, LicenceState};
use crate::orders;
use crate::outbox::{self, LicenceEvent, OrangeEventType};
use crate::provisioning::{self, tasks::Parent};
use crate::tasks;

/// Orders (and tasks) one call completes at the most. Small, so that the caller's check of
/// delivery between calls comes often: a pass of 20 tasks of 100 licences writes 2,000 events
/// (at 100, a pass wrote up to 10,000 before delivery had a say; see the server's
/// `let_delivery_catch_up`).
const PER_PASS: i64 = 20;

/// Completes what is acknowledged, oldest first, one order or task after another (at most
/// [`PER_PASS`] orders and as many tasks per call: the caller calls again while it finds work, and
/// between calls lets delivery catch up); returns how many orders and tasks it finished.
///
/// One after another also on PostgreSQL: completing four at once there wrote events faster than
/// the same machine delivered them (the delivery benchmark's live phase: 2,744 events created/s
/// against 1,775 delivered, 19,365 waiting at the end and p50 5.5 s from creation to delivery,
/// against 2,067 / 2,066, 27 waiting and 0.7 s one after another), and Orange learns that its
/// work is done from the events.
pub async fn run_pending(db: &Db) -> Result<usize, DbError> {
    let mut finished = 0;
    // Work of an offering with manual provisioning waits in the activation queue; work of an
    // offering with webhook provisioning is sent to the product. Each condition is left out while
    // no offering asks for it (the usual case), so that it costs nothing then.
    let (manual, webhook) = provisioning::modes_in_use(db).await?;
    if webhook {
        finished += provisioning::tasks::resolve_answered(db).await?;
    }
    let unless = |condition: &str| {
        if manual {
            format!(" AND NOT {condition}")
        } else {
            String::new()
        }
    };
    let flag = |condition: &str| {
        if webhook {
            format!("CAST(CASE WHEN {condition} THEN 1 ELSE 0 END AS BIGINT)")
        } else {
            "CAST(0 AS BIGINT)".to_owned()
        }
    };
    let orders: Vec<(OrderId, i64)> = sqlx::query_as(&format!(
        "SELECT id, {} FROM product_orders WHERE state = 'acknowledged'{} \
         ORDER BY created_at, id LIMIT $1",
        flag(provisioning::tasks::ORDER_NEEDS_WEBHOOK),
        unless(provisioning::ORDER_NEEDS_APPROVAL)
    ))
    .bind(PER_PASS)
    .fetch_all(db.pool())
    .await?;
    let mut plain = Vec::with_capacity(orders.len());
    for (id, to_product) in orders {
        if to_product == 1 {
            if provisioning::tasks::dispatch_order(db, &id).await? {
                finished += 1;
            }
        } else {
            plain.push(id);
        }
    }
    finished += complete_orders_together(db, &plain).await?;
    let tasks: Vec<(TaskId, i64)> = sqlx::query_as(&format!(
        "SELECT id, {} FROM user_service_tasks WHERE state = 'acknowledged'{} \
         ORDER BY created_at, id LIMIT $1",
        flag(provisioning::tasks::TASK_NEEDS_WEBHOOK),
        unless(provisioning::TASK_NEEDS_APPROVAL)
    ))
    .bind(PER_PASS)
    .fetch_all(db.pool())
    .await?;
    for (id, to_product) in tasks {
        let done = if to_product == 1 {
            provisioning::tasks::dispatch_task(db, &id).await?
        } else {
            complete_task(db, None, &id).await?
        };
        if done {
            finished += 1;
        }
    }
    Ok(finished)
}

/// Completes acknowledged orders of offerings without provisioning in one transaction, together
/// ([`complete_orders_in`]): one commit (one flush to disk) and a few statements for the pass
/// instead of one commit and about ten statements per order. On PostgreSQL the orders are locked
/// first with `FOR UPDATE SKIP LOCKED`, so another instance's pass takes the others instead of
/// waiting for this one. Should one order fail, the pass is taken back and its orders are completed
/// one transaction each, so that the others are not held back by it; returns how many were
/// completed.
async fn complete_orders_together(db: &Db, ids: &[OrderId]) -> Result<usize, DbError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let together = async {
        let mut tx = db.begin_write().await?;
        let free = match db.dialect() {
            Dialect::Postgres => {
                let sql = format!(
                    "SELECT id FROM product_orders WHERE id IN ({}) AND state = 'acknowledged' \
                     ORDER BY created_at, id {}",
                    placeholders(1, ids.len()),
                    Dialect::Postgres.skip_locked()
                );
                let mut query = sqlx::query_scalar::<_, OrderId>(&sql);
                for id in ids {
                    query = query.bind(id);
                }
                query.fetch_all(&mut *tx).await?
            }
            // One writer at a time: nothing to skip.
            Dialect::Sqlite => ids.to_vec(),
        };
        let done = complete_orders_in(&mut tx, None, &free).await?;
        tx.commit().await?;
        Ok::<_, DbError>(done)
    };
    match together.await {
        Ok(done) => {
            for id in &done {
                tracing::info!(order.id = %id, "asynchronous order completed");
            }
            Ok(done.len())
        }
        Err(error) => {
            tracing::warn!(
                error = %error,
                orders = ids.len(),
                "completing orders together failed; completing them one at a time"
            );
            let mut finished = 0;
            for id in ids {
                match complete_order(db, None, id).await {
                    Ok(true) => finished += 1,
                    Ok(false) => {}
                    // Left acknowledged for the next pass (and the stuck-work page); the orders
                    // after it are not held back.
                    Err(error) => {
                        tracing::warn!(order.id = %id, error = %error, "failed to complete an order")
                    }
                }
            }
            Ok(finished)
        }
    }
}

/// Who asked for a completion, and how: `complete_now` (support, from the stuck-work page) or
/// `approve` (the activation queue).
pub(crate) type Asked<'a> = Option<(&'a Acting, &'static str)>;

/// The entry of whoever asked for a completion now, if anyone did (`order.complete_now`,
/// `task.approve`, ...).
fn asked_entry(asked: Asked<'_>, object_type: &str, id: &str) -> Option<Entry> {
    asked.map(|(acting, how)| {
        acting
            .entry(&format!("{object_type}.{how}"), object_type, Some(id))
            .after(serde_json::json!({"completed": true}))
    })
}

/// Writes [`asked_entry`], if there is one.
async fn record_asked(
    conn: &mut AnyConnection,
    asked: Asked<'_>,
    object_type: &str,
    id: &str,
) -> Result<(), DbError> {
    if let Some(entry) = asked_entry(asked, object_type, id) {
        audit::record(&mut *conn, &entry).await?;
    }
    Ok(())
}

/// SQL: which in-progress work a completion may take. A person (support's "complete now") takes
/// only work still waiting on the partner's product (a provisioning task pending), not work
/// another path has in hand; the connector takes work once its provisioning is done.
fn in_progress_claim(asked: Asked<'_>, column: &str, table: &str) -> String {
    let pending = format!(
        "EXISTS (SELECT 1 FROM provisioning_tasks pw WHERE pw.{column} = {table}.id \
         AND pw.state = 'pending')"
    );
    match asked {
        Some(_) => pending,
        None => format!("NOT {pending}"),
    }
}

fn db_error(failure: Failure) -> DbError {
    match failure {
        Failure::Db(error) => DbError::Query(error),
        Failure::Api(error) => DbError::Corrupt(format!("completion refused: {error}")),
    }
}

/// Completes one acknowledged order: its licences become active, the order and its items
/// `completed`, and the `productOrderStateChangeEvent` is queued. `false` if another worker did it.
/// `asked_by` is whoever asked for it now (support, from the stuck-work page): their
/// `order.complete_now` entry is written in the same transaction.
pub async fn complete_order(
    db: &Db,
    asked_by: Option<&Acting>,
    id: &OrderId,
) -> Result<bool, DbError> {
    finish_order(db, asked_by.map(|acting| (acting, "complete_now")), id).await
}

/// Completes an order waiting for manual approval, as [`complete_order`] does; audited as
/// `order.approve`. `false` if it was no longer waiting.
pub async fn approve_order(db: &Db, acting: &Acting, id: &OrderId) -> Result<bool, DbError> {
    finish_order(db, Some((acting, "approve")), id).await
}

/// Completes an order by hand with the logins and realizing resource values an operator entered
/// ([`provisioning::values`]), applied in the same transaction before Orange's event is written:
/// approving it (`order.approve`) or completing it while it waits on the product
/// (`order.complete_now`). `false`, with nothing changed, if it was not waiting.
pub async fn complete_order_with_values(
    db: &Db,
    acting: &Acting,
    id: &OrderId,
    approve: bool,
    values: &HashMap<fleetdesk_vocab::LicenceId, provisioning::values::LicenceValues>,
) -> Result<bool, provisioning::values::ValuesError> {
    let how = if approve { "approve" } else { "complete_now" };
    let mut tx = db.begin_write().await?;
    provisioning::values::apply(&mut tx, acting, id, values).await?;
    if !complete_order_in(&mut tx, Some((acting, how)), id).await? {
        return Ok(false);
    }
    tx.commit().await.map_err(DbError::from)?;
    tracing::info!(order.id = %id, how, "order completed by hand with values");
    Ok(true)
}

async fn finish_order(db: &Db, asked: Asked<'_>, id: &OrderId) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    if !complete_order_in(&mut tx, asked, id).await? {
        return Ok(false);
    }
    tx.commit().await?;
    tracing::info!(order.id = %id, "asynchronous order completed");
    Ok(true)
}

/// Completes an acknowledged or in-progress order in the caller's transaction (see
/// [`complete_order`]); provisioning tasks still pending are resolved as completed by whoever
/// asked. `false` if the order was not waiting.
pub(crate) async fn complete_order_in(
    tx: &mut AnyConnection,
    asked: Asked<'_>,
    id: &OrderId,
) -> Result<bool, DbError> {
    Ok(!complete_orders_in(tx, asked, std::slice::from_ref(id))
        .await?
        .is_empty())
}

/// When orders complete together, their answers are read back and queued as events in groups of
/// at most this many licences, which bounds what a pass holds in memory (an order of more
/// licences is read alone, as it was before orders completed together).
const LICENCES_READ_TOGETHER: i64 = 2_000;

/// Completes acknowledged or in-progress orders in the caller's transaction (at most
/// [`BATCH`](crate::db::BATCH), as [`complete_order_in`] does one), with a few statements for all
/// of them: the orders claimed, their items and licences ended, the orders read back, their
/// events queued, and the audit entries written together. Returns the orders completed, in the
/// order of `ids`; the others were not waiting.
async fn complete_orders_in(
    tx: &mut AnyConnection,
    asked: Asked<'_>,
    ids: &[OrderId],
) -> Result<Vec<OrderId>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let now = clock::now_text();
    // A person completes acknowledged work, or work waiting on the product; the connector
    // finishes work whose provisioning is done (in progress, nothing pending any more).
    let sql = format!(
        "UPDATE product_orders SET state = 'completed', completed_at = $1, updated_at = $1 \
         WHERE id IN ({}) AND (state = 'acknowledged' OR (state = 'inProgress' AND {})) \
         RETURNING id, request_id",
        placeholders(2, ids.len()),
        in_progress_claim(asked, "order_id", "product_orders")
    );
    let mut query = sqlx::query_as::<_, (OrderId, Option<String>)>(&sql).bind(&now);
    for id in ids {
        query = query.bind(id);
    }
    let mut request_ids: HashMap<OrderId, Option<String>> =
        query.fetch_all(&mut *tx).await?.into_iter().collect();
    let claimed: Vec<(OrderId, Option<String>)> = ids
        .iter()
        .filter_map(|id| request_ids.remove_entry(id))
        .collect();
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    if let Some((acting, _)) = asked {
        for (id, _) in &claimed {
            provisioning::tasks::complete_all_by_hand(tx, acting, &Parent::Order(id.clone()))
                .await?;
        }
    }
    let claimed_ids: Vec<&str> = claimed.iter().map(|(id, _)| id.as_str()).collect();
    let items =
        orders::end_pending_items_of(tx, &claimed_ids, orders::Ending::Completed, &now).await?;
    let mut licences: HashMap<&str, i64> = HashMap::new();
    for (order, quantity) in &items {
        *licences.entry(order.as_str()).or_default() += quantity;
    }
    let mut groups = Vec::new();
    let (mut start, mut held) = (0, 0);
    for (n, id) in claimed_ids.iter().enumerate() {
        let count = licences.get(id).copied().unwrap_or(0);
        if n > start && held + count > LICENCES_READ_TOGETHER {
            groups.push(start..n);
            (start, held) = (n, 0);
        }
        held += count;
    }
    groups.push(start..claimed.len());
    let mut entries = Batch::default();
    for group in groups {
        let orders = product_order::render_many(tx, &claimed_ids[group.clone()]).await?;
        if orders.len() != group.len() {
            return Err(DbError::Corrupt(
                "an order vanished while it completed".to_owned(),
            ));
        }
        let group = &claimed[group];
        let events = outbox::enqueue_order_events(
            tx,
            orders
                .into_iter()
                .zip(group.iter().map(|(_, request_id)| request_id.clone()))
                .collect(),
        )
        .await?;
        for ((id, request_id), event) in group.iter().zip(&events) {
            let completed = Entry::new(
                Actor::system(),
                "orange.order.complete",
                "order",
                Some(id.as_str()),
            )
            .after(serde_json::json!({"state": "completed", "event": event}))
            .request_id(request_id.clone());
            audit::push(&mut entries, &completed);
            if let Some(entry) = asked_entry(asked, "order", id.as_str()) {
                audit::push(&mut entries, &entry);
            }
        }
    }
    entries.run(tx).await?;
    Ok(claimed.into_iter().map(|(id, _)| id).collect())
}

/// Completes one acknowledged task: each waiting item is applied and its licence's event queued
/// (with the task's Orange reference as correlationId). `false` if another worker did it.
/// `asked_by` as for [`complete_order`] (`task.complete_now`).
pub async fn complete_task(
    db: &Db,
    asked_by: Option<&Acting>,
    id: &TaskId,
) -> Result<bool, DbError> {
    finish_task(db, asked_by.map(|acting| (acting, "complete_now")), id).await
}

/// Completes a task waiting for manual approval, as [`complete_task`] does; audited as
/// `task.approve`. `false` if it was no longer waiting.
pub async fn approve_task(db: &Db, acting: &Acting, id: &TaskId) -> Result<bool, DbError> {
    finish_task(db, Some((acting, "approve")), id).await
}

async fn finish_task(db: &Db, asked: Asked<'_>, id: &TaskId) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    if !settle_task_in(&mut tx, asked, id, &HashMap::new()).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// Finishes an acknowledged or in-progress task in the caller's transaction: the waiting items of
/// the licences in `failed` fail with their code and message (their provisioning failed), the
/// others are applied, each with its licence's event; the task ends `completed`, `failed` or
/// `partial`. Provisioning tasks still pending are resolved as completed by whoever asked.
/// `false` if the task was not waiting.
pub(crate) async fn settle_task_in(
    tx: &mut AnyConnection,
    asked: Asked<'_>,
    id: &TaskId,
    failed: &HashMap<String, (ErrorCode, String)>,
) -> Result<bool, DbError> {
    let now = clock::now_text();
    let claimed = sqlx::query(&format!(
        "UPDATE user_service_tasks SET state = 'inProgress', updated_at = $2 \
         WHERE id = $1 AND (state = 'acknowledged' OR (state = 'inProgress' AND {}))",
        in_progress_claim(asked, "user_service_task_id", "user_service_tasks")
    ))
    .bind(id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(false);
    }
    if let Some((acting, _)) = asked {
        provisioning::tasks::complete_all_by_hand(tx, acting, &Parent::Task(id.clone())).await?;
    }
    fail_items(tx, id, failed, &now).await?;
    let task = sqlx::query(
        "SELECT action, target_state, target_offering_id, external_reference, request_id \
         FROM user_service_tasks WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let action: String = task.try_get("action")?;
    let target_state: Option<String> = task.try_get("target_state")?;
    let target_offering: Option<OfferingId> = task.try_get("target_offering_id")?;
    let correlation: Option<String> = task.try_get("external_reference")?;
    let request_id: Option<String> = task.try_get("request_id")?;
    let change = match action.as_str() {
        "changeState" => Change::SetState(
            target_state
                .as_deref()
                .and_then(LicenceState::parse)
                .ok_or_else(|| DbError::Corrupt(format!("task {id} has no target state")))?,
        ),
        "delete" => Change::Terminate,
        _ => Change::ChangeOffering {
            offering_id: target_offering
                .ok_or_else(|| DbError::Corrupt(format!("task {id} has no target offering")))?,
        },
    };
    let event_type = match change {
        Change::ChangeOffering { .. } => OrangeEventType::UserServiceAttributeValueChange,
        _ => OrangeEventType::UserServiceStateChange,
    };
    let waiting = sqlx::query(
        "SELECT position, licence_id FROM user_service_task_items \
         WHERE task_id = $1 AND result IS NULL ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let mut items = Vec::with_capacity(waiting.len());
    for item in &waiting {
        let position: i64 = item.try_get("position")?;
        let licence_id: Option<String> = item.try_get("licence_id")?;
        items.extend(licence_id.map(|licence_id| (position, licence_id)));
    }
    for batch in items.chunks(BATCH) {
        complete_items(
            tx,
            id.as_str(),
            batch,
            &change,
            event_type,
            correlation.as_deref(),
            request_id.as_deref(),
            &now,
        )
        .await?;
    }
    let counts = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN result = 'done' THEN 1 ELSE 0 END), 0) AS done, \
         COALESCE(SUM(CASE WHEN result = 'failed' THEN 1 ELSE 0 END), 0) AS failed \
         FROM user_service_task_items WHERE task_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let done: i64 = counts.try_get("done")?;
    let failed_count: i64 = counts.try_get("failed")?;
    let state = tasks::final_state(
        usize::try_from(done).unwrap_or(0),
        usize::try_from(failed_count).unwrap_or(0),
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
        &Entry::new(
            Actor::system(),
            "orange.task.complete",
            "task",
            Some(id.as_str()),
        )
        .after(serde_json::json!({"state": state, "done": done, "failed": failed_count}))
        .request_id(request_id),
    )
    .await?;
    record_asked(tx, asked, "task", id.as_str()).await?;
    tracing::info!(task.id = %id, task.state = state, "asynchronous task completed");
    Ok(true)
}

/// Fails the waiting items of the licences in `failed`, each with its code and message, and
/// clears those licences' operation markers: two statements per failure and [`BATCH`] licences.
/// As two statements per licence, a task of 10,000 licences whose provisioning failed sent 20,000.
async fn fail_items(
    conn: &mut AnyConnection,
    task_id: &TaskId,
    failed: &HashMap<String, (ErrorCode, String)>,
    now: &str,
) -> Result<(), DbError> {
    // The licences of one failure together (a product that refuses usually refuses them all alike).
    let mut by_failure: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (licence, (code, message)) in failed {
        by_failure
            .entry((code.as_str(), message.as_str()))
            .or_default()
            .push(licence.as_str());
    }
    for ((code, message), licences) in &by_failure {
        for chunk in licences.chunks(BATCH) {
            let sql = format!(
                "UPDATE user_service_task_items SET result = 'failed', error_code = $2, \
                 error_message = $3, completed_at = $4 \
                 WHERE task_id = $1 AND result IS NULL AND licence_id IN ({})",
                placeholders(5, chunk.len())
            );
            let mut query = sqlx::query(&sql)
                .bind(task_id)
                .bind(*code)
                .bind(*message)
                .bind(now);
            for licence in chunk {
                query = query.bind(*licence);
            }
            query.execute(&mut *conn).await?;
            let sql = format!(
                concat!(
                    "UPDATE licences SET ",
                    crate::licences::end_pending!(),
                    " WHERE pending_task_id = $1 AND id IN ({})"
                ),
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(task_id);
            for licence in chunk {
                query = query.bind(*licence);
            }
            query.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Completes a batch of a task's waiting items (position, licence) in a few statements: the
/// change applied and the licences' operation markers cleared (one statement), the items done,
/// and one event per item queued with the licence as it now reads.
#[expect(
    clippy::too_many_arguments,
    reason = "the task's settings travel together only here"
)]
async fn complete_items(
    conn: &mut AnyConnection,
    task_id: &str,
    items: &[(i64, String)],
    change: &Change,
    event_type: OrangeEventType,
    correlation: Option<&str>,
    request_id: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    let ids: Vec<&str> = items.iter().map(|(_, id)| id.as_str()).collect();
    licences::apply_many(conn, &ids, change, now, Some(task_id))
        .await
        .map_err(db_error)?;
    let sql = format!(
        "UPDATE user_service_task_items SET result = 'done', completed_at = $2 \
         WHERE task_id = $1 AND position IN ({})",
        placeholders(3, items.len())
    );
    let mut query = sqlx::query(&sql).bind(task_id).bind(now);
    for (position, _) in items {
        query = query.bind(*position);
    }
    query.execute(&mut *conn).await?;
    let loaded: HashMap<String, wire::UserService> = user_service::load_many(conn, &ids)
        .await?
        .into_iter()
        .map(|licence| (licence.id.to_string(), licence))
        .collect();
    let events = ids
        .iter()
        .map(|id| {
            let licence = loaded
                .get(*id)
                .cloned()
                .ok_or_else(|| DbError::Corrupt(format!("licence {id} vanished")))?;
            Ok(LicenceEvent {
                event_type,
                licence,
                correlation_id: correlation.map(str::to_owned),
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    outbox::enqueue_licence_events(conn, events, request_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Acting;
    use crate::on_each_db;
    use crate::orange::ErrorCode;
    use crate::orange::settings::Mode;
    use crate::orange::wire;
    use crate::testing::{every_operation, post_task, suspension};

    /// Orange's order `reference` of `quantity` PRO licences for the customer C-1.
    fn order(reference: &str, quantity: u32) -> (wire::ProductOrderRequest, String) {
        let body = serde_json::json!({
            "externalReference": {"type": "orange", "id": reference},
            "customer": {"externalReference": {"type": "orange", "id": "C-1"}, "name": "Acme"},
            "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                           "productRef": {"userServiceQuantity": quantity}}]
        })
        .to_string();
        (wire::read_body(body.as_bytes()).expect("valid"), body)
    }

    #[tokio::test]
    async fn a_licence_with_an_unfinished_operation_refuses_other_writes_until_completion() {
        on_each_db!(|db| async move {
            crate::testing::pro_offering(&db).await;
            let acting = crate::testing::orange();
            let (sync_mode, async_mode) =
                (every_operation(Mode::Sync), every_operation(Mode::Async));
            let (request, body) = order("O-1", 2);
            let order = product_order::place(&db, &async_mode, &request, body.as_bytes(), &acting)
                .await
                .expect("acknowledged");
            assert_eq!(order.body["state"], "acknowledged");
            let ids: Vec<String> =
                sqlx::query_scalar("SELECT id FROM licences ORDER BY created_at, id")
                    .fetch_all(db.pool())
                    .await
                    .expect("licences");
            let suspend = Change::SetState(LicenceState::Suspended);
            let refused =
                user_service::change_one(&db, &sync_mode, &ids[0], suspend.clone(), &acting)
                    .await
                    .expect_err("the order is not complete");
            assert_eq!(refused.code, ErrorCode::OperationInProgress);

            // The server stopped here: the next pass finds the acknowledged order and completes it.
            assert_eq!(run_pending(&db).await.expect("pass"), 1);
            assert_eq!(
                run_pending(&db).await.expect("pass"),
                0,
                "nothing is completed twice"
            );

            let ack = user_service::change_one(&db, &async_mode, &ids[0], suspend.clone(), &acting)
                .await
                .expect("acknowledged");
            assert_eq!(ack.status, 202);
            let again =
                user_service::change_one(&db, &async_mode, &ids[0], Change::Terminate, &acting)
                    .await
                    .expect_err("in progress");
            assert_eq!(again.code, ErrorCode::OperationInProgress);
            assert_eq!(run_pending(&db).await.expect("pass"), 1);
            let done =
                user_service::change_one(&db, &sync_mode, &ids[0], Change::Terminate, &acting)
                    .await
                    .expect("terminated");
            assert_eq!(done.body["state"], "terminated");

            let events = crate::outbox::list_all(&db).await.expect("outbox");
            let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
            assert_eq!(
                types,
                [
                    "productOrderStateChangeEvent",
                    "userServiceStateChangeEvent"
                ]
            );
        });
    }

    #[tokio::test]
    async fn an_order_that_cannot_be_completed_does_not_hold_back_the_others_of_its_pass() {
        on_each_db!(|db| async move {
            crate::testing::pro_offering(&db).await;
            let acting = crate::testing::orange();
            let async_mode = every_operation(Mode::Async);
            for n in 1..=3 {
                let (request, body) = order(&format!("O-{n}"), 2);
                product_order::place(&db, &async_mode, &request, body.as_bytes(), &acting)
                    .await
                    .expect("acknowledged");
            }
            // The database refuses to complete O-2, as a broken row would.
            let refuse: &[&str] = match db.dialect() {
                crate::db::Dialect::Sqlite => {
                    &["CREATE TRIGGER refuse_o2 BEFORE UPDATE ON product_orders \
                     WHEN OLD.external_reference = 'O-2' BEGIN SELECT RAISE(ABORT, 'refused'); END"]
                }
                crate::db::Dialect::Postgres => &[
                    "CREATE FUNCTION refuse_o2() RETURNS trigger AS $$ BEGIN \
                     IF OLD.external_reference = 'O-2' THEN RAISE EXCEPTION 'refused'; END IF; \
                     RETURN NEW; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER refuse_o2 BEFORE UPDATE ON product_orders \
                     FOR EACH ROW EXECUTE FUNCTION refuse_o2()",
                ],
            };
            for sql in refuse {
                sqlx::query(sql).execute(db.pool()).await.expect("trigger");
            }

            assert_eq!(run_pending(&db).await.expect("pass"), 2, "O-1 and O-3");
            let states: Vec<(String, String)> = sqlx::query_as(
                "SELECT external_reference, state FROM product_orders ORDER BY external_reference",
            )
            .fetch_all(db.pool())
            .await
            .expect("orders");
            let states: Vec<(&str, &str)> = states
                .iter()
                .map(|(r, s)| (r.as_str(), s.as_str()))
                .collect();
            assert_eq!(
                states,
                [
                    ("O-1", "completed"),
                    ("O-2", "acknowledged"),
                    ("O-3", "completed")
                ]
            );
            let events = crate::outbox::list_all(&db).await.expect("outbox");
            assert_eq!(
                events.len(),
                2,
                "one event per completed order, none for O-2"
            );
            assert_eq!(run_pending(&db).await.expect("pass"), 0, "O-2 waits");
        });
    }

    /// Orders completed together in one pass: each order's event is the order as it reads back
    /// alone, with the id of the request that placed it, and its audit entry names that event;
    /// also across the groups of orders read back together (an order of more licences than
    /// [`LICENCES_READ_TOGETHER`] is read alone, between the others).
    #[tokio::test]
    async fn orders_completed_together_each_get_their_own_event_and_entry() {
        on_each_db!(|db| async move {
            crate::testing::pro_offering(&db).await;
            let big = u32::try_from(LICENCES_READ_TOGETHER).expect("small") + 100;
            let async_mode = every_operation(Mode::Async);
            let orders: [&[u32]; 5] = [&[3], &[2, 1], &[big], &[1], &[4]];
            for (n, quantities) in orders.iter().enumerate() {
                let items: Vec<serde_json::Value> = quantities
                    .iter()
                    .enumerate()
                    .map(|(i, quantity)| {
                        serde_json::json!({
                            "id": format!("item-{i}"),
                            "productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                            "productRef": {"userServiceQuantity": quantity}
                        })
                    })
                    .collect();
                let body = serde_json::json!({
                    "externalReference": {"type": "orange", "id": format!("O-{n}")},
                    "customer": {"externalReference": {"type": "orange", "id": format!("C-{}", n % 2)},
                                 "name": "Acme"},
                    "orderItem": items
                })
                .to_string();
                let request: wire::ProductOrderRequest =
                    wire::read_body(body.as_bytes()).expect("valid");
                let acting = Acting {
                    actor: Actor::orange(None, "test"),
                    request_id: Some(format!("req-{n}")),
                };
                product_order::place(&db, &async_mode, &request, body.as_bytes(), &acting)
                    .await
                    .expect("acknowledged");
            }
            assert_eq!(run_pending(&db).await.expect("pass"), orders.len());

            let events: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
                "SELECT id, resource_id, payload_json, request_id FROM outbox_events \
                 WHERE event_type = 'productOrderStateChangeEvent'",
            )
            .fetch_all(db.pool())
            .await
            .expect("events");
            assert_eq!(events.len(), orders.len(), "one event per order");
            let mut conn = db.pool().acquire().await.expect("connection");
            let mut seen = Vec::new();
            for (event_id, order_id, payload, request_id) in events {
                let alone = product_order::render(&mut conn, &order_id)
                    .await
                    .expect("read")
                    .expect("the order");
                assert_eq!(alone.state, "completed");
                let payload: serde_json::Value = serde_json::from_str(&payload).expect("JSON");
                assert_eq!(payload["eventId"], event_id.as_str());
                assert_eq!(
                    payload["event"]["productOrder"],
                    serde_json::to_value(&alone).expect("JSON"),
                    "the event of {} is the order as it reads back",
                    alone.external_reference.id
                );
                let n = alone
                    .external_reference
                    .id
                    .trim_start_matches("O-")
                    .to_owned();
                assert_eq!(request_id, Some(format!("req-{n}")));
                let quantities: Vec<i64> = alone
                    .order_item
                    .iter()
                    .map(|item| {
                        assert_eq!(item.state, "completed");
                        assert!(
                            item.product_ref
                                .user_service
                                .iter()
                                .all(|l| l.state == "active")
                        );
                        i64::try_from(item.product_ref.user_service.len()).expect("small")
                    })
                    .collect();
                let ordered: Vec<i64> = orders[n.parse::<usize>().expect("number")]
                    .iter()
                    .map(|q| i64::from(*q))
                    .collect();
                assert_eq!(
                    quantities, ordered,
                    "O-{n}: each item with its own licences"
                );
                let (after, entry_request): (String, Option<String>) = sqlx::query_as(
                    "SELECT after_json, request_id FROM audit_log \
                     WHERE action = 'orange.order.complete' AND object_id = $1",
                )
                .bind(&order_id)
                .fetch_one(db.pool())
                .await
                .expect("one entry");
                let after: serde_json::Value = serde_json::from_str(&after).expect("JSON");
                assert_eq!(after["event"], event_id.as_str());
                assert_eq!(entry_request, Some(format!("req-{n}")));
                seen.push(n);
            }
            seen.sort();
            assert_eq!(seen, ["0", "1", "2", "3", "4"]);
        });
    }

    /// Runs two passes at once, as two instances would, again and again until a pair finds
    /// nothing (one pass takes at most `PER_PASS`); returns how many they finished in all.
    async fn passes_two_at_once(db: &Db) -> usize {
        let mut finished = 0;
        loop {
            let (a, b) = tokio::join!(run_pending(db), run_pending(db));
            let both = a.expect("pass") + b.expect("pass");
            if both == 0 {
                return finished;
            }
            finished += both;
        }
    }

    #[tokio::test]
    async fn passes_running_at_once_complete_each_order_and_task_exactly_once() {
        on_each_db!(|db| async move {
            crate::testing::pro_offering(&db).await;
            let acting = crate::testing::orange();
            let async_mode = every_operation(Mode::Async);
            // Orders of one customer, completed by two passes at once as two instances would.
            for n in 0..24 {
                let (request, body) = order(&format!("O-{n}"), 3);
                product_order::place(&db, &async_mode, &request, body.as_bytes(), &acting)
                    .await
                    .expect("acknowledged");
            }
            assert_eq!(passes_two_at_once(&db).await, 24, "every order once");
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM licences WHERE state <> 'active' OR pending_operation IS NOT NULL",
            )
            .fetch_one(db.pool())
            .await
            .expect("count");
            assert_eq!(open, 0, "every ordered licence is active");

            let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM licences ORDER BY id")
                .fetch_all(db.pool())
                .await
                .expect("licences");
            for (n, chunk) in ids.chunks(3).enumerate() {
                let answer = post_task(&db, Mode::Async, &format!("T-{n}"), suspension(chunk))
                    .await
                    .expect("acknowledged");
                assert_eq!(answer.body["state"], "acknowledged");
            }
            assert_eq!(passes_two_at_once(&db).await, 24, "every task once");
            assert_eq!(run_pending(&db).await.expect("pass"), 0, "nothing left");

            let states: Vec<(String, i64)> =
                sqlx::query_as("SELECT state, COUNT(*) FROM user_service_tasks GROUP BY state")
                    .fetch_all(db.pool())
                    .await
                    .expect("tasks");
            assert_eq!(states, [("completed".to_owned(), 24)]);
            let suspended: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM licences WHERE state = 'suspended'")
                    .fetch_one(db.pool())
                    .await
                    .expect("count");
            assert_eq!(suspended, 72);
            let events = crate::outbox::list_all(&db).await.expect("outbox");
            let count = |kind: &str| events.iter().filter(|e| e.event_type == kind).count();
            assert_eq!(
                count("productOrderStateChangeEvent"),
                24,
                "one event per order"
            );
            assert_eq!(
                count("userServiceStateChangeEvent"),
                72,
                "one event per licence"
            );
        });
    }

    #[tokio::test]
    async fn a_task_whose_provisioning_failed_for_most_licences_fails_them_and_applies_the_rest() {
        on_each_db!(|db| async move {
            crate::testing::pro_offering(&db).await;
            let acting = crate::testing::orange();
            let sync_mode = every_operation(Mode::Sync);
            let (request, body) = order("O-1", 505);
            product_order::place(&db, &sync_mode, &request, body.as_bytes(), &acting)
                .await
                .expect("ordered");
            let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM licences ORDER BY id")
                .fetch_all(db.pool())
                .await
                .expect("licences");
            let answer = post_task(&db, Mode::Async, "T-1", suspension(&ids))
                .await
                .expect("acknowledged");
            let task = TaskId::from(answer.body["id"].as_str().expect("task id"));
            // The product was down for 501 licences (more than one statement takes) and refused
            // two others; two were provisioned.
            let mut failed = HashMap::new();
            for licence in &ids[..501] {
                let down = (ErrorCode::ServiceUnavailable, "product down".to_owned());
                failed.insert(licence.clone(), down);
            }
            for licence in &ids[501..503] {
                let refused = (ErrorCode::InvalidValue, "refused".to_owned());
                failed.insert(licence.clone(), refused);
            }
            let mut tx = db.begin_write().await.expect("begin");
            assert!(
                settle_task_in(&mut tx, None, &task, &failed)
                    .await
                    .expect("settled")
            );
            tx.commit().await.expect("commit");

            let items: Vec<(String, Option<String>, Option<String>, i64)> = sqlx::query_as(
                "SELECT result, error_code, error_message, COUNT(*) FROM user_service_task_items \
                 WHERE task_id = $1 GROUP BY result, error_code, error_message \
                 ORDER BY result, error_code",
            )
            .bind(&task)
            .fetch_all(db.pool())
            .await
            .expect("items");
            let failure = |code: &str, message: &str, n| {
                let (code, message) = (Some(code.to_owned()), Some(message.to_owned()));
                ("failed".to_owned(), code, message, n)
            };
            assert_eq!(
                items,
                [
                    ("done".to_owned(), None, None, 2),
                    failure("INVALID_VALUE", "refused", 2),
                    failure("SERVICE_UNAVAILABLE", "product down", 501),
                ]
            );
            let licences: Vec<(String, i64)> = sqlx::query_as(
                "SELECT state, COUNT(*) FROM licences WHERE pending_operation IS NULL \
                 AND pending_task_id IS NULL GROUP BY state ORDER BY state",
            )
            .fetch_all(db.pool())
            .await
            .expect("licences");
            assert_eq!(
                licences,
                [("active".to_owned(), 503), ("suspended".to_owned(), 2)],
                "every licence free again, the failed ones unchanged"
            );
            let state: String =
                sqlx::query_scalar("SELECT state FROM user_service_tasks WHERE id = $1")
                    .bind(&task)
                    .fetch_one(db.pool())
                    .await
                    .expect("task");
            assert_eq!(state, "partial");
        });
    }
}
