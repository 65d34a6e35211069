//! `fleetdesk product-stub`, the stand-in for the partner's product, and the partner guide
//! (`docs/provisioning.md`): the stub checks signatures and calls the callback API back, by
//! itself against a stand-in API and against a real Fleetdesk; the guide's Rust receiver (compiled
//! here from `server/examples/provisioning_receiver.rs`) and its Python check accept what Fleetdesk
//! signs and refuse the rest.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use fleetdesk_core::audit::Acting;
use fleetdesk_core::provisioning::webhook::{
    self, WebhookInput, generate_secret, signature_header,
};
use fleetdesk_core::testing::TestDb;
use fleetdesk_server::product_stub::{self, Credential, Options, SigningSecret};
use serde_json::{Value, json};

use crate::orange::{customer, eventually};
use crate::provisioning::{World, world};

#[path = "../../examples/provisioning_receiver.rs"]
#[expect(dead_code, reason = "the example's main is not run here")]
mod receiver;

const GUIDE: &str = include_str!("../../../docs/provisioning.md");
const EXAMPLE: &str = include_str!("../../examples/provisioning_receiver.rs");

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn webhook_body(task_id: &str) -> String {
    json!({
        "type": "licence.created",
        "taskId": task_id,
        "timestamp": "2026-12-05T21:00:00.000Z",
        "data": {"id": "lic_1", "state": "active", "productOffering": {"externalReference": {"type": "orange", "id": "OFFER-HOOK"}}},
    })
    .to_string()
}

/// The Standard Webhooks headers of `body`, signed now-ish by Fleetdesk's own code.
fn signed(secrets: &[&String], id: &str, timestamp: i64, body: &str) -> HeaderMap {
    let secrets: Vec<&str> = secrets.iter().map(|s| s.as_str()).collect();
    let signature = signature_header(&secrets, id, timestamp, body).expect("signs");
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", id.parse().expect("header"));
    headers.insert(
        "webhook-timestamp",
        timestamp.to_string().parse().expect("header"),
    );
    headers.insert("webhook-signature", signature.parse().expect("header"));
    headers
}

