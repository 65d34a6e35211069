//! userServiceTask (contract section 5): one operation on many licences, each item standing alone,
//! answered at once (synchronous) or acknowledged and completed in the background. The request is
//! read here and the task written by [`crate::tasks`]; the answer is in Orange's shape.

use fleetdesk_vocab::LicenceId;
use fleetdesk_vocab::TaskId;
use sqlx::{AnyConnection, Row};

use super::error::{ApiError, ErrorCode};
use super::settings::{ApiSettings, Mode};
use super::user_service;
use super::wire::{self, ExternalReference};
use super::{Answer, Failure, with_retries};
use crate::audit::Acting;
use crate::db::{Db, DbError};
use crate::licences::Change;
use crate::tasks::{NewTask, apply_items, final_state, insert_task};
use crate::{audit, clock, ids};

/// The most licences one task may name.
pub const MAX_ITEMS: usize = 10_000;

/// A task as Orange sees it.
pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<wire::UserServiceTask>, DbError> {
    let row = sqlx::query(
        "SELECT id, external_reference, action, state, target_offering_id, target_offer_code \
         FROM user_service_tasks WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let external_reference: Option<String> = row.try_get("external_reference")?;
    let offer_code: Option<String> = row.try_get("target_offer_code")?;
    let offering_id: Option<String> = row.try_get("target_offering_id")?;
    let offering_name: Option<String> = match &offering_id {
        Some(offering_id) => {
            sqlx::query_scalar("SELECT name FROM offerings WHERE id = $1")
                .bind(offering_id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let items = sqlx::query(
        "SELECT user_service_id, result, error_code, error_message FROM user_service_task_items \
         WHERE task_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut user_service = Vec::with_capacity(items.len());
    for item in &items {
        let code: Option<String> = item.try_get("error_code")?;
        let message: Option<String> = item.try_get("error_message")?;
        user_service.push(wire::TaskItem {
            id: item.try_get("user_service_id")?,
            result: item.try_get("result")?,
            error: code.map(|code| wire::TaskItemError {
                code,
                message: message.unwrap_or_else(|| "failed".to_owned()),
            }),
        });
    }
    Ok(Some(wire::UserServiceTask {
        id: row.try_get("id")?,
        external_reference: external_reference.map(|r| ExternalReference::orange(&r)),
        action: row.try_get("action")?,
        state: row.try_get("state")?,
        product_offering: offer_code.map(|code| wire::ProductOffering {
            name: offering_name,
            external_reference: ExternalReference::orange(&code),
        }),
        user_service,
    }))
}

/// `GET /userServiceTask/{id}`.
pub async fn get(db: &Db, id: &str) -> Result<Answer, ApiError> {
    let mut conn = db.pool().acquire().await?;
    let task = load(&mut conn, id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownTask,
            format!("no userServiceTask with id {id}"),
        )
    })?;
    Ok(Answer::new(200, &task, ("task", id)))
}

/// A task request that passed validation.
struct Planned {
    external_reference: Option<String>,
    change: Change,
    ids: Vec<String>,
}

async fn plan(db: &Db, request: &wire::UserServiceTaskRequest) -> Result<Planned, ApiError> {
    let action = wire::required_text(request.action.as_deref(), "action")?;
    let change = match action.as_str() {
        "changeState" => {
            let state = wire::required_text(request.state.as_deref(), "state")?;
            Change::SetState(user_service::target_state(&state, "state")?)
        }
        "delete" => Change::Terminate,
        "changeOffering" => {
            let offering = request
                .product_offering
                .as_ref()
                .ok_or_else(|| ApiError::missing("productOffering"))?;
            user_service::change_offering(db, offering, "productOffering").await?
        }
        _ => {
            return Err(ApiError::invalid(
                "action",
                "must be changeState, delete or changeOffering",
            ));
        }
    };
    let items = request
        .user_service
        .as_ref()
        .ok_or_else(|| ApiError::missing("userService"))?;
    if items.is_empty() {
        return Err(ApiError::invalid(
            "userService",
            "must name at least one licence",
        ));
    }
    if items.len() > MAX_ITEMS {
        return Err(ApiError::invalid(
            "userService",
            &format!("may name at most {MAX_ITEMS} licences"),
        ));
    }
    let ids = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let id = item.id.as_ref().map(LicenceId::as_str);
            wire::required_text(id, &format!("userService[{i}].id"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Planned {
        external_reference: request.external_reference.as_ref().map(|r| r.0.clone()),
        change,
        ids,
    })
}

/// `POST /userServiceTask`.
pub async fn create(
    db: &Db,
    settings: &ApiSettings,
    request: &wire::UserServiceTaskRequest,
    body: &[u8],
    acting: &Acting,
) -> Result<Answer, ApiError> {
    let planned = plan(db, request).await?;
    let hash = wire::fingerprint(body);
    let mode = settings.mode(planned.change.operation());
    let request_json = String::from_utf8_lossy(body).into_owned();
    with_retries(|| {
        let planned = &planned;
        let hash = &hash;
        let request_json = &request_json;
        async move {
            let mut tx = db.begin_write().await?;
            if let Some(reference) = &planned.external_reference
                && let Some(answer) = replay(&mut tx, reference, hash).await?
            {
                return Ok(answer);
            }
            let task_id = ids::new_id::<TaskId>();
            let now = clock::now_text();
            insert_task(
                &mut tx,
                &NewTask {
                    id: task_id.as_str(),
                    external_reference: planned.external_reference.as_deref(),
                    request_hash: hash,
                    origin: "bulk",
                    change: &planned.change,
                    mode,
                    state: "acknowledged",
                    request_json,
                    acting,
                    now: &now,
                },
            )
            .await?;
            let (done, failed) =
                apply_items(&mut tx, task_id.as_str(), &planned.ids, &planned.change, mode, &now).await?;
            if mode == Mode::Sync {
                crate::provisioning::inline::provision_inline(
                    &mut tx,
                    db,
                    crate::provisioning::inline::Scope::Task(task_id.as_str()),
                    crate::provisioning::tasks::webhook_kind(&planned.change),
                    acting.request_id.as_deref(),
                )
                .await?;
                sqlx::query(
                    "UPDATE user_service_tasks SET state = $2, completed_at = $3 WHERE id = $1",
                )
                .bind(&task_id)
                .bind(final_state(done, failed))
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
            let task = load(&mut tx, task_id.as_str()).await?.ok_or_else(ApiError::internal)?;
            let answer = Answer::new(201, &task, ("task", task_id.as_str()));
            let body = serde_json::to_string(&answer.body).unwrap_or_default();
            sqlx::query(
                "UPDATE user_service_tasks SET response_status = 201, response_json = $2 WHERE id = $1",
            )
            .bind(&task_id)
            .bind(body)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut *tx,
                &acting
                    .entry("orange.task.create", "task", Some(task_id.as_str()))
                    .after(serde_json::json!({
                        "action": planned.change.action(),
                        "mode": mode.as_str(),
                        "state": task.state,
                        "items": planned.ids.len(),
                    })),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, Failure>(if mode == Mode::Async { answer.queued() } else { answer })
        }
    })
    .await
}

/// The first answer again when `reference` was already used with the same body (asynchronous:
/// the task's current state), `IDEMPOTENCY_MISMATCH` with another body.
async fn replay(
    conn: &mut AnyConnection,
    reference: &str,
    hash: &str,
) -> Result<Option<Answer>, Failure> {
    let Some(seen) = super::seen(conn, "user_service_tasks", "task", reference, hash).await? else {
        return Ok(None);
    };
    let body = if seen.asynchronous {
        let task = load(conn, &seen.id).await?.ok_or_else(ApiError::internal)?;
        serde_json::to_value(task).unwrap_or_default()
    } else {
        seen.stored.ok_or_else(ApiError::internal)?
    };
    Ok(Some(Answer {
        status: seen.status,
        body,
        object: Some(("task".to_owned(), seen.id)),
        work_queued: false,
    }))
}

#[cfg(test)]
mod tests;
