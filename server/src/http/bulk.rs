//! Bulk changes to licences from a CSV file (operators and administrators): upload a file to
//! check it (`POST /console/licences/bulk`), then apply or discard the preview. Applying only
//! starts the work: the bulk worker makes each line's change, and the file's page shows its
//! progress. Also `GET /console/licences/placeholders.csv`, the licences still waiting for a real
//! realizing resource, in the resource file's own format, for every signed-in operator.

use axum::extract::{Query, State};
use axum::response::Response;
use fleetdesk_vocab::{BulkFileId, CustomerId};
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::licences::bulk::{self, ApplyError, BulkKind, FileError};

use super::action::{Confirmation, Cx, Fields, Note, Reply};
use super::forms::{Upload, not_saved};
use crate::state::AppState;

const PAGE: &str = "/licences/bulk";

fn file_page(id: &BulkFileId) -> String {
    format!("{PAGE}/{id}")
}

/// What a refused file says.
fn file_refusal(error: &FileError, lang: Lang) -> String {
    match (error, lang) {
        (FileError::Empty, _) => lang.t(Text::TheFileHasNoLinesOf).to_owned(),
        (FileError::MissingColumns(missing), _) => {
            say::bulk_missing_columns(lang, missing.join(", "))
        }
        (FileError::TooManyRows, _) => say::bulk_too_many_rows(lang, bulk::MAX_ROWS),
        (FileError::Unreadable(line), _) => say::bulk_unreadable_line(lang, line),
        (FileError::Db(error), _) => {
            tracing::error!(error = %error, "failed to check a bulk file");
            lang.t(Text::TheFileCouldNotBeChecked).to_owned()
        }
    }
}

/// `POST /console/licences/bulk` (multipart: `kind`, `file`): checks the file and keeps it as a
/// preview; nothing changes yet.
pub async fn check(cx: Cx<ChangeData>, _: (), upload: Upload) -> Reply {
    let lang = cx.lang;
    let Some(kind) = upload.fields.get("kind").and_then(|k| BulkKind::parse(k)) else {
        return Err(cx.t(Text::ChooseWhatTheFileChanges).into());
    };
    let checked = bulk::preview(
        &cx.state.db,
        kind,
        &upload.file_name,
        &upload.text,
        &cx.acting,
    );
    let id = checked
        .await
        .map_err(|error| Note::from(file_refusal(&error, lang)))?;
    Ok(Note::from(cx.t(Text::FileCheckedNothingHasChangedYet)).at(file_page(&id)))
}

/// What a refused apply or discard says.
fn apply_refusal(error: &ApplyError, lang: Lang) -> Note {
    match error {
        ApplyError::NotFound => lang.t(Text::NoSuchFile),
        ApplyError::NotPreview(_) => lang.t(Text::ThisFileIsNoLongerA),
        ApplyError::NothingReady => lang.t(Text::NoLineOfThisFileIs),
        ApplyError::Db(error) => {
            tracing::error!(error = %error, "failed to move a bulk file on");
            not_saved(lang)
        }
    }
    .into()
}

/// `POST /console/licences/bulk/{id}/apply`: starts applying the ready lines, once confirmed.
pub async fn apply(
    cx: Cx<ChangeData>,
    id: BulkFileId,
    Fields(form): Fields<Confirmation>,
) -> Reply {
    form.confirm.or(cx.t(Text::TickIUnderstandToApplyThe))?;
    let summary = bulk::start_apply(&cx.state.db, &id, &cx.acting)
        .await
        .map_err(|error| apply_refusal(&error, cx.lang))?;
    cx.state.bulk.notify_one();
    Ok(say::bulk_applying_started(cx.lang, summary.rows_ready).into())
}

/// `POST /console/licences/bulk/{id}/discard`: drops a preview, once confirmed.
pub async fn discard(
    cx: Cx<ChangeData>,
    id: BulkFileId,
    Fields(form): Fields<Confirmation>,
) -> Reply {
    form.confirm.or(cx.t(Text::TickIUnderstandToDiscardThe))?;
    bulk::discard(&cx.state.db, &id, &cx.acting)
        .await
        .map_err(|error| apply_refusal(&error, cx.lang))?;
    Ok(Note::from(cx.t(Text::FileDiscardedNoneOfItsLines)).at(PAGE))
}

#[derive(Debug, Default, Deserialize)]
pub struct PlaceholdersQuery {
    #[serde(default)]
    customer: String,
}

/// `GET /console/licences/placeholders.csv[?customer=cus_…]`: the licences to fill in, streamed.
pub async fn placeholders(
    State(state): State<AppState>,
    Query(query): Query<PlaceholdersQuery>,
) -> Response {
    let customer = Some(query.customer.trim().to_owned()).filter(|c| !c.is_empty());
    let rows = bulk::placeholders_csv(state.db.clone(), customer.map(CustomerId::from));
    super::download::csv(rows, "placeholders", "placeholders")
}
