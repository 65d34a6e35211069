//! The console's self-test and its sandbox.
//!
//! The self-test runs [`crate::simulate`] against this installation, over HTTP on its own address,
//! with an Orange credential issued for the run and revoked when it ends, and records each step
//! as it ends ([`fleetdesk_core::self_test`]) so the page shows the run's progress.
//!
//! The sandbox is a [`Sink`] served under [`BASE`] on Fleetdesk's own router: switched on, the
//! delivery settings point there ([`fleetdesk_core::outbox::sandbox`]), events go to it instead of
//! Orange, and the self-test checks the events of asynchronous operations there. While it is off its
//! routes answer 404. Each instance keeps the deliveries it received itself, the newest
//! [`crate::sink::MOUNTED_KEPT`]: delivery from one instance posts to that instance's own address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fleetdesk_core::audit::Acting;
use fleetdesk_core::credentials;
use fleetdesk_core::outbox::sandbox;
use fleetdesk_core::self_test::{self as record, Run, RunState, RunStep, SelfTestError};
use fleetdesk_vocab::{CredentialKind, Mode as ApiMode};

use crate::simulate::{self, Mode, Options, SinkChoice, Step};
use crate::sink::Sink;
use crate::state::AppState;

/// Where the sandbox's sink is served.
pub const BASE: &str = "/sandbox";

/// How long a run may wait for asynchronous work and its events, in all.
const TIME_LIMIT: Duration = Duration::from_secs(180);

/// The sandbox's sink, accepting nobody until the sandbox is switched on.
pub fn sandbox_sink(listen: SocketAddr) -> Sink {
    Sink::mounted(&sandbox_url(listen), sandbox::CLIENT_ID, "")
}

/// This installation's address as seen from itself: a wildcard listen address is reached on the
/// loopback interface.
fn own_address(listen: SocketAddr) -> SocketAddr {
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), listen.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), listen.port())
        }
        _ => listen,
    }
}

/// `http://127.0.0.1:PORT`: the self-test's target.
pub fn own_url(listen: SocketAddr) -> String {
    format!("http://{}", own_address(listen))
}

/// `http://127.0.0.1:PORT/sandbox`: the sandbox's sink.
pub fn sandbox_url(listen: SocketAddr) -> String {
    format!("{}{BASE}", own_url(listen))
}

/// The sandbox's routes, nested under [`BASE`].
pub fn router(state: AppState) -> Router<AppState> {
    state
        .sandbox
        .router()
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
}

/// The sink as the console's page reads it.
pub fn sandbox_context(state: &AppState) -> fleetdesk_app::model::SandboxSink {
    let sink = state.sandbox.clone();
    fleetdesk_app::model::SandboxSink {
        url: sink.base_url(),
        deliveries: std::sync::Arc::new(move |n| {
            let latest = sink
                .latest(n)
                .into_iter()
                .map(|r| fleetdesk_app::model::SandboxDelivery {
                    received_at: r.received_at,
                    event_type: r.event_type,
                    resource_id: r.resource_id,
                    state: r.state,
                    event_id: r.event_id,
                    attempt: r.attempt,
                    status: r.status,
                })
                .collect();
            (latest, sink.count() as u64)
        }),
    }
}

