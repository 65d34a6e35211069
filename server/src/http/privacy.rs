//! Console: a licence's end user's personal data on request (GDPR), for administrators only:
//! everything held about the person as a JSON download, and erasure everywhere it was copied.
//! Both are written to the audit log (who asked, when, how many copies were cleaned), never with
//! the person's details.

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fleetdesk_vocab::{Text, say};

use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::Administer;
use fleetdesk_core::audit::{self, Entry};
use fleetdesk_core::privacy::{self, PrivacyError};

use super::forms::{Console, not_saved, refuse_unconfirmed};
use super::licences::licence_page;
use crate::state::AppState;

/// `GET /console/licences/{id}/personal-data`: the JSON document, as a download never cached.
pub async fn export(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
) -> Response {
    let lang = console.lang;
    match privacy::export_end_user(&state.db, &id).await {
        Ok(document) => {
            let entry = Entry::new(
                console.actor(),
                "licence.end_user.export",
                "licence",
                Some(&id),
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
pub async fn erase(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = licence_page(&id);
    let untick = lang.t(Text::TickIUnderstandToEraseThe);
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match privacy::erase_end_user(&state.db, &id, &acting).await {
        Ok(erasure) => {
            if erasure.event.is_some() {
                state.delivery.notify_one();
            }
            let copies = erasure.audit_entries
                + erasure.events
                + erasure.attempts
                + erasure.exchanges
                + erasure.bulk_lines;
            let text = if erasure.event.is_some() {
                say::personal_data_erased_orange_told(lang, copies)
            } else {
                say::personal_data_erased(lang, copies)
            };
            console.back(&page, FlashKind::Success, text).await
        }
        Err(PrivacyError::NotFound) => {
            console
                .back("/licences", FlashKind::Error, lang.t(Text::NoSuchLicence))
                .await
        }
        Err(PrivacyError::NoEndUser) => {
            console
                .back(&page, FlashKind::Error, lang.t(Text::NothingToErase))
                .await
        }
        Err(PrivacyError::Db(error)) => {
            tracing::error!(%error, "failed to erase personal data");
            console.back(&page, FlashKind::Error, not_saved(lang)).await
        }
    }
}
