//! Console form handlers of the stuck-work page: complete an acknowledged order or task now, fail
//! it with a contract error code and a message, retry or resend a stuck event; and the thresholds
//! (administrators). Unblocking is open to every role, support staff included; each action is
//! audited and redirects back to `/stuck` with a message in the reader's language.

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::{Administer, Permission, Support};
use fleetdesk_core::audit::Entry;
use fleetdesk_core::orange::completion;
use fleetdesk_core::stuck::{self, FailError, Thresholds};

use super::events::{self, Asked, EventAction};
use super::forms::{ConfirmForm, Console, back, not_saved, unreadable};
use crate::state::AppState;

const PAGE: &str = "/stuck";

/// Which work a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Order,
    Task,
}

impl Work {
    fn parse(kind: &str) -> Option<Work> {
        match kind {
            "orders" => Some(Work::Order),
            "tasks" => Some(Work::Task),
            _ => None,
        }
    }

    fn object_type(self) -> &'static str {
        match self {
            Work::Order => "order",
            Work::Task => "task",
        }
    }
}

/// Support staff act on the stuck-work page only on what is stuck by its own rule at the moment
/// of the action; anything else needs an operator. `Some(answer)` refuses.
async fn refuse_support_unless_stuck(
    state: &AppState,
    console: &Console<Support>,
    kind: &str,
    id: &str,
) -> Option<Response> {
    let (session, lang) = (&console.session, console.lang);
    if Permission::ChangeData.allows(console.operator.role) {
        return None;
    }
    let stuck = async {
        let thresholds = stuck::load(&state.db).await?;
        stuck::is_stuck(&state.db, &thresholds, kind, id).await
    }
    .await;
    match stuck {
        Ok(Some(true)) => None,
        Ok(_) => {
            // Refused, and nothing changes. The page may have shown it as stuck a moment ago (the
            // background completion or a delivery got there first): the reader goes back to the
            // page with words, not to a bare 403.
            tracing::warn!(operator.id = %console.operator.id, object.id = %id, "refused support's action on work that is not stuck");
            let meanwhile = lang.t(if kind == "event" {
                Text::MaybeDeliveredMeanwhile
            } else {
                Text::MaybeCompletedMeanwhile
            });
            let text = say::not_stuck_now(lang, id, meanwhile);
            Some(back(session, PAGE, FlashKind::Error, text).await)
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to check whether work is stuck");
            Some((StatusCode::INTERNAL_SERVER_ERROR, not_saved(lang)).into_response())
        }
    }
}

