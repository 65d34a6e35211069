//! Console form handlers for operator management (admin only): add, disable, enable, change the
//! role and reset the password. Each is audited and answers with a redirect back to the operators
//! page and a flash message (post/redirect/get), so they work the same with and without JavaScript.
//! The last active administrator can be neither demoted nor disabled (the core checks it).

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::Response;
use fleetdesk_vocab::say;
use fleetdesk_vocab::{Label, Text};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::Administer;
use fleetdesk_core::operators::{self, NewOperator, Operator, OperatorError, Role};
use fleetdesk_core::password::{PasswordError, Secret};

use super::forms::{Console, not_saved, unreadable};
use crate::state::AppState;

const PAGE: &str = "/operators";

/// An operator error in words for the administrator; storage failures are logged, not shown.
fn error_text(error: &OperatorError, lang: Lang) -> &'static str {
    match error {
        OperatorError::InvalidLogin => lang.t(Text::TheUsernameMustBe1To),
        OperatorError::InvalidDisplayName => lang.t(Text::DisplayNameLength),
        OperatorError::Password(PasswordError::TooShort) => {
            lang.t(Text::ThePasswordMustHaveAtLeast)
        }
        OperatorError::Password(PasswordError::TooLong) => lang.t(Text::ThePasswordMustHaveAtMost),
        OperatorError::LoginTaken => lang.t(Text::AnOperatorWithThisUsernameAlready),
        OperatorError::NotFound => lang.t(Text::NoSuchOperator),
        OperatorError::LastAdmin => lang.t(Text::ThisIsTheLastActiveAdministrator),
        OperatorError::Password(PasswordError::Hashing) | OperatorError::Db(_) => {
            tracing::error!(error = %error, "failed to change an operator");
            not_saved(lang)
        }
    }
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
    console: Console<Administer>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Ok(Form(form)) = Form::<NewOperatorForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let Some(role) = Role::parse(&form.role) else {
        return console
            .back(
                PAGE,
                FlashKind::Error,
                lang.t(Text::ChooseARoleAdminOperatorOr),
            )
            .await;
    };
    let new = NewOperator {
        login: form.login,
        display_name: form.display_name,
        role,
        password: Secret::new(form.password),
    };
    match operators::create(&state.db, &console.acting(), new).await {
        Ok(created) => {
            let text = say::operator_created(lang, &created.login);
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(PAGE, FlashKind::Error, error_text(&error, lang))
                .await
        }
    }
}

/// `POST /console/operators/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
) -> Response {
    set_disabled(state, console, id, true).await
}

/// `POST /console/operators/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
) -> Response {
    set_disabled(state, console, id, false).await
}

/// The operator before a change, or why it could not be read.
async fn load(state: &AppState, id: &str) -> Result<Operator, OperatorError> {
    match operators::find_by_id(&state.db, id).await {
        Ok(Some(before)) => Ok(before),
        Ok(None) => Err(OperatorError::NotFound),
        Err(error) => Err(OperatorError::Db(error)),
    }
}

async fn set_disabled(
    state: AppState,
    console: Console<Administer>,
    id: String,
    disabled: bool,
) -> Response {
    let lang = console.lang;
    if disabled && id == console.operator.id {
        return console
            .back(
                PAGE,
                FlashKind::Error,
                lang.t(Text::YouCannotDisableYourOwnAccount),
            )
            .await;
    }
    match operators::set_disabled(&state.db, &console.acting(), &id, disabled).await {
        Ok(after) => {
            let text = if disabled {
                say::operator_disabled(lang, &after.login)
            } else {
                say::operator_enabled(lang, &after.login)
            };
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(PAGE, FlashKind::Error, error_text(&error, lang))
                .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /console/operators/{id}/role`: gives an operator another role, once confirmed.
pub async fn change_role(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Ok(Form(form)) = Form::<RoleForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let Some(role) = Role::parse(&form.role) else {
        return console
            .back(
                PAGE,
                FlashKind::Error,
                lang.t(Text::ChooseARoleAdminOperatorOr),
            )
            .await;
    };
    if form.confirm != "yes" {
        return console
            .back(
                PAGE,
                FlashKind::Error,
                lang.t(Text::TickIUnderstandToChangeThe),
            )
            .await;
    }
    let before = match load(&state, &id).await {
        Ok(before) => before,
        Err(error) => {
            return console
                .back(PAGE, FlashKind::Error, error_text(&error, lang))
                .await;
        }
    };
    if before.role == role {
        let text = say::operator_already_role(lang, &before.login, role.label(lang));
        return console.back(PAGE, FlashKind::Success, text).await;
    }
    match operators::set_role(&state.db, &console.acting(), &id, role).await {
        Ok(after) => {
            let text = say::operator_now_role(lang, &after.login, role.label(lang));
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            console
                .back(PAGE, FlashKind::Error, error_text(&error, lang))
                .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /console/operators/{id}/password`: sets a new password chosen by the administrator, once
/// confirmed, and ends the operator's sessions (all but the asking one, for one's own account).
pub async fn reset_password(
    State(state): State<AppState>,
    console: Console<Administer>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Ok(Form(form)) = Form::<PasswordForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let password = Secret::new(form.password);
    if form.confirm != "yes" {
        return console
            .back(
                PAGE,
                FlashKind::Error,
                lang.t(Text::TickIUnderstandToResetThe),
            )
            .await;
    }
    // Administrators resetting their own password keep the session they are using.
    let keep = console.session.id().map(|own| own.to_string());
    let keep = keep.as_deref().filter(|_| id == console.operator.id);
    let acting = console.acting();
    let reset = operators::reset_password(&state.db, &acting, &id, &password, keep);
    let after = match reset.await {
        Ok((after, _ended)) => after,
        Err(error) => {
            return console
                .back(PAGE, FlashKind::Error, error_text(&error, lang))
                .await;
        }
    };
    let text = say::operator_password_reset(lang, &after.login);
    console.back(PAGE, FlashKind::Success, text).await
}
