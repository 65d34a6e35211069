//! `/`: the dashboard. Customers, fleets and licences by state, placeholders still to replace,
//! Orange's orders and tasks by state, stuck work, events waiting or failed and the last day's
//! delivery success rate, each number a link to the list behind it; then the team and what
//! happened lately.

use fleetdesk_vocab::{EventState, LicenceState, WorkState};
use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_overview;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{DashboardView, Overview};

/// Licences in a state, as the heading of their count.
pub fn licences_in(state: LicenceState, lang: Lang) -> &'static str {
    match state {
        LicenceState::Active => lang.t("Active", "Actives"),
        LicenceState::Suspended => lang.t("Suspended", "Suspendues"),
        LicenceState::Pending => lang.t("Pending", "En attente"),
        LicenceState::Terminated => lang.t("Terminated", "Résiliées"),
    }
}

/// Orders or tasks in a state, as the heading of their count.
pub fn work_in(state: WorkState, lang: Lang) -> &'static str {
    match state {
        WorkState::Acknowledged => lang.t("Acknowledged", "Accusées"),
        WorkState::InProgress => lang.t("In progress", "En cours"),
        WorkState::Completed => lang.t("Completed", "Terminées"),
        WorkState::Partial => lang.t("Partial", "Partielles"),
        WorkState::Failed => lang.t("Failed", "En échec"),
    }
}

/// Events in a state, as the heading of their count.
pub fn events_in(state: EventState, lang: Lang) -> &'static str {
    match state {
        EventState::Pending => lang.t("Pending", "En attente"),
        EventState::Delivering => lang.t("Delivering", "En envoi"),
        EventState::Delivered => lang.t("Delivered", "Remis"),
        EventState::Failed => lang.t("Failed", "En échec"),
    }
}

/// One count card per state: `(state's code, heading, count)`.
fn cards<S: Copy>(
    counts: &[(S, i64)],
    code: fn(S) -> &'static str,
    heading: fn(S, Lang) -> &'static str,
    lang: Lang,
) -> Vec<(&'static str, &'static str, i64)> {
    counts
        .iter()
        .map(|&(state, n)| (code(state), heading(state, lang), n))
        .collect()
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_overview());
    view! {
        <Title text=lang.t("Overview", "Vue d’ensemble")/>
        <h1>{lang.t("Overview", "Vue d’ensemble")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => view! { <OverviewBody overview/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One number with its label, linking to the list it counts.
#[component]
fn Card(
    label: &'static str,
    value: String,
    href: String,
    test_id: String,
    #[prop(optional)] alert: bool,
) -> impl IntoView {
    let class = if alert {
        "card card-link alert"
    } else {
        "card card-link"
    };
    view! {
        <a class=class href=href>
            <span class="card-label">{label}</span>
            <span class="card-value" data-testid=test_id>{value}</span>
        </a>
    }
}

#[component]
fn StateCards(
    title: &'static str,
    test_id: &'static str,
    /// `(state's code, heading, count)`.
    counts: Vec<(&'static str, &'static str, i64)>,
    list: &'static str,
) -> impl IntoView {
    view! {
        <section class="panel" aria-label=title data-testid=test_id>
            <h2>{title}</h2>
            <div class="cards">
                {counts
                    .into_iter()
                    .map(|(state, label, n)| {
                        let alert = state == "failed" && n > 0;
                        view! {
                            <Card
                                label=label
                                value=n.to_string()
                                href=format!("{list}?state={state}")
                                test_id=format!("{test_id}-{state}")
                                alert
                            />
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

#[component]
fn Dashboard(dashboard: DashboardView) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let rate = match dashboard.success_rate {
        Some(rate) => format!("{rate} %"),
        None => "—".to_owned(),
    };
    let placeholders_left = dashboard.placeholders > 0;
    let stuck_now = dashboard.stuck > 0;
    let attempts = match lang {
        Lang::En => format!(
            "{} attempts in the last 24 hours",
            dashboard.attempts_last_day
        ),
        Lang::Fr => format!(
            "{} tentatives ces dernières 24 heures",
            dashboard.attempts_last_day
        ),
    };
    view! {
        <section class="cards" aria-label=t("Totals", "Totaux") data-testid="dashboard-totals">
            <Card label=t("Customers", "Clients") value=dashboard.customers.to_string() href="/customers".to_owned() test_id="count-customers".to_owned()/>
            <Card label=t("Fleets", "Parcs") value=dashboard.fleets.to_string() href="/customers".to_owned() test_id="count-fleets".to_owned()/>
            <Card
                label=t("Placeholders to replace", "Ressources provisoires à remplacer")
                value=dashboard.placeholders.to_string()
                href="/licences?resource=placeholder".to_owned()
                test_id="count-placeholders".to_owned()
                alert=placeholders_left
            />
            <Card
                label=t("Stuck work", "Travaux bloqués")
                value=dashboard.stuck.to_string()
                href="/stuck".to_owned()
                test_id="count-stuck".to_owned()
                alert=stuck_now
            />
            <a class="card card-link" href="/events" data-testid="delivery-rate">
                <span class="card-label">{t("Delivered to Orange (24 h)", "Remis à Orange (24 h)")}</span>
                <span class="card-value" data-testid="count-delivery-rate">{rate}</span>
                <span class="card-note muted">{attempts}</span>
            </a>
        </section>
        {view! { <StateCards title=t("Licences", "Licences") test_id="dashboard-licences" counts=cards(&dashboard.licences, LicenceState::as_str, licences_in, lang) list="/licences"/> }.into_any()}
        {view! { <StateCards title=t("Orders from Orange", "Commandes d’Orange") test_id="dashboard-orders" counts=cards(&dashboard.orders, WorkState::as_str, work_in, lang) list="/orders"/> }.into_any()}
        {view! { <StateCards title=t("Tasks from Orange", "Tâches d’Orange") test_id="dashboard-tasks" counts=cards(&dashboard.tasks, WorkState::as_str, work_in, lang) list="/tasks"/> }.into_any()}
        {view! { <StateCards title=t("Events to Orange", "Événements vers Orange") test_id="dashboard-events" counts=cards(&dashboard.events, EventState::as_str, events_in, lang) list="/events"/> }.into_any()}
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let empty = overview.recent_activity.is_empty();
    view! {
        {view! { <Dashboard dashboard=overview.dashboard/> }.into_any()}
        <section class="cards" aria-label=t("Team", "Équipe")>
            <div class="card">
                <p class="card-label">{t("Active operators", "Opérateurs actifs")}</p>
                <p class="card-value">{overview.operators_active}</p>
            </div>
            <div class="card">
                <p class="card-label">{t("Disabled operators", "Opérateurs désactivés")}</p>
                <p class="card-value">{overview.operators_disabled}</p>
            </div>
        </section>
        <section class="panel">
            <h2>{t("Recent activity", "Activité récente")}</h2>
            {if empty {
                view! { <p class="muted">{t("Nothing has happened yet.", "Rien ne s’est encore passé.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{t("When", "Quand")}</th>
                                <th scope="col">{t("Who", "Qui")}</th>
                                <th scope="col">{t("What", "Quoi")}</th>
                                <th scope="col">{t("Object", "Objet")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {overview
                                .recent_activity
                                .into_iter()
                                .map(|item| {
                                    let object = match item.object_id {
                                        Some(id) => format!("{} {id}", item.object_type),
                                        None => item.object_type,
                                    };
                                    view! {
                                        <tr>
                                            <td class="nowrap"><When at=item.at/></td>
                                            <td>{item.actor}</td>
                                            <td><code>{item.action}</code></td>
                                            <td class="mono">{object}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
