//! Tasks: one change (a state, a termination, an offering) Orange asks for on many licences at
//! once, each item standing alone; a single PATCH or DELETE acknowledged for later is a task of one
//! item too. Here a task is written and its items decided against the licences; `read` is what
//! the console shows of them.
//!
//! Reading Orange's userServiceTask and answering in Orange's shape is
//! `crate::orange::user_service_task`; finishing acknowledged tasks is `crate::orange::completion`.

use std::collections::{HashMap, HashSet};

use fleetdesk_vocab::Mode;
use sqlx::AnyConnection;

use crate::audit::Acting;
use crate::db::{BATCH, placeholders};
use crate::licences::{self, Change};
use crate::orange::{ApiError, ErrorCode, Failure};

mod read;

pub use read::{DETAIL_ITEMS, TaskDetail, TaskItem, TaskRow, detail, list};

/// A task about to be written.
pub(crate) struct NewTask<'a> {
    pub id: &'a str,
    pub external_reference: Option<&'a str>,
    pub request_hash: &'a str,
    pub origin: &'a str,
    pub change: &'a Change,
    pub mode: Mode,
    pub state: &'a str,
    pub request_json: &'a str,
    pub acting: &'a Acting,
    pub now: &'a str,
}

/// Writes a task; its items follow with [`insert_items`].
pub(crate) async fn insert_task(
    conn: &mut AnyConnection,
    task: &NewTask<'_>,
) -> Result<(), Failure> {
    let (target_state, target_offering) = match task.change {
        Change::SetState(state) => (Some(state.as_str()), None),
        Change::Terminate => (None, None),
        Change::ChangeOffering { offering_id } => (None, Some(offering_id.as_str())),
    };
    let target_code: Option<String> = match target_offering {
        Some(id) => {
            sqlx::query_scalar("SELECT offer_code FROM offerings WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    sqlx::query(
        "INSERT INTO user_service_tasks (id, external_reference, request_hash, origin, action, \
         target_state, target_offering_id, target_offer_code, mode, state, request_json, \
         credential_id, request_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(task.id)
    .bind(task.external_reference)
    .bind(task.request_hash)
    .bind(task.origin)
    .bind(task.change.action())
    .bind(target_state)
    .bind(target_offering)
    .bind(target_code)
    .bind(task.mode.as_str())
    .bind(task.state)
    .bind(task.request_json)
    .bind(task.acting.credential_id())
    .bind(&task.acting.request_id)
    .bind(task.now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes one item of a task.
pub(crate) async fn insert_item(
    conn: &mut AnyConnection,
    task_id: &str,
    position: i64,
    user_service_id: &str,
    licence_id: Option<&str>,
    failure: Option<&ApiError>,
    completed_at: Option<&str>,
) -> Result<(), Failure> {
    let item = NewItem {
        position,
        user_service_id,
        licence_id,
        failure: failure.cloned(),
        completed_at,
    };
    insert_items(conn, task_id, &[item]).await
}

/// A task item about to be written: failed, done, or (`completed_at` empty) waiting.
pub(crate) struct NewItem<'a> {
    pub position: i64,
    pub user_service_id: &'a str,
    pub licence_id: Option<&'a str>,
    pub failure: Option<ApiError>,
    pub completed_at: Option<&'a str>,
}

/// Writes several items of a task (at most [`BATCH`]) in one statement.
pub(crate) async fn insert_items(
    conn: &mut AnyConnection,
    task_id: &str,
    items: &[NewItem<'_>],
) -> Result<(), Failure> {
    // Columns bound per row; the task id is bound once, as $1.
    const COLUMNS: usize = 7;
    if items.is_empty() {
        return Ok(());
    }
    let values = (0..items.len())
        .map(|row| format!("($1, {})", placeholders(2 + row * COLUMNS, COLUMNS)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO user_service_task_items (task_id, position, user_service_id, licence_id, \
         result, error_code, error_message, completed_at) VALUES {values}"
    );
    let mut query = sqlx::query(&sql).bind(task_id);
    for item in items {
        let (result, code, message) = match (&item.failure, item.completed_at) {
            (Some(error), _) => (
                Some("failed"),
                Some(error.code.as_str()),
                Some(error.message.as_str()),
            ),
            (None, Some(_)) => (Some("done"), None, None),
            (None, None) => (None, None, None),
        };
        query = query
            .bind(item.position)
            .bind(item.user_service_id)
            .bind(item.licence_id)
            .bind(result)
            .bind(code)
            .bind(message)
            .bind(item.completed_at);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// The final state of a task from its item results.
pub(crate) fn final_state(done: usize, failed: usize) -> &'static str {
    match (done, failed) {
        (_, 0) => "completed",
        (0, _) => "failed",
        _ => "partial",
    }
}

/// Decides and writes every item of a new task, [`BATCH`] at a time: one read of the batch's
/// licences, each item decided in memory (a licence named twice sees the first item's effect),
/// then one write per kind of change. Returns how many items are done and failed.
pub(crate) async fn apply_items(
    conn: &mut AnyConnection,
    task_id: &str,
    ids: &[String],
    change: &Change,
    mode: Mode,
    now: &str,
) -> Result<(usize, usize), Failure> {
    // Every licence read so far, as the items before leave it.
    let mut known: HashMap<String, licences::Current> = HashMap::new();
    let (mut done, mut failed) = (0, 0);
    for (batch_no, batch) in ids.chunks(BATCH).enumerate() {
        let unread: HashSet<&str> = batch
            .iter()
            .map(String::as_str)
            .filter(|id| !known.contains_key(*id))
            .collect();
        let unread: Vec<&str> = unread.into_iter().collect();
        for licence in licences::current_many(conn, &unread).await? {
            known.insert(licence.id.to_string(), licence);
        }
        let mut items = Vec::with_capacity(batch.len());
        let mut changed = Vec::new();
        for (offset, id) in batch.iter().enumerate() {
            let position = i64::try_from(batch_no * BATCH + offset).unwrap_or(i64::MAX);
            let licence = known.get_mut(id);
            let outcome = match licence.as_deref() {
                None => Err(ApiError::new(
                    ErrorCode::UnknownUserService,
                    format!("no userService with id {id}"),
                )),
                Some(licence) => licences::check_change(licence, change),
            };
            let licence_id = licence.is_some().then_some(id.as_str());
            let (failure, completed_at) = match outcome {
                Err(error) => {
                    failed += 1;
                    (Some(error), Some(now))
                }
                Ok(()) => {
                    if let Some(licence) = licence {
                        licence.after(change, mode);
                    }
                    changed.push(id.as_str());
                    match mode {
                        Mode::Sync => {
                            done += 1;
                            (None, Some(now))
                        }
                        Mode::Async => (None, None),
                    }
                }
            };
            items.push(NewItem {
                position,
                user_service_id: id,
                licence_id,
                failure,
                completed_at,
            });
        }
        match mode {
            Mode::Sync => licences::apply_many(conn, &changed, change, now, None).await?,
            Mode::Async => {
                licences::mark_pending_many(conn, &changed, change.action(), task_id, now).await?;
            }
        }
        insert_items(conn, task_id, &items).await?;
    }
    Ok((done, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_s_state_follows_its_items() {
        assert_eq!(final_state(3, 0), "completed");
        assert_eq!(final_state(0, 2), "failed");
        assert_eq!(final_state(1, 1), "partial");
    }
}
