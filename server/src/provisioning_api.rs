//! The provisioning callback API under `/provisioning/v1` (provisioning contract, "Callback API"):
//! the partner's product completes or fails the provisioning tasks its webhooks carried, and lists
//! what waits. It has credentials of its own (issued and revoked in the console like Orange's):
//! an Orange credential is not valid here, nor a provisioning credential on `/orange/v2`. Errors
//! use the same TMF630 envelope as the Orange API.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fleetdesk_vocab::{ActorKind, ErrorCode};
use serde::Deserialize;

use fleetdesk_core::audit::{Acting, Actor};
use fleetdesk_core::credentials::{self, CredentialKind, Presented};
use fleetdesk_core::orange::ApiError;
use fleetdesk_core::provisioning::tasks::{
    self, CallbackError, Completion, ProvisioningTask, Resolution, TaskState,
};

use crate::orange::OrangeError;
use crate::state::AppState;

/// The API's base path.
pub const BASE: &str = "/provisioning/v1";

/// The router of `/provisioning/v1`, to be nested under [`BASE`].
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/tasks", get(list))
        .route("/tasks/{id}", get(show))
        .route("/tasks/{id}/complete", post(complete))
        .route("/tasks/{id}/fail", post(fail))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            require_credential,
        ))
        .fallback(no_route)
}

async fn no_route() -> Response {
    OrangeError(ApiError::new(ErrorCode::NotFound, "no such route")).into_response()
}

fn unavailable() -> Response {
    OrangeError(ApiError::unavailable()).into_response()
}

/// Checks the product's credential; the handlers get who is calling.
async fn require_credential(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let refuse = |message: &str| {
        let mut response =
            OrangeError(ApiError::new(ErrorCode::Unauthorized, message)).into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Fleetdesk provisioning API\", Bearer"),
        );
        response
    };
    let Some(presented) = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(Presented::parse)
    else {
        return refuse(
            "send a provisioning credential as Authorization: Basic base64(clientId:secret) or Bearer secret",
        );
    };
    let credential = match credentials::authenticate(
        &state.db,
        CredentialKind::Provisioning,
        &presented,
    )
    .await
    {
        Ok(Some(credential)) => credential,
        Ok(None) => return refuse("the credential is not a valid provisioning credential"),
        Err(error) => {
            tracing::error!(error = %error, "failed to check a provisioning credential");
            return unavailable();
        }
    };
    let acting = Acting {
        actor: Actor {
            kind: ActorKind::System,
            id: Some(credential.id.to_string()),
            label: format!("product ({})", credential.label),
        },
        request_id: crate::http::request_id_of(&request),
    };
    request.extensions_mut().insert(acting);
    next.run(request).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    state: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

/// `GET /provisioning/v1/tasks?state=pending&offset=0&limit=50`: the tasks, oldest first, with
/// `X-Total-Count`.
#[utoipa::path(get, path = "/provisioning/v1/tasks", tag = "provisioning",
    params(
        ("state" = Option<String>, Query, description = "pending, completed or failed; all when absent"),
        ("offset" = Option<i64>, Query, description = "How many to skip (0 by default)"),
        ("limit" = Option<i64>, Query, description = "How many at most (1 to 100, 50 by default)"),
    ),
    responses(
        (status = 200, description = "A page of provisioning tasks; X-Total-Count gives how many in all", body = [ProvisioningTask]),
        (status = 400, description = "A query parameter is not valid", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 401, description = "Missing or invalid provisioning credential", body = fleetdesk_core::orange::wire::ErrorBody),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return OrangeError(ApiError::invalid(
            "the query",
            "may only hold state, offset and limit, offset and limit as numbers",
        ))
        .into_response();
    };
    let wanted = match query.state.as_deref() {
        None => None,
        Some("pending") => Some(TaskState::Pending),
        Some("completed") => Some(TaskState::Completed),
        Some("failed") => Some(TaskState::Failed),
        Some(_) => {
            return OrangeError(ApiError::invalid(
                "state",
                "must be pending, completed or failed",
            ))
            .into_response();
        }
    };
    let offset = query.offset.unwrap_or(0);
    let limit = query.limit.unwrap_or(50);
    if offset < 0 || !(1..=tasks::PAGE_MAX).contains(&limit) {
        return OrangeError(ApiError::invalid(
            "offset and limit",
            "must be offset >= 0 and limit 1 to 100",
        ))
        .into_response();
    }
    match tasks::list(&state.db, wanted, offset, limit).await {
        Ok((page, total)) => {
            let mut response = axum::Json(page).into_response();
            if let Ok(value) = HeaderValue::from_str(&total.to_string()) {
                response.headers_mut().insert("x-total-count", value);
            }
            response
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to list provisioning tasks");
            unavailable()
        }
    }
}

