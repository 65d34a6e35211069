//! Records every Orange call with its answer (the raw exchange support reads in the console), and
//! enforces the request body limit with the contract's `PAYLOAD_TOO_LARGE`.
//!
//! The caller's credential is checked first, before anything else is read. A call without a valid
//! credential is answered without its body ever being read, and is kept only as its request line,
//! status, claimed client id and peer address, at most one a second per instance; all of them are
//! counted (`fleetdesk_orange_unauthenticated_calls_total`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, OriginalUri, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use fleetdesk_core::credentials::{self, Credential, CredentialKind, Presented};
use fleetdesk_core::orange::exchanges::NewExchange;
use fleetdesk_core::orange::{ApiError, ErrorCode};

use super::{ExchangeCaller, ExchangeObject, OrangeError, Streamed};
use crate::state::AppState;

/// Headers whose values are never stored.
const MASKED: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];

fn masked_headers(request: &Request) -> Vec<(String, String)> {
    request
        .headers()
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_owned();
            let value = if MASKED.contains(&name.as_str()) {
                let scheme = value
                    .to_str()
                    .ok()
                    .and_then(|v| v.split_whitespace().next())
                    .filter(|_| name != "cookie")
                    .unwrap_or_default();
                format!("{scheme} ***").trim().to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect()
}

fn too_large(limit: usize) -> Response {
    OrangeError(ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("the body is larger than {limit} bytes"),
    ))
    .into_response()
}

/// The calls this instance refused for want of a valid credential: which of them to keep (they are
/// counted in the metrics).
#[derive(Debug, Default)]
pub struct RefusedCalls {
    /// When (milliseconds since the epoch) the last one was kept.
    last_kept_ms: AtomicI64,
}

impl RefusedCalls {
    /// True when a call refused now is to be kept (the first in a second).
    fn keep_one(&self) -> bool {
        let now_ms = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
        )
        .unwrap_or(i64::MAX);
        let last = self.last_kept_ms.load(Ordering::Relaxed);
        now_ms - last >= 1000
            && self
                .last_kept_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// Calls a second allowed per credential on this instance (bursts of twice as many), by the
/// generic cell rate algorithm; a call beyond is answered 429 `TOO_MANY_REQUESTS` with
/// `Retry-After`, its body unread, and counted.
pub struct RateLimit {
    per_second: u32,
    limiter: governor::DefaultKeyedRateLimiter<String>,
    /// Calls refused, to log the first and every thousandth (the metrics count them all).
    refused: AtomicU64,
}

impl RateLimit {
    /// `None` for 0 (no limit).
    pub fn new(per_second: u32) -> Option<RateLimit> {
        let rate = std::num::NonZeroU32::new(per_second)?;
        let burst = rate.saturating_mul(std::num::NonZeroU32::MIN.saturating_add(1));
        Some(RateLimit {
            per_second,
            limiter: governor::RateLimiter::keyed(
                governor::Quota::per_second(rate).allow_burst(burst),
            ),
            refused: AtomicU64::new(0),
        })
    }

    /// Counts a call of `credential_id`; the wait before the next one may go, when over.
    fn check(&self, credential_id: &str) -> Result<(), std::time::Duration> {
        use governor::clock::Clock;
        self.limiter
            .check_key(&credential_id.to_owned())
            .map_err(|not_until| {
                not_until.wait_time_from(governor::clock::DefaultClock::default().now())
            })
    }

