//! `/tasks`: Orange's userServiceTasks (bulk operations, and single changes answered later),
//! newest first, for everyone signed in: tabs by state and an "Older" link paging by keyset.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::order::{StateBadge, or_dash};
use super::orders::{StateQuery, WorkList, WorkListPage};
use super::parts::rows;
use crate::api::fetch_tasks;
use crate::i18n::{When, use_lang};
use crate::model::TasksPage;

#[component]
pub fn TasksPage() -> impl IntoView {
    view! { <WorkListPage orders=false fetch=fetch_tasks body=|page, query| view! { <TasksBody page query/> }/> }
}

#[component]
fn TasksBody(page: TasksPage, query: StateQuery) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let lines = rows(page.rows, |row| {
        view! {
            <tr data-testid=format!("task-{}", row.id)>
                <td class="nowrap"><When at=row.created_at.clone()/></td>
                <td>
                    <a class="mono" href=format!("/tasks/{}", row.id)>{row.id.to_string()}</a>
                    <span class="cell-sub">{t(Text::Ref)} " " <span class="mono">{or_dash(row.external_reference.clone())}</span></span>
                </td>
                <td><code>{row.action.clone()}</code>{row.target.clone().map(|target| view! { " → " <code>{target}</code> })}</td>
                <td><StateBadge state=row.state/></td>
            </tr>
        }
    });
    view! {
        <WorkList
            base="/tasks"
            query
            filter_error=page.filter_error
            empty=Text::NoTaskHere
            class="table tasks"
            columns=vec![Text::Received, Text::Task, Text::Action, Text::State]
            rows=lines
            older=page.older
        />
    }
}
