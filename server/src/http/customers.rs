//! `GET /console/customers.csv`: every customer the list's filter matches, as CSV, for every
//! signed-in operator (support included). Streamed from a database cursor, so its size never
//! weighs on the server's memory. And `POST /console/customers/{id}/notes`: a note on a customer,
//! by any signed-in operator (support included: notes are how support hands over), audited.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fleetdesk_vocab::CustomerId;
use fleetdesk_vocab::Text;
use serde::Deserialize;

use fleetdesk_app::api::customer_filter;
use fleetdesk_core::access::Support;
use fleetdesk_core::customers;

use super::action::{Cx, Fields, Note, Reply};
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

/// `POST /console/customers/{id}/notes`: adds a note to the customer.
pub async fn add_note(cx: Cx<Support>, id: CustomerId, Fields(form): Fields<NoteForm>) -> Reply {
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > customers::NOTE_MAX_CHARS {
        return Err(cx.t(Text::WriteANoteOf1To).into());
    }
    match customers::add_note(&cx.state.db, &id, cx.operator.id.as_str(), body, &cx.acting).await {
        Ok(true) => {
            tracing::info!(customer.id = %id, "note added to a customer");
            Ok(cx.t(Text::NoteAdded).into())
        }
        Ok(false) => Err(Note::from(cx.t(Text::NoSuchCustomer)).at("/customers")),
        Err(error) => {
            tracing::error!(error = %error, customer.id = %id, "failed to add a note");
            Err(cx.t(Text::TheNoteCouldNotBeSaved).into())
        }
    }
}
