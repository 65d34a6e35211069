//! Event delivery to Orange end to end: a real Fleetdesk server (or two, or a process killed with
//! SIGKILL) and a real local mock of Orange's token and event endpoints.

use crate::common;
use crate::mock_orange;

use fleetdesk_vocab::EventState;
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
    settings::save(
        db,
        &delivery_settings(mock, delays, timeout),
        &fleetdesk_core::audit::Acting::system(),
    )
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
    id.into_string()
}

async fn state_of(db: &Db, id: &str) -> EventState {
    browse::detail(db, &id.into())
        .await
        .expect("detail")
        .expect("event exists")
        .event
        .state
}

async fn wait_for_state(db: &Db, id: &str, state: EventState, within: Duration) {
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

/// `/metrics` as `server` answers it once it shows every line of `lines` (or after 20 s: an instance
/// that records nothing reads the shared numbers every 15 s).
async fn metrics_showing(server: &common::TestServer, lines: &[&str]) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let metrics = reqwest::get(server.url("/metrics"))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        let shown = lines.iter().all(|line| metrics.lines().any(|l| l == *line));
        if shown || tokio::time::Instant::now() >= deadline {
            return metrics;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of the metric line that starts with `name` followed by a space.
fn metric(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no `{name}` in\n{metrics}"))
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
            wait_for_state(
                &test_db.db,
                id,
                EventState::Delivered,
                Duration::from_secs(15),
            )
            .await;
        }
        assert_eq!(mock.tokens_issued(), 1, "one token serves every event");
        let received = mock.received();
        assert_eq!(received.len(), 5);
        assert!(received.iter().all(|r| r.path == "/events/userService"));
        assert_eq!(received[0].request_id.as_deref(), Some("req-test-1"));
        assert_eq!(received[0].body["eventType"], "userServiceStateChangeEvent");
        assert_eq!(received[0].body["correlationId"], "OBA-TSK-1");
        let detail = browse::detail(&test_db.db, &ids[0].as_str().into())
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

        // The counters follow the attempts as they are recorded, the shared numbers within
        // five seconds or so: read until they show.
        let lines = [
            "fleetdesk_outbox_events{destination=\"orange\",state=\"delivered\"} 5",
            "fleetdesk_outbox_events{destination=\"orange\",state=\"pending\"} 0",
            "fleetdesk_outbox_events{destination=\"product\",state=\"delivered\"} 0",
            "fleetdesk_outbox_attempts_total{destination=\"orange\",outcome=\"delivered\"} 5",
            "fleetdesk_outbox_attempts_total{destination=\"product\",outcome=\"delivered\"} 0",
            "fleetdesk_outbox_attempt_duration_seconds_count{destination=\"orange\"} 5",
            "fleetdesk_outbox_delivery_delay_seconds_count{destination=\"orange\"} 5",
            "fleetdesk_outbox_oldest_undelivered_age_seconds{destination=\"orange\"} 0",
            "fleetdesk_outbox_delivery_paused 0",
        ];
        let metrics = metrics_showing(&server, &lines).await;
        for line in lines {
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
        wait_for_state(
            &test_db.db,
            &retried,
            EventState::Delivered,
            Duration::from_secs(30),
        )
        .await;
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
        let attempts = browse::detail(&test_db.db, &retried.as_str().into())
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
        wait_for_state(
            &test_db.db,
            &refused,
            EventState::Failed,
            Duration::from_secs(10),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let arrivals = mock
            .received()
            .iter()
            .filter(|r| r.event_id == refused)
            .count();
        assert_eq!(arrivals, 1, "a 400 is not retried");
        let detail = browse::detail(&test_db.db, &refused.as_str().into())
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
        wait_for_state(
            &test_db.db,
            &exhausted,
            EventState::Failed,
            Duration::from_secs(20),
        )
        .await;
        assert_eq!(
            browse::detail(&test_db.db, &exhausted.as_str().into())
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
    wait_for_state(
        &test_db.db,
        &first,
        EventState::Delivered,
        Duration::from_secs(10),
    )
    .await;
    mock.revoke_tokens();
    let second = enqueue(&test_db.db, "lic_b").await;
    wait_for_state(
        &test_db.db,
        &second,
        EventState::Delivered,
        Duration::from_secs(10),
    )
    .await;
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
        wait_for_state(
            &test_db.db,
            &second,
            EventState::Delivered,
            Duration::from_secs(20),
        )
        .await;
        wait_for_state(
            &test_db.db,
            &other,
            EventState::Delivered,
            Duration::from_secs(20),
        )
        .await;
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
    // Paused before the server starts: an instance reads the settings at most every half second,
    // so a pause saved just after it read them could let one claim through.
    configure(&test_db.db, &mock, vec![1], 5).await;
    settings::set_paused(&test_db.db, true, &fleetdesk_core::audit::Acting::system())
        .await
        .expect("pause");
    let server = Setup::new(&test_db).start().await;
    let id = enqueue(&test_db.db, "lic_a").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(mock.received().is_empty(), "paused: nothing sent");
    assert_eq!(state_of(&test_db.db, &id).await, EventState::Pending);
    settings::set_paused(&test_db.db, false, &fleetdesk_core::audit::Acting::system())
        .await
        .expect("resume");
    wait_for_state(
        &test_db.db,
        &id,
        EventState::Delivered,
        Duration::from_secs(10),
    )
    .await;
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn an_event_in_flight_when_the_process_is_killed_is_delivered_after_restart() {
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
        common::spawn_serve(
            &test_db.url,
            &dir,
            "127.0.0.1:0",
            &[("FLEETDESK_DELIVERY_LEASE_SECONDS", "3")],
        )
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
    assert_eq!(state_of(&test_db.db, &id).await, EventState::Delivering);
    first.kill().expect("SIGKILL");
    let _ = first.wait();

    let mut second = spawn();
    // The lease (3 s) runs out, then the restarted server sends it again.
    wait_for_state(
        &test_db.db,
        &id,
        EventState::Delivered,
        Duration::from_secs(30),
    )
    .await;
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

/// Writes `count` events spread over `licences` licences, in a few transactions; returns their
/// ids per licence, in the order they were written.
async fn enqueue_spread(
    db: &Db,
    count: usize,
    licences: usize,
) -> std::collections::HashMap<String, Vec<String>> {
    let mut written: std::collections::HashMap<String, Vec<String>> = Default::default();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let mut tx = db.begin_write().await.expect("transaction");
        for n in chunk {
            let licence = format!("lic_{}", n % licences);
            let id = outbox::enqueue_licence_event(
                &mut tx,
                OrangeEventType::UserServiceAttributeValueChange,
                fleetdesk_core::testing::licence_resource(&licence),
                None,
                None,
            )
            .await
            .expect("event");
            written.entry(licence).or_default().push(id.into_string());
        }
        tx.commit().await.expect("commit");
    }
    written
}

async fn wait_until_delivered(db: &Db, count: i64, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let delivered = browse::count(
            db,
            &browse::Filter {
                state: Some(EventState::Delivered),
                ..browse::Filter::default()
            },
        )
        .await
        .expect("count");
        if delivered == count {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {delivered} of {count} delivered after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Each licence's events as the receiver accepted them, in arrival order.
fn accepted_per_licence(mock: &MockOrange) -> std::collections::HashMap<String, Vec<String>> {
    let mut arrived: std::collections::HashMap<String, Vec<String>> = Default::default();
    for r in mock.received() {
        if (200..300).contains(&r.status) {
            let licence = r.body["event"]["userService"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            arrived.entry(licence).or_default().push(r.event_id);
        }
    }
    arrived
}

#[tokio::test]
async fn two_instances_on_one_postgresql_database_deliver_each_event_once_and_in_order() {
    let Some(test_db) = TestDb::postgres().await else {
        return;
    };
    let mock = MockOrange::start().await;
    // A little latency at the receiver, so that both instances have requests in flight at once.
    mock.set_delay(Duration::from_millis(5));
    let setup = Setup::new(&test_db).with("FLEETDESK_DELIVERY_CONCURRENCY", "16");
    let one = setup.start().await;
    let two = setup.start().await;
    // 2,000 events over 200 licences: ten for each, one after the other.
    let written = enqueue_spread(&test_db.db, 2000, 200).await;
    configure(&test_db.db, &mock, vec![1, 1], 5).await;
    wait_until_delivered(&test_db.db, 2000, Duration::from_secs(120)).await;
    let accepted = mock.accepted();
    let unique: std::collections::HashSet<&String> = accepted.iter().collect();
    assert_eq!(accepted.len(), 2000, "none delivered twice");
    assert_eq!(unique.len(), 2000, "each delivered");
    assert_eq!(mock.overlaps(), 0, "never one event twice at the same time");
    assert_eq!(
        accepted_per_licence(&mock),
        written,
        "each licence's events arrive in the order they were written"
    );
    one.stop().await;
    two.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn each_instance_counts_its_own_attempts_and_refusals_and_both_show_the_shared_backlog() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        mock.set_delay(Duration::from_millis(5));
        let setup = Setup::new(&test_db);
        let one = setup.start().await;
        let two = setup.start().await;
        enqueue_spread(&test_db.db, 40, 40).await;
        configure(&test_db.db, &mock, vec![1, 1], 5).await;
        wait_until_delivered(&test_db.db, 40, Duration::from_secs(60)).await;
        let shared = [
            "fleetdesk_outbox_events{destination=\"orange\",state=\"delivered\"} 40",
            "fleetdesk_outbox_events{destination=\"orange\",state=\"pending\"} 0",
        ];
        let mut attempts = 0.0;
        let mut delays = 0.0;
        let mut deadline_left = 50;
        // Each instance's counters hold its own attempts; together, every event once.
        while attempts < 40.0 && deadline_left > 0 {
            let (a, b) = (
                metrics_showing(&one, &shared).await,
                metrics_showing(&two, &shared).await,
            );
            let delivered =
                "fleetdesk_outbox_attempts_total{destination=\"orange\",outcome=\"delivered\"}";
            attempts = metric(&a, delivered) + metric(&b, delivered);
            let delay_count =
                "fleetdesk_outbox_delivery_delay_seconds_count{destination=\"orange\"}";
            delays = metric(&a, delay_count) + metric(&b, delay_count);
            for line in shared {
                assert!(a.lines().any(|l| l == line), "missing `{line}` in\n{a}");
                assert!(b.lines().any(|l| l == line), "missing `{line}` in\n{b}");
            }
            deadline_left -= 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!((attempts, delays), (40.0, 40.0));
        // A call refused on one instance is counted there only.
        let refused = reqwest::get(one.url("/orange/v2/ping"))
            .await
            .expect("ping");
        assert_eq!(refused.status(), 401);
        let unauthenticated = "fleetdesk_orange_unauthenticated_calls_total";
        let shown =
            metrics_showing(&one, &["fleetdesk_orange_unauthenticated_calls_total 1"]).await;
        assert_eq!(metric(&shown, unauthenticated), 1.0);
        let other = metrics_showing(&two, &[]).await;
        assert_eq!(metric(&other, unauthenticated), 0.0);
        one.stop().await;
        two.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_receiver_slower_than_the_lease_never_gets_one_event_twice_at_once() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        // Each answer takes 6 s; a lease lasts 4 s and is renewed while the attempt runs. (With
        // 2 s against 3 s and a renewal every third of the lease, a renewal had about 0.63 s to
        // finish before the attempt gave up: too little when CI runs the browser tests beside.)
        mock.set_delay(Duration::from_secs(6));
        let setup = Setup::new(&test_db)
            .with("FLEETDESK_DELIVERY_LEASE_SECONDS", "4")
            .with("FLEETDESK_DELIVERY_CONCURRENCY", "4");
        let one = setup.start().await;
        // On PostgreSQL a second instance is ready to take over any lease that lapses.
        let two = match test_db.db.dialect() {
            fleetdesk_core::db::Dialect::Postgres => Some(setup.start().await),
            fleetdesk_core::db::Dialect::Sqlite => None,
        };
        let written = enqueue_spread(&test_db.db, 8, 8).await;
        configure(&test_db.db, &mock, vec![1, 1], 10).await;
        wait_until_delivered(&test_db.db, 8, Duration::from_secs(60)).await;
        assert_eq!(mock.overlaps(), 0, "never one event twice at the same time");
        for id in written.values().flatten() {
            let detail = browse::detail(&test_db.db, &id.as_str().into())
                .await
                .expect("detail")
                .expect("event");
            assert_eq!(
                detail.attempts.len(),
                mock.arrivals(id),
                "every attempt that went out is in the attempt log ({id})"
            );
            assert_eq!(mock.arrivals(id), 1, "sent once: the lease held ({id})");
        }
        one.stop().await;
        if let Some(two) = two {
            two.stop().await;
        }
        test_db.finish().await;
    }
}

#[tokio::test]
async fn instances_whose_clocks_disagree_still_deliver_a_licence_s_events_in_written_order() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        // Two writers take turns: one with the right time, one whose clock is 3 s behind. By
        // their own times, every second event would come before the one written just before it.
        let mut written: std::collections::HashMap<String, Vec<String>> = Default::default();
        for n in 0..40 {
            let skew = if n % 2 == 0 { 0 } else { -3 };
            fleetdesk_core::clock::set_offset(time::Duration::seconds(skew));
            let licence = format!("lic_{}", n % 4);
            written
                .entry(licence.clone())
                .or_default()
                .push(enqueue(&test_db.db, &licence).await);
        }
        fleetdesk_core::clock::set_offset(time::Duration::ZERO);
        let setup = Setup::new(&test_db);
        let one = setup.start().await;
        let two = match test_db.db.dialect() {
            fleetdesk_core::db::Dialect::Postgres => Some(setup.start().await),
            fleetdesk_core::db::Dialect::Sqlite => None,
        };
        configure(&test_db.db, &mock, vec![1, 1], 5).await;
        wait_until_delivered(&test_db.db, 40, Duration::from_secs(60)).await;
        assert_eq!(accepted_per_licence(&mock), written);
        one.stop().await;
        if let Some(two) = two {
            two.stop().await;
        }
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_receiver_answering_429_slows_the_sender_and_no_event_fails_early() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        // For 4 s every event gets 429 with Retry-After: 1, then the receiver takes them.
        let server = Setup::new(&test_db).start().await;
        let written = enqueue_spread(&test_db.db, 300, 300).await;
        mock.throttle_for(Duration::from_secs(4));
        configure(&test_db.db, &mock, vec![1, 1, 1, 1, 1], 5).await;
        wait_until_delivered(&test_db.db, 300, Duration::from_secs(60)).await;
        // The first wave (as many as may be in flight) hears 429; after that the sender waits for
        // Retry-After and sends little until the receiver takes events again.
        let throttled = mock.throttled_arrivals();
        assert!(
            throttled < 150,
            "{throttled} requests reached a receiver asking to slow down"
        );
        assert_eq!(written.values().flatten().count(), 300);
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_slow_receiver_gets_at_most_the_configured_requests_at_once_and_nothing_fails() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        mock.set_delay(Duration::from_millis(300));
        let server = Setup::new(&test_db)
            .with("FLEETDESK_DELIVERY_CONCURRENCY", "4")
            .start()
            .await;
        let written = enqueue_spread(&test_db.db, 40, 40).await;
        configure(&test_db.db, &mock, vec![1], 5).await;
        wait_until_delivered(&test_db.db, 40, Duration::from_secs(60)).await;
        let max = mock.max_concurrent();
        assert!(
            (2..=4).contains(&max),
            "{max} requests at once (at most 4, and more than one)"
        );
        for id in written.values().flatten() {
            assert_eq!(mock.arrivals(id), 1, "delivered at the first attempt");
        }
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_dead_destination_does_not_delay_another() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        let dead = mock_orange::black_hole().await;
        let server = Setup::new(&test_db).start().await;
        // Order events go to a receiver that never answers; licence events to a live one.
        let orders = enqueue_spread(&test_db.db, 100, 100).await;
        sqlx::query(
            "UPDATE outbox_events SET target = 'orange_product_order', \
             ordering_key = 'order:' || resource_id",
        )
        .execute(test_db.db.pool())
        .await
        .expect("order events");
        let licences = enqueue_spread(&test_db.db, 100, 100).await;
        let mut settings = delivery_settings(&mock, vec![60], 30);
        settings.product_order_url = format!("{dead}/events/productOrder");
        settings::save(
            &test_db.db,
            &settings,
            &fleetdesk_core::audit::Acting::system(),
        )
        .await
        .expect("saved");
        // Well before the dead receiver's timeout (30 s) every licence event is delivered.
        wait_until_delivered(&test_db.db, 100, Duration::from_secs(10)).await;
        for id in licences.values().flatten() {
            assert_eq!(state_of(&test_db.db, id).await, EventState::Delivered);
        }
        for id in orders.values().flatten() {
            assert_ne!(state_of(&test_db.db, id).await, EventState::Delivered);
        }
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_server_killed_in_the_middle_of_a_drain_loses_no_event() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        mock.set_delay(Duration::from_millis(20));
        configure(&test_db.db, &mock, vec![1, 1, 1], 5).await;
        settings::set_paused(&test_db.db, true, &fleetdesk_core::audit::Acting::system())
            .await
            .expect("pause");
        let written = enqueue_spread(&test_db.db, 600, 600).await;
        let dir =
            std::env::temp_dir().join(format!("fleetdesk-kill-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let spawn = || {
            common::spawn_serve(
                &test_db.url,
                &dir,
                "127.0.0.1:0",
                &[
                    ("FLEETDESK_DELIVERY_LEASE_SECONDS", "3"),
                    ("FLEETDESK_DELIVERY_CONCURRENCY", "8"),
                ],
            )
        };
        let mut first = spawn();
        settings::set_paused(&test_db.db, false, &fleetdesk_core::audit::Acting::system())
            .await
            .expect("resume");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while mock.accepted().len() < 100 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the drain never started"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        first.kill().expect("SIGKILL");
        let _ = first.wait();
        let before_restart = mock.accepted().len();
        assert!(
            before_restart < 600,
            "killed in the middle, not after the end"
        );

        let mut second = spawn();
        wait_until_delivered(&test_db.db, 600, Duration::from_secs(60)).await;
        let accepted = mock.accepted();
        let unique: std::collections::HashSet<&String> = accepted.iter().collect();
        assert!(
            written.values().flatten().all(|id| unique.contains(id)),
            "every event reached the receiver"
        );
        assert!(
            accepted.len() - unique.len() <= 8 * 2,
            "only events in flight at the kill were sent again, with their own eventId"
        );
        assert_eq!(mock.overlaps(), 0);
        let _ = second.kill();
        let _ = second.wait();
        let _ = std::fs::remove_dir_all(&dir);
        test_db.finish().await;
    }
}
