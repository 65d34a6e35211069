//! Bulk changes to licences, for every signed-in operator: the recent files, and one file with a
//! page of its lines (all, the ready ones, or those with a problem). Uploading, applying and
//! discarding are plain form posts (`server/src/http/bulk.rs`) for operators and administrators.

use fleetdesk_vocab::BulkFileId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{BulkFileDetail, BulkFilesPage};

/// How many lines of a file one page shows.
#[cfg(feature = "ssr")]
const LINES_PER_PAGE: u32 = 200;
/// How many recent files the bulk page lists.
#[cfg(feature = "ssr")]
const RECENT_FILES: u32 = 20;

#[server(prefix = "/console/api", endpoint = "bulk_files", input = GetUrl)]
pub async fn fetch_bulk_files() -> Result<BulkFilesPage, ConsoleError> {
    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let files = fleetdesk_core::licences::bulk::recent(&db, RECENT_FILES)
        .await
        .map_err(super::ssr::internal)?;
    Ok(BulkFilesPage {
        files: files.into_iter().map(ssr::file_view).collect(),
        can_act: fleetdesk_core::access::Permission::ChangeData.allows(operator.role),
    })
}

/// One file, with its lines after `after` (a line number): `show` is `problems` (invalid and
/// refused), `ready`, or empty for every line.
#[server(prefix = "/console/api", endpoint = "bulk_file", input = GetUrl)]
pub async fn fetch_bulk_file(
    id: BulkFileId,
    show: String,
    after: Option<i64>,
) -> Result<BulkFileDetail, ConsoleError> {
    use fleetdesk_core::licences::bulk;

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let Some(file) = bulk::get(&db, &id).await.map_err(super::ssr::internal)? else {
        return Err(ConsoleError::NotFound);
    };
    let statuses: &[bulk::BulkLineStatus] = match show.as_str() {
        "problems" => &[bulk::BulkLineStatus::Invalid, bulk::BulkLineStatus::Refused],
        "ready" => &[bulk::BulkLineStatus::Ready],
        _ => &[],
    };
    let mut lines = bulk::rows(&db, &id, statuses, after.unwrap_or(0), LINES_PER_PAGE + 1)
        .await
        .map_err(super::ssr::internal)?;
    let more_after = super::ssr::keyset_page(&mut lines, LINES_PER_PAGE, |last| last.line);
    Ok(BulkFileDetail {
        file: ssr::file_view(file),
        lines: lines.into_iter().map(ssr::line_view).collect(),
        more_after,
        can_act: fleetdesk_core::access::Permission::ChangeData.allows(operator.role),
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use fleetdesk_core::licences::bulk::{BulkLineStatus, Change, KeptLine, Summary};

    use crate::model::{BulkFileView, BulkLineView};

    pub fn file_view(file: Summary) -> BulkFileView {
        BulkFileView {
            ready: file.count(BulkLineStatus::Ready),
            unchanged: file.count(BulkLineStatus::Unchanged),
            invalid: file.count(BulkLineStatus::Invalid),
            applied: file.count(BulkLineStatus::Applied),
            refused: file.count(BulkLineStatus::Refused),
            id: file.id,
            kind: file.kind,
            file_name: file.file_name,
            state: file.state,
            rows_total: file.rows_total,
            rows_ready: file.rows_ready,
            uploaded_by: file.uploaded_by,
            created_at: file.created_at,
            applied_by: file.applied_by,
            apply_started_at: file.apply_started_at,
            finished_at: file.finished_at,
        }
    }

    pub fn line_view(row: KeptLine) -> BulkLineView {
        let (resource_type, current, placeholder, wanted) = match row.change {
            Change::Resource {
                resource_type,
                current,
                placeholder,
                value,
                ..
            } => (resource_type, current, placeholder, value),
            Change::EndUser {
                current,
                given_name,
                family_name,
                email,
                mobile_cc,
                mobile_sn,
            } => {
                let mut wanted = format!("{given_name} {family_name} <{email}>");
                if !mobile_sn.is_empty() {
                    wanted.push_str(&format!(" +{mobile_cc} {mobile_sn}"));
                }
                (None, current, false, wanted.trim().to_owned())
            }
        };
        BulkLineView {
            line: row.line,
            licence_ref: row.licence_ref,
            licence_id: row.licence_id,
            resource_type,
            current,
            placeholder,
            wanted,
            status: row.status,
            problem: row.problem,
            events: row.events,
        }
    }
}
