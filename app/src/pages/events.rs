//! `/events`: the events owed to Orange, newest first, for everyone signed in. Counts by state on
//! top, whether delivery runs (with Pause and Resume for operators and administrators), a GET form
//! filtering by state, type, resource and dates, an "Older" link paging by keyset, and the way to a
//! bulk resend of what the filter matches. Actions post to `/console/…` and redirect back.

use fleetdesk_vocab::{Counted, Text, say};
use fleetdesk_vocab::{EventState, OrangeEventType};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::exchanges::StatusBadge;
use super::{ErrorPanel, query_string};
use crate::api::fetch_events;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{DeliveryStatus, EventFilter, EventRowView, EventsPage};
use crate::posts;

/// What the address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    filter: EventFilter,
    before_at: Option<String>,
    before_id: Option<String>,
}

/// The filter of the address's query string (shared with the bulk resend page).
pub fn filter_of(map: &leptos_router::params::ParamsMap) -> EventFilter {
    let get = |name: &str| map.get(name).unwrap_or_default().trim().to_owned();
    EventFilter {
        state: get("state"),
        event_type: get("event_type"),
        resource: get("resource"),
        from: get("from"),
        to: get("to"),
    }
}

/// The list's address for a filter.
pub fn list_href(filter: &EventFilter) -> String {
    format!("/events{}", query_string(&filter.pairs()))
}

