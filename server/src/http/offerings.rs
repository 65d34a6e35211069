//! Console form handlers for the offering catalogue (administrators): add, edit, retire, bring
//! back, and import a CSV file (multipart upload). Each redirects with a flash message.

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::Response;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::Administer;
use fleetdesk_core::offerings::{self, OfferingError, OfferingInput};

use super::forms::{Console, back_with_details, not_saved, read_upload, sentence, unreadable};
use crate::offering_import;
use crate::state::AppState;

const PAGE: &str = "/offerings";

fn edit_page(id: &str) -> String {
    format!("{PAGE}/{id}")
}

/// The fields of the add and edit forms; absent ones read as empty, so the domain's checks
/// name what is missing.
#[derive(Debug, Deserialize)]
pub struct OfferingForm {
    #[serde(default)]
    offer_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    resource_type: String,
    #[serde(default)]
    resource_scope: String,
    #[serde(default)]
    login_format: String,
}

impl From<OfferingForm> for OfferingInput {
    fn from(form: OfferingForm) -> Self {
        OfferingInput {
            offer_code: form.offer_code,
            name: form.name,
            resource_type: form.resource_type,
            resource_scope: form.resource_scope,
            login_format: form.login_format,
        }
    }
}

/// The message for a refused change; server-side failures are logged, not shown. The catalogue's
/// own checks speak English (they also serve the command line and the import report).
fn refusal(error: &OfferingError, lang: Lang) -> String {
    match error {
        OfferingError::Db(error) => {
            tracing::error!(error = %error, "failed to change the offering catalogue");
            not_saved(lang).to_owned()
        }
        OfferingError::Invalid(invalid) => sentence(&offering_import::invalid_text(invalid, lang)),
        OfferingError::CodeTaken => lang.t(Text::AnOfferingWithThisOfferCode).to_owned(),
        OfferingError::NotFound => no_such_offering(lang).to_owned(),
    }
}

fn no_such_offering(lang: Lang) -> &'static str {
    lang.t(Text::NoSuchOffering)
}

/// `POST /console/offerings`: adds an offering.
pub async fn create(
    State(state): State<AppState>,
    console: Console<Administer>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Ok(Form(form)) = Form::<OfferingForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    match offerings::create(&state.db, &console.acting(), &form.into()).await {
        Ok(created) => {
            let text = say::offering_added(lang, &created.offer_code);
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(PAGE, FlashKind::Error, refusal(&error, lang))
                .await
        }
    }
}

/// `POST /console/offerings/{id}`: changes an offering.
pub async fn update(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Ok(Form(form)) = Form::<OfferingForm>::from_request(request, &state).await else {
        return console
            .back(&edit_page(&id), FlashKind::Error, unreadable(lang))
            .await;
    };
    match offerings::update(&state.db, &console.acting(), &id, &form.into()).await {
        Ok(after) => {
            let text = say::offering_saved(lang, &after.offer_code);
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            // Gone meanwhile: back to the list, which no longer shows it.
            let page = match error {
                OfferingError::NotFound => PAGE.to_owned(),
                _ => edit_page(&id),
            };
            console
                .back(&page, FlashKind::Error, refusal(&error, lang))
                .await
        }
    }
}

/// `POST /console/offerings/{id}/retire`.
pub async fn retire(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
) -> Response {
    set_retired(state, console, id, true).await
}

/// `POST /console/offerings/{id}/restore`.
pub async fn restore(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
) -> Response {
    set_retired(state, console, id, false).await
}

async fn set_retired(
    state: AppState,
    console: Console<Administer>,
    id: String,
    retired: bool,
) -> Response {
    let lang = console.lang;
    match offerings::set_retired(&state.db, &console.acting(), &id, retired).await {
        Ok(after) => {
            let text = if retired {
                say::offering_retired(lang, &after.offer_code)
            } else {
                say::offering_brought_back(lang, &after.offer_code)
            };
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(PAGE, FlashKind::Error, refusal(&error, lang))
                .await
        }
    }
}

/// `POST /console/offerings/import` (multipart, field `file`): imports a CSV catalogue, all or
/// nothing.
pub async fn import(
    State(state): State<AppState>,
    console: Console<Administer>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let text = match read_upload(request, lang).await {
        Ok(upload) => upload.text,
        Err(message) => return console.back(PAGE, FlashKind::Error, message).await,
    };
    let report = match offering_import::import(&state.db, &text, &console.acting()).await {
        Ok(report) => report,
        Err(error) => {
            return console
                .back(PAGE, FlashKind::Error, refusal(&error, lang))
                .await;
        }
    };
    if !report.errors.is_empty() {
        let count = report.errors.len();
        return back_with_details(
            &console.session,
            PAGE,
            FlashKind::Error,
            say::import_nothing_imported(lang, count),
            offering_import::error_lines(&report, lang),
        )
        .await;
    }
    let mut details = Vec::new();
    if !report.created.is_empty() {
        let label = lang.t(Text::OfferingsCreated);
        details.push(format!("{label} {}", report.created.join(", ")));
    }
    if !report.updated.is_empty() {
        let label = lang.t(Text::OfferingsUpdated);
        details.push(format!("{label} {}", report.updated.join(", ")));
    }
    let summary = offering_import::summary(&report, lang);
    back_with_details(&console.session, PAGE, FlashKind::Success, summary, details).await
}
