//! productOrder (contract section 4): customer creation and licence orders as Orange sends them.
//! The request is read and checked into a planned order (`plan`), written by
//! [`crate::orders`], and answered in Orange's shape (`answer`); a retry with the same
//! `externalReference` gets the first answer again.

use std::sync::Arc;

use fleetdesk_vocab::Provisioning;
use sqlx::AnyConnection;

use super::error::ApiError;
use super::settings::{ApiSettings, FleetPolicy, Mode};
use super::wire::{self, ExternalReference};
use super::{Answer, Failure, with_retries};
use crate::audit;
use crate::audit::Acting;
use crate::db::{Batch, Db};
use crate::orders::{self, Created, Planned};

/// The most licences one order item may ask for.
pub const MAX_QUANTITY: i64 = 100_000;

mod answer;
mod plan;

pub use answer::get;
pub(crate) use answer::{render, render_many};
use plan::plan;

/// `POST /productOrder`.
pub async fn place(
    db: &Db,
    settings: &ApiSettings,
    request: &wire::ProductOrderRequest,
    body: &[u8],
    acting: &Acting,
) -> Result<Answer, ApiError> {
    let planned = plan(db, request).await?;
    let hash = wire::fingerprint(body);
    let mode = settings.mode(planned.operation());
    let request_json = String::from_utf8_lossy(body).into_owned();
    let policy = settings.fleet_policy;
    // A synchronous order of an offering with webhook provisioning waits for the product inside
    // its transaction: it keeps a transaction of its own. Every other order is written with the
    // orders that arrive with it (SQLite: one commit for them all, see `Db::write_grouped`).
    let to_product = mode == Mode::Sync
        && planned
            .items
            .iter()
            .any(|item| item.offering.provisioning == Provisioning::Webhook);
    if to_product {
        return with_retries(|| async {
            let mut tx = db.begin_write().await?;
            let answer = place_in(
                &mut tx,
                db,
                policy,
                mode,
                &planned,
                &hash,
                &request_json,
                acting,
            )
            .await?;
            tx.commit().await?;
            Ok(answer)
        })
        .await;
    }
    let order = Arc::new((db.clone(), planned, hash, request_json, acting.clone()));
    with_retries(|| {
        let order = Arc::clone(&order);
        db.write_grouped(move |conn| {
            Box::pin(async move {
                let (db, planned, hash, request_json, acting) = &*order;
                place_in(conn, db, policy, mode, planned, hash, request_json, acting).await
            })
        })
    })
    .await
}

/// Writes the order in the caller's transaction and returns its answer (or the first answer
/// again, for a retry).
#[expect(
    clippy::too_many_arguments,
    reason = "two call sites, every value is needed"
)]
async fn place_in(
    tx: &mut AnyConnection,
    db: &Db,
    policy: FleetPolicy,
    mode: Mode,
    planned: &Planned,
    hash: &str,
    request_json: &str,
    acting: &Acting,
) -> Result<Answer, Failure> {
    if let Some(answer) = replay(&mut *tx, &planned.external_reference, hash).await? {
        return Ok(answer);
    }
    // The order's rows, its answer and its audit entries are sent together at the end.
    let mut batch = Batch::default();
    let created = orders::create(
        &mut *tx,
        &mut batch,
        policy,
        mode,
        planned,
        hash,
        request_json,
        acting,
    )
    .await?;
    let Created {
        ref order_id,
        ref customer_id,
        created_customer,
        licences: licence_count,
        ..
    } = created;
    let answer = match mode {
        Mode::Sync => {
            // Only licences of an offering with webhook provisioning are sent to the product:
            // without one in the order, there is nothing to look for.
            let to_product = planned
                .items
                .iter()
                .any(|item| item.offering.provisioning == Provisioning::Webhook);
            let order = if licence_count > 0 && to_product {
                batch.run(&mut *tx).await?;
                crate::provisioning::inline::provision_inline(
                    &mut *tx,
                    db,
                    crate::provisioning::inline::Scope::Order(order_id.as_str()),
                    "licence.created",
                    acting.request_id.as_deref(),
                )
                .await?;
                // The product may have named the licences' resources: read them back.
                render(&mut *tx, order_id.as_str())
                    .await?
                    .ok_or_else(ApiError::internal)?
            } else {
                answer::written(planned, &created)
            };
            Answer::new(201, &order, ("order", order_id.as_str()))
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
            Answer::new(201, &ack, ("order", order_id.as_str())).queued()
        }
    };
    // Written with the order, unless the order was sent already (a large order, or one whose
    // licences went to the product first).
    // Both values are of one statement: both are given, or neither.
    let (status, body) = created.answer;
    if batch.fill(status, i64::from(answer.status)) {
        batch.fill(body, answer.body.to_string());
    } else {
        batch
            .push_after(
                "UPDATE product_orders SET response_status = $2, response_json = $3 WHERE id = $1",
            )
            .bind(order_id.as_str())
            .bind(i64::from(answer.status))
            .bind(answer.body.to_string());
    }
    if created_customer {
        audit::push(
            &mut batch,
            &acting
                .entry(
                    "orange.customer.create",
                    "customer",
                    Some(customer_id.as_str()),
                )
                .after(serde_json::json!({"order": order_id})),
        );
    }
    audit::push(
        &mut batch,
        &acting
            .entry("orange.order.create", "order", Some(order_id.as_str()))
            .after(serde_json::json!({
                "externalReference": planned.external_reference,
                "customer": customer_id,
                "mode": mode.as_str(),
                "items": planned.items.len(),
                "licences": licence_count,
            })),
    );
    batch.run(&mut *tx).await?;
    if created_customer {
        crate::provisioning::tasks::announce_customer(
            &mut *tx,
            customer_id.as_str(),
            acting.request_id.as_deref(),
        )
        .await?;
    }
    Ok(answer)
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
