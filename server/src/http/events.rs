//! Console form handlers for the events owed to Orange (operators and administrators): resend
//! one, retry one now, and resend every event a filter matches. Each is audited, wakes the
//! delivery worker and redirects back with a flash message.

use axum::Form;
use axum::extract::{Extension, FromRequest, Path, Request, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use fleetdesk_app::api::core_filter;
use fleetdesk_app::model::{EventFilter, FlashKind};
use fleetdesk_core::audit::Entry;
use fleetdesk_core::operators::CurrentOperator;
use fleetdesk_core::outbox::browse::{self, ActionError, EventRow};

use super::auth::write_audit;
use super::forms::{NOT_SAVED, UNREADABLE, actor, back, refuse_read_only, sentence};
use super::request_id_of;
use crate::state::AppState;

const LIST: &str = "/events";
const READ_ONLY: &str = "Your role does not allow acting on events.";

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
async fn delivery_note(state: &AppState) -> &'static str {
    match fleetdesk_core::outbox::settings::load(&state.db).await {
        Ok(settings) if settings.paused => " Delivery is paused: it goes out once resumed.",
        Ok(settings) if !settings.is_configured() => {
            " Delivery is not configured yet: it waits until it is."
        }
        _ => "",
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// Why the event could not be read before an action.
enum Unreadable {
    NotFound,
    Failed,
}

impl Unreadable {
    async fn back(self, session: &Session, id: &str) -> Response {
        match self {
            Unreadable::NotFound => back(session, LIST, FlashKind::Error, "No such event.").await,
            Unreadable::Failed => back(session, &event_page(id), FlashKind::Error, NOT_SAVED).await,
        }
    }
}

/// The event before an action.
async fn load(state: &AppState, id: &str) -> Result<EventRow, Unreadable> {
    match browse::detail(&state.db, id).await {
        Ok(Some(detail)) => Ok(detail.event),
        Ok(None) => Err(Unreadable::NotFound),
        Err(error) => {
            tracing::error!(error = %error, event.id = %id, "failed to load an event");
            Err(Unreadable::Failed)
        }
    }
}

/// The flash for a refused action.
async fn refused(session: &Session, id: &str, error: ActionError) -> Response {
    match error {
        ActionError::NotFound => back(session, LIST, FlashKind::Error, "No such event.").await,
        ActionError::Delivering => {
            back(
                session,
                &event_page(id),
                FlashKind::Error,
                sentence(&error.to_string()),
            )
            .await
        }
        ActionError::Db(error) => {
            tracing::error!(error = %error, event.id = %id, "failed to change an event");
            back(session, &event_page(id), FlashKind::Error, NOT_SAVED).await
        }
    }
}

/// `POST /console/events/{id}/resend`: sends an event again (same `eventId`), once confirmed.
pub async fn resend(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_read_only(&current, READ_ONLY) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let page = event_page(&id);
    let Ok(Form(form)) = Form::<ConfirmForm>::from_request(request, &state).await else {
        return back(&session, &page, FlashKind::Error, UNREADABLE).await;
    };
    let before = match load(&state, &id).await {
        Ok(before) => before,
        Err(unreadable) => return unreadable.back(&session, &id).await,
    };
    if form.confirm != "yes" {
        return back(
            &session,
            &page,
            FlashKind::Error,
            "Tick “I understand” to resend the event: Orange receives it again.",
        )
        .await;
    }
    match browse::resend(&state.db, &id).await {
        Ok(after) => {
            let entry = Entry::new(actor(&current), "event.resend", "event", Some(&id))
                .before(&before)
                .after(&after)
                .request_id(request_id);
            write_audit(&state, &entry).await;
            state.delivery.notify_one();
            tracing::info!(event.id = %id, "event resent by an operator");
            let note = delivery_note(&state).await;
            back(
                &session,
                &page,
                FlashKind::Success,
                format!("Event {id} will be sent again.{note}"),
            )
            .await
        }
        Err(error) => refused(&session, &id, error).await,
    }
}

/// `POST /console/events/{id}/retry`: tries a pending or failed event now.
pub async fn retry_now(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_read_only(&current, READ_ONLY) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let page = event_page(&id);
    let before = match load(&state, &id).await {
        Ok(before) => before,
        Err(unreadable) => return unreadable.back(&session, &id).await,
    };
    if !matches!(before.state.as_str(), "pending" | "failed") {
        return back(
            &session,
            &page,
            FlashKind::Error,
            format!(
                "Only a pending or failed event can be retried now; this one is {}.",
                before.state
            ),
        )
        .await;
    }
    match browse::retry_now(&state.db, &id).await {
        Ok(after) => {
            let entry = Entry::new(actor(&current), "event.retry_now", "event", Some(&id))
                .before(&before)
                .after(&after)
                .request_id(request_id);
            write_audit(&state, &entry).await;
            state.delivery.notify_one();
            tracing::info!(event.id = %id, "event retried now by an operator");
            let note = delivery_note(&state).await;
            back(
                &session,
                &page,
                FlashKind::Success,
                format!("Event {id} will be tried now.{note}"),
            )
            .await
        }
        // Between the check and the change it was claimed or delivered.
        Err(ActionError::NotFound) => {
            back(
                &session,
                &page,
                FlashKind::Error,
                "Only a pending or failed event can be retried now.",
            )
            .await
        }
        Err(error) => refused(&session, &id, error).await,
    }
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
    Extension(current): Extension<CurrentOperator>,
    session: Session,
    request: Request,
) -> Response {
    if let Some(refused) = refuse_read_only(&current, READ_ONLY) {
        return refused;
    }
    let request_id = request_id_of(&request);
    let Ok(Form(form)) = Form::<BulkForm>::from_request(request, &state).await else {
        return back(&session, LIST, FlashKind::Error, UNREADABLE).await;
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
    let core = match core_filter(&filter) {
        Ok(core) => core,
        // Never widened: a filter that does not read resends nothing.
        Err(problem) => return back(&session, &list, FlashKind::Error, problem).await,
    };
    if form.confirm != "yes" {
        return back(
            &session,
            &with_filter("/events/resend", &filter),
            FlashKind::Error,
            "Tick “I understand” to resend these events: Orange receives them again.",
        )
        .await;
    }
    match browse::resend_matching(&state.db, &core).await {
        Ok(count) => {
            let entry = Entry::new(actor(&current), "event.resend_matching", "event", None)
                .after(serde_json::json!({ "filter": core, "count": count }))
                .request_id(request_id);
            write_audit(&state, &entry).await;
            state.delivery.notify_one();
            tracing::info!(count, "events resent in bulk by an operator");
            let text = match count {
                0 => "No event matched: nothing was resent.".to_owned(),
                1 => format!("1 event will be sent again.{}", delivery_note(&state).await),
                n => format!(
                    "{n} events will be sent again.{}",
                    delivery_note(&state).await
                ),
            };
            back(&session, &list, FlashKind::Success, text).await
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to resend events in bulk");
            back(&session, &list, FlashKind::Error, NOT_SAVED).await
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
