//! `fleetdesk simulate` and `fleetdesk sink`: the simulator passes against a real Fleetdesk, sync
//! and async (events through its sink), on both databases; against a partner that breaks one rule
//! it reports that rule and fails; and the two commands work as binaries, with their exit status
//! and report files.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Duration;

use fleetdesk_core::orange::settings::Mode as ApiMode;
use fleetdesk_core::outbox::settings::{self as delivery, DeliverySettings};
use fleetdesk_core::testing::TestDb;
use fleetdesk_server::simulate::{self, Mode, Options, Report, SinkChoice, rule};
use fleetdesk_server::sink::{Outcome, Sink};
use serde_json::{Value, json};

use crate::broken_partner::{BrokenPartner, Defect};
use crate::orange::{self, Api, BASIC, PRO};

const SINK_CLIENT: &str = "simulate-test";
const SINK_SECRET: &str = "simulate-test-secret";

fn options(target: &str, api: &Api, mode: Mode, sink: Option<SinkChoice>) -> Options {
    Options {
        target: target.to_owned(),
        client_id: api.client_id.clone(),
        secret: api.secret.clone(),
        mode,
        offer: PRO.to_owned(),
        offer_b: BASIC.to_owned(),
        sink,
        time_limit: Duration::from_secs(90),
    }
}

/// Every operation of the installation asynchronous.
async fn all_async(test_db: &TestDb) {
    orange::set(test_db, |s| {
        s.set_every_mode(ApiMode::Async);
    })
    .await;
}

/// Points the installation's delivery at `base` (a sink, or a proxy in front of one), retrying
/// after one second.
async fn deliver_to(test_db: &TestDb, base: &str) {
    delivery::save(
        &test_db.db,
        &DeliverySettings {
            product_order_url: format!("{base}/events/productOrder"),
            user_service_url: format!("{base}/events/userService"),
            token_url: format!("{base}/oauth/token"),
            client_id: SINK_CLIENT.to_owned(),
            client_secret: SINK_SECRET.to_owned(),
            scope: String::new(),
            timeout_seconds: 5,
            retry_delays_seconds: vec![1; 10],
            paused: false,
        },
        &fleetdesk_core::audit::Acting::system(),
    )
    .await
    .expect("delivery settings saved");
}

async fn sink() -> Sink {
    Sink::start(
        "127.0.0.1:0".parse().expect("address"),
        SINK_CLIENT,
        SINK_SECRET,
        0.0,
        None,
    )
    .await
    .expect("the sink starts")
}

#[track_caller]
fn assert_passed(report: &Report) {
    assert!(report.success(), "{}", report.text());
}

