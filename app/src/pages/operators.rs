//! `/operators` (administrators): the team, adding an operator, disabling and enabling one,
//! changing a role and resetting a password (both confirmed). The forms post to plain handlers
//! under `/console/operators`, which redirect back here.

use fleetdesk_vocab::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_operators;
use crate::i18n::{Lang, When, use_lang};
use crate::model::OperatorView;

/// A role's name in the reader's language.
fn role_text(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Admin => lang.t("admin", "administrateur"),
        Role::Operator => lang.t("operator", "opérateur"),
        Role::Support => lang.t("support", "support"),
    }
}

#[component]
pub fn OperatorsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_operators());
    view! {
        <Title text=lang.t("Operators", "Opérateurs")/>
        <h1>{lang.t("Operators", "Opérateurs")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    // Type-erased pieces keep the page's view type shallow enough for the compiler.
                    Ok(operators) => view! {
                        {view! { <OperatorTable operators/> }.into_any()}
                        {view! { <AddOperatorForm/> }.into_any()}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OperatorTable(operators: Vec<OperatorView>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <table class="table operators">
                <thead>
                    <tr>
                        <th scope="col">{lang.t("Username", "Identifiant")}</th>
                        <th scope="col">{lang.t("Name", "Nom")}</th>
                        <th scope="col">{lang.t("Role", "Rôle")}</th>
                        <th scope="col">{lang.t("State", "État")}</th>
                        <th scope="col">{lang.t("Last sign-in", "Dernière connexion")}</th>
                        <th scope="col"><span class="visually-hidden">{lang.t("Actions", "Actions")}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {operators.into_iter().map(|operator| view! { <OperatorRow operator/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn OperatorRow(operator: OperatorView) -> impl IntoView {
    let lang = use_lang();
    let (action, label, class) = if operator.active {
        (
            "disable",
            lang.t("Disable", "Désactiver"),
            "button danger small",
        )
    } else {
        (
            "enable",
            lang.t("Enable", "Réactiver"),
            "button secondary small",
        )
    };
    let target = format!("/console/operators/{}/{action}", operator.id);
    let aria = format!("{label} {}", operator.login);
    let last_login = operator.last_login_at.clone().map_or_else(
        || lang.t("never", "jamais").into_any(),
        |at| view! { <When at/> }.into_any(),
    );
    let test_id = format!("operator-{}", operator.login);
    view! {
        <tr data-testid=test_id>
            <td class="mono">{operator.login.clone()}</td>
            <td>{operator.display_name.clone()}</td>
            <td><span class=format!("badge role-{}", operator.role)>{role_text(operator.role, lang)}</span></td>
            <td>{if operator.active { lang.t("active", "actif") } else { lang.t("disabled", "désactivé") }}</td>
            <td class="nowrap">{last_login}</td>
            <td class="actions">
                <form method="post" action=target>
                    <button type="submit" class=class aria-label=aria>{label}</button>
                </form>
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
            <summary>{lang.t("Role, password…", "Rôle, mot de passe…")}</summary>
            <form method="post" action=format!("/console/operators/{id}/role") class="action-form" data-testid=format!("role-form-{login}")>
                <label for=format!("role-{id}")>{lang.t("New role", "Nouveau rôle")}</label>
                <select id=format!("role-{id}") name="role">
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! { <option value=role.as_str() selected=current_role == role>{role_text(role, lang)}</option> })
                        .collect_view()}
                </select>
                <label class="confirm-label">
                    <input type="checkbox" name="confirm" value="yes" required/>
                    " "
                    {lang.t("I understand: the new role applies at once.", "Je comprends : le nouveau rôle s’applique immédiatement.")}
                </label>
                <button type="submit" class="button secondary small">{lang.t("Change role", "Changer le rôle")}</button>
            </form>
            <form method="post" action=format!("/console/operators/{id}/password") class="action-form" data-testid=format!("password-form-{login}")>
                <label for=format!("password-{id}")>{lang.t("New password", "Nouveau mot de passe")}</label>
                <input id=format!("password-{id}") name="password" type="password" autocomplete="new-password" required minlength="12"/>
                <p class="hint">{lang.t("At least 12 characters. Tell the operator through a safe channel.", "Au moins 12 caractères. Transmettez-le à l’opérateur par un canal sûr.")}</p>
                <label class="confirm-label">
                    <input type="checkbox" name="confirm" value="yes" required/>
                    " "
                    {lang.t("I understand: the operator is signed out everywhere.", "Je comprends : l’opérateur est déconnecté partout.")}
                </label>
                <button type="submit" class="button danger small">{lang.t("Reset password", "Réinitialiser le mot de passe")}</button>
            </form>
        </details>
    }
}

#[component]
fn AddOperatorForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t("Add operator", "Ajouter un opérateur")}</h2>
            <form method="post" action="/console/operators" class="grid-form">
                <div class="field">
                    <label for="new-login">{lang.t("Username", "Identifiant")}</label>
                    <input id="new-login" name="login" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required maxlength="64" pattern="[A-Za-z0-9._@\\-]+"/>
                </div>
                <div class="field">
                    <label for="new-name">{lang.t("Display name", "Nom affiché")}</label>
                    <input id="new-name" name="display_name" type="text" required maxlength="100"/>
                </div>
                <div class="field">
                    <label for="new-role">{lang.t("Role", "Rôle")}</label>
                    <select id="new-role" name="role">
                        {Role::ALL
                            .into_iter()
                            .map(|role| view! { <option value=role.as_str()>{role_text(role, lang)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-password">{lang.t("Password", "Mot de passe")}</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="12"/>
                    <p class="hint">{lang.t("At least 12 characters.", "Au moins 12 caractères.")}</p>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t("Add operator", "Ajouter un opérateur")}</button>
                </div>
            </form>
        </section>
    }
}
