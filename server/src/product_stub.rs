//! `fleetdesk product-stub`: a stand-in for the partner's product, to try the provisioning
//! connector (the provisioning contract) without it. It receives the webhooks on any path, checks
//! their Standard Webhooks signatures, prints one line each, answers 200 at once and, a moment
//! later, calls the callback API back to complete the task, or, for a chosen share of them, to
//! fail it (as a product set up for "await callback" does). Webhooks that only inform (a new
//! customer, an operator's change) get their 2xx and no callback.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fleetdesk_core::provisioning::webhook::{self, SECRET_PREFIX};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// How far a webhook's timestamp may be from now, as Standard Webhooks recommends.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;
/// Retries of a callback that got no answer or a 5xx.
const CALLBACK_RETRIES: u32 = 5;
/// The wait before the first retry; it doubles at each one.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// The command line of `fleetdesk product-stub`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Where to listen for the webhooks, e.g. 127.0.0.1:4000 (every path is accepted).
    #[arg(long, value_name = "ADDR")]
    pub listen: SocketAddr,
    /// The callback API's base URL, e.g. http://127.0.0.1:3000/provisioning/v1.
    #[arg(long, value_name = "URL")]
    pub callback: url::Url,
    /// A provisioning credential (issued in the console), as CLIENT_ID:SECRET.
    #[arg(long, value_name = "ID:SECRET", value_parser = Credential::parse)]
    pub credential: Credential,
    /// The webhook signing secret, whsec_ and base64, as the console showed it.
    #[arg(long, value_name = "WHSEC", value_parser = SigningSecret::parse)]
    pub secret: SigningSecret,
    /// The share of tasks to fail with SERVICE_UNAVAILABLE instead of completing them, 0 to 1.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_fail_rate)]
    pub fail_rate: f64,
    /// How long to wait before calling back, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub delay_ms: u64,
}

/// A provisioning credential; `Debug` hides the secret.
#[derive(Clone)]
pub struct Credential {
    pub client_id: String,
    secret: String,
}

impl Credential {
    pub fn parse(text: &str) -> Result<Credential, String> {
        match text.split_once(':') {
            Some((client_id, secret)) if !client_id.is_empty() && !secret.is_empty() => {
                Ok(Credential {
                    client_id: client_id.to_owned(),
                    secret: secret.to_owned(),
                })
            }
            _ => {
                Err("must be ID:SECRET, the provisioning credential's client id and secret".into())
            }
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential({}:***)", self.client_id)
    }
}

/// A webhook signing secret that can sign: `whsec_` and base64. `Debug` hides it.
#[derive(Clone)]
pub struct SigningSecret(String);

impl SigningSecret {
    pub fn parse(text: &str) -> Result<SigningSecret, String> {
        match text
            .strip_prefix(SECRET_PREFIX)
            .map(|key| STANDARD.decode(key))
        {
            Some(Ok(key)) if !key.is_empty() => Ok(SigningSecret(text.to_owned())),
            _ => Err(format!(
                "must be {SECRET_PREFIX} followed by base64, as the console shows the signing secret"
            )),
        }
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(***)")
    }
}

fn parse_fail_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("must be a number from 0 to 1, e.g. 0.2 to fail one task in five".into()),
    }
}

/// Why a webhook was refused (answered 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the {0} header is missing or unreadable")]
    Header(&'static str),
    #[error("webhook-timestamp is more than 5 minutes away from this machine's clock")]
    Timestamp,
    #[error("no signature in webhook-signature matches the secret (is --secret the current one?)")]
    Signature,
}

/// Checks a webhook as Standard Webhooks says: a timestamp close to `now` (Unix seconds) and at
/// least one of the space-separated signatures made with `secret` (several during a rotation).
pub fn verify(secret: &str, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), Refusal> {
    let header = |name: &'static str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .ok_or(Refusal::Header(name))
    };
    let id = header("webhook-id")?;
    let timestamp: i64 = header("webhook-timestamp")?
        .parse()
        .map_err(|_| Refusal::Header("webhook-timestamp"))?;
    let signatures = header("webhook-signature")?;
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(Refusal::Timestamp);
    }
    let body = std::str::from_utf8(body).map_err(|_| Refusal::Signature)?;
    let expected = webhook::sign(secret, id, timestamp, body).map_err(|_| Refusal::Signature)?;
    if signatures
        .split(' ')
        .any(|signature| same(signature.as_bytes(), expected.as_bytes()))
    {
        Ok(())
    } else {
        Err(Refusal::Signature)
    }
}

/// Equality that looks at every byte, so the time taken tells nothing about the signature.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The parts of a webhook the stub prints and answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Webhook {
    #[serde(rename = "type")]
    kind: String,
    task_id: String,
    #[serde(default)]
    data: Value,
}

