//! What the console's pages of Orange's work (an order, a task) share: the list by state, newest
//! first; the exchange that brought it, as recorded and as stored with it; its audit timeline; the
//! events it caused.

use fleetdesk_vocab::{ExchangeId, WorkState};
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::audit;
use crate::db::{Db, DbError, keyset_older, keyset_start};
use crate::orange::exchanges;
use crate::outbox::browse::{self, EventRow};

pub use fleetdesk_vocab::Work;

/// How many events an order's or task's page lists.
const DETAIL_EVENTS: u32 = 100;

/// Where a work list reads: `columns` from `from` (a table and its joins), whose `created_at`,
/// `id` and `state` columns are named with `prefix` (`o.` for an alias, or empty).
pub(crate) struct WorkTable {
    pub columns: &'static str,
    pub from: &'static str,
    pub prefix: &'static str,
}

/// Orders or tasks in `state` (any when `None`), newest first, older than the `(created_at, id)`
/// cursor, `limit` at most, each row read by `read`.
pub(crate) async fn work_list<T>(
    db: &Db,
    table: &WorkTable,
    state: Option<WorkState>,
    before: Option<(String, String)>,
    limit: u32,
    read: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, DbError> {
    let WorkTable {
        columns,
        from,
        prefix,
    } = table;
    let (at, id) = keyset_start(before);
    // Two statements, so each walks its own index.
    let condition = if state.is_some() {
        format!("{prefix}state = $1")
    } else {
        "$1 IS NULL".to_owned()
    };
    let rows = sqlx::query(&format!(
        "SELECT {columns} FROM {from} WHERE {condition} AND {older} \
         ORDER BY {prefix}created_at DESC, {prefix}id DESC LIMIT $4",
        older = keyset_older(
            &format!("{prefix}created_at"),
            &format!("{prefix}id"),
            "$2",
            "$3"
        ),
    ))
    .bind(state.map(WorkState::as_str))
    .bind(at)
    .bind(id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(read).collect::<Result<_, _>>()?)
}

/// What Orange sent and what Fleetdesk answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawExchange {
    /// The recorded exchange, while it is kept (retention); `None` once purged.
    pub exchange: Option<exchanges::Exchange>,
    /// The request body as stored with the order or task (kept for good).
    pub stored_request: String,
    pub stored_response_status: Option<i64>,
    /// The first answer as stored with the order or task.
    pub stored_response: Option<String>,
}

/// The recorded exchange of the request that created an order or task: the one with its request
/// id, else the first POST about it; `None` once the exchanges' retention has removed it.
pub(crate) async fn creating_exchange(
    db: &Db,
    request_id: Option<&str>,
    object_type: &str,
    object_id: &str,
) -> Result<Option<exchanges::Exchange>, DbError> {
    if let Some(request_id) = request_id {
        let by_request: Option<ExchangeId> = sqlx::query_scalar(
            "SELECT id FROM orange_exchanges WHERE request_id = $1 ORDER BY at, id LIMIT 1",
        )
        .bind(request_id)
        .fetch_optional(db.pool())
        .await?;
        if let Some(found) = by_request {
            return exchanges::find(db, &found).await;
        }
    }
    let by_object: Option<ExchangeId> = sqlx::query_scalar(
        "SELECT id FROM orange_exchanges WHERE object_type = $1 AND object_id = $2 \
         AND method = 'POST' ORDER BY at, id LIMIT 1",
    )
    .bind(object_type)
    .bind(object_id)
    .fetch_optional(db.pool())
    .await?;
    match by_object {
        Some(found) => exchanges::find(db, &found).await,
        None => Ok(None),
    }
}

/// The audit entries about an order or a task, newest first.
pub(crate) async fn timeline(
    db: &Db,
    object_type: &str,
    id: &str,
) -> Result<Vec<audit::Record>, DbError> {
    audit::list(
        db,
        &audit::Filter {
            object_type: Some(object_type.to_owned()),
            object_id: Some(id.to_owned()),
            ..audit::Filter::default()
        },
        50,
    )
    .await
}

/// Events about any of `keys`: an order or licence id, or Orange's reference as correlation id;
/// newest first, each once.
pub(crate) async fn related_events(db: &Db, keys: &[&str]) -> Result<Vec<EventRow>, DbError> {
    let mut events: Vec<EventRow> = Vec::new();
    for key in keys {
        let filter = browse::Filter {
            resource: Some((*key).to_owned()),
            ..browse::Filter::default()
        };
        for event in browse::list(db, &filter, None, DETAIL_EVENTS).await? {
            if !events.iter().any(|e| e.id == event.id) {
                events.push(event);
            }
        }
    }
    events.sort_by(|a, b| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id)));
    events.truncate(DETAIL_EVENTS as usize);
    Ok(events)
}
