//! productOrder (contract section 4): customer creation and licence orders, with the fleet policy,
//! logins, placeholder realizing resources and idempotency on Orange's `externalReference`.

use sqlx::{AnyConnection, Row};

use super::error::{ApiError, ErrorCode};
use super::settings::{ApiSettings, FleetPolicy, Mode, Operation};
use super::wire::{self, ExternalReference};
use super::user_service as licences;
use super::{Answer, Caller, Failure, with_retries};
use crate::db::{Db, DbError};
use crate::offerings::{self, Offering, slug};
use crate::resources::{ResourceScope, ResourceValue};
use crate::{audit, clock, ids};

/// The most licences one order item may ask for.
pub const MAX_QUANTITY: i64 = 100_000;
/// Rows per multi-row INSERT when creating licences.
const BATCH: usize = 200;

mod answer;
mod creation;
mod customer;
mod fleet;
mod plan;

pub use answer::get;
pub(crate) use answer::render;
use creation::create_licences;
pub(crate) use creation::reserve_login_numbers;
pub(crate) use customer::stem_of;
use customer::{insert_contact, resolve_customer};
use fleet::choose_fleet;
use plan::{CustomerPlan, Planned, PlannedItem, plan};

/// `POST /productOrder`.
pub async fn place(
    db: &Db,
    settings: &ApiSettings,
    request: &wire::ProductOrderRequest,
    body: &[u8],
    caller: &Caller,
) -> Result<Answer, ApiError> {
    let planned = plan(db, request).await?;
    let hash = wire::fingerprint(body);
    let mode = settings.mode(planned.operation());
    let request_json = String::from_utf8_lossy(body).into_owned();
    with_retries(|| {
        place_once(
            db,
            settings.fleet_policy,
            mode,
            &planned,
            &hash,
            &request_json,
            caller,
        )
    })
    .await
}

async fn place_once(
    db: &Db,
    policy: FleetPolicy,
    mode: Mode,
    planned: &Planned,
    hash: &str,
    request_json: &str,
    caller: &Caller,
) -> Result<Answer, Failure> {
    let mut tx = db.begin_write().await?;
    if let Some(answer) = replay(&mut tx, &planned.external_reference, hash).await? {
        return Ok(answer);
    }
    let now = clock::now_text();
    let (customer_id, stem, created_customer) =
        resolve_customer(&mut tx, &planned.customer, &now).await?;
    let order_id = ids::new_id("ord");
    sqlx::query(
        "INSERT INTO product_orders (id, external_reference, request_hash, customer_id, mode, \
         state, category, order_date, requested_start_date, completed_at, notes_json, \
         related_contacts_json, request_json, credential_id, request_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
    )
    .bind(&order_id)
    .bind(&planned.external_reference)
    .bind(hash)
    .bind(&customer_id)
    .bind(mode.as_str())
    .bind(if mode == Mode::Sync {
        "completed"
    } else {
        "acknowledged"
    })
    .bind(&planned.category)
    .bind(&planned.order_date)
    .bind(&planned.requested_start_date)
    .bind((mode == Mode::Sync).then_some(now.as_str()))
    .bind(json_list(&planned.notes))
    .bind(json_list(&planned.contacts))
    .bind(request_json)
    .bind(&caller.credential_id)
    .bind(&caller.request_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;

    for contact in &planned.contacts {
        insert_contact(&mut tx, &customer_id, &order_id, contact, &now).await?;
    }

    let mut order_fleet: Option<String> = None;
    let mut licence_count = 0;
    for item in &planned.items {
        let fleet_id = choose_fleet(
            &mut tx,
            policy,
            &customer_id,
            &order_id,
            item,
            &mut order_fleet,
            &now,
        )
        .await?;
        let item_id = ids::new_id("itm");
        sqlx::query(
            "INSERT INTO product_order_items (id, order_id, position, orange_item_id, action, \
             offering_id, offer_code, quantity, requested_product_ref_id, fleet_id, \
             characteristics_json, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'add', $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&item_id)
        .bind(&order_id)
        .bind(i64::try_from(item.position).unwrap_or(i64::MAX))
        .bind(&item.orange_item_id)
        .bind(&item.offering.id)
        .bind(&item.offer_code)
        .bind(item.quantity)
        .bind(&item.requested_ref)
        .bind(&fleet_id)
        .bind(json_list(&item.characteristics))
        .bind(if mode == Mode::Sync {
            "completed"
        } else {
            "acknowledged"
        })
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        create_licences(
            &mut tx,
            &customer_id,
            &stem,
            &fleet_id,
            &item_id,
            item,
            mode,
            &now,
        )
        .await?;
        licence_count += item.quantity;
    }

    let answer = match mode {
        Mode::Sync => {
            let order = render(&mut tx, &order_id)
                .await?
                .ok_or_else(ApiError::internal)?;
            Answer::new(201, &order, ("order", &order_id))
        }
        Mode::Async => {
            let ack = wire::ProductOrder {
                id: order_id.clone(),
                external_reference: ExternalReference::orange(&planned.external_reference),
                category: planned.category.clone(),
                state: "acknowledged".to_owned(),
                order_date: planned.order_date.clone(),
                requested_start_date: planned.requested_start_date.clone(),
                completion_date: None,
                customer: wire::CustomerRef {
                    id: customer_id.clone(),
                    external_reference: None,
                    name: None,
                },
                related_contact: Vec::new(),
                order_item: Vec::new(),
                note: Vec::new(),
            };
            Answer::new(201, &ack, ("order", &order_id)).queued()
        }
    };
    sqlx::query("UPDATE product_orders SET response_status = $2, response_json = $3 WHERE id = $1")
        .bind(&order_id)
        .bind(i64::from(answer.status))
        .bind(answer.body.to_string())
        .execute(&mut *tx)
        .await?;
    if created_customer {
        audit::record(
            &mut *tx,
            &caller
                .audit("orange.customer.create", "customer", &customer_id)
                .after(serde_json::json!({"order": order_id})),
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        &caller
            .audit("orange.order.create", "order", &order_id)
            .after(serde_json::json!({
                "externalReference": planned.external_reference,
                "customer": customer_id,
                "mode": mode.as_str(),
                "items": planned.items.len(),
                "licences": licence_count,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(answer)
}

/// A list kept as JSON text: `None` when there is nothing to keep.
fn json_list<T: serde::Serialize>(items: &[T]) -> Option<String> {
    if items.is_empty() {
        None
    } else {
        serde_json::to_string(items).ok()
    }
}

/// The first answer again for a retried order (asynchronous: its current state), or
/// `IDEMPOTENCY_MISMATCH`.
async fn replay(
    conn: &mut AnyConnection,
    reference: &str,
    hash: &str,
) -> Result<Option<Answer>, Failure> {
    let Some(seen) = super::seen(conn, "product_orders", "order", reference, hash).await? else {
        return Ok(None);
    };
    let body = if seen.asynchronous {
        let order = render(conn, &seen.id)
            .await?
            .ok_or_else(ApiError::internal)?;
        serde_json::to_value(order).unwrap_or_default()
    } else {
        seen.stored.ok_or_else(ApiError::internal)?
    };
    Ok(Some(Answer {
        status: seen.status,
        body,
        object: Some(("order".to_owned(), seen.id)),
        work_queued: false,
    }))
}
