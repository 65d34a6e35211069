//! `/`: the dashboard. Customers, fleets and licences by state, placeholders still to replace,
//! Orange's orders and tasks by state, stuck work, events waiting or failed and the last day's
//! delivery success rate, each number a link to the list behind it; then the team and what
//! happened lately.

use fleetdesk_vocab::{Counted, Text, say};
use fleetdesk_vocab::{EventState, LicenceState, WorkState};
use leptos::prelude::*;

use super::parts::{Page, Table};
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
    let data = Resource::new(|| (), |()| fetch_overview());
    view! { <Page title=Text::Overview data body=|overview| view! { <OverviewBody overview/> }/> }
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
    // `(label, count, the list it counts, test id, whether it calls for attention)`.
    let totals = [
        (
            Text::Customers,
            dashboard.customers,
            "/customers",
            "count-customers",
            false,
        ),
        (
            Text::Fleets,
            dashboard.fleets,
            "/customers",
            "count-fleets",
            false,
        ),
        (
            Text::PlaceholdersToReplace,
            dashboard.placeholders,
            "/licences?resource=placeholder",
            "count-placeholders",
            dashboard.placeholders > 0,
        ),
        (
            Text::StuckWork,
            dashboard.stuck,
            "/stuck",
            "count-stuck",
            dashboard.stuck > 0,
        ),
    ];
    let attempts = say::attempts_last_day(lang, dashboard.attempts_last_day);
    let counted = dashboard.counted_in_background;
    let numbers = view! {
        <section class="cards" aria-label=t(Text::Totals) data-testid="dashboard-totals">
            {totals
                .into_iter()
                .map(|(label, n, href, test_id, alert)| view! {
                    <Card label=t(label) value=n.to_string() href=href.to_owned() test_id=test_id.to_owned() alert/>
                })
                .collect_view()}
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
    .into_any();
    // One view either way, not an optional one (see `Page`).
    match counted {
        Some((at, every)) => view! {
            <p class="muted" data-testid="counted-in-background">
                {say::counted_in_background(lang, every)}" "<When at/>
            </p>
            {numbers}
        }
        .into_any(),
        None => numbers,
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
                    <Table columns=vec![Text::When, Text::Who, Text::What, Text::Object]>
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
                    </Table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
