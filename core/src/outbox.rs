//! The outbox: every message Fleetdesk owes Orange (and, later, the partner's product), written in
//! the same transaction as the change that causes it, so a change is never committed without its
//! message and a message never describes a change that was rolled back. Delivery reads from here.

pub mod browse;
pub mod delivery;
pub mod metrics;
pub mod sandbox;
pub mod settings;

use fleetdesk_vocab::{EventId, ProvisioningTaskId};
use sqlx::AnyConnection;

use crate::db::DbError;
use crate::orange::wire;
use crate::{clock, ids};

pub use fleetdesk_vocab::Target;

pub use fleetdesk_vocab::OrangeEventType;

/// Queues the event about an order (`productOrderStateChangeEvent`); returns its `eventId`.
pub async fn enqueue_order_event(
    conn: &mut AnyConnection,
    order: wire::ProductOrder,
    request_id: Option<&str>,
) -> Result<EventId, DbError> {
    let mut ids = enqueue_order_events(conn, vec![(order, request_id.map(str::to_owned))]).await?;
    ids.pop()
        .ok_or_else(|| DbError::Corrupt("an event was written without an id".to_owned()))
}

/// Queues the events about several orders at once (a few multi-row statements, whatever their
/// number), each with the id of the request that caused it; returns their `eventId`s in the same
/// order.
pub(crate) async fn enqueue_order_events(
    conn: &mut AnyConnection,
    orders: Vec<(wire::ProductOrder, Option<String>)>,
) -> Result<Vec<EventId>, DbError> {
    let rows = orders
        .into_iter()
        .map(|(order, request_id)| {
            let resource_id = order.id.to_string();
            NewEvent {
                event_type: OrangeEventType::ProductOrderStateChange.as_str(),
                correlation_id: Some(order.external_reference.id.clone()),
                resource_kind: "productOrder",
                ordering_key: format!("order:{resource_id}"),
                resource_id,
                target: Target::OrangeProductOrder,
                body: Body::Orange(Box::new(wire::EventResource {
                    product_order: Some(order),
                    user_service: None,
                })),
                request_id,
            }
        })
        .collect();
    enqueue(conn, rows).await
}

/// Queues an event about a licence; `correlation_id` is Orange's reference of the task that
/// caused it, absent for single-licence and partner-initiated changes.
pub async fn enqueue_licence_event(
    conn: &mut AnyConnection,
    event_type: OrangeEventType,
    licence: wire::UserService,
    correlation_id: Option<String>,
    request_id: Option<&str>,
) -> Result<EventId, DbError> {
    let mut ids = enqueue_licence_events(
        conn,
        vec![LicenceEvent {
            event_type,
            licence,
            correlation_id,
        }],
        request_id,
    )
    .await?;
    ids.pop()
        .ok_or_else(|| DbError::Corrupt("an event was written without an id".to_owned()))
}

/// One event about a licence, queued with others by [`enqueue_licence_events`].
#[derive(Debug, Clone)]
pub struct LicenceEvent {
    pub event_type: OrangeEventType,
    pub licence: wire::UserService,
    pub correlation_id: Option<String>,
}

/// Queues several licence events at once (a few multi-row statements, whatever their number);
/// returns their ids in order. Events about the same licence are sent in the order given.
pub async fn enqueue_licence_events(
    conn: &mut AnyConnection,
    events: Vec<LicenceEvent>,
    request_id: Option<&str>,
) -> Result<Vec<EventId>, DbError> {
    let rows = events
        .into_iter()
        .map(|event| {
            let resource_id = event.licence.id.to_string();
            NewEvent {
                event_type: event.event_type.as_str(),
                correlation_id: event.correlation_id,
                resource_kind: "userService",
                ordering_key: format!("licence:{resource_id}"),
                resource_id,
                target: Target::OrangeUserService,
                body: Body::Orange(Box::new(wire::EventResource {
                    product_order: None,
                    user_service: Some(event.licence),
                })),
                request_id: request_id.map(str::to_owned),
            }
        })
        .collect();
    enqueue(conn, rows).await
}

/// A webhook to the partner's product (provisioning contract, "Outgoing webhooks") about to be
/// written: its `type`, the provisioning task it carries out (`taskId`), and the licence or
/// customer as Fleetdesk sees it (`data`).
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub kind: &'static str,
    pub task_id: ProvisioningTaskId,
    /// `userService` (a licence) or `customer`.
    pub resource_kind: &'static str,
    pub resource_id: String,
    pub data: serde_json::Value,
}

