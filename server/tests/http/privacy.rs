//! An end user's personal data on request (GDPR), end to end over real HTTP on SQLite and
//! PostgreSQL: the person is assigned in the console, changed, read by Orange, delivered to a
//! local Orange in events; an administrator exports everything held about them, then erases it;
//! afterwards a scan of every text column of every table finds no trace of them, while the
//! licence, the other end users and the history stay.

use crate::common;
use crate::mock_orange;
use crate::orange;

use std::time::Duration;

use serde_json::Value;

use common::*;
use fleetdesk_core::Dialect;
use fleetdesk_core::operators::Role;
use fleetdesk_core::outbox::settings::{self, DeliverySettings};
use fleetdesk_core::testing::TestDb;
use mock_orange::{CLIENT_ID, CLIENT_SECRET, MockOrange};
use orange::{Api, PRO, customer};

/// Every (table, column) holding text, from the database's own catalogue.
async fn text_columns(test_db: &TestDb) -> Vec<(String, String)> {
    let pool = test_db.db.pool();
    match test_db.dialect() {
        Dialect::Postgres => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') \
             ORDER BY 1, 2",
        )
        .fetch_all(pool)
        .await
        .expect("catalogue"),
        Dialect::Sqlite => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .expect("tables");
            let mut columns = Vec::new();
            for table in tables {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM pragma_table_info($1) WHERE upper(type) = 'TEXT'",
                )
                .bind(&table)
                .fetch_all(pool)
                .await
                .expect("columns");
                columns.extend(names.into_iter().map(|c| (table.clone(), c)));
            }
            columns
        }
    }
}

/// Where `needle` (any case) appears: `table.column` for each column holding it.
async fn traces(test_db: &TestDb, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let columns = text_columns(test_db).await;
    assert!(columns.len() > 50, "the catalogue lists the schema");
    for (table, column) in columns {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE LOWER({column}) LIKE $1"
        ))
        .bind(format!("%{}%", needle.to_lowercase()))
        .fetch_one(test_db.db.pool())
        .await
        .expect("scan");
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

const PERSON: [&str; 4] = [
    "Zéphyrine",
    "Quatremare",
    "zephyrine.quatremare@example.invalid",
    "639981234",
];

