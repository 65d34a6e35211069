//! Operator management (admin only): add, disable, enable, change the role and reset the
//! password. Each core command audits its change in its own transaction. The last active
//! administrator can be neither demoted nor disabled (the core checks it).

use fleetdesk_vocab::OperatorId;
use fleetdesk_vocab::say;
use fleetdesk_vocab::{Label, Text};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::Administer;
use fleetdesk_core::operators::{self, NewOperator, OperatorError, Role};
use fleetdesk_core::password::{PasswordError, Secret};

use super::action::{Cx, Fields, NoFields, Note, Reply, Ticked};
use super::forms::not_saved;

/// An operator error in words for the administrator; storage failures are logged, not shown.
fn refusal(error: OperatorError, lang: Lang) -> Note {
    let text = match &error {
        OperatorError::InvalidLogin => lang.t(Text::TheUsernameMustBe1To),
        OperatorError::InvalidDisplayName => lang.t(Text::DisplayNameLength),
        OperatorError::Password(PasswordError::TooShort) => {
            lang.t(Text::ThePasswordMustHaveAtLeast)
        }
        OperatorError::Password(PasswordError::TooLong) => lang.t(Text::ThePasswordMustHaveAtMost),
        OperatorError::LoginTaken => lang.t(Text::AnOperatorWithThisUsernameAlready),
        OperatorError::NotFound => lang.t(Text::NoSuchOperator),
        OperatorError::LastAdmin => lang.t(Text::ThisIsTheLastActiveAdministrator),
        OperatorError::Unchanged { login, role } => {
            return say::operator_already_role(lang, login, role.label(lang)).into();
        }
        OperatorError::Password(PasswordError::Hashing) | OperatorError::Db(_) => {
            tracing::error!(error = %error, "failed to change an operator");
            not_saved(lang)
        }
    };
    text.into()
}

/// A role as the form names it.
fn role(text: &str, lang: Lang) -> Result<Role, Note> {
    Role::parse(text).ok_or_else(|| lang.t(Text::ChooseARoleAdminOperatorOr).into())
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

/// `POST /console/operators`: adds an operator.
pub async fn create(cx: Cx<Administer>, _: (), Fields(form): Fields<NewOperatorForm>) -> Reply {
    let new = NewOperator {
        login: form.login,
        display_name: form.display_name,
        role: role(&form.role, cx.lang)?,
        password: Secret::new(form.password),
    };
    let created = operators::create(&cx.state.db, &cx.acting, new)
        .await
        .map_err(|error| refusal(error, cx.lang))?;
    Ok(say::operator_created(cx.lang, &created.login).into())
}

/// `POST /console/operators/{id}/disable` (`DISABLED`): the operator can no longer sign in;
/// `POST /console/operators/{id}/enable`: they can sign in again. Nobody disables their own
/// account.
pub async fn set_disabled<const DISABLED: bool>(
    cx: Cx<Administer>,
    id: OperatorId,
    _: Fields<NoFields>,
) -> Reply {
    if DISABLED && id == cx.operator.id {
        return Err(cx.t(Text::YouCannotDisableYourOwnAccount).into());
    }
    let after = operators::set_disabled(&cx.state.db, &cx.acting, &id, DISABLED)
        .await
        .map_err(|error| refusal(error, cx.lang))?;
    Ok(if DISABLED {
        say::operator_disabled(cx.lang, &after.login)
    } else {
        say::operator_enabled(cx.lang, &after.login)
    }
    .into())
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    confirm: Ticked,
}

/// `POST /console/operators/{id}/role`: gives an operator another role, once confirmed.
pub async fn change_role(
    cx: Cx<Administer>,
    id: OperatorId,
    Fields(form): Fields<RoleForm>,
) -> Reply {
    let lang = cx.lang;
    let role = role(&form.role, lang)?;
    form.confirm.or(cx.t(Text::TickIUnderstandToChangeThe))?;
    match operators::set_role(&cx.state.db, &cx.acting, &id, role).await {
        Ok(after) => Ok(say::operator_now_role(lang, &after.login, role.label(lang)).into()),
        // Nothing to do is no failure: the operator has the role asked for.
        Err(error @ OperatorError::Unchanged { .. }) => Ok(refusal(error, lang)),
        Err(error) => Err(refusal(error, lang)),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: Ticked,
}

/// `POST /console/operators/{id}/password`: sets a new password chosen by the administrator, once
/// confirmed, and ends the operator's sessions (all but the asking one, for one's own account).
pub async fn reset_password(
    cx: Cx<Administer>,
    id: OperatorId,
    Fields(form): Fields<PasswordForm>,
) -> Reply {
    let password = Secret::new(form.password);
    form.confirm.or(cx.t(Text::TickIUnderstandToResetThe))?;
    // Administrators resetting their own password keep the session they are using.
    let keep = cx.session_id.as_deref().filter(|_| id == cx.operator.id);
    let (after, _ended) = operators::reset_password(&cx.state.db, &cx.acting, &id, &password, keep)
        .await
        .map_err(|error| refusal(error, cx.lang))?;
    Ok(say::operator_password_reset(cx.lang, &after.login).into())
}
