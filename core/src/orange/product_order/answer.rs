//! The order as answered to Orange, and reading one back.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use crate::db::{Db, DbError, keys_per_lookup, placeholders};
use crate::orange::wire::{self, ExternalReference};
use crate::orange::{Answer, ApiError, ErrorCode, user_service};
use crate::orders::{Created, Planned};

/// An order as Orange sees it: its current state, items and the licences they created.
pub(crate) async fn render(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<wire::ProductOrder>, DbError> {
    Ok(render_many(conn, &[id]).await?.pop())
}

/// Several orders as [`render`] reads one (at most [`BATCH`](crate::db::BATCH) ids), in the order
/// of `ids`; unknown ids are left out: the orders with their customers, then their items and the
/// items' licences, on SQLite in one statement each, on PostgreSQL one per order and per item
/// ([`keys_per_lookup`]).
pub(crate) async fn render_many(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<Vec<wire::ProductOrder>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT o.id, o.external_reference, o.category, o.state, o.order_date, \
         o.requested_start_date, o.completed_at, o.notes_json, o.related_contacts_json, \
         c.id AS customer_id, c.external_reference AS customer_ref, c.name AS customer_name \
         FROM product_orders o JOIN customers c ON c.id = o.customer_id WHERE o.id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut orders = HashMap::with_capacity(ids.len());
    for row in query.fetch_all(&mut *conn).await? {
        let notes: Vec<wire::Note> = serde_json::from_value(json_list(row.try_get("notes_json")?)?)
            .map_err(|e| DbError::Corrupt(format!("order notes: {e}")))?;
        let contacts: Vec<wire::RelatedContact> =
            serde_json::from_value(json_list(row.try_get("related_contacts_json")?)?)
                .map_err(|e| DbError::Corrupt(format!("order contacts: {e}")))?;
        let customer_ref: String = row.try_get("customer_ref")?;
        let external_reference: String = row.try_get("external_reference")?;
        let order = wire::ProductOrder {
            id: row.try_get("id")?,
            external_reference: ExternalReference::orange(&external_reference),
            category: row.try_get("category")?,
            state: row.try_get("state")?,
            order_date: row.try_get("order_date")?,
            requested_start_date: row.try_get("requested_start_date")?,
            completion_date: row.try_get("completed_at")?,
            customer: wire::CustomerRef {
                id: row.try_get("customer_id")?,
                external_reference: Some(ExternalReference::orange(&customer_ref)),
                name: Some(row.try_get("customer_name")?),
            },
            related_contact: contacts,
            order_item: Vec::new(),
            note: notes,
        };
        orders.insert(order.id.to_string(), order);
    }
    let mut items = Vec::new();
    for chunk in ids.chunks(keys_per_lookup(conn)) {
        let sql = format!(
            "SELECT i.id, i.order_id, i.orange_item_id, i.action, i.state, i.offer_code, \
             i.quantity, i.fleet_id, i.characteristics_json, f.name AS offering_name \
             FROM product_order_items i JOIN offerings f ON f.id = i.offering_id \
             WHERE i.order_id IN ({}) ORDER BY i.order_id, i.position",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        items.extend(query.fetch_all(&mut *conn).await?);
    }
    let item_ids = items
        .iter()
        .map(|item| item.try_get::<String, _>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut licences: HashMap<String, Vec<wire::UserServiceSummary>> = HashMap::new();
    let item_refs: Vec<&str> = item_ids.iter().map(String::as_str).collect();
    for (item_id, licence) in user_service::load_for_items(conn, &item_refs).await? {
        licences
            .entry(item_id)
            .or_default()
            .push(user_service::summary(licence));
    }
    for (item, item_id) in items.iter().zip(item_ids) {
        let order_id: String = item.try_get("order_id")?;
        let offer_code: String = item.try_get("offer_code")?;
        let characteristics: Vec<wire::Characteristic> =
            serde_json::from_value(json_list(item.try_get("characteristics_json")?)?)
                .map_err(|e| DbError::Corrupt(format!("item characteristics: {e}")))?;
        let Some(order) = orders.get_mut(&order_id) else {
            continue;
        };
        order.order_item.push(wire::OrderItem {
            id: item.try_get("orange_item_id")?,
            action: item.try_get("action")?,
            state: item.try_get("state")?,
            product_offering: wire::ProductOffering {
                name: Some(item.try_get("offering_name")?),
                external_reference: ExternalReference::orange(&offer_code),
            },
            product_ref: wire::ProductRef {
                id: item.try_get("fleet_id")?,
                user_service_quantity: item.try_get("quantity")?,
                characteristic: characteristics,
                user_service: licences.remove(&item_id).unwrap_or_default(),
            },
        });
    }
    Ok(ids.iter().filter_map(|id| orders.remove(*id)).collect())
}

/// A JSON list stored as text (notes, contacts, characteristics); absent is empty.
fn json_list(text: Option<String>) -> Result<serde_json::Value, DbError> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| DbError::Corrupt(format!("order JSON: {e}")))
        .map(|v| v.unwrap_or(serde_json::Value::Array(Vec::new())))
}

/// A synchronous order's answer from what [`orders::create`] just wrote, in the shape [`render`]
/// reads back: the same answer `GET /productOrder/{id}` gives while nothing has changed, without
/// reading the order again (three statements fewer in the writer per order; tested against
/// `render` for every kind of order in `tests`).
pub(crate) fn written(planned: &Planned, created: &Created) -> wire::ProductOrder {
    let order_item = planned
        .items
        .iter()
        .zip(&created.items)
        .map(|(item, made)| wire::OrderItem {
            id: item.orange_item_id.clone(),
            action: "add".to_owned(),
            state: "completed".to_owned(),
            product_offering: wire::ProductOffering {
                name: Some(item.offering.name.clone()),
                external_reference: ExternalReference::orange(&item.offer_code),
            },
            product_ref: wire::ProductRef {
                id: Some(made.fleet_id.clone().into()),
                user_service_quantity: item.quantity,
                characteristic: item.characteristics.clone(),
                user_service: made.licences.clone(),
            },
        })
        .collect();
    wire::ProductOrder {
        id: created.order_id.clone(),
        external_reference: ExternalReference::orange(&planned.external_reference),
        category: planned.category.clone(),
        state: "completed".to_owned(),
        order_date: planned.order_date.clone(),
        requested_start_date: planned.requested_start_date.clone(),
        completion_date: Some(created.at.clone()),
        customer: wire::CustomerRef {
            id: created.customer_id.clone(),
            external_reference: Some(ExternalReference::orange(&created.customer_reference)),
            name: Some(created.customer_name.clone()),
        },
        related_contact: planned.contacts.clone(),
        order_item,
        note: planned.notes.clone(),
    }
}

/// `GET /productOrder/{id}`.
pub async fn get(db: &Db, id: &str) -> Result<Answer, ApiError> {
    let mut conn = db.pool().acquire().await?;
    let order = render(&mut conn, id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownOrder,
            format!("no productOrder with id {id}"),
        )
    })?;
    Ok(Answer::new(200, &order, ("order", id)))
}
