//! The stuck-work page's actions: complete an acknowledged order or task now, fail
//! it with a contract error code and a message, retry or resend a stuck event; and the thresholds
//! (administrators). Unblocking is open to every role, support staff included; each action is
//! audited and redirects back to `/stuck` with a message in the reader's language.

use fleetdesk_vocab::EventId;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::{Administer, Permission, Support};
use fleetdesk_core::orange::completion;
use fleetdesk_core::stuck::{self, FailError, Thresholds};
use fleetdesk_core::work::Work;

use super::action::{Confirmation, Cx, Fields, NoFields, Note, Reply, Ticked};
use super::events::{self, Asked, EventAction};
use super::forms::not_saved;

const PAGE: &str = "/stuck";

/// Support staff act on the stuck-work page only on what is stuck by its own rule at the moment
/// of the action; anything else needs an operator.
pub(super) async fn refuse_support_unless_stuck<N>(
    cx: &Cx<N>,
    kind: &str,
    id: &str,
) -> Result<(), Note> {
    if Permission::ChangeData.allows(cx.operator.role) {
        return Ok(());
    }
    let stuck = async {
        let thresholds = stuck::load(&cx.state.db).await?;
        stuck::is_stuck(&cx.state.db, &thresholds, kind, id).await
    }
    .await;
    match stuck {
        Ok(Some(true)) => Ok(()),
        Ok(_) => {
            // Refused, and nothing changes. The page may have shown it as stuck a moment ago (the
            // background completion or a delivery got there first): the reader goes back to the
            // page with words, not to a bare 403.
            tracing::warn!(operator.id = %cx.operator.id, object.id = %id, "refused support's action on work that is not stuck");
            let meanwhile = cx.t(if kind == "event" {
                Text::MaybeDeliveredMeanwhile
            } else {
                Text::MaybeCompletedMeanwhile
            });
            Err(say::not_stuck_now(cx.lang, id, meanwhile).into())
        }
        Err(error) => {
            tracing::error!(error = %error, "failed to check whether work is stuck");
            Err(not_saved(cx.lang).into())
        }
    }
}

/// The work a path names, or the refusal of a path that names none.
fn work(kind: &str, lang: Lang) -> Result<Work, Note> {
    Work::parse(kind).ok_or_else(|| not_saved(lang).into())
}

/// `POST /console/stuck/{orders|tasks}/{id}/complete`: completes acknowledged work now.
pub async fn complete(cx: Cx<Support>, (kind, id): (String, String), _: Fields<NoFields>) -> Reply {
    let work = work(&kind, cx.lang)?;
    refuse_support_unless_stuck(&cx, work.object_type(), &id).await?;
    let done = match work {
        Work::Order => {
            completion::complete_order(&cx.state.db, Some(&cx.acting), &id.as_str().into()).await
        }
        Work::Task => {
            completion::complete_task(&cx.state.db, Some(&cx.acting), &id.as_str().into()).await
        }
    };
    match done {
        Ok(true) => {
            cx.state.delivery.notify_one();
            tracing::info!(work.id = %id, "stuck work completed by an operator");
            let text = match work {
                Work::Order => say::order_completed_by_support(cx.lang, &id),
                Work::Task => say::task_completed_by_support(cx.lang, &id),
            };
            Ok(text.into())
        }
        Ok(false) => Err(cx.t(Text::OnlyAcknowledgedWorkCanBeCompleted).into()),
        Err(error) => {
            tracing::error!(error = %error, work.id = %id, "failed to complete stuck work");
            Err(not_saved(cx.lang).into())
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
    confirm: Ticked,
}

/// `POST /console/stuck/{orders|tasks}/{id}/fail`: fails waiting work with a contract error code.
pub async fn fail(
    cx: Cx<Support>,
    (kind, id): (String, String),
    Fields(form): Fields<FailForm>,
) -> Reply {
    let lang = cx.lang;
    let work = work(&kind, cx.lang)?;
    refuse_support_unless_stuck(&cx, work.object_type(), &id).await?;
    form.confirm.or(cx.t(Text::TickIUnderstandToFailThe))?;
    let code = stuck::FAILURE_CODES
        .iter()
        .copied()
        .find(|code| code.as_str() == form.code)
        .ok_or_else(|| Note::from(cx.t(Text::ChooseOneOfTheContractsError)))?;
    let (db, acting) = (&cx.state.db, &cx.acting);
    let failed = match work {
        Work::Order => stuck::fail_order(db, acting, &id, code, &form.message)
            .await
            .map(|_| "failed"),
        Work::Task => stuck::fail_task(db, acting, &id, code, &form.message).await,
    };
    let outcome = failed.map_err(|error| {
        let text = match error {
            FailError::NotFound => lang.t(Text::NoSuchOrderOrTask),
            FailError::NotWaiting => lang.t(Text::OnlyAcknowledgedOrInProgressWork),
            FailError::NoMessage => lang.t(Text::WriteAMessageForOrange),
            FailError::Db(error) => {
                tracing::error!(error = %error, work.id = %id, "failed to fail stuck work");
                not_saved(lang)
            }
        };
        Note::from(text)
    })?;
    cx.state.delivery.notify_one();
    tracing::info!(work.id = %id, code = code.as_str(), "stuck work failed by an operator");
    let code = code.as_str();
    let text = match (work, outcome == "partial") {
        (Work::Order, false) => say::order_now_failed(lang, &id, code),
        (Work::Order, true) => say::order_now_partial(lang, &id, code),
        (Work::Task, false) => say::task_now_failed(lang, &id, code),
        (Work::Task, true) => say::task_now_partial(lang, &id, code),
    };
    Ok(text.into())
}

/// `POST /console/stuck/events/{id}/{resend|retry}`: sends a stuck event again or now, as the
/// event's own page does; support staff may too, while the event is stuck.
pub async fn event(
    cx: Cx<Support>,
    (id, action): (EventId, String),
    Fields(form): Fields<Confirmation>,
) -> Reply {
    refuse_support_unless_stuck(&cx, "event", id.as_str()).await?;
    let action = match action.as_str() {
        "resend" => EventAction::Resend,
        "retry" => EventAction::RetryNow,
        _ => return Err(not_saved(cx.lang).into()),
    };
    let asked = Asked {
        id: &id,
        action,
        confirmed: form.confirm.0,
        missing: PAGE,
    };
    events::act(&cx, asked).await
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
    cx: Cx<Administer>,
    _: (),
    Fields(form): Fields<ThresholdsForm>,
) -> Reply {
    let minutes = |text: &str| text.trim().parse::<u32>().unwrap_or(0);
    let new = Thresholds {
        order_minutes: minutes(&form.order_minutes),
        task_minutes: minutes(&form.task_minutes),
        event_minutes: minutes(&form.event_minutes),
    };
    if new.check().is_err() {
        return Err(cx.t(Text::EachThresholdIsAWholeNumber).into());
    }
    if let Err(error) = stuck::save(&cx.state.db, &new, &cx.acting).await {
        tracing::error!(error = %error, "failed to save the stuck thresholds");
        return Err(not_saved(cx.lang).into());
    }
    Ok(cx.t(Text::ThresholdsSaved).into())
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
