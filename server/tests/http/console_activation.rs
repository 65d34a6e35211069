//! The activation queue over real HTTP on SQLite and PostgreSQL: an administrator makes an
//! offering's provisioning manual (refused while its operations are synchronous, and the Orange
//! settings then refuse to make them synchronous again); Orange's asynchronous orders of that
//! offering wait in the queue while others complete by themselves; an operator approves one (it
//! completes and Orange's event is queued) and rejects another with a contract code; support staff
//! see the queue but may not decide from it.

use crate::common;
use crate::orange;

use common::*;
use fleetdesk_core::offerings;
use fleetdesk_core::operators::Role;
use fleetdesk_core::testing::TestDb;
use fleetdesk_vocab::Mode;
use orange::{Api, BASIC, PRO};

async fn page(client: &reqwest::Client, api: &Api, path: &str) -> (u16, String) {
    let response = get(client, &api.server, path).await;
    let status = response.status().as_u16();
    (status, body(response).await)
}

/// Posts a form and checks where it leads.
async fn post_to(
    client: &reqwest::Client,
    api: &Api,
    path: &str,
    fields: &[(&str, &str)],
    back: &str,
) {
    let response = post_form(client, &api.server, path, fields).await;
    assert_eq!(response.status(), 303, "POST {path}");
    assert_eq!(location(&response), back, "POST {path}");
}

/// Posts a decision to the activation queue and reads the page it leads back to.
async fn decide(client: &reqwest::Client, api: &Api, fields: &[(&str, &str)]) -> String {
    post_to(client, api, "/console/activation", fields, "/activation").await;
    page(client, api, "/activation").await.1
}

async fn scalar(test_db: &TestDb, sql: &str, id: &str) -> String {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(test_db.db.pool())
        .await
        .expect("query")
}

async fn order_state(test_db: &TestDb, id: &str) -> String {
    scalar(
        test_db,
        "SELECT state FROM product_orders WHERE id = $1",
        id,
    )
    .await
}

/// Orange's order of `quantity` licences of `offer`; the order's id.
async fn order(api: &Api, reference: &str, customer: &str, offer: &str, quantity: i64) -> String {
    let reply = api
        .post(
            "/productOrder",
            &orange::order_licences(reference, customer, offer, quantity),
        )
        .await;
    assert_eq!(reply.status, 201, "{:#}", reply.body);
    assert_eq!(reply.str("/state"), "acknowledged", "{:#}", reply.body);
    reply.str("/id")
}

fn offering_form(provisioning: &str) -> Vec<(&str, &str)> {
    vec![
        ("offer_code", PRO),
        ("name", "Pro"),
        ("resource_type", "msisdn"),
        ("resource_scope", "per_licence"),
        ("login_format", ""),
        ("provisioning", provisioning),
    ]
}

