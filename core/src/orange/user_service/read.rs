//! A licence as Orange reads it (its userService): the licence, its customer and offering, and its
//! realizing resources (its own and the customer's shared ones), folded from joined rows.

use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::{DbError, Dialect, keys_per_lookup, placeholders};
use crate::orange::wire::{self, ExternalReference};

/// What a joined row holds, in this order: the licence with its customer's reference and its
/// offering, then one of its own resources (`r`) and one of the customer's shared ones it is linked
/// to (`s`), either absent. [`LicenceRow`] reads it back field by field.
const ROW_VALUES: [&str; 23] = [
    "l.id",
    "l.fleet_id",
    "l.customer_id",
    "c.external_reference",
    "o.offer_code",
    "o.name",
    "l.state",
    "l.login",
    "l.login_created_at",
    "l.end_user_given_name",
    "l.end_user_family_name",
    "l.end_user_email",
    "l.end_user_mobile_cc",
    "l.end_user_mobile_sn",
    "l.characteristics_json",
    "l.created_at",
    "l.updated_at",
    "r.type",
    "r.value",
    "r.placeholder_since",
    "s.type",
    "s.value",
    "s.placeholder_since",
];

/// The row as one column: a JSON array of [`ROW_VALUES`]. The database driver then converts one
/// value per row instead of 23 (on SQLite each costs a copy and several allocations, which made
/// most of a large fleet's consultation time); the array is read back into a [`LicenceRow`].
pub(super) fn row_column(dialect: Dialect) -> String {
    let values = ROW_VALUES.join(", ");
    match dialect {
        Dialect::Sqlite => format!("json_array({values}) AS licence_row"),
        // Every value is text, so an array of them; as text, for the `Any` driver reads no
        // `json`. (`json_build_array` took PostgreSQL twice as long.)
        Dialect::Postgres => format!("CAST(array_to_json(ARRAY[{values}]) AS TEXT) AS licence_row"),
    }
}

/// A licence's realizing resources, joined by index lookups: its own (`r`, one per type) and the
/// customer's shared ones it is linked to (`s`). A row per combination; [`Folder`] merges them.
pub(super) const RESOURCE_JOINS: &str = "LEFT JOIN realizing_resources r ON r.licence_id = l.id \
     LEFT JOIN licence_realizing_resources lrr ON lrr.licence_id = l.id \
     LEFT JOIN realizing_resources s ON s.id = lrr.realizing_resource_id";

/// How [`load_where`] joins a licence to its customer, offering and resources.
#[derive(Clone, Copy)]
enum Joins {
    /// Plain joins, planned as the statistics say: a batch of up to [`BATCH`](crate::db::BATCH)
    /// licences, where hashing the resources can be the right plan.
    Planned,
    /// A handful of licences (one, or the items of a few orders): on PostgreSQL each join is a LATERAL
    /// subquery kept apart by `OFFSET 0`, so the customer, the offering and the resources are
    /// looked up by index for each licence, whatever the statistics say. As plain joins, with
    /// statistics taken while the tables were small (a new installation's first hours of
    /// orders), the statement's generic plan hashed whole tables: about 19 ms per order's answer
    /// once `realizing_resources` held a few thousand rows, the largest part of a synchronous
    /// order on PostgreSQL. (For a batch of 500 the lookups cost more than they save: a
    /// 10,000-licence task took 2.4 s to complete instead of 1.9 s.) SQLite always plans these
    /// joins as index lookups.
    ByIndex,
}

fn joins(dialect: Dialect, joins: Joins) -> String {
    match (dialect, joins) {
        (Dialect::Sqlite, _) | (Dialect::Postgres, Joins::Planned) => format!(
            "JOIN customers c ON c.id = l.customer_id JOIN offerings o ON o.id = l.offering_id \
             {RESOURCE_JOINS}"
        ),
        (Dialect::Postgres, Joins::ByIndex) => {
            "JOIN LATERAL (SELECT external_reference FROM customers \
               WHERE id = l.customer_id OFFSET 0) c ON true \
             JOIN LATERAL (SELECT offer_code, name FROM offerings \
               WHERE id = l.offering_id OFFSET 0) o ON true \
             LEFT JOIN LATERAL (SELECT type, value, placeholder_since FROM realizing_resources \
               WHERE licence_id = l.id OFFSET 0) r ON true \
             LEFT JOIN LATERAL (SELECT shared.type, shared.value, shared.placeholder_since \
               FROM licence_realizing_resources lrr \
               JOIN realizing_resources shared ON shared.id = lrr.realizing_resource_id \
               WHERE lrr.licence_id = l.id OFFSET 0) s ON true"
                .to_owned()
        }
    }
}

/// One joined row, as [`row_column`] selects it (fields in the order of [`ROW_VALUES`]).
#[derive(Deserialize)]
struct LicenceRow {
    id: String,
    fleet_id: String,
    customer_id: String,
    customer_ref: String,
    offer_code: String,
    offering_name: String,
    state: String,
    login: Option<String>,
    login_created_at: Option<String>,
    end_user_given_name: Option<String>,
    end_user_family_name: Option<String>,
    end_user_email: Option<String>,
    end_user_mobile_cc: Option<String>,
    end_user_mobile_sn: Option<String>,
    characteristics_json: Option<String>,
    created_at: String,
    updated_at: String,
    own_type: Option<String>,
    own_value: Option<String>,
    own_placeholder_since: Option<String>,
    shared_type: Option<String>,
    shared_value: Option<String>,
    shared_placeholder_since: Option<String>,
}

impl LicenceRow {
    fn read(row: &AnyRow) -> Result<LicenceRow, DbError> {
        let text: &str = row.try_get(0)?;
        serde_json::from_str(text).map_err(|e| DbError::Corrupt(format!("licence row: {e}")))
    }

