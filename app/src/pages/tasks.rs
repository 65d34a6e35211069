//! `/tasks`: Orange's userServiceTasks (bulk operations, and single changes answered later),
//! newest first, for everyone signed in: tabs by state and an "Older" link paging by keyset.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::ErrorPanel;
use super::order::{StateBadge, or_dash};
use super::orders::{ListQuery, ListSwitch, StateTabs, pager};
use crate::api::fetch_tasks;
use crate::i18n::{When, use_lang};
use crate::model::TasksPage;

#[component]
pub fn TasksPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| ListQuery::of(&query_map.get()));
    let data = Resource::new(
        move || query.get(),
        |q| fetch_tasks(q.state, q.before_at, q.before_id),
    );
    view! {
        <Title text=lang.t(Text::Tasks)/>
        <h1>{lang.t(Text::Tasks)}</h1>
        <ListSwitch orders=false/>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <TasksBody page query/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TasksBody(page: TasksPage, query: ListQuery) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let empty = page.rows.is_empty();
    view! {
        <StateTabs base="/tasks" active=query.state.clone()/>
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        <section class="panel">
            {if empty {
                view! { <p class="muted">{t(Text::NoTaskHere)}</p> }.into_any()
            } else {
                view! {
                    <table class="table tasks">
                        <thead><tr>
                            <th scope="col">{t(Text::Received)}</th>
                            <th scope="col">{t(Text::Task)}</th>
                            <th scope="col">{t(Text::Action)}</th>
                            <th scope="col">{t(Text::State)}</th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| view! {
                                <tr data-testid=format!("task-{}", row.id)>
                                    <td class="nowrap"><When at=row.created_at.clone()/></td>
                                    <td>
                                        <a class="mono" href=format!("/tasks/{}", row.id)>{row.id.to_string()}</a>
                                        <span class="cell-sub">{t(Text::Ref)} " " <span class="mono">{or_dash(row.external_reference.clone())}</span></span>
                                    </td>
                                    <td><code>{row.action.clone()}</code>{row.target.clone().map(|target| view! { " → " <code>{target}</code> })}</td>
                                    <td><StateBadge state=row.state/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {pager("/tasks", query.clone(), page.older, lang)}
        </section>
    }
}
