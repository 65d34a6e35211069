//! The provisioning connector end to end (provisioning contract): a real Fleetdesk server over
//! SQLite and PostgreSQL, a stand-in product that verifies the webhooks with the Standard Webhooks
//! reference crate, and a stand-in Orange that receives the events. Orders and tasks in
//! asynchronous mode finish only when the product has done them.

use std::time::Duration;

use fleetdesk_core::audit::Acting;
use fleetdesk_core::credentials::{self, CredentialKind};
use fleetdesk_core::offerings::{self, OfferingInput};
use fleetdesk_core::outbox::settings::{self as delivery_settings, DeliverySettings};
use fleetdesk_core::provisioning::webhook::{self, WebhookInput};
use fleetdesk_core::testing::TestDb;
use fleetdesk_vocab::{ErrorCode, Mode};
use serde_json::{Value, json};

use crate::mock_orange::{CLIENT_ID, CLIENT_SECRET, MockOrange};
use crate::mock_product::MockProduct;
use crate::orange::{Api, customer, eventually, set};

pub(crate) const HOOK: &str = "OFFER-HOOK";

/// Everything a provisioning test needs: the server with every operation asynchronous, Orange
/// and the product standing by, a webhook offering and a provisioning credential.
pub(crate) struct World {
    pub(crate) api: Api,
    pub(crate) orange: MockOrange,
    pub(crate) product: MockProduct,
    /// The current signing secret.
    pub(crate) secret: String,
    /// The provisioning credential, `client id:secret`.
    pub(crate) credential: String,
    /// `Basic` header of the provisioning credential.
    pub(crate) product_auth: String,
}

pub(crate) async fn world(test_db: &TestDb, await_callback: bool) -> World {
    let orange = MockOrange::start().await;
    let product = MockProduct::start().await;
    let api = Api::start(test_db).await;
    set(test_db, |s| {
        s.set_every_mode(Mode::Async);
    })
    .await;
    let acting = Acting::system();
    delivery_settings::save(
        &test_db.db,
        &DeliverySettings {
            product_order_url: format!("{}/events/productOrder", orange.base),
            user_service_url: format!("{}/events/userService", orange.base),
            token_url: format!("{}/oauth/token", orange.base),
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            scope: String::new(),
            timeout_seconds: 5,
            retry_delays_seconds: vec![1, 1, 1, 1],
            paused: false,
        },
        &acting,
    )
    .await
    .expect("delivery settings");
    offerings::create(
        &test_db.db,
        &acting,
        &OfferingInput {
            offer_code: HOOK.into(),
            name: "Hooked".into(),
            resource_type: "msisdn".into(),
            resource_scope: "per_licence".into(),
            login_format: String::new(),
            provisioning: "webhook".into(),
        },
    )
    .await
    .expect("webhook offering");
    webhook::save(
        &test_db.db,
        &WebhookInput {
            url: product.url.clone(),
            timeout_seconds: 5,
            await_callback,
        },
        &acting,
    )
    .await
    .expect("webhook settings");
    let secret = webhook::rotate_secret(&test_db.db, 0, &acting)
        .await
        .expect("secret");
    product.set_secrets(&[&secret]);
    let issued = credentials::issue(
        &test_db.db,
        &acting,
        CredentialKind::Provisioning,
        "Product",
        None,
    )
    .await
    .expect("provisioning credential");
    let product_auth = basic(&issued.credential.client_id, issued.secret.expose());
    let credential = format!("{}:{}", issued.credential.client_id, issued.secret.expose());
    World {
        api,
        orange,
        product,
        secret,
        credential,
        product_auth,
    }
}

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

