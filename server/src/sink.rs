//! Orange's receiving side (contract section 6), played locally: an OAuth 2.0 token endpoint
//! (client credentials) and the two event resources. `fleetdesk sink` runs it alone, so that a
//! test installation's delivery settings can point at it; `fleetdesk simulate` runs it in
//! asynchronous mode to check the events that the partner sends.
//!
//! Routes (the paths to put in the delivery settings): `POST /oauth/token`,
//! `POST /events/productOrder`, `POST /events/userService`. An event without a bearer token that
//! this sink issued gets 401. Some events may be refused on purpose (503) to see them retried.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Context;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, oneshot, watch};

/// How many deliveries a mounted sink keeps (the newest).
pub const MOUNTED_KEPT: usize = 2000;

/// How long a token the sink issues is valid, in seconds.
const TOKEN_LIFETIME: u64 = 3600;

/// The command line of `fleetdesk sink`. `Debug` hides the secret.
#[derive(Clone, clap::Args)]
pub struct Options {
    /// Where to listen, e.g. 127.0.0.1:4100.
    #[arg(long, value_name = "ADDR")]
    pub listen: SocketAddr,
    /// The OAuth client id the installation's delivery settings use.
    #[arg(long, value_name = "ID", default_value = "fleetdesk-sink")]
    pub client_id: String,
    /// The OAuth client secret the installation's delivery settings use.
    #[arg(long, value_name = "S", default_value = "fleetdesk-sink-secret")]
    pub secret: String,
    /// The share of event deliveries to refuse on purpose (503, retryable), from 0 to 1.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fail_rate)]
    pub fail_rate: f64,
    /// Append every event received to this file, one JSON object a line.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("listen", &self.listen)
            .field("client_id", &self.client_id)
            .field("secret", &"***")
            .field("fail_rate", &self.fail_rate)
            .field("out", &self.out)
            .finish()
    }
}

fn parse_fail_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("must be a number from 0 to 1, e.g. 0.2 to refuse one delivery in five".into()),
    }
}

/// Which deliveries the sink refuses on purpose (503, which the contract says to retry).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refusals {
    /// None.
    Never,
    /// Each delivery with this probability.
    Random(f64),
    /// The first delivery of one event in `every` (the first, then every `every`-th new
    /// eventId); its retries are accepted.
    FirstAttemptOfEvery(u32),
}

/// What happened to one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Answered 202.
    Accepted,
    /// Answered 503 on purpose, to see it retried.
    Refused,
    /// Answered 401: no bearer token issued by this sink.
    Unauthorized,
    /// Answered 400: not a JSON event with an `eventId`.
    Invalid,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Refused => "refused on purpose",
            Outcome::Unauthorized => "unauthorized",
            Outcome::Invalid => "invalid",
        }
    }
}

/// One delivery the sink received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    /// Arrival order in this sink, from 0.
    pub seq: u64,
    pub received_at: String,
    /// `productOrder` or `userService`: the event resource it was posted to.
    pub resource: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event_type: String,
    /// The id of the productOrder or userService inside.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Which delivery of this eventId it is, from 1.
    pub attempt: u32,
    pub outcome: Outcome,
    pub status: u16,
    pub body: Value,
}

impl Received {
    /// One readable line: time, type, resource id, state, eventId, correlation id, outcome.
    pub fn line(&self) -> String {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "-".to_owned()
            } else {
                s.to_owned()
            }
        };
        format!(
            "{} {:<38} {:<36} state={:<11} eventId={} correlationId={} attempt={} {}",
            self.received_at,
            or_dash(&self.event_type),
            or_dash(&self.resource_id),
            or_dash(&self.state),
            or_dash(&self.event_id),
            self.correlation_id.as_deref().unwrap_or("-"),
            self.attempt,
            self.outcome.as_str()
        )
    }
}

struct Inner {
    client_id: String,
    secret: String,
    refusals: Refusals,
    tokens: HashSet<String>,
    /// The deliveries kept, oldest first: all of them, or the last `kept`.
    received: Vec<Received>,
    /// How many older deliveries were dropped to keep `kept`.
    dropped: usize,
    kept: Option<usize>,
    /// Deliveries so far per eventId.
    attempts: HashMap<String, u32>,
    /// Distinct eventIds seen, to pick the ones refused under `FirstAttemptOfEvery`.
    distinct: u32,
    out: Option<std::fs::File>,
}

