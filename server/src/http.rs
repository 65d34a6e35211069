//! The HTTP surface: health probes, the operator console (Leptos pages, their server functions and
//! plain form handlers) and the static assets, with request ids, tracing and CSRF protection.
//!
//! The Orange-facing API lives under `/orange/v2` with its own authentication (see `crate::orange`).

mod action;
mod activation;
mod assets;
mod auth;
mod bulk;
mod credentials;
mod csp;
mod customers;
mod delivery_settings;
mod download;
mod events;
mod forms;
mod health;
mod lang;
mod licences;
mod offerings;
mod operators;
pub(crate) mod orange_settings;
mod privacy;
mod provisioning_settings;
mod redirect;
mod reference;
mod security;
mod self_test;
mod stuck;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

use fleetdesk_app::model::ApiReference;
use fleetdesk_app::posts;
use fleetdesk_app::{App, shell};
use fleetdesk_core::sessions::DbSessionStore;

use crate::state::AppState;
use action::Actions;

pub use auth::{OPERATOR_ID_KEY, set_flash};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id of a request, as set by the request-id layer.
pub fn request_id_of<B>(request: &Request<B>) -> Option<String> {
    request_id_in(request.extensions())
}

/// The request id among a request's extensions (for extractors, which see the parts only).
pub fn request_id_in(extensions: &http::Extensions) -> Option<String> {
    extensions
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map(str::to_owned)
}

/// Renders the console page at `path` as the answer to a form post, for the operator `current`,
/// with what `shown` puts in the request's extensions: what the page is to show this once (a new
/// secret, which then lives in this one answer only). The answer is never cached.
pub async fn render_page(
    state: &AppState,
    headers: axum::http::HeaderMap,
    path: &str,
    current: fleetdesk_core::operators::CurrentOperator,
    flash: fleetdesk_app::model::Flash,
    shown: impl FnOnce(&mut axum::http::Extensions),
) -> axum::response::Response {
    render(state, headers, path, move |extensions| {
        extensions.insert(current);
        extensions.insert(flash);
        shown(extensions);
    })
    .await
}

/// Renders a page that needs no operator (the sign-in page) as the answer to a form post.
pub async fn render_public_page(
    state: &AppState,
    headers: axum::http::HeaderMap,
    path: &str,
) -> axum::response::Response {
    render(state, headers, path, |_| {}).await
}

async fn render(
    state: &AppState,
    headers: axum::http::HeaderMap,
    path: &str,
    extensions: impl FnOnce(&mut axum::http::Extensions),
) -> axum::response::Response {
    let db = state.db.clone();
    let origin = public_origin(state);
    let sandbox = crate::self_test::sandbox_context(state);
    let options = state.leptos_options.clone();
    let shell_options = options.clone();
    // Rendered whole before it is sent (as the routes' `SsrMode::Async` pages are): streamed out of
    // order, the page would need JavaScript to swap its resolved parts in, and a browser without
    // it would be left with "Loading…".
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(db.clone());
            provide_context(options.clone());
            provide_context(origin.clone());
            provide_context(sandbox.clone());
            csp::provide_request_nonce();
        },
        move || shell(shell_options.clone()),
    );
    let nonce = csp::CspNonce::new();
    let mut request = Request::new(axum::body::Body::empty());
    *request.uri_mut() = path.parse().unwrap_or_default();
    *request.headers_mut() = headers;
    request
        .headers_mut()
        .remove(axum::http::header::CONTENT_TYPE);
    request
        .headers_mut()
        .remove(axum::http::header::CONTENT_LENGTH);
    extensions(request.extensions_mut());
    request.extensions_mut().insert(nonce.clone());
    let mut response = render(request).await;
    if let Ok(policy) = HeaderValue::from_str(&nonce.policy()) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    }
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

/// Where browsers and the partner's product reach this server (`FLEETDESK_PUBLIC_URL`), for the
/// pages that show an address of its APIs.
fn public_origin(state: &AppState) -> fleetdesk_app::model::PublicOrigin {
    fleetdesk_app::model::PublicOrigin(state.config.public_url.origin().ascii_serialization())
}

/// The largest console form body, in bytes (file uploads have their own, larger limit).
pub const CONSOLE_FORM_LIMIT: usize = 64 * 1024;

/// The console's session cookie.
pub const SESSION_COOKIE: &str = "fleetdesk_session";

/// The page saying that the database cannot be used, instead of the session layer's bare 500,
/// when the session could not be saved because the database is unreachable, or its disk full or
/// read-only (every console request saves its session).
async fn session_store_unavailable(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lang = forms::lang_of(request.headers());
    let (response, unavailable) =
        fleetdesk_core::sessions::noting_unavailable(next.run(request)).await;
    if unavailable && response.status() == axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!("the console session could not be saved: the database cannot be used");
        return auth::database_unavailable(lang);
    }
    response
}