/// An event type in words.
pub fn event_type_text(event_type: &str, lang: Lang) -> &'static str {
    match event_type {
        "productOrderStateChangeEvent" => lang.t(Text::OrderStateChange),
        "userServiceStateChangeEvent" => lang.t(Text::LicenceStateChange),
        "userServiceAttributeValueChangeEvent" => lang.t(Text::LicenceAttributeChange),
        _ => lang.t(Text::OtherEvent),
    }
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        Query {
            filter: filter_of(&map),
            before_at: map.get("before_at").filter(|v| !v.is_empty()),
            before_id: map.get("before_id").filter(|v| !v.is_empty()),
        }
    });
    let data = Resource::new(
        move || query.get(),
        |query| {
            let filter = query.filter;
            fetch_events(
                filter.state,
                filter.event_type,
                filter.resource,
                filter.from,
                filter.to,
                query.before_at,
                query.before_id,
            )
        },
    );
    view! {
        <Title text=lang.t(Text::EventsToOrange)/>
        <h1>{lang.t(Text::EventsToOrange)}</h1>
        <p class="lead muted">
            {lang.t(Text::EveryEventFleetdeskOwesOrangeWritten)}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <EventsBody page query/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EventsBody(page: EventsPage, query: Query) -> impl IntoView {
    let can_act = page.can_act;
    let filter = query.filter.clone();
    // Type-erased pieces keep the page's view type shallow enough for the compiler.
    view! {
        {view! { <DeliveryBanner delivery=page.delivery can_act can_configure=page.can_configure/> }.into_any()}
        {view! { <StateCounts counts=page.counts active=filter.state.clone()/> }.into_any()}
        {view! { <FilterForm filter=filter.clone() can_act/> }.into_any()}
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        {view! { <EventTable rows=page.rows older=page.older query/> }.into_any()}
    }
}

/// Whether events go out: a notice when delivery is not configured, a banner when it is paused,
/// and the Pause or Resume button for those who may act.
#[component]
pub fn DeliveryBanner(
    delivery: DeliveryStatus,
    can_act: bool,
    can_configure: bool,
) -> impl IntoView {
    let lang = use_lang();
    let not_configured = (!delivery.configured).then(|| {
        view! {
            <div class="banner notice" role="note" data-testid="delivery-not-configured">
                <p>
                    <strong>{lang.t(Text::DeliveryIsNotConfigured)}</strong>
                    {lang.t(Text::EventsWaitHereUntilOrangesEvent)}
                </p>
                {can_configure.then(|| view! {
                    <a class="button secondary small" href="/settings/delivery">{lang.t(Text::ConfigureDelivery)}</a>
                })}
            </div>
        }
    });
    let state = if delivery.paused {
        view! {
            <div class="banner paused" role="note" data-testid="delivery-paused">
                <p>
                    <strong>{lang.t(Text::DeliveryIsPaused)}</strong>
                    {lang.t(Text::NothingIsSentToOrangeUntil)}
                </p>
                {can_act.then(|| view! {
                    <form method="post" action=posts::RESUME_DELIVERY.path() class="inline-form">
                        <button type="submit" class="button primary small">{lang.t(Text::ResumeDelivery)}</button>
                    </form>
                })}
            </div>
        }
        .into_any()
    } else if can_act {
        let text = if delivery.configured {
            lang.t(Text::DeliveryIsRunningDueEventsGo)
        } else {
            lang.t(Text::DeliveryIsNotPausedItStarts)
        };
        view! {
            <div class="banner running" data-testid="delivery-running">
                <p>{text}</p>
                <form method="post" action=posts::PAUSE_DELIVERY.path() class="inline-form">
                    <button type="submit" class="button secondary small">{lang.t(Text::PauseDelivery)}</button>
                </form>
            </div>
        }
        .into_any()
    } else {
        ().into_any()
    };
    view! { {not_configured} {state} }
}

#[component]
fn StateCounts(counts: Vec<(EventState, i64)>, active: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="cards state-cards" aria-label=lang.t(Text::EventsByState)>
            {counts
                .into_iter()
                .map(|(state, n)| {
                    let href = list_href(&EventFilter { state: state.as_str().to_owned(), ..EventFilter::default() });
                    let current = (state.as_str() == active).then_some("page");
                    view! {
                        <a class=format!("card state-card state-{state}") href=href aria-current=current data-testid=format!("count-{state}")>
                            <span class="card-label">{state.label(lang)}</span>
                            <span class="card-value">{n}</span>
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn FilterForm(filter: EventFilter, can_act: bool) -> impl IntoView {
    let lang = use_lang();
    let filtered = !filter.is_empty();
    let resend = format!("/events/resend{}", query_string(&filter.pairs()));
    view! {
        <form method="get" action="/events" class="panel filter-form event-filter" role="search">
            <div class="field">
                <label for="filter-state">{lang.t(Text::State)}</label>
                <select id="filter-state" name="state">
                    <option value="" selected=filter.state.is_empty()>{lang.t(Text::AnyState)}</option>
                    {EventState::ALL
                        .into_iter()
                        .map(|state| view! {
                            <option value=state.as_str() selected=filter.state == state.as_str()>{state.label(lang)}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-type">{lang.t(Text::EventType)}</label>
                <select id="filter-type" name="event_type">
                    <option value="" selected=filter.event_type.is_empty()>{lang.t(Text::AnyType)}</option>
                    {OrangeEventType::ALL
                        .into_iter()
                        .map(|kind| view! {
                            <option value=kind.as_str() selected=filter.event_type == kind.as_str()>{kind.as_str()}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-resource">{lang.t(Text::Resource)}</label>
                <input id="filter-resource" name="resource" type="search" autocomplete="off" spellcheck="false" placeholder=lang.t(Text::OrdLicOrOrangeReference) value=filter.resource.clone()/>
            </div>
            <div class="field date">
                <label for="filter-from">{lang.t(Text::From)}</label>
                <input id="filter-from" name="from" type="date" value=filter.from.clone()/>
            </div>
            <div class="field date">
                <label for="filter-to">{lang.t(Text::To)}</label>
                <input id="filter-to" name="to" type="date" value=filter.to.clone()/>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">{lang.t(Text::Filter)}</button>
                {filtered.then(|| view! { <a class="button secondary" href="/events">{lang.t(Text::Clear)}</a> })}
                {can_act.then(|| view! {
                    <a class="button secondary" href=resend>{lang.t(Text::ResendMatching)}</a>
                })}
            </div>
            <p class="hint filter-hint">
                {lang.t(Text::EventsFilterHelp)}
            </p>
        </form>
    }
}

#[component]
fn EventTable(
    rows: Vec<EventRowView>,
    older: Option<(String, String)>,
    query: Query,
) -> impl IntoView {
    let lang = use_lang();
    let paged = query.before_at.is_some();
    let filters = query.filter.pairs();
    let older = older.map(|(at, id)| {
        let mut pairs = filters.clone();
        pairs.push(("before_at", at));
        pairs.push(("before_id", id));
        format!("/events{}", query_string(&pairs))
    });
    let newest = list_href(&query.filter);
    let empty = rows.is_empty();
    view! {
        <section class="panel">
            {if empty {
                let text = if paged {
                    lang.t(Text::NoOlderEvents)
                } else if filters.is_empty() {
                    lang.t(Text::NoEventYetOrangeIsOwed)
                } else {
                    lang.t(Text::NoEventMatchesTheseFilters)
                };
                view! { <p class="muted">{text}</p> }.into_any()
            } else {
                view! {
                    <table class="table events">
                        <thead>
                            <tr>
                                <th scope="col">{lang.t(Text::Created)}</th>
                                <th scope="col">{lang.t(Text::Event)}</th>
                                <th scope="col">{lang.t(Text::Resource)}</th>
                                <th scope="col">{lang.t(Text::State)}</th>
                                <th scope="col">{lang.t(Text::NextAttemptOrLastAnswer)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! { <EventLine row/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <nav class="pager" aria-label=lang.t(Text::Pages)>
                {paged.then(|| view! { <a class="button secondary small" href=newest>{lang.t(Text::NewestM)}</a> })}
                {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{lang.t(Text::OlderEvents)}</a> })}
            </nav>
        </section>
    }
}

#[component]
fn EventLine(row: EventRowView) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/events/{}", row.id);
    let resource_href = list_href(&EventFilter {
        resource: row.resource_id.clone(),
        ..EventFilter::default()
    });
    let when = match row.state {
        EventState::Pending => row
            .next_attempt_at
            .as_deref()
            .map(|at| (lang.t(Text::NextTry), at)),
        EventState::Delivering => Some((lang.t(Text::BeingSentNow), "")),
        EventState::Delivered => row
            .delivered_at
            .as_deref()
            .map(|at| (lang.t(Text::EventDelivered), at)),
        EventState::Failed => row
            .failed_at
            .as_deref()
            .map(|at| (lang.t(Text::GaveUp), at)),
    }
    .map_or_else(
        || view! { <span class="muted">"—"</span> }.into_any(),
        |(label, at)| {
            view! { {label} " " <span class="nowrap">{(!at.is_empty()).then(|| view! { <When at=at.to_owned()/> })}</span> }
                .into_any()
        },
    );
    let error = row
        .last_error
        .clone()
        .filter(|_| row.state != EventState::Delivered)
        .map(|error| view! { <span class="cell-sub error-text">{error}</span> });
    let status = row
        .last_response_status
        .map(|status| view! { " " <StatusBadge status/> });
    view! {
        <tr data-testid=format!("event-{}", row.id)>
            <td class="nowrap"><When at=row.created_at.clone()/></td>
            <td>
                <a href=href class="mono">{row.id.to_string()}</a>
                <span class="cell-sub">{event_type_text(&row.event_type, lang)} " · " <code>{row.event_type.clone()}</code></span>
            </td>
            <td>
                <a href=resource_href class="mono">{row.resource_id.clone()}</a>
                <span class="cell-sub">
                    {row.resource_kind.clone()}
                    {row.correlation_id.clone().map(|c| view! { " · " {lang.t(Text::Ref)} " " <span class="mono">{c}</span> })}
                </span>
            </td>
            <td>
                <EventStateBadge state=row.state/>
                <span class="cell-sub nowrap">{attempts(row.attempt_count, lang)}</span>
            </td>
            <td>
                {when}
                {status}
                {error}
            </td>
        </tr>
    }
}

fn attempts(n: i64, lang: Lang) -> String {
    say::attempts_count(lang, n)
}

/// An event's state, coloured.
#[component]
pub fn EventStateBadge(state: EventState) -> impl IntoView {
    let lang = use_lang();
    // English shows the stored code, as the API and the logs name it.
    let word = lang.t(match state {
        EventState::Pending => Text::EventBadgePending,
        EventState::Delivering => Text::EventBadgeDelivering,
        EventState::Delivered => Text::EventBadgeDelivered,
        EventState::Failed => Text::EventBadgeFailed,
    });
    view! { <span class=format!("badge event-state event-{state}")>{word}</span> }
}
