//! Property tests: arbitrary and malformed bodies sent to every writing route of the Orange API
//! always get an answer below 500, and every 4xx is a TMF630 envelope; the server never panics
//! and keeps answering. Bodies are generated from Orange's own field names, so many of them get
//! deep into the validation (right shapes with wrong values, missing parts, wrong types).

use crate::common;
use crate::orange;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use fleetdesk_core::testing::TestDb;

use orange::{Api, PRO, assert_clean, customer, licences};

const KEYS: [&str; 16] = [
    "externalReference",
    "type",
    "id",
    "customer",
    "name",
    "orderItem",
    "action",
    "productOffering",
    "productRef",
    "userServiceQuantity",
    "characteristic",
    "relatedContact",
    "mobileTelephoneNumber",
    "state",
    "userService",
    "orderDate",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS.to_vec()).prop_map(str::to_owned),
        1 => "[a-zA-Z]{1,10}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-3_i64..5).prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        proptest::sample::select(vec![
            "orange",
            "add",
            "active",
            "suspended",
            "terminated",
            "delete",
            "changeState",
            "changeOffering",
            PRO,
            "",
            "2026-11-20T09:20:00Z",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Body {
    Json(Value),
    Bytes(Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        6 => json_value().prop_map(Body::Json),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Body::Bytes),
    ]
}

#[test]
fn arbitrary_bodies_never_cause_a_server_error() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (test_db, api, licence) = runtime.block_on(async {
        let test_db = TestDb::sqlite().await;
        // Hundreds of calls as fast as they go: the per-credential rate limit is not under test.
        let api = Api::start_with(
            &test_db,
            common::Setup::new(&test_db).with("FLEETDESK_ORANGE_RATE_LIMIT", "0"),
        )
        .await;
        let customer_id = customer(&api, "O-1", "C-1").await;
        let (_, ids) = licences(&api, "O-2", &customer_id, PRO, 2).await;
        (test_db, api, ids[0].clone())
    });
    let routes = [
        (reqwest::Method::POST, "/productOrder".to_owned()),
        (reqwest::Method::POST, "/userServiceTask".to_owned()),
        (reqwest::Method::PATCH, format!("/userService/{licence}")),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&(0..routes.len(), body()), |(route, body)| {
        let (method, path) = &routes[route];
        let bytes = match &body {
            Body::Json(value) => value.to_string().into_bytes(),
            Body::Bytes(bytes) => bytes.clone(),
        };
        let answer = runtime.block_on(api.raw(method.clone(), path, "application/json", bytes));
        prop_assert!(
            answer.status < 500,
            "{method} {path} answered {} to {body:?}: {:#}",
            answer.status,
            answer.body
        );
        if answer.status >= 400 {
            prop_assert!(answer.body["code"].is_string(), "{:#}", answer.body);
            let status = answer.status.to_string();
            prop_assert_eq!(answer.body["status"].as_str(), Some(status.as_str()));
        }
        assert_clean(&answer.body);
        Ok(())
    });
    runtime.block_on(async {
        let still = api.get("/ping").await;
        assert_eq!(still.status, 200, "the server still answers");
        api.stop().await;
        test_db.finish().await;
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