#[tokio::test]
async fn the_simulator_passes_against_fleetdesk_in_sync_mode_twice() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        // Delivery is set up: in synchronous mode nothing may arrive at the sink all the same.
        let sink = sink().await;
        deliver_to(&test_db, &sink.base_url()).await;
        let mut seen = Vec::new();
        let with_sink = options(
            &api.server.base,
            &api,
            Mode::Sync,
            Some(SinkChoice::Started(sink.clone())),
        );
        let report = simulate::run(with_sink, |step| seen.push(step.name.clone())).await;
        assert_passed(&report);
        assert!(
            seen.iter()
                .any(|s| s == "no event is sent for synchronous calls")
        );
        assert!(sink.received().is_empty());
        sink.stop();
        assert_eq!(seen.len(), report.steps.len(), "progress saw every step");
        assert!(report.steps.len() > 60, "{} steps", report.steps.len());
        for name in [
            "ping answers up",
            "customer creation retried: the first answer again",
            "consultation of a page (offset 1, limit 2)",
            "task: suspend many licences, one unknown",
            "a body over 1 MiB is PAYLOAD_TOO_LARGE",
            "the fleet is left with no live licence",
        ] {
            assert!(seen.iter().any(|s| s == name), "no step {name:?}");
        }
        // A second run uses references of its own and passes again on the same installation; it
        // runs on a task of its own, as the console will run it.
        let again = tokio::spawn(simulate::run(
            options(&api.server.base, &api, Mode::Sync, None),
            |_| {},
        ))
        .await
        .expect("the run ends");
        assert_passed(&again);
        assert_ne!(report.run, again.run);
        // Every licence the runs created is terminated: the installation is left consistent.
        let live: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM licences WHERE state <> 'terminated'")
                .fetch_one(test_db.db.pool())
                .await
                .expect("count");
        assert_eq!(live, 0);
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_simulator_passes_against_fleetdesk_in_async_mode_with_events_retried() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        all_async(&test_db).await;
        let sink = sink().await;
        deliver_to(&test_db, &sink.base_url()).await;
        let report = simulate::run(
            options(
                &api.server.base,
                &api,
                Mode::Async,
                Some(SinkChoice::Started(sink.clone())),
            ),
            |_| {},
        )
        .await;
        assert_passed(&report);
        let events: Vec<&simulate::Step> = report
            .steps
            .iter()
            .filter(|s| s.section == "6" && s.name.starts_with("event "))
            .collect();
        // 6 orders (2 customers, 4 of licences), 4 single changes, 2 licences suspended by a task,
        // 6 deleted by the last one.
        assert_eq!(events.len(), 18, "{:#?}", report.steps);
        let received = sink.received();
        let refused: Vec<_> = received
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .collect();
        assert!(!refused.is_empty(), "the sink refused some on purpose");
        for refusal in refused {
            assert!(
                received.iter().any(|r| r.event_id == refusal.event_id
                    && r.seq > refusal.seq
                    && r.outcome == Outcome::Accepted),
                "{} was retried and accepted",
                refusal.event_id
            );
        }
        sink.stop();
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn events_sent_for_calls_answered_in_synchronous_mode_are_reported() {
    // The installation acknowledges and sends events; the simulator is told it answers at once.
    let test_db = TestDb::sqlite().await;
    let api = Api::start(&test_db).await;
    all_async(&test_db).await;
    let sink = sink().await;
    deliver_to(&test_db, &sink.base_url()).await;
    let chosen = Some(SinkChoice::Started(sink.clone()));
    let report = simulate::run(options(&api.server.base, &api, Mode::Sync, chosen), |_| {}).await;
    assert_caught(&report, rule::EVENT_DELIVERED);
    let step = report
        .failures()
        .find(|s| s.name == "no event is sent for synchronous calls")
        .expect("the events are reported");
    let found = &step.failure.as_ref().expect("a failure").found;
    assert!(found.contains("productOrderStateChangeEvent"), "{found}");
    sink.stop();
    api.stop().await;
    test_db.finish().await;
}

/// Runs the simulator against a proxy that breaks `defect`, in front of a fresh Fleetdesk on each
/// database; one report per database.
async fn against(defect: Defect, mode: Mode) -> Vec<Report> {
    let mut reports = Vec::new();
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let sink = sink().await;
        let partner = BrokenPartner::start(
            &api.server.base,
            &api.client_id,
            &api.secret,
            Some(sink.base_url()),
            defect,
        )
        .await;
        let chosen = match mode {
            Mode::Sync => None,
            Mode::Async => {
                all_async(&test_db).await;
                deliver_to(&test_db, &partner.base).await;
                Some(SinkChoice::Started(sink.clone()))
            }
        };
        reports.push(simulate::run(options(&partner.base, &api, mode, chosen), |_| {}).await);
        sink.stop();
        api.stop().await;
        test_db.finish().await;
    }
    assert!(!reports.is_empty());
    reports
}

#[track_caller]
fn assert_caught(report: &Report, expected_rule: &'static str) {
    assert!(!report.success(), "the defect went unnoticed");
    assert!(
        report.broken_rules().contains(&expected_rule),
        "expected {expected_rule} among {:?}\n{}",
        report.broken_rules(),
        report.text()
    );
}

#[tokio::test]
async fn a_faithful_proxy_passes_sync_and_async_so_each_defect_below_is_its_own() {
    for mode in [Mode::Sync, Mode::Async] {
        for report in against(Defect::None, mode).await {
            assert_passed(&report);
        }
    }
}

#[tokio::test]
async fn nulls_in_answers_are_reported() {
    for report in against(Defect::Nulls, Mode::Sync).await {
        assert_caught(&report, rule::NO_NULL);
        let failure = report
            .failures()
            .find_map(|s| s.failure.as_ref())
            .expect("a failure");
        assert!(failure.found.contains("description"), "{failure:?}");
    }
}

#[tokio::test]
async fn a_partner_that_checks_no_credential_is_reported() {
    for report in against(Defect::NoAuthCheck, Mode::Sync).await {
        assert_caught(&report, rule::UNAUTHENTICATED);
        let step = report
            .failures()
            .find(|s| s.name == "ping without a credential is refused")
            .expect("the unauthenticated ping fails");
        assert_eq!(step.request.as_ref().map(|r| r.auth.as_str()), Some("none"));
        assert_eq!(step.answer.as_ref().map(|a| a.status), Some(200));
    }
}