impl World {
    /// Calls the callback API with `auth`; (status, body).
    async fn call(&self, auth: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = self.api.server.url(&format!("/provisioning/v1{path}"));
        let client = reqwest::Client::new();
        let request = match body {
            Some(body) => client.post(url).json(&body),
            None if path.ends_with("/complete") => client.post(url),
            None => client.get(url),
        };
        let response = request
            .header("authorization", auth)
            .send()
            .await
            .expect("callback answered");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub(crate) async fn order(&self, reference: &str, customer_id: &str, quantity: i64) -> String {
        let reply = self
            .api
            .post(
                "/productOrder",
                &crate::orange::order_licences(reference, customer_id, HOOK, quantity),
            )
            .await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        assert_eq!(reply.body["state"], "acknowledged");
        reply.str("/id")
    }

    async fn order_state(&self, id: &str) -> String {
        self.api
            .get(&format!("/productOrder/{id}"))
            .await
            .str("/state")
    }

    pub(crate) async fn wait_order(&self, id: &str, state: &str) {
        eventually(&format!("order {id} {state}"), || async {
            self.order_state(id).await == state
        })
        .await;
    }

    /// The productOrder events Orange accepted for `order`, their states.
    pub(crate) fn order_events(&self, order: &str) -> Vec<String> {
        self.orange
            .received()
            .iter()
            .filter(|r| r.status < 300 && r.body["event"]["productOrder"]["id"] == order)
            .map(|r| {
                r.body["event"]["productOrder"]["state"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    /// The webhooks the product accepted about `licence`.
    fn webhooks_about(&self, licence: &str) -> Vec<Value> {
        self.product
            .accepted()
            .into_iter()
            .filter(|r| r.body["data"]["id"] == licence)
            .map(|r| r.body)
            .collect()
    }

    /// The pending provisioning tasks, as the product lists them.
    async fn pending(&self) -> Vec<Value> {
        let (status, body) = self
            .call(&self.product_auth, "/tasks?state=pending", None)
            .await;
        assert_eq!(status, 200, "{body:#}");
        body.as_array().cloned().unwrap_or_default()
    }
}

/// Licence ids of an order, as Orange reads it.
async fn order_licences(api: &Api, order: &str) -> Vec<String> {
    let reply = api.get(&format!("/productOrder/{order}")).await;
    reply.body["orderItem"][0]["productRef"]["userService"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| l["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn plain_webhooks_provision_an_order_and_a_suspension_and_a_product_outage_only_delays_them()
{
    for test_db in TestDb::all().await {
        let world = world(&test_db, false).await;
        let customer_id = customer(&world.api, "OBA-C", "C-HOOK").await;
        // The product is down for the first webhook: it is retried and the flow completes.
        world.product.script(&[(503, "")]);
        let order = world.order("OBA-O-1", &customer_id, 2).await;
        world.wait_order(&order, "completed").await;
        let licences = order_licences(&world.api, &order).await;
        assert_eq!(licences.len(), 2);
        let received = world.product.received();
        assert_eq!(received.len(), 3, "two webhooks, one sent twice");
        assert_eq!(received[0].status, 503);
        assert!(
            received.iter().all(|r| r.verified_by == [0]),
            "every signature verifies with the secret"
        );
        let retried: Vec<_> = received
            .iter()
            .filter(|r| r.webhook_id == received[0].webhook_id)
            .collect();
        assert_eq!(retried.len(), 2, "the retry keeps its webhook-id");
        // The product was told of the new customer, once, signed like the others.
        eventually("customer.created at the product", || async {
            !world.product.customers().is_empty()
        })
        .await;
        // Each licence's timeline shows the provisioning steps: sent, then done by the product.
        let console = crate::common::admin(&world.api.server).await;
        let page = crate::common::get(
            &console,
            &world.api.server,
            &format!("/licences/{}", licences[0]),
        )
        .await;
        let html = crate::common::body(page).await;
        for shown in [
            "Sent to the product",
            "provisioning.start:licence.created",
            "Provisioning done",
            "Webhook to the product",
        ] {
            assert!(html.contains(shown), "{shown} missing from {html}");
        }
        let told = world.product.customers();
        assert_eq!(told.len(), 1, "{told:#?}");
        assert_eq!(told[0].verified_by, [0]);
        assert_eq!(told[0].body["data"]["id"], customer_id.as_str());
        assert_eq!(told[0].body["data"]["externalReference"], "C-HOOK");
        assert!(
            told[0].body["taskId"]
                .as_str()
                .unwrap_or_default()
                .starts_with("prv_")
        );
        for licence in &licences {
            let hooks = world.webhooks_about(licence);
            assert_eq!(hooks.len(), 1, "{hooks:#?}");
            let hook = &hooks[0];
            assert_eq!(hook["type"], "licence.created");
            assert!(
                hook["taskId"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("prv_")
            );
            assert!(hook["timestamp"].is_string());
            assert_eq!(hook["data"]["state"], "active");
            assert_eq!(
                hook["data"]["productOffering"]["externalReference"]["id"],
                HOOK
            );
        }
        eventually("the order's event at Orange", || async {
            world.order_events(&order) == ["completed"]
        })
        .await;
        // The webhooks are on the console's events pages next to Orange's events, with their
        // attempts (the refused one and its retry) and the signature headers as sent.
        let admin = crate::common::admin(&world.api.server).await;
        let html =
            crate::common::body(crate::common::get(&admin, &world.api.server, "/events").await)
                .await;
        assert!(html.contains("licence.created") && html.contains("productOrderStateChangeEvent"));
        let detail = crate::common::body(
            crate::common::get(
                &admin,
                &world.api.server,
                &format!("/events/{}", received[0].webhook_id),
            )
            .await,
        )
        .await;
        assert!(
            detail.contains("webhook-signature") && detail.contains("503"),
            "{detail}"
        );

        // A suspension of both licences: a licence.suspended each, then the task completes.
        let task = world
            .api
            .post(
                "/userServiceTask",
                &json!({
                    "externalReference": {"type": "orange", "id": "OBA-T-1"},
                    "action": "changeState",
                    "state": "suspended",
                    "userService": licences.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                }),
            )
            .await;
        assert_eq!(task.status, 201, "{:#}", task.body);
        let task_id = task.str("/id");
        eventually("the task completed", || async {
            world
                .api
                .get(&format!("/userServiceTask/{task_id}"))
                .await
                .str("/state")
                == "completed"
        })
        .await;
        for licence in &licences {
            let hooks = world.webhooks_about(licence);
            assert_eq!(hooks.len(), 2);
            assert_eq!(hooks[1]["type"], "licence.suspended");
            assert_eq!(hooks[1]["data"]["state"], "suspended");
            let events = || {
                world
                    .orange
                    .received()
                    .into_iter()
                    .filter(|r| r.status < 300 && r.body["event"]["userService"]["id"] == *licence)
                    .count()
            };
            eventually("the licence's event at Orange", || async { events() == 1 }).await;
        }
        let read = world
            .api
            .get(&format!("/userService/{}", licences[0]))
            .await;
        assert_eq!(read.body["state"], "suspended");

        world.api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_product_that_refuses_a_webhook_fails_the_order_with_its_code() {
    for test_db in TestDb::all().await {
        let world = world(&test_db, false).await;
        let customer_id = customer(&world.api, "OBA-C", "C-HOOK").await;
        world.product.script(&[(
            422,
            r#"{"code":"INVALID_VALUE","message":"This customer has no seat left"}"#,
        )]);
        let order = world.order("OBA-O-1", &customer_id, 1).await;
        world.wait_order(&order, "failed").await;
        eventually("the failure at Orange", || async {
            world.order_events(&order) == ["failed"]
        })
        .await;
        let failed: (String, String) = sqlx::query_as(
            "SELECT failure_code, failure_message FROM product_orders WHERE id = $1",
        )
        .bind(&order)
        .fetch_one(test_db.db.pool())
        .await
        .expect("order");
        assert_eq!(
            failed,
            (
                ErrorCode::InvalidValue.as_str().to_owned(),
                "This customer has no seat left".to_owned()
            )
        );
        let licences = order_licences(&world.api, &order).await;
        let read = world
            .api
            .get(&format!("/userService/{}", licences[0]))
            .await;
        assert_eq!(read.body["state"], "terminated");
        world.api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn with_await_callback_the_product_completes_or_fails_tasks_and_conflicts_are_refused() {
    for test_db in TestDb::all().await {
        let world = world(&test_db, true).await;
        let customer_id = customer(&world.api, "OBA-C", "C-HOOK").await;
        let order = world.order("OBA-O-1", &customer_id, 1).await;
        eventually("the webhook at the product", || async {
            !world.product.accepted().is_empty()
        })
        .await;
        // Delivered, but the order waits for the callback.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(world.order_state(&order).await, "inProgress");
        let pending = world.pending().await;
        assert_eq!(pending.len(), 1, "{pending:#?}");
        let task = pending[0]["id"].as_str().unwrap_or_default().to_owned();
        assert_eq!(pending[0]["type"], "licence.created");
        assert_eq!(pending[0]["orderId"], order.as_str());

        // Orange's credential is not valid here, nor the product's on Orange's API.
        let (status, body) = world
            .call(&world.api.basic(), "/tasks?state=pending", None)
            .await;
        assert_eq!((status, body["code"].as_str()), (401, Some("UNAUTHORIZED")));
        let refused = world
            .api
            .client
            .get(world.api.url("/ping"))
            .header("authorization", &world.product_auth)
            .send()
            .await
            .expect("answered");
        assert_eq!(refused.status().as_u16(), 401);

        // A value that is not the licence's resource type is refused, and nothing changes.
        let (status, body) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/complete"),
                Some(json!({"realizingResource": [{"value": "not a number"}]})),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("INVALID_VALUE")),
            "{body:#}"
        );
        assert_eq!(world.order_state(&order).await, "inProgress");

        let done =
            json!({"login": "claire@acme", "realizingResource": [{"value": "+33612345678"}]});
        let (status, body) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/complete"),
                Some(done.clone()),
            )
            .await;
        assert_eq!(status, 200, "{body:#}");
        assert_eq!(body["state"], "completed");
        assert_eq!(world.order_state(&order).await, "completed");
        // Twice with the same outcome is harmless; another outcome is a conflict.
        let (status, _) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/complete"),
                Some(done),
            )
            .await;
        assert_eq!(status, 200);
        let (status, body) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/fail"),
                Some(json!({"code": "SERVICE_UNAVAILABLE", "message": "no"})),
            )
            .await;
        assert_eq!(status, 409, "{body:#}");
        for field in ["code", "reason", "message", "status"] {
            assert!(body[field].is_string(), "TMF630 envelope: {body:#}");
        }
        let (status, _) = world
            .call(&world.product_auth, "/tasks/prv_unknown/complete", None)
            .await;
        assert_eq!(status, 404);
        eventually("one completed event at Orange", || async {
            world.order_events(&order) == ["completed"]
        })
        .await;
        // The order's timeline shows the provisioning steps.
        let steps = crate::common::audit_actions(&test_db, &order).await;
        for step in [
            "order.provisioning_sent",
            "provisioning.complete",
            "orange.order.complete",
        ] {
            assert!(steps.iter().any(|s| s == step), "{step} in {steps:?}");
        }
        let licences = order_licences(&world.api, &order).await;
        let licence = world
            .api
            .get(&format!("/userService/{}", licences[0]))
            .await;
        assert_eq!(licence.body["login"]["login"], "claire@acme");
        assert_eq!(
            licence.body["realizingResource"][0]["value"],
            "+33612345678"
        );

        // The product fails the next order: it fails, and Orange is told.
        let second = world.order("OBA-O-2", &customer_id, 1).await;
        eventually("a second pending task", || async {
            world.pending().await.len() == 1
        })
        .await;
        let task = world.pending().await[0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let failure = json!({"code": "SERVICE_UNAVAILABLE", "message": "The product is full"});
        let (status, body) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/fail"),
                Some(failure.clone()),
            )
            .await;
        assert_eq!(
            (status, body["state"].as_str()),
            (200, Some("failed")),
            "{body:#}"
        );
        let (status, _) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/fail"),
                Some(failure),
            )
            .await;
        assert_eq!(status, 200, "the same failure twice is harmless");
        assert_eq!(world.order_state(&second).await, "failed");
        eventually("the failure at Orange", || async {
            world.order_events(&second) == ["failed"]
        })
        .await;

        // Support fails a third order by hand: the product's late callback is refused.
        let third = world.order("OBA-O-3", &customer_id, 1).await;
        eventually("a third pending task", || async {
            world.pending().await.len() == 1
        })
        .await;
        let task = world.pending().await[0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        fleetdesk_core::stuck::fail_order(
            &test_db.db,
            &Acting::system(),
            &third,
            ErrorCode::Internal,
            "Given up by support",
        )
        .await
        .expect("failed by hand");
        let (status, body) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/complete"),
                None,
            )
            .await;
        assert_eq!(status, 409, "{body:#}");

        // Support completes a waiting order by hand: done, and even the same outcome from the
        // product afterwards is refused (an operator decided).
        let support =
            crate::common::operator(&test_db, "sam", fleetdesk_core::operators::Role::Support)
                .await;
        let by_hand = Acting::alone(fleetdesk_core::audit::Actor::operator(
            support.id.as_str(),
            "sam",
        ));
        let fifth = world.order("OBA-O-5", &customer_id, 1).await;
        eventually("a fifth pending task", || async {
            world.pending().await.len() == 1
        })
        .await;
        let task = world.pending().await[0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let completed = fleetdesk_core::orange::completion::complete_order(
            &test_db.db,
            Some(&by_hand),
            &fifth.as_str().into(),
        )
        .await
        .expect("completed by hand");
        assert!(completed);
        assert_eq!(world.order_state(&fifth).await, "completed");
        let (status, body) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{task}/complete"),
                None,
            )
            .await;
        assert_eq!(status, 409, "{body:#}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("operator"),
            "{body:#}"
        );

        // A bulk suspension where the product fails one licence ends partial.
        let fourth = world.order("OBA-O-4", &customer_id, 2).await;
        for _ in 0..2 {
            eventually("a pending creation", || async {
                !world.pending().await.is_empty()
            })
            .await;
            let task = world.pending().await[0]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let (status, _) = world
                .call(
                    &world.product_auth,
                    &format!("/tasks/{task}/complete"),
                    None,
                )
                .await;
            assert_eq!(status, 200);
        }
        world.wait_order(&fourth, "completed").await;
        let licences = order_licences(&world.api, &fourth).await;
        let task = world
            .api
            .post(
                "/userServiceTask",
                &json!({
                    "externalReference": {"type": "orange", "id": "OBA-T-1"},
                    "action": "changeState",
                    "state": "suspended",
                    "userService": licences.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                }),
            )
            .await;
        let task_id = task.str("/id");
        eventually("two pending suspensions", || async {
            world.pending().await.len() == 2
        })
        .await;
        let pending = world.pending().await;
        let by_licence = |licence: &str| {
            pending
                .iter()
                .find(|t| t["licenceId"] == licence)
                .and_then(|t| t["id"].as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let (status, _) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{}/complete", by_licence(&licences[0])),
                None,
            )
            .await;
        assert_eq!(status, 200);
        let (status, _) = world
            .call(
                &world.product_auth,
                &format!("/tasks/{}/fail", by_licence(&licences[1])),
                Some(json!({"code": "INVALID_VALUE", "message": "Locked account"})),
            )
            .await;
        assert_eq!(status, 200);
        let read = world.api.get(&format!("/userServiceTask/{task_id}")).await;
        assert_eq!(read.body["state"], "partial", "{:#}", read.body);
        let items = read.body["userService"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let failed: Vec<_> = items.iter().filter(|i| i["result"] == "failed").collect();
        assert_eq!(failed.len(), 1, "{items:#?}");
        assert_eq!(failed[0]["error"]["code"], "INVALID_VALUE");
        let states: Vec<String> = [&licences[0], &licences[1]]
            .iter()
            .map(|id| id.to_string())
            .collect();
        let first = world.api.get(&format!("/userService/{}", states[0])).await;
        let second = world.api.get(&format!("/userService/{}", states[1])).await;
        assert_eq!(
            (first.body["state"].as_str(), second.body["state"].as_str()),
            (Some("suspended"), Some("active"))
        );
        world.api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_during_the_overlap_and_only_the_new_one_after() {
    for test_db in TestDb::all().await {
        let world = world(&test_db, false).await;
        let customer_id = customer(&world.api, "OBA-C", "C-HOOK").await;
        let old = world.secret.clone();
        let new = webhook::rotate_secret(&test_db.db, 60, &Acting::system())
            .await
            .expect("rotated");
        world.product.set_secrets(&[&old, &new]);
        let order = world.order("OBA-O-1", &customer_id, 1).await;
        world.wait_order(&order, "completed").await;
        assert_eq!(
            world.product.received()[0].verified_by,
            [0, 1],
            "both verify"
        );

        let newest = webhook::rotate_secret(&test_db.db, 0, &Acting::system())
            .await
            .expect("rotated without overlap");
        world.product.set_secrets(&[&new, &newest]);
        // Each instance reads the settings again at most every half second.
        tokio::time::sleep(Duration::from_millis(600)).await;
        let order = world.order("OBA-O-2", &customer_id, 1).await;
        world.wait_order(&order, "completed").await;
        assert_eq!(
            world.product.received()[1].verified_by,
            [1],
            "only the new one"
        );
        world.api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn in_sync_mode_a_plain_webhook_goes_inline_and_an_unanswered_one_changes_nothing() {
    for test_db in TestDb::all().await {
        let world = world(&test_db, false).await;
        set(&test_db, |s| {
            s.set_every_mode(Mode::Sync);
        })
        .await;
        webhook::save(
            &test_db.db,
            &WebhookInput {
                url: world.product.url.clone(),
                timeout_seconds: 1,
                await_callback: false,
            },
            &Acting::system(),
        )
        .await
        .expect("a one-second timeout");
        let customer_id = customer(&world.api, "OBA-C", "C-HOOK").await;
        let reply = world
            .api
            .post(
                "/productOrder",
                &crate::orange::order_licences("OBA-O-1", &customer_id, HOOK, 1),
            )
            .await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        assert_eq!(reply.body["state"], "completed");
        let licence = reply.str("/orderItem/0/productRef/userService/0/id");
        let hooks = world.webhooks_about(&licence);
        assert_eq!(hooks.len(), 1, "sent before Orange got its answer");
        assert_eq!(hooks[0]["type"], "licence.created");
        assert_eq!(world.product.received()[0].verified_by, [0]);
        let recorded: (String, i64) = sqlx::query_as(
            "SELECT e.state, (SELECT COUNT(*) FROM outbox_attempts a WHERE a.event_id = e.id) \
             FROM outbox_events e WHERE e.target = 'provisioning_webhook' \
             AND e.event_type = 'licence.created'",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("the webhook is recorded");
        assert_eq!(recorded, ("delivered".to_owned(), 1));

        // The product refuses, then does not answer in time: Orange is told to come back later,
        // and nothing changed.
        let before = crate::orange::counts(&test_db).await;
        world
            .product
            .script(&[(500, ""), (500, ""), (0, ""), (0, "")]);
        for reference in ["OBA-O-2", "OBA-O-3"] {
            let reply = world
                .api
                .post(
                    "/productOrder",
                    &crate::orange::order_licences(reference, &customer_id, HOOK, 2),
                )
                .await;
            reply.assert_error(503, "SERVICE_UNAVAILABLE");
        }
        assert_eq!(
            crate::orange::counts(&test_db).await,
            before,
            "nothing changed"
        );

        // A suspension of one licence goes inline too.
        let reply = world
            .api
            .patch(
                &format!("/userService/{licence}"),
                &json!({"state": "suspended"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{:#}", reply.body);
        eventually("the suspension at the product", || async {
            world.webhooks_about(&licence).len() == 2
        })
        .await;
        assert_eq!(
            world.webhooks_about(&licence)[1]["type"],
            "licence.suspended"
        );

        // The product cannot answer by callback while operations are synchronous.
        let refused = webhook::save(
            &test_db.db,
            &WebhookInput {
                url: world.product.url.clone(),
                timeout_seconds: 1,
                await_callback: true,
            },
            &Acting::system(),
        )
        .await;
        assert!(
            matches!(refused, Err(webhook::WebhookSettingsError::CallbackNeedsAsync(ref ops)) if ops.len() == 4),
            "{refused:?}"
        );
        world.api.stop().await;
        test_db.finish().await;
    }
}
