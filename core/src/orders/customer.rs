//! The order's customer: found by id or reference, or created with its contact and login stem.

use fleetdesk_vocab::{ContactId, CustomerId};
use sqlx::{AnyConnection, Row};

use super::{CustomerPlan, json_list};
use crate::db::Batch;
use crate::ids;
use crate::offerings::slug;
use crate::orange::error::{ApiError, ErrorCode};
use crate::orange::{Failure, wire};

/// The order's customer, found or created, with the login numbers reserved for its licences.
pub(super) struct Resolved {
    pub(super) id: String,
    /// Its `externalReference` and name, as the order's answer names them.
    pub(super) reference: String,
    pub(super) name: String,
    pub(super) stem: String,
    pub(super) created: bool,
    /// The first of the `licences` login numbers taken from the customer's counter (the last is
    /// `first + licences - 1`); nothing is taken for an order of no licences.
    pub(super) first_login: i64,
}

/// Finds or creates the order's customer and takes `licences` numbers of its login counter, in
/// one statement for a known customer. The counter is the customer's own: its row lock serialises
/// the orders of one customer, never those of others.
pub(super) async fn resolve_customer(
    conn: &mut AnyConnection,
    plan: &CustomerPlan,
    licences: i64,
    now: &str,
) -> Result<Resolved, Failure> {
    let (column, key) = match plan {
        CustomerPlan::ById(id) => ("id", id),
        CustomerPlan::ByReference { reference, .. } => ("external_reference", reference),
    };
    let found = if licences > 0 {
        sqlx::query(&format!(
            "UPDATE customers SET login_seq = login_seq + $2, updated_at = $3 WHERE {column} = $1 \
             RETURNING id, external_reference, name, login_stem, login_seq"
        ))
        .bind(key)
        .bind(licences)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?
    } else {
        sqlx::query(&format!(
            "SELECT id, external_reference, name, login_stem, login_seq FROM customers \
             WHERE {column} = $1"
        ))
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
    };
    if let Some(row) = found {
        let last: i64 = row.try_get("login_seq")?;
        return Ok(Resolved {
            id: row.try_get("id")?,
            reference: row.try_get("external_reference")?,
            name: row.try_get("name")?,
            stem: stem_of(&row)?,
            created: false,
            first_login: last - licences + 1,
        });
    }
    match plan {
        CustomerPlan::ById(id) => Err(ApiError::new(
            ErrorCode::UnknownCustomer,
            format!("customer.id '{id}' is not a known customer"),
        )
        .into()),
        CustomerPlan::ByReference {
            reference,
            name,
            legal_id,
            address,
            characteristics,
        } => {
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
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
            .bind(licences)
            .bind(&stem)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(Resolved {
                id,
                reference: reference.clone(),
                name,
                stem,
                created: true,
                first_login: 1,
            })
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

pub(super) fn insert_contact(
    batch: &mut Batch,
    customer_id: &str,
    order_id: &str,
    contact: &wire::RelatedContact,
    now: &str,
) {
    let fixed = contact.fixed_telephone_number.as_ref();
    let mobile = contact.mobile_telephone_number.as_ref();
    batch
        .push(
            "INSERT INTO customer_contacts (id, customer_id, order_id, role, given_name, \
             family_name, email, fixed_cc, fixed_sn, mobile_cc, mobile_sn, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(ids::new_id::<ContactId>().into_string())
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
        .bind(now);
}
