//! `/events/{id}`: one event owed to Orange: what it is about and where it stands, its payload,
//! and every delivery attempt as a timeline (request and answer as exchanged, secrets masked).
//! Operators and administrators resend it (confirmed) or retry it now.

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;

use super::events::{DeliveryBanner, EventStateBadge, event_type_text, list_href};
use super::exchanges::StatusBadge;
use super::parts::DetailPage;
use super::query_string;
use crate::api::fetch_event;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{AttemptView, EventDetailView, EventFilter, EventRowView};
use crate::posts;

#[component]
pub fn EventPage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::Event
            back=("/events", Text::BackToEvents)
            fetch=fetch_event
            body=|detail| view! { <EventBody detail/> }
        />
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
        return lang.t(Text::NoneMParen).to_owned();
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
        <h1 class="mono-heading">{event.id.to_string()}</h1>
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
            <h2>{lang.t(Text::Payload)}</h2>
            <p class="hint">{lang.t(Text::TheBodyPostedToOrangeThe)}</p>
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
            view! { <a href=href class="mono" title=lang.t(Text::EveryEventWithThisReference)>{reference}</a> }
                .into_any()
        }
        None => view! {
            <span class="muted">{lang.t(Text::NoneNoOrangeReferenceCausedIt)}</span>
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
                <dt>{lang.t(Text::Resource)}</dt>
                <dd>
                    {event.resource_kind.clone()} " "
                    <a href=same_resource class="mono" title=lang.t(Text::EveryEventAboutThisResource)>{event.resource_id.to_string()}</a>
                    " · "
                    <a href=exchanges>{lang.t(Text::OrangesCallsAboutIt)}</a>
                </dd>
                <dt>{lang.t(Text::CorrelationId)}</dt>
                <dd>{correlation}</dd>
                <dt>{lang.t(Text::Created)}</dt>
                <dd><When at=event.created_at.clone()/> " " <span class="muted mono">{event.created_at.clone()}</span></dd>
                <dt>{lang.t(Text::EventDelivered)}</dt>
                <dd>{time_or_dash(event.delivered_at.as_deref())}</dd>
                <dt>{lang.t(Text::Failed)}</dt>
                <dd>{time_or_dash(event.failed_at.as_deref())}</dd>
                <dt>{lang.t(Text::NextAttempt)}</dt>
                <dd data-testid="next-attempt">{next}</dd>
                <dt>{lang.t(Text::Attempts)}</dt>
                <dd>{event.attempt_count}</dd>
                <dt>{lang.t(Text::LastAnswer)}</dt>
                <dd>{event.last_response_status.map_or_else(|| view! { "—" }.into_any(), |status| view! { <StatusBadge status/> }.into_any())}</dd>
                <dt>{lang.t(Text::LastError)}</dt>
                <dd class=if event.last_error.is_some() { "error-text" } else { "" } data-testid="last-error">{or_dash(event.last_error.as_deref())}</dd>
                <dt>{lang.t(Text::RequestId)}</dt>
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
        let action = posts::RESEND_EVENT.to([&event.id]);
        view! {
            <form method="post" action=action class="action-form">
                <div class="choice">
                    <input id="confirm-resend" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-resend" class="confirm-label">
                        {lang.t(Text::IUnderstandOrangeReceivesThisEvent)}
                    </label>
                </div>
                <button type="submit" class="button primary">{lang.t(Text::Resend)}</button>
            </form>
        }
    });
    let retry = event.can_retry_now().then(|| {
        let action = posts::RETRY_EVENT.to([&event.id]);
        view! {
            <form method="post" action=action class="action-form">
                <p class="hint">{lang.t(Text::TriesNowInsteadOfAtThe)}</p>
                <button type="submit" class="button secondary">{lang.t(Text::RetryNow)}</button>
            </form>
        }
    });
    let busy = (!event.can_resend()).then(|| {
        view! {
            <p class="muted">
                {lang.t(Text::ThisEventIsBeingSentRight)}
            </p>
        }
    });
    view! {
        <section class="panel event-actions" aria-label=lang.t(Text::Actions)>
            <h2>{lang.t(Text::Actions)}</h2>
            <div class="action-row">{resend}{retry}{busy}</div>
        </section>
    }
}

#[component]
fn Timeline(attempts: Vec<AttemptView>) -> impl IntoView {
    let lang = use_lang();
    let last = attempts.last().map(|a| a.attempt_no);
    let body = if attempts.is_empty() {
        view! { <p class="muted">{lang.t(Text::NoAttemptYet)}</p> }.into_any()
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
            <h2>{lang.t(Text::DeliveryTimeline)}</h2>
            {body}
        </section>
    }
}

fn outcome_text(outcome: &str, lang: Lang) -> &'static str {
    match outcome {
        "delivered" => lang.t(Text::EventDeliveredLower),
        "retry" => lang.t(Text::WillRetry),
        "failed" => lang.t(Text::FailedLower),
        _ => lang.t(Text::Unknown),
    }
}

#[component]
fn AttemptItem(attempt: AttemptView, open: bool) -> impl IntoView {
    let lang = use_lang();
    let truncated = match (&attempt.response_body, attempt.response_body_bytes) {
        (Some(body), Some(bytes)) if usize::try_from(bytes).is_ok_and(|n| n > body.len()) => {
            Some(say::answer_truncated(lang, bytes))
        }
        _ => None,
    };
    let latency = attempt
        .latency_ms
        .map(|ms| view! { <span class="muted">{format!("{ms} ms")}</span> });
    let status = attempt.response_status.map_or_else(
        || view! { <span class="badge status-error">{lang.t(Text::NoAnswer)}</span> }.into_any(),
        |status| view! { <StatusBadge status/> }.into_any(),
    );
    view! {
        <li class=format!("attempt outcome-{}", attempt.outcome) data-testid=format!("attempt-{}", attempt.attempt_no)>
            <div class="attempt-head">
                <strong>{lang.t(Text::Attempt)} {attempt.attempt_no}</strong>
                <span class="nowrap"><When at=attempt.started_at.clone()/></span>
                <span class=format!("badge outcome outcome-{}", attempt.outcome)>{outcome_text(&attempt.outcome, lang)}</span>
                {status}
                {latency}
            </div>
            <p class="attempt-url"><span class="method">"POST"</span> " " <span class="mono">{attempt.url.clone()}</span></p>
            {attempt.error.clone().map(|error| view! { <p class="error-text attempt-error">{error}</p> })}
            <details class="exchange" open=open>
                <summary>{lang.t(Text::RequestTechnical)}</summary>
                <h3>{lang.t(Text::Headers)}</h3>
                <pre class="code" tabindex="0">{headers_text(&attempt.request_headers, lang)}</pre>
                <h3>{lang.t(Text::Body)}</h3>
                <pre class="code" tabindex="0">{attempt.request_body.clone()}</pre>
            </details>
            <details class="exchange" open=open>
                <summary>{lang.t(Text::Response)}</summary>
                <h3>{lang.t(Text::Headers)}</h3>
                <pre class="code" tabindex="0">{headers_text(&attempt.response_headers, lang)}</pre>
                <h3>{lang.t(Text::Body)}</h3>
                {truncated.map(|text| view! { <p class="hint">{text}</p> })}
                <pre class="code" tabindex="0">{attempt.response_body.clone().unwrap_or_else(|| lang.t(Text::NoneMParen).to_owned())}</pre>
            </details>
        </li>
    }
}