/// Builds the whole application router.
pub fn router(state: AppState, session_key: &Key) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::try_from(state.config.session_idle)
                .unwrap_or(tower_sessions::cookie::time::Duration::HOUR),
        ))
        // Every request moves the idle deadline, so the record is saved each time.
        .with_always_save(true)
        .with_signed(session_key.clone());

    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let db = state.db.clone();
    let origin = public_origin(&state);
    let sandbox = crate::self_test::sandbox_context(&state);
    // Built once: the document only changes with the code.
    let reference = ApiReference(Arc::new(crate::orange::openapi::document_json()));
    let page_reference = reference.clone();
    let console = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/lang", post(lang::choose))
        .action(posts::CREATE_OPERATOR, operators::create)
        .action(posts::DISABLE_OPERATOR, operators::set_disabled::<true>)
        .action(posts::ENABLE_OPERATOR, operators::set_disabled::<false>)
        .action(posts::CHANGE_ROLE, operators::change_role)
        .action(posts::RESET_PASSWORD, operators::reset_password)
        .action(posts::ORANGE_SETTINGS, orange_settings::save)
        // Posted to the page's own address: the answer is the page, showing the new secret once.
        .action(posts::ISSUE_CREDENTIAL, credentials::issue)
        .action(posts::REVOKE_CREDENTIAL, credentials::revoke)
        .action(posts::CREATE_OFFERING, offerings::create)
        .action(posts::IMPORT_OFFERINGS, offerings::import)
        .action(posts::UPDATE_OFFERING, offerings::update)
        .action(posts::RETIRE_OFFERING, offerings::set_retired::<true>)
        .action(posts::RESTORE_OFFERING, offerings::set_retired::<false>)
        .action(posts::RESEND_MATCHING, events::resend_matching)
        .action(posts::RESEND_EVENT, events::resend)
        .action(posts::RETRY_EVENT, events::retry_now)
        .action(posts::COMPLETE_STUCK, stuck::complete)
        .action(posts::FAIL_STUCK, stuck::fail)
        .action(posts::STUCK_EVENT, stuck::event)
        .action(posts::STUCK_THRESHOLDS, stuck::save_thresholds)
        .action(posts::DECIDE_WAITING, activation::decide)
        .action(
            posts::COMPLETE_WITH_VALUES,
            activation::complete_with_values,
        )
        .action(posts::SET_END_USER, licences::set_end_user)
        .action(posts::REMOVE_END_USER, licences::remove_end_user)
        .action(posts::REPLACE_RESOURCE, licences::replace_resource)
        .action(posts::RENEW_LOGIN, licences::renew_login)
        .route("/console/licences/{id}/personal-data", get(privacy::export))
        .action(posts::ERASE_PERSONAL_DATA, privacy::erase)
        .action(posts::PAUSE_DELIVERY, delivery_settings::set_paused::<true>)
        .action(
            posts::RESUME_DELIVERY,
            delivery_settings::set_paused::<false>,
        )
        .action(posts::DELIVERY_SETTINGS, delivery_settings::save)
        .action(posts::PROVISIONING_SETTINGS, provisioning_settings::save)
        .action(posts::RUN_SELF_TEST, self_test::run)
        .action(posts::SANDBOX_ON, self_test::sandbox_on)
        .action(posts::SANDBOX_OFF, self_test::sandbox_off)
        // Posted to the page's own address: the answer is the page, showing the new secret once.
        .action(posts::ROTATE_WEBHOOK_SECRET, provisioning_settings::rotate)
        .route("/reference/openapi.json", reference::route(reference))
        .route("/console/customers.csv", get(customers::export))
        .route(
            "/console/licences/placeholders.csv",
            get(bulk::placeholders),
        )
        .action(posts::CHECK_BULK_FILE, bulk::check)
        .action(posts::APPLY_BULK_FILE, bulk::apply)
        .action(posts::DISCARD_BULK_FILE, bulk::discard)
        .action(posts::ADD_NOTE, customers::add_note)
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(db.clone());
                provide_context(page_reference.clone());
                provide_context(origin.clone());
                provide_context(sandbox.clone());
                csp::provide_request_nonce();
            },
            move || shell(leptos_options.clone()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        // Pages and server functions are revalidated every time (an answer that holds a secret
        // says `no-store` itself).
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache, private"),
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(session_store_unavailable))
        // Forms are small: a larger body is refused before it is read (file uploads set their own
        // limit on their route). A request, body included, that takes longer than the configured
        // time is cut off, so that a slow sender cannot hold a connection and a worker for ever.
        .layer(axum::extract::DefaultBodyLimit::max(CONSOLE_FORM_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            state.config.console_timeout,
        ));

    let request_span = |request: &Request<_>| {
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path(),
            request_id = request_id_of(request).unwrap_or_default(),
        )
    };

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::metrics))
        .nest(crate::orange::BASE, crate::orange::router(state.clone()))
        .nest(
            crate::provisioning_api::BASE,
            crate::provisioning_api::router(state.clone()),
        )
        .nest_service("/pkg", assets::pkg(&state))
        .merge(console)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(csp::provide_request_nonce, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::reject_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csp::content_security_policy,
        ))
        .layer(assets::compression())
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(SetResponseHeaderLayer::overriding(
                    HeaderName::from_static("x-frame-options"),
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    HeaderName::from_static("x-content-type-options"),
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    HeaderName::from_static("referrer-policy"),
                    HeaderValue::from_static("same-origin"),
                )),
        )
        // Outside the request log: the sandbox's sink refuses deliveries on purpose (503) to show
        // retries, which would otherwise read as server errors there.
        .nest(
            crate::self_test::BASE,
            crate::self_test::router(state.clone()),
        )
        .with_state(state)
}
