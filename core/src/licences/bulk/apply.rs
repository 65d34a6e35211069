//! Applying a previewed file (the bulk worker) or discarding it.

use super::*;
use fleetdesk_vocab::BulkFileId;

/// Why a file cannot be applied or discarded.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("no such file")]
    NotFound,
    /// With the file's state when it was read (`None`: another request moved it on meanwhile).
    #[error("the file is no longer a preview ({0:?})")]
    NotPreview(Option<BulkFileState>),
    #[error("no line of the file is ready")]
    NothingReady,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ApplyError {
    fn from(error: sqlx::Error) -> Self {
        ApplyError::Db(DbError::Query(error))
    }
}

/// Moves a preview on: to `applying` (then the worker makes its ready lines' changes) or to
/// `discarded`. Only a preview moves, and only once; the move is audited.
pub(super) async fn leave_preview(
    db: &Db,
    id: &BulkFileId,
    to: &'static str,
    acting: &Acting,
) -> Result<Summary, ApplyError> {
    let summary = get(db, id).await?.ok_or(ApplyError::NotFound)?;
    if summary.state != BulkFileState::Previewed {
        return Err(ApplyError::NotPreview(Some(summary.state)));
    }
    if to == "applying" && summary.rows_ready == 0 {
        return Err(ApplyError::NothingReady);
    }
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE bulk_changes SET state = $2, applied_by_id = $3, applied_by = $4, \
         apply_request_id = $5, apply_started_at = $6, \
         finished_at = CASE WHEN $2 = 'discarded' THEN $6 ELSE NULL END \
         WHERE id = $1 AND state = 'previewed'",
    )
    .bind(id)
    .bind(to)
    .bind(&acting.actor.id)
    .bind(&acting.actor.label)
    .bind(&acting.request_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(ApplyError::NotPreview(None));
    }
    let action = if to == "applying" {
        "licence.bulk.apply"
    } else {
        "licence.bulk.discard"
    };
    audit::record(
        &mut *tx,
        &acting
            .entry(action, "bulk_change", Some(id.as_str()))
            .before(serde_json::json!({ "state": "previewed" }))
            .after(serde_json::json!({
                "state": to, "kind": summary.kind.as_str(), "file": summary.file_name,
                "lines": summary.rows_total, "ready": summary.rows_ready,
            })),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(bulk.id = %id, state = to, "bulk file moved on");
    Ok(summary)
}

/// Starts applying a preview's ready lines (the bulk worker makes them). Returns the file as it
/// was previewed.
pub async fn start_apply(db: &Db, id: &BulkFileId, acting: &Acting) -> Result<Summary, ApplyError> {
    leave_preview(db, id, "applying", acting).await
}

/// Drops a preview: it stays listed, and nothing of it is ever applied.
pub async fn discard(db: &Db, id: &BulkFileId, acting: &Acting) -> Result<Summary, ApplyError> {
    leave_preview(db, id, "discarded", acting).await
}

/// A file being applied that no other worker holds, taken for [`LEASE`].
pub(super) async fn take_file(db: &Db) -> Result<Option<(BulkFileId, Acting)>, DbError> {
    let now = clock::now();
    let now_text = clock::format(now);
    let candidate = sqlx::query(
        "SELECT id, applied_by_id, applied_by, apply_request_id FROM bulk_changes \
         WHERE state = 'applying' AND (lease_until IS NULL OR lease_until < $1) \
         ORDER BY apply_started_at, id LIMIT 1",
    )
    .bind(&now_text)
    .fetch_optional(db.pool())
    .await?;
    let Some(candidate) = candidate else {
        return Ok(None);
    };
    let id: BulkFileId = candidate.try_get("id")?;
    let taken = sqlx::query(
        "UPDATE bulk_changes SET lease_until = $2 WHERE id = $1 AND state = 'applying' \
         AND (lease_until IS NULL OR lease_until < $3)",
    )
    .bind(&id)
    .bind(clock::format(now + LEASE))
    .bind(&now_text)
    .execute(db.pool())
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(None);
    }
    let by_id: Option<String> = candidate.try_get("applied_by_id")?;
    let by: Option<String> = candidate.try_get("applied_by")?;
    let actor = match by_id {
        Some(by_id) => Actor::operator(&by_id, by.as_deref().unwrap_or("operator")),
        None => Actor::system(),
    };
    let acting = Acting {
        actor,
        request_id: candidate.try_get("apply_request_id")?,
    };
    Ok(Some((id, acting)))
}

