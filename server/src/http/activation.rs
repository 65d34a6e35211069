//! `POST /console/activation`: the activation queue's decision on the selected orders and tasks
//! (`work=orders/ord_…`, repeated), or on one row (`only=…`, its own Approve button). Approving
//! completes the work and queues Orange's event; rejecting fails it with a contract error code and
//! a message. Each decision is its own transaction, audited (`order.approve`, `order.fail`, ...);
//! work decided meanwhile (by another operator, or support from the stuck-work page) is left as
//! it is and counted in the answer. Operators and administrators decide; support staff act on
//! waiting work from the stuck-work page once it is stuck.

use fleetdesk_vocab::{ErrorCode, Text, Work, say};

use fleetdesk_app::posts;
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::provisioning::{self, DecideError};
use fleetdesk_core::stuck::{self, FailError};

use super::action::{Action, Cx, Fields, Note, Reply};
use super::forms::not_saved;

const PAGE: &str = "/activation";

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
fn read(cx: &Cx, pairs: &Pairs) -> Result<(Decision, Vec<(Work, String)>), Note> {
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
pub enum Decide {}

impl Action for Decide {
    const PATH: &'static str = posts::DECIDE_WAITING.path();
    type Needs = ChangeData;
    type Target = ();
    type Form = Fields<Pairs>;

    fn page(_: &()) -> String {
        PAGE.to_owned()
    }

    async fn run(cx: Cx, _: (), Fields(pairs): Fields<Pairs>) -> Reply {
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
}