struct Shared {
    inner: Mutex<Inner>,
    count: watch::Sender<usize>,
    arrivals: broadcast::Sender<Received>,
}

/// A running sink. Cheap to clone; every clone sees the same events.
#[derive(Clone)]
pub struct Sink {
    addr: SocketAddr,
    base: String,
    shared: Arc<Shared>,
    stop: Arc<Mutex<Option<oneshot::Sender<()>>>>,
}

fn lock(shared: &Shared) -> MutexGuard<'_, Inner> {
    // A panic while holding the lock leaves plain data behind: keep using it.
    shared
        .inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Sink {
    /// Listens on `listen` (port 0 picks one) and serves until [`Sink::stop`]. Events are
    /// appended to `out` when given; `fail_rate` refuses that share of deliveries at random.
    pub async fn start(
        listen: SocketAddr,
        client_id: &str,
        secret: &str,
        fail_rate: f64,
        out: Option<PathBuf>,
    ) -> anyhow::Result<Sink> {
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("failed to listen on {listen}"))?;
        let addr = listener
            .local_addr()
            .context("failed to read the sink's address")?;
        let out = match out {
            Some(path) => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .with_context(|| format!("failed to open {}", path.display()))?,
            ),
            None => None,
        };
        let refusals = if fail_rate > 0.0 {
            Refusals::Random(fail_rate)
        } else {
            Refusals::Never
        };
        let mut sink = Sink::unbound(format!("http://{addr}"), client_id, secret, refusals);
        let app = sink.router();
        lock(&sink.shared).out = out;
        sink.addr = addr;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(%error, "the sink stopped serving");
            }
        });
        *sink
            .stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(stop);
        Ok(sink)
    }

    /// A sink served by someone else's server: its [`Sink::router`] is to be nested where
    /// `base_url` points (the console's sandbox nests it under `/sandbox` on Fleetdesk's own
    /// router). It keeps at most [`MOUNTED_KEPT`] deliveries, dropping the oldest.
    pub fn mounted(base_url: &str, client_id: &str, secret: &str) -> Sink {
        let sink = Sink::unbound(base_url.to_owned(), client_id, secret, Refusals::Never);
        lock(&sink.shared).kept = Some(MOUNTED_KEPT);
        sink
    }

    /// The sink's routes: `POST /oauth/token` and `POST /events/{resource}`.
    pub fn router<S>(&self) -> Router<S> {
        Router::new()
            .route("/oauth/token", post(token))
            .route("/events/{resource}", post(event))
            .with_state(self.shared.clone())
    }

    fn unbound(base: String, client_id: &str, secret: &str, refusals: Refusals) -> Sink {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                client_id: client_id.to_owned(),
                secret: secret.to_owned(),
                refusals,
                tokens: HashSet::new(),
                received: Vec::new(),
                dropped: 0,
                kept: None,
                attempts: HashMap::new(),
                distinct: 0,
                out: None,
            }),
            count: watch::channel(0).0,
            arrivals: broadcast::channel(1024).0,
        });
        Sink {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            base,
            shared,
            stop: Arc::new(Mutex::new(None)),
        }
    }

    /// Changes the OAuth client it accepts; tokens issued before stay valid.
    pub fn set_client(&self, client_id: &str, secret: &str) {
        let mut inner = lock(&self.shared);
        inner.client_id = client_id.to_owned();
        inner.secret = secret.to_owned();
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, or where a mounted sink is served.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// The token URL to put in the delivery settings.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url())
    }

    /// The productOrder events URL to put in the delivery settings.
    pub fn product_order_url(&self) -> String {
        format!("{}/events/productOrder", self.base_url())
    }

    /// The userService events URL to put in the delivery settings.
    pub fn user_service_url(&self) -> String {
        format!("{}/events/userService", self.base_url())
    }

    /// The OAuth client id it accepts.
    pub fn client_id(&self) -> String {
        lock(&self.shared).client_id.clone()
    }

    /// Changes which deliveries are refused on purpose from now on.
    pub fn set_refusals(&self, refusals: Refusals) {
        lock(&self.shared).refusals = refusals;
    }

    pub fn refusals(&self) -> Refusals {
        lock(&self.shared).refusals
    }

    /// Every delivery received so far (a mounted sink: the newest it keeps), in arrival order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared).received.clone()
    }

    /// The deliveries kept whose `seq` is at least `from`, in arrival order.
    pub fn received_since(&self, from: usize) -> Vec<Received> {
        let inner = lock(&self.shared);
        let skip = from.saturating_sub(inner.dropped);
        inner.received.iter().skip(skip).cloned().collect()
    }

    /// The newest `n` deliveries, newest first.
    pub fn latest(&self, n: usize) -> Vec<Received> {
        lock(&self.shared)
            .received
            .iter()
            .rev()
            .take(n)
            .cloned()
            .collect()
    }

    /// How many deliveries were received so far (the next one's `seq`).
    pub fn count(&self) -> usize {
        let inner = lock(&self.shared);
        inner.dropped + inner.received.len()
    }

    /// Each delivery as it arrives (a receiver that falls behind by more than 1024 skips some).
    pub fn subscribe(&self) -> broadcast::Receiver<Received> {
        self.shared.arrivals.subscribe()
    }

    /// Waits until `done` holds for the deliveries received from `seq` `from` on, or `within`
    /// runs out; true when it holds.
    pub async fn wait_until(
        &self,
        within: std::time::Duration,
        from: usize,
        mut done: impl FnMut(&[Received]) -> bool,
    ) -> bool {
        let mut count = self.shared.count.subscribe();
        let deadline = tokio::time::Instant::now() + within;
        let since = |inner: &Inner| from.saturating_sub(inner.dropped).min(inner.received.len());
        loop {
            {
                let inner = lock(&self.shared);
                if done(&inner.received[since(&inner)..]) {
                    return true;
                }
            }
            match tokio::time::timeout_at(deadline, count.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => {
                    let inner = lock(&self.shared);
                    return done(&inner.received[since(&inner)..]);
                }
            }
        }
    }

    /// Stops listening (deliveries under way are answered first).
    pub fn stop(&self) {
        if let Some(stop) = self
            .stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            let _ = stop.send(());
        }
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// RFC 6749 section 4.4: a form POST with `grant_type=client_credentials`, the client id and
/// secret in HTTP Basic (as Fleetdesk's delivery sends them) or in the form.
async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())));
    let presented = basic.or_else(|| {
        Some((
            form.get("client_id")?.clone(),
            form.get("client_secret")?.clone(),
        ))
    });
    let mut inner = lock(&shared);
    let valid = presented
        .as_ref()
        .is_some_and(|(id, secret)| *id == inner.client_id && *secret == inner.secret);
    if !valid {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client id or wrong secret",
        );
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    let token = format!("sink-{}", uuid::Uuid::now_v7().simple());
    inner.tokens.insert(token.clone());
    axum::Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
    }))
    .into_response()
}

