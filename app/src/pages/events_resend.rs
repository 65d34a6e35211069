//! `/events/resend` (operators and administrators): the confirmation step of a bulk resend. It
//! says how many events the filter of the address matches now, then posts that same filter, with a
//! ticked confirmation, to `/console/events/resend`. Works the same without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::ErrorPanel;
use super::events::{event_type_text, filter_of, list_href};
use crate::api::fetch_bulk_resend;
use crate::model::{BulkResendView, EventFilter};

#[component]
pub fn EventsResendPage() -> impl IntoView {
    let query_map = use_query_map();
    let filter = Memo::new(move |_| filter_of(&query_map.get()));
    let data = Resource::new(
        move || filter.get(),
        |filter| {
            fetch_bulk_resend(
                filter.state,
                filter.event_type,
                filter.resource,
                filter.from,
                filter.to,
            )
        },
    );
    view! {
        <Title text="Resend events"/>
        <p class="breadcrumb"><a href=move || list_href(&filter.get())>"← Events to Orange"</a></p>
        <h1>"Resend events"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(preview) => view! { <Confirmation preview/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filter in words, one line per field set.
#[component]
fn FilterSummary(filter: EventFilter) -> impl IntoView {
    if filter.is_empty() {
        return view! { <p data-testid="bulk-filter"><strong>"All events"</strong> " (no filter)."</p> }
            .into_any();
    }
    let mut lines = Vec::new();
    if !filter.state.is_empty() {
        lines.push(("State", filter.state.clone()));
    }
    if !filter.event_type.is_empty() {
        lines.push((
            "Event type",
            format!(
                "{} ({})",
                event_type_text(&filter.event_type),
                filter.event_type
            ),
        ));
    }
    if !filter.resource.is_empty() {
        lines.push(("Resource", filter.resource.clone()));
    }
    if !filter.from.is_empty() {
        lines.push(("Created from", filter.from.clone()));
    }
    if !filter.to.is_empty() {
        lines.push(("Created up to", format!("{} (included)", filter.to)));
    }
    view! {
        <dl class="facts" data-testid="bulk-filter">
            {lines
                .into_iter()
                .map(|(name, value)| view! { <dt>{name}</dt> <dd class="mono">{value}</dd> })
                .collect_view()}
        </dl>
    }
    .into_any()
}

fn events(n: i64) -> String {
    if n == 1 {
        "1 event".to_owned()
    } else {
        format!("{n} events")
    }
}

#[component]
fn Confirmation(preview: BulkResendView) -> impl IntoView {
    let back = list_href(&preview.filter);
    if let Some(problem) = preview.filter_error {
        return view! {
            <p class="flash error" role="alert">{problem}</p>
            <p><a class="button secondary" href=back>"Back to the events"</a></p>
        }
        .into_any();
    }
    let summary = view! { <FilterSummary filter=preview.filter.clone()/> };
    let resendable = preview.count - preview.delivering;
    if resendable <= 0 {
        return view! {
            <section class="panel">
                {summary}
                <p data-testid="bulk-count">{if preview.count == 0 { "No event matches this filter: nothing to resend." } else { "Every matching event is being sent right now: nothing to resend." }}</p>
                <p><a class="button secondary" href=back>"Back to the events"</a></p>
            </section>
        }
        .into_any();
    }
    let filter = preview.filter.clone();
    let hidden = filter
        .pairs()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <section class="panel bulk-resend">
            <h2>"Filter"</h2>
            {summary}
            <p class="bulk-count" data-testid="bulk-count">
                "This will resend " <strong>{events(resendable)}</strong> "."
            </p>
            {(preview.delivering > 0).then(|| view! {
                <p class="hint">{format!("{} matching the filter are being sent right now and are left alone.", events(preview.delivering))}</p>
            })}
            <p class="hint">
                "Each goes back to pending, due now, with the same eventId, so Orange can recognise a duplicate. Earlier attempts stay in each event's timeline."
            </p>
            <form method="post" action="/console/events/resend" class="action-form">
                {hidden}
                <input type="hidden" name="expected" value=resendable.to_string()/>
                <div class="choice">
                    <input id="confirm-bulk" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-bulk" class="confirm-label">"I understand Orange receives these events again"</label>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button primary">{format!("Resend {}", events(resendable))}</button>
                    <a class="button secondary" href=back>"Cancel"</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}
