//! Reading back kept files and their lines.

use super::*;
use fleetdesk_vocab::{BulkFileId, LicenceId};

/// A file as kept, with how its lines stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub id: BulkFileId,
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

pub(super) const SUMMARY_COLUMNS: &str = "id, kind, file_name, state, rows_total, rows_ready, uploaded_by, \
     created_at, applied_by, apply_started_at, finished_at";

/// How many lines of each file stand in each status, for the files `ids`, in one query.
pub(super) async fn counts_of(
    db: &Db,
    ids: &[BulkFileId],
) -> Result<Vec<(BulkFileId, BulkLineStatus, i64)>, DbError> {
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
pub(super) fn summary_of(
    row: &AnyRow,
    counts: &[(BulkFileId, BulkLineStatus, i64)],
) -> Result<Summary, DbError> {
    let id: BulkFileId = row.try_get("id")?;
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
        .collect::<Result<Vec<BulkFileId>, sqlx::Error>>()?;
    let counts = counts_of(db, &ids).await?;
    rows.iter().map(|row| summary_of(row, &counts)).collect()
}

pub async fn get(db: &Db, id: &BulkFileId) -> Result<Option<Summary>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM bulk_changes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => {
            let counts = counts_of(db, std::slice::from_ref(id)).await?;
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
    pub licence_id: Option<LicenceId>,
    pub change: Change,
    pub status: BulkLineStatus,
    pub problem: Option<BulkProblem>,
    pub events: i64,
    pub done_at: Option<String>,
}

/// Lines of a file after `after_line`, in file order; only those in `statuses` when given.
pub async fn rows(
    db: &Db,
    id: &BulkFileId,
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
