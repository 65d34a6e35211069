//! Console form handlers for the events owed to Orange (operators and administrators): resend
//! one, retry one now, and resend every event a filter matches. Each is audited, wakes the
//! delivery worker and redirects back with a flash message.

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::Response;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::api::core_filter;
use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::{EventFilter, FlashKind};
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::outbox::browse::{self, ActionError};

use super::forms::{ConfirmForm, Console, back, not_saved, unreadable};
use crate::state::AppState;

const LIST: &str = "/events";

fn event_page(id: &str) -> String {
    format!("{LIST}/{id}")
}

/// `path` followed by the filter's set fields as a query string.
fn with_filter(path: &str, filter: &EventFilter) -> String {
    let pairs = filter.pairs();
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{path}?{query}")
}

/// What happens next for an event made due now, in words: nothing goes out while delivery is
/// paused or not configured.
async fn delivery_note(state: &AppState, lang: Lang) -> &'static str {
    match fleetdesk_core::outbox::settings::load(&state.db).await {
        Ok(settings) if settings.paused => lang.t(Text::DeliveryIsPausedItGoesOut),
        Ok(settings) if !settings.is_configured() => lang.t(Text::DeliveryIsNotConfiguredYetIt),
        _ => "",
    }
}

fn no_such_event(lang: Lang) -> &'static str {
    lang.t(Text::NoSuchEvent)
}

/// An action on one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    /// Sends it again (same `eventId`), whatever its state but delivering; needs a confirmation.
    Resend,
    /// Tries a pending or failed event now.
    RetryNow,
}

/// An action asked from a form: on which event, confirmed or not, by which request, in which
/// language, and where the reader goes after it: `page` on the whole, `missing` when there is no
/// such event.
pub struct Asked<'a> {
    pub id: &'a str,
    pub action: EventAction,
    pub confirmed: bool,
    pub page: &'a str,
    pub missing: &'a str,
}

/// Resends an event or retries it now, audited, and goes back with a message: from the event's
/// page and from the stuck-work page alike. The role check is the caller's: support staff may
/// act on stuck events, not from the events pages.
pub async fn act<P>(state: &AppState, console: &Console<P>, asked: Asked<'_>) -> Response {
    let (session, lang) = (&console.session, console.lang);
    let Asked {
        id,
        action,
        confirmed,
        page,
        missing,
    } = asked;
    let before = match browse::detail(&state.db, id).await {
        Ok(Some(detail)) => detail.event,
        Ok(None) => return back(session, missing, FlashKind::Error, no_such_event(lang)).await,
        Err(error) => {
            tracing::error!(error = %error, event.id = %id, "failed to load an event");
            return back(session, page, FlashKind::Error, not_saved(lang)).await;
        }
    };
    let done = match action {
        EventAction::Resend if !confirmed => {
            let text = lang.t(Text::TickIUnderstandToResendThe);
            return back(session, page, FlashKind::Error, text).await;
        }
        EventAction::Resend => browse::resend(&state.db, &console.acting(), id).await,
        EventAction::RetryNow if !matches!(before.state.as_str(), "pending" | "failed") => {
            let text = say::retry_only_pending_or_failed(lang, before.state);
            return back(session, page, FlashKind::Error, text).await;
        }
        EventAction::RetryNow => browse::retry_now(&state.db, &console.acting(), id).await,
    };
    let verb = match action {
        EventAction::Resend => "resent",
        EventAction::RetryNow => "retried now",
    };
    match done {
        Ok(_) => {
            state.delivery.notify_one();
            tracing::info!(event.id = %id, "event {verb} by an operator");
            let note = delivery_note(state, lang).await;
            let said = match action {
                EventAction::Resend => say::event_will_be_resent(lang, id),
                EventAction::RetryNow => say::event_will_be_tried_now(lang, id),
            };
            let text = format!("{said}{note}");
            back(session, page, FlashKind::Success, text).await
        }
        // Between the check and the change it was claimed or delivered.
        Err(ActionError::NotFound) if action == EventAction::RetryNow => {
            let text = lang.t(Text::OnlyAPendingOrFailedEvent);
            back(session, page, FlashKind::Error, text).await
        }
        Err(ActionError::NotFound) => {
            back(session, missing, FlashKind::Error, no_such_event(lang)).await
        }
        Err(ActionError::Delivering) => {
            let text = lang.t(Text::TheEventIsBeingSentRight);
            back(session, page, FlashKind::Error, text).await
        }
        Err(ActionError::Db(error)) => {
            tracing::error!(error = %error, event.id = %id, "failed to change an event");
            back(session, page, FlashKind::Error, not_saved(lang)).await
        }
    }
}

/// `POST /console/events/{id}/resend`: sends an event again (same `eventId`), once confirmed.
pub async fn resend(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let page = event_page(&id);
    let Ok(Form(form)) = Form::<ConfirmForm>::from_request(request, &state).await else {
        return console
            .back(&page, FlashKind::Error, unreadable(lang))
            .await;
    };
    let asked = Asked {
        id: &id,
        action: EventAction::Resend,
        confirmed: form.confirmed(),
        page: &page,
        missing: LIST,
    };
    act(&state, &console, asked).await
}

/// `POST /console/events/{id}/retry`: tries a pending or failed event now.
pub async fn retry_now(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
) -> Response {
    let page = event_page(&id);
    let asked = Asked {
        id: &id,
        action: EventAction::RetryNow,
        confirmed: true,
        page: &page,
        missing: LIST,
    };
    act(&state, &console, asked).await
}

/// The bulk resend form: the filter it was confirmed with, and the confirmation.
#[derive(Debug, Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    event_type: String,
    #[serde(default)]
    resource: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /console/events/resend`: resends every event the filter matches (those being sent
/// right now excepted), once confirmed on the page that showed how many.
pub async fn resend_matching(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Ok(Form(form)) = Form::<BulkForm>::from_request(request, &state).await else {
        return console.back(LIST, FlashKind::Error, unreadable(lang)).await;
    };
    let filter = EventFilter {
        state: form.state,
        event_type: form.event_type,
        resource: form.resource,
        from: form.from,
        to: form.to,
    }
    .trimmed();
    let list = with_filter(LIST, &filter);
    let core = match core_filter(&filter, lang) {
        Ok(core) => core,
        // Never widened: a filter that does not read resends nothing.
        Err(problem) => return console.back(&list, FlashKind::Error, problem).await,
    };
    if form.confirm != "yes" {
        return console
            .back(
                &with_filter("/events/resend", &filter),
                FlashKind::Error,
                lang.t(Text::TickIUnderstandToResendThese),
            )
            .await;
    }
    match browse::resend_matching(&state.db, &console.acting(), &core).await {
        Ok(count) => {
            state.delivery.notify_one();
            tracing::info!(count, "events resent in bulk by an operator");
            let note = delivery_note(&state, lang).await;
            let text = match count {
                0 => lang.t(Text::NoEventMatchedNothingWasResent).to_owned(),
                n => format!("{}{note}", say::events_will_be_resent(lang, n)),
            };
            console.back(&list, FlashKind::Success, text).await
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to resend events in bulk");
            console.back(&list, FlashKind::Error, not_saved(lang)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_keep_the_filter_encoded() {
        assert_eq!(with_filter(LIST, &EventFilter::default()), "/events");
        let filter = EventFilter {
            state: "failed".into(),
            resource: "OBA ORD&1".into(),
            ..EventFilter::default()
        };
        assert_eq!(
            with_filter(LIST, &filter),
            "/events?state=failed&resource=OBA+ORD%261"
        );
    }
}