struct Stub {
    options: Options,
    client: reqwest::Client,
    /// Tasks already answered: a webhook delivered again is not called back twice.
    seen: Mutex<HashSet<String>>,
}

/// Listens on `--listen` and serves until Ctrl-C.
pub async fn run(options: Options) -> anyhow::Result<()> {
    let listener = TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("failed to listen on {}", options.listen))?;
    println!(
        "product-stub: listening on http://{}, calling back {} (Ctrl-C to stop)",
        listener
            .local_addr()
            .context("failed to read the address")?,
        options.callback
    );
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a signal handler the stub runs until it is killed.
            std::future::pending::<()>().await;
        }
    };
    serve(listener, options, ctrl_c).await?;
    println!("product-stub: stopped");
    Ok(())
}

/// Serves webhooks on `listener` until `shutdown` resolves; callbacks still waiting are dropped.
pub async fn serve(
    listener: TcpListener,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .context("failed to build the HTTP client")?;
    let stub = Arc::new(Stub {
        options,
        client,
        seen: Mutex::new(HashSet::new()),
    });
    let app = Router::new().fallback(receive).with_state(stub);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("failed to serve")
}

async fn receive(State(stub): State<Arc<Stub>>, headers: HeaderMap, body: Bytes) -> Response {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(refusal) = verify(&stub.options.secret.0, &headers, &body, now) {
        println!("refused   {refusal}");
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": refusal.to_string()})),
        )
            .into_response();
    }
    let hook: Webhook = match serde_json::from_slice(&body) {
        Ok(hook) => hook,
        Err(error) => {
            println!("refused   the body is not a webhook: {error}");
            let message = format!("the body is not a webhook: {error}");
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"code": "INVALID_VALUE", "message": message})),
            )
                .into_response();
        }
    };
    let field = |name: &str| hook.data[name].as_str().unwrap_or("-").to_owned();
    // `licence.created` carries a licence, `customer.created` a customer.
    let object = hook.kind.split_once('.').map_or("id", |(object, _)| object);
    let first = stub
        .seen
        .lock()
        .map(|mut seen| seen.insert(hook.task_id.clone()))
        .unwrap_or(true);
    // Fleetdesk's own changes and new customers only inform: the 2xx answer is all they need.
    let informs = matches!(
        hook.kind.as_str(),
        "customer.created"
            | "licence.end_user_changed"
            | "licence.realizing_resource_changed"
            | "licence.login_renewed"
    );
    println!(
        "webhook   {} task={} {object}={} state={} verified=yes{}",
        hook.kind,
        hook.task_id,
        field("id"),
        field("state"),
        if !first {
            " (again: already answered)"
        } else if informs {
            " (informs: no callback)"
        } else {
            ""
        }
    );
    if first && !informs {
        tokio::spawn(call_back(stub.clone(), hook.task_id));
    }
    StatusCode::OK.into_response()
}

/// Completes or fails the task after the delay, retrying when the API did not answer or failed.
async fn call_back(stub: Arc<Stub>, task_id: String) {
    let options = &stub.options;
    tokio::time::sleep(Duration::from_millis(options.delay_ms)).await;
    let fail = rand::random::<f64>() < options.fail_rate;
    let (action, body) = if fail {
        let reason =
            json!({"code": "SERVICE_UNAVAILABLE", "message": "product-stub: simulated failure"});
        ("fail", Some(reason))
    } else {
        ("complete", None)
    };
    let url = format!(
        "{}/tasks/{task_id}/{action}",
        options.callback.as_str().trim_end_matches('/')
    );
    let mut backoff = FIRST_BACKOFF;
    for attempt in 0..=CALLBACK_RETRIES {
        let mut request = stub.client.post(&url).basic_auth(
            &options.credential.client_id,
            Some(&options.credential.secret),
        );
        if let Some(body) = &body {
            request = request.json(body);
        }
        let problem = match request.send().await {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                let message = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v["message"].as_str().map(|m| format!(": {m}")))
                    .unwrap_or_default();
                println!("callback  {action} task={task_id} -> {status}{message}");
                if !status.is_server_error() {
                    return;
                }
                status.to_string()
            }
            Err(error) => {
                // `{:#}` adds the causes (refused connection, timeout) that reqwest's text leaves out.
                let error = anyhow::Error::new(error);
                println!("callback  {action} task={task_id} -> no answer: {error:#}");
                "no answer".to_owned()
            }
        };
        if attempt == CALLBACK_RETRIES {
            println!("callback  {action} task={task_id} given up after {problem}");
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}
