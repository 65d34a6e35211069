//! `/events`: the events owed to Orange, newest first, for everyone signed in. Counts by state on
//! top, whether delivery runs (with Pause and Resume for operators and administrators), a GET form
//! filtering by state, type, resource and dates, an "Older" link paging by keyset, and the way to a
//! bulk resend of what the filter matches. Actions post to `/console/…` and redirect back.

use fleetdesk_vocab::{Counted, Text, say};
use fleetdesk_vocab::{EventState, OrangeEventType};
use leptos::prelude::*;

use super::exchanges::StatusBadge;
use super::parts::{
    DateField, FilterForm, KeysetTable, ListQuery, Page, PostButton, SearchField, SelectField,
    load_list, param, rows,
};
use super::query_string;
use crate::api::fetch_events;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{DeliveryStatus, EventFilter, EventRowView, EventsPage};
use crate::posts;

/// The filter of the address's query string (shared with the bulk resend page).
pub fn filter_of(map: &leptos_router::params::ParamsMap) -> EventFilter {
    EventFilter {
        state: param(map, "state"),
        event_type: param(map, "event_type"),
        resource: param(map, "resource"),
        from: param(map, "from"),
        to: param(map, "to"),
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
        kind if is_product_webhook(kind) => lang.t(Text::ProvisioningWebhook),
        _ => lang.t(Text::OtherEvent),
    }
}

/// A webhook to the partner's product (its `type`, as the provisioning contract names them).
pub fn is_product_webhook(event_type: &str) -> bool {
    matches!(
        event_type,
        "licence.created"
            | "licence.suspended"
            | "licence.reactivated"
            | "licence.terminated"
            | "licence.offering_changed"
            | "licence.end_user_changed"
            | "licence.realizing_resource_changed"
            | "licence.login_renewed"
            | "customer.created"
    )
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let (query, data) = load_list(filter_of, |query| {
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
    });
    let body = move |page: EventsPage| view! { <EventsBody page query=query.get_untracked()/> };
    view! { <Page title=Text::EventsToOrange lead=Text::EveryEventFleetdeskOwesOrangeWritten data body/> }
}

#[component]
fn EventsBody(page: EventsPage, query: ListQuery<EventFilter>) -> impl IntoView {
    let can_act = page.can_act;
    let filter = query.filter.clone();
    // Type-erased pieces keep the page's view type shallow enough for the compiler.
    view! {
        {view! { <DeliveryBanner delivery=page.delivery can_act can_configure=page.can_configure/> }.into_any()}
        {view! { <StateCounts counts=page.counts active=filter.state.clone()/> }.into_any()}
        {view! { <EventFilterForm filter=filter.clone() can_act/> }.into_any()}
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        {view! {
            <KeysetTable
                base="/events"
                filter=query.filter.pairs()
                paged=query.paged()
                older=page.older
                empty=[Text::NoOlderEvents, Text::NoEventYetOrangeIsOwed, Text::NoEventMatchesTheseFilters]
                class="table events"
                columns=vec![Text::Created, Text::Event, Text::Resource, Text::State, Text::NextAttemptOrLastAnswer]
                rows=rows(page.rows, |row| view! { <EventLine row/> })
                pager=[Text::NewestM, Text::OlderEvents]
            />
        }
        .into_any()}
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
                    <PostButton action=posts::RESUME_DELIVERY.path() form_class="inline-form" class="button primary small" label=lang.t(Text::ResumeDelivery)/>
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
                <PostButton action=posts::PAUSE_DELIVERY.path() form_class="inline-form" class="button secondary small" label=lang.t(Text::PauseDelivery)/>
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
fn EventFilterForm(filter: EventFilter, can_act: bool) -> impl IntoView {
    let lang = use_lang();
    let filtered = !filter.is_empty();
    let resend = can_act.then(|| {
        let href = format!("/events/resend{}", query_string(&filter.pairs()));
        view! { <a class="button secondary" href=href>{lang.t(Text::ResendMatching)}</a> }
            .into_any()
    });
    let any = |text| (String::new(), lang.t(text).to_owned());
    let states = std::iter::once(any(Text::AnyState))
        .chain(
            EventState::ALL.map(|state| (state.as_str().to_owned(), state.label(lang).to_owned())),
        )
        .collect();
    let types = std::iter::once(any(Text::AnyType))
        .chain(
            OrangeEventType::ALL.map(|kind| (kind.as_str().to_owned(), kind.as_str().to_owned())),
        )
        .collect();
    view! {
        <FilterForm action="/events" class="panel filter-form event-filter" filtered more=resend hint=Text::EventsFilterHelp>
            <SelectField id="filter-state" name="state" label=Text::State selected=filter.state options=states/>
            <SelectField id="filter-type" name="event_type" label=Text::EventType selected=filter.event_type options=types/>
            <SearchField id="filter-resource" name="resource" label=Text::Resource placeholder=lang.t(Text::OrdLicOrOrangeReference) value=filter.resource/>
            <DateField id="filter-from" name="from" label=Text::From value=filter.from/>
            <DateField id="filter-to" name="to" label=Text::To value=filter.to/>
        </FilterForm>
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
        EventState::Cancelled => row
            .failed_at
            .as_deref()
            .map(|at| (lang.t(Text::CancelledAt), at)),
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
                <a href=resource_href class="mono">{row.resource_id.to_string()}</a>
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
        EventState::Cancelled => Text::EventBadgeCancelled,
    });
    view! { <span class=format!("badge event-state event-{state}")>{word}</span> }
}
