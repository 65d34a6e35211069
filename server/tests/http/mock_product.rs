//! A stand-in for the partner's product, as a real local HTTP server: it receives the provisioning
//! webhooks, verifies each signature with the Standard Webhooks reference crate (not Fleetdesk's
//! own code), answers as the test scripted, and keeps what it received. `customer.created`
//! webhooks only inform: they are answered 200 whatever the script says and kept apart
//! ([`MockProduct::customers`]), so that a test's script and counts are about its licences.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

/// One webhook as the product received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub webhook_id: String,
    pub body: Value,
    /// The secrets (by position in [`MockProduct::set_secrets`]) whose check passed.
    pub verified_by: Vec<usize>,
    /// The status it was answered with.
    pub status: u16,
}

#[derive(Default)]
struct Inner {
    secrets: Vec<String>,
    /// Answers for the next webhooks (status, body); 200 when empty.
    script: VecDeque<(u16, String)>,
    received: Vec<Received>,
    customers: Vec<Received>,
}

#[derive(Clone)]
pub struct MockProduct {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl MockProduct {
    pub async fn start() -> MockProduct {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the mock product listens");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("the mock product serves");
        });
        MockProduct {
            url: format!("http://{addr}/hooks"),
            inner,
        }
    }

    /// The secrets signatures are checked against (one check per secret).
    pub fn set_secrets(&self, secrets: &[&str]) {
        self.inner.lock().expect("lock").secrets =
            secrets.iter().map(|s| (*s).to_owned()).collect();
    }

    /// Answers for the next webhooks, in order; status 0 hangs for five seconds, then accepts.
    pub fn script(&self, answers: &[(u16, &str)]) {
        self.inner.lock().expect("lock").script.extend(
            answers
                .iter()
                .map(|(status, body)| (*status, (*body).to_owned())),
        );
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().expect("lock").received.clone()
    }

    /// The `customer.created` webhooks, in the order they arrived.
    pub fn customers(&self) -> Vec<Received> {
        self.inner.lock().expect("lock").customers.clone()
    }

    /// The webhooks answered 2xx, in the order they arrived.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect()
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let informs = parsed["type"] == "customer.created";
    let hang = !informs
        && inner
            .lock()
            .expect("lock")
            .script
            .front()
            .is_some_and(|(status, _)| *status == 0);
    if hang {
        inner.lock().expect("lock").script.pop_front();
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
    let mut inner = inner.lock().expect("lock");
    let verified_by = inner
        .secrets
        .iter()
        .enumerate()
        .filter(|(_, secret)| {
            standardwebhooks::Webhook::new(secret)
                .and_then(|webhook| webhook.verify(&body, &headers))
                .is_ok()
        })
        .map(|(n, _)| n)
        .collect();
    let (status, answer) = if hang || informs {
        (200, String::new())
    } else {
        inner.script.pop_front().unwrap_or((200, String::new()))
    };
    let received = Received {
        webhook_id: headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: parsed,
        verified_by,
        status,
    };
    if informs {
        inner.customers.push(received);
    } else {
        inner.received.push(received);
    }
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [("content-type", "application/json")],
        answer,
    )
        .into_response()
}
