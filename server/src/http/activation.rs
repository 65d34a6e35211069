//! `POST /console/activation`: the activation queue's decision on the selected orders and tasks
//! (`work=orders/ord_…`, repeated), or on one row (`only=…`, its own Approve button). Approving
//! completes the work and queues Orange's event; rejecting fails it with a contract error code and
//! a message. Each decision is its own transaction, audited (`order.approve`, `order.fail`, ...);
//! work decided meanwhile (by another operator, or support from the stuck-work page) is left as
//! it is and counted in the answer. Operators and administrators decide; support staff act on
//! waiting work from the stuck-work page once it is stuck.

use std::collections::HashMap;

use fleetdesk_vocab::{ErrorCode, LicenceId, OrderId, Text, Work, say};

use fleetdesk_core::access::{ChangeData, Permission, Support};
use fleetdesk_core::provisioning::values::{LicenceValues, ValuesError};
use fleetdesk_core::provisioning::{self, DecideError, DecidedWith};
use fleetdesk_core::stuck::{self, FailError};

use super::action::{Cx, Fields, Note, Reply};
use super::forms::not_saved;

/// What the form asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Approve,
    Reject(ErrorCode),
}

/// The form as posted: its fields in order, `work` repeated.
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.trim())
}

/// `orders/ord_…` or `tasks/tsk_…`.
fn picked(value: &str) -> Option<(Work, String)> {
    let (word, id) = value.trim().split_once('/')?;
    Some((Work::parse(word)?, id.to_owned())).filter(|(_, id)| !id.is_empty())
}

/// The decision and the work it is about, or why the form cannot be acted on.
fn read<N>(cx: &Cx<N>, pairs: &Pairs) -> Result<(Decision, Vec<(Work, String)>), Note> {
    let only = field(pairs, "only");
    let values: Vec<&str> = if only.is_empty() {
        pairs
            .iter()
            .filter(|(key, _)| key == "work")
            .map(|(_, value)| value.as_str())
            .collect()
    } else {
        vec![only]
    };
    let work = values
        .into_iter()
        .map(picked)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Note::from(not_saved(cx.lang)))?;
    if work.is_empty() {
        return Err(cx.t(Text::SelectWorkFirst).into());
    }
    let decision = match (only.is_empty(), field(pairs, "decision")) {
        (false, _) | (true, "approve") => Decision::Approve,
        (true, "reject") => {
            if field(pairs, "confirm") != "yes" {
                return Err(cx.t(Text::TickIUnderstandToFailThe).into());
            }
            let code = stuck::FAILURE_CODES
                .iter()
                .copied()
                .find(|code| code.as_str() == field(pairs, "code"))
                .ok_or_else(|| Note::from(cx.t(Text::ChooseOneOfTheContractsError)))?;
            if field(pairs, "message").is_empty() {
                return Err(cx.t(Text::WriteAMessageForOrange).into());
            }
            Decision::Reject(code)
        }
        _ => return Err(not_saved(cx.lang).into()),
    };
    Ok((decision, work))
}

/// Approves or rejects the selected waiting work.
pub async fn decide(cx: Cx<ChangeData>, _: (), Fields(pairs): Fields<Pairs>) -> Reply {
    let lang = cx.lang;
    let (decision, work) = read(&cx, &pairs)?;
    let message = field(&pairs, "message");
    let (db, acting) = (&cx.state.db, &cx.acting);
    let (mut done, mut gone) = (0_i64, 0_i64);
    for (kind, id) in &work {
        let decided = match decision {
            Decision::Approve => provisioning::approve(db, acting, *kind, id).await,
            Decision::Reject(code) => {
                provisioning::reject(db, acting, *kind, id, code, message).await
            }
        };
        match decided {
            Ok(()) => done += 1,
            Err(
                DecideError::NotWaiting
                | DecideError::Fail(FailError::NotWaiting | FailError::NotFound),
            ) => gone += 1,
            Err(error) => {
                tracing::error!(error = %error, work.id = %id, "failed to decide waiting work");
                if done > 0 {
                    cx.state.delivery.notify_one();
                }
                return Err(Note::from(not_saved(lang)));
            }
        }
    }
    if done > 0 {
        cx.state.delivery.notify_one();
    }
    let details = if gone > 0 {
        vec![say::work_no_longer_waiting(lang, gone)]
    } else {
        Vec::new()
    };
    let text = match decision {
        Decision::Approve => say::work_approved(lang, done),
        Decision::Reject(_) => say::work_rejected(lang, done),
    };
    let note = Note::from(text).with_details(details);
    if done == 0 { Err(note) } else { Ok(note) }
}

