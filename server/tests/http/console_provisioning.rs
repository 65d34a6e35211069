//! The console's provisioning administration, over real HTTP on SQLite and PostgreSQL: the webhook
//! settings page (the signing secret shown once), the partner product's credentials, and who may
//! do what.

use crate::common;

use common::*;
use fleetdesk_core::audit;
use fleetdesk_core::credentials::{self, CredentialKind, Presented};
use fleetdesk_core::operators::Role;
use fleetdesk_core::provisioning::webhook;
use fleetdesk_core::testing::TestDb;

const PAGE: &str = "/settings/provisioning";
const SAVE: &str = "/console/settings/provisioning";
const CREDENTIALS: &str = "/settings/credentials";

async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = get(client, server, path).await;
    let status = response.status().as_u16();
    (status, body(response).await)
}

/// Posts the settings form and reads the page it leads back to.
async fn save(client: &reqwest::Client, server: &TestServer, fields: &[(&str, &str)]) -> String {
    let response = post_form(client, server, SAVE, fields).await;
    assert_eq!(response.status(), 303, "POST {SAVE}");
    assert_eq!(location(&response), PAGE);
    follow(client, server, response).await
}

/// Asks for a new signing secret; the answer (the page itself) and its cache header.
async fn rotate(
    client: &reqwest::Client,
    server: &TestServer,
    overlap: &str,
) -> (u16, Option<String>, String) {
    let response = post_form(client, server, PAGE, &[("overlap_minutes", overlap)]).await;
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, cache, body(response).await)
}

