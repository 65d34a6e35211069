//! `/operators` (administrators): the team, adding an operator, disabling and enabling one,
//! changing a role and resetting a password (both confirmed). The forms post to plain handlers
//! under `/console/operators`, which redirect back here.

use fleetdesk_vocab::Role;
use fleetdesk_vocab::{Label, Text};
use leptos::prelude::*;

use super::parts::{ConfirmTick, Page, PostButton, Table};
use crate::api::fetch_operators;
use crate::i18n::{When, use_lang};
use crate::model::OperatorView;
use crate::posts;

#[component]
pub fn OperatorsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_operators());
    // Type-erased pieces keep the page's view type shallow enough for the compiler.
    let body = |operators: Vec<OperatorView>| {
        view! {
            {view! { <OperatorTable operators/> }.into_any()}
            {view! { <AddOperatorForm/> }.into_any()}
        }
    };
    view! { <Page title=Text::Operators data body/> }
}

#[component]
fn OperatorTable(operators: Vec<OperatorView>) -> impl IntoView {
    view! {
        <section class="panel">
            <Table class="table operators" columns=vec![Text::Username, Text::Name, Text::Role, Text::State, Text::LastSignIn] actions=true>
                {operators.into_iter().map(|operator| view! { <OperatorRow operator/> }).collect_view()}
            </Table>
        </section>
    }
}

#[component]
fn OperatorRow(operator: OperatorView) -> impl IntoView {
    let lang = use_lang();
    let (action, label, class) = if operator.active {
        (
            posts::DISABLE_OPERATOR,
            lang.t(Text::Disable),
            "button danger small",
        )
    } else {
        (
            posts::ENABLE_OPERATOR,
            lang.t(Text::Enable),
            "button secondary small",
        )
    };
    let target = action.to([&operator.id]);
    let aria = format!("{label} {}", operator.login);
    let last_login = operator.last_login_at.clone().map_or_else(
        || lang.t(Text::Never).into_any(),
        |at| view! { <When at/> }.into_any(),
    );
    let test_id = format!("operator-{}", operator.login);
    view! {
        <tr data-testid=test_id>
            <td class="mono">{operator.login.clone()}</td>
            <td>{operator.display_name.clone()}</td>
            <td><span class=format!("badge role-{}", operator.role)>{operator.role.label(lang)}</span></td>
            <td>{if operator.active { lang.t(Text::ActiveM) } else { lang.t(Text::Disabled) }}</td>
            <td class="nowrap">{last_login}</td>
            <td class="actions">
                <PostButton action=target class aria_label=aria label/>
                {view! { <OperatorMore operator/> }.into_any()}
            </td>
        </tr>
    }
}

/// Change of role and password reset, folded away until asked for; each needs its box ticked.
#[component]
fn OperatorMore(operator: OperatorView) -> impl IntoView {
    let lang = use_lang();
    let id = operator.id.clone();
    let login = operator.login.clone();
    let current_role = operator.role;
    view! {
        <details class="operator-more">
            <summary>{lang.t(Text::RolePassword)}</summary>
            <form method="post" action=posts::CHANGE_ROLE.to([&id]) class="action-form" data-testid=format!("role-form-{login}")>
                <label for=format!("role-{id}")>{lang.t(Text::NewRole)}</label>
                <select id=format!("role-{id}") name="role">
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! { <option value=role.as_str() selected=current_role == role>{role.label(lang)}</option> })
                        .collect_view()}
                </select>
                <ConfirmTick text=Text::IUnderstandTheNewRoleApplies/>
                <button type="submit" class="button secondary small">{lang.t(Text::ChangeRole)}</button>
            </form>
            <form method="post" action=posts::RESET_PASSWORD.to([&id]) class="action-form" data-testid=format!("password-form-{login}")>
                <label for=format!("password-{id}")>{lang.t(Text::NewPassword)}</label>
                <input id=format!("password-{id}") name="password" type="password" autocomplete="new-password" required minlength="12"/>
                <p class="hint">{lang.t(Text::AtLeast12CharactersTellThe)}</p>
                <ConfirmTick text=Text::IUnderstandTheOperatorIsSigned/>
                <button type="submit" class="button danger small">{lang.t(Text::ResetPassword)}</button>
            </form>
        </details>
    }
}

#[component]
fn AddOperatorForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t(Text::AddOperator)}</h2>
            <form method="post" action=posts::CREATE_OPERATOR.path() class="grid-form">
                <div class="field">
                    <label for="new-login">{lang.t(Text::Username)}</label>
                    <input id="new-login" name="login" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required maxlength="64" pattern="[A-Za-z0-9._@\\-]+"/>
                </div>
                <div class="field">
                    <label for="new-name">{lang.t(Text::DisplayName)}</label>
                    <input id="new-name" name="display_name" type="text" required maxlength="100"/>
                </div>
                <div class="field">
                    <label for="new-role">{lang.t(Text::Role)}</label>
                    <select id="new-role" name="role">
                        {Role::ALL
                            .into_iter()
                            .map(|role| view! { <option value=role.as_str()>{role.label(lang)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-password">{lang.t(Text::Password)}</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="12"/>
                    <p class="hint">{lang.t(Text::AtLeast12Characters)}</p>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t(Text::AddOperator)}</button>
                </div>
            </form>
        </section>
    }
}
