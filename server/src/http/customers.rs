//! `GET /console/customers.csv`: every customer the list's filter matches, as CSV, for every
//! signed-in operator (support included). Streamed from a database cursor, so its size never
//! weighs on the server's memory. And `POST /console/customers/{id}/notes`: a note on a customer,
//! by any signed-in operator (support included: notes are how support hands over), audited.

use axum::Form;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fleetdesk_vocab::Text;
use serde::Deserialize;

use fleetdesk_app::api::customer_filter;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::Support;
use fleetdesk_core::customers;

use super::forms::Console;
use crate::state::AppState;

/// The list's filter, as its address carries it.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ExportQuery>,
) -> Response {
    let Some(filter) = customer_filter(&query.q, &query.sort) else {
        let lang = super::forms::lang_of(&headers);
        return (StatusCode::BAD_REQUEST, lang.t(Text::UnknownSortOrder)).into_response();
    };
    let rows = customers::export_csv(state.db.clone(), filter);
    super::download::csv(rows, "customers", "customers")
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

/// `POST /console/customers/{id}/notes`: adds a note and goes back to the customer.
pub async fn add_note(
    State(state): State<AppState>,
    console: Console<Support>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let page = format!("/customers/{id}");
    let Ok(Form(form)) = Form::<NoteForm>::from_request(request, &state).await else {
        let text = lang.t(Text::TheFormCouldNotBeRead);
        return console.back(&page, FlashKind::Error, text).await;
    };
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > customers::NOTE_MAX_CHARS {
        let text = lang.t(Text::WriteANoteOf1To);
        return console.back(&page, FlashKind::Error, text).await;
    }
    let acting = console.acting();
    match customers::add_note(&state.db, &id, &console.operator.id, body, &acting).await {
        Ok(true) => {
            tracing::info!(customer.id = %id, "note added to a customer");
            let text = lang.t(Text::NoteAdded);
            console.back(&page, FlashKind::Success, text).await
        }
        Ok(false) => {
            let text = lang.t(Text::NoSuchCustomer);
            console.back("/customers", FlashKind::Error, text).await
        }
        Err(error) => {
            tracing::error!(error = %error, customer.id = %id, "failed to add a note");
            let text = lang.t(Text::TheNoteCouldNotBeSaved);
            console.back(&page, FlashKind::Error, text).await
        }
    }
}
