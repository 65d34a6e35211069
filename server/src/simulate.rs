//! `fleetdesk simulate`: plays Orange's side of the contract (sections 2 to 6) against a partner's
//! installation and checks every answer against it. In asynchronous mode it also plays Orange's
//! receiving side (a [`crate::sink::Sink`]) and checks the events that arrive there.
//!
//! The scenario is in [`scenario`], the rules in [`checks`], the event checks in [`events`] and
//! the report (text, JSON, JUnit XML) in [`report`]. The console's self-test and `fleetdesk demo`
//! call [`run`] in-process.

pub mod checks;
mod events;
pub mod report;
mod scenario;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::Value;

pub use checks::{Broken, rule};
pub use report::Report;

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

/// How a request is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    Credential,
    None,
    WrongSecret,
}

/// A request body.
pub(crate) enum Body {
    None,
    Json(Value),
    Raw { content_type: String, text: String },
}

/// Stops the scenario when a step gave nothing to continue with.
pub(crate) struct Stop;

/// Sends the requests and keeps the steps.
pub(crate) struct Runner<'p> {
    http: reqwest::Client,
    base: String,
    client_id: String,
    secret: String,
    pub mode: Mode,
    /// Makes this run's references unique.
    pub tag: String,
    pub offer: String,
    pub offer_b: String,
    /// Until then the simulator waits for asynchronous work.
    pub deadline: Instant,
    pub time_limit: Duration,
    steps: Vec<Step>,
    last: Option<(Request, Answer)>,
    started: Instant,
    section: &'static str,
    progress: Box<dyn FnMut(&Step) + Send + 'p>,
}

/// Request bodies longer than this are shortened in reports.
const SHOWN_BODY: usize = 4096;
/// Request bodies longer than this are sent on a connection of their own.
const LARGE_BODY: usize = 64 * 1024;

impl Runner<'_> {
    /// Enters a contract section: the next steps are filed under it.
    pub fn section(&mut self, section: &'static str) {
        self.section = section;
    }

    pub fn path(&self, path: &str) -> String {
        format!("/orange/v2{path}")
    }

    /// Sends one request; any failure to get an answer is an answer with status 0. A 429 is
    /// waited out (its `Retry-After`) and sent again, a few times, as Orange does.
    pub async fn call(&mut self, method: &str, path: &str, body: Body, auth: Auth) -> Answer {
        let url = format!("{}{path}", self.base);
        let method_value =
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let authorization = match auth {
            Auth::Credential => Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{}:{}", self.client_id, self.secret))
            )),
            Auth::WrongSecret => Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{}:wrong-{}", self.client_id, self.tag))
            )),
            Auth::None => None,
        };
        let (content_type, sent, shown) = match body {
            Body::None => (None, None, None),
            Body::Json(value) => (
                Some("application/json".to_owned()),
                Some(value.to_string()),
                Some(value),
            ),
            Body::Raw { content_type, text } => {
                let shown = if text.len() > SHOWN_BODY {
                    format!(
                        "{}… ({} bytes in all)",
                        text.chars().take(200).collect::<String>(),
                        text.len()
                    )
                } else {
                    text.clone()
                };
                (Some(content_type), Some(text), Some(Value::String(shown)))
            }
        };
        // A server that refuses a large body may close the connection without reading it: such a
        // request gets a connection of its own, never reused.
        let http = match &sent {
            Some(text) if text.len() > LARGE_BODY => reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(0)
                .build()
                .unwrap_or_else(|_| self.http.clone()),
            _ => self.http.clone(),
        };
        let mut throttled = 0;
        let answer = loop {
            let mut request = http.request(method_value.clone(), &url);
            if let Some(authorization) = &authorization {
                request = request.header("authorization", authorization);
            }
            if let (Some(content_type), Some(sent)) = (&content_type, &sent) {
                request = request
                    .header("content-type", content_type)
                    .body(sent.clone());
            }
            let answer = answer_of(request.send().await).await;
            if answer.status != 429 || throttled == 5 {
                break answer;
            }
            throttled += 1;
            let wait = answer
                .header("retry-after")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1)
                .min(10);
            tokio::time::sleep(Duration::from_secs(wait)).await;
        };
        self.last = Some((
            Request {
                method: method.to_owned(),
                path: path.to_owned(),
                auth: match auth {
                    Auth::Credential => "credential",
                    Auth::None => "none",
                    Auth::WrongSecret => "wrong secret",
                }
                .to_owned(),
                content_type,
                body: shown,
            },
            answer.clone(),
        ));
        answer
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let path = self.path(path);
        self.call("GET", &path, Body::None, Auth::Credential).await
    }

    pub async fn send(&mut self, method: &str, path: &str, body: Value) -> Answer {
        let path = self.path(path);
        self.call(method, &path, Body::Json(body), Auth::Credential)
            .await
    }

    /// Records a step about the last exchange.
    pub fn step(&mut self, name: impl Into<String>, outcome: Result<(), Broken>) -> bool {
        let exchange = self.last.take();
        self.record(name.into(), exchange, outcome)
    }

    /// Records a step that is not about one exchange (events, for one).
    pub fn step_alone(&mut self, name: impl Into<String>, outcome: Result<(), Broken>) -> bool {
        self.record(name.into(), None, outcome)
    }

    fn record(
        &mut self,
        name: String,
        exchange: Option<(Request, Answer)>,
        outcome: Result<(), Broken>,
    ) -> bool {
        let (request, answer) = match exchange {
            Some((request, answer)) => (Some(request), Some(answer)),
            None => (None, None),
        };
        let step = Step {
            name,
            section: self.section.to_owned(),
            passed: outcome.is_ok(),
            request,
            answer,
            failure: outcome.err(),
            duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        self.started = Instant::now();
        (self.progress)(&step);
        let passed = step.passed;
        self.steps.push(step);
        passed
    }

    /// A value the scenario needs to go on; without it the run stops here, saying why.
    pub fn need<T>(&mut self, value: Option<T>, what: &str) -> Result<T, Stop> {
        match value {
            Some(value) => Ok(value),
            None => {
                self.step_alone(
                    format!("continue the scenario (needs {what})"),
                    Err(checks::broken(
                        rule::CONTINUE,
                        format!("an earlier step gives {what}, which the next steps use"),
                        "it failed, so the scenario stops here",
                    )),
                );
                Err(Stop)
            }
        }
    }

    /// Time left before the time limit.
    pub fn time_left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// The answer as the report keeps it.
async fn answer_of(sent: reqwest::Result<reqwest::Response>) -> Answer {
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter(|(name, _)| {
                    matches!(
                        name.as_str(),
                        "content-type" | "x-total-count" | "x-result-count" | "retry-after"
                    )
                })
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        value.to_str().unwrap_or("(not text)").to_owned(),
                    )
                })
                .collect();
            let text = response.text().await.unwrap_or_default();
            let (body, json) = if text.is_empty() {
                (Value::Null, false)
            } else {
                match serde_json::from_str::<Value>(&text) {
                    Ok(value) => (value, true),
                    Err(_) => (Value::String(text), false),
                }
            };
            Answer {
                status,
                headers,
                body,
                json,
            }
        }
        Err(error) => Answer {
            status: 0,
            headers: BTreeMap::new(),
            body: Value::String(format!("no answer: {:#}", anyhow::Error::new(error))),
            json: false,
        },
    }
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