/// The webhook's body (provisioning contract).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct WebhookBody<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    task_id: &'a ProvisioningTaskId,
    timestamp: &'a str,
    data: &'a serde_json::Value,
}

/// Queues webhooks to the partner's product, one per provisioning task. Their ordering keys are
/// their own (`product:` and the resource), so that the product's webhooks and Orange's events
/// never wait for each other: one failing destination does not hold the other.
pub async fn enqueue_webhooks(
    conn: &mut AnyConnection,
    webhooks: Vec<NewWebhook>,
    request_id: Option<&str>,
) -> Result<Vec<EventId>, DbError> {
    let rows = webhooks
        .into_iter()
        .map(|webhook| NewEvent {
            event_type: webhook.kind,
            correlation_id: None,
            resource_kind: webhook.resource_kind,
            ordering_key: format!("product:{}", webhook.resource_id),
            resource_id: webhook.resource_id,
            target: Target::ProvisioningWebhook,
            body: Body::Webhook {
                task_id: webhook.task_id,
                data: webhook.data,
            },
            request_id: request_id.map(str::to_owned),
        })
        .collect();
    enqueue(conn, rows).await
}

/// A message about to be written.
struct NewEvent {
    event_type: &'static str,
    correlation_id: Option<String>,
    resource_kind: &'static str,
    resource_id: String,
    ordering_key: String,
    target: Target,
    body: Body,
    /// The request that caused it (Orange's or the console's), kept with the message.
    request_id: Option<String>,
}

/// What a message says: an Orange event's resource, or a webhook's task and data.
enum Body {
    /// Boxed: a resource is large, and most rows of a batch are one kind or the other.
    Orange(Box<wire::EventResource>),
    Webhook {
        task_id: ProvisioningTaskId,
        data: serde_json::Value,
    },
}

/// Rows per multi-row statement: 15 values each stays far below both databases' limits on bound
/// parameters (SQLite 32,766, PostgreSQL 65,535).
const ROWS_PER_STATEMENT: usize = 500;

