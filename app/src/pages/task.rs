//! `/tasks/{id}`: one userServiceTask: what it asked, each item with its result or error (and
//! its licence), Orange's raw request and Fleetdesk's answer, the audit timeline and the events.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ErrorPanel;
use super::order::{RawExchange, RelatedEvents, StateBadge, Timeline, or_dash, when_or_dash};
use crate::api::fetch_task;
use crate::i18n::{When, use_lang};
use crate::model::{TaskDetailView, TaskItemView};

#[component]
pub fn TaskPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_task,
    );
    view! {
        <Title text=lang.t("Task", "Tâche")/>
        <p class="breadcrumb"><a href="/tasks">{lang.t("← Tasks", "← Tâches")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <TaskBody detail/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t("Task", "Tâche")}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TaskBody(detail: TaskDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let task = detail.task.clone();
    let origin = if task.origin == "single" {
        t(
            "a single licence change answered later",
            "une modification d’une licence, répondue plus tard",
        )
    } else {
        t("a bulk task", "une tâche groupée")
    };
    let shown = i64::try_from(detail.items.len()).unwrap_or(i64::MAX);
    let cut = (shown < detail.item_count).then(|| {
        view! { <p class="hint">{t("Only the first items are shown:", "Seules les premières lignes sont affichées :")} " " {shown} " / " {detail.item_count}</p> }
    });
    view! {
        <h1 class="mono-heading">{task.id.clone()}</h1>
        <p class="event-subtitle">
            <StateBadge state=task.state/>
            " " <code>{task.action.clone()}</code>
            {task.target.clone().map(|target| view! { " → " <code>{target}</code> })}
        </p>
        <section class="panel">
            <dl class="facts">
                <dt>{t("Orange reference", "Référence Orange")}</dt>
                <dd class="mono">{or_dash(task.external_reference.clone())}</dd>
                <dt>{t("Origin", "Origine")}</dt>
                <dd>{origin}</dd>
                <dt>{t("Answered", "Réponse")}</dt>
                <dd>{if task.mode == fleetdesk_vocab::Mode::Sync { t("at once (synchronous)", "immédiate (synchrone)") } else { t("later, by events (asynchronous)", "plus tard, par des événements (asynchrone)") }}</dd>
                <dt>{t("Received", "Reçue")}</dt>
                <dd><When at=task.created_at.clone()/></dd>
                <dt>{t("Completed", "Terminée")}</dt>
                <dd>{when_or_dash(task.completed_at.clone())}</dd>
                <dt>{t("Items", "Lignes")}</dt>
                <dd>{detail.item_count}</dd>
                <dt>{t("Request id", "Identifiant de requête")}</dt>
                <dd class="mono">{or_dash(detail.request_id.clone())}</dd>
            </dl>
        </section>
        <section class="panel" data-testid="task-items">
            <h2>{t("Items", "Lignes")}</h2>
            {cut}
            <table class="table">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{t("Licence", "Licence")}</th>
                    <th scope="col">{t("Result", "Résultat")}</th>
                    <th scope="col">{t("Done", "Traitée")}</th>
                </tr></thead>
                <tbody>
                    {detail.items.clone().into_iter().map(|item| view! { <TaskItemLine item/> }).collect_view()}
                </tbody>
            </table>
        </section>
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
            view! { <a class="mono" href=format!("/licences/{id}")>{id.clone()}</a> }.into_any()
        }
        None => view! {
            <span class="mono">{item.user_service_id.clone()}</span>
            <span class="cell-sub muted">{lang.t("unknown licence", "licence inconnue")}</span>
        }
        .into_any(),
    };
    let result = match item.result.as_deref() {
        Some("done") => {
            view! { <span class="badge state-completed">{lang.t("done", "faite")}</span> }
                .into_any()
        }
        Some(_) => view! {
            <span class="badge state-failed">{lang.t("failed", "échouée")}</span>
            <span class="cell-sub error-text">{or_dash(item.error.clone())}</span>
        }
        .into_any(),
        None => {
            view! { <span class="badge state-inProgress">{lang.t("waiting", "en attente")}</span> }
                .into_any()
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
