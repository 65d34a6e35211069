//! `/events/resend` (operators and administrators): the confirmation step of a bulk resend. It
//! says how many events the filter of the address matches now, then posts that same filter, with a
//! ticked confirmation, to `/console/events/resend`. Works the same without JavaScript.

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::events::{event_type_text, filter_of, list_href};
use super::parts::Page;
use crate::api::fetch_bulk_resend;
use crate::i18n::{Lang, use_lang};
use crate::model::{BulkResendView, EventFilter};
use crate::posts;

#[component]
pub fn EventsResendPage() -> impl IntoView {
    let lang = use_lang();
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
        <Page title=Text::ResendEvents data body=|preview| view! { <Confirmation preview/> }>
            <p class="breadcrumb"><a href=move || list_href(&filter.get())>{lang.t(Text::BackToEvents)}</a></p>
            <h1>{lang.t(Text::ResendEvents)}</h1>
        </Page>
    }
}

/// The filter in words, one line per field set.
#[component]
fn FilterSummary(filter: EventFilter) -> impl IntoView {
    let lang = use_lang();
    if filter.is_empty() {
        return view! {
            <p data-testid="bulk-filter">
                <strong>{lang.t(Text::AllEvents)}</strong>
                {lang.t(Text::NoFilter)}
            </p>
        }
        .into_any();
    }
    let mut lines = Vec::new();
    if !filter.state.is_empty() {
        lines.push((lang.t(Text::State), filter.state.clone()));
    }
    if !filter.event_type.is_empty() {
        lines.push((
            lang.t(Text::EventType),
            format!(
                "{} ({})",
                event_type_text(&filter.event_type, lang),
                filter.event_type
            ),
        ));
    }
    if !filter.resource.is_empty() {
        lines.push((lang.t(Text::Resource), filter.resource.clone()));
    }
    if !filter.from.is_empty() {
        lines.push((lang.t(Text::CreatedFrom), filter.from.clone()));
    }
    if !filter.to.is_empty() {
        lines.push((
            lang.t(Text::CreatedUpTo),
            format!("{} {}", filter.to, lang.t(Text::Included)),
        ));
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

fn events(n: i64, lang: Lang) -> String {
    say::events_count(lang, n)
}

#[component]
fn Confirmation(preview: BulkResendView) -> impl IntoView {
    let lang = use_lang();
    let back = list_href(&preview.filter);
    if let Some(problem) = preview.filter_error {
        return view! {
            <p class="flash error" role="alert">{problem}</p>
            <p><a class="button secondary" href=back>{lang.t(Text::BackToTheEvents)}</a></p>
        }
        .into_any();
    }
    let summary = view! { <FilterSummary filter=preview.filter.clone()/> };
    let resendable = preview.count - preview.delivering;
    if resendable <= 0 {
        return view! {
            <section class="panel">
                {summary}
                <p data-testid="bulk-count">{if preview.count == 0 {
                    lang.t(Text::NoEventMatchesThisFilterNothing)
                } else {
                    lang.t(Text::EveryMatchingEventIsBeingSent)
                }}</p>
                <p><a class="button secondary" href=back>{lang.t(Text::BackToTheEvents)}</a></p>
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
            <h2>{lang.t(Text::FilterNoun)}</h2>
            {summary}
            <p class="bulk-count" data-testid="bulk-count">
                {lang.t(Text::ThisWillResend)} <strong>{events(resendable, lang)}</strong> "."
            </p>
            {(preview.delivering > 0).then(|| view! {
                <p class="hint">{say::resend_being_sent(lang, preview.delivering)}</p>
            })}
            <p class="hint">
                {lang.t(Text::EachGoesBackToPendingDue)}
            </p>
            <form method="post" action=posts::RESEND_MATCHING.path() class="action-form">
                {hidden}
                <input type="hidden" name="expected" value=resendable.to_string()/>
                <div class="choice">
                    <input id="confirm-bulk" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-bulk" class="confirm-label">{lang.t(Text::IUnderstandOrangeReceivesTheseEvents)}</label>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button primary">{format!("{} {}", lang.t(Text::Resend), events(resendable, lang))}</button>
                    <a class="button secondary" href=back>{lang.t(Text::Cancel)}</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}
