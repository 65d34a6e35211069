//! Cross-site request forgery protection for the console.
//!
//! Session cookies are `SameSite=Lax`, so other sites' forms do not carry them; on top of that, a
//! state-changing request that a browser marks as cross-site (`Sec-Fetch-Site`) or whose `Origin`
//! is not this server is refused. A request with neither header is refused too when it carries a
//! session cookie: old browsers and plain-HTTP deployments may send neither, and the cookie is what
//! a forged request would ride on. Without a session (signing in from a script) it passes.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fleetdesk_vocab::Text;

use crate::state::AppState;

pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe
        || request.uri().path().starts_with("/orange/")
        || request.uri().path().starts_with("/provisioning/")
        || is_same_origin(&state, &request)
    {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
    let lang = super::forms::lang_of(request.headers());
    (StatusCode::FORBIDDEN, lang.t(Text::CrossSiteRequestRefused)).into_response()
}

fn is_same_origin(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    let site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or_default());
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or_default());
    if site.is_some_and(|site| !matches!(site, "same-origin" | "none")) {
        return false;
    }
    match origin {
        Some(origin) => origin_is_ours(state, request, origin),
        None => site.is_some() || !carries_session(request),
    }
}

/// Whether the request carries the console's session cookie.
fn carries_session(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim_start()
                .strip_prefix(crate::http::SESSION_COOKIE)
                .is_some_and(|rest| rest.starts_with('='))
        })
}

fn origin_is_ours(state: &AppState, request: &Request, origin: &str) -> bool {
    let headers = request.headers();
    let public = state.config.public_url.origin().ascii_serialization();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    origin == public
        || host.is_some_and(|host| {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        })
}
