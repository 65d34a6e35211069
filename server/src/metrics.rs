//! `GET /metrics`: numbers a monitoring system scrapes, in the Prometheus text format. They are
//! read from the database, so every instance reports the same values. No authentication, like the
//! health probes: they hold counts and ages, never data.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

pub async fn metrics(State(state): State<AppState>) -> Response {
    match fleetdesk_core::outbox::metrics::render(&state.db).await {
        Ok(mut text) => {
            use std::fmt::Write;
            let _ = writeln!(
                text,
                "# HELP fleetdesk_orange_unauthenticated_calls_total Calls to the Orange API without a valid credential, refused unread (this instance).\n\
                 # TYPE fleetdesk_orange_unauthenticated_calls_total counter\n\
                 fleetdesk_orange_unauthenticated_calls_total {}",
                state.refused_calls.count()
            );
            let _ = writeln!(
                text,
                "# HELP fleetdesk_orange_rate_limited_calls_total Calls to the Orange API refused with 429 for going over their credential's rate limit (this instance).\n\
                 # TYPE fleetdesk_orange_rate_limited_calls_total counter\n\
                 fleetdesk_orange_rate_limited_calls_total {}",
                state
                    .orange_rate
                    .as_ref()
                    .map_or(0, |limit| limit.refused())
            );
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                )],
                text,
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to compute the metrics");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer",
            )
                .into_response()
        }
    }
}
