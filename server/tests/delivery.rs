//! Event delivery to Orange end to end: a real Fleetdesk server (or two, or a process killed with
//! SIGKILL) and a real local mock of Orange's token and event endpoints.

mod common;
mod mock_orange;

use std::time::Duration;

use fleetdesk_core::Db;
use fleetdesk_core::outbox::settings::{self, DeliverySettings};
use fleetdesk_core::outbox::{self, OrangeEventType, browse};
use fleetdesk_core::testing::TestDb;

use common::Setup;
use mock_orange::{Answer, CLIENT_ID, CLIENT_SECRET, MockOrange};

fn delivery_settings(mock: &MockOrange, delays: Vec<u64>, timeout: u64) -> DeliverySettings {
    DeliverySettings {
        product_order_url: format!("{}/events/productOrder", mock.base),
        user_service_url: format!("{}/events/userService", mock.base),
        token_url: format!("{}/oauth/token", mock.base),
        client_id: CLIENT_ID.to_owned(),
        client_secret: CLIENT_SECRET.to_owned(),
        scope: "events".to_owned(),
        timeout_seconds: timeout,
        retry_delays_seconds: delays,
        paused: false,
    }
}

async fn configure(db: &Db, mock: &MockOrange, delays: Vec<u64>, timeout: u64) {
    settings::save(db, &delivery_settings(mock, delays, timeout))
        .await
        .expect("delivery settings saved");
}

/// Writes an event about licence `licence_id`; returns its id.
async fn enqueue(db: &Db, licence_id: &str) -> String {
    let mut tx = db.begin_write().await.expect("transaction");
    let id = outbox::enqueue_licence_event(
        &mut tx,
        OrangeEventType::UserServiceStateChange,
        fleetdesk_core::testing::licence_resource(licence_id),
        Some("OBA-TSK-1".to_owned()),
        Some("req-test-1"),
    )
    .await
    .expect("event written");
    tx.commit().await.expect("commit");
    id
}

async fn state_of(db: &Db, id: &str) -> String {
    browse::detail(db, id)
        .await
        .expect("detail")
        .expect("event exists")
        .event
        .state
}

async fn wait_for_state(db: &Db, id: &str, state: &str, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let now = state_of(db, id).await;
        if now == state {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "event {id} is {now}, not {state}, after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn events_reach_orange_with_one_cached_token_and_masked_records() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        let server = Setup::new(&test_db).start().await;
        let mut ids = Vec::new();
        for n in 0..5 {
            ids.push(enqueue(&test_db.db, &format!("lic_{n}")).await);
        }
        configure(&test_db.db, &mock, vec![1, 1], 5).await;
        for id in &ids {
            wait_for_state(&test_db.db, id, "delivered", Duration::from_secs(15)).await;
        }
        assert_eq!(mock.tokens_issued(), 1, "one token serves every event");
        let received = mock.received();
        assert_eq!(received.len(), 5);
        assert!(received.iter().all(|r| r.path == "/events/userService"));
        assert_eq!(received[0].request_id.as_deref(), Some("req-test-1"));
        assert_eq!(received[0].body["eventType"], "userServiceStateChangeEvent");
        assert_eq!(received[0].body["correlationId"], "OBA-TSK-1");
        let detail = browse::detail(&test_db.db, &ids[0])
            .await
            .expect("detail")
            .expect("exists");
        assert_eq!(detail.attempts.len(), 1);
        let attempt = &detail.attempts[0];
        assert_eq!(
            (attempt.outcome.as_str(), attempt.response_status),
            ("delivered", Some(202))
        );
        assert!(attempt.latency_ms.is_some());
        assert!(
            attempt
                .request_headers
                .iter()
                .any(|(name, value)| name == "authorization" && value == "Bearer ***")
        );
        let everything = format!("{detail:?}");
        assert!(!everything.contains("tok-1") && !everything.contains(CLIENT_SECRET));

        let metrics = reqwest::get(server.url("/metrics"))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        for line in [
            "fleetdesk_outbox_events{state=\"delivered\"} 5",
            "fleetdesk_outbox_events{state=\"pending\"} 0",
            "fleetdesk_outbox_attempts_total{outcome=\"delivered\"} 5",
            "fleetdesk_outbox_attempt_duration_seconds_count 5",
            "fleetdesk_outbox_delivery_delay_seconds_count 5",
            "fleetdesk_outbox_oldest_undelivered_age_seconds 0.000",
            "fleetdesk_outbox_delivery_paused 0",
        ] {
            assert!(
                metrics.lines().any(|l| l == line),
                "missing `{line}` in\n{metrics}"
            );
        }
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn failures_are_retried_with_the_same_event_id_and_a_400_is_not() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        let server = Setup::new(&test_db).start().await;
        // 500, then a timeout, then 429 asking for 2 s: delivered on the fourth try.
        mock.script([
            Answer::Status(500),
            Answer::Hang(Duration::from_secs(3)),
            Answer::RetryAfter(429, 2),
        ]);
        let retried = enqueue(&test_db.db, "lic_a").await;
        configure(&test_db.db, &mock, vec![1, 1, 1, 1], 1).await;
        wait_for_state(&test_db.db, &retried, "delivered", Duration::from_secs(30)).await;
        let received: Vec<(String, u16)> = mock
            .received()
            .into_iter()
            .map(|r| (r.event_id, r.status))
            .collect();
        assert_eq!(
            received,
            [
                (retried.clone(), 500),
                (retried.clone(), 0),
                (retried.clone(), 429),
                (retried.clone(), 202)
            ],
            "the same eventId every time"
        );
        let attempts = browse::detail(&test_db.db, &retried)
            .await
            .expect("detail")
            .expect("exists")
            .attempts;
        let outcomes: Vec<(&str, Option<i64>)> = attempts
            .iter()
            .map(|a| (a.outcome.as_str(), a.response_status))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("retry", Some(500)),
                ("retry", None),
                ("retry", Some(429)),
                ("delivered", Some(202))
            ]
        );
        assert!(
            attempts[1]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("timeout"))
        );
        let waited = received_gap(&mock, 2, 3);
        assert!(
            waited >= Duration::from_millis(1900),
            "Retry-After honoured: {waited:?}"
        );

        mock.script([Answer::Status(400)]);
        let refused = enqueue(&test_db.db, "lic_b").await;
        wait_for_state(&test_db.db, &refused, "failed", Duration::from_secs(10)).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let arrivals = mock
            .received()
            .iter()
            .filter(|r| r.event_id == refused)
            .count();
        assert_eq!(arrivals, 1, "a 400 is not retried");
        let detail = browse::detail(&test_db.db, &refused)
            .await
            .expect("detail")
            .expect("exists");
        assert_eq!(detail.event.last_response_status, Some(400));
        assert!(
            detail.attempts[0]
                .response_body
                .as_deref()
                .is_some_and(|b| b.contains("400"))
        );

        // Schedule exhausted: failed, in the stuck queue.
        mock.script([
            Answer::Status(503),
            Answer::Status(503),
            Answer::Status(503),
            Answer::Status(503),
            Answer::Status(503),
        ]);
        let exhausted = enqueue(&test_db.db, "lic_c").await;
        wait_for_state(&test_db.db, &exhausted, "failed", Duration::from_secs(20)).await;
        assert_eq!(
            browse::detail(&test_db.db, &exhausted)
                .await
                .expect("detail")
                .expect("exists")
                .attempts
                .len(),
            5
        );
        server.stop().await;
        test_db.finish().await;
    }
}

