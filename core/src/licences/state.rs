//! A licence's states and the changes Orange asks for (contract section 5): the state machine
//! (`pending -> active`, `active <-> suspended`, `active|suspended -> terminated`), the checks a
//! change passes against the licence as it is, and the statements that apply it to one licence or
//! a batch, at once or marked pending until the work completes.
//!
//! The refusals are the contract's (`INVALID_STATE_TRANSITION`, `OPERATION_IN_PROGRESS`): Orange is
//! who asks for these changes, and it reads them as they are.

use fleetdesk_vocab::{LicenceId, OfferingId};
use fleetdesk_vocab::{Mode, Operation};
use sqlx::{AnyConnection, Row};

use crate::db::{DbError, placeholders};
use crate::orange::{ApiError, ErrorCode, Failure};

pub use fleetdesk_vocab::LicenceState;

/// A change Orange asks for on one licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// To `active` or `suspended`.
    SetState(LicenceState),
    Terminate,
    /// To this offering (id, offer code).
    ChangeOffering {
        offering_id: OfferingId,
    },
}

impl Change {
    /// The contract's action name (task `action`, licence `pending_operation`).
    pub fn action(&self) -> &'static str {
        match self {
            Change::SetState(_) => "changeState",
            Change::Terminate => "delete",
            Change::ChangeOffering { .. } => "changeOffering",
        }
    }

    pub fn operation(&self) -> Operation {
        match self {
            Change::SetState(_) => Operation::StateChange,
            Change::Terminate => Operation::Deletion,
            Change::ChangeOffering { .. } => Operation::OfferingChange,
        }
    }
}

/// The state machine: `pending -> active`; `active <-> suspended`; `active|suspended ->
/// terminated`. Moving to the state a licence already has is refused too.
pub fn check_transition(from: LicenceState, to: LicenceState) -> Result<(), ApiError> {
    use LicenceState::*;
    let allowed = matches!(
        (from, to),
        (Pending, Active)
            | (Active, Suspended)
            | (Suspended, Active)
            | (Active, Terminated)
            | (Suspended, Terminated)
    );
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidStateTransition,
            format!(
                "a licence in state {} cannot go to {}",
                from.as_str(),
                to.as_str()
            ),
        ))
    }
}

/// What a change needs to know about the licence it applies to.
#[derive(Debug, Clone)]
pub(crate) struct Current {
    pub id: LicenceId,
    pub state: LicenceState,
    pub offering_id: OfferingId,
    pub pending_operation: Option<String>,
}

pub(crate) async fn current(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Current>, Failure> {
    Ok(current_many(conn, &[id]).await?.pop())
}

/// The licences among `ids` that exist (at most [`BATCH`](crate::db::BATCH) ids), in no particular order.
pub(crate) async fn current_many(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<Vec<Current>, Failure> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, state, offering_id, pending_operation FROM licences WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in &rows {
        let state: String = row.try_get("state")?;
        found.push(Current {
            id: row.try_get("id")?,
            state: LicenceState::parse(&state)
                .ok_or_else(|| DbError::Corrupt(format!("licence state `{state}`")))?,
            offering_id: row.try_get("offering_id")?,
            pending_operation: row.try_get("pending_operation")?,
        });
    }
    Ok(found)
}

impl Current {
    /// The licence as a checked change leaves it, applied at once (`Mode::Sync`) or only
    /// acknowledged (`Mode::Async`), so that a later item of the same task sees it so.
    pub(crate) fn after(&mut self, change: &Change, mode: Mode) {
        match (mode, change) {
            (Mode::Async, _) => self.pending_operation = Some(change.action().to_owned()),
            (Mode::Sync, Change::SetState(to)) => self.state = *to,
            (Mode::Sync, Change::Terminate) => self.state = LicenceState::Terminated,
            (Mode::Sync, Change::ChangeOffering { offering_id }) => {
                self.offering_id.clone_from(offering_id);
            }
        }
    }
}

/// Checks `change` may start on `licence` now.
pub(crate) fn check_change(licence: &Current, change: &Change) -> Result<(), ApiError> {
    if licence.pending_operation.is_some() {
        return Err(ApiError::new(
            ErrorCode::OperationInProgress,
            format!(
                "licence {} has an operation in progress; try again later",
                licence.id
            ),
        ));
    }
    match change {
        Change::SetState(to) => check_transition(licence.state, *to),
        Change::Terminate => check_transition(licence.state, LicenceState::Terminated),
        Change::ChangeOffering { offering_id } => {
            if licence.state == LicenceState::Terminated {
                return Err(ApiError::new(
                    ErrorCode::InvalidStateTransition,
                    format!("licence {} is terminated", licence.id),
                ));
            }
            if *offering_id == licence.offering_id {
                return Err(ApiError::invalid(
                    "productOffering.externalReference.id",
                    "is already the licence's offering",
                ));
            }
            Ok(())
        }
    }
}

/// Applies a checked change (the caller holds the transaction).
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    licence_id: &str,
    change: &Change,
    now: &str,
) -> Result<(), Failure> {
    apply_many(conn, &[licence_id], change, now, None).await
}