    fn refuse(&self, wait: std::time::Duration) -> Response {
        if self
            .refused
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(1000)
        {
            tracing::warn!(
                limit = self.per_second,
                "Orange API calls over the rate limit of their credential were refused with 429"
            );
        }
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let seconds = seconds.max(1);
        let mut response = OrangeError(ApiError::new(
            ErrorCode::TooManyRequests,
            format!(
                "More than {} calls a second with this credential; try again in {seconds} s.",
                self.per_second
            ),
        ))
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        closing(&mut response);
        response
    }
}

/// An answer given without reading the request's body: the connection is not kept for another
/// request (what is left of the body would be read as one), and the client is told so, so that it
/// does not send its next call on a connection about to close.
fn closing(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// The credential a call presents, checked before anything else is read.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated(pub Credential);

/// The recording layer around every `/orange/v2` request.
pub async fn record(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(Presented::parse);
    let credential = match &presented {
        Some(presented) => {
            credentials::authenticate(&state.db, CredentialKind::Orange, presented).await
        }
        None => Ok(None),
    };
    match credential {
        Ok(Some(credential)) => {
            if let Some(limit) = &state.orange_rate
                && let Err(wait) = limit.check(credential.id.as_str())
            {
                state.metrics.rate_limited_calls.increment(1);
                return limit.refuse(wait);
            }
            request.extensions_mut().insert(Authenticated(credential));
        }
        Ok(None) => {
            let claimed = presented
                .as_ref()
                .and_then(Presented::claimed_client_id)
                .map(str::to_owned);
            return refused_unread(&state, request, next, claimed, started).await;
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to check an Orange credential");
            return super::handlers::unavailable(request.uri().path());
        }
    }

    let limit = state.config.orange_body_limit;
    let method = request.method().to_string();
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().clone(), |o| o.0.clone());
    let path = path
        .path_and_query()
        .map_or_else(|| path.path().to_owned(), |pq| pq.as_str().to_owned());
    let request_id = crate::http::request_id_of(&request);
    let headers = masked_headers(&request);

    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // Read once per call: the retention below, and the credential check and handlers inside.
    let settings = fleetdesk_core::orange::settings::load(&state.db).await.ok();
    let (mut parts, body) = request.into_parts();
    if let Some(settings) = &settings {
        parts.extensions.insert(settings.clone());
    }
    let (body_bytes, response) = if declared.is_some_and(|n| n > limit) {
        (None, too_large(limit))
    } else {
        match to_bytes(body, limit).await {
            Err(_) => (None, too_large(limit)),
            Ok(bytes) => {
                let request = Request::from_parts(parts, Body::from(bytes.clone()));
                (Some(bytes), next.run(request).await)
            }
        }
    };

    let caller = response
        .extensions()
        .get::<ExchangeCaller>()
        .cloned()
        .unwrap_or_default();
    let object = response.extensions().get::<ExchangeObject>().cloned();
    let status = response.status().as_u16();
    let (response, response_body) = match response.extensions().get::<Streamed>().cloned() {
        Some(Streamed(note)) => (response, Some(note)),
        None => {
            let (parts, body) = response.into_parts();
            match to_bytes(body, usize::MAX).await {
                Ok(bytes) => {
                    let text =
                        (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned());
                    (Response::from_parts(parts, Body::from(bytes)), text)
                }
                Err(error) => {
                    tracing::error!(error = %error, "failed to read an Orange API answer");
                    (OrangeError(ApiError::internal()).into_response(), None)
                }
            }
        }
    };
    let exchange = NewExchange {
        method,
        path,
        credential_id: caller.credential_id,
        client_id: caller.client_id,
        request_headers: headers,
        request_body: body_bytes
            .filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        response_status: status,
        response_body,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        request_id,
        object_type: object.as_ref().map(|o| o.0.clone()),
        object_id: object.map(|o| o.1),
    };
    let retention = settings.map_or(30, |s| s.exchange_retention_days);
    if let Err(error) = state.exchanges.record(&state.db, exchange, retention).await {
        tracing::warn!(error = %error, "failed to record an Orange exchange");
    }
    response
}

/// Answers a call without a valid credential with its body unread (the credential check inside
/// refuses it, or the route is unknown), and keeps at most one such call a second, without its
/// headers or body.
async fn refused_unread(
    state: &AppState,
    request: Request,
    next: Next,
    claimed: Option<String>,
    started: Instant,
) -> Response {
    state.metrics.unauthenticated_calls.increment(1);
    let keep = state.refused_calls.keep_one();
    let method = request.method().to_string();
    let path = request.extensions().get::<OriginalUri>().map_or_else(
        || request.uri().path().to_owned(),
        |o| o.0.path().to_owned(),
    );
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    let request_id = crate::http::request_id_of(&request);
    let (parts, _unread) = request.into_parts();
    let mut response = next.run(Request::from_parts(parts, Body::empty())).await;
    closing(&mut response);
    if keep {
        let exchange = NewExchange {
            method,
            path,
            credential_id: None,
            client_id: claimed,
            request_headers: peer
                .map(|peer| vec![("peer-address".to_owned(), peer)])
                .unwrap_or_default(),
            request_body: None,
            response_status: response.status().as_u16(),
            response_body: None,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            request_id,
            object_type: None,
            object_id: None,
        };
        let retention = match fleetdesk_core::orange::settings::load(&state.db).await {
            Ok(settings) => settings.exchange_retention_days,
            Err(_) => 30,
        };
        if let Err(error) = state.exchanges.record(&state.db, exchange, retention).await {
            tracing::warn!(error = %error, "failed to record a refused Orange call");
        }
    }
    response
}
