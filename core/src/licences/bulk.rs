//! Bulk changes to licences from a CSV file: replace realizing resources, or assign end users, one
//! line per licence.
//!
//! 1. [`preview`] reads the file, checks every line against the database (the licence exists and
//!    may change, the value is valid for its type, the line is not a repeat) and keeps the result:
//!    each line is `ready`, `unchanged` (nothing to do) or `invalid` with its problem. Nothing
//!    changes yet.
//! 2. [`start_apply`] turns a preview into work for the bulk worker, once, and audits it.
//! 3. [`run_pending`] (the worker) makes each ready line's change through the same functions as
//!    the single-licence forms, so every change has its own audit entry and event to Orange, and
//!    records the line's outcome at once: a run cut short resumes with the lines left. A lease
//!    keeps two instances off the same file.
//!
//! [`placeholders_csv`] gives the licences still waiting for a real value in the resource file's
//! own format, ready to fill in.

use fleetdesk_vocab::ResourceId;
use std::collections::HashMap;

use fleetdesk_vocab::{EndUser, EndUserError, ResourceType, ResourceValue};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use sqlx::any::AnyRow;
use time::Duration;

use super::{Acting, ChangeError, end_user_of, replace_resource, set_end_user};
use crate::audit::{self, Actor};
use crate::clock;
use crate::csv_export::{self, Bind};
use crate::db::{Db, DbError};
use crate::ids::new_id;

/// Lines of changes one file may hold.
pub const MAX_ROWS: usize = 10_000;
/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Lines the worker applies before it looks again for other work (and for a stop).
const ROWS_PER_RUN: i64 = 100;
/// How long a worker keeps a file to itself without renewing its lease.
const LEASE: Duration = Duration::seconds(60);

pub use fleetdesk_vocab::{BulkFileState, BulkKind, BulkLineStatus};

/// Why a whole file is refused (nothing is kept).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file has no lines of changes")]
    Empty,
    #[error("the first line must name the columns; missing: {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("the file has more than {MAX_ROWS} lines of changes")]
    TooManyRows,
    #[error("line {0} is not valid CSV (check its quotes)")]
    Unreadable(u64),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for FileError {
    fn from(error: sqlx::Error) -> Self {
        FileError::Db(DbError::Query(error))
    }
}

pub use fleetdesk_vocab::BulkProblem;

fn problem_of_end_user(error: EndUserError) -> BulkProblem {
    match error {
        EndUserError::GivenName => BulkProblem::GivenName,
        EndUserError::FamilyName => BulkProblem::FamilyName,
        EndUserError::Email => BulkProblem::Email,
        EndUserError::Mobile => BulkProblem::Mobile,
    }
}

/// The problem a refused change stands for; a database failure stays an error (the line is
/// tried again later).
fn problem_of_change(error: ChangeError) -> Result<BulkProblem, DbError> {
    Ok(match error {
        ChangeError::NotFound => BulkProblem::UnknownLicence,
        ChangeError::Terminated => BulkProblem::Terminated,
        ChangeError::OperationInProgress => BulkProblem::OperationInProgress,
        ChangeError::EndUser(error) => problem_of_end_user(error),
        ChangeError::NoEndUser | ChangeError::Unchanged => BulkProblem::Unchanged,
        ChangeError::UnknownResource => BulkProblem::NoResource,
        ChangeError::InvalidResource(kind, _) => BulkProblem::InvalidValue { kind },
        ChangeError::Db(error) => return Err(error),
    })
}

/// What a line asks for, as kept with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Resource {
        /// The resource the line replaces, once found.
        resource_id: Option<ResourceId>,
        #[serde(rename = "type")]
        resource_type: Option<String>,
        /// Its value when the file was checked.
        current: Option<String>,
        placeholder: bool,
        value: String,
    },
    EndUser {
        /// The licence's end user when the file was checked ("Given Family <email>").
        current: Option<String>,
        given_name: String,
        family_name: String,
        email: String,
        mobile_cc: String,
        mobile_sn: String,
    },
}

/// A value as JSON text for a column; a value that does not serialise is a defect, not input.
fn json_text<T: Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(e.to_string()))
}

mod apply;
mod kept;
mod placeholders;
mod preview;
mod read;

pub use apply::{ApplyError, discard, run_pending, start_apply};
pub use kept::{KeptLine, Summary, get, recent, rows};
pub use placeholders::{PLACEHOLDERS_HEADER, placeholders_csv};
pub use preview::preview;
pub use read::{Line, read_file};

#[cfg(test)]
mod tests;