/// The values form's fields: `login.{licence}` and `resource.{licence}.{resource}`; blank ones
/// keep what the licence has.
fn values_of(pairs: &Pairs) -> Option<HashMap<LicenceId, LicenceValues>> {
    let mut values: HashMap<LicenceId, LicenceValues> = HashMap::new();
    for (key, value) in pairs {
        let value = value.trim();
        if let Some(licence) = key.strip_prefix("login.") {
            let entry = values.entry(LicenceId::from(licence)).or_default();
            if !value.is_empty() {
                entry.login = Some(value.to_owned());
            }
        } else if let Some(rest) = key.strip_prefix("resource.") {
            let (licence, resource) = rest.split_once('.')?;
            let entry = values.entry(LicenceId::from(licence)).or_default();
            if !value.is_empty() {
                entry.resources.push((resource.into(), value.to_owned()));
            }
        }
    }
    values.retain(|_, given| given.login.is_some() || !given.resources.is_empty());
    Some(values)
}

/// What refused values say, in the reader's language.
fn values_refused<N>(cx: &Cx<N>, error: &ValuesError) -> Note {
    let lang = cx.lang;
    match error {
        ValuesError::UnknownLicence(licence) => say::values_licence_not_waiting(lang, licence),
        ValuesError::UnknownResource { licence, resource } => {
            say::values_resource_unknown(lang, resource, licence)
        }
        ValuesError::InvalidLogin { licence, .. } => say::values_login_invalid(lang, licence),
        ValuesError::LoginTaken { licence, login } => say::values_login_taken(lang, licence, login),
        ValuesError::InvalidResource { licence, kind, .. } => say::values_resource_invalid(
            lang,
            licence,
            super::licences::invalid_resource(*kind, lang),
        ),
        ValuesError::Db(db) => {
            tracing::error!(error = %db, "failed to apply the values entered by hand");
            return not_saved(lang).into();
        }
    }
    .into()
}

/// `POST /console/orders/{id}/complete`: completes an order by hand with the logins and
/// realizing resource values the partner's product made (the order page's form): approves it
/// when it waits for approval (operators and administrators), completes it when it waits on the
/// product (support staff too, once it is stuck). Nothing changes when a value is refused.
pub async fn complete_with_values(
    cx: Cx<Support>,
    id: OrderId,
    Fields(pairs): Fields<Pairs>,
) -> Reply {
    let lang = cx.lang;
    let values = values_of(&pairs).ok_or_else(|| Note::from(not_saved(lang)))?;
    let db = &cx.state.db;
    if !Permission::ChangeData.allows(cx.operator.role) {
        // Support completes stuck work only; approving is an operator's decision.
        let approval = provisioning::waits_for_approval(db, Work::Order, id.as_str()).await;
        if approval.unwrap_or(true) {
            return Err(cx.t(Text::ApprovingIsAnOperatorsDecision).into());
        }
        super::stuck::refuse_support_unless_stuck(&cx, "order", id.as_str()).await?;
    }
    match provisioning::complete_with_values(db, &cx.acting, &id, &values).await {
        Ok(decided) => {
            cx.state.delivery.notify_one();
            Ok(match decided {
                DecidedWith::Approved => say::work_approved(lang, 1),
                DecidedWith::Completed => say::order_completed_by_support(lang, &id),
            }
            .into())
        }
        Err(DecideError::NotWaiting) => Err(cx.t(Text::OnlyAcknowledgedWorkCanBeCompleted).into()),
        Err(DecideError::Values(error)) => Err(values_refused(&cx, &error)),
        Err(error) => {
            tracing::error!(error = %error, order.id = %id, "failed to complete an order with values");
            Err(not_saved(lang).into())
        }
    }
}
