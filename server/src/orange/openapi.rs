//! The OpenAPI 3.1 document of `/orange/v2`, generated from the handlers and wire types.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(
    title = "Fleetdesk: Orange Business Applications API",
    version = "1.4.0",
    description = "The partner side of Orange's productOrdering and userService APIs."
))]
struct ApiDoc;

/// The document as a value.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as pretty JSON, as served at `/orange/v2/openapi.json`.
pub fn document_json() -> String {
    document()
        .to_pretty_json()
        .expect("an OpenAPI document always serialises")
}
