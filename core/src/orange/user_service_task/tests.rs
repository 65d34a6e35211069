//! POST userServiceTask on both databases: large tasks across batches, completion, replays.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::licences::LicenceState;
use crate::on_each_db;
use crate::orange::completion;
use crate::outbox;
use crate::testing::{every_operation, post_task, suspension};

/// A customer with `count` active licences (one order, applied at once), in creation order.
async fn fleet_of(db: &Db, count: usize) -> Vec<String> {
    crate::testing::pro_offering(db).await;
    let body = serde_json::json!({
        "externalReference": {"type": "orange", "id": "O-BULK"},
        "customer": {"externalReference": {"type": "orange", "id": "C-BULK"}, "name": "Acme"},
        "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                       "productRef": {"userServiceQuantity": count}}]
    })
    .to_string();
    let request: wire::ProductOrderRequest = wire::read_body(body.as_bytes()).expect("valid");
    crate::orange::product_order::place(
        db,
        &every_operation(Mode::Sync),
        &request,
        body.as_bytes(),
        &crate::testing::orange(),
    )
    .await
    .expect("ordered");
    sqlx::query_scalar("SELECT id FROM licences ORDER BY created_at, id")
        .fetch_all(db.pool())
        .await
        .expect("licences")
}

fn results(task: &serde_json::Value) -> Vec<(String, Option<String>, Option<String>)> {
    task["userService"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
            (
                text(&item["id"]).unwrap_or_default(),
                text(&item["result"]),
                text(&item["error"]["code"]),
            )
        })
        .collect()
}