    /// Takes the row's resources out (its own first), leaving the licence's columns.
    fn take_resources(&mut self) -> impl Iterator<Item = wire::RealizingResource> + use<> {
        let own = resource(
            self.own_type.take(),
            self.own_value.take(),
            self.own_placeholder_since.take(),
        );
        let shared = resource(
            self.shared_type.take(),
            self.shared_value.take(),
            self.shared_placeholder_since.take(),
        );
        own.into_iter().chain(shared)
    }

    fn into_licence(self) -> Result<wire::UserService, DbError> {
        let end_user = wire::EndUser {
            given_name: self.end_user_given_name,
            family_name: self.end_user_family_name,
            email: self.end_user_email,
            mobile_telephone_number: self
                .end_user_mobile_cc
                .zip(self.end_user_mobile_sn)
                .map(|(cc, sn)| wire::Telephone { cc, sn }),
        };
        let has_end_user = end_user.given_name.is_some()
            || end_user.family_name.is_some()
            || end_user.email.is_some()
            || end_user.mobile_telephone_number.is_some();
        Ok(wire::UserService {
            id: self.id.into(),
            product_ref_id: self.fleet_id.into(),
            customer: wire::CustomerRef {
                id: self.customer_id.into(),
                external_reference: Some(ExternalReference::orange(&self.customer_ref)),
                name: None,
            },
            product_offering: wire::ProductOffering {
                name: Some(self.offering_name),
                external_reference: ExternalReference::orange(&self.offer_code),
            },
            state: self.state,
            login: self
                .login
                .zip(self.login_created_at)
                .map(|(login, creation_date)| wire::Login {
                    login,
                    creation_date,
                }),
            end_user: has_end_user.then_some(end_user),
            realizing_resource: Vec::new(),
            characteristic: self
                .characteristics_json
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| DbError::Corrupt(format!("licence characteristics: {e}")))?
                .unwrap_or_default(),
            creation_date: self.created_at,
            last_update: self.updated_at,
        })
    }
}

fn resource(
    kind: Option<String>,
    value: Option<String>,
    placeholder_since: Option<String>,
) -> Option<wire::RealizingResource> {
    kind.zip(value)
        .map(|(kind, value)| wire::RealizingResource {
            kind,
            value,
            placeholder: placeholder_since.is_some(),
        })
}

fn add_resources(
    licence: &mut wire::UserService,
    found: impl Iterator<Item = wire::RealizingResource>,
) {
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
        let mut row = LicenceRow::read(row)?;
        let found = row.take_resources();
        match &mut self.current {
            Some(licence) if licence.id == row.id => {
                add_resources(licence, found);
                Ok(None)
            }
            _ => {
                let mut licence = row.into_licence()?;
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
    how: Joins,
    filter: &str,
    keys: &[&str],
) -> Result<Vec<wire::UserService>, DbError> {
    let mut licences = Vec::new();
    fold_licences(conn, how, None, filter, keys, |_, licence| {
        licences.push(licence)
    })
    .await?;
    Ok(licences)
}

/// Hands each licence `filter` selects to `found` with the value of the column `tag` (empty
/// without one), sorted by that column first and then in creation order.
async fn fold_licences(
    conn: &mut AnyConnection,
    how: Joins,
    tag: Option<&str>,
    filter: &str,
    keys: &[&str],
    mut found: impl FnMut(String, wire::UserService),
) -> Result<(), DbError> {
    let dialect = match conn.backend_name() {
        "PostgreSQL" => Dialect::Postgres,
        _ => Dialect::Sqlite,
    };
    let (tag_column, tag_order) = match tag {
        Some(column) => (format!(", {column}"), format!("{column}, ")),
        None => (String::new(), String::new()),
    };
    let sql = format!(
        "SELECT {}{tag_column} FROM licences l {} WHERE {filter} \
         ORDER BY {tag_order}l.created_at, l.id, r.type, s.type",
        row_column(dialect),
        joins(dialect, how)
    );
    let mut query = sqlx::query(&sql);
    for key in keys {
        query = query.bind(*key);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut folder = Folder::default();
    // The tag of the licence the folder holds: a finished licence is the one before the row.
    let mut held = String::new();
    for row in &rows {
        let row_tag: String = match tag {
            Some(_) => row.try_get(1)?,
            None => String::new(),
        };
        if let Some(licence) = folder.push(row)? {
            found(std::mem::take(&mut held), licence);
        }
        held = row_tag;
    }
    if let Some(licence) = folder.finish() {
        found(held, licence);
    }
    Ok(())
}

/// One licence as Orange sees it.
pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<wire::UserService>, DbError> {
    Ok(load_where(conn, Joins::ByIndex, "l.id = $1", &[id])
        .await?
        .pop())
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
    load_where(conn, Joins::Planned, &filter, ids).await
}

/// The licences several order items created, each with its item's id, item by item and in
/// creation order within each: on SQLite one statement, on PostgreSQL one per item
/// ([`keys_per_lookup`]).
pub(crate) async fn load_for_items(
    conn: &mut AnyConnection,
    item_ids: &[&str],
) -> Result<Vec<(String, wire::UserService)>, DbError> {
    let mut licences = Vec::new();
    for chunk in item_ids.chunks(keys_per_lookup(conn)) {
        let filter = format!("l.order_item_id IN ({})", placeholders(1, chunk.len()));
        fold_licences(
            conn,
            Joins::ByIndex,
            Some("l.order_item_id"),
            &filter,
            chunk,
            |item, licence| licences.push((item, licence)),
        )
        .await?;
    }
    Ok(licences)
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
