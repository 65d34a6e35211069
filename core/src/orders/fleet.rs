//! Choosing (or opening) the fleet each item's licences go into, by the fleet policy.

use fleetdesk_vocab::FleetId;
use fleetdesk_vocab::FleetPolicy;
use sqlx::{AnyConnection, Row};

use std::collections::HashMap;

use super::{PlannedItem, Writes};
use crate::db::Batch;
use crate::ids;
use crate::orange::Failure;
use crate::orange::error::{ApiError, ErrorCode};

/// The fleets an order has chosen so far: `None` for the customer's or the order's one fleet, the
/// offering's id for a fleet per offering. A fleet the order opens is only queued in its batch, so
/// the next items find it here, not in the database.
pub(super) type Chosen = HashMap<Option<String>, String>;

/// The fleet (productRefId) an item's licences go into, by the fleet policy. A new fleet is
/// queued in the order's writes, after the order that opens it.
pub(super) async fn choose_fleet(
    conn: &mut AnyConnection,
    writes: &mut Writes<'_>,
    policy: FleetPolicy,
    customer_id: &str,
    order_id: &str,
    item: &PlannedItem,
    now: &str,
) -> Result<String, Failure> {
    let requested = match &item.requested_ref {
        None => None,
        Some(fleet_id) => {
            let row = sqlx::query("SELECT customer_id, offering_id FROM fleets WHERE id = $1")
                .bind(fleet_id)
                .fetch_optional(&mut *conn)
                .await?;
            let path = format!("orderItem[{}].productRef.id", item.position);
            let row = row.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnknownProductRef,
                    format!("{path} '{fleet_id}' is not a known productRefId"),
                )
            })?;
            let owner: String = row.try_get("customer_id")?;
            if owner != customer_id {
                return Err(ApiError::new(
                    ErrorCode::ProductRefMismatch,
                    format!("{path} '{fleet_id}' belongs to another customer"),
                )
                .into());
            }
            let offering: Option<String> = row.try_get("offering_id")?;
            Some((fleet_id.clone(), offering))
        }
    };
    let key = match policy {
        FleetPolicy::PerOrder => {
            if let Some((id, _)) = requested {
                return Ok(id);
            }
            None
        }
        FleetPolicy::PerCustomer => None,
        FleetPolicy::PerOffering => {
            if let Some((id, Some(offering))) = &requested
                && item.offering.id == *offering
            {
                return Ok(id.clone());
            }
            Some(item.offering.id.as_str().to_owned())
        }
    };
    if let Some(id) = writes.fleets.get(&key) {
        return Ok(id.clone());
    }
    let existing: Option<String> = match (policy, &key) {
        (FleetPolicy::PerOrder, _) => None,
        (FleetPolicy::PerCustomer, _) => {
            sqlx::query_scalar(
                "SELECT id FROM fleets WHERE customer_id = $1 AND policy = 'perCustomer'",
            )
            .bind(customer_id)
            .fetch_optional(&mut *conn)
            .await?
        }
        (FleetPolicy::PerOffering, offering) => {
            sqlx::query_scalar("SELECT id FROM fleets WHERE customer_id = $1 AND offering_id = $2")
                .bind(customer_id)
                .bind(offering.as_deref())
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let id = match existing {
        Some(id) => id,
        None => new_fleet(
            writes.batch,
            customer_id,
            policy,
            key.as_deref(),
            order_id,
            now,
        ),
    };
    writes.fleets.insert(key, id.clone());
    Ok(id)
}

/// Queues a new fleet in `batch` and returns its id.
pub(super) fn new_fleet(
    batch: &mut Batch,
    customer_id: &str,
    policy: FleetPolicy,
    offering_id: Option<&str>,
    order_id: &str,
    now: &str,
) -> String {
    let id = ids::new_id::<FleetId>().into_string();
    batch
        .push(
            "INSERT INTO fleets (id, customer_id, policy, offering_id, created_by_order_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(customer_id)
        .bind(policy.as_str())
        .bind(offering_id)
        .bind(order_id)
        .bind(now);
    id
}
