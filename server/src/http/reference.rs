//! `GET /reference/openapi.json` (administrators): the Orange API's OpenAPI document as a file,
//! for the console's reference page to offer for download.

use axum::Extension;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use fleetdesk_app::model::ApiReference;
use fleetdesk_core::access::Permission;
use fleetdesk_core::operators::CurrentOperator;
use fleetdesk_vocab::Lang;

pub async fn openapi_json(
    current: &CurrentOperator,
    reference: &ApiReference,
    lang: Lang,
) -> Response {
    if !Permission::Administer.allows(current.0.role) {
        return (
            StatusCode::FORBIDDEN,
            lang.t(Permission::Administer.refusal()),
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"fleetdesk-orange-openapi.json\""),
            ),
        ],
        reference.0.as_str().to_owned(),
    )
        .into_response()
}

/// The handler as a route, holding the document built once at start.
pub fn route(reference: ApiReference) -> axum::routing::MethodRouter<crate::state::AppState> {
    axum::routing::get(
        move |Extension(current): Extension<CurrentOperator>, headers: HeaderMap| {
            let reference = reference.clone();
            async move { openapi_json(&current, &reference, super::forms::lang_of(&headers)).await }
        },
    )
}
