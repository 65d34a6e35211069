//! A mock of Orange's side of event delivery, as a real local HTTP server: the OAuth 2.0 token
//! endpoint and the two event resources. Tests script its answers and read what it received.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "fleetdesk-test";
pub const CLIENT_SECRET: &str = "mock-client-secret";

/// What the mock answers to the next event it receives.
#[derive(Debug, Clone)]
pub enum Answer {
    Status(u16),
    /// A status with `Retry-After: seconds`.
    RetryAfter(u16, u64),
    /// Waits this long, then accepts.
    Hang(Duration),
}

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub event_id: String,
    pub body: Value,
    pub request_id: Option<String>,
    pub status: u16,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    tokens_issued: usize,
    valid_tokens: HashSet<String>,
    script: VecDeque<Answer>,
    per_event: std::collections::HashMap<String, VecDeque<Answer>>,
    received: Vec<Received>,
    /// Every request that arrived, per event id (also those whose sender hung up).
    arrivals: std::collections::HashMap<String, usize>,
    /// Requests being answered, per event id, and in all.
    in_flight: std::collections::HashMap<String, usize>,
    current: usize,
    max_concurrent: usize,
    /// Times a request arrived while another for the same event id was being answered.
    overlaps: usize,
    /// Every event request waits this long before its answer.
    delay: Option<Duration>,
    /// Until then, every event request gets 429 with `Retry-After: 1`.
    throttled_until: Option<Instant>,
    /// Arrivals while throttled.
    throttled_arrivals: usize,
}

/// Counts a request as being answered until it is dropped (answered, or its sender hung up).
struct Answering {
    inner: Arc<Mutex<Inner>>,
    event_id: String,
}

impl Drop for Answering {
    fn drop(&mut self) {
        let mut inner = self.inner.lock().expect("lock");
        inner.current -= 1;
        if let Some(n) = inner.in_flight.get_mut(&self.event_id) {
            *n -= 1;
        }
    }
}

#[derive(Clone)]
pub struct MockOrange {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl MockOrange {
    pub async fn start() -> MockOrange {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/oauth/token", post(token))
            .route("/events/productOrder", post(event))
            .route("/events/userService", post(event))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("mock listens");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        MockOrange { base, inner }
    }

    /// Queues answers for the next events received, in order (then 202 for the rest).
    pub fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        self.inner.lock().expect("lock").script.extend(answers);
    }

    /// Queues answers for one event's arrivals (before the general script applies).
    pub fn script_for(&self, event_id: &str, answers: impl IntoIterator<Item = Answer>) {
        self.inner
            .lock()
            .expect("lock")
            .per_event
            .entry(event_id.to_owned())
            .or_default()
            .extend(answers);
    }

    /// Every event request waits `delay` before its answer (a slow receiver).
    pub fn set_delay(&self, delay: Duration) {
        self.inner.lock().expect("lock").delay = Some(delay);
    }

    /// Every event request gets 429 with `Retry-After: 1` for `period` from now.
    pub fn throttle_for(&self, period: Duration) {
        self.inner.lock().expect("lock").throttled_until = Some(Instant::now() + period);
    }

    /// Requests that arrived while throttled.
    pub fn throttled_arrivals(&self) -> usize {
        self.inner.lock().expect("lock").throttled_arrivals
    }

    /// Times one event id arrived while a request with the same id was still being answered.
    pub fn overlaps(&self) -> usize {
        self.inner.lock().expect("lock").overlaps
    }

    /// The most event requests answered at the same time.
    pub fn max_concurrent(&self) -> usize {
        self.inner.lock().expect("lock").max_concurrent
    }

    /// Requests that arrived for `event_id`, answered or not.
    pub fn arrivals(&self, event_id: &str) -> usize {
        self.inner
            .lock()
            .expect("lock")
            .arrivals
            .get(event_id)
            .copied()
            .unwrap_or(0)
    }

    /// Forgets every token issued: the next event with an old token gets 401.
    pub fn revoke_tokens(&self) {
        self.inner.lock().expect("lock").valid_tokens.clear();
    }

    pub fn tokens_issued(&self) -> usize {
        self.inner.lock().expect("lock").tokens_issued
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().expect("lock").received.clone()
    }

    /// Event ids accepted (2xx), in arrival order.
    pub fn accepted(&self) -> Vec<String> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .map(|r| r.event_id)
            .collect()
    }
}

async fn token(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected);
    if !authorized || !body.contains("grant_type=client_credentials") {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let mut inner = inner.lock().expect("lock");
    inner.tokens_issued += 1;
    let token = format!("tok-{}", inner.tokens_issued);
    inner.valid_tokens.insert(token.clone());
    axum::Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn event(
    State(inner): State<Arc<Mutex<Inner>>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut record = Received {
        path: uri.path().to_owned(),
        event_id: parsed["eventId"].as_str().unwrap_or_default().to_owned(),
        body: parsed,
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        status: 401,
        at: Instant::now(),
    };
    let (_answering, delay, throttled) = {
        let mut guard = inner.lock().expect("lock");
        let inner_ref = &mut *guard;
        *inner_ref
            .arrivals
            .entry(record.event_id.clone())
            .or_default() += 1;
        let same = inner_ref
            .in_flight
            .entry(record.event_id.clone())
            .or_default();
        *same += 1;
        if *same > 1 {
            inner_ref.overlaps += 1;
        }
        inner_ref.current += 1;
        inner_ref.max_concurrent = inner_ref.max_concurrent.max(inner_ref.current);
        let throttled = inner_ref
            .throttled_until
            .is_some_and(|until| Instant::now() < until);
        if throttled {
            inner_ref.throttled_arrivals += 1;
        }
        (
            Answering {
                inner: inner.clone(),
                event_id: record.event_id.clone(),
            },
            inner_ref.delay,
            throttled,
        )
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let answer = {
        let mut inner = inner.lock().expect("lock");
        if !inner.valid_tokens.contains(&token) {
            inner.received.push(record);
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid_token"})),
            )
                .into_response();
        }
        let event_id = record.event_id.clone();
        if throttled {
            Some(Answer::RetryAfter(429, 1))
        } else {
            match inner
                .per_event
                .get_mut(&event_id)
                .and_then(VecDeque::pop_front)
            {
                Some(answer) => Some(answer),
                None => inner.script.pop_front(),
            }
        }
    };
    let (status, retry_after) = match answer {
        None => (202, None),
        Some(Answer::Status(status)) => (status, None),
        Some(Answer::RetryAfter(status, seconds)) => (status, Some(seconds)),
        Some(Answer::Hang(duration)) => {
            // Recorded on arrival with status 0 (in flight): the sender may die meanwhile.
            let mut arrived = record.clone();
            arrived.status = 0;
            inner.lock().expect("lock").received.push(arrived);
            tokio::time::sleep(duration).await;
            return (StatusCode::ACCEPTED, axum::Json(json!({"status": 202}))).into_response();
        }
    };
    record.status = status;
    inner.lock().expect("lock").received.push(record);
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        axum::Json(json!({"status": status})),
    )
        .into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", seconds.to_string().parse().expect("header"));
    }
    response
}

/// A destination that accepts connections and never answers (a dead receiver behind a live
/// address); returns its base URL. Connections stay open until the test ends.
pub async fn black_hole() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("black hole listens");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    base
}
