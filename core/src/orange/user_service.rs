//! userService (contract section 5): one licence as Orange reads it, a fleet's licences
//! (`fleet`), and the single-licence PATCH and DELETE, applied at once or acknowledged as a task.
//! The state machine behind the changes is [`crate::licences`].

use super::error::{ApiError, ErrorCode};
use super::settings::{ApiSettings, Mode};
use super::wire;
use super::{Answer, Failure, with_retries};
use crate::audit::Acting;
use crate::db::Db;
use crate::licences::{Change, LicenceState, apply, check_change, current, mark_pending};
use crate::{audit, clock, ids, offerings, tasks};
use fleetdesk_vocab::TaskId;

mod fleet;
mod read;

pub use fleet::{
    FLEET_BATCH, FleetCounts, FleetQuery, MAX_PAGE_LIMIT, count_fleet, read_fleet_rows,
    stream_fleet,
};
pub(crate) use read::{load, load_for_items, load_many, summary};

/// `GET /userService/{id}`.
pub async fn get(db: &Db, id: &str) -> Result<Answer, ApiError> {
    let mut conn = db.pool().acquire().await?;
    let licence = load(&mut conn, id).await?.ok_or_else(|| unknown(id))?;
    Ok(Answer::new(200, &licence, ("licence", id)))
}

fn unknown(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UnknownUserService,
        format!("no userService with id {id}"),
    )
}

// ---------------------------------------------------------------------------------------------
// PATCH and DELETE
// ---------------------------------------------------------------------------------------------

/// Reads a PATCH body into the change it asks for.
pub async fn read_patch(db: &Db, patch: &wire::UserServicePatch) -> Result<Change, ApiError> {
    match (&patch.state, &patch.product_offering) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "state",
            "and productOffering cannot be changed in one request",
        )),
        (None, None) => Err(ApiError::missing("state")),
        (Some(state), None) => target_state(state, "state").map(Change::SetState),
        (None, Some(offering)) => change_offering(db, offering, "productOffering").await,
    }
}

/// `active` or `suspended`, the states a PATCH or a changeState task may ask for.
pub(crate) fn target_state(text: &str, path: &str) -> Result<LicenceState, ApiError> {
    match LicenceState::parse(text.trim()) {
        Some(state @ (LicenceState::Active | LicenceState::Suspended)) => Ok(state),
        _ => Err(ApiError::invalid(
            path,
            "must be active or suspended (DELETE terminates a licence)",
        )),
    }
}

/// The offering a changeOffering names; `UNKNOWN_OFFER` when it is not in the catalogue.
pub(crate) async fn change_offering(
    db: &Db,
    offering: &wire::ProductOfferingInput,
    path: &str,
) -> Result<Change, ApiError> {
    let code_path = format!("{path}.externalReference");
    let code = offering
        .external_reference
        .as_ref()
        .ok_or_else(|| ApiError::missing(&code_path))?;
    let found = offerings::find_active_by_code(db.pool(), &code.0)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownOffer,
                format!("{code_path}.id '{}' is not in the catalogue", code.0),
            )
        })?;
    Ok(Change::ChangeOffering {
        offering_id: found.id,
    })
}

/// `PATCH` or `DELETE` of one licence: applied at once (200 with the licence) or acknowledged as a
/// task (202) and completed in the background.
pub async fn change_one(
    db: &Db,
    settings: &ApiSettings,
    id: &str,
    change: Change,
    acting: &Acting,
) -> Result<Answer, ApiError> {
    let mode = settings.mode(change.operation());
    with_retries(|| {
        let change = change.clone();
        async move {
            let mut tx = db.begin_write().await?;
            let licence = current(&mut tx, id).await?.ok_or_else(|| unknown(id))?;
            check_change(&licence, &change)?;
            let now = clock::now_text();
            let answer = match mode {
                Mode::Sync => {
                    apply(&mut tx, id, &change, &now).await?;
                    crate::provisioning::inline::provision_inline(
                        &mut tx,
                        db,
                        crate::provisioning::inline::Scope::Licence(id),
                        crate::provisioning::tasks::webhook_kind(&change),
                        acting.request_id.as_deref(),
                    )
                    .await?;
                    let after = load(&mut tx, id).await?.ok_or_else(|| unknown(id))?;
                    audit::record(
                        &mut *tx,
                        &acting
                            .entry(&format!("orange.licence.{}", change.action()), "licence", Some(id))
                            .before(serde_json::json!({"state": licence.state.as_str(), "offering_id": licence.offering_id}))
                            .after(serde_json::json!({"state": after.state, "offering": after.product_offering.external_reference.id})),
                    )
                    .await?;
                    Answer::new(200, &after, ("licence", id))
                }
                Mode::Async => {
                    let task_id = ids::new_id::<TaskId>();
                    let request = serde_json::json!({"id": id, "action": change.action()});
                    tasks::insert_task(
                        &mut tx,
                        &tasks::NewTask {
                            id: task_id.as_str(),
                            external_reference: None,
                            request_hash: &wire::fingerprint(request.to_string().as_bytes()),
                            origin: "single",
                            change: &change,
                            mode: Mode::Async,
                            state: "acknowledged",
                            request_json: &request.to_string(),
                            acting,
                            now: &now,
                        },
                    )
                    .await?;
                    tasks::insert_item(&mut tx, task_id.as_str(), 0, id, Some(id), None, None)
                        .await?;
                    mark_pending(&mut tx, id, change.action(), task_id.as_str(), &now).await?;
                    let task = super::user_service_task::load(&mut tx, task_id.as_str())
                        .await?
                        .ok_or_else(ApiError::internal)?;
                    audit::record(
                        &mut *tx,
                        &acting
                            .entry(&format!("orange.licence.{}.acknowledged", change.action()), "licence", Some(id))
                            .after(serde_json::json!({"task": task_id})),
                    )
                    .await?;
                    Answer::new(202, &task, ("licence", id)).queued()
                }
            };
            tx.commit().await?;
            Ok::<_, Failure>(answer)
        }
    })
    .await
}