async fn delivered_to(mock: &MockOrange, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while mock.accepted().len() < n {
        assert!(tokio::time::Instant::now() < deadline, "events delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_administrator_exports_then_erases_an_end_user_and_no_table_keeps_a_trace() {
    for test_db in TestDb::all().await {
        let mock = MockOrange::start().await;
        settings::save(
            &test_db.db,
            &DeliverySettings {
                product_order_url: format!("{}/events/productOrder", mock.base),
                user_service_url: format!("{}/events/userService", mock.base),
                token_url: format!("{}/oauth/token", mock.base),
                client_id: CLIENT_ID.to_owned(),
                client_secret: CLIENT_SECRET.to_owned(),
                retry_delays_seconds: vec![1],
                ..DeliverySettings::default()
            },
            &fleetdesk_core::audit::Acting::system(),
        )
        .await
        .expect("delivery settings");
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let (_, ids) = orange::licences(&api, "O-2", &cus, PRO, 2).await;
        let (id, other) = (&ids[0], &ids[1]);
        let admin = admin(server).await;
        let end_user = |id: &str| format!("/console/licences/{id}/end-user");

        // The person is assigned from a bulk file, then their number changes in the console;
        // someone else is on the other licence.
        let csv = format!(
            "licence,given_name,family_name,email,mobile_cc,mobile_sn\n\
             {id},Zéphyrine,Quatremare,zephyrine.quatremare@example.invalid,33,639981200\n"
        );
        let response = upload_with(
            &admin,
            server,
            "/console/licences/bulk",
            &[("kind", "end_users")],
            "file",
            "end-users.csv",
            &csv,
        )
        .await;
        let file = location(&response)
            .trim_start_matches("/licences/bulk/")
            .to_owned();
        let applied = post_form(
            &admin,
            server,
            &format!("/console/licences/bulk/{file}/apply"),
            &[("confirm", "yes")],
        )
        .await;
        assert_eq!(applied.status(), 303);
        let db = test_db.db.clone();
        orange::eventually("the bulk file is applied", || {
            let (db, file) = (db.clone(), file.clone());
            async move {
                fleetdesk_core::licences::bulk::get(&db, &file.as_str().into())
                    .await
                    .expect("bulk file")
                    .is_some_and(|f| f.state == fleetdesk_vocab::BulkFileState::Applied)
            }
        })
        .await;
        let person = [
            ("given_name", "Zéphyrine"),
            ("family_name", "Quatremare"),
            ("email", "zephyrine.quatremare@example.invalid"),
            ("mobile_cc", "33"),
            ("mobile_sn", "6 39 98 12 34"),
        ];
        assert_eq!(
            post_form(&admin, server, &end_user(id), &person)
                .await
                .status(),
            303
        );
        let claire = [
            ("given_name", "Claire"),
            ("family_name", "Lefebvre"),
            ("email", "claire.lefebvre@example.invalid"),
        ];
        assert_eq!(
            post_form(&admin, server, &end_user(other), &claire)
                .await
                .status(),
            303
        );
        // Orange reads the licence (a raw exchange keeps the answer); the events go out.
        let read = api.get(&format!("/userService/{id}")).await;
        assert_eq!(
            read.str("/endUser/email"),
            "zephyrine.quatremare@example.invalid"
        );
        delivered_to(&mock, 3).await;
        for needle in PERSON {
            assert!(
                traces(&test_db, needle).await.len() >= 2,
                "{needle} is copied before the erasure"
            );
        }
        assert!(
            traces(&test_db, "639981200").await.len() >= 2,
            "the old number too"
        );

        // Neither an operator nor support may export or erase.
        for role in [Role::Operator, Role::Support] {
            let login = format!("someone-{}", role.as_str());
            let client = signed_in(&test_db, server, &login, role).await;
            let export = get(
                &client,
                server,
                &format!("/console/licences/{id}/personal-data"),
            )
            .await;
            assert_eq!(export.status(), 403, "{role:?} exports");
            let erase = post_form(
                &client,
                server,
                &format!("/console/licences/{id}/personal-data/erase"),
                &[("confirm", "yes")],
            )
            .await;
            assert_eq!(erase.status(), 403, "{role:?} erases");
        }
        assert!(
            !traces(&test_db, "Quatremare").await.is_empty(),
            "nothing erased by them"
        );

        // The page offers both to an administrator.
        let page = body(get(&admin, server, &format!("/licences/{id}")).await).await;
        assert!(page.contains("data-testid=\"personal-data\""), "{page}");

        // Export: everything held, as a download never cached.
        let export = get(
            &admin,
            server,
            &format!("/console/licences/{id}/personal-data"),
        )
        .await;
        assert_eq!(export.status(), 200);
        let header = |name: &str| {
            export
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("cache-control"), "no-store");
        assert!(header("content-disposition").starts_with("attachment;"));
        let document: Value = serde_json::from_str(&body(export).await).expect("JSON");
        assert_eq!(document["endUser"]["familyName"], "Quatremare");
        assert_eq!(
            document["endUser"]["mobileTelephoneNumber"]["sn"],
            "639981234"
        );
        assert_eq!(document["licence"]["id"], id.as_str());
        for copies in [
            "audit_log",
            "outbox_events",
            "outbox_attempts",
            "orange_exchanges",
        ] {
            assert!(
                document[copies]
                    .as_array()
                    .is_some_and(|rows| !rows.is_empty()),
                "{copies} in {document:#}"
            );
        }
        assert!(
            !document.to_string().contains("Lefebvre"),
            "only this person"
        );

        // Erasure: unticked, nothing happens; ticked, the person is gone.
        let erase = format!("/console/licences/{id}/personal-data/erase");
        let page = follow(&admin, server, post_form(&admin, server, &erase, &[]).await).await;
        assert!(page.contains("Tick “I understand”"), "{page}");
        assert!(!traces(&test_db, "Quatremare").await.is_empty());
        let page = follow(
            &admin,
            server,
            post_form(&admin, server, &erase, &[("confirm", "yes")]).await,
        )
        .await;
        assert!(page.contains("Personal data erased"), "{page}");
        delivered_to(&mock, 4).await;

        for needle in PERSON.iter().copied().chain(["639981200", "+33639981234"]) {
            assert_eq!(
                traces(&test_db, needle).await,
                Vec::<String>::new(),
                "no trace of {needle} anywhere"
            );
        }
        // The licence and its history stay; the other end user is untouched.
        let licence = fleetdesk_core::licences::detail(&test_db.db, &id.as_str().into())
            .await
            .expect("detail")
            .expect("the licence is kept");
        assert_eq!(
            (licence.state.as_str(), licence.end_user.is_none()),
            ("active", true)
        );
        assert!(
            !traces(&test_db, "claire.lefebvre@example.invalid")
                .await
                .is_empty()
        );
        let actions = audit_actions(&test_db, id).await;
        for action in [
            "licence.end_user.change",
            "licence.end_user.export",
            "licence.end_user.erase",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} in {actions:?}"
            );
        }
        // Orange is told the licence has no end user.
        let read = api.get(&format!("/userService/{id}")).await;
        assert!(read.body.get("endUser").is_none(), "{:#}", read.body);
        let last = mock.received().into_iter().last().expect("an event");
        assert!(
            !last.body.to_string().contains("endUser"),
            "{:?}",
            last.body
        );

        // Nothing is left to export or erase.
        let again = get(
            &admin,
            server,
            &format!("/console/licences/{id}/personal-data"),
        )
        .await;
        assert_eq!(again.status(), 404);
        api.stop().await;
        test_db.finish().await;
    }
}
