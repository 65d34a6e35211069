//! `/events/{id}`: one event owed to Orange: what it is about and where it stands, its payload,
//! and every delivery attempt as a timeline (request and answer as exchanged, secrets masked).
//! Operators and administrators resend it (confirmed) or retry it now.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::events::{DeliveryBanner, EventStateBadge, event_type_text, list_href};
use super::exchanges::StatusBadge;
use super::{ErrorPanel, query_string};
use crate::api::fetch_event;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{AttemptView, EventDetailView, EventFilter, EventRowView};

#[component]
pub fn EventPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_event,
    );
    view! {
        <Title text=lang.t("Event", "Événement")/>
        <p class="breadcrumb"><a href="/events">{lang.t("← Events to Orange", "← Événements envoyés à Orange")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <EventBody detail/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t("Event", "Événement")}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

fn or_dash(value: Option<&str>) -> String {
    value.map_or_else(|| "—".to_owned(), str::to_owned)
}

fn time_or_dash(value: Option<&str>) -> AnyView {
    match value {
        Some(at) => view! { <When at=at.to_owned()/> }.into_any(),
        None => "—".into_any(),
    }
}

fn headers_text(headers: &[(String, String)], lang: Lang) -> String {
    if headers.is_empty() {
        return lang.t("(none)", "(aucun)").to_owned();
    }
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[component]
fn EventBody(detail: EventDetailView) -> impl IntoView {
    let lang = use_lang();
    let event = detail.event.clone();
    // Only the configuration and pause state matter here; the buttons live on the list.
    let banner = (detail.delivery.paused || !detail.delivery.configured).then(|| {
        view! { <DeliveryBanner delivery=detail.delivery can_act=false can_configure=false/> }
    });
    view! {
        <h1 class="mono-heading">{event.id.clone()}</h1>
        <p class="event-subtitle">
            <EventStateBadge state=event.state/>
            " "
            <span>{event_type_text(&event.event_type, lang)}</span>
            " "
            <code class="muted">{event.event_type.clone()}</code>
        </p>
        {banner}
        {view! { <EventFacts event=event.clone() request_id=detail.request_id.clone()/> }.into_any()}
        {detail.can_act.then(|| view! { <EventActions event=event.clone()/> }.into_any())}
        <section class="panel">
            <h2>{lang.t("Payload", "Contenu")}</h2>
            <p class="hint">{lang.t("The body POSTed to Orange, the same on every attempt.", "Le corps envoyé à Orange en POST, identique à chaque tentative.")}</p>
            <pre class="code" tabindex="0" data-testid="payload">{detail.payload}</pre>
        </section>
        {view! { <Timeline attempts=detail.attempts/> }.into_any()}
    }
}

#[component]
fn EventFacts(event: EventRowView, request_id: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let same_resource = list_href(&EventFilter {
        resource: event.resource_id.clone(),
        ..EventFilter::default()
    });
    let exchanges = format!(
        "/exchanges{}",
        query_string(&[("object_id", event.resource_id.clone())])
    );
    let correlation = match event.correlation_id.clone() {
        Some(reference) => {
            let href = list_href(&EventFilter {
                resource: reference.clone(),
                ..EventFilter::default()
            });
            view! { <a href=href class="mono" title=lang.t("Every event with this reference", "Tous les événements avec cette référence")>{reference}</a> }
                .into_any()
        }
        None => view! {
            <span class="muted">{lang.t("none (no Orange reference caused it)", "aucun (aucune référence Orange n’en est à l’origine)")}</span>
        }
        .into_any(),
    };
    let next = match event.state {
        fleetdesk_vocab::EventState::Pending => time_or_dash(event.next_attempt_at.as_deref()),
        _ => "—".into_any(),
    };
    view! {
        <section class="panel">
            <dl class="facts">
                <dt>{lang.t("Resource", "Ressource")}</dt>
                <dd>
                    {event.resource_kind.clone()} " "
                    <a href=same_resource class="mono" title=lang.t("Every event about this resource", "Tous les événements de cette ressource")>{event.resource_id.clone()}</a>
                    " · "
                    <a href=exchanges>{lang.t("Orange's calls about it", "Les appels d’Orange la concernant")}</a>
                </dd>
                <dt>{lang.t("Correlation id", "Correlation id")}</dt>
                <dd>{correlation}</dd>
                <dt>{lang.t("Created", "Créé")}</dt>
                <dd><When at=event.created_at.clone()/> " " <span class="muted mono">{event.created_at.clone()}</span></dd>
                <dt>{lang.t("Delivered", "Envoyé")}</dt>
                <dd>{time_or_dash(event.delivered_at.as_deref())}</dd>
                <dt>{lang.t("Failed", "En échec")}</dt>
                <dd>{time_or_dash(event.failed_at.as_deref())}</dd>
                <dt>{lang.t("Next attempt", "Prochaine tentative")}</dt>
                <dd data-testid="next-attempt">{next}</dd>
                <dt>{lang.t("Attempts", "Tentatives")}</dt>
                <dd>{event.attempt_count}</dd>
                <dt>{lang.t("Last answer", "Dernière réponse")}</dt>
                <dd>{event.last_response_status.map_or_else(|| view! { "—" }.into_any(), |status| view! { <StatusBadge status/> }.into_any())}</dd>
                <dt>{lang.t("Last error", "Dernière erreur")}</dt>
                <dd class=if event.last_error.is_some() { "error-text" } else { "" } data-testid="last-error">{or_dash(event.last_error.as_deref())}</dd>
                <dt>{lang.t("Request id", "Id de requête")}</dt>
                <dd class="mono">{or_dash(request_id.as_deref())}</dd>
            </dl>
        </section>
    }
}

/// Resend (any state but delivering, confirmed) and Retry now (pending or failed).
#[component]
fn EventActions(event: EventRowView) -> impl IntoView {
    let lang = use_lang();
    let resend = event.can_resend().then(|| {
        let action = format!("/console/events/{}/resend", event.id);
        view! {
            <form method="post" action=action class="action-form">
                <div class="choice">
                    <input id="confirm-resend" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-resend" class="confirm-label">
                        {lang.t(
                            "I understand Orange receives this event again (same eventId)",
                            "Je comprends qu’Orange recevra de nouveau cet événement (même eventId)",
                        )}
                    </label>
                </div>
                <button type="submit" class="button primary">{lang.t("Resend", "Renvoyer")}</button>
            </form>
        }
    });
    let retry = event.can_retry_now().then(|| {
        let action = format!("/console/events/{}/retry", event.id);
        view! {
            <form method="post" action=action class="action-form">
                <p class="hint">{lang.t("Tries now instead of at the scheduled time.", "Tente l’envoi maintenant plutôt qu’à l’heure prévue.")}</p>
                <button type="submit" class="button secondary">{lang.t("Retry now", "Réessayer maintenant")}</button>
            </form>
        }
    });
    let busy = (!event.can_resend()).then(|| {
        view! {
            <p class="muted">
                {lang.t(
                    "This event is being sent right now; its outcome shows here in a moment.",
                    "Cet événement est en cours d’envoi ; le résultat s’affichera ici dans un instant.",
                )}
            </p>
        }
    });
    view! {
        <section class="panel event-actions" aria-label=lang.t("Actions", "Actions")>
            <h2>{lang.t("Actions", "Actions")}</h2>
            <div class="action-row">{resend}{retry}{busy}</div>
        </section>
    }
}

#[component]
fn Timeline(attempts: Vec<AttemptView>) -> impl IntoView {
    let lang = use_lang();
    let last = attempts.last().map(|a| a.attempt_no);
    let body = if attempts.is_empty() {
        view! { <p class="muted">{lang.t("No attempt yet.", "Aucune tentative pour l’instant.")}</p> }.into_any()
    } else {
        view! {
            <ol class="timeline">
                {attempts
                    .into_iter()
                    .map(|attempt| {
                        let open = Some(attempt.attempt_no) == last;
                        view! { <AttemptItem attempt open/> }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <section class="panel">
            <h2>{lang.t("Delivery timeline", "Historique des envois")}</h2>
            {body}
        </section>
    }
}

fn outcome_text(outcome: &str, lang: Lang) -> &'static str {
    match outcome {
        "delivered" => lang.t("delivered", "envoyé"),
        "retry" => lang.t("will retry", "nouvel essai prévu"),
        "failed" => lang.t("failed", "en échec"),
        _ => lang.t("unknown", "inconnu"),
    }
}

#[component]
fn AttemptItem(attempt: AttemptView, open: bool) -> impl IntoView {
    let lang = use_lang();
    let truncated = match (&attempt.response_body, attempt.response_body_bytes) {
        (Some(body), Some(bytes)) if usize::try_from(bytes).is_ok_and(|n| n > body.len()) => {
            Some(match lang {
                Lang::En => format!("Only the start of the answer is kept: it was {bytes} bytes."),
                Lang::Fr => format!(
                    "Seul le début de la réponse est conservé : elle faisait {bytes} octets."
                ),
            })
        }
        _ => None,
    };
    let latency = attempt
        .latency_ms
        .map(|ms| view! { <span class="muted">{format!("{ms} ms")}</span> });
    let status = attempt.response_status.map_or_else(
        || view! { <span class="badge status-error">{lang.t("no answer", "pas de réponse")}</span> }.into_any(),
        |status| view! { <StatusBadge status/> }.into_any(),
    );
    view! {
        <li class=format!("attempt outcome-{}", attempt.outcome) data-testid=format!("attempt-{}", attempt.attempt_no)>
            <div class="attempt-head">
                <strong>{lang.t("Attempt ", "Tentative ")} {attempt.attempt_no}</strong>
                <span class="nowrap"><When at=attempt.started_at.clone()/></span>
                <span class=format!("badge outcome outcome-{}", attempt.outcome)>{outcome_text(&attempt.outcome, lang)}</span>
                {status}
                {latency}
            </div>
            <p class="attempt-url"><span class="method">"POST"</span> " " <span class="mono">{attempt.url.clone()}</span></p>
            {attempt.error.clone().map(|error| view! { <p class="error-text attempt-error">{error}</p> })}
            <details class="exchange" open=open>
                <summary>{lang.t("Request", "Requête")}</summary>
                <h3>{lang.t("Headers", "En-têtes")}</h3>
                <pre class="code" tabindex="0">{headers_text(&attempt.request_headers, lang)}</pre>
                <h3>{lang.t("Body", "Corps")}</h3>
                <pre class="code" tabindex="0">{attempt.request_body.clone()}</pre>
            </details>
            <details class="exchange" open=open>
                <summary>{lang.t("Response", "Réponse")}</summary>
                <h3>{lang.t("Headers", "En-têtes")}</h3>
                <pre class="code" tabindex="0">{headers_text(&attempt.response_headers, lang)}</pre>
                <h3>{lang.t("Body", "Corps")}</h3>
                {truncated.map(|text| view! { <p class="hint">{text}</p> })}
                <pre class="code" tabindex="0">{attempt.response_body.clone().unwrap_or_else(|| lang.t("(none)", "(aucun)").to_owned())}</pre>
            </details>
        </li>
    }
}
