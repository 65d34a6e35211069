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

use std::collections::HashMap;

use futures_util::Stream;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use sqlx::any::AnyRow;
use time::Duration;

use super::{Acting, ChangeError, EndUser, EndUserError};
use crate::audit::{self, Actor, Entry};
use crate::clock;
use crate::csv_export::{self, Bind};
use crate::db::{Db, DbError};
use crate::ids::new_id;
use crate::resources::{ResourceType, ResourceValue};

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
        resource_id: Option<String>,
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

/// A line of the file, as read: its number and its cells by column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: i64,
    cells: HashMap<&'static str, String>,
}

impl Line {
    fn cell(&self, name: &str) -> &str {
        self.cells.get(name).map_or("", |value| value.trim())
    }
}

/// The column a header cell names, for this kind (spaces, dashes and case ignored; `license`,
/// `licence_id` and `login` stand for `licence`).
fn column_of(kind: BulkKind, header: &str) -> Option<&'static str> {
    let name: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let name = match name.as_str() {
        "license" | "licence_id" | "license_id" => "licence",
        other => other,
    };
    kind.required_columns()
        .iter()
        .chain(kind.optional_columns())
        .copied()
        .find(|column| *column == name)
}

/// Reads the file: a header line naming the columns (comma- or semicolon-separated, as
/// spreadsheets save CSV in French), then one line per licence. Blank lines are skipped and
/// unknown columns ignored, so an exported file can be filled in and sent back as it is.
pub fn read_file(kind: BulkKind, text: &str) -> Result<Vec<Line>, FileError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(FileError::Empty),
        Some(Err(_)) => return Err(FileError::Unreadable(1)),
        Some(Ok(header)) => header,
    };
    let columns: Vec<Option<&'static str>> = header.iter().map(|h| column_of(kind, h)).collect();
    // A file may name the licence by `login` rather than `licence`; `licence` wins when both are
    // there.
    let login_column = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("login"));
    let has_licence = columns.contains(&Some("licence"));
    let missing: Vec<&'static str> = kind
        .required_columns()
        .iter()
        .copied()
        .filter(|column| {
            !columns.contains(&Some(column)) && !(*column == "licence" && login_column.is_some())
        })
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let mut lines = Vec::new();
    for record in records {
        let record = record
            .map_err(|error| FileError::Unreadable(error.position().map_or(0, |p| p.line())))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if lines.len() == MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let mut cells = HashMap::new();
        for (index, cell) in record.iter().enumerate() {
            if let Some(Some(column)) = columns.get(index) {
                cells.insert(*column, cell.to_owned());
            } else if !has_licence && Some(index) == login_column {
                cells.insert("licence", cell.to_owned());
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        lines.push(Line {
            line: i64::try_from(line).unwrap_or(i64::MAX),
            cells,
        });
    }
    if lines.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(lines)
}

// ---------------------------------------------------------------------------------------------
// Preview
// ---------------------------------------------------------------------------------------------

/// A line as checked: what it asks, and whether it is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Checked {
    line: i64,
    licence_ref: String,
    licence_id: Option<String>,
    change: Change,
    status: BulkLineStatus,
    problem: Option<BulkProblem>,
}

/// The licence a line names, by id or by login.
struct Found {
    id: String,
    state: String,
    pending: bool,
    end_user: Option<EndUser>,
}

async fn find_licence(db: &Db, reference: &str) -> Result<Option<Found>, DbError> {
    let row = sqlx::query(
        "SELECT id, state, pending_operation, end_user_given_name, end_user_family_name, \
         end_user_email, end_user_mobile_cc, end_user_mobile_sn FROM licences \
         WHERE id = $1 UNION ALL SELECT id, state, pending_operation, end_user_given_name, \
         end_user_family_name, end_user_email, end_user_mobile_cc, end_user_mobile_sn \
         FROM licences WHERE login = $1 AND id <> $1",
    )
    .bind(reference)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let pending: Option<String> = row.try_get("pending_operation")?;
    Ok(Some(Found {
        id: row.try_get("id")?,
        state: row.try_get("state")?,
        pending: pending.is_some(),
        end_user: super::end_user_of(&row)?,
    }))
}

/// A realizing resource of a licence, as a line sees it.
struct Resource {
    id: String,
    scope: String,
    kind: String,
    value: String,
    placeholder: bool,
}

