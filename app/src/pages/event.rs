//! `/events/{id}`: one event owed to Orange: what it is about and where it stands, its payload,
//! and every delivery attempt as a timeline (request and answer as exchanged, secrets masked).
//! Operators and administrators resend it (confirmed) or retry it now.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::events::{DeliveryBanner, EventStateBadge, event_type_text, list_href};
use super::exchanges::StatusBadge;
use super::{ErrorPanel, query_string, short_time};
use crate::api::fetch_event;
use crate::model::{AttemptView, EventDetailView, EventFilter, EventRowView};

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_event,
    );
    view! {
        <Title text="Event"/>
        <p class="breadcrumb"><a href="/events">"← Events to Orange"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <EventBody detail/> }.into_any(),
                    Err(error) => view! {
                        <h1>"Event"</h1>
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

fn time_or_dash(value: Option<&str>) -> String {
    value.map_or_else(|| "—".to_owned(), short_time)
}

fn headers_text(headers: &[(String, String)]) -> String {
    if headers.is_empty() {
        return "(none)".to_owned();
    }
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[component]
fn EventBody(detail: EventDetailView) -> impl IntoView {
    let event = detail.event.clone();
    // Only the configuration and pause state matter here; the buttons live on the list.
    let banner = (detail.delivery.paused || !detail.delivery.configured).then(|| {
        view! { <DeliveryBanner delivery=detail.delivery can_act=false can_configure=false/> }
    });
    view! {
        <h1 class="mono-heading">{event.id.clone()}</h1>
        <p class="event-subtitle">
            <EventStateBadge state=event.state.clone()/>
            " "
            <span>{event_type_text(&event.event_type)}</span>
            " "
            <code class="muted">{event.event_type.clone()}</code>
        </p>
        {banner}
        {view! { <EventFacts event=event.clone() request_id=detail.request_id.clone()/> }.into_any()}
        {detail.can_act.then(|| view! { <EventActions event=event.clone()/> }.into_any())}
        <section class="panel">
            <h2>"Payload"</h2>
            <p class="hint">"The body POSTed to Orange, the same on every attempt."</p>
            <pre class="code" data-testid="payload">{detail.payload}</pre>
        </section>
        {view! { <Timeline attempts=detail.attempts/> }.into_any()}
    }
}

#[component]
fn EventFacts(event: EventRowView, request_id: Option<String>) -> impl IntoView {
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
            view! { <a href=href class="mono" title="Every event with this reference">{reference}</a> }
                .into_any()
        }
        None => {
            view! { <span class="muted">"none (no Orange reference caused it)"</span> }.into_any()
        }
    };
    let next = match event.state.as_str() {
        "pending" => time_or_dash(event.next_attempt_at.as_deref()),
        _ => "—".to_owned(),
    };
    view! {
        <section class="panel">
            <dl class="facts">
                <dt>"Resource"</dt>
                <dd>
                    {event.resource_kind.clone()} " "
                    <a href=same_resource class="mono" title="Every event about this resource">{event.resource_id.clone()}</a>
                    " · "
                    <a href=exchanges>"Orange's calls about it"</a>
                </dd>
                <dt>"Correlation id"</dt>
                <dd>{correlation}</dd>
                <dt>"Created"</dt>
                <dd>{short_time(&event.created_at)} " " <span class="muted mono">{event.created_at.clone()}</span></dd>
                <dt>"Delivered"</dt>
                <dd>{time_or_dash(event.delivered_at.as_deref())}</dd>
                <dt>"Failed"</dt>
                <dd>{time_or_dash(event.failed_at.as_deref())}</dd>
                <dt>"Next attempt"</dt>
                <dd data-testid="next-attempt">{next}</dd>
                <dt>"Attempts"</dt>
                <dd>{event.attempt_count}</dd>
                <dt>"Last answer"</dt>
                <dd>{event.last_response_status.map_or_else(|| view! { "—" }.into_any(), |status| view! { <StatusBadge status/> }.into_any())}</dd>
                <dt>"Last error"</dt>
                <dd class=if event.last_error.is_some() { "error-text" } else { "" } data-testid="last-error">{or_dash(event.last_error.as_deref())}</dd>
                <dt>"Request id"</dt>
                <dd class="mono">{or_dash(request_id.as_deref())}</dd>
            </dl>
        </section>
    }
}

