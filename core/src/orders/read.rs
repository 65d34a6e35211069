//! Reading Orange's product orders and userServiceTasks for people (the console): lists by state,
//! newest first, paged by keyset on `(state, created_at, id)` or `(created_at, id)`; one order or
//! task with its items, the licences it touched, the raw request and Fleetdesk's answer, its audit
//! timeline and the events it caused.
//!
//! The service side of orders and tasks (placing them, answering Orange) is `crate::orange`.

use fleetdesk_vocab::{LicenceState, Mode, WorkState};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit;
use crate::db::{Db, DbError, keyset_older, keyset_start, word};
use crate::outbox::browse::EventRow;

/// An order as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRow {
    pub id: String,
    pub external_reference: String,
    pub customer_id: String,
    pub customer_name: String,
    pub mode: Mode,
    pub state: WorkState,
    pub created_at: String,
    pub completed_at: Option<String>,
}

const ORDER_COLUMNS: &str = "o.id, o.external_reference, o.customer_id, c.name AS customer_name, \
     o.mode, o.state, o.created_at, o.completed_at";

fn order_row(row: &AnyRow) -> Result<OrderRow, sqlx::Error> {
    Ok(OrderRow {
        id: row.try_get("id")?,
        external_reference: row.try_get("external_reference")?,
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        mode: word(row, "mode")?,
        state: word(row, "state")?,
        created_at: row.try_get("created_at")?,
        completed_at: row.try_get("completed_at")?,
    })
}

/// Orders in `state` (any when `None`), newest first, older than the `(created_at, id)` cursor.
pub async fn list(
    db: &Db,
    state: Option<WorkState>,
    before: Option<(String, String)>,
    limit: u32,
) -> Result<Vec<OrderRow>, DbError> {
    let (at, id) = keyset_start(before);
    // Two statements, so each walks its own index.
    let condition = if state.is_some() {
        "o.state = $1"
    } else {
        "$1 IS NULL"
    };
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM product_orders o JOIN customers c ON c.id = o.customer_id \
         WHERE {condition} AND {older} ORDER BY o.created_at DESC, o.id DESC LIMIT $4",
        older = keyset_older("o.created_at", "o.id", "$2", "$3"),
    ))
    .bind(state.map(WorkState::as_str))
    .bind(at)
    .bind(id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(order_row).collect::<Result<_, _>>()?)
}

/// A customer's newest orders.
pub async fn list_for_customer(
    db: &Db,
    customer_id: &str,
    limit: u32,
) -> Result<Vec<OrderRow>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM product_orders o JOIN customers c ON c.id = o.customer_id \
         WHERE o.customer_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2"
    ))
    .bind(customer_id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(order_row).collect::<Result<_, _>>()?)
}

/// What Orange sent and what Fleetdesk answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawExchange {
    /// The recorded exchange, while it is kept (retention); `None` once purged.
    pub exchange: Option<crate::orange::exchanges::Exchange>,
    /// The request body as stored with the order or task (kept for good).
    pub stored_request: String,
    pub stored_response_status: Option<i64>,
    /// The first answer as stored with the order or task.
    pub stored_response: Option<String>,
}

/// A licence touched by an order or a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceLink {
    pub id: String,
    pub state: LicenceState,
    pub login: Option<String>,
    pub offer_code: String,
    pub fleet_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderItem {
    pub position: i64,
    pub orange_item_id: Option<String>,
    pub action: String,
    pub offer_code: String,
    pub offering_name: String,
    pub quantity: i64,
    pub fleet_id: Option<String>,
    pub state: WorkState,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
}

/// An order in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderDetail {
    pub order: OrderRow,
    pub category: Option<String>,
    pub order_date: Option<String>,
    pub requested_start_date: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub request_id: Option<String>,
    pub updated_at: String,
    pub items: Vec<OrderItem>,
    /// The licences it created, at most [`DETAIL_LICENCES`].
    pub licences: Vec<LicenceLink>,
    pub raw: RawExchange,
    pub timeline: Vec<audit::Record>,
    pub events: Vec<EventRow>,
}

/// How many licences an order's or task's page lists.
pub const DETAIL_LICENCES: i64 = 200;
/// How many events an order's or task's page lists.
const DETAIL_EVENTS: u32 = 100;

