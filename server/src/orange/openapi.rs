//! The OpenAPI 3.1 document of `/orange/v2`, generated from the handlers and the wire types, so it
//! cannot drift from the code; a snapshot test makes every change of the wire format a visible diff.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::handlers;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fleetdesk: Orange Business Applications API",
        version = "1.4.0",
        description = "The partner side of Orange's productOrdering and userService APIs. Every \
                       route needs a credential issued in the Fleetdesk console, sent as \
                       `Authorization: Basic base64(clientId:secret)` or `Bearer secret`. Errors \
                       use the TMF630 envelope `{code, reason, message, status}`; absent values \
                       are omitted, never null. The partner's product calls back under \
                       `/provisioning/v1` (tag provisioning) with a provisioning credential, \
                       which is not valid on `/orange/v2` (nor an Orange credential there)."
    ),
    paths(
        handlers::ping,
        handlers::openapi,
        handlers::place_order,
        handlers::get_order,
        handlers::list_fleet,
        handlers::get_licence,
        handlers::patch_licence,
        handlers::delete_licence,
        handlers::create_task,
        handlers::get_task,
        crate::provisioning_api::list,
        crate::provisioning_api::show,
        crate::provisioning_api::complete,
        crate::provisioning_api::fail,
    ),
    modifiers(&Credentials),
    security(("basic" = []), ("bearer" = []))
)]
struct ApiDoc;

/// Declares the two ways to send a credential.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

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