async fn resources_of(db: &Db, licence: &str) -> Result<Vec<Resource>, DbError> {
    let rows = sqlx::query(
        "SELECT r.id, r.scope, r.type, r.value, r.placeholder_since FROM realizing_resources r \
         WHERE r.licence_id = $1 UNION ALL \
         SELECT r.id, r.scope, r.type, r.value, r.placeholder_since \
         FROM licence_realizing_resources x JOIN realizing_resources r \
         ON r.id = x.realizing_resource_id WHERE x.licence_id = $1 ORDER BY 3, 1",
    )
    .bind(licence)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let placeholder: Option<String> = row.try_get("placeholder_since")?;
            Ok(Resource {
                id: row.try_get("id")?,
                scope: row.try_get("scope")?,
                kind: row.try_get("type")?,
                value: row.try_get("value")?,
                placeholder: placeholder.is_some(),
            })
        })
        .collect()
}

fn describe(end_user: &EndUser) -> String {
    format!(
        "{} {} <{}>",
        end_user.given_name, end_user.family_name, end_user.email
    )
}

/// Checks a line against the database and against the lines before it.
struct Checker<'a> {
    db: &'a Db,
    kind: BulkKind,
    licences: HashMap<String, i64>,
    shared: HashMap<String, (i64, String)>,
}

impl Checker<'_> {
    async fn check(&mut self, line: &Line) -> Result<Checked, DbError> {
        let licence_ref = line.cell("licence").to_owned();
        let mut change = match self.kind {
            BulkKind::Resources => Change::Resource {
                resource_id: None,
                resource_type: Some(line.cell("type").to_lowercase()).filter(|t| !t.is_empty()),
                current: None,
                placeholder: false,
                value: line.cell("value").to_owned(),
            },
            BulkKind::EndUsers => Change::EndUser {
                current: None,
                given_name: line.cell("given_name").to_owned(),
                family_name: line.cell("family_name").to_owned(),
                email: line.cell("email").to_owned(),
                mobile_cc: line.cell("mobile_cc").to_owned(),
                mobile_sn: line.cell("mobile_sn").to_owned(),
            },
        };
        let mut checked = Checked {
            line: line.line,
            licence_ref: licence_ref.clone(),
            licence_id: None,
            change: change.clone(),
            status: BulkLineStatus::Invalid,
            problem: None,
        };
        let refuse = |mut checked: Checked, change: Change, problem: BulkProblem| {
            checked.change = change;
            checked.problem = Some(problem);
            Ok(checked)
        };
        if licence_ref.is_empty() {
            return refuse(checked, change, BulkProblem::MissingLicence);
        }
        let Some(found) = find_licence(self.db, &licence_ref).await? else {
            return refuse(checked, change, BulkProblem::UnknownLicence);
        };
        checked.licence_id = Some(found.id.clone());
        if let Some(earlier) = self.licences.get(&found.id) {
            let problem = BulkProblem::DuplicateLicence { line: *earlier };
            return refuse(checked, change, problem);
        }
        self.licences.insert(found.id.clone(), line.line);
        if found.state == "terminated" {
            return refuse(checked, change, BulkProblem::Terminated);
        }
        if found.pending {
            return refuse(checked, change, BulkProblem::OperationInProgress);
        }
        let outcome = match &mut change {
            Change::Resource {
                resource_id,
                resource_type,
                current,
                placeholder,
                value,
            } => {
                if value.is_empty() {
                    checked.change = change.clone();
                    checked.status = BulkLineStatus::Unchanged;
                    checked.problem = Some(BulkProblem::NoValue);
                    return Ok(checked);
                }
                let resources = resources_of(self.db, &found.id).await?;
                let chosen = match resource_type.as_deref() {
                    Some(kind) => {
                        if ResourceType::parse(kind).is_none() {
                            return refuse(checked, change, BulkProblem::UnknownType);
                        }
                        resources.iter().find(|r| r.kind == kind)
                    }
                    None if resources.len() > 1 => {
                        return refuse(checked, change, BulkProblem::TypeNeeded);
                    }
                    None => resources.first(),
                };
                let Some(resource) = chosen else {
                    return refuse(checked, change, BulkProblem::NoResource);
                };
                *resource_id = Some(resource.id.clone());
                *resource_type = Some(resource.kind.clone());
                *current = Some(resource.value.clone());
                *placeholder = resource.placeholder;
                let kind = ResourceType::parse(&resource.kind)
                    .ok_or_else(|| DbError::Corrupt(format!("resource type {}", resource.kind)))?;
                match ResourceValue::parse(kind, value) {
                    Err(_) => Err(BulkProblem::InvalidValue { kind }),
                    Ok(parsed) => {
                        *value = parsed.as_str().to_owned();
                        let earlier = (resource.scope == "per_customer")
                            .then(|| self.shared.get(&resource.id).cloned())
                            .flatten();
                        match earlier {
                            Some((line, earlier)) if earlier == *value => {
                                Ok(Some(BulkProblem::SharedSame { line }))
                            }
                            Some((line, _)) => Err(BulkProblem::SharedConflict { line }),
                            None if *value == resource.value && !resource.placeholder => {
                                Ok(Some(BulkProblem::Unchanged))
                            }
                            None => {
                                if resource.scope == "per_customer" {
                                    self.shared
                                        .insert(resource.id.clone(), (line.line, value.clone()));
                                }
                                Ok(None)
                            }
                        }
                    }
                }
            }
            Change::EndUser {
                current,
                given_name,
                family_name,
                email,
                mobile_cc,
                mobile_sn,
            } => {
                *current = found.end_user.as_ref().map(describe);
                match EndUser::parse(given_name, family_name, email, mobile_cc, mobile_sn) {
                    Err(error) => Err(problem_of_end_user(error)),
                    Ok(end_user) if Some(&end_user) == found.end_user.as_ref() => {
                        Ok(Some(BulkProblem::Unchanged))
                    }
                    Ok(_) => Ok(None),
                }
            }
        };
        checked.change = change;
        match outcome {
            Err(problem) => checked.problem = Some(problem),
            Ok(None) => checked.status = BulkLineStatus::Ready,
            Ok(Some(problem)) => {
                checked.status = BulkLineStatus::Unchanged;
                checked.problem = Some(problem);
            }
        }
        Ok(checked)
    }
}