/// `GET /provisioning/v1/tasks/{id}`: one task.
#[utoipa::path(get, path = "/provisioning/v1/tasks/{id}", tag = "provisioning",
    params(("id" = String, Path, description = "The taskId the webhook carried (prv_...)")),
    responses(
        (status = 200, description = "The provisioning task", body = ProvisioningTask),
        (status = 401, description = "Missing or invalid provisioning credential", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 404, description = "No such task", body = fleetdesk_core::orange::wire::ErrorBody),
    ))]
pub(crate) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match tasks::get(&state.db, &id).await {
        Ok(Some(task)) => axum::Json(task).into_response(),
        Ok(None) => not_found(&id),
        Err(error) => {
            tracing::error!(error = %error, "failed to read a provisioning task");
            unavailable()
        }
    }
}

fn not_found(id: &str) -> Response {
    OrangeError(ApiError::new(
        ErrorCode::UnknownTask,
        format!("no provisioning task {id}"),
    ))
    .into_response()
}

/// Answers a callback's outcome.
fn answered(
    state: &AppState,
    id: &str,
    outcome: Result<ProvisioningTask, CallbackError>,
) -> Response {
    match outcome {
        Ok(task) => {
            // The order or task may have finished: its event to Orange is waiting.
            state.delivery.notify_one();
            axum::Json(task).into_response()
        }
        Err(CallbackError::NotFound) => not_found(id),
        Err(CallbackError::Conflict(message)) => {
            OrangeError(ApiError::new(ErrorCode::InvalidStateTransition, message)).into_response()
        }
        Err(CallbackError::Invalid(message)) => {
            OrangeError(ApiError::new(ErrorCode::InvalidValue, message)).into_response()
        }
        Err(CallbackError::Db(error)) => {
            tracing::error!(error = %error, "failed to record a provisioning callback");
            unavailable()
        }
    }
}

/// `POST /provisioning/v1/tasks/{id}/complete`, with an optional body of the login and realizing
/// resource values the product made for the licence.
#[utoipa::path(post, path = "/provisioning/v1/tasks/{id}/complete", tag = "provisioning",
    params(("id" = String, Path, description = "The taskId the webhook carried (prv_...)")),
    request_body(content = Option<Completion>, description = "Optional: the login and the realizing resource values (in the order of the licence's resources) the product made"),
    responses(
        (status = 200, description = "The task is completed (again: the same outcome twice is harmless)", body = ProvisioningTask),
        (status = 400, description = "The body is not valid", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 401, description = "Missing or invalid provisioning credential", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 404, description = "No such task", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 409, description = "Already failed, completed with other values, or decided by an operator", body = fleetdesk_core::orange::wire::ErrorBody),
    ))]
pub(crate) async fn complete(
    State(state): State<AppState>,
    axum::Extension(acting): axum::Extension<Acting>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let completion = if body.iter().all(u8::is_ascii_whitespace) {
        Completion::default()
    } else {
        match crate::orange::read_json::<Completion>(&headers, &body) {
            Ok(completion) => completion,
            Err(error) => return OrangeError(error).into_response(),
        }
    };
    let outcome = tasks::callback(&state.db, &acting, &id, Resolution::Completed(completion)).await;
    answered(&state, &id, outcome)
}

/// What the product says when it could not do the operation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FailBody {
    /// One of the contract's codes: INVALID_VALUE, UNKNOWN_OFFER, PRODUCT_REF_MISMATCH,
    /// SERVICE_UNAVAILABLE, INTERNAL_ERROR.
    code: String,
    /// Why, for Orange and the operators.
    message: String,
}

/// `POST /provisioning/v1/tasks/{id}/fail` with `{"code", "message"}`.
#[utoipa::path(post, path = "/provisioning/v1/tasks/{id}/fail", tag = "provisioning",
    params(("id" = String, Path, description = "The taskId the webhook carried (prv_...)")),
    request_body = FailBody,
    responses(
        (status = 200, description = "The task failed (again: the same outcome twice is harmless)", body = ProvisioningTask),
        (status = 400, description = "The body is not valid", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 401, description = "Missing or invalid provisioning credential", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 404, description = "No such task", body = fleetdesk_core::orange::wire::ErrorBody),
        (status = 409, description = "Already completed, failed otherwise, or decided by an operator", body = fleetdesk_core::orange::wire::ErrorBody),
    ))]
pub(crate) async fn fail(
    State(state): State<AppState>,
    axum::Extension(acting): axum::Extension<Acting>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let said = match crate::orange::read_json::<FailBody>(&headers, &body) {
        Ok(said) => said,
        Err(error) => return OrangeError(error).into_response(),
    };
    let Some(code) = ErrorCode::parse(&said.code) else {
        return OrangeError(ApiError::invalid(
            "code",
            "is not one of the contract's codes",
        ))
        .into_response();
    };
    let outcome = tasks::callback(
        &state.db,
        &acting,
        &id,
        Resolution::Failed {
            code,
            message: said.message,
        },
    )
    .await;
    answered(&state, &id, outcome)
}