#[tokio::test]
async fn a_partner_without_idempotency_is_reported() {
    for report in against(Defect::NoIdempotency, Mode::Sync).await {
        assert_caught(&report, rule::IDEMPOTENT);
    }
}

#[tokio::test]
async fn wrong_error_codes_are_reported() {
    for report in against(Defect::WrongCodes, Mode::Sync).await {
        assert_caught(&report, rule::ERROR_CODE);
        assert!(
            report
                .failures()
                .any(|s| s.name == "an unknown offer code is UNKNOWN_OFFER"),
            "{}",
            report.text()
        );
    }
}

#[tokio::test]
async fn events_out_of_order_are_reported() {
    for report in against(Defect::EventsOutOfOrder, Mode::Async).await {
        assert_caught(&report, rule::EVENT_ORDER);
    }
}

#[tokio::test]
async fn a_fresh_event_id_on_retry_is_reported() {
    for report in against(Defect::FreshEventIdOnRetry, Mode::Async).await {
        assert_caught(&report, rule::EVENT_ID_STABLE);
    }
}

#[tokio::test]
async fn the_sink_checks_the_token_and_records_attempts() {
    let sink = sink().await;
    sink.set_refusals(fleetdesk_server::sink::Refusals::FirstAttemptOfEvery(1));
    let http = reqwest::Client::new();
    let token = |id: &str, secret: &str| {
        http.post(sink.token_url())
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    let wrong = token(SINK_CLIENT, "nope").await.expect("answer");
    assert_eq!(wrong.status(), 401);
    let granted: Value = token(SINK_CLIENT, SINK_SECRET)
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(granted["token_type"], "Bearer");
    let bearer = granted["access_token"].as_str().expect("token").to_owned();
    let event = json!({"eventId": "evt_1", "eventTime": "2026-12-06T01:00:00Z",
        "eventType": "userServiceStateChangeEvent", "correlationId": "OBA-1",
        "event": {"userService": {"id": "lic_1", "state": "suspended"}}});
    let post = |auth: Option<String>| {
        let mut request = http.post(sink.user_service_url()).json(&event);
        if let Some(auth) = auth {
            request = request.bearer_auth(auth);
        }
        request.send()
    };
    assert_eq!(post(None).await.expect("answer").status(), 401);
    assert_eq!(
        post(Some("forged".into())).await.expect("answer").status(),
        401
    );
    assert_eq!(
        post(Some(bearer.clone())).await.expect("answer").status(),
        503
    );
    assert_eq!(post(Some(bearer)).await.expect("answer").status(), 202);
    let received = sink.received();
    let summary: Vec<(Outcome, u32)> = received.iter().map(|r| (r.outcome, r.attempt)).collect();
    assert_eq!(
        summary,
        [
            (Outcome::Unauthorized, 0),
            (Outcome::Unauthorized, 0),
            (Outcome::Refused, 1),
            (Outcome::Accepted, 2)
        ]
    );
    let last = &received[3];
    assert_eq!(
        (
            last.resource_id.as_str(),
            last.state.as_str(),
            last.correlation_id.as_deref()
        ),
        ("lic_1", "suspended", Some("OBA-1"))
    );
    sink.stop();
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fleetdesk-sim-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test]
async fn the_sink_command_prints_each_event_and_writes_them_to_its_file() {
    let dir = temp_dir();
    let out = dir.join("events.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
        .args([
            "sink",
            "--listen",
            "127.0.0.1:0",
            "--client-id",
            "cli-sink",
            "--secret",
            "cli-secret",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).expect("a first line");
    let base = first
        .strip_prefix("sink: listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let http = reqwest::Client::new();
    let granted: Value = http
        .post(format!("{base}/oauth/token"))
        .basic_auth("cli-sink", Some("cli-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let bearer = granted["access_token"].as_str().expect("token").to_owned();
    let event = json!({"eventId": "evt_cli", "eventTime": "2026-12-06T01:00:00Z",
        "eventType": "productOrderStateChangeEvent", "correlationId": "OBA-ORD-7",
        "event": {"productOrder": {"id": "ord_7", "state": "completed"}}});
    let accepted = http
        .post(format!("{base}/events/productOrder"))
        .bearer_auth(&bearer)
        .json(&event)
        .send()
        .await
        .expect("event");
    assert_eq!(accepted.status(), 202);
    let refused = http
        .post(format!("{base}/events/productOrder"))
        .json(&event)
        .send()
        .await
        .expect("event");
    assert_eq!(refused.status(), 401);
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains("evt_cli"))
        .expect("the event is printed");
    for part in [
        "productOrderStateChangeEvent",
        "ord_7",
        "state=completed",
        "correlationId=OBA-ORD-7",
        "accepted",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    let stopped = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let status = child.wait().expect("the sink ends");
    assert!(status.success(), "{status:?}");
    let written = std::fs::read_to_string(&out).expect("the events file");
    let rows: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(rows.len(), 2, "{written}");
    assert_eq!(rows[0]["outcome"], "accepted");
    assert_eq!(rows[0]["eventId"], "evt_cli");
    assert_eq!(rows[1]["outcome"], "unauthorized");
}

/// Runs `fleetdesk simulate` against `target` on a blocking thread (the servers keep running on
/// the test's runtime); returns its exit code, and its standard output followed by its standard
/// error.
async fn simulate_command(
    target: &str,
    api: &Api,
    dir: &std::path::Path,
    extra: &[&str],
) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fleetdesk"));
    command
        .args([
            "simulate",
            "--target",
            target,
            "--client-id",
            &api.client_id,
        ])
        .args(["--secret", &api.secret, "--offer", PRO, "--offer-b", BASIC])
        .arg("--report")
        .arg(dir.join("junit.xml"))
        .arg("--json")
        .arg(dir.join("report.json"))
        .args(extra);
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command ran")
        .expect("the binary runs");
    // What it wrote to standard error follows its output, so that a failed assertion shows why
    // the command stopped (an error exits 2 with the reason there).
    (
        out.status.code(),
        format!(
            "{}\n--- standard error ---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the JSON report")).expect("JSON")
}

#[tokio::test]
async fn the_simulate_command_exits_0_when_all_passed_and_1_with_the_report_files_otherwise() {
    let test_db = TestDb::sqlite().await;
    let api = Api::start(&test_db).await;
    let dir = temp_dir();
    let (code, stdout) = simulate_command(&api.server.base, &api, &dir, &[]).await;
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("[  1] pass ping answers up"), "{stdout}");
    assert!(stdout.contains("All steps passed."), "{stdout}");
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("junit file");
    assert!(
        junit.starts_with("<?xml") && junit.contains("failures=\"0\""),
        "{junit}"
    );
    let json = read_json(&dir.join("report.json"));
    assert_eq!(json["failed"], 0);
    assert!(json["passed"].as_u64().is_some_and(|n| n > 60));

    // Against a partner that answers nulls: exit status 1, the failures in both files.
    let partner = BrokenPartner::start(
        &api.server.base,
        &api.client_id,
        &api.secret,
        None,
        Defect::Nulls,
    )
    .await;
    let (code, stdout) = simulate_command(&partner.base, &api, &dir, &[]).await;
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("[  1] FAIL ping answers up"), "{stdout}");
    assert!(stdout.contains("rule:     no-null-or-empty"), "{stdout}");
    assert!(stdout.contains("request:  GET /orange/v2/ping"), "{stdout}");
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("junit file");
    assert!(
        junit.contains("<failure type=\"no-null-or-empty\""),
        "{junit}"
    );
    let json = read_json(&dir.join("report.json"));
    assert!(json["failed"].as_u64().is_some_and(|n| n > 0));
    assert!(
        json["steps"][0]["failure"]["rule"] == "no-null-or-empty",
        "{json:#}"
    );
    api.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn the_simulate_command_runs_its_own_sink_in_async_mode() {
    let test_db = TestDb::sqlite().await;
    let api = Api::start(&test_db).await;
    all_async(&test_db).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let sink_addr = format!("127.0.0.1:{port}");
    deliver_to(&test_db, &format!("http://{sink_addr}")).await;
    let dir = temp_dir();
    let extra = [
        "--mode",
        "async",
        "--sink",
        sink_addr.as_str(),
        "--sink-client-id",
        SINK_CLIENT,
        "--sink-secret",
        SINK_SECRET,
        "--time-limit",
        "90",
    ];
    let (code, stdout) = simulate_command(&api.server.base, &api, &dir, &extra).await;
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("events expected at"), "{stdout}");
    assert!(
        stdout.contains("pass event productOrderStateChangeEvent"),
        "{stdout}"
    );
    api.stop().await;
    test_db.finish().await;
}