#[tokio::test]
async fn operators_approve_and_reject_manual_work_and_orange_is_told() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let admin = admin(&api.server).await;
        let pro = offerings::list(&test_db.db)
            .await
            .expect("offerings")
            .into_iter()
            .find(|offering| offering.offer_code == PRO)
            .expect("PRO");
        let edit = format!("/console/offerings/{}", pro.id);

        // Synchronous operations: manual provisioning is refused, saying which.
        post_to(
            &admin,
            &api,
            &edit,
            &offering_form("manual"),
            &format!("/offerings/{}", pro.id),
        )
        .await;
        let (_, html) = page(&admin, &api, &format!("/offerings/{}", pro.id)).await;
        assert!(
            html.contains("Manual provisioning (and webhooks while the product answers by callback) needs asynchronous operations")
                && html.contains("Licence order"),
            "{html}"
        );
        let customer = orange::customer(&api, "OBA-ORD-1", "OBA-CUS-1").await;
        orange::set(&test_db, |settings| {
            settings.set_every_mode(Mode::Async);
        })
        .await;
        post_to(&admin, &api, &edit, &offering_form("manual"), "/offerings").await;
        let (_, html) = page(&admin, &api, "/offerings").await;
        assert!(html.contains("Manual approval"), "{html}");

        // Now the Orange settings refuse to make a licence order synchronous.
        let fields = [
            ("customer_creation", "async"),
            ("licence_order", "sync"),
            ("state_change", "async"),
            ("deletion", "async"),
            ("offering_change", "async"),
            ("fleet_policy", "perCustomer"),
            ("exchange_retention_days", "30"),
        ];
        post_to(
            &admin,
            &api,
            "/console/settings/orange",
            &fields,
            "/settings/orange",
        )
        .await;
        let (_, html) = page(&admin, &api, "/settings/orange").await;
        assert!(
            html.contains("Licence order cannot be synchronous while offerings wait for manual approval or for the product's callback (OFFER-PRO-M)"),
            "{html}"
        );

        let approved = order(&api, "OBA-ORD-2", &customer, PRO, 2).await;
        let rejected = order(&api, "OBA-ORD-3", &customer, PRO, 1).await;
        let automatic = order(&api, "OBA-ORD-4", &customer, BASIC, 1).await;
        // The background completion has run once the order of the other offering is done; the
        // manual ones still wait.
        orange::eventually("the automatic order", || async {
            order_state(&test_db, &automatic).await == "completed"
        })
        .await;
        assert_eq!(order_state(&test_db, &approved).await, "acknowledged");
        assert_eq!(order_state(&test_db, &rejected).await, "acknowledged");

        let operator = signed_in(&test_db, &api.server, "olga", Role::Operator).await;
        let (status, html) = page(&operator, &api, "/activation").await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&format!("data-testid=\"waiting-{approved}\"")),
            "{html}"
        );
        assert!(
            html.contains(&format!("data-testid=\"waiting-{rejected}\"")),
            "{html}"
        );
        assert!(
            !html.contains(&format!("data-testid=\"waiting-{automatic}\"")),
            "{html}"
        );
        let (_, html) = page(&operator, &api, "/activation?offer_code=OFFER-BASIC").await;
        assert!(html.contains("data-testid=\"activation-none\""), "{html}");

        // Support staff see the queue, without the means to decide, and a post is refused.
        let support = signed_in(&test_db, &api.server, "sam", Role::Support).await;
        let (status, html) = page(&support, &api, "/activation").await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&format!("data-testid=\"waiting-{approved}\"")),
            "{html}"
        );
        assert!(!html.contains("name=\"work\""), "{html}");
        let only = format!("orders/{approved}");
        let refused = post_form(
            &support,
            &api.server,
            "/console/activation",
            &[("only", &only)],
        )
        .await;
        assert_eq!(refused.status(), 403);
        assert_eq!(order_state(&test_db, &approved).await, "acknowledged");

        // A rejection needs the box ticked; nothing changes without it.
        let pick = format!("orders/{rejected}");
        let reject = [
            ("work", pick.as_str()),
            ("decision", "reject"),
            ("code", "SERVICE_UNAVAILABLE"),
            ("message", "The product refused the account"),
        ];
        let html = decide(&operator, &api, &reject).await;
        assert!(html.contains("Tick “I understand”"), "{html}");
        assert_eq!(order_state(&test_db, &rejected).await, "acknowledged");

        let html = decide(&operator, &api, &[("only", &only)]).await;
        assert!(
            html.contains("1 order or task approved: Orange will be told."),
            "{html}"
        );
        assert_eq!(order_state(&test_db, &approved).await, "completed");
        assert!(
            audit_actions(&test_db, &approved)
                .await
                .contains(&"order.approve".to_owned())
        );

        let mut confirmed = reject.to_vec();
        confirmed.push(("confirm", "yes"));
        let html = decide(&operator, &api, &confirmed).await;
        assert!(
            html.contains("1 order or task rejected: Orange will be told."),
            "{html}"
        );
        assert!(html.contains("data-testid=\"activation-none\""), "{html}");
        assert_eq!(order_state(&test_db, &rejected).await, "failed");

        // Deciding again changes nothing and says why.
        let html = decide(&operator, &api, &[("only", &only)]).await;
        assert!(html.contains("1 no longer waited for approval"), "{html}");

        for (order, state) in [(&approved, "completed"), (&rejected, "failed")] {
            let event: String = sqlx::query_scalar(
                "SELECT payload_json FROM outbox_events WHERE resource_id = $1 \
                 AND event_type = 'productOrderStateChangeEvent'",
            )
            .bind(order)
            .fetch_one(test_db.db.pool())
            .await
            .expect("the order's one event");
            assert!(event.contains(&format!("\"state\":\"{state}\"")), "{event}");
        }

        // In French too.
        let response = post_form(
            &operator,
            &api.server,
            "/auth/lang",
            &[("lang", "fr"), ("back", "/activation")],
        )
        .await;
        assert_eq!(response.status(), 303);
        let (_, html) = page(&operator, &api, "/activation").await;
        assert!(
            html.contains("File d’activation") && html.contains("Rien n’attend d’approbation."),
            "{html}"
        );

        api.stop().await;
        test_db.finish().await;
    }
}

/// The licences of an order with their own realizing resource: `(licence, resource)`, oldest
/// first.
async fn licences_of(test_db: &TestDb, order: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT l.id, r.id FROM licences l \
         JOIN product_order_items i ON i.id = l.order_item_id \
         JOIN realizing_resources r ON r.licence_id = l.id \
         WHERE i.order_id = $1 ORDER BY l.created_at, l.id",
    )
    .bind(order)
    .fetch_all(test_db.db.pool())
    .await
    .expect("licences")
}

