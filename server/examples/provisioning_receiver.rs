//! A receiver for Fleetdesk's provisioning webhooks, as a small axum server. It checks each
//! webhook's signature with the `standardwebhooks` crate, does the work once per task (the same
//! webhook may arrive more than once), and answers 2xx (done) or 4xx with {"code","message"}
//! (refused: the operation fails with that code).
//!
//! Run it with the signing secret the console showed:
//! `WEBHOOK_SECRET=whsec_... cargo run -p fleetdesk-server --example provisioning_receiver`

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

/// A provisioning webhook's body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// What happened: `licence.created`, `licence.suspended`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The provisioning task: the callback API's name for it, and the key to do the work once.
    pub task_id: String,
    /// The licence (or customer) as the back-office sees it after the change.
    pub data: Value,
}

/// Why a webhook is not acted on.
#[derive(Debug)]
pub enum Error {
    /// Not signed with the secret, or older than five minutes: answer 401, do nothing.
    Signature(standardwebhooks::WebhookError),
    /// Signed, but not a webhook body.
    Body(serde_json::Error),
}

/// Checks the signature (over the body exactly as received), then reads the body.
pub fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> Result<Payload, Error> {
    let webhook = standardwebhooks::Webhook::new(secret).map_err(Error::Signature)?;
    webhook.verify(body, headers).map_err(Error::Signature)?;
    serde_json::from_slice(body).map_err(Error::Body)
}

/// The product's work for one webhook; `Err((code, message))` refuses it.
fn provision(payload: &Payload) -> Result<(), (&'static str, String)> {
    let id = payload.data["id"].as_str().unwrap_or_default();
    match payload.kind.as_str() {
        "licence.created" => println!("create the account of licence {id}"),
        "licence.suspended" => println!("lock the account of licence {id}"),
        "licence.reactivated" => println!("unlock the account of licence {id}"),
        "licence.terminated" => println!("delete the account of licence {id}"),
        "licence.offering_changed" => {
            let offer = &payload.data["productOffering"]["externalReference"]["id"];
            let Some(offer) = offer.as_str() else {
                return Err(("INVALID_VALUE", "the licence has no offer".to_owned()));
            };
            println!("move licence {id} to offer {offer}");
        }
        // Types this product has nothing to do for, including types added later: done.
        other => println!("nothing to do for {other}"),
    }
    Ok(())
}

struct Receiver {
    secret: String,
    /// The tasks already done (a real product keeps them in its database).
    done: Mutex<HashSet<String>>,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let payload = match verify(&receiver.secret, &headers, &body) {
        Ok(payload) => payload,
        Err(Error::Signature(error)) => {
            let message = format!("signature refused: {error}");
            return (StatusCode::UNAUTHORIZED, Json(json!({"message": message})));
        }
        Err(Error::Body(error)) => {
            let message = format!("not a webhook: {error}");
            let refusal = json!({"code": "INVALID_VALUE", "message": message});
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(refusal));
        }
    };
    let mut done = receiver
        .done
        .lock()
        .expect("no thread panics holding the lock");
    if done.contains(&payload.task_id) {
        return (StatusCode::OK, Json(json!({"already": "done"})));
    }
    match provision(&payload) {
        Ok(()) => {
            done.insert(payload.task_id);
            (StatusCode::OK, Json(json!({})))
        }
        Err((code, message)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"code": code, "message": message})),
        ),
    }
}

/// The receiver's routes: webhooks arrive as `POST /webhooks`.
pub fn app(secret: String) -> Router {
    let receiver = Arc::new(Receiver {
        secret,
        done: Mutex::new(HashSet::new()),
    });
    Router::new()
        .route("/webhooks", axum::routing::post(receive))
        .with_state(receiver)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("WEBHOOK_SECRET").map_err(|_| "set WEBHOOK_SECRET=whsec_...")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4000").await?;
    println!("receiving webhooks at http://127.0.0.1:4000/webhooks");
    axum::serve(listener, app(secret)).await?;
    Ok(())
}
