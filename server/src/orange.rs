//! The Orange-facing API under `/orange/v2` (contract sections 2 to 5): its own authentication
//! (API credentials, not sessions), its own JSON reading and TMF630 errors, the raw exchange
//! record, and the OpenAPI document generated from the handlers.
//!
//! Handlers are thin: they read the request, call one service of `fleetdesk_core::orange` and turn
//! its [`Answer`] or [`ApiError`] into a response.

pub(crate) mod exchange;
mod handlers;
pub mod openapi;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fleetdesk_vocab::CredentialId;

use fleetdesk_core::audit::{Acting, Actor};
use fleetdesk_core::credentials::{self, CredentialKind, Presented};
use fleetdesk_core::orange::settings::ApiSettings;
use fleetdesk_core::orange::wire::{self, ErrorBody};
use fleetdesk_core::orange::{Answer, ApiError, ErrorCode};

use crate::state::AppState;

/// The API's base path.
pub const BASE: &str = "/orange/v2";

/// The router of `/orange/v2`, to be nested under [`BASE`].
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/ping", get(handlers::ping))
        .route("/openapi.json", get(handlers::openapi))
        .route("/productOrder", post(handlers::place_order))
        .route("/productOrder/{id}", get(handlers::get_order))
        .route("/userService", get(handlers::list_fleet))
        .route(
            "/userService/{id}",
            get(handlers::get_licence)
                .patch(handlers::patch_licence)
                .delete(handlers::delete_licence),
        )
        .route("/userServiceTask", post(handlers::create_task))
        .route("/userServiceTask/{id}", get(handlers::get_task))
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_credential,
        ))
        .fallback(handlers::no_route)
        .layer(axum::middleware::from_fn_with_state(
            state,
            exchange::record,
        ))
        // The exchange recorder enforces the configured limit itself, with the contract's error.
        .layer(DefaultBodyLimit::disable())
}

/// An error answered in the TMF630 envelope.
#[derive(Debug)]
pub struct OrangeError(pub ApiError);

impl From<ApiError> for OrangeError {
    fn from(error: ApiError) -> Self {
        OrangeError(error)
    }
}

impl IntoResponse for OrangeError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(ErrorBody::from(&self.0))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // The database is away: a client that retries is asked to wait a little.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Fleetdesk Orange API\", Bearer"),
            );
        }
        response
    }
}

/// The object an exchange concerns, set by handlers for the raw exchange record.
#[derive(Debug, Clone)]
pub(crate) struct ExchangeObject(pub String, pub String);

/// Who called, as the recorder writes it: set on every response by the credential check.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExchangeCaller {
    pub credential_id: Option<CredentialId>,
    pub client_id: Option<String>,
}

/// Marks a streamed response, whose body the recorder does not keep.
#[derive(Debug, Clone)]
pub(crate) struct Streamed(pub String);

/// Turns a service's answer into a response.
pub(crate) fn respond(state: &AppState, answer: Answer) -> Response {
    if answer.work_queued {
        state.completion.notify_one();
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, axum::Json(answer.body)).into_response();
    if let Some((kind, id)) = answer.object {
        response.extensions_mut().insert(ExchangeObject(kind, id));
    }
    response
}

/// Reads a JSON request body: `415` unless it is `application/json`, then the contract's
/// `INVALID_BODY`, `MISSING_FIELD` and `INVALID_VALUE` errors with field paths.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if !json {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            if content_type.is_empty() {
                "the body must be sent as application/json (no Content-Type was given)".to_owned()
            } else {
                format!("the body must be sent as application/json, not {content_type}")
            },
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(ErrorCode::InvalidBody, "the body is empty"));
    }
    wire::read_body(body)
}

/// Who calls (Orange, with its credential) and the API settings, for the handlers.
#[derive(Debug, Clone)]
pub(crate) struct CallContext {
    pub acting: Acting,
    pub settings: ApiSettings,
}

/// Checks the credential of every call on a known route before anything else is looked at.
async fn require_credential(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Checked already by the exchange recorder around this layer, before the body was read.
    let checked = request
        .extensions()
        .get::<exchange::Authenticated>()
        .map(|a| a.0.clone());
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(Presented::parse);
    let claimed = presented
        .as_ref()
        .and_then(Presented::claimed_client_id)
        .map(str::to_owned);
    let refuse = |message: &str, claimed: Option<String>| {
        let mut response =
            OrangeError(ApiError::new(ErrorCode::Unauthorized, message)).into_response();
        response.extensions_mut().insert(ExchangeCaller {
            credential_id: None,
            client_id: claimed,
        });
        response
    };
    let Some(presented) = presented else {
        return refuse(
            "send a credential as Authorization: Basic base64(clientId:secret) or Bearer secret",
            None,
        );
    };
    let credential = match checked {
        Some(credential) => credential,
        None => {
            match credentials::authenticate(&state.db, CredentialKind::Orange, &presented).await {
                Ok(Some(credential)) => credential,
                Ok(None) => return refuse("the credential is not valid", claimed),
                Err(error) => {
                    tracing::error!(error = %error, "failed to check an Orange credential");
                    return handlers::unavailable(request.uri().path());
                }
            }
        }
    };
    // The exchange recorder around this layer has read them already.
    let settings = match request.extensions().get::<ApiSettings>() {
        Some(settings) => settings.clone(),
        None => match fleetdesk_core::orange::settings::load(&state.db).await {
            Ok(settings) => settings,
            Err(error) => {
                tracing::error!(error = %error, "failed to read the Orange API settings");
                return handlers::unavailable(request.uri().path());
            }
        },
    };
    let acting = Acting {
        actor: Actor::orange(Some(credential.id.as_str()), &credential.label),
        request_id: crate::http::request_id_of(&request),
    };
    request
        .extensions_mut()
        .insert(CallContext { acting, settings });
    let mut response = next.run(request).await;
    response.extensions_mut().insert(ExchangeCaller {
        credential_id: Some(credential.id),
        client_id: Some(credential.client_id),
    });
    response
}
