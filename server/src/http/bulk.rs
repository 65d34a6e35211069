//! Bulk changes to licences from a CSV file (operators and administrators): upload a file to
//! check it (`POST /console/licences/bulk`), then apply or discard the preview. Applying only
//! starts the work: the bulk worker makes each line's change, and the file's page shows its
//! progress. Also `GET /console/licences/placeholders.csv`, the licences still waiting for a real
//! realizing resource, in the resource file's own format, for every signed-in operator.

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::response::Response;
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
        (FileError::Empty, _) => lang
            .t(
                "The file has no lines of changes under its header.",
                "Le fichier n’a aucune ligne de modification sous son en-tête.",
            )
            .to_owned(),
        (FileError::MissingColumns(missing), Lang::En) => format!(
            "The first line must name the columns; missing: {}. Nothing was kept.",
            missing.join(", ")
        ),
        (FileError::MissingColumns(missing), Lang::Fr) => format!(
            "La première ligne doit nommer les colonnes ; il manque : {}. Rien n’a été gardé.",
            missing.join(", ")
        ),
        (FileError::TooManyRows, Lang::En) => format!(
            "The file has more than {} lines of changes; split it into smaller files.",
            bulk::MAX_ROWS
        ),
        (FileError::TooManyRows, Lang::Fr) => format!(
            "Le fichier a plus de {} lignes de modification ; découpez-le en plusieurs fichiers.",
            bulk::MAX_ROWS
        ),
        (FileError::Unreadable(line), Lang::En) => {
            format!("Line {line} is not valid CSV (check its quotes). Nothing was kept.")
        }
        (FileError::Unreadable(line), Lang::Fr) => format!(
            "La ligne {line} n’est pas du CSV valide (vérifiez ses guillemets). Rien n’a été gardé."
        ),
        (FileError::Db(error), _) => {
            tracing::error!(error = %error, "failed to check a bulk file");
            lang.t(
                "The file could not be checked; please try again.",
                "Le fichier n’a pas pu être vérifié ; veuillez réessayer.",
            )
            .to_owned()
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
        let text = lang.t(
            "Choose what the file changes.",
            "Choisissez ce que le fichier modifie.",
        );
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
            let text = lang.t(
                "File checked. Nothing has changed yet: look at each line, then apply or discard it.",
                "Fichier vérifié. Rien n’a encore changé : regardez chaque ligne, puis appliquez ou abandonnez.",
            );
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
        ApplyError::NotFound => lang.t("No such file.", "Fichier introuvable."),
        ApplyError::NotPreview(_) => lang.t(
            "This file is no longer a preview: it was already applied or discarded.",
            "Ce fichier n’est plus un aperçu : il a déjà été appliqué ou abandonné.",
        ),
        ApplyError::NothingReady => lang.t(
            "No line of this file is ready; correct the file and upload it again.",
            "Aucune ligne de ce fichier n’est prête ; corrigez le fichier et envoyez-le à nouveau.",
        ),
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
    let untick = lang.t(
        "Tick “I understand” to apply the file.",
        "Cochez « Je comprends » pour appliquer le fichier.",
    );
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match bulk::start_apply(&state.db, &id, &acting).await {
        Ok(summary) => {
            state.bulk.notify_one();
            let n = summary.rows_ready;
            let text = match lang {
                Lang::En => format!(
                    "Applying {n} change{}: this page shows the progress.",
                    if n == 1 { "" } else { "s" }
                ),
                Lang::Fr => format!(
                    "Application de {n} modification{} en cours : cette page montre l’avancement.",
                    if n == 1 { "" } else { "s" }
                ),
            };
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
    let untick = lang.t(
        "Tick “I understand” to discard the file.",
        "Cochez « Je comprends » pour abandonner le fichier.",
    );
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match bulk::discard(&state.db, &id, &acting).await {
        Ok(_) => {
            let text = lang.t(
                "File discarded: none of its lines will be applied.",
                "Fichier abandonné : aucune de ses lignes ne sera appliquée.",
            );
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
