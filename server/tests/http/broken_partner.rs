//! A deliberately broken partner for the simulator's tests: a small axum server in front of a real
//! Fleetdesk that forwards Orange's calls to it, and its events to the simulator's sink, and
//! breaks exactly one rule of the contract on the way (or none, to show that the proxy alone
//! breaks nothing).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use base64::Engine;
use serde_json::{Value, json};

/// The one rule the partner breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    /// None: a faithful proxy.
    None,
    /// Every JSON object answered carries `"description": null`.
    Nulls,
    /// Requests without a credential, or with a wrong one, are served anyway.
    NoAuthCheck,
    /// A POST retried with the same externalReference creates again.
    NoIdempotency,
    /// `UNKNOWN_*` refusals are answered 400 `INVALID_VALUE`.
    WrongCodes,
    /// A licence's first event is held back and sent after the next one.
    EventsOutOfOrder,
    /// A delivery retried after a refusal carries a new eventId.
    FreshEventIdOnRetry,
}

struct Proxy {
    defect: Defect,
    upstream: String,
    basic: String,
    sink: Option<String>,
    http: reqwest::Client,
    counter: AtomicU64,
    /// Deliveries seen per eventId (FreshEventIdOnRetry).
    seen: Mutex<HashMap<String, u32>>,
    /// A licence's held-back event and its authorization (EventsOutOfOrder).
    held: Mutex<HashMap<String, (String, String, String)>>,
}

pub struct BrokenPartner {
    pub base: String,
}

impl BrokenPartner {
    /// In front of the Fleetdesk at `upstream` (its base URL), whose Orange credential is
    /// `client_id`/`secret`; events go on to the sink at `sink` (its base URL), if any.
    pub async fn start(
        upstream: &str,
        client_id: &str,
        secret: &str,
        sink: Option<String>,
        defect: Defect,
    ) -> BrokenPartner {
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
        );
        let proxy = Arc::new(Proxy {
            defect,
            upstream: upstream.to_owned(),
            basic,
            sink,
            // A fresh connection each time: a server may close one after refusing a large body.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("client"),
            counter: AtomicU64::new(0),
            seen: Mutex::new(HashMap::new()),
            held: Mutex::new(HashMap::new()),
        });
        let app = Router::new()
            .route("/oauth/token", post(token))
            .route("/events/{resource}", post(event))
            .route("/orange/v2/{*rest}", any(orange))
            .with_state(proxy);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the broken partner listens");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        BrokenPartner { base }
    }
}

fn answer(status: u16, headers: &reqwest::header::HeaderMap, body: Vec<u8>) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
        body,
    )
        .into_response();
    for name in [
        "content-type",
        "x-total-count",
        "x-result-count",
        "retry-after",
    ] {
        if let Some(value) = headers.get(name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

/// Orange's calls, forwarded to Fleetdesk.
async fn orange(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if proxy.defect == Defect::NoAuthCheck {
        authorization = Some(proxy.basic.clone());
    }
    let mut body = body.to_vec();
    // NoIdempotency: each POST gets a reference of its own upstream; answers show Orange's.
    let mut renamed: Option<(String, String)> = None;
    if proxy.defect == Defect::NoIdempotency
        && method == Method::POST
        && let Ok(mut value) = serde_json::from_slice::<Value>(&body)
        && let Some(id) = value["externalReference"]["id"].as_str().map(str::to_owned)
    {
        let n = proxy.counter.fetch_add(1, Ordering::SeqCst);
        let unique = format!("{id}~{n}");
        value["externalReference"]["id"] = json!(unique);
        body = value.to_string().into_bytes();
        renamed = Some((unique, id));
    }
    let url = format!(
        "{}{}",
        proxy.upstream,
        uri.path_and_query().map_or(uri.path(), |p| p.as_str())
    );
    let mut request = proxy.http.request(method, url).body(body);
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    if let Some(content_type) = headers.get("content-type") {
        request = request.header("content-type", content_type.as_bytes());
    }
    let Ok(response) = request.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = response.status().as_u16();
    let response_headers = response.headers().clone();
    let mut text = response.text().await.unwrap_or_default();
    if let Some((unique, id)) = renamed {
        text = text.replace(&format!("\"{unique}\""), &format!("\"{id}\""));
    }
    let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
        return answer(status, &response_headers, text.into_bytes());
    };
    let mut status = status;
    match proxy.defect {
        Defect::Nulls => match &mut value {
            Value::Object(map) => {
                map.insert("description".to_owned(), Value::Null);
            }
            Value::Array(items) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    item.insert("description".to_owned(), Value::Null);
                }
            }
            _ => {}
        },
        Defect::WrongCodes
            if value["code"]
                .as_str()
                .is_some_and(|code| code.starts_with("UNKNOWN_")) =>
        {
            status = 400;
            value["code"] = json!("INVALID_VALUE");
            value["status"] = json!("400");
        }
        _ => {}
    }
    answer(status, &response_headers, value.to_string().into_bytes())
}

