//! What the bulk change pages show: the files operators uploaded, and one file's lines with how
//! each stands.

use fleetdesk_vocab::{BulkFileId, LicenceId};
use fleetdesk_vocab::{BulkFileState, BulkKind, BulkLineStatus, BulkProblem};
use serde::{Deserialize, Serialize};

/// A file of licence changes, and how its lines stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkFileView {
    pub id: BulkFileId,
    pub kind: BulkKind,
    pub file_name: String,
    pub state: BulkFileState,
    pub rows_total: i64,
    /// Lines ready when the file was checked.
    pub rows_ready: i64,
    pub uploaded_by: String,
    pub created_at: String,
    /// Who applied or discarded it.
    pub applied_by: Option<String>,
    pub apply_started_at: Option<String>,
    pub finished_at: Option<String>,
    pub ready: i64,
    pub unchanged: i64,
    pub invalid: i64,
    pub applied: i64,
    pub refused: i64,
}

/// A line of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkLineView {
    pub line: i64,
    pub licence_ref: String,
    pub licence_id: Option<LicenceId>,
    /// The resource type a resource line replaces (as typed in the file until checked).
    pub resource_type: Option<String>,
    /// The value or end user before ("Given Family <email>" for an end user).
    pub current: Option<String>,
    pub placeholder: bool,
    /// The value or end user the line asks for.
    pub wanted: String,
    pub status: BulkLineStatus,
    pub problem: Option<BulkProblem>,
    pub events: i64,
}

/// The bulk changes page: the recent files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkFilesPage {
    pub files: Vec<BulkFileView>,
    pub can_act: bool,
}

/// One file's page: the file, a page of its lines, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkFileDetail {
    pub file: BulkFileView,
    pub lines: Vec<BulkLineView>,
    /// The last line shown, when more lines follow.
    pub more_after: Option<i64>,
    pub can_act: bool,
}