async fn enqueue(conn: &mut AnyConnection, events: Vec<NewEvent>) -> Result<Vec<EventId>, DbError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let now = clock::now_text();
    let keys: Vec<&str> = events.iter().map(|e| e.ordering_key.as_str()).collect();
    let mut next_seq = reserve_key_seqs(conn, &keys).await?;
    let mut ids = Vec::with_capacity(events.len());
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        let id = ids::new_id::<EventId>();
        let seq = next_seq
            .get_mut(event.ordering_key.as_str())
            .ok_or_else(|| DbError::Corrupt("an ordering key was not numbered".to_owned()))?;
        let key_seq = *seq;
        *seq += 1;
        let payload = match event.body {
            Body::Orange(resource) => serde_json::to_string(&wire::Event {
                event_id: id.clone(),
                event_time: now.clone(),
                event_type: event.event_type.to_owned(),
                correlation_id: event.correlation_id.clone(),
                event: *resource,
            }),
            Body::Webhook { task_id, data } => serde_json::to_string(&WebhookBody {
                kind: event.event_type,
                task_id: &task_id,
                timestamp: &now,
                data: &data,
            }),
        }
        .map_err(|e| DbError::Corrupt(format!("event: {e}")))?;
        ids.push(id.clone());
        rows.push((
            id,
            event.event_type,
            event.correlation_id,
            event.resource_kind,
            event.resource_id,
            event.ordering_key,
            key_seq,
            event.target,
            payload,
            event.request_id,
        ));
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO outbox_events (id, event_type, correlation_id, resource_kind, resource_id, \
             ordering_key, key_seq, target, payload_json, state, attempt_count, next_attempt_at, \
             request_id, created_at, updated_at) VALUES ",
        );
        // $1 is the time; each row adds its own ten values.
        for n in 0..chunk.len() {
            let b = 2 + n * 10;
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, 'pending', 0, $1, ${}, $1, $1)",
                b,
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        let mut query = sqlx::query(&sql).bind(&now);
        for (
            id,
            event_type,
            correlation_id,
            kind,
            resource_id,
            key,
            key_seq,
            target,
            payload,
            request_id,
        ) in chunk
        {
            query = query
                .bind(id)
                .bind(*event_type)
                .bind(correlation_id)
                .bind(*kind)
                .bind(resource_id)
                .bind(key)
                .bind(*key_seq)
                .bind(target.as_str())
                .bind(payload)
                .bind(request_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(ids)
}

/// Reserves the next sequence numbers of each ordering key in `keys` (one per occurrence) and
/// returns, per key, the first number reserved. The keys' rows stay locked until the transaction
/// ends, so events of one key are numbered in the order their transactions commit.
async fn reserve_key_seqs(
    conn: &mut AnyConnection,
    keys: &[&str],
) -> Result<std::collections::HashMap<String, i64>, DbError> {
    use sqlx::Row;
    let mut counts: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    let count_of: std::collections::HashMap<&str, i64> =
        counts.iter().map(|(k, c)| (*k, *c)).collect();
    let counts: Vec<(&str, i64)> = counts.into_iter().collect();
    let mut first = std::collections::HashMap::with_capacity(counts.len());
    // Sorted keys: two transactions lock shared keys in the same order and cannot deadlock.
    for chunk in counts.chunks(ROWS_PER_STATEMENT) {
        let values = (0..chunk.len())
            .map(|n| format!("(${}, ${})", 2 * n + 1, 2 * n + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO outbox_ordering_keys (ordering_key, last_seq) VALUES {values} \
             ON CONFLICT (ordering_key) DO UPDATE \
             SET last_seq = outbox_ordering_keys.last_seq + excluded.last_seq \
             RETURNING ordering_key, last_seq"
        );
        let mut query = sqlx::query(&sql);
        for (key, count) in chunk {
            query = query.bind(*key).bind(*count);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let key: String = row.try_get("ordering_key")?;
            let last: i64 = row.try_get("last_seq")?;
            let count = *count_of.get(key.as_str()).ok_or_else(|| {
                DbError::Corrupt("an unknown ordering key was numbered".to_owned())
            })?;
            first.insert(key, last - count + 1);
        }
    }
    Ok(first)
}

/// A queued message as stored (for tests and, later, the console).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: EventId,
    pub event_type: String,
    pub correlation_id: Option<String>,
    pub resource_id: String,
    pub target: String,
    pub payload: serde_json::Value,
    pub state: String,
}

/// Every queued message, oldest first.
pub async fn list_all(db: &crate::Db) -> Result<Vec<Queued>, DbError> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, event_type, correlation_id, resource_id, target, payload_json, state \
         FROM outbox_events ORDER BY created_at, id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let payload: String = row.try_get("payload_json")?;
            Ok(Queued {
                id: row.try_get("id")?,
                event_type: row.try_get("event_type")?,
                correlation_id: row.try_get("correlation_id")?,
                resource_id: row.try_get("resource_id")?,
                target: row.try_get("target")?,
                payload: serde_json::from_str(&payload)
                    .map_err(|e| DbError::Corrupt(format!("event payload: {e}")))?,
                state: row.try_get("state")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[tokio::test]
    async fn an_event_commits_or_rolls_back_with_the_change_that_caused_it() {
        on_each_db!(|db| async move {
            sqlx::query(
                "INSERT INTO settings (key, value, updated_at) VALUES ('marker', '0', '2026-01-01T00:00:00.000Z')",
            )
            .execute(db.pool())
            .await
            .expect("marker");
            let change_and_event = |commit: bool| {
                let db = db.clone();
                async move {
                    let mut tx = db.begin_write().await.expect("transaction");
                    sqlx::query("UPDATE settings SET value = '1' WHERE key = 'marker'")
                        .execute(&mut *tx)
                        .await
                        .expect("change");
                    enqueue_licence_event(
                        &mut tx,
                        OrangeEventType::UserServiceStateChange,
                        crate::testing::licence_resource("lic_1"),
                        None,
                        None,
                    )
                    .await
                    .expect("event");
                    if commit {
                        tx.commit().await.expect("commit");
                    } else {
                        tx.rollback().await.expect("rollback");
                    }
                }
            };
            let marker = || async {
                sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = 'marker'")
                    .fetch_one(db.pool())
                    .await
                    .expect("marker")
            };
            change_and_event(false).await;
            assert_eq!(
                (marker().await, list_all(&db).await.expect("list").len()),
                ("0".to_owned(), 0)
            );
            change_and_event(true).await;
            assert_eq!(
                (marker().await, list_all(&db).await.expect("list").len()),
                ("1".to_owned(), 1)
            );
        });
    }
}
