//! Helpers for the Orange API tests: a server with a credential and a catalogue, a client that
//! checks every JSON answer holds no `null` and no empty string, and counts of every domain table
//! to prove a refused request changed nothing.

use base64::Engine;
use serde_json::{Value, json};

use fleetdesk_core::offerings::{self, OfferingInput};
use fleetdesk_core::orange::settings::{self, ApiSettings};
use fleetdesk_core::testing::TestDb;

use crate::common::{Setup, TestServer};

pub const PRO: &str = "OFFER-PRO-M";
pub const DOCS: &str = "OFFER-DOCS";
pub const BASIC: &str = "OFFER-BASIC";

/// A running server, its database and an Orange credential.
pub struct Api {
    pub server: TestServer,
    pub client: reqwest::Client,
    pub client_id: String,
    pub secret: String,
}

/// A JSON answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a TMF630 error with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Reply {
        assert_eq!(
            (self.status, self.body["code"].as_str()),
            (status, Some(code)),
            "{:#}",
            self.body
        );
        assert_eq!(self.body["status"], status.to_string());
        assert!(self.body["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()));
        self
    }

    pub fn str(&self, pointer: &str) -> String {
        self.body
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no string at {pointer} in {:#}", self.body))
            .to_owned()
    }
}

/// No `null`, no empty string, no empty object key anywhere in a JSON value.
#[track_caller]
pub fn assert_clean(value: &Value) {
    fn walk(value: &Value, path: &str) {
        match value {
            Value::Null => panic!("null at {path}"),
            Value::String(s) if s.is_empty() => panic!("empty string at {path}"),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"));
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    walk(item, &format!("{path}.{key}"));
                }
            }
            _ => {}
        }
    }
    walk(value, "$");
}

pub async fn catalogue(test_db: &TestDb) {
    for (code, name, kind, scope) in [
        (PRO, "Pro", "msisdn", "per_licence"),
        (DOCS, "Docs", "url", "per_customer"),
        (BASIC, "Basic", "none", "per_licence"),
        ("OFFER-IMEI", "Devices", "imei", "per_licence"),
    ] {
        offerings::create(
            &test_db.db,
            &fleetdesk_core::audit::Acting::system(),
            &OfferingInput {
                offer_code: code.into(),
                name: name.into(),
                resource_type: kind.into(),
                resource_scope: scope.into(),
                login_format: String::new(),
                provisioning: String::new(),
            },
        )
        .await
        .expect("offering created");
    }
}

impl Api {
    /// A server over `test_db` with the test catalogue and one Orange credential.
    pub async fn start(test_db: &TestDb) -> Api {
        Api::start_with(test_db, Setup::new(test_db)).await
    }

    pub async fn start_with(test_db: &TestDb, setup: Setup) -> Api {
        let server = setup.start().await;
        catalogue(test_db).await;
        let issued = fleetdesk_core::testing::orange_credential(&test_db.db, "Orange test").await;
        Api {
            server,
            client: reqwest::Client::new(),
            client_id: issued.credential.client_id,
            secret: issued.secret.expose().to_owned(),
        }
    }

    pub fn basic(&self) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", self.client_id, self.secret))
        )
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(&format!("/orange/v2{path}"))
    }

    /// Sends a request with the credential; checks the answer is clean JSON.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("authorization", self.basic());
        if let Some(body) = body {
            request = request.json(body);
        }
        reply(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// Sends raw bytes with a content type.
    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let request = self
            .client
            .request(method, self.url(path))
            .header("authorization", self.basic())
            .header("content-type", content_type)
            .body(body);
        reply(request.send().await.expect("request sent")).await
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    let body: Value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    if !text.is_empty() {
        assert_clean(&body);
        assert!(
            headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json")),
            "JSON answers say so"
        );
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// Sets the API settings.
pub async fn set(test_db: &TestDb, change: impl FnOnce(&mut ApiSettings)) {
    let mut current = settings::load(&test_db.db).await.expect("settings");
    change(&mut current);
    settings::save(
        &test_db.db,
        &current,
        &fleetdesk_core::audit::Acting::system(),
    )
    .await
    .expect("settings saved");
}

/// Rows in every table an Orange call may write to (not the exchanges, which record refusals too).
pub async fn counts(test_db: &TestDb) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "customers",
        "customer_contacts",
        "product_orders",
        "product_order_items",
        "fleets",
        "licences",
        "realizing_resources",
        "licence_realizing_resources",
        "user_service_tasks",
        "user_service_task_items",
        "outbox_events",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        counts.push((table, n));
    }
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT id || ':' || state || ':' || offering_id FROM licences ORDER BY id",
    )
    .fetch_all(test_db.db.pool())
    .await
    .expect("licence states");
    counts.push(("licence state hash", states.join(",").len() as i64));
    counts
}

