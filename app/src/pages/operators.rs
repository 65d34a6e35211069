//! `/operators` (administrators): the team, adding an operator, disabling and enabling one.
//! The forms post to plain handlers under `/console/operators`, which redirect back here.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{ErrorPanel, short_time};
use crate::api::fetch_operators;
use crate::model::OperatorView;

#[component]
pub fn OperatorsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_operators());
    view! {
        <Title text="Operators"/>
        <h1>"Operators"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(operators) => view! {
                        <OperatorTable operators/>
                        <AddOperatorForm/>
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
    view! {
        <section class="panel">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Username"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
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
    let (action, label, class) = if operator.active {
        ("disable", "Disable", "button danger small")
    } else {
        ("enable", "Enable", "button secondary small")
    };
    let target = format!("/console/operators/{}/{action}", operator.id);
    let aria = format!("{label} {}", operator.login);
    view! {
        <tr>
            <td class="mono">{operator.login.clone()}</td>
            <td>{operator.display_name}</td>
            <td><span class=format!("badge role-{}", operator.role)>{operator.role.clone()}</span></td>
            <td>{if operator.active { "active" } else { "disabled" }}</td>
            <td class="nowrap">{operator.last_login_at.as_deref().map_or_else(|| "never".to_owned(), short_time)}</td>
            <td class="actions">
                <form method="post" action=target>
                    <button type="submit" class=class aria-label=aria>{label}</button>
                </form>
            </td>
        </tr>
    }
}

#[component]
fn AddOperatorForm() -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Add operator"</h2>
            <form method="post" action="/console/operators" class="grid-form">
                <div class="field">
                    <label for="new-login">"Username"</label>
                    <input id="new-login" name="login" type="text" autocomplete="off" autocapitalize="none" spellcheck="false" required maxlength="64" pattern="[A-Za-z0-9._@\\-]+"/>
                </div>
                <div class="field">
                    <label for="new-name">"Display name"</label>
                    <input id="new-name" name="display_name" type="text" required maxlength="100"/>
                </div>
                <div class="field">
                    <label for="new-role">"Role"</label>
                    <select id="new-role" name="role">
                        <option value="operator">"operator"</option>
                        <option value="support">"support"</option>
                        <option value="admin">"admin"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="new-password">"Password"</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="12"/>
                    <p class="hint">"At least 12 characters."</p>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">"Add operator"</button>
                </div>
            </form>
        </section>
    }
}
