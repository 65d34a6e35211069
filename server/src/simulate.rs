//! `fleetdesk simulate`: plays Orange's side of the contract (sections 2 to 6) against a partner's
//! installation and checks every answer against it. In asynchronous mode it also plays Orange's
//! receiving side (a [`crate::sink::Sink`]) and checks the events that arrive there.
//!
//! The scenario is in `scenario`, the requests and steps in `runner`, the rules in [`checks`],
//! the event checks in `events`, the report (text, JSON, JUnit XML) in [`report`] and the command
//! line in `command`. The console's self-test and `fleetdesk demo`
//! call [`run`] in-process.

pub mod checks;
mod command;
mod events;
pub mod report;
mod runner;
mod scenario;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

pub use checks::{Broken, rule};
pub use command::{Args, run_command};
pub use report::Report;

use runner::{Auth, Body, Runner, Stop};

use crate::sink::Sink;

/// Whether the installation answers at once or acknowledges and sends events later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Sync,
    Async,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sync => "sync",
            Mode::Async => "async",
        }
    }
}

/// Where the events of asynchronous mode are received.
#[derive(Clone)]
pub enum SinkChoice {
    /// Start a sink on this address, accepting this OAuth client.
    Listen {
        addr: SocketAddr,
        client_id: String,
        secret: String,
    },
    /// A sink already running (its events from before the run are ignored). In asynchronous
    /// mode the run makes it refuse the first delivery of every third new event, to see retries.
    Started(Sink),
}

impl std::fmt::Debug for SinkChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SinkChoice::Listen {
                addr, client_id, ..
            } => write!(f, "Listen({addr}, {client_id}, ***)"),
            SinkChoice::Started(sink) => write!(f, "Started({})", sink.addr()),
        }
    }
}

/// What to simulate against.
#[derive(Clone)]
pub struct Options {
    /// The installation's base URL, e.g. `https://fleetdesk.example.fr` (`/orange/v2` is added
    /// unless it is already there).
    pub target: String,
    /// An Orange API credential issued by the installation.
    pub client_id: String,
    pub secret: String,
    /// The installation's mode for every operation.
    pub mode: Mode,
    /// An offer code of the installation's catalogue, for the licence orders.
    pub offer: String,
    /// Another offer code, for the offering change.
    pub offer_b: String,
    /// Where events are received (needed in asynchronous mode).
    pub sink: Option<SinkChoice>,
    /// How long to wait for asynchronous work and for its events, in all.
    pub time_limit: Duration,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("target", &self.target)
            .field("client_id", &self.client_id)
            .field("secret", &"***")
            .field("mode", &self.mode)
            .field("offer", &self.offer)
            .field("offer_b", &self.offer_b)
            .field("sink", &self.sink)
            .field("time_limit", &self.time_limit)
            .finish()
    }
}

/// A request the simulator sent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub method: String,
    /// The path under the target, e.g. `/orange/v2/productOrder`.
    pub path: String,
    /// `credential`, `none` or `wrong secret`.
    pub auth: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The JSON body, or the text sent (shortened past a few kilobytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// The answer it got.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// 0 when no answer came (connection refused, timeout).
    pub status: u16,
    /// The headers the contract speaks of (content type, counts, retry-after), lower case.
    pub headers: BTreeMap<String, String>,
    /// The JSON body, or its text when it is not JSON.
    pub body: Value,
    /// Whether the body parsed as JSON.
    #[serde(skip)]
    pub json: bool,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The string at `pointer`, if any.
    pub fn str(&self, pointer: &str) -> Option<String> {
        self.body
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

/// One step of the scenario and its outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// What the step does, e.g. `licence order, new fleet`.
    pub name: String,
    /// The contract section it exercises.
    pub section: String,
    pub passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// The rule broken, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Broken>,
    pub duration_ms: u64,
}

/// The base URL with `/orange/v2` taken off (the runner adds it to every path).
fn base_of(target: &str) -> String {
    let trimmed = target.trim_end_matches('/');
    trimmed
        .strip_suffix("/orange/v2")
        .unwrap_or(trimmed)
        .to_owned()
}

/// Runs the whole scenario against `options.target`, calling `progress` after each step, and
/// returns the report. Nothing here panics on a wrong answer: every problem is a failed step.
pub async fn run(options: Options, progress: impl FnMut(&Step) + Send) -> Report {
    let started_at = fleetdesk_core::clock::now_text();
    let began = Instant::now();
    // The random tail of a UUIDv7 (its head is the time, shared by runs in the same millisecond).
    let tag = format!(
        "SIM-{}",
        uuid::Uuid::now_v7().simple().to_string()[20..].to_uppercase()
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build();
    let mut runner = Runner {
        http: http.unwrap_or_default(),
        base: base_of(&options.target),
        client_id: options.client_id.clone(),
        secret: options.secret.clone(),
        mode: options.mode,
        tag: tag.clone(),
        offer: options.offer.clone(),
        offer_b: options.offer_b.clone(),
        deadline: Instant::now() + options.time_limit,
        time_limit: options.time_limit,
        steps: Vec::new(),
        last: None,
        started: Instant::now(),
        section: "2",
        progress: Box::new(progress),
    };
    let sink = match (&options.sink, options.mode) {
        (Some(SinkChoice::Started(sink)), _) => Some(sink.clone()),
        (
            Some(SinkChoice::Listen {
                addr,
                client_id,
                secret,
            }),
            _,
        ) => match Sink::start(*addr, client_id, secret, 0.0, None).await {
            Ok(sink) => Some(sink),
            Err(error) => {
                runner.section("6");
                runner.step_alone(
                    format!("start the sink on {addr}"),
                    Err(checks::broken(
                        rule::SINK,
                        "the sink listens where --sink says, to receive the events",
                        format!("{error:#}"),
                    )),
                );
                None
            }
        },
        (None, Mode::Async) => {
            runner.section("6");
            runner.step_alone(
                "a sink receives the events",
                Err(checks::broken(
                    rule::SINK,
                    "asynchronous mode needs a sink (--sink ADDR) where the installation's delivery settings point",
                    "no sink was given",
                )),
            );
            None
        }
        (None, Mode::Sync) => None,
    };
    let started_here = matches!(options.sink, Some(SinkChoice::Listen { .. }));
    let mut expected = Vec::new();
    let refusals_before = sink.as_ref().map(Sink::refusals);
    if let (Some(sink), Mode::Async) = (&sink, options.mode) {
        // The first delivery of every third event is refused, to see it retried.
        sink.set_refusals(crate::sink::Refusals::FirstAttemptOfEvery(3));
    }
    let from = sink.as_ref().map(Sink::count);
    let _ = scenario::play(&mut runner, &mut expected).await;
    if let (Some(sink), Some(from)) = (&sink, from) {
        match options.mode {
            Mode::Async => events::check(&mut runner, sink, from, &expected).await,
            Mode::Sync => events::check_none(&mut runner, sink, from, &expected).await,
        }
    }
    if let Some(sink) = &sink {
        if started_here {
            sink.stop();
        } else if let Some(before) = refusals_before {
            // A sink handed in is given back as it was.
            sink.set_refusals(before);
        }
    }
    Report::new(
        &options,
        tag,
        started_at,
        began.elapsed(),
        std::mem::take(&mut runner.steps),
    )
}