#[tokio::test]
async fn an_admin_saves_the_webhook_settings_and_sees_a_new_signing_secret_once() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db)
            .with("FLEETDESK_PUBLIC_URL", "http://fleetdesk.example.test:8080")
            .start()
            .await;
        let admin = admin(&server).await;

        let (status, html) = page(&admin, &server, PAGE).await;
        assert_eq!(status, 200);
        assert!(html.contains("Not configured yet."), "{html}");
        assert!(html.contains("Webhooks wait in the queue"), "{html}");
        let callback = test_id_text(&html, "callback-base").expect("the callback address");
        assert_eq!(
            callback, "http://fleetdesk.example.test:8080/provisioning/v1",
            "where the product reaches this server, as configured"
        );
        assert_eq!(
            test_id_text(&html, "webhook-secret-state").as_deref(),
            Some("(not set)")
        );
        let (_, nav) = page(&admin, &server, "/").await;
        assert!(nav.contains("href=\"/settings/provisioning\""), "{nav}");

        let html = save(
            &admin,
            &server,
            &[
                ("url", " https://product.example/fleetdesk "),
                ("timeout_seconds", "15"),
                ("await_callback", "yes"),
            ],
        )
        .await;
        assert!(
            html.contains("Provisioning settings saved. Webhooks wait in the queue"),
            "{html}"
        );
        assert!(html.contains("value=\"https://product.example/fleetdesk\""));
        let stored = webhook::load(&test_db.db).await.expect("settings");
        assert_eq!(stored.url, "https://product.example/fleetdesk");
        assert_eq!(stored.timeout_seconds, 15);
        assert!(stored.await_callback);
        assert!(!stored.is_configured(), "no secret yet");

        // The answer to the post is the page itself, with the secret: nothing to fetch later.
        let (status, cache, html) = rotate(&admin, &server, "0").await;
        assert_eq!(status, 200);
        assert_eq!(
            cache.as_deref(),
            Some("no-store"),
            "a page showing a secret is never cached"
        );
        assert!(
            html.contains("A new signing secret was generated."),
            "{html}"
        );
        assert!(html.contains("it is shown only this once"), "{html}");
        assert!(
            !html.contains("Loading…") && !html.contains("<template"),
            "rendered whole, for a browser without JavaScript too"
        );
        let secret = test_id_text(&html, "generated-secret-value").expect("the secret is shown");
        assert!(secret.starts_with("whsec_"), "{secret}");
        let stored = webhook::load(&test_db.db).await.expect("settings");
        assert_eq!(stored.secret, secret);
        assert!(stored.is_configured());
        assert!(
            stored.previous_secret.is_empty(),
            "no secret before this one"
        );

        let sessions: Vec<String> = sqlx::query_scalar("SELECT data FROM sessions")
            .fetch_all(test_db.db.pool())
            .await
            .expect("sessions");
        assert!(
            sessions.iter().all(|data| !data.contains(&secret)),
            "the secret is never parked in the session"
        );

        let (_, again) = page(&admin, &server, PAGE).await;
        assert!(!again.contains(&secret), "the secret is shown only once");
        assert!(!again.contains("data-testid=\"generated-secret\""));
        assert!(again.contains("Configured."), "{again}");
        assert_eq!(
            test_id_text(&again, "webhook-secret-state").as_deref(),
            Some("(set)")
        );
        assert!(!again.contains("data-testid=\"previous-until\""));

        // With an overlap, the previous secret keeps signing, and the page says until when.
        let (status, _, html) = rotate(&admin, &server, "1440").await;
        assert_eq!(status, 200);
        let newer = test_id_text(&html, "generated-secret-value").expect("the secret is shown");
        assert_ne!(newer, secret);
        let stored = webhook::load(&test_db.db).await.expect("settings");
        assert_eq!(stored.previous_secret, secret);
        let (_, again) = page(&admin, &server, PAGE).await;
        assert!(again.contains("data-testid=\"previous-until\""), "{again}");
        assert!(!again.contains(&newer) && !again.contains(&secret));

        let entries = audit::list(&test_db.db, &audit::Filter::default(), 50)
            .await
            .expect("audit");
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"provisioning_webhook.update"),
            "{actions:?}"
        );
        assert!(
            actions.contains(&"provisioning_webhook.rotate_secret"),
            "{actions:?}"
        );
        assert!(
            entries.iter().all(|entry| {
                let text = format!("{:?}{:?}", entry.before_json, entry.after_json);
                !text.contains(&secret) && !text.contains(&newer)
            }),
            "the audit log never holds a secret"
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn bad_webhook_settings_are_refused_with_the_reason() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;

        for (fields, reason) in [
            (
                [
                    ("url", "not a url"),
                    ("timeout_seconds", "10"),
                    ("await_callback", "no"),
                ],
                "The webhook URL is not a URL.",
            ),
            (
                [
                    ("url", "http://product.example/hook"),
                    ("timeout_seconds", "10"),
                    ("await_callback", "no"),
                ],
                "The webhook URL must start with https://",
            ),
            (
                [
                    ("url", "https://product.example/hook"),
                    ("timeout_seconds", "61"),
                    ("await_callback", "no"),
                ],
                "The webhook timeout must be a whole number of seconds, from 1 to 60.",
            ),
            (
                [
                    ("url", "https://product.example/hook"),
                    ("timeout_seconds", "soon"),
                    ("await_callback", "no"),
                ],
                "The webhook timeout must be a whole number of seconds, from 1 to 60.",
            ),
        ] {
            let html = save(&admin, &server, &fields).await;
            assert!(
                html.contains("The provisioning settings were not saved:"),
                "{fields:?}: {html}"
            );
            assert!(html.contains(reason), "{fields:?}: {html}");
        }
        assert_eq!(
            webhook::load(&test_db.db).await.expect("settings").url,
            "",
            "nothing was saved"
        );

        for overlap in ["10081", "-1", "a day"] {
            let response = post_form(&admin, &server, PAGE, &[("overlap_minutes", overlap)]).await;
            let html = follow(&admin, &server, response).await;
            assert!(
                html.contains("The overlap must be a whole number of minutes, from 0 to 10080"),
                "{overlap}: {html}"
            );
        }
        assert!(
            webhook::load(&test_db.db)
                .await
                .expect("settings")
                .secret
                .is_empty()
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn only_administrators_see_or_change_the_provisioning_settings() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;

        for (login_name, role) in [("olivia", Role::Operator), ("sam", Role::Support)] {
            let client = signed_in(&test_db, &server, login_name, role).await;
            let (status, html) = page(&client, &server, PAGE).await;
            assert_eq!(status, 403, "{login_name} GET {PAGE}");
            assert!(!html.contains("Save provisioning settings"), "{html}");
            let (_, nav) = page(&client, &server, "/").await;
            assert!(!nav.contains("href=\"/settings/provisioning\""), "{nav}");

            let response = post_form(
                &client,
                &server,
                SAVE,
                &[("url", "https://evil.example/"), ("timeout_seconds", "10")],
            )
            .await;
            assert_eq!(response.status(), 403, "{login_name} POST {SAVE}");
            let response = post_form(&client, &server, PAGE, &[("overlap_minutes", "0")]).await;
            assert_eq!(response.status(), 403, "{login_name} POST {PAGE}");
            let response = post_form(
                &client,
                &server,
                CREDENTIALS,
                &[("label", "sneaky"), ("kind", "provisioning")],
            )
            .await;
            assert_eq!(response.status(), 403, "{login_name} POST {CREDENTIALS}");
        }
        let stored = webhook::load(&test_db.db).await.expect("settings");
        assert!(stored.url.is_empty() && stored.secret.is_empty());
        assert!(
            credentials::list(&test_db.db, CredentialKind::Provisioning)
                .await
                .expect("list")
                .is_empty()
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_admin_issues_and_revokes_a_credential_for_the_product() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;

        let response = post_form(
            &admin,
            &server,
            CREDENTIALS,
            &[("label", "Product callbacks"), ("kind", "provisioning")],
        )
        .await;
        assert_eq!(response.status(), 200);
        let html = body(response).await;
        assert!(
            html.contains("Credential “Product callbacks” issued."),
            "{html}"
        );
        assert_eq!(
            test_id_text(&html, "issued-kind").as_deref(),
            Some("Partner product callback")
        );
        let secret = test_id_text(&html, "issued-secret").expect("the secret is shown");
        let bearer = Presented::parse(&format!("Bearer {secret}")).expect("header");
        assert!(
            credentials::authenticate(&test_db.db, CredentialKind::Provisioning, &bearer)
                .await
                .expect("query")
                .is_some(),
            "valid on the product's API"
        );
        assert!(
            credentials::authenticate(&test_db.db, CredentialKind::Orange, &bearer)
                .await
                .expect("query")
                .is_none(),
            "not on Orange's"
        );

        // An Orange credential beside it: the list shows both, each with its kind.
        let response = post_form(&admin, &server, CREDENTIALS, &[("label", "Orange prod")]).await;
        assert_eq!(response.status(), 200);
        let (_, html) = page(&admin, &server, CREDENTIALS).await;
        assert!(html.contains("Product callbacks") && html.contains("Orange prod"));
        assert!(html.contains("Partner product callback") && html.contains("Orange API"));
        assert!(!html.contains(&secret));

        let listed = credentials::list(&test_db.db, CredentialKind::Provisioning)
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        let revoke = format!("/console/credentials/{}/revoke", listed[0].id);
        let response = post_form(&admin, &server, &revoke, &[("confirm", "yes")]).await;
        let html = follow(&admin, &server, response).await;
        assert!(
            html.contains("Credential “Product callbacks” revoked."),
            "{html}"
        );
        assert!(
            credentials::authenticate(&test_db.db, CredentialKind::Provisioning, &bearer)
                .await
                .expect("query")
                .is_none(),
            "a revoked credential no longer authenticates"
        );

        // A kind that is none of the two is refused.
        let response = post_form(
            &admin,
            &server,
            CREDENTIALS,
            &[("label", "Odd"), ("kind", "partner")],
        )
        .await;
        let html = follow(&admin, &server, response).await;
        assert!(html.contains("Choose who the credential is for"), "{html}");
        assert_eq!(
            credentials::list(&test_db.db, CredentialKind::Provisioning)
                .await
                .expect("list")
                .len(),
            1
        );

        server.stop().await;
        test_db.finish().await;
    }
}
