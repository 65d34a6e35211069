//! Choosing (or opening) the fleet each item's licences go into, by the fleet policy.

use fleetdesk_vocab::FleetId;
use fleetdesk_vocab::FleetPolicy;
use sqlx::{AnyConnection, Row};

use super::PlannedItem;
use crate::ids;
use crate::orange::Failure;
use crate::orange::error::{ApiError, ErrorCode};

/// The fleet (productRefId) an item's licences go into, by the fleet policy.
pub(super) async fn choose_fleet(
    conn: &mut AnyConnection,
    policy: FleetPolicy,
    customer_id: &str,
    order_id: &str,
    item: &PlannedItem,
    order_fleet: &mut Option<String>,
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
    match policy {
        FleetPolicy::PerCustomer => {
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM fleets WHERE customer_id = $1 AND policy = 'perCustomer'",
            )
            .bind(customer_id)
            .fetch_optional(&mut *conn)
            .await?;
            match existing {
                Some(id) => Ok(id),
                None => {
                    new_fleet(
                        conn,
                        customer_id,
                        FleetPolicy::PerCustomer,
                        None,
                        order_id,
                        now,
                    )
                    .await
                }
            }
        }
        FleetPolicy::PerOrder => {
            if let Some((id, _)) = requested {
                return Ok(id);
            }
            if let Some(id) = order_fleet {
                return Ok(id.clone());
            }
            let id = new_fleet(
                conn,
                customer_id,
                FleetPolicy::PerOrder,
                None,
                order_id,
                now,
            )
            .await?;
            *order_fleet = Some(id.clone());
            Ok(id)
        }
        FleetPolicy::PerOffering => {
            if let Some((id, Some(offering))) = &requested
                && item.offering.id == *offering
            {
                return Ok(id.clone());
            }
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM fleets WHERE customer_id = $1 AND offering_id = $2",
            )
            .bind(customer_id)
            .bind(&item.offering.id)
            .fetch_optional(&mut *conn)
            .await?;
            match existing {
                Some(id) => Ok(id),
                None => {
                    new_fleet(
                        conn,
                        customer_id,
                        FleetPolicy::PerOffering,
                        Some(item.offering.id.as_str()),
                        order_id,
                        now,
                    )
                    .await
                }
            }
        }
    }
}

pub(super) async fn new_fleet(
    conn: &mut AnyConnection,
    customer_id: &str,
    policy: FleetPolicy,
    offering_id: Option<&str>,
    order_id: &str,
    now: &str,
) -> Result<String, Failure> {
    let id = ids::new_id::<FleetId>().into_string();
    sqlx::query(
        "INSERT INTO fleets (id, customer_id, policy, offering_id, created_by_order_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(customer_id)
    .bind(policy.as_str())
    .bind(offering_id)
    .bind(order_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}