/// Posts a webhook; (status, body).
async fn post(url: &str, headers: HeaderMap, body: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(url)
        .headers(headers)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// One call the stand-in callback API received.
#[derive(Debug, Clone)]
struct Call {
    path: String,
    authorization: String,
    body: Value,
}

/// A stand-in for `/provisioning/v1`: records every call, answers as scripted (200 when not).
#[derive(Clone, Default)]
struct FakeApi {
    calls: Arc<Mutex<Vec<Call>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl FakeApi {
    /// Starts it; its base URL, as `--callback` takes it.
    async fn start(&self) -> String {
        let app = Router::new().fallback(record).with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake API listens");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
        format!("http://{addr}/provisioning/v1")
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("lock").clone()
    }
}

async fn record(
    State(api): State<FakeApi>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::http::StatusCode {
    api.calls.lock().expect("lock").push(Call {
        path: uri.path().to_owned(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let status = api.script.lock().expect("lock").pop_front().unwrap_or(200);
    axum::http::StatusCode::from_u16(status).expect("status")
}

/// A product-stub running in this process.
struct Stub {
    /// Where to post webhooks (any path will do).
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

const STUB_CREDENTIAL: &str = "prov_client:prov-secret";

async fn start_stub(callback: &str, credential: &str, secret: &str, fail_rate: f64) -> Stub {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the stub listens");
    let addr = listener.local_addr().expect("address");
    let options = Options {
        listen: addr,
        callback: callback.parse().expect("a URL"),
        credential: Credential::parse(credential).expect("a credential"),
        secret: SigningSecret::parse(secret).expect("a secret"),
        fail_rate,
        delay_ms: 20,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(product_stub::serve(listener, options, async {
        let _ = stopped.await;
    }));
    Stub {
        url: format!("http://{addr}/webhooks"),
        stop,
        task,
    }
}

impl Stub {
    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("the stub stops at once")
            .expect("the stub's task ends")
            .expect("the stub stops cleanly");
    }
}

fn basic(credential: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credential)
    )
}

#[tokio::test]
async fn the_stub_answers_a_signed_webhook_at_once_and_completes_its_task_with_the_credential() {
    let api = FakeApi::default();
    let callback = api.start().await;
    let secret = generate_secret();
    let stub = start_stub(&callback, STUB_CREDENTIAL, &secret, 0.0).await;
    let body = webhook_body("prv_1");
    let (status, _) = post(&stub.url, signed(&[&secret], "evt_1", now(), &body), &body).await;
    assert_eq!(status, 200);
    eventually("the callback", || async { !api.calls().is_empty() }).await;
    let calls = api.calls();
    assert_eq!(calls[0].path, "/provisioning/v1/tasks/prv_1/complete");
    assert_eq!(calls[0].authorization, basic(STUB_CREDENTIAL));
    assert_eq!(calls[0].body, Value::Null, "no body: the licence as it is");

    // The same webhook again (a retry): answered, not called back twice.
    let (status, _) = post(&stub.url, signed(&[&secret], "evt_1", now(), &body), &body).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(api.calls().len(), 1, "{:?}", api.calls());
    stub.stop().await;
}

#[tokio::test]
async fn with_a_fail_rate_of_one_the_stub_fails_every_task_with_service_unavailable() {
    let api = FakeApi::default();
    let callback = api.start().await;
    let secret = generate_secret();
    let stub = start_stub(&callback, STUB_CREDENTIAL, &secret, 1.0).await;
    for task in ["prv_1", "prv_2"] {
        let body = webhook_body(task);
        let (status, _) = post(&stub.url, signed(&[&secret], task, now(), &body), &body).await;
        assert_eq!(status, 200);
    }
    eventually("two callbacks", || async { api.calls().len() == 2 }).await;
    let mut paths: Vec<String> = api.calls().into_iter().map(|c| c.path).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/provisioning/v1/tasks/prv_1/fail",
            "/provisioning/v1/tasks/prv_2/fail"
        ]
    );
    for call in api.calls() {
        assert_eq!(
            call.body,
            json!({"code": "SERVICE_UNAVAILABLE", "message": "product-stub: simulated failure"})
        );
    }
    stub.stop().await;
}

#[tokio::test]
async fn a_badly_signed_or_stale_webhook_is_refused_with_401_and_never_called_back() {
    let api = FakeApi::default();
    let callback = api.start().await;
    let secret = generate_secret();
    let stub = start_stub(&callback, STUB_CREDENTIAL, &secret, 0.0).await;
    let body = webhook_body("prv_1");

    let other = generate_secret();
    let (status, text) = post(&stub.url, signed(&[&other], "evt_1", now(), &body), &body).await;
    assert_eq!(status, 401);
    assert!(
        text.contains("no signature in webhook-signature matches"),
        "{text}"
    );

    let tampered = body.replace("lic_1", "lic_2");
    let (status, _) = post(
        &stub.url,
        signed(&[&secret], "evt_1", now(), &body),
        &tampered,
    )
    .await;
    assert_eq!(status, 401, "the body is not the one signed");

    let stale = now() - 6 * 60;
    let (status, text) = post(&stub.url, signed(&[&secret], "evt_1", stale, &body), &body).await;
    assert_eq!(status, 401);
    assert!(text.contains("more than 5 minutes"), "{text}");

    let (status, text) = post(&stub.url, HeaderMap::new(), &body).await;
    assert_eq!(status, 401);
    assert!(text.contains("webhook-id"), "{text}");

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(api.calls().is_empty(), "{:?}", api.calls());
    stub.stop().await;
}

#[tokio::test]
async fn during_a_secret_rotation_one_matching_signature_of_several_is_enough() {
    let api = FakeApi::default();
    let callback = api.start().await;
    let (old, new) = (generate_secret(), generate_secret());
    let stub = start_stub(&callback, STUB_CREDENTIAL, &new, 0.0).await;
    let body = webhook_body("prv_1");
    let headers = signed(&[&old, &new], "evt_1", now(), &body);
    let (status, _) = post(&stub.url, headers, &body).await;
    assert_eq!(status, 200);
    eventually("the callback", || async { api.calls().len() == 1 }).await;
    stub.stop().await;
}

#[tokio::test]
async fn a_callback_answered_with_a_5xx_is_retried_until_it_is_answered() {
    let api = FakeApi::default();
    api.script.lock().expect("lock").extend([503, 500]);
    let callback = api.start().await;
    let secret = generate_secret();
    let stub = start_stub(&callback, STUB_CREDENTIAL, &secret, 0.0).await;
    let body = webhook_body("prv_1");
    let (status, _) = post(&stub.url, signed(&[&secret], "evt_1", now(), &body), &body).await;
    assert_eq!(status, 200);
    eventually("three attempts", || async { api.calls().len() == 3 }).await;
    assert!(
        api.calls()
            .iter()
            .all(|c| c.path == "/provisioning/v1/tasks/prv_1/complete")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(api.calls().len(), 3, "no more after the 200");
    stub.stop().await;
}

#[test]
fn wrong_options_are_refused_with_what_they_must_be() {
    let dir =
        std::env::temp_dir().join(format!("fleetdesk-stub-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let secret = generate_secret();
    let run = |credential: &str, secret: &str, fail_rate: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
            .args(["product-stub", "--listen", "127.0.0.1:0"])
            .args(["--callback", "http://127.0.0.1:9/provisioning/v1"])
            .args(["--credential", credential, "--secret", secret])
            .args(["--fail-rate", fail_rate])
            .current_dir(&dir)
            .output()
            .expect("the binary runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run("no-colon", &secret, "0");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--credential") && stderr.contains("must be ID:SECRET"),
        "{stderr}"
    );
    let (code, stderr) = run("id:secret", "not-a-secret", "0");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("must be whsec_ followed by base64"),
        "{stderr}"
    );
    let (code, stderr) = run("id:secret", "whsec_not base64!", "0");
    assert_eq!(code, Some(2), "{stderr}");
    let (code, stderr) = run("id:secret", &secret, "1.5");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--fail-rate") && stderr.contains("from 0 to 1"),
        "{stderr}"
    );
    assert!(!stderr.contains(&secret), "the secret is never echoed");
}

#[test]
fn the_guide_shows_the_example_receiver_verbatim() {
    assert!(
        GUIDE.contains(&format!("```rust\n{EXAMPLE}```\n")),
        "docs/provisioning.md must hold server/examples/provisioning_receiver.rs as it is"
    );
}

#[tokio::test]
async fn the_example_receiver_accepts_what_fleetdesk_signs_and_refuses_anything_else() {
    let (secret, old) = (generate_secret(), generate_secret());
    let body = webhook_body("prv_1");
    let headers = signed(&[&secret], "evt_1", now(), &body);
    let payload = receiver::verify(&secret, &headers, body.as_bytes()).expect("verifies");
    assert_eq!(
        (payload.kind.as_str(), payload.task_id.as_str()),
        ("licence.created", "prv_1")
    );
    assert_eq!(payload.data["id"], "lic_1");
    let rotated = signed(&[&old, &secret], "evt_1", now(), &body);
    assert!(receiver::verify(&secret, &rotated, body.as_bytes()).is_ok());
    let tampered = body.replace("lic_1", "lic_2");
    assert!(matches!(
        receiver::verify(&secret, &headers, tampered.as_bytes()),
        Err(receiver::Error::Signature(_))
    ));
    let stale = signed(&[&secret], "evt_1", now() - 6 * 60, &body);
    assert!(receiver::verify(&secret, &stale, body.as_bytes()).is_err());

    // As a server: done once, then the same task again is answered without doing it twice.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listens");
    let url = format!(
        "http://{}/webhooks",
        listener.local_addr().expect("address")
    );
    let app = receiver::app(secret.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
    let (status, _) = post(&url, headers.clone(), &body).await;
    assert_eq!(status, 200);
    let (status, text) = post(&url, headers.clone(), &body).await;
    assert_eq!((status, text.as_str()), (200, r#"{"already":"done"}"#));
    let (status, _) = post(&url, headers, &tampered).await;
    assert_eq!(status, 401);
}

/// The guide's ```python block.
fn python_snippet() -> &'static str {
    let start = GUIDE.find("```python\n").expect("a Python block") + "```python\n".len();
    let length = GUIDE[start..].find("```").expect("the block ends");
    &GUIDE[start..start + length]
}

#[test]
fn the_guides_python_check_agrees_with_fleetdesk_signatures() {
    let Some(python) = ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .arg("--version")
            .output()
            .is_ok()
    }) else {
        eprintln!("no python3 on this machine: the guide's Python check is not tried");
        return;
    };
    let (secret, old) = (generate_secret(), generate_secret());
    let body = webhook_body("prv_1");
    let case = |secrets: &[&String], timestamp: i64, sent: &str| {
        let headers = signed(secrets, "evt_1", timestamp, &body);
        let header = |name: &str| headers[name].to_str().expect("text").to_owned();
        json!({
            "headers": {
                "webhook-id": header("webhook-id"),
                "webhook-timestamp": header("webhook-timestamp"),
                "webhook-signature": header("webhook-signature"),
            },
            "body": sent,
        })
    };
    let cases = json!({"secret": secret, "cases": [
        case(&[&secret], now(), &body),
        case(&[&old, &secret], now(), &body),
        case(&[&secret], now(), &body.replace("lic_1", "lic_2")),
        case(&[&secret], now() - 6 * 60, &body),
        case(&[&old], now(), &body),
    ]});
    let script = format!(
        "{}\nimport json, sys\nasked = json.load(sys.stdin)\n\
         print(json.dumps([verify(asked['secret'], c['headers'], c['body'].encode()) for c in asked['cases']]))\n",
        python_snippet()
    );
    let mut child = std::process::Command::new(python)
        .args(["-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(cases.to_string().as_bytes())
            .expect("write the cases");
    }
    let out = child.wait_with_output().expect("python ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Value = serde_json::from_str(stdout.trim()).expect("a JSON list");
    assert_eq!(verdicts, json!([true, true, false, false, false]));
}

/// Starts a stub and points the webhooks of `world` (awaiting callbacks) at it.
async fn stub_for(world: &World, test_db: &TestDb, fail_rate: f64) -> Stub {
    let callback = world.api.server.url("/provisioning/v1");
    let stub = start_stub(&callback, &world.credential, &world.secret, fail_rate).await;
    webhook::save(
        &test_db.db,
        &WebhookInput {
            url: stub.url.clone(),
            timeout_seconds: 5,
            await_callback: true,
        },
        &Acting::system(),
    )
    .await
    .expect("webhook settings");
    stub
}

#[tokio::test]
async fn the_stub_completes_or_fails_orders_by_itself_against_a_real_fleetdesk() {
    for test_db in TestDb::all().await {
        let world = world(&test_db, true).await;
        let customer_id = customer(&world.api, "OBA-C", "C-STUB").await;

        let stub = stub_for(&world, &test_db, 0.0).await;
        let order = world.order("OBA-O-1", &customer_id, 2).await;
        world.wait_order(&order, "completed").await;
        eventually("the completion at Orange", || async {
            world.order_events(&order) == ["completed"]
        })
        .await;
        let tasks: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT state, resolved_by FROM provisioning_tasks WHERE order_id = $1")
                .bind(&order)
                .fetch_all(test_db.db.pool())
                .await
                .expect("tasks");
        assert_eq!(tasks.len(), 2);
        assert!(
            tasks
                .iter()
                .all(|(state, by)| state == "completed" && by.is_none()),
            "completed by the product's callbacks: {tasks:?}"
        );
        stub.stop().await;

        let stub = stub_for(&world, &test_db, 1.0).await;
        let order = world.order("OBA-O-2", &customer_id, 2).await;
        world.wait_order(&order, "failed").await;
        eventually("the failure at Orange", || async {
            world.order_events(&order) == ["failed"]
        })
        .await;
        let failure: (String, String) = sqlx::query_as(
            "SELECT failure_code, failure_message FROM product_orders WHERE id = $1",
        )
        .bind(&order)
        .fetch_one(test_db.db.pool())
        .await
        .expect("order");
        assert_eq!(
            failure,
            (
                "SERVICE_UNAVAILABLE".to_owned(),
                "product-stub: simulated failure".to_owned()
            )
        );
        stub.stop().await;

        world.api.stop().await;
        test_db.finish().await;
    }
}
