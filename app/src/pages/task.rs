//! `/tasks/{id}`: one userServiceTask: what it asked, each item with its result or error (and
//! its licence), what the partner's product was asked to do for it, Orange's raw request and
//! Fleetdesk's answer, the audit timeline and the events.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::order::{
    ProvisioningTasks, RawExchange, RelatedEvents, StateBadge, Timeline, or_dash, when_or_dash,
};
use super::parts::{DetailPage, Table};
use crate::api::fetch_task;
use crate::i18n::{When, use_lang};
use crate::model::{TaskDetailView, TaskItemView};

#[component]
pub fn TaskPage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::Task
            back=("/tasks", Text::BackToTasks)
            fetch=fetch_task
            body=|detail| view! { <TaskBody detail/> }
        />
    }
}

#[component]
fn TaskBody(detail: TaskDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let task = detail.task.clone();
    let origin = if task.origin == "single" {
        t(Text::ASingleLicenceChangeAnsweredLater)
    } else {
        t(Text::ABulkTask)
    };
    let shown = i64::try_from(detail.items.len()).unwrap_or(i64::MAX);
    let cut = (shown < detail.item_count).then(|| {
        view! { <p class="hint">{t(Text::OnlyTheFirstItemsAreShown)} " " {shown} " / " {detail.item_count}</p> }
    });
    view! {
        <h1 class="mono-heading">{task.id.to_string()}</h1>
        <p class="event-subtitle">
            <StateBadge state=task.state/>
            " " <code>{task.action.clone()}</code>
            {task.target.clone().map(|target| view! { " → " <code>{target}</code> })}
        </p>
        <section class="panel">
            <dl class="facts">
                <dt>{t(Text::OrangeReference)}</dt>
                <dd class="mono">{or_dash(task.external_reference.clone())}</dd>
                <dt>{t(Text::Origin)}</dt>
                <dd>{origin}</dd>
                <dt>{t(Text::Answered)}</dt>
                <dd>{if task.mode == fleetdesk_vocab::Mode::Sync { t(Text::AtOnceSynchronous) } else { t(Text::LaterByEventsAsynchronous) }}</dd>
                <dt>{t(Text::Received)}</dt>
                <dd><When at=task.created_at.clone()/></dd>
                <dt>{t(Text::Completed)}</dt>
                <dd>{when_or_dash(task.completed_at.clone())}</dd>
                <dt>{t(Text::Items)}</dt>
                <dd>{detail.item_count}</dd>
                <dt>{t(Text::RequestId)}</dt>
                <dd class="mono">{or_dash(detail.request_id.clone())}</dd>
            </dl>
        </section>
        <section class="panel" data-testid="task-items">
            <h2>{t(Text::Items)}</h2>
            {cut}
            <Table numbered=true columns=vec![Text::Licence, Text::Result, Text::TaskDone]>
                {detail.items.clone().into_iter().map(|item| view! { <TaskItemLine item/> }).collect_view()}
            </Table>
        </section>
        {view! { <ProvisioningTasks tasks=detail.provisioning.clone()/> }.into_any()}
        {view! { <RawExchange raw=detail.raw.clone()/> }.into_any()}
        {view! { <RelatedEvents events=detail.events.clone()/> }.into_any()}
        {view! { <Timeline items=detail.timeline.clone()/> }.into_any()}
    }
}

#[component]
fn TaskItemLine(item: TaskItemView) -> impl IntoView {
    let lang = use_lang();
    let licence = match item.licence_id.clone() {
        Some(id) => {
            view! { <a class="mono" href=format!("/licences/{id}")>{id.to_string()}</a> }.into_any()
        }
        None => view! {
            <span class="mono">{item.user_service_id.to_string()}</span>
            <span class="cell-sub muted">{lang.t(Text::UnknownLicence)}</span>
        }
        .into_any(),
    };
    let result = match item.result.as_deref() {
        Some("done") => {
            view! { <span class="badge state-completed">{lang.t(Text::DoneLower)}</span> }
                .into_any()
        }
        Some(_) => view! {
            <span class="badge state-failed">{lang.t(Text::TaskFailed)}</span>
            <span class="cell-sub error-text">{or_dash(item.error.clone())}</span>
        }
        .into_any(),
        None => {
            view! { <span class="badge state-inProgress">{lang.t(Text::Waiting)}</span> }.into_any()
        }
    };
    view! {
        <tr>
            <td>{item.position + 1}</td>
            <td>{licence}</td>
            <td>{result}</td>
            <td class="nowrap">{when_or_dash(item.completed_at.clone())}</td>
        </tr>
    }
}