fn received_gap(mock: &MockOrange, first: usize, second: usize) -> Duration {
    let received = mock.received();
    received[second].at.duration_since(received[first].at)
}

#[tokio::test]
async fn a_401_renews_the_token_and_sends_again() {
    let test_db = TestDb::sqlite().await;
    let mock = MockOrange::start().await;
    let server = Setup::new(&test_db).start().await;
    configure(&test_db.db, &mock, vec![30], 5).await;
    let first = enqueue(&test_db.db, "lic_a").await;
    wait_for_state(&test_db.db, &first, "delivered", Duration::from_secs(10)).await;
    mock.revoke_tokens();
    let second = enqueue(&test_db.db, "lic_b").await;
    wait_for_state(&test_db.db, &second, "delivered", Duration::from_secs(10)).await;
    assert_eq!(mock.tokens_issued(), 2);
    let statuses: Vec<u16> = mock
        .received()
        .iter()
        .filter(|r| r.event_id == second)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [401, 202]);
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn a_later_event_about_the_same_licence_waits_for_the_earlier_one() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        let server = Setup::new(&test_db).start().await;
        let first = enqueue(&test_db.db, "lic_same").await;
        let second = enqueue(&test_db.db, "lic_same").await;
        let other = enqueue(&test_db.db, "lic_other").await;
        mock.script_for(&first, [Answer::Status(500), Answer::Status(500)]);
        configure(&test_db.db, &mock, vec![1, 1, 1], 5).await;
        wait_for_state(&test_db.db, &second, "delivered", Duration::from_secs(20)).await;
        wait_for_state(&test_db.db, &other, "delivered", Duration::from_secs(20)).await;
        let received: Vec<(String, u16)> = mock
            .received()
            .into_iter()
            .map(|r| (r.event_id, r.status))
            .collect();
        let first_done = received
            .iter()
            .position(|(id, status)| *id == first && *status == 202)
            .expect("the first was delivered");
        let second_seen = received
            .iter()
            .position(|(id, _)| *id == second)
            .expect("the second arrived");
        assert!(
            first_done < second_seen,
            "in order per licence: {received:?}"
        );
        let other_done = received
            .iter()
            .position(|(id, status)| *id == other && *status == 202)
            .expect("the other licence's event arrived");
        assert!(
            other_done < first_done,
            "another licence does not wait: {received:?}"
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn nothing_is_sent_while_delivery_is_paused() {
    let test_db = TestDb::sqlite().await;
    let mock = MockOrange::start().await;
    let server = Setup::new(&test_db).start().await;
    configure(&test_db.db, &mock, vec![1], 5).await;
    settings::set_paused(&test_db.db, true)
        .await
        .expect("pause");
    let id = enqueue(&test_db.db, "lic_a").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(mock.received().is_empty(), "paused: nothing sent");
    assert_eq!(state_of(&test_db.db, &id).await, "pending");
    settings::set_paused(&test_db.db, false)
        .await
        .expect("resume");
    wait_for_state(&test_db.db, &id, "delivered", Duration::from_secs(10)).await;
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn an_event_in_flight_when_the_process_is_killed_is_delivered_after_restart() {
    use std::process::{Command, Stdio};
    let test_db = TestDb::sqlite().await;
    let mock = MockOrange::start().await;
    configure(&test_db.db, &mock, vec![1, 1], 1).await;
    // The first arrival hangs: the process is killed while waiting for Orange's answer.
    mock.script([Answer::Hang(Duration::from_secs(30))]);
    let id = enqueue(&test_db.db, "lic_killed").await;
    let dir =
        std::env::temp_dir().join(format!("fleetdesk-kill-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
            .arg("serve")
            .env("FLEETDESK_DATABASE_URL", &test_db.url)
            .env("FLEETDESK_DATA_DIR", &dir)
            .env("FLEETDESK_LISTEN", "127.0.0.1:0")
            .env("FLEETDESK_LOG", "warn")
            .env(
                "FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD",
                "a-long-admin-password",
            )
            .env("LEPTOS_SITE_ROOT", dir.join("site"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts")
    };
    let mut first = spawn();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while mock.received().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the event never left"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state_of(&test_db.db, &id).await, "delivering");
    first.kill().expect("SIGKILL");
    let _ = first.wait();

    let mut second = spawn();
    // The lease (2 x timeout + 5 s) runs out, then the restarted server sends it again.
    wait_for_state(&test_db.db, &id, "delivered", Duration::from_secs(30)).await;
    let arrivals: Vec<u16> = mock
        .received()
        .iter()
        .filter(|r| r.event_id == id)
        .map(|r| r.status)
        .collect();
    assert_eq!(
        arrivals,
        [0, 202],
        "in flight when killed, then delivered once"
    );
    let _ = second.kill();
    let _ = second.wait();
    let _ = std::fs::remove_dir_all(&dir);
    test_db.finish().await;
}

#[tokio::test]
async fn two_instances_on_one_postgresql_database_deliver_each_event_once() {
    let Some(test_db) = TestDb::postgres().await else {
        return;
    };
    let mock = MockOrange::start().await;
    let setup = Setup::new(&test_db);
    let one = setup.start().await;
    let two = setup.start().await;
    let mut ids = Vec::new();
    {
        // 1,000 events over 100 licences, written in a few transactions.
        let mut tx = test_db.db.begin_write().await.expect("transaction");
        for n in 0..1000 {
            ids.push(
                outbox::enqueue_licence_event(
                    &mut tx,
                    OrangeEventType::UserServiceAttributeValueChange,
                    fleetdesk_core::testing::licence_resource(&format!("lic_{}", n % 100)),
                    None,
                    None,
                )
                .await
                .expect("event"),
            );
        }
        tx.commit().await.expect("commit");
    }
    configure(&test_db.db, &mock, vec![1, 1], 5).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let delivered = browse::count(
            &test_db.db,
            &browse::Filter {
                state: Some("delivered".to_owned()),
                ..browse::Filter::default()
            },
        )
        .await
        .expect("count");
        if delivered == 1000 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {delivered} delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let accepted = mock.accepted();
    let unique: std::collections::HashSet<&String> = accepted.iter().collect();
    assert_eq!(accepted.len(), 1000, "none delivered twice");
    assert_eq!(unique.len(), 1000, "each delivered");
    assert!(ids.iter().all(|id| unique.contains(id)));
    let per_licence_order_ok = {
        let received = mock.received();
        (0..100).all(|licence| {
            let key = format!("lic_{licence}");
            let arrived: Vec<&str> = received
                .iter()
                .filter(|r| r.body["event"]["userService"]["id"] == key.as_str())
                .map(|r| r.event_id.as_str())
                .collect();
            let mut sorted = arrived.clone();
            sorted.sort_unstable();
            arrived == sorted
        })
    };
    assert!(
        per_licence_order_ok,
        "events of one licence arrive in creation order"
    );
    one.stop().await;
    two.stop().await;
    test_db.finish().await;
}
