//! The console pages and forms for the events owed to Orange, over real HTTP on SQLite and
//! PostgreSQL: the list with its counts, filters and pages, one event with its attempts, resend,
//! retry now, bulk resend after the count, pause and resume, the delivery settings (the secret is
//! write-only), and what support may not do.
//!
//! The server's delivery worker runs in these tests; with delivery not configured (or paused) it
//! sends nothing, so the states seeded here stay as they are.

use crate::common;

use common::*;
use fleetdesk_core::audit;
use fleetdesk_core::operators::Role;
use fleetdesk_core::outbox::settings::{self, DEFAULT_RETRY_DELAYS, DeliverySettings};
use fleetdesk_core::testing::TestDb;

const PO: &str = "productOrderStateChangeEvent";
const US_STATE: &str = "userServiceStateChangeEvent";
const US_ATTR: &str = "userServiceAttributeValueChangeEvent";

/// One outbox row, written as the outbox and the worker would have left it.
struct Seed<'a> {
    id: &'a str,
    event_type: &'a str,
    resource_id: &'a str,
    correlation_id: Option<&'a str>,
    state: &'a str,
    created_at: &'a str,
}

impl Seed<'_> {
    async fn insert(&self, test_db: &TestDb) {
        let (kind, target, key) = if self.event_type == PO {
            (
                "productOrder",
                "orange_product_order",
                format!("order:{}", self.resource_id),
            )
        } else {
            (
                "userService",
                "orange_user_service",
                format!("licence:{}", self.resource_id),
            )
        };
        let payload = serde_json::json!({
            "eventId": self.id,
            "eventTime": self.created_at,
            "eventType": self.event_type,
            "event": { kind: { "id": self.resource_id, "state": "completed" } },
        });
        let at = |state: &str| (self.state == state).then(|| self.created_at.to_owned());
        let attempts: i64 = if self.state == "pending" { 0 } else { 1 };
        sqlx::query(
            "INSERT INTO outbox_events (id, event_type, correlation_id, resource_kind, resource_id, \
             ordering_key, target, payload_json, state, attempt_count, next_attempt_at, \
             last_error, last_response_status, created_at, updated_at, delivered_at, failed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16)",
        )
        .bind(self.id)
        .bind(self.event_type)
        .bind(self.correlation_id)
        .bind(kind)
        .bind(self.resource_id)
        .bind(key)
        .bind(target)
        .bind(payload.to_string())
        .bind(self.state)
        .bind(attempts)
        // Far ahead, so that nothing is due by accident.
        .bind(at("pending").map(|_| "2999-01-01T00:00:00.000Z".to_owned()))
        .bind(at("failed").map(|_| "Orange answered 400".to_owned()))
        .bind(at("failed").map(|_| 400_i64))
        .bind(self.created_at)
        .bind(at("delivered"))
        .bind(at("failed"))
        .execute(test_db.db.pool())
        .await
        .expect("event seeded");
    }
}

fn seed<'a>(
    id: &'a str,
    event_type: &'a str,
    resource_id: &'a str,
    state: &'a str,
    created_at: &'a str,
) -> Seed<'a> {
    Seed {
        id,
        event_type,
        resource_id,
        correlation_id: None,
        state,
        created_at,
    }
}

