//! Console: a licence's end user's personal data on request (GDPR), for administrators only:
//! everything held about the person as a JSON download, and erasure everywhere it was copied.
//! Both are written to the audit log (who asked, when, how many copies were cleaned), never with
//! the person's details.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fleetdesk_vocab::LicenceId;
use fleetdesk_vocab::{Text, say};

use fleetdesk_core::access::Administer;
use fleetdesk_core::audit::{self, Entry};
use fleetdesk_core::privacy::{self, PrivacyError};

use super::action::{Confirmation, Cx, Fields, Note, Reply};
use super::forms::{Console, not_saved};
use crate::state::AppState;

/// `GET /console/licences/{id}/personal-data`: the JSON document, as a download never cached.
pub async fn export(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<LicenceId>,
) -> Response {
    let lang = console.lang;
    match privacy::export_end_user(&state.db, &id).await {
        Ok(document) => {
            let entry = Entry::new(
                console.actor(),
                "licence.end_user.export",
                "licence",
                Some(id.as_str()),
            )
            .request_id(console.request_id.clone());
            if let Err(error) = audit::record(state.db.pool(), &entry).await {
                tracing::error!(%error, "failed to audit a personal data export");
                return (StatusCode::SERVICE_UNAVAILABLE, not_saved(lang)).into_response();
            }
            let body = serde_json::to_string_pretty(&document).unwrap_or_default();
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/json; charset=utf-8".to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"personal-data-{id}.json\""),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                body,
            )
                .into_response()
        }
        Err(PrivacyError::NotFound) => {
            (StatusCode::NOT_FOUND, lang.t(Text::NoSuchLicence)).into_response()
        }
        Err(PrivacyError::NoEndUser) => {
            (StatusCode::NOT_FOUND, lang.t(Text::ThisLicenceHasNoEndUser)).into_response()
        }
        Err(PrivacyError::Db(error)) => {
            tracing::error!(%error, "failed to export personal data");
            (StatusCode::SERVICE_UNAVAILABLE, not_saved(lang)).into_response()
        }
    }
}

/// `POST /console/licences/{id}/personal-data/erase`: erases the end user everywhere, once
/// confirmed, and tells Orange the licence has no end user.
pub async fn erase(cx: Cx<Administer>, id: LicenceId, Fields(form): Fields<Confirmation>) -> Reply {
    let lang = cx.lang;
    form.confirm.or(cx.t(Text::TickIUnderstandToEraseThe))?;
    let erasure = match privacy::erase_end_user(&cx.state.db, &id, &cx.acting).await {
        Ok(erasure) => erasure,
        Err(PrivacyError::NotFound) => {
            return Err(Note::from(cx.t(Text::NoSuchLicence)).at("/licences"));
        }
        Err(PrivacyError::NoEndUser) => return Err(cx.t(Text::NothingToErase).into()),
        Err(PrivacyError::Db(error)) => {
            tracing::error!(%error, "failed to erase personal data");
            return Err(not_saved(lang).into());
        }
    };
    if erasure.event.is_some() {
        cx.state.delivery.notify_one();
    }
    let copies = erasure.audit_entries
        + erasure.events
        + erasure.attempts
        + erasure.exchanges
        + erasure.bulk_lines;
    Ok(if erasure.event.is_some() {
        say::personal_data_erased_orange_told(lang, copies)
    } else {
        say::personal_data_erased(lang, copies)
    }
    .into())
}
