//! The self-test page (administrators): the sandbox, the last run and the sink's deliveries.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::SelfTestView;

/// The self-test page's data.
#[server(prefix = "/console/api", endpoint = "self-test", input = GetUrl)]
pub async fn fetch_self_test() -> Result<SelfTestView, ConsoleError> {
    use crate::model::{RunView, SandboxSink, SandboxView};
    use fleetdesk_core::outbox::sandbox;
    use fleetdesk_core::self_test;

    /// How many of the sink's deliveries the page lists.
    const DELIVERIES_SHOWN: usize = 50;

    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = super::ssr::db()?;
    let sink = use_context::<SandboxSink>().ok_or(ConsoleError::Internal)?;
    let state = sandbox::state(&db).await.map_err(super::ssr::internal)?;
    let api = fleetdesk_core::orange::settings::load(&db)
        .await
        .map_err(super::ssr::internal)?;
    let mode = self_test::installation_mode(&api);
    let offers = self_test::offers(&db).await.map_err(super::ssr::internal)?;
    let run = self_test::last(&db)
        .await
        .map_err(super::ssr::internal)?
        .map(|run| RunView {
            state: run.state_now(),
            passed: run.passed(),
            failed: run.failed(),
            started_at: run.started_at,
            finished_at: run.finished_at,
            started_by: run.started_by,
            mode: run.mode,
            target: run.target,
            problem: run.problem,
            steps: run.steps,
        });
    let (received, received_total) = (sink.deliveries)(DELIVERIES_SHOWN);
    Ok(SelfTestView {
        sandbox: SandboxView {
            on: state.on,
            since: state.since,
            by: state.by,
            sink_url: sink.url.clone(),
        },
        mode,
        offers,
        run,
        received,
        received_total,
    })
}
