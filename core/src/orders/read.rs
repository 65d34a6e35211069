//! Reading Orange's product orders for people (the console): a list by state, newest first, paged
//! by keyset on `(created_at, id)`; a customer's newest orders; one order with its items, the
//! licences it created, the raw request and Fleetdesk's answer, its audit timeline and the events it
//! caused.

use fleetdesk_vocab::{CustomerId, FleetId, LicenceId, OrderId};
use fleetdesk_vocab::{LicenceState, Mode, WorkState};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit;
use crate::db::{Db, DbError, word};
use crate::outbox::browse::EventRow;
use crate::work::{RawExchange, WorkTable, creating_exchange, related_events, timeline, work_list};

/// An order as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRow {
    pub id: OrderId,
    pub external_reference: String,
    pub customer_id: CustomerId,
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
    let table = WorkTable {
        columns: ORDER_COLUMNS,
        from: "product_orders o JOIN customers c ON c.id = o.customer_id",
        prefix: "o.",
    };
    work_list(db, &table, state, before, limit, order_row).await
}

/// A customer's newest orders.
pub async fn list_for_customer(
    db: &Db,
    customer_id: &CustomerId,
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

/// How many licences an order's page lists.
pub const DETAIL_LICENCES: i64 = 200;

/// A licence an order created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceLink {
    pub id: LicenceId,
    pub state: LicenceState,
    pub login: Option<String>,
    pub offer_code: String,
    pub fleet_id: FleetId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderItem {
    pub position: i64,
    pub orange_item_id: Option<String>,
    pub action: String,
    pub offer_code: String,
    pub offering_name: String,
    pub quantity: i64,
    pub fleet_id: Option<FleetId>,
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

/// One order in full, or `None`.
pub async fn detail(db: &Db, id: &OrderId) -> Result<Option<OrderDetail>, DbError> {
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
        id.as_str(),
    )
    .await?;
    let request_id: Option<String> = found.try_get("request_id")?;
    let raw = RawExchange {
        exchange: creating_exchange(db, request_id.as_deref(), "order", id.as_str()).await?,
        stored_request: found.try_get("request_json")?,
        stored_response_status: found.try_get("response_status")?,
        stored_response: found.try_get("response_json")?,
    };
    let timeline = timeline(db, "order", id.as_str()).await?;
    let events = related_events(db, &[id.as_str(), &order.external_reference]).await?;
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
