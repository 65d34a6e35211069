//! Content-Security-Policy for console pages, with a fresh nonce in every answer, and HSTS when
//! the public URL is `https`.
//!
//! Every page's inline scripts (the hydration loader, the data the server hands to the browser)
//! carry the answer's nonce; the policy allows scripts from this site and those nonced inline
//! scripts only, WebAssembly compilation, styles from this site only, and no framing. The nonce
//! is made here, before the page renders, handed to the renderer through the request, and named
//! in the header of the same answer.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use leptos::prelude::{provide_context, use_context};

use crate::state::AppState;

/// This answer's nonce, in the request's extensions.
#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// 128 random bits, base64url.
    pub fn new() -> CspNonce {
        let bytes: [u8; 16] = rand::random();
        CspNonce(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(bytes)
                .into(),
        )
    }

    /// The policy naming this nonce.
    pub fn policy(&self) -> String {
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            self.0
        )
    }
}

impl Default for CspNonce {
    fn default() -> Self {
        CspNonce::new()
    }
}

/// For the renderer's context: the nonce this request's answer names in its policy (the
/// renderer's own would not match the header).
pub fn provide_request_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Gives each request a nonce; an HTML answer that has no policy yet gets the one naming it.
/// With an `https` public URL every answer also tells browsers to use https only (HSTS).
pub async fn content_security_policy(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    if html
        && !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&nonce.policy())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if state.config.public_url.scheme() == "https" {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
