//! The Orange API end to end: a real server on a real socket over SQLite and PostgreSQL, called
//! the way Orange's systems call it. Every JSON answer is checked for `null` and empty strings.

use crate::common;
use crate::orange;

use reqwest::Method;
use serde_json::{Value, json};

use fleetdesk_core::orange::settings::{FleetPolicy, Mode};
use fleetdesk_core::outbox;
use fleetdesk_core::testing::TestDb;

use common::Setup;
use orange::{
    Api, BASIC, DOCS, PRO, counts, create_customer, customer, eventually, licences, order_licences,
    reply, set,
};

#[tokio::test]
async fn every_route_wants_a_valid_credential_before_anything_else() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let plain = reqwest::Client::new();

        let up = api.get("/ping").await;
        assert_eq!((up.status, up.str("/status")), (200, "up".to_owned()));
        assert_eq!(up.str("/version"), "1.4.0");

        let bearer = plain
            .get(api.url("/ping"))
            .bearer_auth(&api.secret)
            .send()
            .await
            .expect("ping");
        assert_eq!(bearer.status(), 200, "Bearer works as well as Basic");

        // Known routes: 401 before validation, lookup or method checks.
        for (method, path) in [
            (Method::GET, "/ping"),
            (Method::POST, "/productOrder"),
            (Method::GET, "/productOrder/ord_nothing"),
            (Method::GET, "/userService"),
            (Method::PATCH, "/userService/lic_nothing"),
            (Method::DELETE, "/userService/lic_nothing"),
            (Method::POST, "/userServiceTask"),
            (Method::GET, "/openapi.json"),
            (Method::PUT, "/ping"),
        ] {
            let refused = reply(
                plain
                    .request(method.clone(), api.url(path))
                    .body("not even json")
                    .send()
                    .await
                    .expect("request"),
            )
            .await;
            refused.assert_error(401, "UNAUTHORIZED");
            assert!(
                refused.header("www-authenticate").is_some(),
                "{method} {path}"
            );
        }

        let other = fleetdesk_core::testing::orange_credential(&test_db.db, "second").await;
        use base64::Engine;
        let crossed = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", other.credential.client_id, api.secret))
        );
        for authorization in [crossed.as_str(), "Bearer wrong", "Basic !!!", "Token x"] {
            reply(
                plain
                    .get(api.url("/ping"))
                    .header("authorization", authorization)
                    .send()
                    .await
                    .expect("ping"),
            )
            .await
            .assert_error(401, "UNAUTHORIZED");
        }
        let second = plain
            .get(api.url("/ping"))
            .bearer_auth(other.secret.expose())
            .send()
            .await
            .expect("ping");
        assert_eq!(
            second.status(),
            200,
            "several credentials are active at once"
        );
        fleetdesk_core::credentials::revoke(
            &test_db.db,
            &fleetdesk_core::audit::Acting::system(),
            &other.credential.id,
        )
        .await
        .expect("revoke");
        let revoked = plain
            .get(api.url("/ping"))
            .bearer_auth(other.secret.expose())
            .send()
            .await
            .expect("ping");
        assert_eq!(
            revoked.status(),
            401,
            "a revoked credential is refused at once"
        );

        api.get("/nothing/here")
            .await
            .assert_error(404, "NOT_FOUND");
        api.send(Method::PUT, "/ping", None)
            .await
            .assert_error(404, "NOT_FOUND");

        let used = fleetdesk_core::credentials::list(
            &test_db.db,
            fleetdesk_core::credentials::CredentialKind::Orange,
        )
        .await
        .expect("list");
        assert!(
            used.iter().all(|c| c.last_used_at.is_some()),
            "last use recorded"
        );

        api.server.close_database().await;
        let down = api.get("/ping").await;
        assert_eq!((down.status, down.str("/status")), (503, "down".to_owned()));
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn customer_creation_is_idempotent_and_never_duplicates_a_customer() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let body = create_customer("OBA-ORD-1", "OBA-CUS-1");
        let first = api.post("/productOrder", &body).await;
        assert_eq!(first.status, 201, "{:#}", first.body);
        assert_eq!(first.str("/state"), "completed");
        assert_eq!(first.str("/customer/externalReference/id"), "OBA-CUS-1");
        assert_eq!(
            first.str("/relatedContact/0/mobileTelephoneNumber/sn"),
            "612345678"
        );
        assert_eq!(first.str("/category"), "standard");
        assert!(
            first.body.get("orderItem").is_none(),
            "no items: absent, not []"
        );

        // Orange retries: same answer, nothing created twice.
        let again = api.post("/productOrder", &body).await;
        assert_eq!((again.status, &again.body), (201, &first.body));

        // The same Orange customer under another order: the existing customer.
        let other = api
            .post("/productOrder", &create_customer("OBA-ORD-2", "OBA-CUS-1"))
            .await;
        assert_eq!(other.str("/customer/id"), first.str("/customer/id"));
        assert_ne!(other.str("/id"), first.str("/id"));

        let before = counts(&test_db).await;
        let mut changed = body.clone();
        changed["category"] = json!("trial");
        api.post("/productOrder", &changed)
            .await
            .assert_error(409, "IDEMPOTENCY_MISMATCH");
        assert_eq!(counts(&test_db).await, before, "a mismatch changes nothing");

        let customers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        assert_eq!(customers, 1);
        let audit: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE actor_kind = 'orange' ORDER BY at, id",
        )
        .fetch_all(test_db.db.pool())
        .await
        .expect("audit");
        assert_eq!(
            audit,
            [
                "orange.customer.create",
                "orange.order.create",
                "orange.order.create"
            ]
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_licence_order_answers_the_contract_s_synchronous_shape() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let customer_id = customer(&api, "OBA-ORD-101", "OBA-CUS-778812").await;
        let reply = api
            .post(
                "/productOrder",
                &order_licences("OBA-ORD-102", &customer_id, PRO, 3),
            )
            .await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        insta::assert_json_snapshot!("sync_licence_order", orange::normalise(&reply.body));

        let licences = reply.body["orderItem"][0]["productRef"]["userService"]
            .as_array()
            .expect("licences")
            .clone();
        let logins: Vec<&str> = licences
            .iter()
            .map(|l| l["login"]["login"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            logins,
            [
                "menuiserie-lefebvre-0001",
                "menuiserie-lefebvre-0002",
                "menuiserie-lefebvre-0003"
            ]
        );
        for licence in &licences {
            let resource = &licence["realizingResource"][0];
            assert_eq!(resource["type"], "msisdn");
            assert_eq!(resource["placeholder"], true);
            assert!(
                resource["value"]
                    .as_str()
                    .is_some_and(|v| v.starts_with("+3363998"))
            );
        }

        let order_id = reply.str("/id");
        let read = api.get(&format!("/productOrder/{order_id}")).await;
        assert_eq!((read.status, &read.body), (200, &reply.body));
        api.get("/productOrder/ord_unknown")
            .await
            .assert_error(404, "UNKNOWN_ORDER");

        let licence_id = licences[0]["id"].as_str().expect("id");
        let one = api.get(&format!("/userService/{licence_id}")).await;
        assert_eq!(one.status, 200);
        assert_eq!(
            one.str("/productRefId"),
            reply.str("/orderItem/0/productRef/id")
        );
        assert_eq!(one.str("/customer/externalReference/id"), "OBA-CUS-778812");
        assert_eq!(one.str("/characteristic/0/value"), "50GB");
        assert!(one.body.get("endUser").is_none(), "no end user: absent");
        api.get("/userService/lic_unknown")
            .await
            .assert_error(404, "UNKNOWN_USER_SERVICE");
        assert!(
            outbox::list_all(&test_db.db)
                .await
                .expect("outbox")
                .is_empty(),
            "synchronous answers send no event"
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn refused_orders_get_precise_errors_and_change_nothing() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let customer_id = customer(&api, "OBA-ORD-1", "OBA-CUS-1").await;
        let (fleet, _) = licences(&api, "OBA-ORD-2", &customer_id, PRO, 1).await;
        let other_customer = customer(&api, "OBA-ORD-3", "OBA-CUS-2").await;
        let before = counts(&test_db).await;

        let valid = order_licences("OBA-ORD-9", &customer_id, PRO, 2);
        let with = |pointer: &str, value: Value| {
            let mut body = valid.clone();
            let (parent, field) = pointer.rsplit_once('/').expect("a field pointer");
            body.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .expect("parent object")
                .insert(field.to_owned(), value);
            body
        };
        let without = |parent: &str, field: &str| {
            let mut body = valid.clone();
            body.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .expect("object")
                .remove(field);
            body
        };
        let cases: Vec<(Value, u16, &str, &str)> = vec![
            (
                without("", "externalReference"),
                400,
                "MISSING_FIELD",
                "externalReference",
            ),
            (without("", "customer"), 400, "MISSING_FIELD", "customer"),
            (
                without("/orderItem/0/productRef", "userServiceQuantity"),
                400,
                "MISSING_FIELD",
                "orderItem[0].productRef.userServiceQuantity",
            ),
            (
                without("/orderItem/0", "productOffering"),
                400,
                "MISSING_FIELD",
                "orderItem[0].productOffering",
            ),
            (
                with("/orderItem/0/productRef/userServiceQuantity", json!(0)),
                400,
                "INVALID_VALUE",
                "orderItem[0].productRef.userServiceQuantity",
            ),
            (
                with("/orderItem/0/productRef/userServiceQuantity", json!("two")),
                400,
                "INVALID_BODY",
                "orderItem[0].productRef.userServiceQuantity",
            ),
            (
                with("/orderItem/0/action", json!("remove")),
                400,
                "INVALID_VALUE",
                "orderItem[0].action",
            ),
            (
                with("/orderItem", json!({"not": "an array"})),
                400,
                "INVALID_BODY",
                "orderItem",
            ),
            (
                with("/orderDate", json!("yesterday")),
                400,
                "INVALID_VALUE",
                "orderDate",
            ),
            (
                with("/customer", json!({"id": "cus_unknown"})),
                404,
                "UNKNOWN_CUSTOMER",
                "customer.id",
            ),
            (
                with(
                    "/customer",
                    json!({"externalReference": {"type": "orange", "id": "NEW"}}),
                ),
                400,
                "MISSING_FIELD",
                "customer.name",
            ),
            (
                with(
                    "/orderItem/0/productOffering/externalReference/id",
                    json!("OFFER-XYZ"),
                ),
                422,
                "UNKNOWN_OFFER",
                "orderItem[0].productOffering.externalReference.id 'OFFER-XYZ' is not in the catalogue",
            ),
            (
                with("/orderItem/0/productRef/id", json!("flt_unknown")),
                404,
                "UNKNOWN_PRODUCT_REF",
                "orderItem[0].productRef.id",
            ),
            (with("/customer", json!({"id": other_customer})), 0, "", ""),
            (json!([1, 2, 3]), 400, "INVALID_BODY", ""),
            (json!("text"), 400, "INVALID_BODY", ""),
        ];
        for (body, status, code, field) in cases {
            if status == 0 {
                // Another customer's order naming this customer's fleet.
                let mut mismatch = body.clone();
                mismatch["orderItem"][0]["productRef"]["id"] = json!(fleet);
                let reply = api.post("/productOrder", &mismatch).await;
                reply.assert_error(422, "PRODUCT_REF_MISMATCH");
                continue;
            }
            let reply = api.post("/productOrder", &body).await;
            reply.assert_error(status, code);
            assert!(
                reply.str("/message").contains(field),
                "{code}: {} should name {field}",
                reply.str("/message")
            );
        }
        api.raw(
            Method::POST,
            "/productOrder",
            "application/json",
            b"{not json".to_vec(),
        )
        .await
        .assert_error(400, "INVALID_BODY");
        api.raw(
            Method::POST,
            "/productOrder",
            "application/json",
            Vec::new(),
        )
        .await
        .assert_error(400, "INVALID_BODY");
        api.raw(
            Method::POST,
            "/productOrder",
            "text/plain",
            valid.to_string().into_bytes(),
        )
        .await
        .assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
        let mut huge = valid.clone();
        huge["category"] = json!("x".repeat(2 * 1024 * 1024));
        api.post("/productOrder", &huge)
            .await
            .assert_error(413, "PAYLOAD_TOO_LARGE");
        assert_eq!(counts(&test_db).await, before, "refusals change nothing");

        // A refused reference is not remembered: corrected, it goes through.
        let corrected = api.post("/productOrder", &valid).await;
        assert_eq!(corrected.status, 201, "{:#}", corrected.body);
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn externalreference_arrays_and_unknown_fields_are_accepted() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let mut body = create_customer("ignored", "OBA-CUS-9");
        body["externalReference"] =
            json!([{"type": "crm", "id": "C-1"}, {"type": "orange", "id": "OBA-ORD-A"}]);
        body["somethingNew"] = json!({"nested": [1, 2]});
        body["customer"]["externalReference"] = json!([{"type": "orange", "id": "OBA-CUS-9"}]);
        body["customer"]["legalId"] = Value::Null;
        let reply = api.post("/productOrder", &body).await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        assert_eq!(reply.str("/externalReference/id"), "OBA-ORD-A");
        assert_eq!(reply.str("/externalReference/type"), "orange");
        assert!(reply.body["customer"].get("legalId").is_none());
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn fleets_follow_the_fleet_policy() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;

        // perCustomer (default): one fleet, whatever the order says.
        let (a, _) = licences(&api, "O-2", &cus, PRO, 1).await;
        let (b, _) = licences(&api, "O-3", &cus, BASIC, 1).await;
        assert_eq!(a, b);

        // perOrder: a new fleet per order, unless the order names one of the customer's fleets.
        set(&test_db, |s| s.fleet_policy = FleetPolicy::PerOrder).await;
        let (c, _) = licences(&api, "O-4", &cus, PRO, 1).await;
        assert_ne!(c, a);
        let mut named = order_licences("O-5", &cus, PRO, 2);
        named["orderItem"][0]["productRef"]["id"] = json!(a);
        let reply = api.post("/productOrder", &named).await;
        assert_eq!(reply.str("/orderItem/0/productRef/id"), a);
        let listed = api.get(&format!("/userService?productRefId={a}")).await;
        assert_eq!(listed.header("x-total-count"), Some("4"));

        // perOffering: one fleet per customer and offer code.
        set(&test_db, |s| s.fleet_policy = FleetPolicy::PerOffering).await;
        let mut two = order_licences("O-6", &cus, PRO, 1);
        let mut docs = two["orderItem"][0].clone();
        docs["id"] = json!("2");
        docs["productOffering"]["externalReference"]["id"] = json!(DOCS);
        two["orderItem"].as_array_mut().expect("items").push(docs);
        let reply = api.post("/productOrder", &two).await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        let pro_fleet = reply.str("/orderItem/0/productRef/id");
        let docs_fleet = reply.str("/orderItem/1/productRef/id");
        assert_ne!(pro_fleet, docs_fleet);
        let (again, _) = licences(&api, "O-7", &cus, PRO, 1).await;
        assert_eq!(again, pro_fleet);

        // Per-customer realizing resources are shared by the customer's licences.
        let (_, more_docs) = licences(&api, "O-8", &cus, DOCS, 2).await;
        let first = api.get(&format!("/userService/{}", more_docs[0])).await;
        let second = api.get(&format!("/userService/{}", more_docs[1])).await;
        assert_eq!(
            first.body["realizingResource"],
            second.body["realizingResource"]
        );
        assert!(
            first
                .str("/realizingResource/0/value")
                .ends_with(".invalid/")
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn fleet_consultation_pages_filters_and_counts() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        let (fleet, ids) = licences(&api, "O-2", &cus, PRO, 5).await;
        api.delete(&format!("/userService/{}", ids[4])).await;

        let all = api.get(&format!("/userService?productRefId={fleet}")).await;
        assert_eq!(all.status, 200);
        let listed: Vec<&str> = all
            .body
            .as_array()
            .expect("array")
            .iter()
            .map(|l| l["id"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            listed,
            ids[..4].iter().map(String::as_str).collect::<Vec<_>>(),
            "creation order, no terminated"
        );
        assert_eq!(
            (all.header("x-total-count"), all.header("x-result-count")),
            (Some("4"), Some("4"))
        );

        let page = api
            .get(&format!(
                "/userService?productRefId={fleet}&offset=1&limit=2"
            ))
            .await;
        assert_eq!(page.body.as_array().map(Vec::len), Some(2));
        assert_eq!(page.str("/0/id"), ids[1]);
        assert_eq!(
            (page.header("x-total-count"), page.header("x-result-count")),
            (Some("4"), Some("2"))
        );

        let past = api
            .get(&format!("/userService?productRefId={fleet}&offset=10"))
            .await;
        assert_eq!((past.status, &past.body), (200, &json!([])));
        assert_eq!(past.header("x-result-count"), Some("0"));

        let terminated = api
            .get(&format!(
                "/userService?productRefId={fleet}&state=terminated"
            ))
            .await;
        assert_eq!(terminated.str("/0/id"), ids[4]);
        assert_eq!(terminated.str("/0/state"), "terminated");

        api.get("/userService")
            .await
            .assert_error(400, "MISSING_FIELD");
        api.get("/userService?productRefId=flt_unknown")
            .await
            .assert_error(404, "UNKNOWN_PRODUCT_REF");
        api.get(&format!("/userService?productRefId={fleet}&state=lost"))
            .await
            .assert_error(400, "INVALID_VALUE");
        api.get(&format!("/userService?productRefId={fleet}&limit=-1"))
            .await
            .assert_error(400, "INVALID_VALUE");
        // A page is built in memory: its size has a ceiling (the whole fleet, without limit, is
        // streamed instead).
        api.get(&format!("/userService?productRefId={fleet}&limit=10001"))
            .await
            .assert_error(400, "INVALID_VALUE");
        let largest = api
            .get(&format!("/userService?productRefId={fleet}&limit=10000"))
            .await;
        assert_eq!(largest.status, 200, "{:#}", largest.body);
        assert_eq!(
            largest.header("X-Result-Count"),
            largest.header("X-Total-Count")
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn single_licence_changes_follow_the_state_machine() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        let (_, ids) = licences(&api, "O-2", &cus, PRO, 2).await;
        let path = format!("/userService/{}", ids[0]);

        let suspended = api.patch(&path, &json!({"state": "suspended"})).await;
        assert_eq!(
            (suspended.status, suspended.str("/state")),
            (200, "suspended".to_owned())
        );
        let before = counts(&test_db).await;
        api.patch(&path, &json!({"state": "suspended"}))
            .await
            .assert_error(409, "INVALID_STATE_TRANSITION");
        api.patch(&path, &json!({"state": "sleeping"}))
            .await
            .assert_error(400, "INVALID_VALUE");
        api.patch(&path, &json!({}))
            .await
            .assert_error(400, "MISSING_FIELD");
        api.patch(&path, &json!({"state": 3}))
            .await
            .assert_error(400, "INVALID_BODY");
        api.patch(
            &path,
            &json!({"productOffering": {"externalReference": {"type": "orange", "id": "NOPE"}}}),
        )
        .await
        .assert_error(422, "UNKNOWN_OFFER");
        api.patch("/userService/lic_unknown", &json!({"state": "active"}))
            .await
            .assert_error(404, "UNKNOWN_USER_SERVICE");
        api.raw(
            Method::PATCH,
            &path,
            "application/xml",
            b"<state/>".to_vec(),
        )
        .await
        .assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
        assert_eq!(counts(&test_db).await, before);

        let active = api.patch(&path, &json!({"state": "active"})).await;
        assert_eq!(active.str("/state"), "active");
        let changed = api
            .patch(
                &path,
                &json!({"productOffering": {"externalReference": {"type": "orange", "id": BASIC}}}),
            )
            .await;
        assert_eq!(changed.status, 200, "{:#}", changed.body);
        assert_eq!(changed.str("/productOffering/externalReference/id"), BASIC);

        let deleted = api.delete(&path).await;
        assert_eq!(
            (deleted.status, deleted.str("/state")),
            (200, "terminated".to_owned())
        );
        api.delete(&path)
            .await
            .assert_error(409, "INVALID_STATE_TRANSITION");
        api.patch(&path, &json!({"state": "active"}))
            .await
            .assert_error(409, "INVALID_STATE_TRANSITION");
        api.delete("/userService/lic_unknown")
            .await
            .assert_error(404, "UNKNOWN_USER_SERVICE");
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn tasks_apply_each_item_alone_and_are_idempotent() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        let (_, ids) = licences(&api, "O-2", &cus, PRO, 3).await;
        api.patch(
            &format!("/userService/{}", ids[2]),
            &json!({"state": "suspended"}),
        )
        .await;
        let body = json!({
            "externalReference": {"type": "orange", "id": "OBA-TSK-1"},
            "action": "changeState",
            "state": "suspended",
            "userService": [{"id": ids[0]}, {"id": "lic_unknown"}, {"id": ids[2]}, {"id": ids[1]}]
        });
        let task = api.post("/userServiceTask", &body).await;
        assert_eq!(task.status, 201, "{:#}", task.body);
        assert_eq!(task.str("/state"), "partial");
        assert_eq!(task.str("/action"), "changeState");
        let results: Vec<(&str, &str, Option<&str>)> = task.body["userService"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                (
                    i["id"].as_str().unwrap_or_default(),
                    i["result"].as_str().unwrap_or_default(),
                    i["error"]["code"].as_str(),
                )
            })
            .collect();
        assert_eq!(
            results,
            [
                (ids[0].as_str(), "done", None),
                ("lic_unknown", "failed", Some("UNKNOWN_USER_SERVICE")),
                (ids[2].as_str(), "failed", Some("INVALID_STATE_TRANSITION")),
                (ids[1].as_str(), "done", None),
            ]
        );
        let again = api.post("/userServiceTask", &body).await;
        assert_eq!((again.status, &again.body), (201, &task.body));
        let mut other = body.clone();
        other["state"] = json!("active");
        api.post("/userServiceTask", &other)
            .await
            .assert_error(409, "IDEMPOTENCY_MISMATCH");
        let read = api
            .get(&format!("/userServiceTask/{}", task.str("/id")))
            .await;
        assert_eq!(read.body, task.body);
        api.get("/userServiceTask/tsk_unknown")
            .await
            .assert_error(404, "UNKNOWN_TASK");

        let all_fail = api
            .post(
                "/userServiceTask",
                &json!({"action": "delete", "userService": [{"id": "lic_x"}, {"id": "lic_y"}]}),
            )
            .await;
        assert_eq!(all_fail.str("/state"), "failed");
        assert!(all_fail.body.get("externalReference").is_none());

        let before = counts(&test_db).await;
        for (bad, status, code) in [
            (
                json!({"userService": [{"id": ids[0]}]}),
                400,
                "MISSING_FIELD",
            ),
            (
                json!({"action": "explode", "userService": [{"id": ids[0]}]}),
                400,
                "INVALID_VALUE",
            ),
            (
                json!({"action": "changeState", "userService": [{"id": ids[0]}]}),
                400,
                "MISSING_FIELD",
            ),
            (
                json!({"action": "changeState", "state": "terminated", "userService": [{"id": ids[0]}]}),
                400,
                "INVALID_VALUE",
            ),
            (json!({"action": "delete"}), 400, "MISSING_FIELD"),
            (
                json!({"action": "delete", "userService": []}),
                400,
                "INVALID_VALUE",
            ),
            (
                json!({"action": "delete", "userService": [{"id": ids[0]}, {}]}),
                400,
                "MISSING_FIELD",
            ),
            (
                json!({"action": "delete", "userService": {"id": ids[0]}}),
                400,
                "INVALID_BODY",
            ),
            (
                json!({"action": "changeOffering", "productOffering": {"externalReference": {"type": "orange", "id": "NOPE"}}, "userService": [{"id": ids[0]}]}),
                422,
                "UNKNOWN_OFFER",
            ),
        ] {
            api.post("/userServiceTask", &bad)
                .await
                .assert_error(status, code);
        }
        assert_eq!(counts(&test_db).await, before);

        let offering = api
            .post(
                "/userServiceTask",
                &json!({"action": "changeOffering", "productOffering": {"externalReference": {"type": "orange", "id": BASIC}}, "userService": [{"id": ids[1]}]}),
            )
            .await;
        assert_eq!(offering.str("/state"), "completed", "{:#}", offering.body);
        assert_eq!(offering.str("/productOffering/externalReference/id"), BASIC);
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn asynchronous_work_is_acknowledged_then_completed_with_its_event() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        set(&test_db, |s| {
            s.set_every_mode(Mode::Async);
        })
        .await;

        let ack = api
            .post(
                "/productOrder",
                &order_licences("OBA-ORD-102", &cus, PRO, 2),
            )
            .await;
        assert_eq!(ack.status, 201, "{:#}", ack.body);
        assert_eq!(ack.str("/state"), "acknowledged");
        assert_eq!(ack.str("/customer/id"), cus);
        assert!(ack.body.get("orderItem").is_none());
        let order_path = format!("/productOrder/{}", ack.str("/id"));
        eventually("the order to complete", || async {
            api.get(&order_path).await.body["state"] == "completed"
        })
        .await;
        let order = api.get(&order_path).await;
        let ids: Vec<String> = order.body["orderItem"][0]["productRef"]["userService"]
            .as_array()
            .expect("licences")
            .iter()
            .map(|l| {
                assert_eq!(l["state"], "active");
                l["id"].as_str().unwrap_or_default().to_owned()
            })
            .collect();
        // A retry while or after completing answers the order's current state.
        let retry = api
            .post(
                "/productOrder",
                &order_licences("OBA-ORD-102", &cus, PRO, 2),
            )
            .await;
        assert_eq!((retry.status, &retry.body), (201, &order.body));

        let patched = api
            .patch(
                &format!("/userService/{}", ids[0]),
                &json!({"state": "suspended"}),
            )
            .await;
        assert_eq!(patched.status, 202, "{:#}", patched.body);
        assert_eq!(patched.str("/action"), "changeState");
        assert_eq!(patched.str("/state"), "acknowledged");

        let task = api
            .post(
                "/userServiceTask",
                &json!({"externalReference": {"type": "orange", "id": "OBA-TSK-9"}, "action": "delete", "userService": [{"id": ids[1]}, {"id": "lic_unknown"}]}),
            )
            .await;
        assert_eq!(
            (task.status, task.str("/state")),
            (201, "acknowledged".to_owned())
        );
        let task_path = format!("/userServiceTask/{}", task.str("/id"));
        eventually("the task to finish", || async {
            api.get(&task_path).await.body["state"] == "partial"
        })
        .await;
        eventually("the single change to finish", || async {
            api.get(&format!("/userService/{}", ids[0])).await.body["state"] == "suspended"
        })
        .await;

        let events = outbox::list_all(&test_db.db).await.expect("outbox");
        let summary: Vec<(&str, Option<&str>, &str)> = events
            .iter()
            .map(|e| {
                (
                    e.event_type.as_str(),
                    e.correlation_id.as_deref(),
                    e.resource_id.as_str(),
                )
            })
            .collect();
        assert!(summary.contains(&(
            "productOrderStateChangeEvent",
            Some("OBA-ORD-102"),
            ack.str("/id").as_str()
        )));
        assert!(
            summary.contains(&("userServiceStateChangeEvent", None, ids[0].as_str())),
            "{summary:?}"
        );
        assert!(
            summary.contains(&(
                "userServiceStateChangeEvent",
                Some("OBA-TSK-9"),
                ids[1].as_str()
            )),
            "{summary:?}"
        );
        assert_eq!(
            events.len(),
            3,
            "one event per order and per licence changed"
        );
        for event in &events {
            assert_eq!(event.state, "pending");
            assert_eq!(event.payload["eventId"], event.id.as_str());
            orange::assert_clean(&event.payload);
        }
        let order_event = &events[0].payload["event"]["productOrder"];
        assert_eq!(order_event["state"], "completed");
        assert_eq!(
            order_event["note"][0]["text"],
            "first order after signature"
        );
        assert_eq!(order_event["orderItem"][0]["id"], "1");
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn identical_orders_racing_in_parallel_create_one_order() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        let body = order_licences("OBA-RACE", &cus, PRO, 3);
        let replies =
            futures_util::future::join_all((0..6).map(|_| api.post("/productOrder", &body))).await;
        let ids: std::collections::BTreeSet<String> = replies
            .iter()
            .map(|r| {
                assert_eq!(r.status, 201, "{:#}", r.body);
                r.str("/id")
            })
            .collect();
        assert_eq!(ids.len(), 1, "every racer got the same order");
        let licences: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM licences")
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        assert_eq!(licences, 3);
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_anonymous_call_is_answered_unread_and_kept_as_its_request_line_only() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        // A megabyte from nobody: refused without being read, and not stored.
        let filler = "x".repeat(1_000_000);
        let big = serde_json::json!({ "filler": filler });
        let anonymous = reqwest::Client::new();
        // The server may answer and close before the client has written it all: either way it
        // is refused.
        if let Ok(refused) = anonymous
            .post(api.url("/productOrder"))
            .header("authorization", "Bearer not-a-secret")
            .json(&big)
            .send()
            .await
        {
            assert_eq!(refused.status(), 401);
        }
        let kept = fleetdesk_core::orange::exchanges::list(
            &test_db.db,
            &fleetdesk_core::orange::exchanges::Filter::default(),
            10,
        )
        .await
        .expect("exchanges");
        assert_eq!(kept.len(), 1, "the first refused call is kept");
        let first = &kept[0];
        assert_eq!(
            (
                first.method.as_str(),
                first.path.as_str(),
                first.response_status
            ),
            ("POST", "/orange/v2/productOrder", 401)
        );
        let stored: (Option<String>, Option<String>, Option<String>) = sqlx::query_as(
            "SELECT request_body, request_headers_json, response_body FROM orange_exchanges",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("stored");
        assert_eq!(stored.0, None, "the body was never read nor kept");
        assert_eq!(stored.2, None);
        let headers = stored.1.unwrap_or_default();
        assert!(
            !headers.contains("content-type") && !headers.contains("Bearer"),
            "only the peer address: {headers}"
        );

        // A flood from nobody is counted, and only a sample is kept.
        for _ in 0..30 {
            let response = anonymous
                .post(api.url("/userServiceTask"))
                .json(&serde_json::json!({"action": "delete"}))
                .send()
                .await
                .expect("post");
            assert_eq!(response.status(), 401);
            assert_eq!(
                response
                    .headers()
                    .get("connection")
                    .and_then(|v| v.to_str().ok()),
                Some("close"),
                "the body was not read: the connection is not offered for another call"
            );
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orange_exchanges")
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        assert!(count <= 4, "{count} refused calls kept out of 31");
        let metrics = reqwest::get(api.server.url("/metrics"))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        assert!(
            metrics.contains("fleetdesk_orange_unauthenticated_calls_total 31"),
            "{metrics}"
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn every_call_is_kept_raw_with_its_credential_masked() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        reply(
            reqwest::Client::new()
                .get(api.url("/ping"))
                .bearer_auth("not-the-secret")
                .send()
                .await
                .expect("ping"),
        )
        .await;
        let list = fleetdesk_core::orange::exchanges::list(
            &test_db.db,
            &fleetdesk_core::orange::exchanges::Filter::default(),
            10,
        )
        .await
        .expect("exchanges");
        assert_eq!(list.len(), 2);
        let (refused, created) = (&list[0], &list[1]);
        assert_eq!(
            (
                refused.response_status,
                refused.credential_id.as_ref().map(|id| id.as_str())
            ),
            (401, None)
        );
        assert_eq!(created.method, "POST");
        assert_eq!(created.path, "/orange/v2/productOrder");
        assert_eq!(created.response_status, 201);
        assert!(created.credential_id.is_some());
        assert_eq!(created.object_type.as_deref(), Some("order"));
        assert!(
            created
                .request_body
                .as_deref()
                .is_some_and(|b| b.contains("Menuiserie"))
        );
        assert!(
            created
                .response_body
                .as_deref()
                .is_some_and(|b| b.contains(&cus))
        );
        let authorization = created
            .request_headers
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.as_str());
        assert_eq!(authorization, Some("Basic ***"));
        let everything = format!("{list:?}");
        assert!(
            !everything.contains(&api.secret),
            "the secret is never stored"
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_and_matches_its_snapshot() {
    let test_db = TestDb::sqlite().await;
    let api = Api::start(&test_db).await;
    let served = api.get("/openapi.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(served.str("/openapi"), "3.1.0");
    for path in [
        "/orange/v2/ping",
        "/orange/v2/productOrder",
        "/orange/v2/productOrder/{id}",
        "/orange/v2/userService",
        "/orange/v2/userService/{id}",
        "/orange/v2/userServiceTask",
        "/orange/v2/userServiceTask/{id}",
    ] {
        assert!(
            served.body["paths"].get(path).is_some(),
            "{path} documented"
        );
    }
    insta::assert_snapshot!(
        "openapi",
        fleetdesk_server::orange::openapi::document_json()
    );
    api.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn a_larger_body_limit_can_be_configured() {
    let test_db = TestDb::sqlite().await;
    let setup = Setup::new(&test_db).with("FLEETDESK_ORANGE_BODY_LIMIT", "4194304");
    let api = Api::start_with(&test_db, setup).await;
    let mut body = create_customer("O-big", "C-big");
    body["category"] = json!("x".repeat(2 * 1024 * 1024));
    let reply = api.post("/productOrder", &body).await;
    assert_eq!(reply.status, 201);
    api.stop().await;
    test_db.finish().await;
}

/// A synchronous order's answer is built from what the order wrote, not read back: for every
/// kind of order it must be exactly what `GET /productOrder/{id}` reads afterwards.
#[tokio::test]
async fn a_synchronous_answer_is_what_the_order_reads_back() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let same = async |body: &Value| {
            let reply = api.post("/productOrder", body).await;
            assert_eq!(reply.status, 201, "{:#}", reply.body);
            let read = api
                .get(&format!("/productOrder/{}", reply.str("/id")))
                .await;
            assert_eq!(read.status, 200);
            assert_eq!(reply.body, read.body, "{}", test_db.url);
            reply
        };
        // A customer of no licences.
        let created = same(&create_customer("OBA-RB-1", "OBA-CUS-RB")).await;
        let customer_id = created.str("/customer/id");
        // A new customer with items of each resource kind, notes and a start date.
        let mut body = create_customer("OBA-RB-2", "OBA-CUS-RB2");
        body["requestedStartDate"] = json!("2026-12-01T00:00:00Z");
        body["note"] =
            json!([{"text": "à installer", "author": "Orange", "date": "2026-11-20T09:19:00Z"}]);
        body["orderItem"] = json!([
            {"id": "a", "productOffering": {"externalReference": {"type": "orange", "id": "OFFER-IMEI"}},
             "productRef": {"userServiceQuantity": 2,
                            "characteristic": [{"name": "colour", "value": "noir"}]}},
            {"id": "b", "productOffering": {"externalReference": {"type": "orange", "id": BASIC}},
             "productRef": {"userServiceQuantity": 1}},
            {"productOffering": {"externalReference": {"type": "orange", "id": DOCS}},
             "productRef": {"userServiceQuantity": 2}}
        ]);
        same(&body).await;
        // A known customer: more licences than one multi-row insert takes, and than one call of
        // queued writes holds (sent as they fill up), then its shared resource first created,
        // then once it holds a real value.
        let big = same(&order_licences("OBA-RB-3", &customer_id, PRO, 1_300)).await;
        let fleet = big.str("/orderItem/0/productRef/id");
        same(&order_licences("OBA-RB-4", &customer_id, DOCS, 2)).await;
        sqlx::query(
            "UPDATE realizing_resources SET value = 'https://docs.acme.fr/', \
             placeholder_since = NULL WHERE customer_id = $1 AND scope = 'per_customer'",
        )
        .bind(&customer_id)
        .execute(test_db.db.pool())
        .await
        .expect("shared resource replaced");
        let real = same(&order_licences("OBA-RB-5", &customer_id, DOCS, 1)).await;
        assert_eq!(
            (
                real.str("/orderItem/0/productRef/userService/0/realizingResource/0/value"),
                &real.body["orderItem"][0]["productRef"]["userService"][0]["realizingResource"][0]
                    ["placeholder"]
            ),
            ("https://docs.acme.fr/".to_owned(), &json!(false))
        );
        // Into a fleet Orange names.
        let mut into_fleet = order_licences("OBA-RB-6", &customer_id, PRO, 1);
        into_fleet["orderItem"][0]["productRef"]["id"] = json!(fleet);
        let added = same(&into_fleet).await;
        assert_eq!(added.str("/orderItem/0/productRef/id"), fleet);
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_customer_and_its_licences_are_created_in_one_call() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let mut body = create_customer("OBA-ORD-ONE", "OBA-CUS-ONE");
        body["orderItem"] = json!([
            {"id": "a", "productOffering": {"externalReference": {"type": "orange", "id": "OFFER-IMEI"}},
             "productRef": {"userServiceQuantity": 2}},
            {"id": "b", "productOffering": {"externalReference": {"type": "orange", "id": BASIC}},
             "productRef": {"userServiceQuantity": 1}}
        ]);
        let reply = api.post("/productOrder", &body).await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        assert_eq!(reply.str("/customer/name"), "Menuiserie Lefebvre SARL");
        let imei = reply.str("/orderItem/0/productRef/userService/1/realizingResource/0/value");
        assert!(imei.starts_with("00") && imei.len() == 15, "{imei}");
        let basic = &reply.body["orderItem"][1]["productRef"]["userService"][0];
        assert!(
            basic.get("realizingResource").is_none(),
            "no resource: absent"
        );
        assert_eq!(
            basic["login"]["login"], "menuiserie-lefebvre-0003",
            "one counter per customer across items"
        );
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn writes_on_a_licence_with_an_unfinished_operation_are_refused() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "O-1", "C-1").await;
        let (_, ids) = licences(&api, "O-2", &cus, PRO, 2).await;
        // As if an asynchronous order were still delivering this licence.
        sqlx::query(
            "UPDATE licences SET pending_operation = 'add', pending_since = '2026-11-27T10:00:00.000Z' \
             WHERE id = $1",
        )
        .bind(&ids[0])
        .execute(test_db.db.pool())
        .await
        .expect("mark pending");
        let before = counts(&test_db).await;
        let path = format!("/userService/{}", ids[0]);
        api.patch(&path, &json!({"state": "suspended"}))
            .await
            .assert_error(409, "OPERATION_IN_PROGRESS");
        api.delete(&path)
            .await
            .assert_error(409, "OPERATION_IN_PROGRESS");
        assert_eq!(counts(&test_db).await, before, "nothing changed");
        let task = api
            .post(
                "/userServiceTask",
                &json!({"action": "delete", "userService": [{"id": ids[0]}, {"id": ids[1]}]}),
            )
            .await;
        assert_eq!(task.str("/state"), "partial");
        assert_eq!(
            task.str("/userService/0/error/code"),
            "OPERATION_IN_PROGRESS"
        );
        assert_eq!(task.str("/userService/1/result"), "done");

        api.raw(
            Method::POST,
            "/userServiceTask",
            "text/csv",
            b"id\nlic_1".to_vec(),
        )
        .await
        .assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
        let huge =
            json!({"action": "delete", "userService": [{"id": "x".repeat(2 * 1024 * 1024)}]});
        api.post("/userServiceTask", &huge)
            .await
            .assert_error(413, "PAYLOAD_TOO_LARGE");

        // Asynchronous deletion answers 202 with a task.
        set(&test_db, |s| s.deletion = Mode::Async).await;
        let (_, more) = licences(&api, "O-3", &cus, PRO, 1).await;
        let accepted = api.delete(&format!("/userService/{}", more[0])).await;
        assert_eq!(
            (accepted.status, accepted.str("/action")),
            (202, "delete".to_owned())
        );
        eventually("the deletion to finish", || async {
            api.get(&format!("/userService/{}", more[0])).await.body["state"] == "terminated"
        })
        .await;
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_invalid_body_on_every_writing_route_and_changes_nothing() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let cus = customer(&api, "OBA-SHAPE-1", "OBA-CUS-SHAPE").await;
        let (_, ids) = licences(&api, "OBA-SHAPE-2", &cus, PRO, 1).await;
        let licence = format!("/userService/{}", ids[0]);
        let before = counts(&test_db).await;

        let order = order_licences("OBA-SHAPE-3", &cus, PRO, 1);
        let patch = json!({"state": "suspended"});
        let task = json!({
            "externalReference": {"type": "orange", "id": "OBA-SHAPE-TSK"},
            "action": "changeState",
            "state": "suspended",
            "userService": [{"id": ids[0]}]
        });
        let routes: [(Method, &str, &Value); 3] = [
            (Method::POST, "/productOrder", &order),
            (Method::PATCH, &licence, &patch),
            (Method::POST, "/userServiceTask", &task),
        ];
        for (method, path, valid) in routes {
            // The valid body wrapped in an array reads, field by field, as the object itself
            // would if arrays were taken for objects: it must not.
            let in_an_array = json!([valid]);
            let as_values = json!([valid
                .as_object()
                .expect("an object")
                .values()
                .cloned()
                .collect::<Vec<_>>()]);
            let flattened = Value::Array(
                valid
                    .as_object()
                    .expect("an object")
                    .values()
                    .cloned()
                    .collect(),
            );
            let wrong: [Value; 8] = [
                in_an_array,
                as_values,
                flattened,
                json!([]),
                json!("text"),
                json!(42),
                json!(true),
                Value::Null,
            ];
            for body in wrong {
                let reply = api
                    .raw(
                        method.clone(),
                        path,
                        "application/json",
                        body.to_string().into_bytes(),
                    )
                    .await;
                assert_eq!(
                    (reply.status, reply.body["code"].as_str()),
                    (400, Some("INVALID_BODY")),
                    "{method} {path} with {body}: {:#}",
                    reply.body
                );
                reply.assert_error(400, "INVALID_BODY");
            }
        }
        assert_eq!(counts(&test_db).await, before, "refusals change nothing");
        let licence_now = api.get(&licence).await;
        assert_eq!(licence_now.str("/state"), "active");

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_credential_over_its_rate_limit_gets_429_with_retry_after_and_others_are_untouched() {
    let test_db = TestDb::sqlite().await;
    let api = Api::start_with(
        &test_db,
        Setup::new(&test_db).with("FLEETDESK_ORANGE_RATE_LIMIT", "5"),
    )
    .await;
    let mut answered = Vec::new();
    let started = std::time::Instant::now();
    for _ in 0..40 {
        answered.push(api.get("/ping").await);
    }
    let refilled = (started.elapsed().as_secs_f64() * 5.0).ceil() as usize;
    let passed = answered.iter().filter(|r| r.status == 200).count();
    assert!(
        (10..=10 + refilled + 1).contains(&passed) && passed < 40,
        "a burst of twice the rate, then the rate: {passed} of 40 passed"
    );
    let limited = answered
        .iter()
        .find(|r| r.status == 429)
        .expect("some calls were limited");
    limited.assert_error(429, "TOO_MANY_REQUESTS");
    assert_eq!(limited.header("retry-after"), Some("1"));

    // Another credential has its own allowance.
    let other = fleetdesk_core::testing::orange_credential(&test_db.db, "Orange other").await;
    let response = reqwest::Client::new()
        .get(api.url("/ping"))
        .basic_auth(&other.credential.client_id, Some(other.secret.expose()))
        .send()
        .await
        .expect("ping");
    assert_eq!(response.status(), 200);

    // After the wait it asked for, the limited credential is answered again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(api.get("/ping").await.status, 200);
    let metrics = reqwest::get(api.server.url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(&format!(
            "fleetdesk_orange_rate_limited_calls_total {}",
            40 - passed
        )),
        "{metrics}"
    );
    api.stop().await;
    test_db.finish().await;
}
