//! Creating an item's licences in batches: login numbers, logins and placeholder realizing
//! resources.

use fleetdesk_vocab::{LicenceId, ResourceId};
use fleetdesk_vocab::{Mode, ResourceScope, ResourceType, ResourceValue};
use sqlx::AnyConnection;

use std::collections::HashMap;

use super::{PlannedItem, Writes, json_list};
use crate::db::Batch;
use crate::ids;
use crate::orange::{Failure, wire};

/// Rows per multi-row INSERT when creating licences.
const BATCH: usize = 200;

/// The customer's shared resources an order has found or opened, by type, as an answer shows them.
pub(super) type Shared = HashMap<&'static str, (String, wire::RealizingResource)>;

/// Queues an item's licences with their logins (numbered from `first`, reserved by the caller)
/// and placeholder realizing resources in the order's writes, in multi-row inserts (sent as they
/// fill a call, for a large item). Returns them as an order's answer lists them, from the values
/// written: in creation order, each with its login and its resource.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, every value is needed"
)]
pub(super) async fn create_licences(
    conn: &mut AnyConnection,
    writes: &mut Writes<'_>,
    customer_id: &str,
    stem: &str,
    fleet_id: &str,
    item_id: &str,
    item: &PlannedItem,
    first: i64,
    mode: Mode,
    now: &str,
) -> Result<Vec<wire::UserServiceSummary>, Failure> {
    let last = first + item.quantity - 1;
    let offering = &item.offering;
    let characteristics = json_list(&item.characteristics);
    let (state, pending_op, pending_since) = match mode {
        Mode::Sync => ("active", None, None),
        Mode::Async => ("pending", Some("add"), Some(now)),
    };
    let shared = match (
        offering.resource_scope,
        ResourceValue::placeholder(offering.resource_type, stem, 0),
    ) {
        (ResourceScope::PerCustomer, Some(placeholder)) => {
            let kind = placeholder.kind().as_str();
            if !writes.shared.contains_key(kind) {
                let found =
                    shared_resource(conn, writes.batch, customer_id, &placeholder, now).await?;
                writes.shared.insert(kind, found);
            }
            writes.shared.get(kind).cloned()
        }
        _ => None,
    };
    let seqs: Vec<i64> = (first..=last).collect();
    let mut written = Vec::with_capacity(seqs.len());
    for chunk in seqs.chunks(BATCH) {
        let licence_ids: Vec<LicenceId> = chunk.iter().map(|_| ids::new_id()).collect();
        let logins: Vec<String> = chunk
            .iter()
            .map(|seq| {
                let seq = u64::try_from(*seq).unwrap_or_default();
                offering
                    .login_format
                    .render(stem, &offering.offer_code, seq)
            })
            .collect();
        let mut resources: Vec<Option<wire::RealizingResource>> = Vec::with_capacity(chunk.len());
        let sql = format!(
            "INSERT INTO licences (id, fleet_id, customer_id, offering_id, state, login, \
             login_created_at, characteristics_json, order_item_id, pending_operation, \
             pending_since, created_at, updated_at) VALUES {}",
            values(chunk.len(), 13)
        );
        let query = writes.batch.push(sql);
        for (licence_id, login) in licence_ids.iter().zip(&logins) {
            query
                .bind(licence_id.as_str())
                .bind(fleet_id)
                .bind(customer_id)
                .bind(offering.id.as_str())
                .bind(state)
                .bind(login)
                .bind(now)
                .bind(characteristics.clone())
                .bind(item_id)
                .bind(pending_op)
                .bind(pending_since)
                .bind(now)
                .bind(now);
        }

        match &shared {
            Some((resource_id, resource)) => {
                resources.resize(chunk.len(), Some(resource.clone()));
                let sql = format!(
                    "INSERT INTO licence_realizing_resources (licence_id, realizing_resource_id, \
                     created_at) VALUES {}",
                    values(chunk.len(), 3)
                );
                let query = writes.batch.push(sql);
                for licence_id in &licence_ids {
                    query.bind(licence_id.as_str()).bind(resource_id).bind(now);
                }
            }
            None if offering.resource_type != ResourceType::None => {
                let sql = format!(
                    "INSERT INTO realizing_resources (id, customer_id, scope, licence_id, type, \
                     value, placeholder_since, created_at, updated_at) VALUES {}",
                    values(chunk.len(), 9)
                );
                let query = writes.batch.push(sql);
                for (licence_id, seq) in licence_ids.iter().zip(chunk) {
                    let seq_u = u64::try_from(*seq).unwrap_or_default();
                    let value = ResourceValue::placeholder(offering.resource_type, stem, seq_u)
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default();
                    resources.push(Some(wire::RealizingResource {
                        kind: offering.resource_type.as_str().to_owned(),
                        value: value.clone(),
                        placeholder: true,
                    }));
                    query
                        .bind(ids::new_id::<ResourceId>().into_string())
                        .bind(customer_id)
                        .bind("per_licence")
                        .bind(licence_id.as_str())
                        .bind(offering.resource_type.as_str())
                        .bind(value)
                        .bind(now)
                        .bind(now)
                        .bind(now);
                }
            }
            None => resources.resize(chunk.len(), None),
        }
        writes.batch.run_if_full(conn).await?;
        for ((id, login), resource) in licence_ids.into_iter().zip(logins).zip(resources) {
            written.push(wire::UserServiceSummary {
                id,
                state: state.to_owned(),
                login: Some(wire::Login {
                    login,
                    creation_date: now.to_owned(),
                }),
                end_user: None,
                realizing_resource: resource.into_iter().collect(),
            });
        }
    }
    // The answer read back lists them by creation time, then id.
    written.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(written)
}

