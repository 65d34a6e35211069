//! The outbox: every message Fleetdesk owes Orange (and, later, the partner's product), written in
//! the same transaction as the change that causes it, so a change is never committed without its
//! message and a message never describes a change that was rolled back. Delivery reads from here.

pub mod browse;
pub mod delivery;
pub mod metrics;
pub mod settings;

use sqlx::AnyConnection;

use crate::db::DbError;
use crate::orange::wire;
use crate::{clock, ids};

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    OrangeProductOrder,
    OrangeUserService,
    ProvisioningWebhook,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::OrangeProductOrder => "orange_product_order",
            Target::OrangeUserService => "orange_user_service",
            Target::ProvisioningWebhook => "provisioning_webhook",
        }
    }
}

/// The Orange event types (contract section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrangeEventType {
    ProductOrderStateChange,
    UserServiceStateChange,
    UserServiceAttributeValueChange,
}

impl OrangeEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            OrangeEventType::ProductOrderStateChange => "productOrderStateChangeEvent",
            OrangeEventType::UserServiceStateChange => "userServiceStateChangeEvent",
            OrangeEventType::UserServiceAttributeValueChange => {
                "userServiceAttributeValueChangeEvent"
            }
        }
    }
}

/// Queues the event about an order (`productOrderStateChangeEvent`); returns its `eventId`.
pub async fn enqueue_order_event(
    conn: &mut AnyConnection,
    order: wire::ProductOrder,
    request_id: Option<&str>,
) -> Result<String, DbError> {
    let correlation = Some(order.external_reference.id.clone());
    let resource_id = order.id.clone();
    let resource = wire::EventResource {
        product_order: Some(order),
        user_service: None,
    };
    enqueue_orange(
        conn,
        OrangeEventType::ProductOrderStateChange,
        correlation,
        ("productOrder", &resource_id, format!("order:{resource_id}")),
        Target::OrangeProductOrder,
        resource,
        request_id,
    )
    .await
}

/// Queues an event about a licence; `correlation_id` is Orange's reference of the task that
/// caused it, absent for single-licence and partner-initiated changes.
pub async fn enqueue_licence_event(
    conn: &mut AnyConnection,
    event_type: OrangeEventType,
    licence: wire::UserService,
    correlation_id: Option<String>,
    request_id: Option<&str>,
) -> Result<String, DbError> {
    let resource_id = licence.id.clone();
    let resource = wire::EventResource {
        product_order: None,
        user_service: Some(licence),
    };
    enqueue_orange(
        conn,
        event_type,
        correlation_id,
        (
            "userService",
            &resource_id,
            format!("licence:{resource_id}"),
        ),
        Target::OrangeUserService,
        resource,
        request_id,
    )
    .await
}

/// One event about a licence, queued with others by [`enqueue_licence_events`].
#[derive(Debug, Clone)]
pub struct LicenceEvent {
    pub event_type: OrangeEventType,
    pub licence: wire::UserService,
    pub correlation_id: Option<String>,
}

/// Queues several licence events at once (one multi-row insert); returns their ids in order.
pub async fn enqueue_licence_events(
    conn: &mut AnyConnection,
    events: Vec<LicenceEvent>,
    request_id: Option<&str>,
) -> Result<Vec<String>, DbError> {
    // Columns bound per row; `now` and `request_id` are bound once, as $1 and $2.
    const COLUMNS: usize = 8;
    // Keeps a call with many events under SQLite's 32,766 bind parameters.
    const ROWS_PER_INSERT: usize = 1_000;
    let now = clock::now_text();
    let mut ids = Vec::with_capacity(events.len());
    let mut rows = Vec::with_capacity(events.len());
    for LicenceEvent {
        event_type,
        licence,
        correlation_id,
    } in events
    {
        let id = ids::new_id("evt");
        let resource_id = licence.id.clone();
        let event = wire::Event {
            event_id: id.clone(),
            event_time: now.clone(),
            event_type: event_type.as_str().to_owned(),
            correlation_id: correlation_id.clone(),
            event: wire::EventResource {
                product_order: None,
                user_service: Some(licence),
            },
        };
        let payload =
            serde_json::to_string(&event).map_err(|e| DbError::Corrupt(format!("event: {e}")))?;
        ids.push(id.clone());
        rows.push((id, event_type, correlation_id, resource_id, payload));
    }
    for batch in rows.chunks(ROWS_PER_INSERT) {
        let values = (0..batch.len())
            .map(|row| {
                let first = 3 + row * COLUMNS;
                format!(
                    "({}, 'pending', 0, $1, $2, $1, $1)",
                    crate::db::placeholders(first, COLUMNS)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO outbox_events (id, event_type, correlation_id, resource_kind, \
             resource_id, ordering_key, target, payload_json, state, attempt_count, \
             next_attempt_at, request_id, created_at, updated_at) VALUES {values}"
        );
        let mut query = sqlx::query(&sql).bind(&now).bind(request_id);
        for (id, event_type, correlation_id, resource_id, payload) in batch {
            query = query
                .bind(id)
                .bind(event_type.as_str())
                .bind(correlation_id.as_deref())
                .bind("userService")
                .bind(resource_id)
                .bind(format!("licence:{resource_id}"))
                .bind(Target::OrangeUserService.as_str())
                .bind(payload);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(ids)
}

async fn enqueue_orange(
    conn: &mut AnyConnection,
    event_type: OrangeEventType,
    correlation_id: Option<String>,
    (resource_kind, resource_id, ordering_key): (&str, &str, String),
    target: Target,
    resource: wire::EventResource,
    request_id: Option<&str>,
) -> Result<String, DbError> {
    let id = ids::new_id("evt");
    let now = clock::now_text();
    let event = wire::Event {
        event_id: id.clone(),
        event_time: now.clone(),
        event_type: event_type.as_str().to_owned(),
        correlation_id: correlation_id.clone(),
        event: resource,
    };
    let payload =
        serde_json::to_string(&event).map_err(|e| DbError::Corrupt(format!("event: {e}")))?;
    sqlx::query(
        "INSERT INTO outbox_events (id, event_type, correlation_id, resource_kind, resource_id, \
         ordering_key, target, payload_json, state, attempt_count, next_attempt_at, request_id, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10, $9, $9)",
    )
    .bind(&id)
    .bind(event_type.as_str())
    .bind(correlation_id)
    .bind(resource_kind)
    .bind(resource_id)
    .bind(ordering_key)
    .bind(target.as_str())
    .bind(payload)
    .bind(&now)
    .bind(request_id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A queued message as stored (for tests and, later, the console).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: String,
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
