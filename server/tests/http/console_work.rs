//! The dashboard, the global search and the stuck-work page over real HTTP on SQLite and
//! PostgreSQL: the numbers follow what Orange created, the search finds it by name, reference,
//! login or number, support staff unblock stuck orders, tasks and events, and only administrators
//! set the thresholds. The interface answers in French when asked.

use crate::common;
use crate::orange;

use common::*;
use fleetdesk_core::operators::Role;
use fleetdesk_core::stuck;
use fleetdesk_core::testing::TestDb;
use orange::{Api, PRO};

const LONG_AGO: &str = "2020-01-01T00:00:00.000Z";

async fn page(client: &reqwest::Client, api: &Api, path: &str) -> (u16, String) {
    let response = get(client, &api.server, path).await;
    let status = response.status().as_u16();
    (status, body(response).await)
}

async fn post_back(client: &reqwest::Client, api: &Api, path: &str, fields: &[(&str, &str)]) {
    let response = post_form(client, &api.server, path, fields).await;
    assert_eq!(response.status(), 303, "POST {path}");
    assert_eq!(location(&response), "/stuck", "POST {path}");
}

async fn scalar(test_db: &TestDb, sql: &str, id: &str) -> String {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(test_db.db.pool())
        .await
        .expect("query")
}

#[tokio::test]
async fn the_dashboard_counts_what_orange_created_and_the_search_finds_it() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let customer = orange::customer(&api, "OBA-ORD-1", "OBA-CUS-1").await;
        let (_, licences) = orange::licences(&api, "OBA-ORD-2", &customer, PRO, 3).await;
        let operator = signed_in(&test_db, &api.server, "olga", Role::Operator).await;

        let (status, html) = page(&operator, &api, "/").await;
        assert_eq!(status, 200);
        assert_eq!(test_id_text(&html, "count-customers").as_deref(), Some("1"));
        assert_eq!(test_id_text(&html, "count-fleets").as_deref(), Some("1"));
        assert_eq!(
            test_id_text(&html, "dashboard-licences-active").as_deref(),
            Some("3")
        );
        assert_eq!(
            test_id_text(&html, "count-placeholders").as_deref(),
            Some("3"),
            "each licence has a placeholder number"
        );
        assert_eq!(
            test_id_text(&html, "dashboard-orders-completed").as_deref(),
            Some("2")
        );
        assert_eq!(test_id_text(&html, "count-stuck").as_deref(), Some("0"));
        assert_eq!(
            test_id_text(&html, "count-delivery-rate").as_deref(),
            Some("—")
        );
        assert!(html.contains("action=\"/search\""), "the search box");

        let (_, html) = page(&operator, &api, "/search?q=menuiserie").await;
        assert!(
            html.contains(&format!("href=\"/customers/{customer}\"")),
            "{html}"
        );
        let (_, html) = page(&operator, &api, "/search?q=OBA-ORD-2").await;
        assert!(html.contains("href=\"/orders/ord_"), "{html}");
        let login = scalar(
            &test_db,
            "SELECT login FROM licences WHERE id = $1",
            &licences[0],
        )
        .await;
        let (_, html) = page(&operator, &api, &format!("/search?q={login}")).await;
        assert!(
            html.contains(&format!("href=\"/licences/{}\"", licences[0])),
            "{html}"
        );
        let (_, html) = page(&operator, &api, "/search?q=zzzz-nothing").await;
        assert!(html.contains("Nothing matches"), "{html}");

        // French, from the browser's language or the remembered choice.
        let response = operator
            .get(api.server.url("/"))
            .header("accept-language", "fr-FR,fr;q=0.9")
            .send()
            .await
            .expect("GET");
        let html = body(response).await;
        assert!(
            html.contains("<html lang=\"fr\""),
            "{}",
            &html[..200.min(html.len())]
        );
        assert!(html.contains("Vue d’ensemble"));
        assert!(html.contains("Travaux bloqués"));
        let response = post_form(
            &operator,
            &api.server,
            "/auth/lang",
            &[("lang", "fr"), ("back", "/search?q=x")],
        )
        .await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/search?q=x");
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(cookie.starts_with("fleetdesk_lang=fr;"), "{cookie}");
        let (_, html) = page(&operator, &api, "/search?q=menuiserie").await;
        assert!(html.contains(" résultats</p>"), "{html}");
        assert!(html.contains(">Client</span>"), "{html}");
        let response = post_form(
            &operator,
            &api.server,
            "/auth/lang",
            &[("lang", "en"), ("back", "https://elsewhere.example/")],
        )
        .await;
        assert_eq!(
            location(&response),
            "/",
            "only local pages are gone back to"
        );

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_large_installations_dashboard_shows_the_counts_kept_in_the_background_and_when() {
    use fleetdesk_core::dashboard::{Counts, SNAPSHOT_KEY, Snapshot};
    use fleetdesk_vocab::LicenceState;

    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let operator = signed_in(&test_db, &api.server, "olga", Role::Operator).await;
        let (_, html) = page(&operator, &api, "/").await;
        assert_eq!(test_id_text(&html, "count-customers").as_deref(), Some("0"));
        assert_eq!(
            test_id_text(&html, "counted-in-background"),
            None,
            "a small installation is counted on each visit"
        );

        // As the background task keeps it for a large installation; taken just now, so that the
        // server's own task does not take it again during the test.
        let counted_at = fleetdesk_core::clock::now_text();
        let kept = Snapshot {
            counts: Counts {
                customers: 700,
                licences: vec![(LicenceState::Active, 250_000)],
                ..Counts::default()
            },
            counted_at: counted_at.clone(),
            took_ms: 400,
        };
        fleetdesk_core::settings::set(&test_db.db, SNAPSHOT_KEY, &kept)
            .await
            .expect("keep");
        let (_, html) = page(&operator, &api, "/").await;
        assert_eq!(
            test_id_text(&html, "count-customers").as_deref(),
            Some("700")
        );
        assert_eq!(
            test_id_text(&html, "dashboard-licences-active").as_deref(),
            Some("250000")
        );
        let note = html
            .split("data-testid=\"counted-in-background\"")
            .nth(1)
            .expect("the page says the counts are kept")
            .split("</p>")
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(note.contains("every 20 s"), "{note}");
        assert!(
            note.contains(&format!("datetime=\"{counted_at}\"")),
            "{note}"
        );

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_unblocks_stuck_orders_tasks_and_events_and_only_admins_set_thresholds() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let customer = orange::customer(&api, "OBA-ORD-1", "OBA-CUS-1").await;
        let (_, licences) = orange::licences(&api, "OBA-ORD-2", &customer, PRO, 2).await;
        let order = scalar(
            &test_db,
            "SELECT id FROM product_orders WHERE external_reference = $1",
            "OBA-ORD-2",
        )
        .await;
        // As the provisioning connector would leave an order it never finished: in progress for
        // long, its licences still pending.
        sqlx::query(
            "UPDATE product_orders SET state = 'inProgress', created_at = $2 WHERE id = $1",
        )
        .bind(&order)
        .bind(LONG_AGO)
        .execute(test_db.db.pool())
        .await
        .expect("age the order");
        sqlx::query(
            "UPDATE licences SET state = 'pending', pending_operation = 'add', pending_since = $1",
        )
        .bind(LONG_AGO)
        .execute(test_db.db.pool())
        .await
        .expect("pending licences");
        sqlx::query(
            "INSERT INTO outbox_events (id, event_type, resource_kind, resource_id, ordering_key, \
             target, payload_json, state, attempt_count, last_error, created_at, updated_at, \
             failed_at) VALUES ('evt_stuck', 'userServiceStateChangeEvent', 'userService', $1, \
             $2, 'orange_user_service', '{}', 'failed', 7, 'connection refused', $3, $3, $3)",
        )
        .bind(&licences[0])
        .bind(format!("licence:{}", licences[0]))
        .bind(LONG_AGO)
        .execute(test_db.db.pool())
        .await
        .expect("failed event");

        let support = signed_in(&test_db, &api.server, "sam", Role::Support).await;
        let (status, html) = page(&support, &api, "/stuck").await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&format!("data-testid=\"stuck-{order}\"")),
            "{html}"
        );
        assert!(html.contains("data-testid=\"stuck-evt_stuck\""));
        assert!(html.contains("connection refused"), "the reason is shown");
        assert!(
            !html.contains("action=\"/console/settings/stuck\""),
            "support does not set thresholds"
        );

        // Completing needs acknowledged work; this order is in progress.
        post_back(
            &support,
            &api,
            &format!("/console/stuck/orders/{order}/complete"),
            &[],
        )
        .await;
        let (_, html) = page(&support, &api, "/stuck").await;
        assert!(
            html.contains("Only acknowledged work can be completed now"),
            "{html}"
        );

        // Failing wants the confirmation, a contract code and a message.
        let fail = format!("/console/stuck/orders/{order}/fail");
        post_back(
            &support,
            &api,
            &fail,
            &[("code", "INVALID_VALUE"), ("message", "x")],
        )
        .await;
        let (_, html) = page(&support, &api, "/stuck").await;
        assert!(html.contains("Tick “I understand”"), "{html}");
        post_back(
            &support,
            &api,
            &fail,
            &[("code", "NOT_A_CODE"), ("message", "x"), ("confirm", "yes")],
        )
        .await;
        let (_, html) = page(&support, &api, "/stuck").await;
        assert!(html.contains("Choose one of the contract"), "{html}");
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM product_orders WHERE id = $1",
                &order
            )
            .await,
            "inProgress"
        );
        post_back(
            &support,
            &api,
            &fail,
            &[
                ("code", "INVALID_VALUE"),
                ("message", "The numbers could not be reserved"),
                ("confirm", "yes"),
            ],
        )
        .await;
        let (_, html) = page(&support, &api, "/stuck").await;
        assert!(html.contains("is now failed (INVALID_VALUE)"), "{html}");
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM product_orders WHERE id = $1",
                &order
            )
            .await,
            "failed"
        );
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM licences WHERE id = $1",
                &licences[1]
            )
            .await,
            "terminated"
        );
        let event: String = sqlx::query_scalar(
            "SELECT payload_json FROM outbox_events WHERE resource_id = $1 \
             AND event_type = 'productOrderStateChangeEvent'",
        )
        .bind(&order)
        .fetch_one(test_db.db.pool())
        .await
        .expect("the order's event");
        assert!(event.contains("\"state\":\"failed\""), "{event}");
        assert_eq!(
            audit_actions(&test_db, &order).await,
            ["order.fail", "orange.order.create"],
            "newest first"
        );

        // The failed event: tried again now, by support.
        post_back(&support, &api, "/console/stuck/events/evt_stuck/retry", &[]).await;
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM outbox_events WHERE id = $1",
                "evt_stuck"
            )
            .await,
            "pending"
        );
        assert_eq!(
            audit_actions(&test_db, "evt_stuck").await,
            ["event.retry_now"]
        );

        // Support acts only on what is stuck now: a delivered event, or an order acknowledged a
        // moment ago, needs an operator, whatever the form says.
        let fresh = orange::customer(&api, "OBA-ORD-9", "OBA-CUS-9").await;
        let (_, fresh_licences) = orange::licences(&api, "OBA-ORD-10", &fresh, PRO, 1).await;
        let fresh_order = scalar(
            &test_db,
            "SELECT id FROM product_orders WHERE external_reference = $1",
            "OBA-ORD-10",
        )
        .await;
        sqlx::query("UPDATE product_orders SET state = 'inProgress' WHERE id = $1")
            .bind(&fresh_order)
            .execute(test_db.db.pool())
            .await
            .expect("in progress since a moment ago");
        sqlx::query(
            "UPDATE outbox_events SET state = 'delivered', failed_at = NULL WHERE id = 'evt_stuck'",
        )
        .execute(test_db.db.pool())
        .await
        .expect("delivered after all");
        for (path, fields) in [
            (
                "/console/stuck/events/evt_stuck/resend".to_owned(),
                vec![("confirm", "yes")],
            ),
            ("/console/stuck/events/evt_stuck/retry".to_owned(), vec![]),
            (
                format!("/console/stuck/orders/{fresh_order}/complete"),
                vec![],
            ),
            (
                format!("/console/stuck/orders/{fresh_order}/fail"),
                vec![
                    ("code", "INTERNAL"),
                    ("message", "forged"),
                    ("confirm", "yes"),
                ],
            ),
        ] {
            let refused = post_form(&support, &api.server, &path, &fields).await;
            assert_eq!(location(&refused), "/stuck", "support POST {path}");
            let html = follow(&support, &api.server, refused).await;
            assert!(
                html.contains("is not stuck now") && html.contains("Nothing was changed"),
                "{html}"
            );
        }
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM outbox_events WHERE id = $1",
                "evt_stuck"
            )
            .await,
            "delivered"
        );
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM product_orders WHERE id = $1",
                &fresh_order
            )
            .await,
            "inProgress"
        );
        assert!(!fresh_licences.is_empty());

        // Thresholds: administrators only, checked.
        let refused = post_form(
            &support,
            &api.server,
            "/console/settings/stuck",
            &[
                ("order_minutes", "5"),
                ("task_minutes", "5"),
                ("event_minutes", "5"),
            ],
        )
        .await;
        assert_eq!(refused.status(), 403);
        let admin = admin(&api.server).await;
        let bad = post_form(
            &admin,
            &api.server,
            "/console/settings/stuck",
            &[
                ("order_minutes", "0"),
                ("task_minutes", "5"),
                ("event_minutes", "5"),
            ],
        )
        .await;
        assert_eq!(location(&bad), "/stuck");
        let (_, html) = page(&admin, &api, "/stuck").await;
        assert!(html.contains("from 1 to 10080"), "{html}");
        post_back(
            &admin,
            &api,
            "/console/settings/stuck",
            &[
                ("order_minutes", "45"),
                ("task_minutes", "50"),
                ("event_minutes", "90"),
            ],
        )
        .await;
        let saved = stuck::load(&test_db.db).await.expect("thresholds");
        assert_eq!(
            (saved.order_minutes, saved.task_minutes, saved.event_minutes),
            (45, 50, 90)
        );
        let (_, html) = page(&admin, &api, "/stuck").await;
        assert!(html.contains("value=\"45\""), "{html}");
        assert_eq!(
            audit_actions(&test_db, "stuck_thresholds").await,
            ["settings.stuck"]
        );

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_completes_acknowledged_work_now() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let customer = orange::customer(&api, "OBA-ORD-1", "OBA-CUS-1").await;
        let support = signed_in(&test_db, &api.server, "sam", Role::Support).await;
        // The background completion takes acknowledged work too, every few seconds: should it
        // take an order first, the page says so and the next try uses a fresh order. One of three
        // is ample; a console that never completes fails every time.
        let mut completed_now = None;
        for attempt in 0..3 {
            let reference = format!("OBA-ORD-ACK-{attempt}");
            let (_, licences) = orange::licences(&api, &reference, &customer, PRO, 1).await;
            let order = scalar(
                &test_db,
                "SELECT id FROM product_orders WHERE external_reference = $1",
                &reference,
            )
            .await;
            // As an asynchronous order before its completion: acknowledged, its licence pending.
            sqlx::query(
                "UPDATE product_orders SET state = 'acknowledged', completed_at = NULL, \
                 created_at = $2 WHERE id = $1",
            )
            .bind(&order)
            .bind(LONG_AGO)
            .execute(test_db.db.pool())
            .await
            .expect("acknowledged order");
            sqlx::query(
                "UPDATE licences SET state = 'pending', pending_operation = 'add', \
                 pending_since = $2 WHERE id = $1",
            )
            .bind(&licences[0])
            .bind(LONG_AGO)
            .execute(test_db.db.pool())
            .await
            .expect("pending licence");
            post_back(
                &support,
                &api,
                &format!("/console/stuck/orders/{order}/complete"),
                &[],
            )
            .await;
            let (_, html) = page(&support, &api, "/stuck").await;
            if html.contains(&format!(
                "Order {order} is completed; Orange gets its event."
            )) {
                completed_now = Some((order, licences[0].clone()));
                break;
            }
            assert!(
                html.contains("it may have been completed meanwhile"),
                "{html}"
            );
        }
        let (order, licence) = completed_now.expect("an order completed from the console");
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM product_orders WHERE id = $1",
                &order
            )
            .await,
            "completed"
        );
        assert_eq!(
            scalar(
                &test_db,
                "SELECT state FROM licences WHERE id = $1",
                &licence
            )
            .await,
            "active"
        );
        let event: String = sqlx::query_scalar(
            "SELECT payload_json FROM outbox_events WHERE resource_id = $1 \
             AND event_type = 'productOrderStateChangeEvent' ORDER BY created_at DESC",
        )
        .bind(&order)
        .fetch_one(test_db.db.pool())
        .await
        .expect("the order's event");
        assert!(event.contains("\"state\":\"completed\""), "{event}");
        assert!(
            audit_actions(&test_db, &order)
                .await
                .contains(&"order.complete_now".to_owned())
        );
        let (_, html) = page(&support, &api, "/stuck").await;
        assert!(!html.contains(&format!("data-testid=\"stuck-{order}\"")));

        api.stop().await;
        test_db.finish().await;
    }
}
