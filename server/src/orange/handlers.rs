//! The handlers of `/orange/v2`, each documented for the OpenAPI document.

use axum::body::{Body, Bytes};
use axum::extract::{Extension, OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use fleetdesk_core::clock;
use fleetdesk_core::licences::Change;
use fleetdesk_core::orange::user_service::{self, FleetQuery};
use fleetdesk_core::orange::wire::{self, Ping};
use fleetdesk_core::orange::{ApiError, ErrorCode};
use fleetdesk_core::orange::{product_order, user_service_task};

use super::{CallContext, OrangeError, Streamed, read_json, respond};
use crate::state::AppState;

type Answered = Result<Response, OrangeError>;

fn ping_body(status: &str) -> Ping {
    Ping {
        status: status.to_owned(),
        version: wire::API_VERSION.to_owned(),
        time: clock::now_text(),
    }
}

/// The answer when the database does not answer: ping says `down`, other routes
/// `SERVICE_UNAVAILABLE`.
pub(super) fn unavailable(path: &str) -> Response {
    if path.ends_with("/ping") {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(ping_body("down")),
        )
            .into_response()
    } else {
        OrangeError(ApiError::unavailable()).into_response()
    }
}

/// Service availability.
#[utoipa::path(get, path = "/orange/v2/ping", tag = "ping",
    responses(
        (status = 200, description = "The service is up", body = Ping),
        (status = 401, description = "Missing or invalid credential", body = wire::ErrorBody),
        (status = 503, description = "The service is down", body = Ping),
    ))]
pub async fn ping(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => axum::Json(ping_body("up")).into_response(),
        Err(error) => {
            tracing::error!(error = %error, "ping: the database does not answer");
            unavailable("/ping")
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/orange/v2/openapi.json", tag = "ping",
    responses((status = 200, description = "The OpenAPI 3.1 document of /orange/v2")))]
pub async fn openapi() -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        super::openapi::document_json(),
    )
        .into_response()
}

/// Creates a customer, orders licences, or both.
#[utoipa::path(post, path = "/orange/v2/productOrder", tag = "productOrder",
    request_body = wire::ProductOrderRequest,
    responses(
        (status = 201, description = "Synchronous: the completed order; asynchronous: `acknowledged`", body = wire::ProductOrder),
        (status = 400, description = "INVALID_BODY, MISSING_FIELD or INVALID_VALUE", body = wire::ErrorBody),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_CUSTOMER or UNKNOWN_PRODUCT_REF", body = wire::ErrorBody),
        (status = 409, description = "IDEMPOTENCY_MISMATCH", body = wire::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE", body = wire::ErrorBody),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = wire::ErrorBody),
        (status = 422, description = "UNKNOWN_OFFER or PRODUCT_REF_MISMATCH", body = wire::ErrorBody),
    ))]
pub async fn place_order(
    State(state): State<AppState>,
    Extension(context): Extension<CallContext>,
    headers: HeaderMap,
    body: Bytes,
) -> Answered {
    let request: wire::ProductOrderRequest = read_json(&headers, &body)?;
    let answer = product_order::place(
        &state.db,
        &context.settings,
        &request,
        &body,
        &context.acting,
    )
    .await?;
    Ok(respond(&state, answer))
}

/// Reads an order back.
#[utoipa::path(get, path = "/orange/v2/productOrder/{id}", tag = "productOrder",
    params(("id" = String, Path, description = "The partner's order id (ord_...)")),
    responses(
        (status = 200, description = "The order in its current state", body = wire::ProductOrder),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_ORDER", body = wire::ErrorBody),
    ))]
pub async fn get_order(State(state): State<AppState>, Path(id): Path<String>) -> Answered {
    Ok(respond(&state, product_order::get(&state.db, &id).await?))
}

/// Consults a fleet: its licences in creation order, streamed.
#[utoipa::path(get, path = "/orange/v2/userService", tag = "userService",
    params(
        ("productRefId" = String, Query, description = "The fleet"),
        ("state" = Option<String>, Query, description = "pending, active, suspended or terminated (terminated licences are listed only when asked for)"),
        ("offset" = Option<u64>, Query, description = "Licences to skip"),
        ("limit" = Option<u64>, Query, description = "At most this many, from 1 to 10000 (larger is refused with INVALID_VALUE); the whole fleet from offset on, streamed, when absent"),
    ),
    responses(
        (status = 200, description = "The licences; X-Total-Count and X-Result-Count headers", body = Vec<wire::UserService>),
        (status = 400, description = "MISSING_FIELD or INVALID_VALUE", body = wire::ErrorBody),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_PRODUCT_REF", body = wire::ErrorBody),
    ))]
pub async fn list_fleet(State(state): State<AppState>, RawQuery(query): RawQuery) -> Answered {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let query = FleetQuery::parse(&params)?;
    let counts = user_service::count_fleet(&state.db, &query).await?;
    let product_ref = query.product_ref_id.clone();
    let batches = user_service::stream_fleet(state.db.clone(), query);
    let mut first = true;
    // One body chunk per batch of licences: a few large writes rather than one per licence.
    let items = batches.map(move |batch| {
        let batch = batch.map_err(|error| {
            tracing::error!(error = %error, "fleet consultation stopped: database error");
            std::io::Error::other("database error")
        })?;
        let mut chunk = Vec::with_capacity(batch.len() * 768);
        for licence in &batch {
            chunk.push(if std::mem::take(&mut first) {
                b'['
            } else {
                b','
            });
            serde_json::to_writer(&mut chunk, licence).map_err(std::io::Error::other)?;
        }
        Ok::<_, std::io::Error>(Bytes::from(chunk))
    });
    let empty = counts.result == 0;
    let tail = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(Bytes::from_static(if empty { b"[]" } else { b"]" }))
    });
    let body = items.chain(tail);
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("x-total-count", HeaderValue::from(counts.total));
    headers.insert("x-result-count", HeaderValue::from(counts.result));
    response.extensions_mut().insert(Streamed(format!(
        "[streamed: {} licences of fleet {product_ref}, not kept]",
        counts.result
    )));
    response.extensions_mut().insert(super::ExchangeObject(
        "fleet".to_owned(),
        product_ref.into_string(),
    ));
    Ok(response)
}