fn json_text<T: Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// Reads and checks a file and keeps it as a preview; returns its id. Nothing changes on the
/// licences.
pub async fn preview(
    db: &Db,
    kind: BulkKind,
    file_name: &str,
    text: &str,
    uploaded_by: &Actor,
) -> Result<String, FileError> {
    let lines = read_file(kind, text)?;
    let mut checker = Checker {
        db,
        kind,
        licences: HashMap::new(),
        shared: HashMap::new(),
    };
    let mut checked = Vec::with_capacity(lines.len());
    for line in &lines {
        checked.push(checker.check(line).await?);
    }
    let id = new_id("blk");
    let now = clock::now_text();
    let ready = checked
        .iter()
        .filter(|c| c.status == BulkLineStatus::Ready)
        .count();
    let file_name: String = file_name.trim().chars().take(200).collect();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO bulk_changes (id, kind, file_name, state, rows_total, rows_ready, \
         uploaded_by_id, uploaded_by, created_at) \
         VALUES ($1, $2, $3, 'previewed', $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(kind.as_str())
    .bind(if file_name.is_empty() {
        "upload.csv".to_owned()
    } else {
        file_name
    })
    .bind(i64::try_from(checked.len()).unwrap_or(i64::MAX))
    .bind(i64::try_from(ready).unwrap_or(i64::MAX))
    .bind(&uploaded_by.id)
    .bind(&uploaded_by.label)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    for row in &checked {
        sqlx::query(
            "INSERT INTO bulk_change_rows (bulk_id, line, licence_ref, licence_id, change, \
             status, problem) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(row.line)
        .bind(&row.licence_ref)
        .bind(&row.licence_id)
        .bind(json_text(&row.change)?)
        .bind(row.status.as_str())
        .bind(row.problem.as_ref().map(json_text).transpose()?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(bulk.id = %id, kind = kind.as_str(), lines = checked.len(), ready, "bulk file checked");
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------------

/// A file as kept, with how its lines stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    pub kind: BulkKind,
    pub file_name: String,
    pub state: BulkFileState,
    pub rows_total: i64,
    /// Lines ready when the file was checked.
    pub rows_ready: i64,
    pub uploaded_by: String,
    pub created_at: String,
    pub applied_by: Option<String>,
    pub apply_started_at: Option<String>,
    pub finished_at: Option<String>,
    /// Lines by status.
    pub counts: Vec<(BulkLineStatus, i64)>,
}

impl Summary {
    pub fn count(&self, status: BulkLineStatus) -> i64 {
        self.counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }
}

const SUMMARY_COLUMNS: &str = "id, kind, file_name, state, rows_total, rows_ready, uploaded_by, \
     created_at, applied_by, apply_started_at, finished_at";

/// How many lines of each file stand in each status, for the files `ids`, in one query.
async fn counts_of(db: &Db, ids: &[String]) -> Result<Vec<(String, BulkLineStatus, i64)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT bulk_id, status, COUNT(*) AS n FROM bulk_change_rows \
         WHERE bulk_id IN ({}) GROUP BY bulk_id, status",
        list.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get("bulk_id")?,
                crate::db::word(row, "status")?,
                row.try_get("n")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// A file's row of `bulk_changes` with its counts (among `counts`, those of every file read).
fn summary_of(row: &AnyRow, counts: &[(String, BulkLineStatus, i64)]) -> Result<Summary, DbError> {
    let id: String = row.try_get("id")?;
    let counts = counts
        .iter()
        .filter(|(file, _, _)| *file == id)
        .map(|(_, status, n)| (*status, *n))
        .collect();
    Ok(Summary {
        kind: crate::db::word(row, "kind")?,
        id,
        file_name: row.try_get("file_name")?,
        state: crate::db::word(row, "state")?,
        rows_total: row.try_get("rows_total")?,
        rows_ready: row.try_get("rows_ready")?,
        uploaded_by: row.try_get("uploaded_by")?,
        created_at: row.try_get("created_at")?,
        applied_by: row.try_get("applied_by")?,
        apply_started_at: row.try_get("apply_started_at")?,
        finished_at: row.try_get("finished_at")?,
        counts,
    })
}

/// The newest files, newest first.
pub async fn recent(db: &Db, limit: u32) -> Result<Vec<Summary>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM bulk_changes ORDER BY created_at DESC, id DESC LIMIT $1"
    ))
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    let ids = rows
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<Vec<String>, sqlx::Error>>()?;
    let counts = counts_of(db, &ids).await?;
    rows.iter().map(|row| summary_of(row, &counts)).collect()
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Summary>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM bulk_changes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => {
            let counts = counts_of(db, &[id.to_owned()]).await?;
            Ok(Some(summary_of(&row, &counts)?))
        }
        None => Ok(None),
    }
}