/// Makes one line's change; `Err` only for a database failure (the line stays ready).
pub(super) async fn apply_row(
    db: &Db,
    row: &KeptLine,
    acting: &Acting,
) -> Result<(BulkLineStatus, Option<BulkProblem>, i64), DbError> {
    let Some(licence) = row.licence_id.as_ref() else {
        return Ok((
            BulkLineStatus::Refused,
            Some(BulkProblem::UnknownLicence),
            0,
        ));
    };
    let changed = match &row.change {
        Change::Resource {
            resource_id: Some(resource_id),
            value,
            ..
        } => replace_resource(db, licence, resource_id, value, acting).await,
        Change::Resource {
            resource_id: None, ..
        } => return Ok((BulkLineStatus::Refused, Some(BulkProblem::NoResource), 0)),
        Change::EndUser {
            given_name,
            family_name,
            email,
            mobile_cc,
            mobile_sn,
            ..
        } => match EndUser::parse(given_name, family_name, email, mobile_cc, mobile_sn) {
            Ok(end_user) => set_end_user(db, licence, &end_user, acting).await,
            Err(error) => Err(ChangeError::EndUser(error)),
        },
    };
    match changed {
        Ok(changed) => Ok((
            BulkLineStatus::Applied,
            None,
            i64::try_from(changed.events.len()).unwrap_or(i64::MAX),
        )),
        Err(error) => match problem_of_change(error)? {
            BulkProblem::Unchanged => {
                Ok((BulkLineStatus::Unchanged, Some(BulkProblem::Unchanged), 0))
            }
            problem => Ok((BulkLineStatus::Refused, Some(problem), 0)),
        },
    }
}

/// The bulk worker's turn: takes a file being applied, makes up to [`ROWS_PER_RUN`] of its ready
/// lines' changes, each recorded as it is made, and marks the file applied when none is left.
/// Returns whether it took a file (then events may be waiting, and there may be more to do).
pub async fn run_pending(db: &Db) -> Result<bool, DbError> {
    let Some((id, acting)) = take_file(db).await? else {
        return Ok(false);
    };
    let ready = rows(db, &id, &[BulkLineStatus::Ready], 0, ROWS_PER_RUN as u32).await?;
    for row in &ready {
        let (status, problem, events) = apply_row(db, row, &acting).await?;
        sqlx::query(
            "UPDATE bulk_change_rows SET status = $3, problem = $4, events = $5, done_at = $6 \
             WHERE bulk_id = $1 AND line = $2 AND status = 'ready'",
        )
        .bind(&id)
        .bind(row.line)
        .bind(status.as_str())
        .bind(problem.as_ref().map(json_text).transpose()?)
        .bind(events)
        .bind(clock::now_text())
        .execute(db.pool())
        .await?;
    }
    let now = clock::now();
    if ready.len() < ROWS_PER_RUN as usize {
        sqlx::query(
            "UPDATE bulk_changes SET state = 'applied', finished_at = $2, lease_until = NULL \
             WHERE id = $1 AND state = 'applying'",
        )
        .bind(&id)
        .bind(clock::format(now))
        .execute(db.pool())
        .await?;
        tracing::info!(bulk.id = %id, "bulk file applied");
    } else {
        // Lets the next turn (of this worker or another) take it again at once.
        sqlx::query("UPDATE bulk_changes SET lease_until = NULL WHERE id = $1")
            .bind(&id)
            .execute(db.pool())
            .await?;
    }
    Ok(true)
}