/// One order in full, or `None`.
pub async fn detail(db: &Db, id: &str) -> Result<Option<OrderDetail>, DbError> {
    let found = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS}, o.category, o.order_date, o.requested_start_date, \
         o.failure_code, o.failure_message, o.request_id, o.updated_at, o.request_json, \
         o.response_status, o.response_json \
         FROM product_orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(found) = found else { return Ok(None) };
    let order = order_row(&found)?;
    let items = sqlx::query(
        "SELECT i.position, i.orange_item_id, i.action, i.offer_code, f.name AS offering_name, \
         i.quantity, i.fleet_id, i.state, i.failure_code, i.failure_message \
         FROM product_order_items i JOIN offerings f ON f.id = i.offering_id \
         WHERE i.order_id = $1 ORDER BY i.position",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|i| {
        Ok(OrderItem {
            position: i.try_get("position")?,
            orange_item_id: i.try_get("orange_item_id")?,
            action: i.try_get("action")?,
            offer_code: i.try_get("offer_code")?,
            offering_name: i.try_get("offering_name")?,
            quantity: i.try_get("quantity")?,
            fleet_id: i.try_get("fleet_id")?,
            state: word(i, "state")?,
            failure_code: i.try_get("failure_code")?,
            failure_message: i.try_get("failure_message")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let licences = licence_links(
        db,
        "l.order_item_id IN (SELECT id FROM product_order_items WHERE order_id = $1)",
        id,
    )
    .await?;
    let request_id: Option<String> = found.try_get("request_id")?;
    let raw = RawExchange {
        exchange: creating_exchange(db, request_id.as_deref(), "order", id).await?,
        stored_request: found.try_get("request_json")?,
        stored_response_status: found.try_get("response_status")?,
        stored_response: found.try_get("response_json")?,
    };
    let timeline = timeline(db, "order", id).await?;
    let events = related_events(db, &[id, &order.external_reference]).await?;
    Ok(Some(OrderDetail {
        category: found.try_get("category")?,
        order_date: found.try_get("order_date")?,
        requested_start_date: found.try_get("requested_start_date")?,
        failure_code: found.try_get("failure_code")?,
        failure_message: found.try_get("failure_message")?,
        request_id,
        updated_at: found.try_get("updated_at")?,
        order,
        items,
        licences,
        raw,
        timeline,
        events,
    }))
}

/// Licences matching `condition` (on `l`, with `$1` = `value`), oldest first.
async fn licence_links(db: &Db, condition: &str, value: &str) -> Result<Vec<LicenceLink>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT l.id, l.state, l.login, o.offer_code, l.fleet_id FROM licences l \
         JOIN offerings o ON o.id = l.offering_id WHERE {condition} \
         ORDER BY l.created_at, l.id LIMIT $2"
    ))
    .bind(value)
    .bind(DETAIL_LICENCES)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|l| {
            Ok(LicenceLink {
                id: l.try_get("id")?,
                state: word(l, "state")?,
                login: l.try_get("login")?,
                offer_code: l.try_get("offer_code")?,
                fleet_id: l.try_get("fleet_id")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// The recorded exchange of the request that created an order or task: the one with its request
/// id, else the first POST about it; `None` once the exchanges' retention has removed it.
async fn creating_exchange(
    db: &Db,
    request_id: Option<&str>,
    object_type: &str,
    object_id: &str,
) -> Result<Option<crate::orange::exchanges::Exchange>, DbError> {
    if let Some(request_id) = request_id {
        let by_request: Option<String> = sqlx::query_scalar(
            "SELECT id FROM orange_exchanges WHERE request_id = $1 ORDER BY at, id LIMIT 1",
        )
        .bind(request_id)
        .fetch_optional(db.pool())
        .await?;
        if let Some(found) = by_request {
            return crate::orange::exchanges::find(db, &found).await;
        }
    }
    let by_object: Option<String> = sqlx::query_scalar(
        "SELECT id FROM orange_exchanges WHERE object_type = $1 AND object_id = $2 \
         AND method = 'POST' ORDER BY at, id LIMIT 1",
    )
    .bind(object_type)
    .bind(object_id)
    .fetch_optional(db.pool())
    .await?;
    match by_object {
        Some(found) => crate::orange::exchanges::find(db, &found).await,
        None => Ok(None),
    }
}

async fn timeline(db: &Db, object_type: &str, id: &str) -> Result<Vec<audit::Record>, DbError> {
    audit::list(
        db,
        &audit::Filter {
            object_type: Some(object_type.to_owned()),
            object_id: Some(id.to_owned()),
            ..audit::Filter::default()
        },
        50,
    )
    .await
}

/// Events about any of `keys`: an order or licence id, or Orange's reference as correlation id;
/// newest first, each once.
async fn related_events(db: &Db, keys: &[&str]) -> Result<Vec<EventRow>, DbError> {
    let mut events: Vec<EventRow> = Vec::new();
    for key in keys {
        let filter = crate::outbox::browse::Filter {
            resource: Some((*key).to_owned()),
            ..crate::outbox::browse::Filter::default()
        };
        for event in crate::outbox::browse::list(db, &filter, None, DETAIL_EVENTS).await? {
            if !events.iter().any(|e| e.id == event.id) {
                events.push(event);
            }
        }
    }
    events.sort_by(|a, b| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id)));
    events.truncate(DETAIL_EVENTS as usize);
    Ok(events)
}

/// A userServiceTask as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub id: String,
    pub external_reference: Option<String>,
    pub origin: String,
    pub action: String,
    pub target_state: Option<String>,
    pub target_offer_code: Option<String>,
    pub mode: Mode,
    pub state: WorkState,
    pub created_at: String,
    pub completed_at: Option<String>,
}

const TASK_COLUMNS: &str = "id, external_reference, origin, action, target_state, \
     target_offer_code, mode, state, created_at, completed_at";

fn task_row(row: &AnyRow) -> Result<TaskRow, sqlx::Error> {
    Ok(TaskRow {
        id: row.try_get("id")?,
        external_reference: row.try_get("external_reference")?,
        origin: row.try_get("origin")?,
        action: row.try_get("action")?,
        target_state: row.try_get("target_state")?,
        target_offer_code: row.try_get("target_offer_code")?,
        mode: word(row, "mode")?,
        state: word(row, "state")?,
        created_at: row.try_get("created_at")?,
        completed_at: row.try_get("completed_at")?,
    })
}

/// Tasks in `state` (any when `None`), newest first, older than the `(created_at, id)` cursor.
pub async fn list_tasks(
    db: &Db,
    state: Option<WorkState>,
    before: Option<(String, String)>,
    limit: u32,
) -> Result<Vec<TaskRow>, DbError> {
    let (at, id) = keyset_start(before);
    let condition = if state.is_some() {
        "state = $1"
    } else {
        "$1 IS NULL"
    };
    let rows = sqlx::query(&format!(
        "SELECT {TASK_COLUMNS} FROM user_service_tasks WHERE {condition} AND {older} \
         ORDER BY created_at DESC, id DESC LIMIT $4",
        older = keyset_older("created_at", "id", "$2", "$3"),
    ))
    .bind(state.map(WorkState::as_str))
    .bind(at)
    .bind(id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(task_row).collect::<Result<_, _>>()?)
}

/// One item of a task and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskItem {
    pub position: i64,
    pub user_service_id: String,
    /// Set when the id named a known licence.
    pub licence_id: Option<String>,
    /// `done`, `failed`, or `None` while not done.
    pub result: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub completed_at: Option<String>,
}

