//! The events owed to Orange (operators and administrators): resend one, retry one now, and
//! resend every event a filter matches. Each is audited and wakes the delivery worker.

use fleetdesk_vocab::EventId;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::api::core_filter;
use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::EventFilter;
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::outbox::browse::{self, ActionError};

use super::action::{Confirmation, Cx, Fields, NoFields, Note, Reply, Ticked};
use super::forms::not_saved;
use crate::state::AppState;

const LIST: &str = "/events";

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

/// An action asked from a form: on which event, confirmed or not, and where the reader goes when
/// there is no such event (`missing`).
pub struct Asked<'a> {
    pub id: &'a EventId,
    pub action: EventAction,
    pub confirmed: bool,
    pub missing: &'a str,
}

/// Resends an event or retries it now, audited: from the event's page and from the stuck-work
/// page alike. The role check is the caller's: support staff may act on stuck events, not from
/// the events pages.
pub async fn act<N>(cx: &Cx<N>, asked: Asked<'_>) -> Reply {
    let (state, lang) = (&cx.state, cx.lang);
    let Asked {
        id,
        action,
        confirmed,
        missing,
    } = asked;
    let gone = || Note::from(no_such_event(lang)).at(missing);
    let before = match browse::detail(&state.db, id).await {
        Ok(Some(detail)) => detail.event,
        Ok(None) => return Err(gone()),
        Err(error) => {
            tracing::error!(error = %error, event.id = %id, "failed to load an event");
            return Err(not_saved(lang).into());
        }
    };
    let done = match action {
        EventAction::Resend if !confirmed => {
            return Err(lang.t(Text::TickIUnderstandToResendThe).into());
        }
        EventAction::Resend => browse::resend(&state.db, &cx.acting, id).await,
        EventAction::RetryNow if !matches!(before.state.as_str(), "pending" | "failed") => {
            return Err(say::retry_only_pending_or_failed(lang, before.state).into());
        }
        EventAction::RetryNow => browse::retry_now(&state.db, &cx.acting, id).await,
    };
    match done {
        Ok(_) => {
            state.delivery.notify_one();
            let note = delivery_note(state, lang).await;
            let said = match action {
                EventAction::Resend => {
                    tracing::info!(event.id = %id, "event resent by an operator");
                    say::event_will_be_resent(lang, id)
                }
                EventAction::RetryNow => {
                    tracing::info!(event.id = %id, "event retried now by an operator");
                    say::event_will_be_tried_now(lang, id)
                }
            };
            Ok(format!("{said}{note}").into())
        }
        // Between the check and the change it was claimed or delivered.
        Err(ActionError::NotFound) if action == EventAction::RetryNow => {
            Err(lang.t(Text::OnlyAPendingOrFailedEvent).into())
        }
        Err(ActionError::NotFound) => Err(gone()),
        Err(ActionError::Delivering) => Err(lang.t(Text::TheEventIsBeingSentRight).into()),
        Err(ActionError::Db(error)) => {
            tracing::error!(error = %error, event.id = %id, "failed to change an event");
            Err(not_saved(lang).into())
        }
    }
}

/// `POST /console/events/{id}/resend`: sends an event again (same `eventId`), once confirmed.
pub async fn resend(cx: Cx<ChangeData>, id: EventId, Fields(form): Fields<Confirmation>) -> Reply {
    let asked = Asked {
        id: &id,
        action: EventAction::Resend,
        confirmed: form.confirm.0,
        missing: LIST,
    };
    act(&cx, asked).await
}

/// `POST /console/events/{id}/retry`: tries a pending or failed event now.
pub async fn retry_now(cx: Cx<ChangeData>, id: EventId, _: Fields<NoFields>) -> Reply {
    let asked = Asked {
        id: &id,
        action: EventAction::RetryNow,
        confirmed: true,
        missing: LIST,
    };
    act(&cx, asked).await
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
    confirm: Ticked,
}

/// `POST /console/events/resend`: resends every event the filter matches (those being sent
/// right now excepted), once confirmed on the page that showed how many. The reader goes back to
/// the list with the same filter.
pub async fn resend_matching(cx: Cx<ChangeData>, _: (), Fields(form): Fields<BulkForm>) -> Reply {
    let lang = cx.lang;
    let filter = EventFilter {
        state: form.state,
        event_type: form.event_type,
        resource: form.resource,
        from: form.from,
        to: form.to,
    }
    .trimmed();
    let list = with_filter(LIST, &filter);
    // Never widened: a filter that does not read resends nothing.
    let core = core_filter(&filter, lang).map_err(|problem| Note::from(problem).at(&list))?;
    if !form.confirm.0 {
        let text = lang.t(Text::TickIUnderstandToResendThese);
        return Err(Note::from(text).at(with_filter("/events/resend", &filter)));
    }
    match browse::resend_matching(&cx.state.db, &cx.acting, &core).await {
        Ok(count) => {
            cx.state.delivery.notify_one();
            tracing::info!(count, "events resent in bulk by an operator");
            let note = delivery_note(&cx.state, lang).await;
            let text = match count {
                0 => lang.t(Text::NoEventMatchedNothingWasResent).to_owned(),
                n => format!("{}{note}", say::events_will_be_resent(lang, n)),
            };
            Ok(Note::from(text).at(list))
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to resend events in bulk");
            Err(Note::from(not_saved(lang)).at(list))
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
