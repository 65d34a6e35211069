//! Console form handlers for operator management (admin only): add, disable, enable.
//! Each answers with a redirect back to the operators page and a flash message (post/redirect/get),
//! so they work the same with and without JavaScript.

use axum::Form;
use axum::extract::{Extension, FromRequest, Path, Request, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use fleetdesk_app::model::FlashKind;
use fleetdesk_core::audit::Entry;
use fleetdesk_core::operators::{self, CurrentOperator, NewOperator, OperatorError, Role};
use fleetdesk_core::password::Secret;

use super::auth::write_audit;
use super::forms::{NOT_SAVED, UNREADABLE, actor, sentence};
use super::request_id_of;
use crate::state::AppState;

const PAGE: &str = "/operators";

/// The refusal for a non-administrator, or `None` for an administrator.
fn refuse_non_admin(current: &CurrentOperator) -> Option<Response> {
    super::forms::refuse_non_admin(current, "Only administrators manage operators.")
}

/// Back to the operators page, with a message for it.
async fn back(session: &Session, kind: FlashKind, text: impl Into<String>) -> Response {
    super::forms::back(session, PAGE, kind, text).await
}

#[derive(Debug, Deserialize)]
pub struct NewOperatorForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// `POST /console/operators`.
pub async fn create(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_non_admin(&current) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let Ok(Form(form)) = Form::<NewOperatorForm>::from_request(request, &state).await else {
        return back(&session, FlashKind::Error, UNREADABLE).await;
    };
    let Some(role) = Role::parse(&form.role) else {
        return back(
            &session,
            FlashKind::Error,
            "Choose a role: admin, operator or support.",
        )
        .await;
    };
    let new = NewOperator {
        login: form.login,
        display_name: form.display_name,
        role,
        password: Secret::new(form.password),
    };
    match operators::create(&state.db, new).await {
        Ok(created) => {
            let entry = Entry::new(
                actor(&current),
                "operator.create",
                "operator",
                Some(&created.id),
            )
            .after(&created)
            .request_id(request_id);
            write_audit(&state, &entry).await;
            back(
                &session,
                FlashKind::Success,
                format!("Operator {} created.", created.login),
            )
            .await
        }
        Err(OperatorError::Db(error)) => {
            tracing::error!(error = %error, "failed to create an operator");
            back(&session, FlashKind::Error, NOT_SAVED).await
        }
        Err(error) => back(&session, FlashKind::Error, sentence(&error.to_string())).await,
    }
}

/// `POST /console/operators/{id}/disable`.
pub async fn disable(
    state: State<AppState>,
    current: Extension<CurrentOperator>,
    session: Session,
    id: Path<String>,
    request: Request,
) -> Response {
    set_disabled(state, current, session, id, request, true).await
}

/// `POST /console/operators/{id}/enable`.
pub async fn enable(
    state: State<AppState>,
    current: Extension<CurrentOperator>,
    session: Session,
    id: Path<String>,
    request: Request,
) -> Response {
    set_disabled(state, current, session, id, request, false).await
}

async fn set_disabled(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
    disabled: bool,
) -> Response {
    if let Some(refused) = refuse_non_admin(&current) {
        return refused;
    }
    if disabled && id == current.0.id {
        return back(
            &session,
            FlashKind::Error,
            "You cannot disable your own account.",
        )
        .await;
    }
    let before = match operators::find_by_id(&state.db, &id).await {
        Ok(Some(before)) => before,
        Ok(None) => return back(&session, FlashKind::Error, "No such operator.").await,
        Err(error) => {
            tracing::error!(error = %error, "failed to load an operator");
            return back(&session, FlashKind::Error, NOT_SAVED).await;
        }
    };
    match operators::set_disabled(&state.db, &id, disabled).await {
        Ok(after) => {
            let (action, verb) = if disabled {
                ("operator.disable", "disabled")
            } else {
                ("operator.enable", "enabled")
            };
            let entry = Entry::new(actor(&current), action, "operator", Some(&id))
                .before(&before)
                .after(&after)
                .request_id(request_id_of(&request));
            write_audit(&state, &entry).await;
            back(
                &session,
                FlashKind::Success,
                format!("Operator {} {verb}.", after.login),
            )
            .await
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to change an operator");
            back(&session, FlashKind::Error, NOT_SAVED).await
        }
    }
}