/// A task in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDetail {
    pub task: TaskRow,
    pub request_id: Option<String>,
    pub updated_at: String,
    /// In the request's order, at most [`DETAIL_ITEMS`].
    pub items: Vec<TaskItem>,
    pub item_count: i64,
    pub raw: RawExchange,
    pub timeline: Vec<audit::Record>,
    pub events: Vec<EventRow>,
}

/// How many items a task's page lists.
pub const DETAIL_ITEMS: i64 = 500;

/// One task in full, or `None`.
pub async fn task_detail(db: &Db, id: &str) -> Result<Option<TaskDetail>, DbError> {
    let found = sqlx::query(&format!(
        "SELECT {TASK_COLUMNS}, request_id, updated_at, request_json, response_status, \
         response_json FROM user_service_tasks WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(found) = found else { return Ok(None) };
    let task = task_row(&found)?;
    let items = sqlx::query(
        "SELECT position, user_service_id, licence_id, result, error_code, error_message, \
         completed_at FROM user_service_task_items WHERE task_id = $1 ORDER BY position LIMIT $2",
    )
    .bind(id)
    .bind(DETAIL_ITEMS)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|i| {
        Ok(TaskItem {
            position: i.try_get("position")?,
            user_service_id: i.try_get("user_service_id")?,
            licence_id: i.try_get("licence_id")?,
            result: i.try_get("result")?,
            error_code: i.try_get("error_code")?,
            error_message: i.try_get("error_message")?,
            completed_at: i.try_get("completed_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let item_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM user_service_task_items WHERE task_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
    let request_id: Option<String> = found.try_get("request_id")?;
    let raw = RawExchange {
        exchange: creating_exchange(db, request_id.as_deref(), "task", id).await?,
        stored_request: found.try_get("request_json")?,
        stored_response_status: found.try_get("response_status")?,
        stored_response: found.try_get("response_json")?,
    };
    let timeline = timeline(db, "task", id).await?;
    // Licence events carry the task's Orange reference; a task without one (a single PATCH or
    // DELETE answered later) is found through its licence.
    let events = match (&task.external_reference, items.first()) {
        (Some(reference), _) => related_events(db, &[reference]).await?,
        (
            None,
            Some(TaskItem {
                licence_id: Some(licence),
                ..
            }),
        ) if task.origin == "single" => related_events(db, &[licence]).await?,
        _ => Vec::new(),
    };
    Ok(Some(TaskDetail {
        request_id,
        updated_at: found.try_get("updated_at")?,
        task,
        items,
        item_count,
        raw,
        timeline,
        events,
    }))
}
