//! A do-nothing Orange for the delivery benchmark: the OAuth 2.0 client-credentials token endpoint
//! and the two event resources (contract section 6), answering at once. It runs on its own thread
//! and runtime, so the benchmark's own work does not slow its answers, and remembers when each
//! `eventId` first arrived and how often it came. It can be told to wait before each event's
//! answer ([`Receiver::set_delay`]), as a receiver across a network does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use time::OffsetDateTime;

/// The client Fleetdesk is configured with; the receiver checks that it is sent.
pub const CLIENT_ID: &str = "fleetdesk-bench";
pub const CLIENT_SECRET: &str = "bench-client-secret";
const ACCESS_TOKEN: &str = "bench-access-token";

/// One `eventId` as the receiver saw it.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// How many times it arrived (more than 1: duplicates).
    pub count: u32,
    /// When it first arrived.
    pub first_at: OffsetDateTime,
}

#[derive(Default)]
struct Inner {
    events: Mutex<HashMap<String, Seen>>,
    posts: AtomicU64,
    tokens: AtomicU64,
    /// Milliseconds each event's answer waits.
    delay_ms: AtomicU64,
}

/// The running receiver; cheap to clone.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Inner>,
}

impl Receiver {
    /// Binds a free port and serves on a new thread with a two-worker runtime of its own.
    pub fn start() -> anyhow::Result<Receiver> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr: SocketAddr = listener.local_addr()?;
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/oauth/token", post(token))
            .route("/events/productOrder", post(event))
            .route("/events/userService", post(event))
            .with_state(inner.clone());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("orange-receiver")
            .enable_all()
            .build()
            .context("failed to build the receiver's runtime")?;
        std::thread::Builder::new()
            .name("orange-receiver".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("a bound, non-blocking listener converts");
                    axum::serve(listener, app)
                        .await
                        .expect("the receiver serves until the benchmark exits");
                });
            })?;
        Ok(Receiver {
            base: format!("http://{addr}"),
            inner,
        })
    }

    /// Forgets everything received so far.
    pub fn reset(&self) {
        self.events().clear();
        self.inner.posts.store(0, Ordering::Relaxed);
    }

    /// Each event's answer waits `delay` from now on (the time of receipt is still its arrival).
    pub fn set_delay(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.inner.delay_ms.store(ms, Ordering::Relaxed);
    }

    /// Distinct `eventId`s received.
    pub fn distinct(&self) -> usize {
        self.events().len()
    }

    /// Event POSTs received, duplicates included.
    pub fn posts(&self) -> u64 {
        self.inner.posts.load(Ordering::Relaxed)
    }

    /// Token requests answered since the start.
    pub fn tokens(&self) -> u64 {
        self.inner.tokens.load(Ordering::Relaxed)
    }

    /// A copy of what was received.
    pub fn snapshot(&self) -> HashMap<String, Seen> {
        self.events().clone()
    }

    fn events(&self) -> std::sync::MutexGuard<'_, HashMap<String, Seen>> {
        self.inner
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The receiver's own ceiling: `connections` keep-alive connections POST `body` back to back
    /// for `duration`; returns answered requests per second. Resets the receiver afterwards.
    pub async fn ceiling(
        &self,
        body: String,
        connections: usize,
        duration: Duration,
    ) -> anyhow::Result<f64> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .build()?;
        let url = format!("{}/events/userService", self.base);
        let started = Instant::now();
        let until = started + duration;
        let mut workers = Vec::new();
        for _ in 0..connections {
            let (client, url, body) = (client.clone(), url.clone(), body.clone());
            workers.push(tokio::spawn(async move {
                let mut answered = 0_u64;
                while Instant::now() < until {
                    let response = client
                        .post(&url)
                        .bearer_auth(ACCESS_TOKEN)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await;
                    if response.is_ok_and(|r| r.status().is_success()) {
                        answered += 1;
                    }
                }
                answered
            }));
        }
        let mut answered = 0;
        for worker in workers {
            answered += worker.await?;
        }
        let rate = answered as f64 / started.elapsed().as_secs_f64();
        self.reset();
        Ok(rate)
    }
}

/// RFC 6749 client credentials: a form POST with `grant_type=client_credentials`, the client in
/// HTTP Basic.
async fn token(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: String) -> Response {
    use base64::Engine as _;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let authorised = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == expected.as_bytes());
    if !authorised || !body.contains("grant_type=client_credentials") {
        return (StatusCode::UNAUTHORIZED, "{\"error\":\"invalid_client\"}").into_response();
    }
    inner.tokens.fetch_add(1, Ordering::Relaxed);
    axum::Json(serde_json::json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 3600
    }))
    .into_response()
}

async fn event(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let now = OffsetDateTime::now_utc();
    let bearer = format!("Bearer {ACCESS_TOKEN}");
    if headers
        .get(header::AUTHORIZATION)
        .is_none_or(|v| v.as_bytes() != bearer.as_bytes())
    {
        return StatusCode::UNAUTHORIZED;
    }
    #[derive(serde::Deserialize)]
    struct Event {
        #[serde(rename = "eventId")]
        event_id: String,
    }
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    inner.posts.fetch_add(1, Ordering::Relaxed);
    inner
        .events
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(event.event_id)
        .and_modify(|seen| seen.count += 1)
        .or_insert(Seen {
            count: 1,
            first_at: now,
        });
    let delay = inner.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    StatusCode::OK
}