/// Lets requests reach the sandbox's sink only while the sandbox is on, and keeps the sink
/// accepting the OAuth client that the delivery settings in use present (set by whichever
/// instance switched the sandbox on).
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match sandbox::state(&state.db).await {
        Ok(sandbox) if sandbox.on => {}
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "failed to read the sandbox's state");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    if request.uri().path().ends_with("/oauth/token") {
        match fleetdesk_core::outbox::settings::load(&state.db).await {
            Ok(settings) if settings.client_id == sandbox::CLIENT_ID => {
                state
                    .sandbox
                    .set_client(&settings.client_id, &settings.client_secret);
            }
            // Delivery was pointed elsewhere meanwhile: nobody is accepted.
            Ok(_) => state.sandbox.set_client(sandbox::CLIENT_ID, ""),
            Err(error) => {
                tracing::error!(%error, "failed to read the delivery settings");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    next.run(request).await
}

/// Why a self-test could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("a self-test is already running")]
    AlreadyRunning,
    /// Some operations are synchronous and others asynchronous.
    #[error("the operations are not all in the same mode")]
    MixedModes,
    /// Fewer than two offerings that Fleetdesk completes by itself.
    #[error("fewer than two offerings without provisioning")]
    NotEnoughOfferings,
    /// Asynchronous operations send events: the sandbox must receive them.
    #[error("the sandbox is off")]
    SandboxOff,
    #[error(transparent)]
    Db(#[from] fleetdesk_core::DbError),
}

/// Starts a self-test in the background for `operator`; returns the run's id.
pub async fn start(
    state: &AppState,
    acting: &Acting,
    operator: &fleetdesk_core::operators::Operator,
) -> Result<String, StartError> {
    let login = operator.login.as_str();
    let db = &state.db;
    let api = fleetdesk_core::orange::settings::load(db).await?;
    let mode = match record::installation_mode(&api) {
        Some(ApiMode::Sync) => Mode::Sync,
        Some(ApiMode::Async) => Mode::Async,
        None => return Err(StartError::MixedModes),
    };
    let [offer, offer_b] = <[String; 2]>::try_from(record::offers(db).await?)
        .map_err(|_| StartError::NotEnoughOfferings)?;
    let sandbox_on = sandbox::state(db).await?.on;
    if mode == Mode::Async && !sandbox_on {
        return Err(StartError::SandboxOff);
    }
    let target = own_url(state.config.listen);
    let mut run = Run::new(login, mode.as_str(), &target);
    let replaced = record::begin(db, acting, &run)
        .await
        .map_err(|error| match error {
            SelfTestError::AlreadyRunning => StartError::AlreadyRunning,
            SelfTestError::Db(error) => StartError::Db(error),
        })?;
    // A run interrupted by a stop may have left its credential behind.
    if let Some(id) = replaced.and_then(|run| run.credential_id)
        && let Err(error) = credentials::revoke(db, acting, &id).await
    {
        tracing::error!(%error, "failed to revoke an interrupted self-test's credential");
    }
    let label = format!("Self-test {}", run.started_at);
    let issued = match credentials::issue(
        db,
        acting,
        CredentialKind::Orange,
        &label,
        Some(operator.id.as_str()),
    )
    .await
    {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(%error, "failed to issue the self-test's credential");
            run.state = RunState::Failed;
            run.problem = Some(format!(
                "no credential could be issued for the run: {error}"
            ));
            run.finished_at = Some(fleetdesk_core::clock::now_text());
            record::save(db, &run).await?;
            return Ok(run.id);
        }
    };
    run.credential_id = Some(issued.credential.id.clone());
    record::save(db, &run).await?;
    let options = Options {
        target,
        client_id: issued.credential.client_id.clone(),
        secret: issued.secret.expose().to_owned(),
        mode,
        offer,
        offer_b,
        sink: sandbox_on.then(|| SinkChoice::Started(state.sandbox.clone())),
        time_limit: TIME_LIMIT,
    };
    let id = run.id.clone();
    tokio::spawn(play(state.db.clone(), acting.clone(), run, options));
    Ok(id)
}

/// Plays the run, writing each step as it ends, then its outcome; revokes its credential.
async fn play(db: fleetdesk_core::Db, acting: Acting, run: Run, options: Options) {
    let (steps, mut arriving) = tokio::sync::mpsc::unbounded_channel::<Step>();
    let writer_db = db.clone();
    let writer = tokio::spawn(async move {
        let mut run = run;
        while let Some(step) = arriving.recv().await {
            run.steps.push(step_of(&step));
            // Steps that ended meanwhile are written together.
            while let Ok(step) = arriving.try_recv() {
                run.steps.push(step_of(&step));
            }
            if let Err(error) = record::save(&writer_db, &run).await {
                tracing::error!(%error, "failed to record the self-test's progress");
            }
        }
        run
    });
    let report = simulate::run(options, move |step| {
        let _ = steps.send(step.clone());
    })
    .await;
    let Ok(mut run) = writer.await else {
        tracing::error!("the self-test's recorder stopped");
        return;
    };
    run.state = if report.success() {
        RunState::Passed
    } else {
        RunState::Failed
    };
    run.finished_at = Some(fleetdesk_core::clock::now_text());
    if let Some(id) = &run.credential_id
        && let Err(error) = credentials::revoke(&db, &acting, id).await
    {
        tracing::error!(%error, "failed to revoke the self-test's credential");
        run.problem = Some(format!(
            "the run's credential could not be revoked; revoke it on the credentials page: {error}"
        ));
    }
    if let Err(error) = record::save(&db, &run).await {
        tracing::error!(%error, "failed to record the self-test's outcome");
    }
    tracing::info!(
        run = %run.id,
        passed = report.passed,
        failed = report.failed,
        "self-test finished"
    );
}

/// A step as the console shows it.
fn step_of(step: &Step) -> RunStep {
    let pretty = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    let request = step.request.as_ref().map(|request| {
        let mut text = format!(
            "{} {}  (auth: {})",
            request.method, request.path, request.auth
        );
        if let Some(content_type) = &request.content_type {
            text.push_str(&format!("\ncontent-type: {content_type}"));
        }
        if let Some(body) = &request.body {
            text.push_str("\n\n");
            text.push_str(&pretty(body));
        }
        text
    });
    let answer = step.answer.as_ref().map(|answer| {
        let mut text = if answer.status == 0 {
            "no answer".to_owned()
        } else {
            answer.status.to_string()
        };
        for (name, value) in &answer.headers {
            text.push_str(&format!("\n{name}: {value}"));
        }
        if !answer.body.is_null() {
            text.push_str("\n\n");
            text.push_str(&pretty(&answer.body));
        }
        text
    });
    let (rule, requirement, found) = step.failure.as_ref().map_or_else(Default::default, |f| {
        (f.rule.to_owned(), f.requirement.clone(), f.found.clone())
    });
    RunStep {
        name: step.name.clone(),
        section: step.section.clone(),
        passed: step.passed,
        duration_ms: step.duration_ms,
        rule,
        requirement,
        found,
        request: request.unwrap_or_default(),
        answer: answer.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_reached_on_the_loopback_interface() {
        let any: SocketAddr = "0.0.0.0:3000".parse().expect("addr");
        assert_eq!(own_url(any), "http://127.0.0.1:3000");
        let any6: SocketAddr = "[::]:3000".parse().expect("addr");
        assert_eq!(sandbox_url(any6), "http://[::1]:3000/sandbox");
        let one: SocketAddr = "127.0.0.1:4000".parse().expect("addr");
        assert_eq!(own_url(one), "http://127.0.0.1:4000");
    }
}