/// The token request, passed on to the sink.
async fn token(State(proxy): State<Arc<Proxy>>, headers: HeaderMap, body: String) -> Response {
    let Some(sink) = &proxy.sink else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut request = proxy
        .http
        .post(format!("{sink}/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(authorization) = headers.get("authorization") {
        request = request.header("authorization", authorization.as_bytes());
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let response_headers = response.headers().clone();
            let body = response.bytes().await.unwrap_or_default().to_vec();
            answer(status, &response_headers, body)
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// Posts one event to the sink; the status it answered (502 when it did not).
async fn forward(proxy: &Proxy, resource: &str, authorization: &str, body: &str) -> u16 {
    let Some(sink) = &proxy.sink else {
        return 404;
    };
    proxy
        .http
        .post(format!("{sink}/events/{resource}"))
        .header("authorization", authorization)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .map_or(502, |r| r.status().as_u16())
}

/// Posts until the sink takes it (the proxy answered Fleetdesk already).
async fn forward_until_taken(proxy: &Proxy, resource: &str, authorization: &str, body: &str) {
    for _ in 0..40 {
        if (200..300).contains(&forward(proxy, resource, authorization, body).await) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Fleetdesk's events, passed on to the sink.
async fn event(
    State(proxy): State<Arc<Proxy>>,
    Path(resource): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    match proxy.defect {
        Defect::FreshEventIdOnRetry => {
            let event_id = value["eventId"].as_str().unwrap_or_default().to_owned();
            let again = {
                let mut seen = proxy.seen.lock().expect("lock");
                let n = seen.entry(event_id).or_default();
                *n += 1;
                *n > 1
            };
            if again {
                value["eventId"] = json!(format!("evt_{}", uuid::Uuid::now_v7().simple()));
            }
        }
        Defect::EventsOutOfOrder if resource == "userService" => {
            let licence = value["event"]["userService"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let event_id = value["eventId"].as_str().unwrap_or_default().to_owned();
            let held = proxy.held.lock().expect("lock").remove(&licence);
            match held {
                Some((_, held_authorization, held_body)) => {
                    forward_until_taken(&proxy, &resource, &authorization, &body).await;
                    forward_until_taken(&proxy, &resource, &held_authorization, &held_body).await;
                }
                None => {
                    proxy.held.lock().expect("lock").insert(
                        licence.clone(),
                        (event_id.clone(), authorization.clone(), body.clone()),
                    );
                    // Sent anyway if no later event for the licence comes.
                    let proxy = proxy.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_secs(10)).await;
                        let still = {
                            let mut held = proxy.held.lock().expect("lock");
                            match held.get(&licence) {
                                Some((id, _, _)) if *id == event_id => held.remove(&licence),
                                _ => None,
                            }
                        };
                        if let Some((_, authorization, body)) = still {
                            forward_until_taken(&proxy, &resource, &authorization, &body).await;
                        }
                    });
                }
            }
            return StatusCode::ACCEPTED.into_response();
        }
        _ => {}
    }
    let status = forward(&proxy, &resource, &authorization, &value.to_string()).await;
    StatusCode::from_u16(status)
        .unwrap_or(StatusCode::BAD_GATEWAY)
        .into_response()
}