/// A few thousand items, not a multiple of any plausible chunk size, with unknown ids,
/// terminated licences and repeated ids (some repeated far apart, across chunks).
#[tokio::test]
async fn a_large_task_treats_every_item_once_across_chunks() {
    on_each_db!(|db| async move {
        let licences = fleet_of(&db, 2_203).await;
        let terminated: HashSet<&String> = licences.iter().step_by(7).collect();
        for id in &terminated {
            sqlx::query(
                "UPDATE licences SET state = 'terminated', terminated_at = updated_at WHERE id = $1",
            )
            .bind(*id)
            .execute(db.pool())
            .await
            .expect("terminate");
        }
        let mut requested: Vec<String> = Vec::new();
        for (i, id) in licences.iter().enumerate() {
            requested.push(id.clone());
            if i % 97 == 5 {
                requested.push(format!("lic_unknown_{i}"));
            }
            if i % 113 == 40 {
                requested.push(id.clone());
            }
            if i % 211 == 0 && i >= 600 {
                requested.push(licences[i - 600].clone());
            }
        }
        let body = suspension(&requested);

        let answer = post_task(&db, Mode::Async, "T-BULK", body.clone())
            .await
            .expect("acknowledged");
        assert_eq!(answer.body["state"], "acknowledged");
        let mut seen = HashSet::new();
        let mut expected_ack = Vec::new();
        let mut expected_done = Vec::new();
        let mut changed = HashSet::new();
        for id in &requested {
            let (ack, done) = if id.starts_with("lic_unknown") {
                let failed = Some("UNKNOWN_USER_SERVICE".to_owned());
                (
                    (Some("failed".to_owned()), failed.clone()),
                    (Some("failed".to_owned()), failed),
                )
            } else if terminated.contains(id) {
                let failed = Some("INVALID_STATE_TRANSITION".to_owned());
                (
                    (Some("failed".to_owned()), failed.clone()),
                    (Some("failed".to_owned()), failed),
                )
            } else if !seen.insert(id.clone()) {
                let failed = Some("OPERATION_IN_PROGRESS".to_owned());
                (
                    (Some("failed".to_owned()), failed.clone()),
                    (Some("failed".to_owned()), failed),
                )
            } else {
                changed.insert(id.clone());
                ((None, None), (Some("done".to_owned()), None))
            };
            expected_ack.push((id.clone(), ack.0, ack.1));
            expected_done.push((id.clone(), done.0, done.1));
        }
        assert_eq!(results(&answer.body), expected_ack);

        let task_id = TaskId::from(answer.body["id"].as_str().expect("task id"));
        assert!(
            completion::complete_task(&db, None, &task_id)
                .await
                .expect("completed")
        );
        let mut conn = db.pool().acquire().await.expect("connection");
        let task = load(&mut conn, task_id.as_str())
            .await
            .expect("task")
            .expect("exists");
        let task = serde_json::to_value(task).expect("json");
        assert_eq!(task["state"], "partial");
        assert_eq!(results(&task), expected_done);

        let states: HashMap<String, String> =
            sqlx::query_as::<_, (String, String)>("SELECT id, state FROM licences")
                .fetch_all(db.pool())
                .await
                .expect("states")
                .into_iter()
                .collect();
        for id in &licences {
            let expected = if terminated.contains(id) {
                LicenceState::Terminated
            } else {
                LicenceState::Suspended
            };
            assert_eq!(states[id], expected.as_str(), "{id}");
        }
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM licences WHERE pending_operation IS NOT NULL")
                .fetch_one(db.pool())
                .await
                .expect("count");
        assert_eq!(pending, 0);

        let events = outbox::list_all(&db).await.expect("outbox");
        let events: Vec<_> = events
            .into_iter()
            .filter(|e| e.event_type == "userServiceStateChangeEvent")
            .collect();
        assert_eq!(events.len(), changed.len());
        let described: HashSet<String> = events.iter().map(|e| e.resource_id.clone()).collect();
        assert_eq!(described, changed, "exactly one event per changed licence");
        for event in &events {
            assert_eq!(event.correlation_id.as_deref(), Some("T-BULK"));
            assert_eq!(event.payload["correlationId"], "T-BULK");
            assert_eq!(event.payload["eventId"], event.id.as_str());
            let licence = user_service::load(&mut conn, &event.resource_id)
                .await
                .expect("licence")
                .expect("exists");
            assert_eq!(
                event.payload["event"]["userService"],
                serde_json::to_value(licence).expect("json"),
                "the event carries the licence as Orange reads it"
            );
        }
        drop(conn);
        let queued = outbox::list_all(&db).await.expect("outbox").len();

        // Synchronous: the same list back to active, applied at once, no event.
        let again = post_task(
            &db,
            Mode::Sync,
            "T-BULK-2",
            body_with_state(&body, "active"),
        )
        .await
        .expect("answered");
        let mut seen = HashSet::new();
        let expected: Vec<_> = requested
            .iter()
            .map(|id| {
                if id.starts_with("lic_unknown") {
                    (
                        id.clone(),
                        Some("failed".to_owned()),
                        Some("UNKNOWN_USER_SERVICE".to_owned()),
                    )
                } else if terminated.contains(id) || !seen.insert(id.clone()) {
                    (
                        id.clone(),
                        Some("failed".to_owned()),
                        Some("INVALID_STATE_TRANSITION".to_owned()),
                    )
                } else {
                    (id.clone(), Some("done".to_owned()), None)
                }
            })
            .collect();
        assert_eq!(again.body["state"], "partial");
        assert_eq!(results(&again.body), expected);
        let active: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM licences WHERE state = 'active'")
                .fetch_one(db.pool())
                .await
                .expect("count");
        assert_eq!(usize::try_from(active).expect("count"), changed.len());
        assert_eq!(
            outbox::list_all(&db).await.expect("outbox").len(),
            queued,
            "a synchronous task queues no event"
        );
        let replayed = post_task(
            &db,
            Mode::Sync,
            "T-BULK-2",
            body_with_state(&body, "active"),
        )
        .await
        .expect("replayed");
        assert_eq!(replayed.body, again.body);
    });
}

fn body_with_state(body: &serde_json::Value, state: &str) -> serde_json::Value {
    let mut body = body.clone();
    body["state"] = serde_json::json!(state);
    body
}

/// Times a 10,000-licence asynchronous suspension from request to every event written:
/// `cargo test --release -p fleetdesk-core --features testing timing -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement, run on demand in release mode"]
async fn timing_of_a_ten_thousand_licence_suspension() {
    on_each_db!(|db| async move {
        let licences = fleet_of(&db, 10_000).await;
        let body = suspension(&licences);
        let started = std::time::Instant::now();
        let answer = post_task(&db, Mode::Async, "T-TIMING", body)
            .await
            .expect("acknowledged");
        let acknowledged = started.elapsed();
        let task_id = TaskId::from(answer.body["id"].as_str().expect("task id"));
        assert!(
            completion::complete_task(&db, None, &task_id)
                .await
                .expect("completed")
        );
        let total = started.elapsed();
        let events: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox_events WHERE correlation_id = 'T-TIMING'",
        )
        .fetch_one(db.pool())
        .await
        .expect("count");
        assert_eq!(events, 10_000);
        eprintln!(
            "TIMING {:?}: acknowledged in {} ms, all 10,000 events written in {} ms",
            db.dialect(),
            acknowledged.as_millis(),
            total.as_millis()
        );
    });
}
