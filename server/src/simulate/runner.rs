//! Sends the scenario's requests to the installation and keeps its steps: each exchange is
//! recorded (request and answer) and each step reported to the progress callback as it ends.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fleetdesk_core::credentials::basic_authorization;
use serde_json::Value;

use super::checks::{self, Broken, rule};
use super::{Answer, Mode, Request, Step};

/// How a request is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Auth {
    Credential,
    None,
    WrongSecret,
}

/// A request body.
pub(super) enum Body {
    None,
    Json(Value),
    Raw { content_type: String, text: String },
}

/// Stops the scenario when a step gave nothing to continue with.
pub(super) struct Stop;

/// Sends the requests and keeps the steps.
pub(super) struct Runner<'p> {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) client_id: String,
    pub(super) secret: String,
    pub(super) mode: Mode,
    /// Makes this run's references unique.
    pub(super) tag: String,
    pub(super) offer: String,
    pub(super) offer_b: String,
    /// Until then the simulator waits for asynchronous work.
    pub(super) deadline: Instant,
    pub(super) time_limit: Duration,
    pub(super) steps: Vec<Step>,
    pub(super) last: Option<(Request, Answer)>,
    pub(super) started: Instant,
    pub(super) section: &'static str,
    pub(super) progress: Box<dyn FnMut(&Step) + Send + 'p>,
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
            Auth::Credential => Some(basic_authorization(&self.client_id, &self.secret)),
            Auth::WrongSecret => Some(basic_authorization(
                &self.client_id,
                &format!("wrong-{}", self.tag),
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
