//! Bulk changes to licences from a CSV file (operators and administrators): upload a file to
//! check it (`POST /console/licences/bulk`), then apply or discard the preview. Applying only
//! starts the work: the bulk worker makes each line's change, and the file's page shows its
//! progress. Also `GET /console/licences/placeholders.csv`, the licences still waiting for a real
//! realizing resource, in the resource file's own format, for every signed-in operator.

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::response::Response;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::licences::bulk::{self, ApplyError, BulkKind, FileError};

use super::forms::{Console, not_saved, read_upload, refuse_unconfirmed};
use crate::state::AppState;

const PAGE: &str = "/licences/bulk";

/// The request body limit of the upload: the largest file, and room for the form around it.
pub fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(bulk::MAX_BYTES + 64 * 1024)
}

fn file_page(id: &str) -> String {
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
pub async fn upload(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let upload = match read_upload(request, lang).await {
        Ok(upload) => upload,
        Err(message) => return console.back(PAGE, FlashKind::Error, message).await,
    };
    let Some(kind) = upload.fields.get("kind").and_then(|k| BulkKind::parse(k)) else {
        let text = lang.t(Text::ChooseWhatTheFileChanges);
        return console.back(PAGE, FlashKind::Error, text).await;
    };
    match bulk::preview(
        &state.db,
        kind,
        &upload.file_name,
        &upload.text,
        &console.actor(),
    )
    .await
    {
        Ok(id) => {
            let text = lang.t(Text::FileCheckedNothingHasChangedYet);
            console
                .back(&file_page(&id), FlashKind::Success, text)
                .await
        }
        Err(error) => {
            console
                .back(PAGE, FlashKind::Error, file_refusal(&error, lang))
                .await
        }
    }
}

/// What a refused apply or discard says.
fn apply_refusal(error: &ApplyError, lang: Lang) -> &'static str {
    match error {
        ApplyError::NotFound => lang.t(Text::NoSuchFile),
        ApplyError::NotPreview(_) => lang.t(Text::ThisFileIsNoLongerA),
        ApplyError::NothingReady => lang.t(Text::NoLineOfThisFileIs),
        ApplyError::Db(error) => {
            tracing::error!(error = %error, "failed to move a bulk file on");
            not_saved(lang)
        }
    }
}

/// `POST /console/licences/bulk/{id}/apply`: starts applying the ready lines, once confirmed.
pub async fn apply(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = file_page(&id);
    let untick = lang.t(Text::TickIUnderstandToApplyThe);
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match bulk::start_apply(&state.db, &id, &acting).await {
        Ok(summary) => {
            state.bulk.notify_one();
            let n = summary.rows_ready;
            let text = say::bulk_applying_started(lang, n);
            console.back(&page, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(&page, FlashKind::Error, apply_refusal(&error, lang))
                .await
        }
    }
}

/// `POST /console/licences/bulk/{id}/discard`: drops a preview, once confirmed.
pub async fn discard(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = file_page(&id);
    let untick = lang.t(Text::TickIUnderstandToDiscardThe);
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match bulk::discard(&state.db, &id, &acting).await {
        Ok(_) => {
            let text = lang.t(Text::FileDiscardedNoneOfItsLines);
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(&page, FlashKind::Error, apply_refusal(&error, lang))
                .await
        }
    }
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
    let rows = bulk::placeholders_csv(state.db.clone(), customer);
    super::download::csv(rows, "placeholders", "placeholders")
}
