//! `/events/resend` (operators and administrators): the confirmation step of a bulk resend. It
//! says how many events the filter of the address matches now, then posts that same filter, with a
//! ticked confirmation, to `/console/events/resend`. Works the same without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::ErrorPanel;
use super::events::{event_type_text, filter_of, list_href};
use crate::api::fetch_bulk_resend;
use crate::i18n::{Lang, use_lang};
use crate::model::{BulkResendView, EventFilter};

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
        <Title text=lang.t("Resend events", "Renvoyer des événements")/>
        <p class="breadcrumb"><a href=move || list_href(&filter.get())>{lang.t("← Events to Orange", "← Événements envoyés à Orange")}</a></p>
        <h1>{lang.t("Resend events", "Renvoyer des événements")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
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
    let lang = use_lang();
    if filter.is_empty() {
        return view! {
            <p data-testid="bulk-filter">
                <strong>{lang.t("All events", "Tous les événements")}</strong>
                {lang.t(" (no filter).", " (aucun filtre).")}
            </p>
        }
        .into_any();
    }
    let mut lines = Vec::new();
    if !filter.state.is_empty() {
        lines.push((lang.t("State", "État"), filter.state.clone()));
    }
    if !filter.event_type.is_empty() {
        lines.push((
            lang.t("Event type", "Type d’événement"),
            format!(
                "{} ({})",
                event_type_text(&filter.event_type, lang),
                filter.event_type
            ),
        ));
    }
    if !filter.resource.is_empty() {
        lines.push((lang.t("Resource", "Ressource"), filter.resource.clone()));
    }
    if !filter.from.is_empty() {
        lines.push((
            lang.t("Created from", "Créés à partir du"),
            filter.from.clone(),
        ));
    }
    if !filter.to.is_empty() {
        lines.push((
            lang.t("Created up to", "Créés jusqu’au"),
            format!("{} {}", filter.to, lang.t("(included)", "(inclus)")),
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
    match (n, lang) {
        (1, Lang::En) => "1 event".to_owned(),
        (1, Lang::Fr) => "1 événement".to_owned(),
        (n, Lang::En) => format!("{n} events"),
        (n, Lang::Fr) => format!("{n} événements"),
    }
}

#[component]
fn Confirmation(preview: BulkResendView) -> impl IntoView {
    let lang = use_lang();
    let back = list_href(&preview.filter);
    if let Some(problem) = preview.filter_error {
        return view! {
            <p class="flash error" role="alert">{problem}</p>
            <p><a class="button secondary" href=back>{lang.t("Back to the events", "Retour aux événements")}</a></p>
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
                    lang.t("No event matches this filter: nothing to resend.", "Aucun événement ne correspond à ce filtre : rien à renvoyer.")
                } else {
                    lang.t("Every matching event is being sent right now: nothing to resend.", "Tous les événements concernés sont en cours d’envoi : rien à renvoyer.")
                }}</p>
                <p><a class="button secondary" href=back>{lang.t("Back to the events", "Retour aux événements")}</a></p>
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
            <h2>{lang.t("Filter", "Filtre")}</h2>
            {summary}
            <p class="bulk-count" data-testid="bulk-count">
                {lang.t("This will resend ", "Seront renvoyés : ")} <strong>{events(resendable, lang)}</strong> "."
            </p>
            {(preview.delivering > 0).then(|| view! {
                <p class="hint">{match lang {
                    Lang::En => format!("{} matching the filter are being sent right now and are left alone.", events(preview.delivering, lang)),
                    Lang::Fr => format!("{} correspondant au filtre sont en cours d’envoi et ne sont pas touchés.", events(preview.delivering, lang)),
                }}</p>
            })}
            <p class="hint">
                {lang.t(
                    "Each goes back to pending, due now, with the same eventId, so Orange can recognise a duplicate. Earlier attempts stay in each event's timeline.",
                    "Chacun repasse en attente, dû immédiatement, avec le même eventId, pour qu’Orange puisse reconnaître un doublon. Les tentatives précédentes restent dans l’historique de chaque événement.",
                )}
            </p>
            <form method="post" action="/console/events/resend" class="action-form">
                {hidden}
                <input type="hidden" name="expected" value=resendable.to_string()/>
                <div class="choice">
                    <input id="confirm-bulk" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-bulk" class="confirm-label">{lang.t("I understand Orange receives these events again", "Je comprends qu’Orange recevra de nouveau ces événements")}</label>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button primary">{format!("{} {}", lang.t("Resend", "Renvoyer"), events(resendable, lang))}</button>
                    <a class="button secondary" href=back>{lang.t("Cancel", "Annuler")}</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}
