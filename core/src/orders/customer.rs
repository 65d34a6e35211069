//! The order's customer: found by id or reference, or created with its contact and login stem.

use fleetdesk_vocab::{ContactId, CustomerId};
use sqlx::{AnyConnection, Row};

use super::{CustomerPlan, json_list};
use crate::ids;
use crate::offerings::slug;
use crate::orange::error::{ApiError, ErrorCode};
use crate::orange::{Failure, wire};

/// Finds or creates the order's customer: `(id, login stem, created)`.
pub(super) async fn resolve_customer(
    conn: &mut AnyConnection,
    plan: &CustomerPlan,
    now: &str,
) -> Result<(String, String, bool), Failure> {
    match plan {
        CustomerPlan::ById(id) => {
            let row = sqlx::query("SELECT id, login_stem FROM customers WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            let row = row.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnknownCustomer,
                    format!("customer.id '{id}' is not a known customer"),
                )
            })?;
            Ok((row.try_get("id")?, stem_of(&row)?, false))
        }
        CustomerPlan::ByReference {
            reference,
            name,
            legal_id,
            address,
            characteristics,
        } => {
            let row =
                sqlx::query("SELECT id, login_stem FROM customers WHERE external_reference = $1")
                    .bind(reference)
                    .fetch_optional(&mut *conn)
                    .await?;
            if let Some(row) = row {
                return Ok((row.try_get("id")?, stem_of(&row)?, false));
            }
            let name = name
                .clone()
                .ok_or_else(|| ApiError::missing("customer.name"))?;
            let stem = free_stem(conn, &slug(&name, 20)).await?;
            let id = ids::new_id::<CustomerId>().into_string();
            let address = address.clone().unwrap_or_default();
            sqlx::query(
                "INSERT INTO customers (id, external_reference, name, legal_id, address_street, \
                 address_postcode, address_city, address_country, characteristics_json, \
                 login_seq, login_stem, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $11)",
            )
            .bind(&id)
            .bind(reference)
            .bind(&name)
            .bind(legal_id)
            .bind(wire::optional_text(address.street.as_deref()))
            .bind(wire::optional_text(address.postcode.as_deref()))
            .bind(wire::optional_text(address.city.as_deref()))
            .bind(wire::optional_text(address.country.as_deref()).map(|c| c.to_ascii_uppercase()))
            .bind(json_list(characteristics))
            .bind(&stem)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok((id, stem, true))
        }
    }
}

/// The customer's login stem from a row with a `login_stem` column (customers made before stems
/// existed have none).
pub(crate) fn stem_of(row: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    let stem: Option<String> = row.try_get("login_stem")?;
    Ok(stem.unwrap_or_else(|| "customer".to_owned()))
}

/// `base`, or `base-2`, `base-3`... whichever no other customer has.
pub(super) async fn free_stem(conn: &mut AnyConnection, base: &str) -> Result<String, Failure> {
    let taken: Vec<String> = sqlx::query_scalar(
        "SELECT login_stem FROM customers WHERE login_stem = $1 OR login_stem LIKE $2",
    )
    .bind(base)
    .bind(format!("{base}-%"))
    .fetch_all(&mut *conn)
    .await?;
    if !taken.iter().any(|t| t == base) {
        return Ok(base.to_owned());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !taken.contains(&candidate) {
            return Ok(candidate);
        }
        n += 1;
    }
}

pub(super) async fn insert_contact(
    conn: &mut AnyConnection,
    customer_id: &str,
    order_id: &str,
    contact: &wire::RelatedContact,
    now: &str,
) -> Result<(), Failure> {
    let fixed = contact.fixed_telephone_number.as_ref();
    let mobile = contact.mobile_telephone_number.as_ref();
    sqlx::query(
        "INSERT INTO customer_contacts (id, customer_id, order_id, role, given_name, family_name, \
         email, fixed_cc, fixed_sn, mobile_cc, mobile_sn, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(ids::new_id::<ContactId>())
    .bind(customer_id)
    .bind(order_id)
    .bind(wire::optional_text(contact.role.as_deref()))
    .bind(wire::optional_text(contact.given_name.as_deref()))
    .bind(wire::optional_text(contact.family_name.as_deref()))
    .bind(wire::optional_text(contact.email.as_deref()))
    .bind(fixed.map(|p| p.cc.clone()))
    .bind(fixed.map(|p| p.sn.clone()))
    .bind(mobile.map(|p| p.cc.clone()))
    .bind(mobile.map(|p| p.sn.clone()))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