/// The command line of `fleetdesk simulate`. `Debug` hides the secrets.
#[derive(Clone, clap::Args)]
pub struct Args {
    /// The installation's base URL, e.g. https://fleetdesk.example.fr.
    #[arg(long, value_name = "URL")]
    pub target: String,
    /// An Orange API credential's client id (fleetdesk credential issue).
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// That credential's secret.
    #[arg(
        long,
        value_name = "S",
        env = "FLEETDESK_SIMULATE_SECRET",
        hide_env_values = true
    )]
    pub secret: String,
    /// The installation's mode for every operation.
    #[arg(long, value_enum, default_value_t = Mode::Sync)]
    pub mode: Mode,
    /// An offer code of the installation's catalogue, for the licence orders.
    #[arg(long, value_name = "CODE", default_value = "OFFER-PRO-M")]
    pub offer: String,
    /// Another offer code of the catalogue, for the offering change.
    #[arg(long, value_name = "CODE", default_value = "OFFER-BASIC")]
    pub offer_b: String,
    /// Asynchronous mode: where to receive the events (the delivery settings point there).
    #[arg(long, value_name = "ADDR")]
    pub sink: Option<SocketAddr>,
    /// The OAuth client id the sink accepts.
    #[arg(long, value_name = "ID", default_value = "fleetdesk-sink")]
    pub sink_client_id: String,
    /// The OAuth client secret the sink accepts.
    #[arg(long, value_name = "S", default_value = "fleetdesk-sink-secret")]
    pub sink_secret: String,
    /// Seconds to wait, in all, for asynchronous work and its events.
    #[arg(long, value_name = "SECONDS", default_value_t = 180)]
    pub time_limit: u64,
    /// Write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write the whole report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Args")
            .field("target", &self.target)
            .field("client_id", &self.client_id)
            .field("secret", &"***")
            .field("mode", &self.mode)
            .field("sink", &self.sink)
            .field("sink_client_id", &self.sink_client_id)
            .field("sink_secret", &"***")
            .finish_non_exhaustive()
    }
}

/// `fleetdesk simulate`: runs, prints the report, writes the files; true when every step passed.
pub async fn run_command(args: Args) -> anyhow::Result<bool> {
    use anyhow::Context;
    let options = Options {
        target: args.target.clone(),
        client_id: args.client_id.clone(),
        secret: args.secret.clone(),
        mode: args.mode,
        offer: args.offer.clone(),
        offer_b: args.offer_b.clone(),
        sink: args.sink.map(|addr| SinkChoice::Listen {
            addr,
            client_id: args.sink_client_id.clone(),
            secret: args.sink_secret.clone(),
        }),
        time_limit: Duration::from_secs(args.time_limit),
    };
    println!(
        "simulate: {} in {} mode{}",
        base_of(&options.target),
        options.mode.as_str(),
        match args.sink {
            Some(addr) => format!(
                ", events expected at http://{addr}/events/productOrder and /events/userService (token http://{addr}/oauth/token, client id {})",
                args.sink_client_id
            ),
            None => String::new(),
        }
    );
    let mut count = 0usize;
    let report = run(options, |step| {
        count += 1;
        println!(
            "[{count:>3}] {} {} ({} ms)",
            if step.passed { "pass" } else { "FAIL" },
            step.name,
            step.duration_ms
        );
    })
    .await;
    println!();
    print!("{}", report.text());
    if let Some(path) = &args.report {
        report
            .write_junit(path)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    if let Some(path) = &args.json {
        report
            .write_json(path)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(report.success())
}