async fn event(
    State(shared): State<Arc<Shared>>,
    Path(resource): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if resource != "productOrder" && resource != "userService" {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "the event resources are /events/productOrder and /events/userService"})),
        )
            .into_response();
    }
    let parsed: Option<Value> = serde_json::from_str(&body).ok();
    let text = |pointer: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.pointer(pointer))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let event_id = text("/eventId");
    let inside = format!("/event/{resource}");
    let mut received = Received {
        seq: 0,
        received_at: fleetdesk_core::clock::now_text(),
        resource: resource.clone(),
        event_id: event_id.clone(),
        event_type: text("/eventType"),
        resource_id: text(&format!("{inside}/id")),
        state: text(&format!("{inside}/state")),
        correlation_id: parsed
            .as_ref()
            .and_then(|v| v.get("correlationId"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        attempt: 0,
        outcome: Outcome::Accepted,
        status: 202,
        body: parsed.clone().unwrap_or(Value::String(body)),
    };
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    {
        let mut inner = lock(&shared);
        let authorized = inner.tokens.contains(token);
        if !authorized {
            received.outcome = Outcome::Unauthorized;
            received.status = 401;
        } else if parsed.is_none() || event_id.is_empty() {
            received.outcome = Outcome::Invalid;
            received.status = 400;
        } else {
            let attempt = {
                let n = inner.attempts.entry(event_id.clone()).or_default();
                *n += 1;
                *n
            };
            received.attempt = attempt;
            let refusals = inner.refusals;
            let refuse = match refusals {
                Refusals::Never => false,
                Refusals::Random(rate) => rand::random::<f64>() < rate,
                Refusals::FirstAttemptOfEvery(every) => {
                    if attempt == 1 {
                        inner.distinct += 1;
                        every > 0 && (inner.distinct - 1).is_multiple_of(every)
                    } else {
                        false
                    }
                }
            };
            if refuse {
                received.outcome = Outcome::Refused;
                received.status = 503;
            }
        }
        received.seq = (inner.dropped + inner.received.len()) as u64;
        inner.received.push(received.clone());
        if let Some(kept) = inner.kept
            && inner.received.len() > kept
        {
            let over = inner.received.len() - kept;
            inner.received.drain(..over);
            inner.dropped += over;
        }
        // A line is small: written under the lock, so that lines never interleave.
        if let Some(file) = inner.out.as_mut() {
            let line = serde_json::to_string(&received).unwrap_or_default();
            if let Err(error) = writeln!(file, "{line}") {
                tracing::error!(%error, "the sink failed to write an event to its file");
            }
        }
    }
    shared.count.send_modify(|n| *n += 1);
    let _ = shared.arrivals.send(received.clone());
    let status = StatusCode::from_u16(received.status).unwrap_or(StatusCode::ACCEPTED);
    let message = match received.outcome {
        Outcome::Accepted => json!({"status": "accepted"}),
        Outcome::Refused => json!({"message": "refused on purpose by the sink: retry later"}),
        Outcome::Unauthorized => json!({"error": "invalid_token"}),
        Outcome::Invalid => json!({"message": "not a JSON event with an eventId"}),
    };
    (status, axum::Json(message)).into_response()
}

/// `fleetdesk sink`: listens, prints each event as it arrives, until Ctrl-C.
pub async fn run(options: Options) -> anyhow::Result<()> {
    let sink = Sink::start(
        options.listen,
        &options.client_id,
        &options.secret,
        options.fail_rate,
        options.out.clone(),
    )
    .await?;
    let mut arrivals = sink.subscribe();
    println!("sink: listening on {}", sink.base_url());
    println!("  token URL:               {}", sink.token_url());
    println!("  productOrder events URL: {}", sink.product_order_url());
    println!("  userService events URL:  {}", sink.user_service_url());
    println!(
        "  client id: {} (the secret is the one given with --secret)",
        options.client_id
    );
    println!("Ctrl-C to stop.");
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => break,
            arrival = arrivals.recv() => match arrival {
                Ok(received) => println!("{}", received.line()),
                Err(broadcast::error::RecvError::Lagged(n)) => println!("({n} events not shown)"),
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    }
    sink.stop();
    let received = sink.received();
    let accepted = received
        .iter()
        .filter(|r| r.outcome == Outcome::Accepted)
        .count();
    println!(
        "sink: stopped; {} deliveries, {accepted} accepted",
        received.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_event_and_its_outcome() {
        let received = Received {
            seq: 0,
            received_at: "2026-12-06T01:00:00.000Z".to_owned(),
            resource: "userService".to_owned(),
            event_id: "evt_1".to_owned(),
            event_type: "userServiceStateChangeEvent".to_owned(),
            resource_id: "lic_1".to_owned(),
            state: "suspended".to_owned(),
            correlation_id: None,
            attempt: 2,
            outcome: Outcome::Refused,
            status: 503,
            body: Value::Null,
        };
        let line = received.line();
        for part in [
            "userServiceStateChangeEvent",
            "lic_1",
            "state=suspended",
            "eventId=evt_1",
            "correlationId=-",
            "attempt=2",
            "refused on purpose",
        ] {
            assert!(line.contains(part), "{part} in {line}");
        }
    }
}
