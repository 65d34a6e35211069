//! `/`: the dashboard. Customers, fleets and licences by state, placeholders still to replace,
//! Orange's orders and tasks by state, stuck work, events waiting or failed and the last day's
//! delivery success rate, each number a link to the list behind it; then the team and what
//! happened lately.

use fleetdesk_vocab::{Counted, Text, say};
use fleetdesk_vocab::{EventState, LicenceState, WorkState};
use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_overview;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{DashboardView, Overview};

/// One count card per state: `(state's code, heading, count)`.
fn cards<S: Copy>(
    counts: &[(S, i64)],
    code: fn(S) -> &'static str,
    heading: fn(S, Lang, i64) -> String,
    lang: Lang,
) -> Vec<(&'static str, String, i64)> {
    counts
        .iter()
        .map(|&(state, n)| (code(state), heading(state, lang, n), n))
        .collect()
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_overview());
    view! {
        <Title text=lang.t(Text::Overview)/>
        <h1>{lang.t(Text::Overview)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
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
    #[prop(into)] label: String,
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
    counts: Vec<(&'static str, String, i64)>,
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
    let t = move |text| lang.t(text);
    let rate = match dashboard.success_rate {
        Some(rate) => format!("{rate} %"),
        None => "—".to_owned(),
    };
    let placeholders_left = dashboard.placeholders > 0;
    let stuck_now = dashboard.stuck > 0;
    let attempts = say::attempts_last_day(lang, dashboard.attempts_last_day);
    view! {
        <section class="cards" aria-label=t(Text::Totals) data-testid="dashboard-totals">
            <Card label=t(Text::Customers) value=dashboard.customers.to_string() href="/customers".to_owned() test_id="count-customers".to_owned()/>
            <Card label=t(Text::Fleets) value=dashboard.fleets.to_string() href="/customers".to_owned() test_id="count-fleets".to_owned()/>
            <Card
                label=t(Text::PlaceholdersToReplace)
                value=dashboard.placeholders.to_string()
                href="/licences?resource=placeholder".to_owned()
                test_id="count-placeholders".to_owned()
                alert=placeholders_left
            />
            <Card
                label=t(Text::StuckWork)
                value=dashboard.stuck.to_string()
                href="/stuck".to_owned()
                test_id="count-stuck".to_owned()
                alert=stuck_now
            />
            <a class="card card-link" href="/events" data-testid="delivery-rate">
                <span class="card-label">{t(Text::DeliveredToOrange24H)}</span>
                <span class="card-value" data-testid="count-delivery-rate">{rate}</span>
                <span class="card-note muted">{attempts}</span>
            </a>
        </section>
        {view! { <StateCards title=t(Text::Licences) test_id="dashboard-licences" counts=cards(&dashboard.licences, LicenceState::as_str, LicenceState::counted, lang) list="/licences"/> }.into_any()}
        {view! { <StateCards title=t(Text::OrdersFromOrange) test_id="dashboard-orders" counts=cards(&dashboard.orders, WorkState::as_str, WorkState::counted, lang) list="/orders"/> }.into_any()}
        {view! { <StateCards title=t(Text::TasksFromOrange) test_id="dashboard-tasks" counts=cards(&dashboard.tasks, WorkState::as_str, WorkState::counted, lang) list="/tasks"/> }.into_any()}
        {view! { <StateCards title=t(Text::EventsToOrangeHeading) test_id="dashboard-events" counts=cards(&dashboard.events, EventState::as_str, EventState::counted, lang) list="/events"/> }.into_any()}
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let empty = overview.recent_activity.is_empty();
    view! {
        {view! { <Dashboard dashboard=overview.dashboard/> }.into_any()}
        <section class="cards" aria-label=t(Text::Team)>
            <div class="card">
                <p class="card-label">{t(Text::ActiveOperators)}</p>
                <p class="card-value">{overview.operators_active}</p>
            </div>
            <div class="card">
                <p class="card-label">{t(Text::DisabledOperators)}</p>
                <p class="card-value">{overview.operators_disabled}</p>
            </div>
        </section>
        <section class="panel">
            <h2>{t(Text::RecentActivity)}</h2>
            {if empty {
                view! { <p class="muted">{t(Text::NothingHasHappenedYet)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{t(Text::When)}</th>
                                <th scope="col">{t(Text::Who)}</th>
                                <th scope="col">{t(Text::What)}</th>
                                <th scope="col">{t(Text::Object)}</th>
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