/// Reads one licence.
#[utoipa::path(get, path = "/orange/v2/userService/{id}", tag = "userService",
    params(("id" = String, Path, description = "The licence id (lic_...)")),
    responses(
        (status = 200, description = "The licence", body = wire::UserService),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_USER_SERVICE", body = wire::ErrorBody),
    ))]
pub async fn get_licence(State(state): State<AppState>, Path(id): Path<String>) -> Answered {
    Ok(respond(&state, user_service::get(&state.db, &id).await?))
}

/// Suspends, reactivates or changes the offering of one licence.
#[utoipa::path(patch, path = "/orange/v2/userService/{id}", tag = "userService",
    params(("id" = String, Path, description = "The licence id (lic_...)")),
    request_body = wire::UserServicePatch,
    responses(
        (status = 200, description = "Synchronous: the updated licence", body = wire::UserService),
        (status = 202, description = "Asynchronous: the task that will do it", body = wire::UserServiceTask),
        (status = 400, description = "INVALID_BODY, MISSING_FIELD or INVALID_VALUE", body = wire::ErrorBody),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_USER_SERVICE", body = wire::ErrorBody),
        (status = 409, description = "INVALID_STATE_TRANSITION or OPERATION_IN_PROGRESS", body = wire::ErrorBody),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = wire::ErrorBody),
        (status = 422, description = "UNKNOWN_OFFER", body = wire::ErrorBody),
    ))]
pub async fn patch_licence(
    State(state): State<AppState>,
    Extension(context): Extension<CallContext>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answered {
    let patch: wire::UserServicePatch = read_json(&headers, &body)?;
    let change = user_service::read_patch(&state.db, &patch).await?;
    let answer =
        user_service::change_one(&state.db, &context.settings, &id, change, &context.acting)
            .await?;
    Ok(respond(&state, answer))
}

/// Terminates one licence.
#[utoipa::path(delete, path = "/orange/v2/userService/{id}", tag = "userService",
    params(("id" = String, Path, description = "The licence id (lic_...)")),
    responses(
        (status = 200, description = "Synchronous: the licence, terminated", body = wire::UserService),
        (status = 202, description = "Asynchronous: the task that will do it", body = wire::UserServiceTask),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_USER_SERVICE", body = wire::ErrorBody),
        (status = 409, description = "INVALID_STATE_TRANSITION or OPERATION_IN_PROGRESS", body = wire::ErrorBody),
    ))]
pub async fn delete_licence(
    State(state): State<AppState>,
    Extension(context): Extension<CallContext>,
    Path(id): Path<String>,
) -> Answered {
    let answer = user_service::change_one(
        &state.db,
        &context.settings,
        &id,
        Change::Terminate,
        &context.acting,
    )
    .await?;
    Ok(respond(&state, answer))
}

/// One operation on many licences.
#[utoipa::path(post, path = "/orange/v2/userServiceTask", tag = "userServiceTask",
    request_body = wire::UserServiceTaskRequest,
    responses(
        (status = 201, description = "The task, with a result per licence (asynchronous: `acknowledged`, results fill in)", body = wire::UserServiceTask),
        (status = 400, description = "INVALID_BODY, MISSING_FIELD or INVALID_VALUE", body = wire::ErrorBody),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 409, description = "IDEMPOTENCY_MISMATCH", body = wire::ErrorBody),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = wire::ErrorBody),
        (status = 422, description = "UNKNOWN_OFFER", body = wire::ErrorBody),
    ))]
pub async fn create_task(
    State(state): State<AppState>,
    Extension(context): Extension<CallContext>,
    headers: HeaderMap,
    body: Bytes,
) -> Answered {
    let request: wire::UserServiceTaskRequest = read_json(&headers, &body)?;
    let answer = user_service_task::create(
        &state.db,
        &context.settings,
        &request,
        &body,
        &context.acting,
    )
    .await?;
    Ok(respond(&state, answer))
}

/// Reads a task back.
#[utoipa::path(get, path = "/orange/v2/userServiceTask/{id}", tag = "userServiceTask",
    params(("id" = String, Path, description = "The task id (tsk_...)")),
    responses(
        (status = 200, description = "The task", body = wire::UserServiceTask),
        (status = 401, description = "UNAUTHORIZED", body = wire::ErrorBody),
        (status = 404, description = "UNKNOWN_TASK", body = wire::ErrorBody),
    ))]
pub async fn get_task(State(state): State<AppState>, Path(id): Path<String>) -> Answered {
    Ok(respond(
        &state,
        user_service_task::get(&state.db, &id).await?,
    ))
}

/// A path under `/orange/v2` that names no resource.
pub async fn no_route(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    OrangeError(ApiError::new(
        ErrorCode::NotFound,
        format!("no route {method} {}", uri.path()),
    ))
    .into_response()
}

/// A known path with a method it does not serve.
pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    OrangeError(ApiError::new(
        ErrorCode::NotFound,
        format!(
            "no route {method} {} (this path exists with other methods)",
            uri.path()
        ),
    ))
    .into_response()
}