/// Takes the next `count` numbers of the customer's login counter and returns the last one (the
/// first is `last - count + 1`). The UPDATE also serialises concurrent orders of one customer.
pub(crate) async fn reserve_login_numbers(
    conn: &mut AnyConnection,
    customer_id: &str,
    count: i64,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE customers SET login_seq = login_seq + $2, updated_at = $3 WHERE id = $1 \
         RETURNING login_seq",
    )
    .bind(customer_id)
    .bind(count)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// `($1, …, $cols), ($cols+1, …)`: the placeholders of a multi-row INSERT.
pub(super) fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", row * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The customer's shared resource of this type (its id, and how an answer shows it), queued in
/// `batch` with a placeholder when missing.
pub(super) async fn shared_resource(
    conn: &mut AnyConnection,
    batch: &mut Batch,
    customer_id: &str,
    placeholder: &ResourceValue,
    now: &str,
) -> Result<(String, wire::RealizingResource), Failure> {
    let existing: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, value, placeholder_since FROM realizing_resources WHERE customer_id = $1 \
         AND type = $2 AND scope = 'per_customer'",
    )
    .bind(customer_id)
    .bind(placeholder.kind().as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let kind = placeholder.kind().as_str().to_owned();
    if let Some((id, value, placeholder_since)) = existing {
        let placeholder = placeholder_since.is_some();
        return Ok((
            id,
            wire::RealizingResource {
                kind,
                value,
                placeholder,
            },
        ));
    }
    let id = ids::new_id::<ResourceId>().into_string();
    batch
        .push(
            "INSERT INTO realizing_resources (id, customer_id, scope, licence_id, type, value, \
             placeholder_since, created_at, updated_at) \
             VALUES ($1, $2, 'per_customer', NULL, $3, $4, $5, $5, $5)",
        )
        .bind(&id)
        .bind(customer_id)
        .bind(placeholder.kind().as_str())
        .bind(placeholder.as_str())
        .bind(now);
    let resource = wire::RealizingResource {
        kind,
        value: placeholder.as_str().to_owned(),
        placeholder: true,
    };
    Ok((id, resource))
}
