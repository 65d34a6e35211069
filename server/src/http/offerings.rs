//! Console form handlers for the offering catalogue (administrators): add, edit, retire, bring
//! back, and import a CSV file (multipart upload). Each redirects with a flash message.

use axum::Form;
use axum::extract::{Extension, FromRequest, Multipart, Path, Request, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use fleetdesk_app::model::FlashKind;
use fleetdesk_core::audit::Entry;
use fleetdesk_core::offerings::{self, OfferingError, OfferingInput};
use fleetdesk_core::operators::CurrentOperator;

use super::auth::write_audit;
use super::forms::{
    NOT_SAVED, UNREADABLE, actor, back, back_with_details, refuse_non_admin, sentence,
};
use super::request_id_of;
use crate::offering_import;
use crate::state::AppState;

const PAGE: &str = "/offerings";
const ADMIN_ONLY: &str = "Only administrators change the offering catalogue.";

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

/// The message for a refused change; server-side failures are logged, not shown.
fn refusal(error: &OfferingError) -> String {
    match error {
        OfferingError::Db(error) => {
            tracing::error!(error = %error, "failed to change the offering catalogue");
            NOT_SAVED.to_owned()
        }
        other => sentence(&other.to_string()),
    }
}

/// `POST /console/offerings`: adds an offering.
pub async fn create(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_non_admin(&current, ADMIN_ONLY) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let Ok(Form(form)) = Form::<OfferingForm>::from_request(request, &state).await else {
        return back(&session, PAGE, FlashKind::Error, UNREADABLE).await;
    };
    match offerings::create(&state.db, &form.into()).await {
        Ok(created) => {
            let entry = Entry::new(
                actor(&current),
                "offering.create",
                "offering",
                Some(&created.id),
            )
            .after(&created)
            .request_id(request_id);
            write_audit(&state, &entry).await;
            back(
                &session,
                PAGE,
                FlashKind::Success,
                format!("Offering {} added.", created.offer_code),
            )
            .await
        }
        Err(error) => back(&session, PAGE, FlashKind::Error, refusal(&error)).await,
    }
}

/// `POST /console/offerings/{id}`: changes an offering.
pub async fn update(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_non_admin(&current, ADMIN_ONLY) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let Ok(Form(form)) = Form::<OfferingForm>::from_request(request, &state).await else {
        return back(&session, &edit_page(&id), FlashKind::Error, UNREADABLE).await;
    };
    let before = match offerings::find_by_id(&state.db, &id).await {
        Ok(Some(before)) => before,
        Ok(None) => return back(&session, PAGE, FlashKind::Error, "No such offering.").await,
        Err(error) => {
            tracing::error!(error = %error, "failed to load an offering");
            return back(&session, PAGE, FlashKind::Error, NOT_SAVED).await;
        }
    };
    match offerings::update(&state.db, &id, &form.into()).await {
        Ok(after) => {
            let entry = Entry::new(actor(&current), "offering.update", "offering", Some(&id))
                .before(&before)
                .after(&after)
                .request_id(request_id);
            write_audit(&state, &entry).await;
            back(
                &session,
                PAGE,
                FlashKind::Success,
                format!("Offering {} saved.", after.offer_code),
            )
            .await
        }
        Err(error) => back(&session, &edit_page(&id), FlashKind::Error, refusal(&error)).await,
    }
}

/// `POST /console/offerings/{id}/retire`.
pub async fn retire(
    state: State<AppState>,
    current: Extension<CurrentOperator>,
    session: Session,
    id: Path<String>,
    request: Request,
) -> Response {
    set_retired(state, current, session, id, request, true).await
}

/// `POST /console/offerings/{id}/restore`.
pub async fn restore(
    state: State<AppState>,
    current: Extension<CurrentOperator>,
    session: Session,
    id: Path<String>,
    request: Request,
) -> Response {
    set_retired(state, current, session, id, request, false).await
}

async fn set_retired(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
    retired: bool,
) -> Response {
    if let Some(refused) = refuse_non_admin(&current, ADMIN_ONLY) {
        return refused;
    }
    let before = match offerings::find_by_id(&state.db, &id).await {
        Ok(Some(before)) => before,
        Ok(None) => return back(&session, PAGE, FlashKind::Error, "No such offering.").await,
        Err(error) => {
            tracing::error!(error = %error, "failed to load an offering");
            return back(&session, PAGE, FlashKind::Error, NOT_SAVED).await;
        }
    };
    match offerings::set_retired(&state.db, &id, retired).await {
        Ok(after) => {
            let (action, verb) = if retired {
                ("offering.retire", "retired")
            } else {
                ("offering.restore", "brought back")
            };
            let entry = Entry::new(actor(&current), action, "offering", Some(&id))
                .before(&before)
                .after(&after)
                .request_id(request_id_of(&request));
            write_audit(&state, &entry).await;
            back(
                &session,
                PAGE,
                FlashKind::Success,
                format!("Offering {} {verb}.", after.offer_code),
            )
            .await
        }
        Err(error) => back(&session, PAGE, FlashKind::Error, refusal(&error)).await,
    }
}

/// The uploaded file's text, or the reason it cannot be used.
async fn uploaded_text(mut multipart: Multipart) -> Result<String, &'static str> {
    const UNREADABLE_FILE: &str = "The file could not be read; please try again.";
    while let Some(field) = multipart.next_field().await.map_err(|_| UNREADABLE_FILE)? {
        if field.name() != Some("file") {
            continue;
        }
        let bytes = field.bytes().await.map_err(|_| UNREADABLE_FILE)?;
        if bytes.is_empty() {
            return Err("Choose a CSV file to import.");
        }
        return String::from_utf8(bytes.to_vec())
            .map_err(|_| "The file is not UTF-8 text; save it as CSV UTF-8 and try again.");
    }
    Err("Choose a CSV file to import.")
}

/// `POST /console/offerings/import` (multipart, field `file`): imports a CSV catalogue, all or
/// nothing.
pub async fn import(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_non_admin(&current, ADMIN_ONLY) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let text = match Multipart::from_request(request, &state).await {
        Ok(multipart) => uploaded_text(multipart).await,
        Err(_) => Err("The upload could not be read; please try again."),
    };
    let text = match text {
        Ok(text) => text,
        Err(message) => return back(&session, PAGE, FlashKind::Error, message).await,
    };
    let imported = match offering_import::import(&state.db, &text, &actor(&current)).await {
        Ok(imported) => imported,
        Err(error) => return back(&session, PAGE, FlashKind::Error, refusal(&error)).await,
    };
    let report = imported.report;
    if !report.errors.is_empty() {
        let count = report.errors.len();
        return back_with_details(
            &session,
            PAGE,
            FlashKind::Error,
            format!(
                "Nothing was imported: {count} line{} of the file {} wrong.",
                if count == 1 { "" } else { "s" },
                if count == 1 { "is" } else { "are" }
            ),
            offering_import::error_lines(&report),
        )
        .await;
    }
    for entry in imported.audit {
        write_audit(&state, &entry.request_id(request_id.clone())).await;
    }
    let mut details = Vec::new();
    if !report.created.is_empty() {
        details.push(format!("Created: {}", report.created.join(", ")));
    }
    if !report.updated.is_empty() {
        details.push(format!("Updated: {}", report.updated.join(", ")));
    }
    back_with_details(
        &session,
        PAGE,
        FlashKind::Success,
        offering_import::summary(&report),
        details,
    )
    .await
}
