//! Operators signing in and out of the console over real HTTP, on SQLite and PostgreSQL: login,
//! failures, lock-out, logout, roles, sessions across restarts and instances, CSRF, cookies.

use crate::common;

use common::*;
use fleetdesk_core::audit;
use fleetdesk_core::login::MAX_FAILURES;
use fleetdesk_core::operators::{self, Role};
use fleetdesk_core::testing::TestDb;

#[tokio::test]
async fn the_first_administrator_signs_in_and_lands_where_they_were_going() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let client = client();

        let anonymous = get(&client, &server, "/operators?x=1").await;
        assert_eq!(anonymous.status(), 303);
        assert_eq!(location(&anonymous), "/login?next=%2Foperators%3Fx%3D1");

        let response = client
            .post(server.url("/auth/login"))
            .form(&[
                ("login", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", "/operators?x=1"),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/operators?x=1");
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(cookie.starts_with("fleetdesk_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            cookie.contains("Max-Age=3600"),
            "idle expiry after 60 minutes: {cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "plain-HTTP local use cannot have Secure cookies: {cookie}"
        );

        let page = get(&client, &server, "/").await;
        assert_eq!(page.status(), 200);
        let html = body(page).await;
        assert!(
            html.contains("Overview") && html.contains("Administrator"),
            "{html}"
        );
        assert!(
            html.contains("operator.login"),
            "the overview lists the sign-in as recent activity"
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_a_session() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let client = client();
        for (name, password) in [
            ("admin", "not the password"),
            ("nobody", ADMIN_PASSWORD),
            ("admin", ""),
        ] {
            let response = login(&client, &server, name, password).await;
            assert_eq!(response.status(), 303);
            assert!(
                location(&response).starts_with("/login?error="),
                "{}",
                location(&response)
            );
            assert!(response.headers().get("set-cookie").is_none());
        }
        let page = get(&client, &server, "/login?error=invalid").await;
        assert!(body(page).await.contains("Invalid username or password."));
        let overview = get(&client, &server, "/").await;
        assert_eq!(location(&overview), "/login?next=%2F");

        let failures = audit::list(
            &test_db.db,
            &audit::Filter {
                action: Some("operator.login_failed".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        assert_eq!(
            failures.len(),
            2,
            "a blank password is refused before any check"
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_a_message() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    operator(&test_db, "locky", Role::Operator).await;
    let client = client();
    let started = std::time::Instant::now();
    for _ in 1..MAX_FAILURES {
        let response = login(&client, &server, "locky", "wrong password!").await;
        assert!(location(&response).starts_with("/login?error=invalid"));
    }
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(250 + 500 + 1000 + 2000),
        "each failure waits longer"
    );
    let fifth = login(&client, &server, "locky", "wrong password!").await;
    assert!(
        location(&fifth).starts_with("/login?error=locked&minutes=15"),
        "{}",
        location(&fifth)
    );
    let right = login(&client, &server, "locky", PASSWORD).await;
    let target = location(&right);
    assert!(target.starts_with("/login?error=locked"), "{target}");
    let page = body(get(&client, &server, &target).await).await;
    assert!(page.contains("Too many failed attempts"), "{page}");
    server.stop().await;
    test_db.finish().await;
}

/// A sign-in post from `address`, as a reverse proxy would forward it.
async fn login_from(
    client: &reqwest::Client,
    server: &TestServer,
    address: &str,
    login: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/auth/login"))
        .header("x-forwarded-for", format!("10.0.0.1, {address}"))
        .form(&[("login", login), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("login request")
}

#[tokio::test]
async fn an_attacker_hammering_admin_in_parallel_gets_five_guesses_and_admin_still_signs_in() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db)
            .with("FLEETDESK_TRUSTED_PROXY_HEADER", "X-Forwarded-For")
            .start()
            .await;
        let attacker = client();
        let mut statuses = Vec::new();
        for _wave in 0..3 {
            let wave: Vec<_> = (0..30)
                .map(|n| {
                    let attacker = attacker.clone();
                    let url = server.url("/auth/login");
                    tokio::spawn(async move {
                        attacker
                            .post(url)
                            .header("x-forwarded-for", "203.0.113.66")
                            .form(&[
                                ("login", "admin"),
                                ("password", format!("guess {n}").as_str()),
                                ("next", "/"),
                            ])
                            .send()
                            .await
                            .expect("login request")
                    })
                })
                .collect();
            for handle in wave {
                let response = handle.await.expect("joined");
                let status = response.status().as_u16();
                let target = location(&response);
                if status == 503 {
                    assert_eq!(
                        response
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok()),
                        Some("1")
                    );
                    assert!(body(response).await.contains("Too many sign-ins at once"));
                }
                statuses.push((status, target));
            }
        }
        let checked = statuses
            .iter()
            .filter(|(status, target)| *status == 303 && target.starts_with("/login?error=invalid"))
            .count();
        assert!(
            checked < usize::try_from(MAX_FAILURES).unwrap_or(0),
            "{checked} wrong passwords were checked and refused before the lock: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|(status, target)| *status == 503
                || (*status == 303 && target.starts_with("/login?error="))),
            "{statuses:?}"
        );
        let locked = login_from(&client(), &server, "203.0.113.66", "admin", ADMIN_PASSWORD).await;
        assert!(
            location(&locked).starts_with("/login?error=locked"),
            "the attacker's address stays locked, even with the right password"
        );
        let admin = client();
        let signed_in = login_from(&admin, &server, "198.51.100.4", "admin", ADMIN_PASSWORD).await;
        assert_eq!(
            location(&signed_in),
            "/",
            "the administrator signs in from elsewhere"
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_forwarded_address_is_ignored_unless_a_trusted_proxy_header_is_configured() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    operator(&test_db, "rita", Role::Operator).await;
    let client = client();
    let mut last = String::new();
    for n in 1..=MAX_FAILURES {
        let response =
            login_from(&client, &server, &format!("192.0.2.{n}"), "rita", "wrong!").await;
        last = location(&response);
    }
    assert!(
        last.starts_with("/login?error=locked"),
        "every attempt came from the one real address: {last}"
    );
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let client = signed_in(&test_db, &server, "olga", Role::Operator).await;
        assert_eq!(get(&client, &server, "/").await.status(), 200);

        let out = client
            .post(server.url("/auth/logout"))
            .send()
            .await
            .expect("logout");
        assert_eq!(out.status(), 303);
        assert_eq!(location(&out), "/login?signed_out=1");
        assert!(
            body(get(&client, &server, "/login?signed_out=1").await)
                .await
                .contains("You have been signed out")
        );
        assert_eq!(get(&client, &server, "/").await.status(), 303);

        let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        assert_eq!(
            sessions, 0,
            "the session row is deleted, so a copied cookie is worthless"
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_and_operators_cannot_manage_operators() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        for (name, role) in [("sue", Role::Support), ("oscar", Role::Operator)] {
            let client = signed_in(&test_db, &server, name, role).await;
            let page = get(&client, &server, "/operators").await;
            assert_eq!(page.status(), 403, "{name}");
            let html = body(page).await;
            assert!(html.contains("You do not have permission"), "{html}");
            assert!(!html.contains("Add operator"));
            assert!(
                !body(get(&client, &server, "/").await)
                    .await
                    .contains("href=\"/operators\"")
            );

            let data = get(&client, &server, "/console/api/operators").await;
            assert!(
                !data.status().is_success(),
                "the data behind the page is refused too"
            );

            let before = operators::count(&test_db.db).await.expect("count");
            let created = add_operator(&client, &server, "intruder", "X", "admin", PASSWORD).await;
            assert_eq!(created.status(), 403, "{name}");
            let admin = operators::find_by_login(&test_db.db, "admin")
                .await
                .expect("q")
                .expect("admin");
            let disabled = client
                .post(server.url(&format!("/console/operators/{}/disable", admin.id)))
                .send()
                .await
                .expect("post");
            assert_eq!(disabled.status(), 403);
            assert_eq!(
                operators::count(&test_db.db).await.expect("count"),
                before,
                "nothing changed"
            );
            assert!(
                operators::find_by_id(&test_db.db, &admin.id)
                    .await
                    .expect("q")
                    .expect("admin")
                    .is_active()
            );
        }
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_administrator_adds_disables_and_enables_operators_with_audit() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = signed_in(&test_db, &server, "boss", Role::Admin).await;
        let created = add_operator(&admin, &server, "newbie", "New Bie", "support", PASSWORD).await;
        assert_eq!(created.status(), 303);
        let request_id = created
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("request id")
            .to_owned();
        let page = body(get(&admin, &server, "/operators").await).await;
        assert!(page.contains("Operator newbie created."), "{page}");
        assert!(page.contains("<td class=\"mono\">newbie</td>"), "{page}");
        let again = body(get(&admin, &server, "/operators").await).await;
        assert!(
            !again.contains("Operator newbie created."),
            "a flash message shows once"
        );

        let duplicate = add_operator(&admin, &server, "NEWBIE", "Other", "admin", PASSWORD).await;
        assert_eq!(duplicate.status(), 303);
        assert!(
            body(get(&admin, &server, "/operators").await)
                .await
                .contains("already exists")
        );
        let short = add_operator(&admin, &server, "shorty", "Short", "admin", "short").await;
        assert_eq!(short.status(), 303);
        assert!(
            body(get(&admin, &server, "/operators").await)
                .await
                .contains("at least 12 characters")
        );
        assert!(
            operators::find_by_login(&test_db.db, "shorty")
                .await
                .expect("q")
                .is_none()
        );

        let newbie = operators::find_by_login(&test_db.db, "newbie")
            .await
            .expect("q")
            .expect("created");
        assert_eq!(newbie.role, Role::Support);
        let entries = audit::list(
            &test_db.db,
            &audit::Filter {
                object_id: Some(newbie.id.to_string()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        assert_eq!(entries.len(), 1);
        assert_eq!(
            (entries[0].action.as_str(), entries[0].actor_label.as_str()),
            ("operator.create", "boss")
        );
        assert_eq!(entries[0].request_id.as_deref(), Some(request_id.as_str()));
        assert!(
            !entries[0]
                .after_json
                .as_deref()
                .unwrap_or_default()
                .contains("argon2"),
            "no hash in the audit log"
        );

        let newbie_client = client();
        assert_eq!(
            location(&login(&newbie_client, &server, "newbie", PASSWORD).await),
            "/"
        );
        let disable = admin
            .post(server.url(&format!("/console/operators/{}/disable", newbie.id)))
            .send()
            .await
            .expect("post");
        assert_eq!(disable.status(), 303);
        assert_eq!(
            get(&newbie_client, &server, "/").await.status(),
            303,
            "a disabled operator's session stops at once"
        );
        admin
            .post(server.url(&format!("/console/operators/{}/enable", newbie.id)))
            .send()
            .await
            .expect("post");
        assert!(
            operators::find_by_id(&test_db.db, &newbie.id)
                .await
                .expect("q")
                .expect("found")
                .is_active()
        );
        let actions: Vec<String> = audit_actions(&test_db, newbie.id.as_str()).await;
        assert_eq!(
            actions,
            [
                "operator.enable",
                "operator.disable",
                "operator.login",
                "operator.create"
            ]
        );

        let me = operators::find_by_login(&test_db.db, "boss")
            .await
            .expect("q")
            .expect("boss");
        admin
            .post(server.url(&format!("/console/operators/{}/disable", me.id)))
            .send()
            .await
            .expect("post");
        assert!(
            operators::find_by_id(&test_db.db, &me.id)
                .await
                .expect("q")
                .expect("found")
                .is_active(),
            "no self-lock-out"
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    for test_db in TestDb::all().await {
        let setup = Setup::new(&test_db);
        let first = setup.start().await;
        let client = client();
        assert_eq!(
            location(&login(&client, &first, "admin", ADMIN_PASSWORD).await),
            "/"
        );
        first.stop().await;

        let second = setup.start().await;
        // The cookie jar is per host, not per port: the same cookie goes to the new process.
        let page = get(&client, &second, "/").await;
        assert_eq!(page.status(), 200);
        assert!(body(page).await.contains("Administrator"));
        second.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_second_instance_on_the_same_postgresql_accepts_the_session() {
    let Some(test_db) = TestDb::postgres().await else {
        return;
    };
    let setup = Setup::new(&test_db);
    let a = setup.start().await;
    let b = setup.start().await;
    let client = client();
    assert_eq!(
        location(&login(&client, &a, "admin", ADMIN_PASSWORD).await),
        "/"
    );
    let page = get(&client, &b, "/").await;
    assert_eq!(page.status(), 200);
    assert!(body(page).await.contains("Administrator"));
    let out = client
        .post(b.url("/auth/logout"))
        .send()
        .await
        .expect("logout on b");
    assert_eq!(out.status(), 303);
    assert_eq!(
        get(&client, &a, "/").await.status(),
        303,
        "signing out on b signs out on a"
    );
    a.stop().await;
    b.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    let client = client();
    let forged = client
        .post(server.url("/auth/login"))
        .header("origin", "https://evil.example")
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    let cross = client
        .post(server.url("/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(cross.status(), 403);
    let same = client
        .post(server.url("/auth/login"))
        .header("origin", server.base.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(location(&same), "/");
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn a_signed_in_post_with_neither_origin_nor_fetch_metadata_is_refused() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    let browser = client();
    let signed_in = login(&browser, &server, "admin", ADMIN_PASSWORD).await;
    let session = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("fleetdesk_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    // An old browser, or a page on plain HTTP, driven by a forged form: the cookie alone.
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let forged = bare
        .post(server.url("/auth/logout"))
        .header("cookie", &session)
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    // The same request from the console's own page goes through.
    let own = bare
        .post(server.url("/auth/logout"))
        .header("cookie", &session)
        .header("origin", server.base.clone())
        .send()
        .await
        .expect("post");
    assert_eq!(own.status(), 303);
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn https_installs_get_secure_cookies() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db)
        .with("FLEETDESK_PUBLIC_URL", "https://fleet.example.com")
        .start()
        .await;
    let response = login(&client(), &server, "admin", ADMIN_PASSWORD).await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn probes_report_liveness_and_database_readiness() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    let client = client();
    let health = get(&client, &server, "/healthz").await;
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(get(&client, &server, "/readyz").await.status(), 200);
    server.close_database().await;
    let ready = get(&client, &server, "/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        body(ready).await,
        r#"{"reason":"database","status":"unavailable"}"#
    );
    assert_eq!(get(&client, &server, "/healthz").await.status(), 200);
    let missing = get(&client, &server, "/no/such/page").await;
    assert_eq!(missing.status(), 404);
    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn redirects_after_sign_in_and_language_choice_never_leave_the_site() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let refused = [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/%09/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "///evil.example",
        ];
        let kept = "/licences?state=active";
        for (target, expected) in refused.iter().map(|t| (*t, "/")).chain([(kept, kept)]) {
            let client = client();
            let response = client
                .post(server.url("/auth/login"))
                .form(&[
                    ("login", "admin"),
                    ("password", ADMIN_PASSWORD),
                    ("next", target),
                ])
                .send()
                .await
                .expect("login");
            assert_eq!(response.status(), 303);
            assert_eq!(
                location(&response),
                expected,
                "sign-in with next={target:?}"
            );

            let response = post_form(
                &client,
                &server,
                "/auth/lang",
                &[("lang", "fr"), ("back", target)],
            )
            .await;
            assert_eq!(response.status(), 303);
            assert_eq!(
                location(&response),
                expected,
                "language with back={target:?}"
            );
        }
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn console_pages_carry_a_fresh_nonce_policy_and_hsts_only_behind_https() {
    let test_db = TestDb::sqlite().await;
    for (public_url, hsts) in [
        ("http://127.0.0.1:3000", false),
        ("https://fleetdesk.example", true),
    ] {
        let server = Setup::new(&test_db)
            .with("FLEETDESK_PUBLIC_URL", public_url)
            .start()
            .await;
        let client = client();
        let mut nonces = Vec::new();
        for _ in 0..2 {
            let page = get(&client, &server, "/login").await;
            let policy = page
                .headers()
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(
                policy.contains("script-src 'self' 'nonce-") && !policy.contains("unsafe-inline"),
                "{policy}"
            );
            assert_eq!(
                page.headers().contains_key("strict-transport-security"),
                hsts,
                "{public_url}"
            );
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap_or_default()
                .to_owned();
            let html = body(page).await;
            let scripts = html.matches("<script").count();
            assert!(scripts > 0);
            assert_eq!(
                html.matches(&format!("nonce=\"{nonce}\"")).count(),
                scripts,
                "every inline script carries this answer's nonce"
            );
            nonces.push(nonce);
        }
        assert_ne!(nonces[0], nonces[1], "a fresh nonce in every answer");
        // A page that does not exist (the fallback renderer) names its nonce too.
        let missing = get(&client, &server, "/no-such-page").await;
        assert!(
            missing
                .headers()
                .get("content-security-policy")
                .is_some_and(|v| v.to_str().unwrap_or_default().contains("'nonce-"))
        );
        server.stop().await;
    }
    test_db.finish().await;
}

#[tokio::test]
async fn console_forms_have_a_size_limit_and_a_slow_sender_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db)
        .with("FLEETDESK_CONSOLE_TIMEOUT_SECONDS", "1")
        .start()
        .await;
    let admin = admin(&server).await;

    // A form larger than the console's limit is not read: nothing is saved, the reader is told.
    let padding = "x".repeat(fleetdesk_server::http::CONSOLE_FORM_LIMIT);
    let fields = [
        ("customer_creation", "async"),
        ("licence_order", "sync"),
        ("state_change", "sync"),
        ("deletion", "sync"),
        ("offering_change", "sync"),
        ("fleet_policy", "perCustomer"),
        ("exchange_retention_days", "30"),
        ("padding", padding.as_str()),
    ];
    let refused = post_form(&admin, &server, "/console/settings/orange", &fields).await;
    assert_eq!(location(&refused), "/settings/orange");
    let html = follow(&admin, &server, refused).await;
    assert!(html.contains("The form could not be read"), "{html}");
    let stored = fleetdesk_core::orange::settings::load(&test_db.db)
        .await
        .expect("settings");
    assert_eq!(
        stored.mode(fleetdesk_core::orange::settings::Operation::CustomerCreation),
        fleetdesk_core::orange::settings::Mode::Sync,
        "nothing saved"
    );
    // The same form at a normal size is saved.
    let saved = post_form(&admin, &server, "/console/settings/orange", &fields[..7]).await;
    let html = follow(&admin, &server, saved).await;
    assert!(html.contains("Orange API settings saved."), "{html}");

    // A sender that announces a body and then trickles it is answered 408 once the console's
    // time is up, instead of holding the connection.
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST /auth/login HTTP/1.1\r\nHost: {address}\r\nOrigin: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nlogin=adm",
        server.base
    );
    stream.write_all(head.as_bytes()).await.expect("send");
    let started = tokio::time::Instant::now();
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered before 10 s")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    server.stop().await;
    test_db.finish().await;
}

/// The refusals that are not pages (a forged form post, a request before signing in, the API
/// reference's download, an export asked wrongly) answer in the reader's language too.
#[tokio::test]
async fn refusals_answer_in_the_readers_language() {
    let test_db = TestDb::sqlite().await;
    let server = Setup::new(&test_db).start().await;
    let french =
        |request: reqwest::RequestBuilder| request.header("accept-language", "fr-FR,fr;q=0.9");

    let forged = french(client().post(server.url("/auth/login")))
        .header("sec-fetch-site", "cross-site")
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    assert!(
        body(forged)
            .await
            .starts_with("Requête d’un autre site refusée")
    );
    let english = client()
        .post(server.url("/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert!(
        body(english)
            .await
            .starts_with("Cross-site request refused")
    );

    let anonymous = french(client().post(server.url("/console/operators")))
        .form(&[("login", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(anonymous.status(), 401);
    assert_eq!(body(anonymous).await, "Connectez-vous d’abord.");

    let support = signed_in(&test_db, &server, "sophie", Role::Support).await;
    let reference = french(support.get(server.url("/reference/openapi.json")))
        .send()
        .await
        .expect("get");
    assert_eq!(reference.status(), 403);
    assert_eq!(
        body(reference).await,
        "Seuls les administrateurs peuvent faire cela."
    );
    let export = french(support.get(server.url("/console/customers.csv?sort=sideways")))
        .send()
        .await
        .expect("get");
    assert_eq!(export.status(), 400);
    assert_eq!(body(export).await, "Ordre de tri inconnu.");

    server.stop().await;
    test_db.finish().await;
}