#[tokio::test]
async fn an_operator_approves_an_order_with_the_products_values_and_orange_gets_them() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let admin = admin(&api.server).await;
        let customer = orange::customer(&api, "OBA-ORD-1", "OBA-CUS-1").await;
        orange::set(&test_db, |settings| {
            settings.set_every_mode(Mode::Async);
        })
        .await;
        let pro = offerings::list(&test_db.db)
            .await
            .expect("offerings")
            .into_iter()
            .find(|offering| offering.offer_code == PRO)
            .expect("PRO");
        let edit = format!("/console/offerings/{}", pro.id);
        post_to(&admin, &api, &edit, &offering_form("manual"), "/offerings").await;
        let waiting = order(&api, "OBA-ORD-V1", &customer, PRO, 2).await;
        let licences = licences_of(&test_db, &waiting).await;
        assert_eq!(licences.len(), 2);
        let (first, first_resource) = &licences[0];
        let (second, _) = &licences[1];
        let page_path = format!("/orders/{waiting}");
        let post_path = format!("/console/orders/{waiting}/complete");

        // The order's page offers the form to an operator, one group per waiting licence.
        let operator = signed_in(&test_db, &api.server, "olga", Role::Operator).await;
        let (_, html) = page(&operator, &api, &page_path).await;
        assert!(html.contains("data-testid=\"by-hand\""), "{html}");
        assert!(html.contains(&format!("name=\"login.{first}\"")), "{html}");
        assert!(
            html.contains(&format!("name=\"resource.{first}.{first_resource}\"")),
            "{html}"
        );
        assert!(html.contains("Approve with these values"), "{html}");
        let (_, queue) = page(&operator, &api, "/activation").await;
        assert!(
            queue.contains(&format!("/orders/{waiting}#by-hand")),
            "{queue}"
        );

        // A value of the wrong kind refuses the whole decision, saying which licence.
        let login_field = format!("login.{first}");
        let resource_field = format!("resource.{first}.{first_resource}");
        post_to(
            &operator,
            &api,
            &post_path,
            &[
                (&login_field, "acme-jane"),
                (&resource_field, "not a number"),
            ],
            &page_path,
        )
        .await;
        let (_, html) = page(&operator, &api, &page_path).await;
        assert!(
            html.contains(&format!("{first}: Not a valid MSISDN")),
            "{html}"
        );
        assert_eq!(order_state(&test_db, &waiting).await, "acknowledged");
        let login: Option<String> = sqlx::query_scalar("SELECT login FROM licences WHERE id = $1")
            .bind(first)
            .fetch_one(test_db.db.pool())
            .await
            .expect("login");
        assert_ne!(login.as_deref(), Some("acme-jane"), "nothing was changed");

        // Support staff may not approve, with or without values.
        let support = signed_in(&test_db, &api.server, "sam", Role::Support).await;
        let (_, html) = page(&support, &api, &page_path).await;
        assert!(!html.contains("data-testid=\"by-hand\""), "{html}");
        post_to(
            &support,
            &api,
            &post_path,
            &[(&login_field, "acme-jane")],
            &page_path,
        )
        .await;
        assert_eq!(order_state(&test_db, &waiting).await, "acknowledged");

        // Values that fit: the first licence gets them, the second keeps what it has (blank).
        let second_login = format!("login.{second}");
        post_to(
            &operator,
            &api,
            &post_path,
            &[
                (&login_field, "acme-jane"),
                (&resource_field, "+33612345678"),
                (&second_login, ""),
            ],
            &page_path,
        )
        .await;
        let (_, html) = page(&operator, &api, &page_path).await;
        assert!(
            html.contains("1 order or task approved: Orange will be told."),
            "{html}"
        );
        assert!(!html.contains("data-testid=\"by-hand\""), "{html}");
        assert_eq!(order_state(&test_db, &waiting).await, "completed");
        let (login, value, placeholder): (Option<String>, String, Option<String>) = sqlx::query_as(
            "SELECT l.login, r.value, r.placeholder_since FROM licences l \
                 JOIN realizing_resources r ON r.licence_id = l.id WHERE l.id = $1",
        )
        .bind(first)
        .fetch_one(test_db.db.pool())
        .await
        .expect("values");
        assert_eq!(
            (login.as_deref(), value.as_str(), placeholder),
            (Some("acme-jane"), "+33612345678", None)
        );
        let event: String = sqlx::query_scalar(
            "SELECT payload_json FROM outbox_events WHERE resource_id = $1 \
             AND event_type = 'productOrderStateChangeEvent'",
        )
        .bind(&waiting)
        .fetch_one(test_db.db.pool())
        .await
        .expect("the order's event");
        assert!(
            event.contains("acme-jane") && event.contains("+33612345678"),
            "Orange's event carries the values: {event}"
        );
        assert_eq!(
            audit_actions(&test_db, first).await,
            vec!["licence.values.by_hand".to_owned()]
        );
        assert!(
            audit_actions(&test_db, second).await.is_empty(),
            "nothing entered for the second licence"
        );
        let (_, html) = page(&operator, &api, &format!("/licences/{first}")).await;
        assert!(html.contains("Values entered by hand"), "{html}");
        api.stop().await;
    }
}