/// The rows of `table` in what [`counts`] returned.
pub fn count_of(counts: &[(&str, i64)], table: &str) -> i64 {
    counts
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, n)| *n)
        .unwrap_or_else(|| panic!("{table} is not counted"))
}

/// The customer creation of the contract's example.
pub fn create_customer(order_ref: &str, customer_ref: &str) -> Value {
    json!({
        "externalReference": {"type": "orange", "id": order_ref},
        "category": "standard",
        "orderDate": "2026-11-20T09:14:00Z",
        "customer": {
            "externalReference": {"type": "orange", "id": customer_ref},
            "name": "Menuiserie Lefebvre SARL",
            "legalId": "41234567800019",
            "address": {"street": "12 rue des Tanneurs", "postcode": "59000", "city": "Lille", "country": "FR"}
        },
        "relatedContact": [{
            "role": "customerFleetManager",
            "givenName": "Claire",
            "familyName": "Lefebvre",
            "email": "claire.lefebvre@example.fr",
            "mobileTelephoneNumber": {"cc": "33", "sn": "612345678"}
        }]
    })
}

/// A licence order for a known customer.
pub fn order_licences(order_ref: &str, customer_id: &str, offer: &str, quantity: i64) -> Value {
    json!({
        "externalReference": {"type": "orange", "id": order_ref},
        "orderDate": "2026-11-20T09:20:00Z",
        "customer": {"id": customer_id},
        "orderItem": [{
            "id": "1",
            "action": "add",
            "productOffering": {"name": "Pro", "externalReference": {"type": "orange", "id": offer}},
            "productRef": {"userServiceQuantity": quantity, "characteristic": [{"name": "storageSize", "value": "50GB"}]}
        }],
        "note": [{"text": "first order after signature", "author": "Orange sales", "date": "2026-11-20T09:19:00Z"}]
    })
}

/// Creates the example customer and returns its id.
pub async fn customer(api: &Api, order_ref: &str, customer_ref: &str) -> String {
    let reply = api
        .post("/productOrder", &create_customer(order_ref, customer_ref))
        .await;
    assert_eq!(reply.status, 201, "{:#}", reply.body);
    reply.str("/customer/id")
}

/// Orders `quantity` licences of `offer` and returns (productRefId, licence ids).
pub async fn licences(
    api: &Api,
    order_ref: &str,
    customer_id: &str,
    offer: &str,
    quantity: i64,
) -> (String, Vec<String>) {
    let reply = api
        .post(
            "/productOrder",
            &order_licences(order_ref, customer_id, offer, quantity),
        )
        .await;
    assert_eq!(reply.status, 201, "{:#}", reply.body);
    let item = &reply.body["orderItem"][0]["productRef"];
    let ids = item["userService"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| l["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (item["id"].as_str().unwrap_or_default().to_owned(), ids)
}

/// Replaces generated ids and times by stable names, for snapshots.
pub fn normalise(value: &Value) -> Value {
    fn is_generated_id(s: &str) -> Option<&str> {
        let (prefix, rest) = s.split_once('_')?;
        (rest.len() == 32 && rest.chars().all(|c| c.is_ascii_hexdigit())).then_some(prefix)
    }
    fn walk(value: &Value, names: &mut Vec<(String, String)>) -> Value {
        match value {
            Value::String(s) => {
                if let Some(prefix) = is_generated_id(s) {
                    let position = names.iter().position(|(id, _)| id == s);
                    let name = match position {
                        Some(i) => names[i].1.clone(),
                        None => {
                            let n = names.iter().filter(|(_, n)| n.starts_with(prefix)).count() + 1;
                            let name = format!("{prefix}_{n}");
                            names.push((s.clone(), name.clone()));
                            name
                        }
                    };
                    Value::String(name)
                } else if s.len() == 24 && s.ends_with('Z') && s.as_bytes().get(10) == Some(&b'T') {
                    Value::String("<time>".to_owned())
                } else {
                    value.clone()
                }
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| walk(v, names)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), walk(v, names)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    walk(value, &mut Vec::new())
}

/// Waits until `check` holds (background completion), for at most 15 seconds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