/// Applies a checked change to several licences (at most [`BATCH`](crate::db::BATCH)) in one
/// statement. With `ending`, the operation in progress of the licences that task marked ends in
/// the same statement: one new version of each licence row (and of each of its index entries)
/// instead of two, which is most of what completing a large task costs PostgreSQL.
pub(crate) async fn apply_many(
    conn: &mut AnyConnection,
    licence_ids: &[&str],
    change: &Change,
    now: &str,
    ending: Option<&str>,
) -> Result<(), Failure> {
    if licence_ids.is_empty() {
        return Ok(());
    }
    let (set, value) = match change {
        Change::SetState(to) => ("state = $2, updated_at = $1", Some(to.as_str())),
        Change::Terminate => (
            "state = 'terminated', terminated_at = $1, updated_at = $1",
            None,
        ),
        Change::ChangeOffering { offering_id } => (
            "offering_id = $2, updated_at = $1",
            Some(offering_id.as_str()),
        ),
    };
    let mut next = if value.is_some() { 3 } else { 2 };
    // Every SET expression reads the row as it was, so each CASE sees the task that marked it.
    let end = match ending {
        Some(_) => {
            let task = next;
            next += 1;
            format!(
                ", pending_operation = CASE WHEN pending_task_id = ${task} THEN NULL \
                 ELSE pending_operation END, \
                 pending_since = CASE WHEN pending_task_id = ${task} THEN NULL ELSE pending_since END, \
                 pending_task_id = CASE WHEN pending_task_id = ${task} THEN NULL \
                 ELSE pending_task_id END"
            )
        }
        None => String::new(),
    };
    let sql = format!(
        "UPDATE licences SET {set}{end} WHERE id IN ({})",
        placeholders(next, licence_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(now);
    if let Some(value) = value {
        query = query.bind(value);
    }
    if let Some(task) = ending {
        query = query.bind(task);
    }
    for id in licence_ids {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Marks a licence as having an asynchronous operation in progress; refuses when one already is.
pub(crate) async fn mark_pending(
    conn: &mut AnyConnection,
    id: &str,
    action: &str,
    task_id: &str,
    now: &str,
) -> Result<(), Failure> {
    mark_pending_many(conn, &[id], action, task_id, now).await
}

/// [`mark_pending`] for several licences (at most [`BATCH`](crate::db::BATCH)) in one statement; refuses, naming the
/// first, when one of them already has an operation in progress.
pub(crate) async fn mark_pending_many(
    conn: &mut AnyConnection,
    ids: &[&str],
    action: &str,
    task_id: &str,
    now: &str,
) -> Result<(), Failure> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE licences SET pending_operation = $1, pending_task_id = $2, pending_since = $3 \
         WHERE id IN ({}) AND pending_operation IS NULL RETURNING id",
        placeholders(4, ids.len())
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql)
        .bind(action)
        .bind(task_id)
        .bind(now);
    for id in ids {
        query = query.bind(*id);
    }
    let taken: std::collections::HashSet<String> =
        query.fetch_all(&mut *conn).await?.into_iter().collect();
    if let Some(id) = ids.iter().find(|id| !taken.contains(**id)) {
        return Err(ApiError::new(
            ErrorCode::OperationInProgress,
            format!("licence {id} has an operation in progress; try again later"),
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_machine_allows_only_the_contract_s_transitions() {
        use LicenceState::*;
        let allowed = [
            (Pending, Active),
            (Active, Suspended),
            (Suspended, Active),
            (Active, Terminated),
            (Suspended, Terminated),
        ];
        for from in LicenceState::ALL {
            for to in LicenceState::ALL {
                let result = check_transition(from, to);
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
                if let Err(error) = result {
                    assert_eq!(error.code, ErrorCode::InvalidStateTransition);
                }
            }
        }
    }
}
