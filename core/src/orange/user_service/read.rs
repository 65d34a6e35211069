//! A licence as Orange reads it (its userService): the licence, its customer and offering, and its
//! realizing resources (its own and the customer's shared ones), folded from joined rows.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::{DbError, placeholders};
use crate::orange::wire::{self, ExternalReference};

pub(super) const LICENCE_COLUMNS: &str = "l.id, l.fleet_id, l.customer_id, c.external_reference AS customer_ref, \
     o.offer_code, o.name AS offering_name, l.state, l.login, l.login_created_at, \
     l.end_user_given_name, l.end_user_family_name, l.end_user_email, l.end_user_mobile_cc, \
     l.end_user_mobile_sn, l.characteristics_json, l.created_at, l.updated_at";

/// A licence's realizing resources, joined by index lookups: its own (`r`, one per type) and the
/// customer's shared ones it is linked to (`s`). A row per combination; [`Folder`] merges them.
pub(super) const RESOURCE_JOINS: &str = "LEFT JOIN realizing_resources r ON r.licence_id = l.id \
     LEFT JOIN licence_realizing_resources lrr ON lrr.licence_id = l.id \
     LEFT JOIN realizing_resources s ON s.id = lrr.realizing_resource_id";
pub(super) const RESOURCE_COLUMNS: &str = "r.type AS rtype, r.value AS rvalue, r.placeholder_since AS rph, \
     s.type AS stype, s.value AS svalue, s.placeholder_since AS sph";

fn licence_from_row(row: &AnyRow) -> Result<wire::UserService, DbError> {
    let login: Option<String> = row.try_get("login")?;
    let login_created_at: Option<String> = row.try_get("login_created_at")?;
    let characteristics: Option<String> = row.try_get("characteristics_json")?;
    let mobile_cc: Option<String> = row.try_get("end_user_mobile_cc")?;
    let mobile_sn: Option<String> = row.try_get("end_user_mobile_sn")?;
    let end_user = wire::EndUser {
        given_name: row.try_get("end_user_given_name")?,
        family_name: row.try_get("end_user_family_name")?,
        email: row.try_get("end_user_email")?,
        mobile_telephone_number: mobile_cc
            .zip(mobile_sn)
            .map(|(cc, sn)| wire::Telephone { cc, sn }),
    };
    let has_end_user = end_user.given_name.is_some()
        || end_user.family_name.is_some()
        || end_user.email.is_some()
        || end_user.mobile_telephone_number.is_some();
    let customer_ref: String = row.try_get("customer_ref")?;
    let offer_code: String = row.try_get("offer_code")?;
    Ok(wire::UserService {
        id: row.try_get("id")?,
        product_ref_id: row.try_get("fleet_id")?,
        customer: wire::CustomerRef {
            id: row.try_get("customer_id")?,
            external_reference: Some(ExternalReference::orange(&customer_ref)),
            name: None,
        },
        product_offering: wire::ProductOffering {
            name: Some(row.try_get("offering_name")?),
            external_reference: ExternalReference::orange(&offer_code),
        },
        state: row.try_get("state")?,
        login: login
            .zip(login_created_at)
            .map(|(login, creation_date)| wire::Login {
                login,
                creation_date,
            }),
        end_user: has_end_user.then_some(end_user),
        realizing_resource: Vec::new(),
        characteristic: characteristics
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("licence characteristics: {e}")))?
            .unwrap_or_default(),
        creation_date: row.try_get("created_at")?,
        last_update: row.try_get("updated_at")?,
    })
}

fn resources_from_row(row: &AnyRow) -> Result<Vec<wire::RealizingResource>, DbError> {
    let mut found = Vec::new();
    for (kind, value, since) in [("rtype", "rvalue", "rph"), ("stype", "svalue", "sph")] {
        let kind: Option<String> = row.try_get(kind)?;
        let value: Option<String> = row.try_get(value)?;
        let placeholder: Option<String> = row.try_get(since)?;
        if let Some((kind, value)) = kind.zip(value) {
            found.push(wire::RealizingResource {
                kind,
                value,
                placeholder: placeholder.is_some(),
            });
        }
    }
    Ok(found)
}

fn add_resources(licence: &mut wire::UserService, found: Vec<wire::RealizingResource>) {
    for resource in found {
        let known = licence
            .realizing_resource
            .iter()
            .any(|r| r.kind == resource.kind && r.value == resource.value);
        if !known {
            licence.realizing_resource.push(resource);
        }
    }
}

/// Folds joined rows (one per licence and resource, grouped by licence) into licences.
#[derive(Default)]
pub(super) struct Folder {
    current: Option<wire::UserService>,
}

impl Folder {
    pub(super) fn push(&mut self, row: &AnyRow) -> Result<Option<wire::UserService>, DbError> {
        let id: String = row.try_get("id")?;
        let found = resources_from_row(row)?;
        match &mut self.current {
            Some(licence) if licence.id == id => {
                add_resources(licence, found);
                Ok(None)
            }
            _ => {
                let mut licence = licence_from_row(row)?;
                add_resources(&mut licence, found);
                Ok(self.current.replace(licence))
            }
        }
    }

    pub(super) fn finish(self) -> Option<wire::UserService> {
        self.current
    }
}

async fn load_where(
    conn: &mut AnyConnection,
    filter: &str,
    keys: &[&str],
) -> Result<Vec<wire::UserService>, DbError> {
    let sql = format!(
        "SELECT {LICENCE_COLUMNS}, {RESOURCE_COLUMNS} FROM licences l \
         JOIN customers c ON c.id = l.customer_id JOIN offerings o ON o.id = l.offering_id \
         {RESOURCE_JOINS} WHERE {filter} ORDER BY l.created_at, l.id, r.type, s.type"
    );
    let mut query = sqlx::query(&sql);
    for key in keys {
        query = query.bind(*key);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut folder = Folder::default();
    let mut licences = Vec::new();
    for row in &rows {
        licences.extend(folder.push(row)?);
    }
    licences.extend(folder.finish());
    Ok(licences)
}

/// One licence as Orange sees it.
pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<wire::UserService>, DbError> {
    Ok(load_where(conn, "l.id = $1", &[id]).await?.pop())
}

/// Several licences as Orange sees them (at most [`BATCH`](crate::db::BATCH) ids), in creation order; unknown ids
/// are left out.
pub(crate) async fn load_many(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<Vec<wire::UserService>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = format!("l.id IN ({})", placeholders(1, ids.len()));
    load_where(conn, &filter, ids).await
}

/// The licences an order item created, in creation order.
pub(crate) async fn load_for_item(
    conn: &mut AnyConnection,
    item_id: &str,
) -> Result<Vec<wire::UserService>, DbError> {
    load_where(conn, "l.order_item_id = $1", &[item_id]).await
}

/// The compact form of a licence inside an order item.
pub(crate) fn summary(licence: wire::UserService) -> wire::UserServiceSummary {
    wire::UserServiceSummary {
        id: licence.id,
        state: licence.state,
        login: licence.login,
        end_user: licence.end_user,
        realizing_resource: licence.realizing_resource,
    }
}