/// A line of a kept file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptLine {
    pub line: i64,
    pub licence_ref: String,
    pub licence_id: Option<String>,
    pub change: Change,
    pub status: BulkLineStatus,
    pub problem: Option<BulkProblem>,
    pub events: i64,
    pub done_at: Option<String>,
}

/// Lines of a file after `after_line`, in file order; only those in `statuses` when given.
pub async fn rows(
    db: &Db,
    id: &str,
    statuses: &[BulkLineStatus],
    after_line: i64,
    limit: u32,
) -> Result<Vec<KeptLine>, DbError> {
    let filter = if statuses.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 4)).collect();
        format!(" AND status IN ({})", list.join(", "))
    };
    let sql = format!(
        "SELECT line, licence_ref, licence_id, change, status, problem, events, done_at \
         FROM bulk_change_rows WHERE bulk_id = $1 AND line > $2{filter} ORDER BY line LIMIT $3"
    );
    let mut query = sqlx::query(&sql)
        .bind(id)
        .bind(after_line)
        .bind(i64::from(limit));
    for status in statuses {
        query = query.bind(status.as_str());
    }
    let found = query.fetch_all(db.pool()).await?;
    found
        .iter()
        .map(|row| {
            let change: String = row.try_get("change")?;
            let problem: Option<String> = row.try_get("problem")?;
            let corrupt = |e: serde_json::Error| DbError::Corrupt(e.to_string());
            Ok(KeptLine {
                line: row.try_get("line")?,
                licence_ref: row.try_get("licence_ref")?,
                licence_id: row.try_get("licence_id")?,
                change: serde_json::from_str(&change).map_err(corrupt)?,
                status: crate::db::word(row, "status")?,
                problem: problem
                    .map(|text| serde_json::from_str(&text))
                    .transpose()
                    .map_err(corrupt)?,
                events: row.try_get("events")?,
                done_at: row.try_get("done_at")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Apply
// ---------------------------------------------------------------------------------------------

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
async fn leave_preview(
    db: &Db,
    id: &str,
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
        &Entry::new(acting.actor.clone(), action, "bulk_change", Some(id))
            .before(serde_json::json!({ "state": "previewed" }))
            .after(serde_json::json!({
                "state": to, "kind": summary.kind.as_str(), "file": summary.file_name,
                "lines": summary.rows_total, "ready": summary.rows_ready,
            }))
            .request_id(acting.request_id.clone()),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(bulk.id = %id, state = to, "bulk file moved on");
    Ok(summary)
}

/// Starts applying a preview's ready lines (the bulk worker makes them). Returns the file as it
/// was previewed.
pub async fn start_apply(db: &Db, id: &str, acting: &Acting) -> Result<Summary, ApplyError> {
    leave_preview(db, id, "applying", acting).await
}

/// Drops a preview: it stays listed, and nothing of it is ever applied.
pub async fn discard(db: &Db, id: &str, acting: &Acting) -> Result<Summary, ApplyError> {
    leave_preview(db, id, "discarded", acting).await
}

/// A file being applied that no other worker holds, taken for [`LEASE`].
async fn take_file(db: &Db) -> Result<Option<(String, Acting)>, DbError> {
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
    let id: String = candidate.try_get("id")?;
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
async fn apply_row(
    db: &Db,
    row: &KeptLine,
    acting: &Acting,
) -> Result<(BulkLineStatus, Option<BulkProblem>, i64), DbError> {
    let Some(licence) = row.licence_id.as_deref() else {
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
        } => super::replace_resource(db, licence, resource_id, value, acting).await,
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
            Ok(end_user) => super::set_end_user(db, licence, &end_user, acting).await,
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

// ---------------------------------------------------------------------------------------------
// Placeholders to fill in
// ---------------------------------------------------------------------------------------------

/// The columns of [`placeholders_csv`]: a resource file as it reads it (`licence`, `type`,
/// `value`), with what helps fill it in.
pub const PLACEHOLDERS_HEADER: [&str; 7] = [
    "licence",
    "login",
    "customer",
    "customer_name",
    "type",
    "placeholder",
    "value",
];

/// Every licence still in service with a placeholder realizing resource (its own or its
/// customer's shared one), optionally of one customer, as CSV with an empty `value` column to
/// fill in and upload as a resource file.
pub fn placeholders_csv(
    db: Db,
    customer_id: Option<String>,
) -> impl Stream<Item = Result<Vec<u8>, DbError>> + Send + 'static {
    let sql = "SELECT l.id, l.login, c.id AS customer_id, c.name, r.type, r.value \
         FROM realizing_resources r JOIN licences l ON l.id = r.licence_id \
         JOIN customers c ON c.id = l.customer_id \
         WHERE r.placeholder_since IS NOT NULL AND l.state <> 'terminated' \
         AND ($1 IS NULL OR r.customer_id = $1) \
         UNION ALL SELECT l.id, l.login, c.id AS customer_id, c.name, r.type, r.value \
         FROM realizing_resources r JOIN licence_realizing_resources x \
         ON x.realizing_resource_id = r.id JOIN licences l ON l.id = x.licence_id \
         JOIN customers c ON c.id = l.customer_id \
         WHERE r.placeholder_since IS NOT NULL AND r.scope = 'per_customer' \
         AND l.state <> 'terminated' AND ($1 IS NULL OR r.customer_id = $1) \
         ORDER BY 3, 1, 5";
    csv_export::stream(
        db,
        sql.to_owned(),
        vec![Bind::Text(customer_id)],
        &PLACEHOLDERS_HEADER,
        |row| {
            let text = |name: &str| -> Result<String, DbError> {
                Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
            };
            Ok(vec![
                text("id")?,
                text("login")?,
                text("customer_id")?,
                text("name")?,
                text("type")?,
                text("value")?,
                String::new(),
            ])
        },
    )
}

#[cfg(test)]
mod tests;