/// An attempt as the worker records it.
#[expect(
    clippy::too_many_arguments,
    reason = "one row's columns, spelled out at each call"
)]
async fn seed_attempt(
    test_db: &TestDb,
    event_id: &str,
    attempt_no: i64,
    started_at: &str,
    status: Option<i64>,
    response_body: Option<&str>,
    error: Option<&str>,
    outcome: &str,
) {
    sqlx::query(
        "INSERT INTO outbox_attempts (id, event_id, attempt_no, started_at, url, \
         request_headers_json, request_body, response_status, response_headers_json, \
         response_body, response_body_bytes, latency_ms, error, outcome) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(format!("att_{event_id}_{attempt_no}"))
    .bind(event_id)
    .bind(attempt_no)
    .bind(started_at)
    .bind("https://orange.example/events/userService")
    .bind(r#"[["authorization","Bearer ***"],["content-type","application/json"]]"#)
    .bind(format!(r#"{{"eventId":"{event_id}"}}"#))
    .bind(status)
    .bind(status.map(|_| r#"[["content-type","application/json"],["x-orange-trace","tr-77"]]"#))
    .bind(response_body)
    .bind(response_body.map(|b| i64::try_from(b.len()).unwrap_or(0)))
    .bind(100 + attempt_no * 11)
    .bind(error)
    .bind(outcome)
    .execute(test_db.db.pool())
    .await
    .expect("attempt seeded");
}

async fn state_of(test_db: &TestDb, id: &str) -> (String, Option<String>) {
    let row: (String, Option<String>) =
        sqlx::query_as("SELECT state, next_attempt_at FROM outbox_events WHERE id = $1")
            .bind(id)
            .fetch_one(test_db.db.pool())
            .await
            .expect("event");
    row
}

async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = get(client, server, path).await;
    let status = response.status().as_u16();
    (status, body(response).await)
}

/// Posts and expects the redirect back to `to`.
async fn post_back(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
    to: &str,
) {
    let response = post_form(client, server, path, fields).await;
    assert_eq!(response.status(), 303, "POST {path}");
    assert_eq!(location(&response), to, "POST {path}");
}

/// The number on the count card of `state`.
fn count_of(html: &str, state: &str) -> i64 {
    let marker = format!("data-testid=\"count-{state}\"");
    html.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split("card-value\">").nth(1))
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count for {state}"))
}

/// Whether the page shows `text`, quotes escaped or not.
fn shows(html: &str, text: &str) -> bool {
    html.contains(text) || html.contains(&text.replace('"', "&quot;"))
}

/// Whether the list shows the event's row.
fn lists(html: &str, id: &str) -> bool {
    html.contains(&format!("data-testid=\"event-{id}\""))
}

fn listed<'a>(html: &str, ids: &[&'a str]) -> Vec<&'a str> {
    ids.iter().copied().filter(|id| lists(html, id)).collect()
}

#[tokio::test]
async fn the_event_list_counts_by_state_and_filters_by_state_type_resource_and_days() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        Seed {
            correlation_id: Some("OBA-ORD-1"),
            ..seed(
                "evt_a",
                PO,
                "ord_1",
                "delivered",
                "2026-01-10T08:00:00.000Z",
            )
        }
        .insert(&test_db)
        .await;
        Seed {
            correlation_id: Some("OBA-TSK-1"),
            ..seed(
                "evt_b",
                US_STATE,
                "lic_1",
                "failed",
                "2026-01-11T23:59:59.999Z",
            )
        }
        .insert(&test_db)
        .await;
        seed(
            "evt_c",
            US_ATTR,
            "lic_2",
            "pending",
            "2026-01-12T00:00:00.000Z",
        )
        .insert(&test_db)
        .await;
        seed(
            "evt_d",
            US_STATE,
            "lic_3",
            "delivering",
            "2026-01-12T10:00:00.000Z",
        )
        .insert(&test_db)
        .await;
        let all = ["evt_a", "evt_b", "evt_c", "evt_d"];

        let support = signed_in(&test_db, &server, "sam", Role::Support).await;
        let (status, html) = page(&support, &server, "/events").await;
        assert_eq!(status, 200);
        assert_eq!(listed(&html, &all), all, "{html}");
        let position = |id: &str| html.find(&format!("event-{id}\"")).expect("listed");
        assert!(
            position("evt_d") < position("evt_c") && position("evt_c") < position("evt_a"),
            "newest first"
        );
        for (state, n) in [
            ("pending", 1),
            ("delivering", 1),
            ("delivered", 1),
            ("failed", 1),
        ] {
            assert_eq!(count_of(&html, state), n, "{state}");
        }
        assert!(html.contains("Delivery is not configured."), "{html}");
        assert!(html.contains("Orange answered 400"), "the last error shows");
        assert!(html.contains("href=\"/events\""), "the nav links the page");

        for (query, expected) in [
            ("state=failed", vec!["evt_b"]),
            (&format!("event_type={PO}")[..], vec!["evt_a"]),
            (
                &format!("event_type={US_STATE}")[..],
                vec!["evt_b", "evt_d"],
            ),
            ("resource=lic_1", vec!["evt_b"]),
            ("resource=OBA-ORD-1", vec!["evt_a"]),
            ("resource=%20lic_2%20", vec!["evt_c"]),
            ("from=2026-01-12", vec!["evt_c", "evt_d"]),
            ("to=2026-01-11", vec!["evt_a", "evt_b"]),
            ("from=2026-01-11&to=2026-01-11", vec!["evt_b"]),
            (
                &format!("state=failed&event_type={US_STATE}&from=2026-01-01")[..],
                vec!["evt_b"],
            ),
        ] {
            let (status, html) = page(&support, &server, &format!("/events?{query}")).await;
            assert_eq!(status, 200, "{query}");
            assert_eq!(listed(&html, &all), expected, "{query}");
        }
        let (_, html) = page(&support, &server, "/events?resource=lic_none").await;
        assert!(html.contains("No event matches these filters."), "{html}");

        for (query, problem) in [
            ("state=lost", "“lost” is not an event state."),
            ("from=yesterday", "The start date is not a date"),
            (
                "from=2026-01-12&to=2026-01-11",
                "The start date is after the end date.",
            ),
        ] {
            let (status, html) = page(&support, &server, &format!("/events?{query}")).await;
            assert_eq!(status, 200, "{query}");
            assert!(html.contains(problem), "{query}: {html}");
            assert!(listed(&html, &all).is_empty(), "{query}: nothing listed");
        }

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_event_list_pages_older_events_by_keyset() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let ids: Vec<String> = (0..53).map(|n| format!("evt_p{n:02}")).collect();
        for (n, id) in ids.iter().enumerate() {
            // Two events share each second, so the id breaks the ties.
            let at = format!("2026-02-01T10:00:{:02}.000Z", n / 2);
            seed(id, US_ATTR, "lic_9", "delivered", &at)
                .insert(&test_db)
                .await;
        }
        let operator = signed_in(&test_db, &server, "olga", Role::Operator).await;
        let (_, first) = page(&operator, &server, "/events?resource=lic_9").await;
        let on_first: Vec<&String> = ids.iter().filter(|id| lists(&first, id)).collect();
        assert_eq!(on_first.len(), 50);
        assert!(lists(&first, "evt_p52") && !lists(&first, "evt_p02"));
        let older = first
            .split("rel=\"next\" href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an Older link")
            .replace("&amp;", "&");
        assert!(
            older.contains("resource=lic_9"),
            "the filter is kept: {older}"
        );
        let (status, second) = page(&operator, &server, &older).await;
        assert_eq!(status, 200);
        let on_second: Vec<&String> = ids.iter().filter(|id| lists(&second, id)).collect();
        assert_eq!(on_second, [&ids[0], &ids[1], &ids[2]]);
        assert!(!second.contains("rel=\"next\""), "nothing older");

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_event_page_shows_its_payload_and_every_attempt_in_order() {
    for test_db in TestDb::all().await {
        // The attempts below are dated months back: kept, rather than purged by the retention.
        fleetdesk_core::retention::save(
            &test_db.db,
            &fleetdesk_core::retention::Retention {
                attempt_days: 3650,
                audit_detail_days: 3650,
            },
            &fleetdesk_core::audit::Acting::system(),
        )
        .await
        .expect("retention");
        let server = Setup::new(&test_db).start().await;
        Seed {
            correlation_id: Some("OBA-TSK-7"),
            ..seed(
                "evt_t",
                US_STATE,
                "lic_7",
                "failed",
                "2026-03-01T09:00:00.000Z",
            )
        }
        .insert(&test_db)
        .await;
        seed_attempt(
            &test_db,
            "evt_t",
            1,
            "2026-03-01T09:00:01.000Z",
            Some(503),
            Some("busy, come back later"),
            None,
            "retry",
        )
        .await;
        seed_attempt(
            &test_db,
            "evt_t",
            2,
            "2026-03-01T09:00:31.000Z",
            None,
            None,
            Some("could not connect"),
            "retry",
        )
        .await;
        seed_attempt(
            &test_db,
            "evt_t",
            3,
            "2026-03-01T09:02:31.000Z",
            Some(400),
            Some(r#"{"code":"INVALID_VALUE","message":"unknown licence"}"#),
            None,
            "failed",
        )
        .await;

        let support = signed_in(&test_db, &server, "sam", Role::Support).await;
        let (status, html) = page(&support, &server, "/events/evt_t").await;
        assert_eq!(status, 200);
        for expected in [
            "evt_t",
            "Licence state change",
            US_STATE,
            "lic_7",
            "OBA-TSK-7",
            "1 Mar 2026, 09:00 UTC",
            "Orange answered 400",
            // The payload, pretty-printed.
            r#""eventId": "evt_t""#,
            "https://orange.example/events/userService",
            "authorization: Bearer ***",
            "x-orange-trace: tr-77",
            "busy, come back later",
            "could not connect",
            "no answer",
            r#""code": "INVALID_VALUE""#,
            "111 ms",
            "will retry",
        ] {
            assert!(shows(&html, expected), "{expected}: {html}");
        }
        let at = |n: i64| {
            html.find(&format!("data-testid=\"attempt-{n}\""))
                .unwrap_or_else(|| panic!("attempt {n} shown"))
        };
        assert!(at(1) < at(2) && at(2) < at(3), "attempts in order");
        assert!(
            html.contains("href=\"/events?resource=lic_7\""),
            "the resource links its events"
        );
        assert!(
            !html.contains("/console/events/evt_t/"),
            "support gets no action form"
        );

        let (status, html) = page(&support, &server, "/events/evt_nothing").await;
        assert_eq!(status, 404);
        assert!(html.contains("There is nothing at this address."));

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn resend_and_retry_now_make_an_event_due_again_and_are_audited() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        seed(
            "evt_f",
            US_STATE,
            "lic_1",
            "failed",
            "2026-01-01T00:00:00.000Z",
        )
        .insert(&test_db)
        .await;
        seed(
            "evt_ok",
            PO,
            "ord_1",
            "delivered",
            "2026-01-01T00:00:01.000Z",
        )
        .insert(&test_db)
        .await;
        seed(
            "evt_busy",
            US_STATE,
            "lic_2",
            "delivering",
            "2026-01-01T00:00:02.000Z",
        )
        .insert(&test_db)
        .await;
        let operator = signed_in(&test_db, &server, "olga", Role::Operator).await;

        let (_, html) = page(&operator, &server, "/events/evt_f").await;
        assert!(html.contains("action=\"/console/events/evt_f/resend\""));
        assert!(html.contains("action=\"/console/events/evt_f/retry\""));
        let (_, html) = page(&operator, &server, "/events/evt_ok").await;
        assert!(html.contains("action=\"/console/events/evt_ok/resend\""));
        assert!(
            !html.contains("/console/events/evt_ok/retry"),
            "a delivered event is resent, not retried"
        );
        let (_, html) = page(&operator, &server, "/events/evt_busy").await;
        assert!(!html.contains("/console/events/evt_busy/"));
        assert!(html.contains("being sent right now"));

        // Resend wants the ticked confirmation.
        post_back(
            &operator,
            &server,
            "/console/events/evt_f/resend",
            &[],
            "/events/evt_f",
        )
        .await;
        let (_, html) = page(&operator, &server, "/events/evt_f").await;
        assert!(html.contains("Tick “I understand”"), "{html}");
        assert_eq!(state_of(&test_db, "evt_f").await.0, "failed");

        post_back(
            &operator,
            &server,
            "/console/events/evt_f/retry",
            &[],
            "/events/evt_f",
        )
        .await;
        let (state, next) = state_of(&test_db, "evt_f").await;
        assert_eq!(state, "pending");
        assert!(
            next.as_deref().is_some_and(|at| at < "2999"),
            "due now: {next:?}"
        );
        let (_, html) = page(&operator, &server, "/events/evt_f").await;
        assert!(
            html.contains("Event evt_f will be tried now. Delivery is not configured yet"),
            "{html}"
        );

        post_back(
            &operator,
            &server,
            "/console/events/evt_ok/resend",
            &[("confirm", "yes")],
            "/events/evt_ok",
        )
        .await;
        assert_eq!(state_of(&test_db, "evt_ok").await.0, "pending");
        let (_, html) = page(&operator, &server, "/events/evt_ok").await;
        assert!(html.contains("Event evt_ok will be sent again."), "{html}");

        // Refused: retrying a delivered event, resending one being sent, an unknown one.
        sqlx::query("UPDATE outbox_events SET state = 'delivered' WHERE id = 'evt_ok'")
            .execute(test_db.db.pool())
            .await
            .expect("update");
        post_back(
            &operator,
            &server,
            "/console/events/evt_ok/retry",
            &[],
            "/events/evt_ok",
        )
        .await;
        let (_, html) = page(&operator, &server, "/events/evt_ok").await;
        assert!(
            html.contains("Only a pending or failed event can be retried now"),
            "{html}"
        );
        assert_eq!(state_of(&test_db, "evt_ok").await.0, "delivered");
        post_back(
            &operator,
            &server,
            "/console/events/evt_busy/resend",
            &[("confirm", "yes")],
            "/events/evt_busy",
        )
        .await;
        let (_, html) = page(&operator, &server, "/events/evt_busy").await;
        assert!(html.contains("The event is being sent right now"), "{html}");
        assert_eq!(state_of(&test_db, "evt_busy").await.0, "delivering");
        post_back(
            &operator,
            &server,
            "/console/events/evt_nothing/resend",
            &[("confirm", "yes")],
            "/events",
        )
        .await;

        assert_eq!(audit_actions(&test_db, "evt_f").await, ["event.retry_now"]);
        assert_eq!(audit_actions(&test_db, "evt_ok").await, ["event.resend"]);
        assert!(audit_actions(&test_db, "evt_busy").await.is_empty());
        let entry = &audit::list(
            &test_db.db,
            &audit::Filter {
                object_id: Some("evt_ok".into()),
                ..Default::default()
            },
            1,
        )
        .await
        .expect("audit")[0];
        assert_eq!(entry.actor_label, "olga");
        assert!(
            entry
                .before_json
                .as_deref()
                .is_some_and(|b| b.contains("\"delivered\""))
        );
        assert!(
            entry
                .after_json
                .as_deref()
                .is_some_and(|a| a.contains("\"pending\""))
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_bulk_resend_shows_how_many_events_match_then_resends_them() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        for (id, kind, state, at) in [
            ("evt_1", US_STATE, "failed", "2026-04-01T10:00:00.000Z"),
            ("evt_2", US_STATE, "failed", "2026-04-02T10:00:00.000Z"),
            ("evt_3", US_STATE, "failed", "2026-04-03T10:00:00.000Z"),
            ("evt_4", PO, "failed", "2026-04-02T11:00:00.000Z"),
            ("evt_5", US_STATE, "delivered", "2026-04-02T12:00:00.000Z"),
            ("evt_6", US_STATE, "failed", "2026-05-01T10:00:00.000Z"),
        ] {
            seed(id, kind, "lic_1", state, at).insert(&test_db).await;
        }
        let operator = signed_in(&test_db, &server, "olga", Role::Operator).await;
        let filter = format!("state=failed&event_type={US_STATE}&to=2026-04-30");

        let (_, html) = page(&operator, &server, &format!("/events?{filter}")).await;
        assert!(
            html.contains(&format!(
                "href=\"/events/resend?{}\"",
                filter.replace('&', "&amp;")
            )),
            "the list leads to the confirmation with its filter: {html}"
        );
        let (status, html) = page(&operator, &server, &format!("/events/resend?{filter}")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("This will resend <strong>3 events</strong>."),
            "{html}"
        );
        for hidden in [
            "name=\"state\" value=\"failed\"",
            &format!("name=\"event_type\" value=\"{US_STATE}\"")[..],
            "name=\"to\" value=\"2026-04-30\"",
        ] {
            assert!(html.contains(hidden), "{hidden}: {html}");
        }
        let (_, html) = page(&operator, &server, "/events/resend?resource=lic_none").await;
        assert!(html.contains("No event matches this filter"), "{html}");

        let form = [
            ("state", "failed"),
            ("event_type", US_STATE),
            ("resource", ""),
            ("from", ""),
            ("to", "2026-04-30"),
        ];
        // Not confirmed: back to the count, nothing changed.
        post_back(
            &operator,
            &server,
            "/console/events/resend",
            &form,
            &format!("/events/resend?{filter}"),
        )
        .await;
        let (_, html) = page(&operator, &server, &format!("/events/resend?{filter}")).await;
        assert!(html.contains("Tick “I understand”"), "{html}");
        // A filter that does not read resends nothing rather than more.
        post_back(
            &operator,
            &server,
            "/console/events/resend",
            &[("state", "lost"), ("confirm", "yes")],
            "/events?state=lost",
        )
        .await;
        for id in ["evt_1", "evt_2", "evt_3", "evt_4", "evt_6"] {
            assert_eq!(state_of(&test_db, id).await.0, "failed", "{id}");
        }

        let mut confirmed = form.to_vec();
        confirmed.push(("confirm", "yes"));
        post_back(
            &operator,
            &server,
            "/console/events/resend",
            &confirmed,
            &format!("/events?{filter}"),
        )
        .await;
        let (_, html) = page(&operator, &server, &format!("/events?{filter}")).await;
        assert!(html.contains("3 events will be sent again."), "{html}");
        for (id, state) in [
            ("evt_1", "pending"),
            ("evt_2", "pending"),
            ("evt_3", "pending"),
            ("evt_4", "failed"),
            ("evt_5", "delivered"),
            ("evt_6", "failed"),
        ] {
            assert_eq!(state_of(&test_db, id).await.0, state, "{id}");
        }
        let entries = audit::list(
            &test_db.db,
            &audit::Filter {
                action: Some("event.resend_matching".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        assert_eq!(entries.len(), 1);
        let after: serde_json::Value =
            serde_json::from_str(entries[0].after_json.as_deref().unwrap_or("{}")).expect("json");
        assert_eq!(after["count"], 3);
        assert_eq!(after["filter"]["state"], "failed");
        assert_eq!(
            after["filter"]["to"], "2026-05-01",
            "up to the day included"
        );
        assert_eq!(entries[0].actor_label, "olga");

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn pausing_and_resuming_delivery_changes_the_setting_and_is_audited() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let operator = signed_in(&test_db, &server, "olga", Role::Operator).await;
        let (_, html) = page(&operator, &server, "/events").await;
        assert!(
            html.contains("action=\"/console/delivery/pause\""),
            "{html}"
        );
        assert!(!html.contains("Delivery is paused."));
        assert!(
            !html.contains("Configure delivery"),
            "only administrators configure"
        );

        post_back(
            &operator,
            &server,
            "/console/delivery/pause",
            &[],
            "/events",
        )
        .await;
        assert!(settings::load(&test_db.db).await.expect("load").paused);
        let (_, html) = page(&operator, &server, "/events").await;
        assert!(html.contains("Delivery paused: nothing is sent"), "{html}");
        assert!(html.contains("Delivery is paused."));
        assert!(html.contains("action=\"/console/delivery/resume\""));
        assert!(!html.contains("action=\"/console/delivery/pause\""));

        post_back(
            &operator,
            &server,
            "/console/delivery/resume",
            &[],
            "/events",
        )
        .await;
        assert!(!settings::load(&test_db.db).await.expect("load").paused);
        let (_, html) = page(&operator, &server, "/events").await;
        assert!(html.contains("Delivery resumed."), "{html}");
        assert!(!html.contains("Delivery is paused."));

        assert_eq!(
            audit_actions(&test_db, "orange_delivery").await,
            ["delivery.resume", "delivery.pause"]
        );

        let admin = admin(&server).await;
        let (_, html) = page(&admin, &server, "/events").await;
        assert!(html.contains("href=\"/settings/delivery\""), "{html}");

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn delivery_settings_keep_the_secret_when_left_empty_and_never_show_it() {
    const SECRET: &str = "orange-client-s3cret-value";
    const PAGE: &str = "/settings/delivery";
    const SAVE: &str = "/console/settings/delivery";
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;
        let (status, html) = page(&admin, &server, PAGE).await;
        assert_eq!(status, 200);
        assert_eq!(
            test_id_text(&html, "secret-state").as_deref(),
            Some("(not set)")
        );
        assert_eq!(
            test_id_text(&html, "default-retry-delays").as_deref(),
            Some("30, 120, 600, 1800, 7200, 21600, 43200")
        );
        assert!(html.contains("Not configured yet."));

        let mut form = vec![
            (
                "product_order_url",
                "https://orange.example/events/productOrder",
            ),
            (
                "user_service_url",
                "https://orange.example/events/userService",
            ),
            ("token_url", "https://orange.example/oauth/token"),
            ("client_id", "fleetdesk-partner"),
            ("client_secret", SECRET),
            ("scope", "events"),
            ("timeout_seconds", "20"),
            ("retry_delays", "10, 60,600"),
            // Paused, so that the running worker sends nothing anywhere.
            ("paused", "yes"),
        ];
        post_back(&admin, &server, SAVE, &form, PAGE).await;
        let stored = settings::load(&test_db.db).await.expect("load");
        assert_eq!(
            stored,
            DeliverySettings {
                product_order_url: "https://orange.example/events/productOrder".into(),
                user_service_url: "https://orange.example/events/userService".into(),
                token_url: "https://orange.example/oauth/token".into(),
                client_id: "fleetdesk-partner".into(),
                client_secret: SECRET.into(),
                scope: "events".into(),
                timeout_seconds: 20,
                retry_delays_seconds: vec![10, 60, 600],
                paused: true,
            }
        );
        let (_, html) = page(&admin, &server, PAGE).await;
        assert!(html.contains("Delivery settings saved."), "{html}");
        assert!(!html.contains(SECRET), "the secret is never shown");
        assert_eq!(
            test_id_text(&html, "secret-state").as_deref(),
            Some("(set)")
        );
        assert!(html.contains("Configured, paused."));
        assert!(html.contains("value=\"10, 60, 600\""));
        assert!(html.contains("value=\"fleetdesk-partner\""));

        // An empty secret field keeps the stored secret; an empty schedule is the default.
        form.retain(|(name, _)| !matches!(*name, "client_secret" | "retry_delays"));
        form.push(("client_secret", ""));
        form.push(("retry_delays", ""));
        form.retain(|(name, _)| *name != "client_id");
        form.push(("client_id", "fleetdesk-partner-2"));
        post_back(&admin, &server, SAVE, &form, PAGE).await;
        let stored = settings::load(&test_db.db).await.expect("load");
        assert_eq!(stored.client_secret, SECRET);
        assert_eq!(stored.client_id, "fleetdesk-partner-2");
        assert_eq!(stored.retry_delays_seconds, DEFAULT_RETRY_DELAYS);

        // Refused values change nothing and say why.
        for (name, value, problem) in [
            (
                "token_url",
                "ftp://orange.example/token",
                "The token URL must start with https://",
            ),
            (
                "timeout_seconds",
                "0",
                "The timeout must be 1 to 120 seconds.",
            ),
            (
                "retry_delays",
                "30, soon",
                "The retry schedule is a comma-separated list",
            ),
        ] {
            let mut bad = form.clone();
            bad.retain(|(field, _)| *field != name);
            bad.push((name, value));
            post_back(&admin, &server, SAVE, &bad, PAGE).await;
            let (_, html) = page(&admin, &server, PAGE).await;
            assert!(
                html.contains("The delivery settings were not saved:"),
                "{html}"
            );
            assert!(html.contains(problem), "{problem}: {html}");
            assert_eq!(
                settings::load(&test_db.db).await.expect("load"),
                stored,
                "{name}"
            );
        }

        let entries = audit::list(
            &test_db.db,
            &audit::Filter {
                object_id: Some("orange_delivery".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        assert_eq!(entries.len(), 2, "one entry per save");
        for entry in &entries {
            assert_eq!(entry.action, "delivery_settings.update");
            for json in [&entry.before_json, &entry.after_json] {
                assert!(!json.as_deref().unwrap_or("").contains(SECRET));
            }
        }
        assert!(
            entries[1]
                .after_json
                .as_deref()
                .is_some_and(|a| a.contains("\"client_secret_changed\":true"))
        );
        assert!(
            entries[0]
                .after_json
                .as_deref()
                .is_some_and(|a| a.contains("\"client_secret_changed\":false"))
        );

        // Forgetting the secret leaves delivery unconfigured.
        let mut forget = form.clone();
        forget.push(("forget_secret", "yes"));
        post_back(&admin, &server, SAVE, &forget, PAGE).await;
        let stored = settings::load(&test_db.db).await.expect("load");
        assert!(stored.client_secret.is_empty() && !stored.is_configured());

        // Operators neither see nor change the delivery settings.
        let operator = signed_in(&test_db, &server, "olga", Role::Operator).await;
        let (status, html) = page(&operator, &server, PAGE).await;
        assert_eq!(status, 403);
        assert!(!html.contains("fleetdesk-partner-2"));
        let response = post_form(&operator, &server, SAVE, &form).await;
        assert_eq!(response.status(), 403);
        assert_eq!(
            settings::load(&test_db.db).await.expect("load"),
            stored,
            "an operator's post changes nothing"
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_reads_events_but_is_refused_every_action_and_nothing_changes() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        seed(
            "evt_f",
            US_STATE,
            "lic_1",
            "failed",
            "2026-01-01T00:00:00.000Z",
        )
        .insert(&test_db)
        .await;
        let support = signed_in(&test_db, &server, "sam", Role::Support).await;

        let (status, html) = page(&support, &server, "/events").await;
        assert_eq!(status, 200);
        assert!(lists(&html, "evt_f"));
        for hidden in [
            "/console/delivery/pause",
            "/events/resend",
            "Configure delivery",
            "/settings/delivery",
        ] {
            assert!(!html.contains(hidden), "{hidden}");
        }
        let (status, html) = page(&support, &server, "/events/evt_f").await;
        assert_eq!(status, 200);
        assert!(!html.contains("/console/events/"), "no action for support");
        let (status, html) = page(&support, &server, "/events/resend?state=failed").await;
        assert_eq!(status, 403);
        assert!(html.contains("You do not have permission"), "{html}");
        assert!(!html.contains("This will resend"));

        for (path, fields) in [
            ("/console/events/evt_f/resend", vec![("confirm", "yes")]),
            ("/console/events/evt_f/retry", vec![]),
            (
                "/console/events/resend",
                vec![("state", "failed"), ("confirm", "yes")],
            ),
            ("/console/delivery/pause", vec![]),
            ("/console/delivery/resume", vec![]),
            ("/console/settings/delivery", vec![("timeout_seconds", "5")]),
        ] {
            let response = post_form(&support, &server, path, &fields).await;
            assert_eq!(response.status(), 403, "{path}");
        }
        assert_eq!(state_of(&test_db, "evt_f").await.0, "failed");
        assert_eq!(
            settings::load(&test_db.db).await.expect("load"),
            DeliverySettings::default()
        );
        assert!(audit_actions(&test_db, "evt_f").await.is_empty());
        assert!(audit_actions(&test_db, "orange_delivery").await.is_empty());

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn delivery_urls_want_https_and_a_token_url_on_another_server_wants_the_secret_again() {
    const SECRET: &str = "orange-client-s3cret-value";
    const PAGE: &str = "/settings/delivery";
    const SAVE: &str = "/console/settings/delivery";
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;
        let form = vec![
            (
                "product_order_url",
                "https://orange.example/events/productOrder",
            ),
            (
                "user_service_url",
                "https://orange.example/events/userService",
            ),
            ("token_url", "https://orange.example/oauth/token"),
            ("client_id", "fleetdesk-partner"),
            ("client_secret", SECRET),
            ("timeout_seconds", "20"),
            ("paused", "yes"),
        ];
        let with = |changes: &[(&'static str, &'static str)]| {
            let mut changed = form.clone();
            changed.retain(|(name, _)| !changes.iter().any(|(n, _)| n == name));
            changed.extend_from_slice(changes);
            changed
        };
        post_back(&admin, &server, SAVE, &form, PAGE).await;
        let stored = settings::load(&test_db.db).await.expect("load");
        assert_eq!(stored.client_secret, SECRET);

        // The stored secret is never sent to another server without being typed again.
        for token_url in [
            "https://evil.example/oauth/token",
            "https://orange.example:8443/oauth/token",
            "https://orange.example.evil.example/oauth/token",
        ] {
            let moved = with(&[("token_url", token_url), ("client_secret", "")]);
            post_back(&admin, &server, SAVE, &moved, PAGE).await;
            let (_, html) = page(&admin, &server, PAGE).await;
            assert!(
                html.contains("The delivery settings were not saved:"),
                "{token_url}: {html}"
            );
            assert!(
                html.contains("type the client secret again"),
                "{token_url}: {html}"
            );
            assert_eq!(
                settings::load(&test_db.db).await.expect("load"),
                stored,
                "{token_url}"
            );
        }
        // In French too.
        let moved = with(&[
            ("token_url", "https://evil.example/oauth/token"),
            ("client_secret", ""),
        ]);
        let response = admin
            .post(server.url(SAVE))
            .header("accept-language", "fr-FR,fr;q=0.9")
            .form(&moved)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 303);
        let (_, html) = page(&admin, &server, PAGE).await;
        assert!(
            html.contains("saisissez de nouveau le secret du client"),
            "{html}"
        );
        assert_eq!(settings::load(&test_db.db).await.expect("load"), stored);

        // Another path on the same server keeps the secret; a new server with the secret typed
        // again is saved.
        let same_server = with(&[
            ("token_url", "https://orange.example/oauth2/token"),
            ("client_secret", ""),
        ]);
        post_back(&admin, &server, SAVE, &same_server, PAGE).await;
        let stored = settings::load(&test_db.db).await.expect("load");
        assert_eq!(stored.token_url, "https://orange.example/oauth2/token");
        assert_eq!(stored.client_secret, SECRET);
        let retyped = with(&[
            ("token_url", "https://auth.orange.example/oauth/token"),
            ("client_secret", "another-s3cret"),
        ]);
        post_back(&admin, &server, SAVE, &retyped, PAGE).await;
        let stored = settings::load(&test_db.db).await.expect("load");
        assert_eq!(stored.token_url, "https://auth.orange.example/oauth/token");
        assert_eq!(stored.client_secret, "another-s3cret");

        // Plain http:// only for a loopback address, for each of the three URLs.
        for (name, label) in [
            ("product_order_url", "The productOrder events URL"),
            ("user_service_url", "The userService events URL"),
            ("token_url", "The token URL"),
        ] {
            let plain = with(&[
                (name, "http://orange.example/somewhere"),
                ("client_secret", ""),
            ]);
            post_back(&admin, &server, SAVE, &plain, PAGE).await;
            let (_, html) = page(&admin, &server, PAGE).await;
            let expected = format!("{label} must start with https://");
            assert!(html.contains(&expected), "{expected}: {html}");
            assert_eq!(
                settings::load(&test_db.db).await.expect("load"),
                stored,
                "{name}"
            );
        }
        for loopback in [
            "http://127.0.0.1:9/oauth/token",
            "http://127.8.9.10/oauth/token",
            "http://localhost:9/oauth/token",
            "http://[::1]:9/oauth/token",
        ] {
            let local = with(&[
                ("product_order_url", loopback),
                ("user_service_url", loopback),
                ("token_url", loopback),
                ("client_secret", "local-s3cret"),
            ]);
            post_back(&admin, &server, SAVE, &local, PAGE).await;
            let stored = settings::load(&test_db.db).await.expect("load");
            assert_eq!(stored.token_url, loopback);
            assert_eq!(stored.user_service_url, loopback);
        }

        server.stop().await;
        test_db.finish().await;
    }
}
