//! The console pages and forms that administer the Orange API, over real HTTP on SQLite and
//! PostgreSQL: credentials (the secret shown once), the offering catalogue and its CSV import,
//! the API settings, the raw exchanges and the API reference, and who may do what.

use crate::common;

use common::*;
use fleetdesk_core::audit;
use fleetdesk_core::credentials::{self, CredentialKind, Presented};
use fleetdesk_core::offerings::{self, OfferingInput};
use fleetdesk_core::operators::Role;
use fleetdesk_core::orange::exchanges::{self, NewExchange};
use fleetdesk_core::orange::settings::{self, ApiSettings, FleetPolicy, Mode, Operation};
use fleetdesk_core::testing::TestDb;

const CREDENTIALS: &str = "/settings/credentials";

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

fn offering_input(code: &str, name: &str) -> OfferingInput {
    OfferingInput {
        offer_code: code.into(),
        name: name.into(),
        resource_type: "msisdn".into(),
        resource_scope: "per_licence".into(),
        login_format: String::new(),
        provisioning: String::new(),
    }
}

#[tokio::test]
async fn an_admin_issues_a_credential_sees_its_secret_once_and_revokes_it() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;

        let (status, html) = page(&admin, &server, CREDENTIALS).await;
        assert_eq!(status, 200);
        assert!(html.contains("No credential yet"), "{html}");

        // The answer to the post is the page itself, with the secret: nothing to fetch later.
        let response = post_form(
            &admin,
            &server,
            CREDENTIALS,
            &[("label", "Orange production")],
        )
        .await;
        assert_eq!(response.status(), 200);
        let cache = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let html = body(response).await;
        assert!(
            html.contains("Credential “Orange production” issued."),
            "{html}"
        );
        let secret = test_id_text(&html, "issued-secret").expect("the secret is shown");
        // Rendered whole, for a browser without JavaScript too: no placeholder left waiting for a
        // script to swap the resolved page in.
        assert!(
            !html.contains("Loading…") && !html.contains("<template"),
            "{html}"
        );
        assert_eq!(
            cache.as_deref(),
            Some("no-store"),
            "a page showing a secret is never cached"
        );
        let client_id = test_id_text(&html, "issued-client-id").expect("the client id is shown");
        assert!(secret.len() >= 43, "32 random bytes: {secret}");
        let sessions: Vec<String> = sqlx::query_scalar("SELECT data FROM sessions")
            .fetch_all(test_db.db.pool())
            .await
            .expect("sessions");
        assert!(
            sessions.iter().all(|data| !data.contains(&secret)),
            "the secret is never parked in the session"
        );
        assert!(html.contains(&format!("Authorization: Bearer {secret}")));
        let basic = html
            .split("Authorization: Basic ")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the Basic header is shown")
            .to_owned();

        for header in [format!("Bearer {secret}"), format!("Basic {basic}")] {
            let presented = Presented::parse(&header).expect("a valid header");
            let found = credentials::authenticate(&test_db.db, CredentialKind::Orange, &presented)
                .await
                .expect("query")
                .expect("the shown secret authenticates");
            assert_eq!(found.client_id, client_id);
        }

        let (_, again) = page(&admin, &server, CREDENTIALS).await;
        assert!(!again.contains(&secret), "the secret is shown only once");
        assert!(again.contains(&client_id) && again.contains("Orange production"));
        assert!(again.contains("Revoke"));

        let listed = credentials::list(&test_db.db, CredentialKind::Orange)
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        let credential = &listed[0];
        let admin_id = fleetdesk_core::operators::find_by_login(&test_db.db, "admin")
            .await
            .expect("q")
            .expect("the administrator")
            .id;
        assert_eq!(credential.created_by.as_deref(), Some(admin_id.as_str()));
        assert!(again.contains("Administrator"), "created by, by name");

        // Without the ticked confirmation nothing happens.
        let revoke = format!("/console/credentials/{}/revoke", credential.id);
        post_back(&admin, &server, &revoke, &[], CREDENTIALS).await;
        let (_, html) = page(&admin, &server, CREDENTIALS).await;
        assert!(html.contains("Tick “I understand”"), "{html}");
        assert!(
            credentials::find_by_id(&test_db.db, &credential.id)
                .await
                .expect("q")
                .expect("found")
                .is_active()
        );

        post_back(&admin, &server, &revoke, &[("confirm", "yes")], CREDENTIALS).await;
        let (_, html) = page(&admin, &server, CREDENTIALS).await;
        assert!(
            html.contains("Credential “Orange production” revoked."),
            "{html}"
        );
        assert!(html.contains("revoked"));
        let bearer = Presented::parse(&format!("Bearer {secret}")).expect("header");
        assert!(
            credentials::authenticate(&test_db.db, CredentialKind::Orange, &bearer)
                .await
                .expect("query")
                .is_none(),
            "a revoked credential no longer authenticates"
        );

        assert_eq!(
            audit_actions(&test_db, credential.id.as_str()).await,
            ["credential.revoke", "credential.issue"]
        );
        let entries = audit::list(&test_db.db, &audit::Filter::default(), 50)
            .await
            .expect("audit");
        assert!(
            entries.iter().all(|entry| {
                !entry.after_json.as_deref().unwrap_or("").contains(&secret)
                    && !entry.before_json.as_deref().unwrap_or("").contains(&secret)
            }),
            "the audit log never holds a secret"
        );

        // An empty label is refused with a message.
        post_back(&admin, &server, CREDENTIALS, &[("label", " ")], CREDENTIALS).await;
        let (_, html) = page(&admin, &server, CREDENTIALS).await;
        assert!(
            html.contains("The label must be 1 to 100 characters."),
            "{html}"
        );
        assert_eq!(
            credentials::list(&test_db.db, CredentialKind::Orange)
                .await
                .expect("list")
                .len(),
            1
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_admin_adds_edits_retires_and_imports_offerings() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;

        post_back(
            &admin,
            &server,
            "/console/offerings",
            &[
                ("offer_code", "OFFER-PRO-M"),
                ("name", "Pro monthly"),
                ("resource_type", "msisdn"),
                ("resource_scope", "per_licence"),
                ("login_format", ""),
            ],
            "/offerings",
        )
        .await;
        let (status, html) = page(&admin, &server, "/offerings").await;
        assert_eq!(status, 200);
        assert!(html.contains("Offering OFFER-PRO-M added."), "{html}");
        assert!(html.contains("Pro monthly") && html.contains("{customer}-{seq:4}"));
        let pro = offerings::list(&test_db.db).await.expect("list")[0].clone();

        // A wrong login format is refused, with the reason, and nothing is stored.
        post_back(
            &admin,
            &server,
            "/console/offerings",
            &[
                ("offer_code", "OFFER-BAD"),
                ("name", "Bad"),
                ("resource_type", "none"),
                ("resource_scope", "per_licence"),
                ("login_format", "{customer}"),
            ],
            "/offerings",
        )
        .await;
        let (_, html) = page(&admin, &server, "/offerings").await;
        assert!(html.contains("The login format must contain"), "{html}");
        assert_eq!(offerings::list(&test_db.db).await.expect("list").len(), 1);

        let edit = format!("/offerings/{}", pro.id);
        let (status, html) = page(&admin, &server, &edit).await;
        assert_eq!(status, 200);
        assert!(html.contains("Edit offering OFFER-PRO-M"), "{html}");
        assert!(html.contains("value=\"Pro monthly\""), "{html}");
        post_back(
            &admin,
            &server,
            &format!("/console/offerings/{}", pro.id),
            &[
                ("offer_code", "OFFER-PRO-M"),
                ("name", "Pro monthly 2026"),
                ("resource_type", "email"),
                ("resource_scope", "per_customer"),
                ("login_format", "{offer}.{customer}.{seq}"),
            ],
            "/offerings",
        )
        .await;
        let edited = offerings::find_by_id(&test_db.db, &pro.id)
            .await
            .expect("q")
            .expect("found");
        assert_eq!(edited.name, "Pro monthly 2026");
        assert_eq!(edited.resource_type.as_str(), "email");
        assert_eq!(edited.resource_scope.as_str(), "per_customer");
        assert_eq!(edited.login_format.as_str(), "{offer}.{customer}.{seq}");

        // A refused edit goes back to the form with the reason.
        post_back(
            &admin,
            &server,
            &format!("/console/offerings/{}", pro.id),
            &[
                ("offer_code", "OFFER PRO"),
                ("name", "x"),
                ("resource_type", "none"),
            ],
            &edit,
        )
        .await;
        let (_, html) = page(&admin, &server, &edit).await;
        assert!(
            html.contains("The offer code must be 1 to 64 characters"),
            "{html}"
        );

        let (status, html) = page(&admin, &server, "/offerings/off_nothing").await;
        assert_eq!(status, 404);
        assert!(html.contains("There is nothing at this address."));

        post_back(
            &admin,
            &server,
            &format!("/console/offerings/{}/retire", pro.id),
            &[],
            "/offerings",
        )
        .await;
        let (_, html) = page(&admin, &server, "/offerings").await;
        assert!(html.contains("Offering OFFER-PRO-M retired."), "{html}");
        assert!(html.contains("Bring back"));
        assert!(
            !offerings::find_by_id(&test_db.db, &pro.id)
                .await
                .expect("q")
                .expect("found")
                .is_active()
        );
        post_back(
            &admin,
            &server,
            &format!("/console/offerings/{}/restore", pro.id),
            &[],
            "/offerings",
        )
        .await;
        assert!(
            offerings::find_by_id(&test_db.db, &pro.id)
                .await
                .expect("q")
                .expect("found")
                .is_active()
        );

        // An import with a wrong line writes nothing and names the line.
        let bad = "offer_code,name,resource_type,resource_scope,login_format\n\
                   OFFER-NEW,New offer,imei,per_licence,\n\
                   OFFER-FAX,Fax,fax,per_licence,\n";
        let response = upload(
            &admin,
            &server,
            "/console/offerings/import",
            "file",
            "bad.csv",
            bad,
        )
        .await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/offerings");
        let (_, html) = page(&admin, &server, "/offerings").await;
        assert!(
            html.contains("Nothing was imported: 1 line of the file is wrong."),
            "{html}"
        );
        assert!(
            html.contains("Line 3: the realizing resource type must be one of"),
            "{html}"
        );
        assert_eq!(offerings::list(&test_db.db).await.expect("list").len(), 1);

        // A good one creates and updates, with a byte-order mark as spreadsheets write.
        let good = "\u{feff}offer_code,name,resource_type,resource_scope,login_format\n\
                    OFFER-NEW,New offer,imei,per_licence,\n\
                    OFFER-PRO-M,Pro monthly (imported),msisdn,per_licence,{customer}-{seq:4}\n";
        let response = upload(
            &admin,
            &server,
            "/console/offerings/import",
            "file",
            "good.csv",
            good,
        )
        .await;
        assert_eq!(location(&response), "/offerings");
        let (_, html) = page(&admin, &server, "/offerings").await;
        assert!(
            html.contains("Catalogue imported: 1 created, 1 updated."),
            "{html}"
        );
        assert!(html.contains("Created: OFFER-NEW") && html.contains("Updated: OFFER-PRO-M"));
        let all = offerings::list(&test_db.db).await.expect("list");
        assert_eq!(all.len(), 2);
        let new = all
            .iter()
            .find(|o| o.offer_code == "OFFER-NEW")
            .expect("imported");

        let response = upload(
            &admin,
            &server,
            "/console/offerings/import",
            "file",
            "empty.csv",
            "",
        )
        .await;
        assert_eq!(location(&response), "/offerings");
        let (_, html) = page(&admin, &server, "/offerings").await;
        assert!(html.contains("Choose a CSV file."), "{html}");

        assert_eq!(
            audit_actions(&test_db, pro.id.as_str()).await,
            [
                "offering.update",
                "offering.restore",
                "offering.retire",
                "offering.update",
                "offering.create"
            ]
        );
        assert_eq!(
            audit_actions(&test_db, new.id.as_str()).await,
            ["offering.create"]
        );
        let imports = audit::list(
            &test_db.db,
            &audit::Filter {
                action: Some("offering.import".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        assert_eq!(imports.len(), 1, "only the import that wrote something");

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_admin_saves_the_api_settings_and_wrong_values_are_refused() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;

        let (status, html) = page(&admin, &server, "/settings/orange").await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Customer creation") && html.contains("perOffering"),
            "{html}"
        );

        let mut fields = vec![
            ("customer_creation", "sync"),
            ("licence_order", "async"),
            ("state_change", "async"),
            ("deletion", "sync"),
            ("offering_change", "async"),
            ("fleet_policy", "perOffering"),
            ("exchange_retention_days", "90"),
        ];
        post_back(
            &admin,
            &server,
            "/console/settings/orange",
            &fields,
            "/settings/orange",
        )
        .await;
        let (_, html) = page(&admin, &server, "/settings/orange").await;
        assert!(html.contains("Orange API settings saved."), "{html}");
        assert!(html.contains("value=\"90\""), "{html}");
        let saved = settings::load(&test_db.db).await.expect("load");
        assert_eq!(saved.mode(Operation::LicenceOrder), Mode::Async);
        assert_eq!(saved.mode(Operation::StateChange), Mode::Async);
        assert_eq!(saved.mode(Operation::Deletion), Mode::Sync);
        assert_eq!(saved.mode(Operation::OfferingChange), Mode::Async);
        assert_eq!(saved.fleet_policy, FleetPolicy::PerOffering);
        assert_eq!(saved.exchange_retention_days, 90);

        fields[6] = ("exchange_retention_days", "0");
        fields[0] = ("customer_creation", "whenever");
        post_back(
            &admin,
            &server,
            "/console/settings/orange",
            &fields,
            "/settings/orange",
        )
        .await;
        let (_, html) = page(&admin, &server, "/settings/orange").await;
        assert!(html.contains("The settings were not saved"), "{html}");
        assert!(html.contains("The retention is a whole number of days from 1 to 3650."));
        assert!(html.contains("Choose synchronous or asynchronous for customer creation."));
        assert_eq!(settings::load(&test_db.db).await.expect("load"), saved);

        assert_eq!(
            audit_actions(&test_db, "orange_api").await,
            ["orange_settings.update"]
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_retention_of_attempts_and_audit_details_is_set_on_the_settings_page_with_the_last_purge()
 {
    use fleetdesk_core::retention::{self, Retention};
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;
        // The server's purge runs at start, then every 10 minutes.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while retention::last_purge(&test_db.db)
            .await
            .expect("last purge")
            .is_none()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the first purge ran"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let (_, html) = page(&admin, &server, "/settings/orange").await;
        assert!(html.contains("data-testid=\"last-purge\""), "{html}");
        assert!(html.contains("Last purge"), "{html}");
        assert!(html.contains("name=\"attempt_retention_days\"") && html.contains("value=\"90\""));
        assert!(
            html.contains("name=\"audit_detail_retention_days\"") && html.contains("value=\"365\"")
        );

        let mut fields = vec![
            ("customer_creation", "sync"),
            ("licence_order", "sync"),
            ("state_change", "sync"),
            ("deletion", "sync"),
            ("offering_change", "sync"),
            ("fleet_policy", "perCustomer"),
            ("exchange_retention_days", "30"),
            ("attempt_retention_days", "14"),
            ("audit_detail_retention_days", "730"),
        ];
        post_back(
            &admin,
            &server,
            "/console/settings/orange",
            &fields,
            "/settings/orange",
        )
        .await;
        assert_eq!(
            retention::load(&test_db.db).await.expect("load"),
            Retention {
                attempt_days: 14,
                audit_detail_days: 730
            }
        );
        assert_eq!(
            audit_actions(&test_db, "retention").await,
            ["retention.update"]
        );

        fields[7] = ("attempt_retention_days", "0");
        post_back(
            &admin,
            &server,
            "/console/settings/orange",
            &fields,
            "/settings/orange",
        )
        .await;
        let (_, html) = page(&admin, &server, "/settings/orange").await;
        assert!(
            html.contains("The retention is a whole number of days from 1 to 3650."),
            "{html}"
        );
        assert_eq!(
            retention::load(&test_db.db)
                .await
                .expect("load")
                .attempt_days,
            14,
            "nothing saved"
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn operators_and_support_are_refused_every_admin_page_and_change() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let issued = fleetdesk_core::testing::orange_credential(&test_db.db, "prod").await;
        let offering = offerings::create(
            &test_db.db,
            &fleetdesk_core::audit::Acting::system(),
            &offering_input("OFFER-A", "Alpha"),
        )
        .await
        .expect("offering");
        let credential_id = issued.credential.id.clone();

        for (login_name, role) in [("olivia", Role::Operator), ("sam", Role::Support)] {
            let client = signed_in(&test_db, &server, login_name, role).await;
            // Each page's server function checks the permission (no rule by path): the page
            // explains and the status says 403.
            for path in [
                "/settings/orange",
                "/settings/credentials",
                "/settings/delivery",
                "/operators",
                "/reference",
                "/reference/openapi.json",
                &format!("/offerings/{}", offering.id),
            ] {
                let (status, html) = page(&client, &server, path).await;
                assert_eq!(status, 403, "{login_name} GET {path}");
                assert!(
                    !html.contains("<form method=\"post\" action=\"/console/"),
                    "{path}: {html}"
                );
                assert!(!html.contains("Save settings") && !html.contains("Issue credential"));
                assert!(!html.contains("\"paths\""), "{path}");
            }
            let (_, nav) = page(&client, &server, "/").await;
            assert!(!nav.contains("href=\"/settings/credentials\""), "{nav}");

            let settings_form = [
                ("customer_creation", "async"),
                ("licence_order", "async"),
                ("state_change", "async"),
                ("deletion", "async"),
                ("offering_change", "async"),
                ("fleet_policy", "perOrder"),
                ("exchange_retention_days", "7"),
            ];
            let offering_form = [
                ("offer_code", "OFFER-Z"),
                ("name", "Zed"),
                ("resource_type", "none"),
                ("resource_scope", "per_licence"),
            ];
            let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
                ("/console/settings/orange".into(), settings_form.to_vec()),
                (CREDENTIALS.into(), vec![("label", "sneaky")]),
                (
                    format!("/console/credentials/{credential_id}/revoke"),
                    vec![("confirm", "yes")],
                ),
                ("/console/offerings".into(), offering_form.to_vec()),
                (
                    format!("/console/offerings/{}", offering.id),
                    offering_form.to_vec(),
                ),
                (format!("/console/offerings/{}/retire", offering.id), vec![]),
                (
                    format!("/console/offerings/{}/restore", offering.id),
                    vec![],
                ),
            ];
            for (path, fields) in attempts {
                let response = post_form(&client, &server, &path, &fields).await;
                assert_eq!(response.status(), 403, "{login_name} POST {path}");
            }
            let csv = "offer_code,name,resource_type,resource_scope\nOFFER-Q,Q,none,per_licence\n";
            let response = upload(
                &client,
                &server,
                "/console/offerings/import",
                "file",
                "x.csv",
                csv,
            )
            .await;
            assert_eq!(response.status(), 403, "{login_name} import");
        }

        assert_eq!(
            settings::load(&test_db.db).await.expect("load"),
            ApiSettings::default()
        );
        let listed = credentials::list(&test_db.db, CredentialKind::Orange)
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        assert!(listed[0].is_active());
        assert_eq!(
            offerings::list(&test_db.db).await.expect("list"),
            vec![offering.clone()]
        );
        // Only the set-up's own entries: the refused changes wrote nothing.
        assert_eq!(
            audit_actions(&test_db, offering.id.as_str()).await,
            ["offering.create"]
        );
        assert_eq!(
            audit_actions(&test_db, credential_id.as_str()).await,
            ["credential.issue"]
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_reads_the_exchanges_and_the_catalogue() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        offerings::create(
            &test_db.db,
            &fleetdesk_core::audit::Acting::system(),
            &offering_input("OFFER-A", "Alpha"),
        )
        .await
        .expect("offering");
        let caller = fleetdesk_core::testing::orange_credential(&test_db.db, "prod")
            .await
            .credential;
        let failed = exchanges::record(
            &test_db.db,
            NewExchange {
                method: "POST".into(),
                path: "/orange/v2/productOrder".into(),
                client_id: Some(caller.client_id.clone()),
                credential_id: Some(caller.id.clone()),
                request_headers: vec![
                    ("authorization".into(), "Basic ***".into()),
                    ("content-type".into(), "application/json".into()),
                ],
                request_body: Some(r#"{"externalReference":{"type":"orange","id":"O-1"}}"#.into()),
                response_status: 422,
                response_body: Some(r#"{"code":"UNKNOWN_OFFER","status":"422"}"#.into()),
                duration_ms: 12,
                object_type: Some("order".into()),
                object_id: Some("ord_1".into()),
                ..NewExchange::default()
            },
            30,
        )
        .await
        .expect("record");
        for _ in 0..51 {
            exchanges::record(
                &test_db.db,
                NewExchange {
                    method: "GET".into(),
                    path: "/orange/v2/ping".into(),
                    response_status: 200,
                    ..NewExchange::default()
                },
                30,
            )
            .await
            .expect("record");
        }

        let support = signed_in(&test_db, &server, "sue", Role::Support).await;
        let (status, html) = page(&support, &server, "/exchanges").await;
        assert_eq!(status, 200);
        assert!(html.contains("/orange/v2/ping"), "{html}");
        assert!(
            !html.contains(&format!("/exchanges/{failed}\"")),
            "the oldest is on page 2"
        );
        let older = html
            .split("rel=\"next\" href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an Older link")
            .replace("&amp;", "&");
        let (status, html) = page(&support, &server, &older).await;
        assert_eq!(status, 200);
        assert!(html.contains(&format!("/exchanges/{failed}\"")), "{html}");
        assert!(!html.contains("rel=\"next\""), "nothing older than page 2");

        let (_, html) = page(&support, &server, "/exchanges?errors=1").await;
        assert!(html.contains(&format!("/exchanges/{failed}\"")));
        assert!(!html.contains("/orange/v2/ping"));
        let (_, html) = page(&support, &server, "/exchanges?object_id=ord_1").await;
        assert!(html.contains("/orange/v2/productOrder") && !html.contains("/orange/v2/ping"));
        let (_, html) = page(&support, &server, "/exchanges?object_id=ord_none").await;
        assert!(
            html.contains("No exchange matches these filters."),
            "{html}"
        );

        let (status, html) = page(&support, &server, &format!("/exchanges/{failed}")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&caller.client_id)
                && html.contains(caller.id.as_str())
                && html.contains("12 ms")
        );
        assert!(html.contains("authorization: Basic ***"), "{html}");
        assert!(
            html.contains("  &quot;externalReference&quot;: {")
                || html.contains("  \"externalReference\": {"),
            "the JSON body is pretty-printed: {html}"
        );
        assert!(html.contains("UNKNOWN_OFFER"));
        let (status, _) = page(&support, &server, "/exchanges/xch_nothing").await;
        assert_eq!(status, 404);

        let (status, html) = page(&support, &server, "/offerings").await;
        assert_eq!(status, 200);
        assert!(html.contains("OFFER-A") && html.contains("Alpha"));
        assert!(
            !html.contains("Add offering") && !html.contains("Import CSV"),
            "{html}"
        );
        assert!(
            !html.contains("/console/offerings"),
            "no change form for support"
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_reference_page_reads_the_openapi_document_and_offers_it_raw() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    let admin = admin(&server).await;
    let document: serde_json::Value =
        serde_json::from_str(&fleetdesk_server::orange::openapi::document_json()).expect("JSON");

    let (status, html) = page(&admin, &server, "/reference").await;
    assert_eq!(status, 200);
    assert!(html.contains("API reference"));
    assert!(html.contains("href=\"/reference/openapi.json\""), "{html}");
    let paths = document["paths"].as_object().cloned().unwrap_or_default();
    if paths.is_empty() {
        assert!(html.contains("No operations documented"), "{html}");
    } else {
        for path in paths.keys() {
            assert!(html.contains(path.as_str()), "{path} is documented: {html}");
        }
    }

    let response = get(&admin, &server, "/reference/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("attachment")),
    );
    let raw: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(raw, document);

    server.stop().await;
    test_db.finish().await;
}
