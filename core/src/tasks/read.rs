//! Reading userServiceTasks for people (the console): a list by state, newest first, paged by
//! keyset on `(created_at, id)`; one task with its items, the raw request and Fleetdesk's answer,
//! its audit timeline and the events it caused.

use fleetdesk_vocab::{LicenceId, TaskId};
use fleetdesk_vocab::{Mode, WorkState};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit;
use crate::db::{Db, DbError, word};
use crate::outbox::browse::EventRow;
use crate::work::{RawExchange, WorkTable, creating_exchange, related_events, timeline, work_list};

/// A userServiceTask as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub id: TaskId,
    pub external_reference: Option<String>,
    pub origin: String,
    pub action: String,
    pub target_state: Option<String>,
    pub target_offer_code: Option<String>,
    pub mode: Mode,
    pub state: WorkState,
    pub created_at: String,
    pub completed_at: Option<String>,
}

const TASK_COLUMNS: &str = "id, external_reference, origin, action, target_state, \
     target_offer_code, mode, state, created_at, completed_at";

fn task_row(row: &AnyRow) -> Result<TaskRow, sqlx::Error> {
    Ok(TaskRow {
        id: row.try_get("id")?,
        external_reference: row.try_get("external_reference")?,
        origin: row.try_get("origin")?,
        action: row.try_get("action")?,
        target_state: row.try_get("target_state")?,
        target_offer_code: row.try_get("target_offer_code")?,
        mode: word(row, "mode")?,
        state: word(row, "state")?,
        created_at: row.try_get("created_at")?,
        completed_at: row.try_get("completed_at")?,
    })
}

/// Tasks in `state` (any when `None`), newest first, older than the `(created_at, id)` cursor.
pub async fn list(
    db: &Db,
    state: Option<WorkState>,
    before: Option<(String, String)>,
    limit: u32,
) -> Result<Vec<TaskRow>, DbError> {
    let table = WorkTable {
        columns: TASK_COLUMNS,
        from: "user_service_tasks",
        prefix: "",
    };
    work_list(db, &table, state, before, limit, task_row).await
}

/// One item of a task and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskItem {
    pub position: i64,
    pub user_service_id: LicenceId,
    /// Set when the id named a known licence.
    pub licence_id: Option<LicenceId>,
    /// `done`, `failed`, or `None` while not done.
    pub result: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub completed_at: Option<String>,
}

/// A task in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDetail {
    pub task: TaskRow,
    pub request_id: Option<String>,
    pub updated_at: String,
    /// In the request's order, at most [`DETAIL_ITEMS`].
    pub items: Vec<TaskItem>,
    pub item_count: i64,
    pub raw: RawExchange,
    pub timeline: Vec<audit::Record>,
    pub events: Vec<EventRow>,
}

/// How many items a task's page lists.
pub const DETAIL_ITEMS: i64 = 500;

/// One task in full, or `None`.
pub async fn detail(db: &Db, id: &TaskId) -> Result<Option<TaskDetail>, DbError> {
    let found = sqlx::query(&format!(
        "SELECT {TASK_COLUMNS}, request_id, updated_at, request_json, response_status, \
         response_json FROM user_service_tasks WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(found) = found else { return Ok(None) };
    let task = task_row(&found)?;
    let items = sqlx::query(
        "SELECT position, user_service_id, licence_id, result, error_code, error_message, \
         completed_at FROM user_service_task_items WHERE task_id = $1 ORDER BY position LIMIT $2",
    )
    .bind(id)
    .bind(DETAIL_ITEMS)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|i| {
        Ok(TaskItem {
            position: i.try_get("position")?,
            user_service_id: i.try_get("user_service_id")?,
            licence_id: i.try_get("licence_id")?,
            result: i.try_get("result")?,
            error_code: i.try_get("error_code")?,
            error_message: i.try_get("error_message")?,
            completed_at: i.try_get("completed_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let item_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM user_service_task_items WHERE task_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
    let request_id: Option<String> = found.try_get("request_id")?;
    let raw = RawExchange {
        exchange: creating_exchange(db, request_id.as_deref(), "task", id.as_str()).await?,
        stored_request: found.try_get("request_json")?,
        stored_response_status: found.try_get("response_status")?,
        stored_response: found.try_get("response_json")?,
    };
    let timeline = timeline(db, "task", id.as_str()).await?;
    // Licence events carry the task's Orange reference; a task without one (a single PATCH or
    // DELETE answered later) is found through its licence.
    let events = match (&task.external_reference, items.first()) {
        (Some(reference), _) => related_events(db, &[reference]).await?,
        (
            None,
            Some(TaskItem {
                licence_id: Some(licence),
                ..
            }),
        ) if task.origin == "single" => related_events(db, &[licence.as_str()]).await?,
        _ => Vec::new(),
    };
    Ok(Some(TaskDetail {
        request_id,
        updated_at: found.try_get("updated_at")?,
        task,
        items,
        item_count,
        raw,
        timeline,
        events,
    }))
}
