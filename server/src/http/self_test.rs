//! The self-test page's forms (administrators): start a run, switch the sandbox on or off.

use fleetdesk_core::access::Administer;
use fleetdesk_core::outbox::sandbox::{self, SandboxError};
use fleetdesk_vocab::Text;

use super::action::{Confirmation, Cx, Fields, NoFields, Note, Reply};
use super::forms::not_saved;
use crate::self_test::{self, StartError};

/// `POST /console/self-test/run`: runs Orange's side of the contract against this installation.
pub async fn run(cx: Cx<Administer>, _: (), _: Fields<NoFields>) -> Reply {
    match self_test::start(&cx.state, &cx.acting, &cx.operator).await {
        Ok(_) => Ok(cx.t(Text::SelfTestStarted).into()),
        Err(StartError::AlreadyRunning) => Err(cx.t(Text::SelfTestAlreadyRunning).into()),
        Err(StartError::MixedModes) => Err(cx.t(Text::SelfTestMixedModes).into()),
        Err(StartError::NotEnoughOfferings) => Err(cx.t(Text::SelfTestNeedsTwoOfferings).into()),
        Err(StartError::SandboxOff) => Err(cx.t(Text::SelfTestNeedsTheSandbox).into()),
        Err(StartError::Db(error)) => {
            tracing::error!(%error, "failed to start a self-test");
            Err(not_saved(cx.lang).into())
        }
    }
}

/// `POST /console/self-test/sandbox/on`: delivery goes to the built-in sink instead of Orange.
pub async fn sandbox_on(cx: Cx<Administer>, _: (), Fields(form): Fields<Confirmation>) -> Reply {
    form.confirm
        .or(cx.t(Text::TickTheBoxToSwitchTheSandboxOn))?;
    let base = self_test::sandbox_url(cx.state.config.listen);
    match sandbox::switch_on(&cx.state.db, &cx.acting, &cx.operator.login, &base).await {
        Ok(settings) => {
            cx.state
                .sandbox
                .set_client(&settings.client_id, &settings.client_secret);
            cx.state.delivery.notify_one();
            tracing::warn!(
                "the delivery sandbox was switched on: events go to the built-in sink, not to Orange"
            );
            Ok(cx.t(Text::SandboxSwitchedOn).into())
        }
        Err(SandboxError::AlreadyOn) => Err(cx.t(Text::TheSandboxIsAlreadyOn).into()),
        Err(error) => {
            tracing::error!(%error, "failed to switch the sandbox on");
            Err(not_saved(cx.lang).into())
        }
    }
}

/// `POST /console/self-test/sandbox/off`: the delivery settings put aside come back.
pub async fn sandbox_off(cx: Cx<Administer>, _: (), _: Fields<NoFields>) -> Reply {
    match sandbox::switch_off(&cx.state.db, &cx.acting).await {
        Ok(_) => {
            cx.state.sandbox.set_client(sandbox::CLIENT_ID, "");
            cx.state.delivery.notify_one();
            tracing::info!("the delivery sandbox was switched off: events go to Orange again");
            Ok(cx.t(Text::SandboxSwitchedOff).into())
        }
        Err(SandboxError::NotOn) => Err(Note::from(cx.t(Text::TheSandboxIsNotOn))),
        Err(error) => {
            tracing::error!(%error, "failed to switch the sandbox off");
            Err(not_saved(cx.lang).into())
        }
    }
}