/// `POST /console/stuck/{orders|tasks}/{id}/complete`: completes acknowledged work now.
pub async fn complete(
    State(state): State<AppState>,
    console: Console<Support>,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let lang = console.lang;
    let Some(work) = Work::parse(&kind) else {
        return console.back(PAGE, FlashKind::Error, not_saved(lang)).await;
    };
    if let Some(refused) =
        refuse_support_unless_stuck(&state, &console, work.object_type(), &id).await
    {
        return refused;
    }
    let acting = console.acting();
    let done = match work {
        Work::Order => completion::complete_order(&state.db, Some(&acting), &id).await,
        Work::Task => completion::complete_task(&state.db, Some(&acting), &id).await,
    };
    match done {
        Ok(true) => {
            state.delivery.notify_one();
            tracing::info!(work.id = %id, "stuck work completed by an operator");
            let text = match work {
                Work::Order => say::order_completed_by_support(lang, &id),
                Work::Task => say::task_completed_by_support(lang, &id),
            };
            console.back(PAGE, FlashKind::Success, text).await
        }
        Ok(false) => {
            let text = lang.t(Text::OnlyAcknowledgedWorkCanBeCompleted);
            console.back(PAGE, FlashKind::Error, text).await
        }
        Err(error) => {
            tracing::error!(error = %error, work.id = %id, "failed to complete stuck work");
            console.back(PAGE, FlashKind::Error, not_saved(lang)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct FailForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /console/stuck/{orders|tasks}/{id}/fail`: fails waiting work with a contract error code.
pub async fn fail(
    State(state): State<AppState>,
    console: Console<Support>,
    Path((kind, id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let Some(work) = Work::parse(&kind) else {
        return console.back(PAGE, FlashKind::Error, not_saved(lang)).await;
    };
    if let Some(refused) =
        refuse_support_unless_stuck(&state, &console, work.object_type(), &id).await
    {
        return refused;
    }
    let Ok(Form(form)) = Form::<FailForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    if form.confirm != "yes" {
        let text = lang.t(Text::TickIUnderstandToFailThe);
        return console.back(PAGE, FlashKind::Error, text).await;
    }
    let Some(code) = stuck::FAILURE_CODES
        .iter()
        .copied()
        .find(|code| code.as_str() == form.code)
    else {
        let text = lang.t(Text::ChooseOneOfTheContractsError);
        return console.back(PAGE, FlashKind::Error, text).await;
    };
    let failed = match work {
        Work::Order => stuck::fail_order(&state.db, &console.acting(), &id, code, &form.message)
            .await
            .map(|_| "failed"),
        Work::Task => {
            stuck::fail_task(&state.db, &console.acting(), &id, code, &form.message).await
        }
    };
    match failed {
        Ok(outcome) => {
            state.delivery.notify_one();
            tracing::info!(work.id = %id, code = code.as_str(), "stuck work failed by an operator");
            let code = code.as_str();
            let text = match (work, outcome == "partial") {
                (Work::Order, false) => say::order_now_failed(lang, &id, code),
                (Work::Order, true) => say::order_now_partial(lang, &id, code),
                (Work::Task, false) => say::task_now_failed(lang, &id, code),
                (Work::Task, true) => say::task_now_partial(lang, &id, code),
            };
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(error) => {
            let text = match error {
                FailError::NotFound => lang.t(Text::NoSuchOrderOrTask),
                FailError::NotWaiting => lang.t(Text::OnlyAcknowledgedOrInProgressWork),
                FailError::NoMessage => lang.t(Text::WriteAMessageForOrange),
                FailError::Db(error) => {
                    tracing::error!(error = %error, work.id = %id, "failed to fail stuck work");
                    not_saved(lang)
                }
            };
            console.back(PAGE, FlashKind::Error, text).await
        }
    }
}

/// `POST /console/stuck/events/{id}/{resend|retry}`: sends a stuck event again or now, as the
/// event's own page does; support staff may too, while the event is stuck.
pub async fn event(
    State(state): State<AppState>,
    console: Console<Support>,
    Path((id, action)): Path<(String, String)>,
    request: Request,
) -> Response {
    let lang = console.lang;
    if let Some(refused) = refuse_support_unless_stuck(&state, &console, "event", &id).await {
        return refused;
    }
    let Ok(Form(form)) = Form::<ConfirmForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let action = match action.as_str() {
        "resend" => EventAction::Resend,
        "retry" => EventAction::RetryNow,
        _ => return console.back(PAGE, FlashKind::Error, not_saved(lang)).await,
    };
    let asked = Asked {
        id: &id,
        action,
        confirmed: form.confirmed(),
        page: PAGE,
        missing: PAGE,
    };
    events::act(&state, &console, asked).await
}

#[derive(Debug, Deserialize)]
pub struct ThresholdsForm {
    #[serde(default)]
    order_minutes: String,
    #[serde(default)]
    task_minutes: String,
    #[serde(default)]
    event_minutes: String,
}

/// `POST /console/settings/stuck` (administrators): after how long work counts as stuck.
pub async fn save_thresholds(
    State(state): State<AppState>,
    console: Console<Administer>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let request_id = console.request_id.clone();
    let Ok(Form(form)) = Form::<ThresholdsForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let minutes = |text: &str| text.trim().parse::<u32>().unwrap_or(0);
    let new = Thresholds {
        order_minutes: minutes(&form.order_minutes),
        task_minutes: minutes(&form.task_minutes),
        event_minutes: minutes(&form.event_minutes),
    };
    if new.check().is_err() {
        let text = lang.t(Text::EachThresholdIsAWholeNumber);
        return console.back(PAGE, FlashKind::Error, text).await;
    }
    let before = stuck::load(&state.db).await.ok();
    let mut entry = Entry::new(
        console.actor(),
        "settings.stuck",
        "settings",
        Some("stuck_thresholds"),
    )
    .after(new)
    .request_id(request_id);
    if let Some(before) = before {
        entry = entry.before(before);
    }
    if let Err(error) = stuck::save(&state.db, &new, &entry).await {
        tracing::error!(error = %error, "failed to save the stuck thresholds");
        return console.back(PAGE, FlashKind::Error, not_saved(lang)).await;
    }
    let text = lang.t(Text::ThresholdsSaved);
    console.back(PAGE, FlashKind::Success, text).await
}

#[cfg(test)]
mod tests {
    use super::Work;

    #[test]
    fn only_orders_and_tasks_are_work() {
        assert_eq!(Work::parse("orders"), Some(Work::Order));
        assert_eq!(Work::parse("tasks"), Some(Work::Task));
        assert_eq!(Work::parse("events"), None);
    }
}