/// Resend (any state but delivering, confirmed) and Retry now (pending or failed).
#[component]
fn EventActions(event: EventRowView) -> impl IntoView {
    let resend = event.can_resend().then(|| {
        let action = format!("/console/events/{}/resend", event.id);
        view! {
            <form method="post" action=action class="action-form">
                <div class="choice">
                    <input id="confirm-resend" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-resend" class="confirm-label">"I understand Orange receives this event again (same eventId)"</label>
                </div>
                <button type="submit" class="button primary">"Resend"</button>
            </form>
        }
    });
    let retry = event.can_retry_now().then(|| {
        let action = format!("/console/events/{}/retry", event.id);
        view! {
            <form method="post" action=action class="action-form">
                <p class="hint">"Tries now instead of at the scheduled time."</p>
                <button type="submit" class="button secondary">"Retry now"</button>
            </form>
        }
    });
    let busy = (!event.can_resend()).then(|| {
        view! { <p class="muted">"This event is being sent right now; its outcome shows here in a moment."</p> }
    });
    view! {
        <section class="panel event-actions" aria-label="Actions">
            <h2>"Actions"</h2>
            <div class="action-row">{resend}{retry}{busy}</div>
        </section>
    }
}

#[component]
fn Timeline(attempts: Vec<AttemptView>) -> impl IntoView {
    let last = attempts.last().map(|a| a.attempt_no);
    let body = if attempts.is_empty() {
        view! { <p class="muted">"No attempt yet."</p> }.into_any()
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
            <h2>"Delivery timeline"</h2>
            {body}
        </section>
    }
}

fn outcome_text(outcome: &str) -> &'static str {
    match outcome {
        "delivered" => "delivered",
        "retry" => "will retry",
        "failed" => "failed",
        _ => "unknown",
    }
}

#[component]
fn AttemptItem(attempt: AttemptView, open: bool) -> impl IntoView {
    let truncated = match (&attempt.response_body, attempt.response_body_bytes) {
        (Some(body), Some(bytes)) if usize::try_from(bytes).is_ok_and(|n| n > body.len()) => Some(
            format!("Only the start of the answer is kept: it was {bytes} bytes."),
        ),
        _ => None,
    };
    let latency = attempt
        .latency_ms
        .map(|ms| view! { <span class="muted">{format!("{ms} ms")}</span> });
    let status = attempt.response_status.map_or_else(
        || view! { <span class="badge status-error">"no answer"</span> }.into_any(),
        |status| view! { <StatusBadge status/> }.into_any(),
    );
    view! {
        <li class=format!("attempt outcome-{}", attempt.outcome) data-testid=format!("attempt-{}", attempt.attempt_no)>
            <div class="attempt-head">
                <strong>"Attempt " {attempt.attempt_no}</strong>
                <span class="nowrap">{short_time(&attempt.started_at)}</span>
                <span class=format!("badge outcome outcome-{}", attempt.outcome)>{outcome_text(&attempt.outcome)}</span>
                {status}
                {latency}
            </div>
            <p class="attempt-url"><span class="method">"POST"</span> " " <span class="mono">{attempt.url.clone()}</span></p>
            {attempt.error.clone().map(|error| view! { <p class="error-text attempt-error">{error}</p> })}
            <details class="exchange" open=open>
                <summary>"Request"</summary>
                <h3>"Headers"</h3>
                <pre class="code">{headers_text(&attempt.request_headers)}</pre>
                <h3>"Body"</h3>
                <pre class="code">{attempt.request_body.clone()}</pre>
            </details>
            <details class="exchange" open=open>
                <summary>"Response"</summary>
                <h3>"Headers"</h3>
                <pre class="code">{headers_text(&attempt.response_headers)}</pre>
                <h3>"Body"</h3>
                {truncated.map(|text| view! { <p class="hint">{text}</p> })}
                <pre class="code">{attempt.response_body.clone().unwrap_or_else(|| "(none)".to_owned())}</pre>
            </details>
        </li>
    }
}
