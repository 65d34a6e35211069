//! The audit log page, operator administration (role changes, password resets, the last
//! administrator) and the console's two languages, over real HTTP on SQLite and PostgreSQL.

use crate::common;

use common::*;
use fleetdesk_core::audit::{self, Actor, Entry};
use fleetdesk_core::operators::{self, Role};
use fleetdesk_core::testing::TestDb;

async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = get(client, server, path).await;
    let status = response.status().as_u16();
    (status, body(response).await)
}

/// Whether the page shows `text`, quotes escaped or not.
fn shows(html: &str, text: &str) -> bool {
    html.contains(text) || html.contains(&text.replace('"', "&quot;"))
}

/// Whether the audit page lists the entry.
fn lists(html: &str, id: &str) -> bool {
    html.contains(&format!("data-testid=\"audit-{id}\""))
}

/// The "Older" link of a list page, if any.
fn older_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let rest = &html[at..];
    let start = rest.find("href=\"")? + "href=\"".len();
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].replace("&amp;", "&"))
}

/// The audit actions on an object, sign-ins left out.
async fn changes_on(test_db: &TestDb, object_id: &str) -> Vec<String> {
    audit_actions(test_db, object_id)
        .await
        .into_iter()
        .filter(|action| !action.starts_with("operator.login"))
        .collect()
}

/// Posts and expects a redirect back to the operators page.
async fn post_operators(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let response = post_form(client, server, path, fields).await;
    assert_eq!(response.status(), 303, "{path}");
    assert_eq!(location(&response), "/operators", "{path}");
    response
}

async fn role_of(test_db: &TestDb, id: &str) -> Role {
    operators::find_by_id(&test_db.db, &id.into())
        .await
        .expect("query")
        .expect("operator")
        .role
}

fn today() -> String {
    fleetdesk_core::clock::now_text()[..10].to_owned()
}

#[tokio::test]
async fn the_audit_log_filters_by_actor_action_object_and_days_and_shows_what_changed() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let boss = signed_in(&test_db, &server, "boss", Role::Admin).await;
        let boss_id = operators::find_by_login(&test_db.db, "boss")
            .await
            .expect("q")
            .expect("boss")
            .id;
        add_operator(&boss, &server, "newbie", "New Bie", "support", PASSWORD).await;
        let newbie = operators::find_by_login(&test_db.db, "newbie")
            .await
            .expect("q")
            .expect("created");
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{}/role", newbie.id),
            &[("role", "operator"), ("confirm", "yes")],
        )
        .await;
        let on_newbie = audit::list(
            &test_db.db,
            &audit::Filter {
                object_id: Some(newbie.id.to_string()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        let [changed, created] = [&on_newbie[0], &on_newbie[1]];
        assert_eq!(changed.action, "operator.role_change");
        assert_eq!(created.action, "operator.create");

        // Support reads the audit log too.
        let sue = signed_in(&test_db, &server, "sue", Role::Support).await;
        let (status, all) = page(&sue, &server, "/audit").await;
        assert_eq!(status, 200);
        assert!(all.contains("Audit log"), "{all}");
        assert!(
            lists(&all, changed.id.as_str()) && lists(&all, created.id.as_str()),
            "{all}"
        );
        assert!(
            all.contains("href=\"/audit\""),
            "the navigation links the audit log"
        );

        // The change reads as a diff: the old role struck through, the new one added.
        let (_, by_action) = page(&sue, &server, "/audit?action=operator.role_change").await;
        assert!(lists(&by_action, changed.id.as_str()), "{by_action}");
        assert!(!lists(&by_action, created.id.as_str()), "{by_action}");
        assert!(
            by_action.contains("data-testid=\"change-role\""),
            "{by_action}"
        );
        assert!(
            shows(&by_action, r#"<del class="diff-old mono">"support"</del>"#),
            "{by_action}"
        );
        assert!(
            shows(&by_action, r#"<ins class="diff-new mono">"operator"</ins>"#),
            "{by_action}"
        );
        assert!(
            !by_action.contains("data-testid=\"change-login\""),
            "unchanged values are not listed: {by_action}"
        );

        // The actor by username or by id; a kind of actor by name.
        for actor in ["boss", "BOSS", boss_id.as_str()] {
            let (_, html) = page(&sue, &server, &format!("/audit?actor={actor}")).await;
            assert!(
                lists(&html, changed.id.as_str()) && lists(&html, created.id.as_str()),
                "{actor}"
            );
        }
        let (_, by_sue) = page(&sue, &server, "/audit?actor=sue").await;
        assert!(!lists(&by_sue, changed.id.as_str()), "{by_sue}");
        assert!(
            by_sue.contains("operator.login"),
            "sue's own sign-in: {by_sue}"
        );
        let (_, nobody) = page(&sue, &server, "/audit?actor=nobody").await;
        assert!(
            nobody.contains("No entry matches these filters."),
            "{nobody}"
        );
        audit::record(
            test_db.db.pool(),
            &Entry::new(Actor::cli(), "operator.create", "operator", Some("opr_cli")),
        )
        .await
        .expect("recorded");
        let (_, by_cli) = page(&sue, &server, "/audit?actor=cli").await;
        assert!(
            by_cli.contains("opr_cli") && !lists(&by_cli, created.id.as_str()),
            "{by_cli}"
        );

        // The object, by type and id.
        let (_, object) = page(
            &sue,
            &server,
            &format!("/audit?object_type=operator&object_id={}", newbie.id),
        )
        .await;
        assert!(lists(&object, changed.id.as_str()) && lists(&object, created.id.as_str()));
        assert!(!object.contains("opr_cli"));
        let (_, other_type) = page(
            &sue,
            &server,
            &format!("/audit?object_type=offering&object_id={}", newbie.id),
        )
        .await;
        assert!(!lists(&other_type, created.id.as_str()));

        // Whole UTC days, both ends included; a bad date says so instead of listing everything.
        let day = today();
        let (_, this_day) = page(&sue, &server, &format!("/audit?from={day}&to={day}")).await;
        assert!(lists(&this_day, changed.id.as_str()), "{this_day}");
        let (_, long_ago) = page(&sue, &server, "/audit?to=2001-01-01").await;
        assert!(!lists(&long_ago, changed.id.as_str()));
        let (_, bad) = page(&sue, &server, "/audit?from=yesterday").await;
        assert!(bad.contains("The start date is not a date"), "{bad}");
        assert!(!lists(&bad, changed.id.as_str()));

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_audit_log_pages_newest_first_keeping_the_filter() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let mut ids = Vec::new();
        for n in 0..53 {
            let id = audit::record(
                test_db.db.pool(),
                &Entry::new(Actor::system(), "test.tick", "tick", Some(&format!("t{n}"))),
            )
            .await
            .expect("recorded");
            ids.push(id.into_string());
        }
        let admin = admin(&server).await;
        let (_, first) = page(&admin, &server, "/audit?action=test.tick").await;
        // Newest first: the last written opens the list.
        let shown: Vec<&String> = ids.iter().filter(|id| lists(&first, id)).collect();
        assert_eq!(shown.len(), 50);
        assert!(lists(&first, &ids[52]) && !lists(&first, &ids[2]));
        assert!(
            first.find(&ids[52]).expect("newest") < first.find(&ids[51]).expect("next"),
            "newest first"
        );
        let older = older_link(&first).expect("an Older link");
        assert!(older.contains("action=test.tick"), "{older}");
        let (_, second) = page(&admin, &server, &older).await;
        let mut rest: Vec<(usize, &String)> = ids
            .iter()
            .filter_map(|id| second.find(&format!("audit-{id}")).map(|at| (at, id)))
            .collect();
        rest.sort();
        let rest: Vec<&String> = rest.into_iter().map(|(_, id)| id).collect();
        assert_eq!(
            rest,
            [&ids[2], &ids[1], &ids[0]],
            "the three oldest, newest first"
        );
        assert!(older_link(&second).is_none());

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_administrator_changes_a_role_once_confirmed_with_audit() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let boss = signed_in(&test_db, &server, "boss", Role::Admin).await;
        let olga = operator(&test_db, "olga", Role::Operator).await;
        let path = format!("/console/operators/{}/role", olga.id);

        post_operators(&boss, &server, &path, &[("role", "support")]).await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(
            shows(&html, "Tick “I understand” to change the role"),
            "{html}"
        );
        assert_eq!(role_of(&test_db, olga.id.as_str()).await, Role::Operator);

        post_operators(
            &boss,
            &server,
            &path,
            &[("role", "chief"), ("confirm", "yes")],
        )
        .await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(html.contains("Choose a role"), "{html}");

        post_operators(
            &boss,
            &server,
            &path,
            &[("role", "support"), ("confirm", "yes")],
        )
        .await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(html.contains("olga is now support."), "{html}");
        assert_eq!(role_of(&test_db, olga.id.as_str()).await, Role::Support);
        // Newest first; the creation is the test's own set-up, audited like any other.
        assert_eq!(
            changes_on(&test_db, olga.id.as_str()).await,
            ["operator.role_change", "operator.create"]
        );

        // The new role applies to the operator's next request.
        let olga_client = client();
        login(&olga_client, &server, "olga", PASSWORD).await;
        let (status, _) = page(&olga_client, &server, "/events/resend").await;
        assert_eq!(status, 403);

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_password_reset_ends_the_operators_sessions_and_is_audited_without_the_password() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let boss = signed_in(&test_db, &server, "boss", Role::Admin).await;
        let olga_client = signed_in(&test_db, &server, "olga", Role::Operator).await;
        let olga = operators::find_by_login(&test_db.db, "olga")
            .await
            .expect("q")
            .expect("olga");
        let path = format!("/console/operators/{}/password", olga.id);
        let new_password = "a brand new passphrase";

        post_operators(&boss, &server, &path, &[("password", new_password)]).await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(
            shows(&html, "Tick “I understand” to reset the password"),
            "{html}"
        );
        post_operators(
            &boss,
            &server,
            &path,
            &[("password", "short"), ("confirm", "yes")],
        )
        .await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(html.contains("at least 12 characters"), "{html}");
        assert_eq!(
            page(&olga_client, &server, "/").await.0,
            200,
            "still signed in"
        );

        post_operators(
            &boss,
            &server,
            &path,
            &[("password", new_password), ("confirm", "yes")],
        )
        .await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(
            html.contains("Password of olga reset; their sessions have ended."),
            "{html}"
        );
        let signed_out = get(&olga_client, &server, "/").await;
        assert_eq!(signed_out.status(), 303);
        assert!(location(&signed_out).starts_with("/login"));
        let old = login(&client(), &server, "olga", PASSWORD).await;
        assert!(
            location(&old).starts_with("/login?error"),
            "{}",
            location(&old)
        );
        let new = login(&client(), &server, "olga", new_password).await;
        assert_eq!(location(&new), "/");

        let entries = audit::list(
            &test_db.db,
            &audit::Filter {
                object_id: Some(olga.id.to_string()),
                action: Some("operator.password_reset".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .expect("audit");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].actor_label, "boss");
        let after = entries[0].after_json.clone().unwrap_or_default();
        assert!(after.contains("\"sessions_ended\":1"), "{after}");
        assert!(
            !after.contains(new_password) && !after.contains("argon2"),
            "{after}"
        );

        // An administrator resetting their own password stays signed in here.
        let boss_id = operators::find_by_login(&test_db.db, "boss")
            .await
            .expect("q")
            .expect("boss")
            .id;
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{boss_id}/password"),
            &[("password", new_password), ("confirm", "yes")],
        )
        .await;
        assert_eq!(page(&boss, &server, "/operators").await.0, 200);

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_last_active_administrator_keeps_the_role() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let boss = signed_in(&test_db, &server, "boss", Role::Admin).await;
        let ids = |login: &'static str| {
            let db = test_db.db.clone();
            async move {
                operators::find_by_login(&db, login)
                    .await
                    .expect("q")
                    .expect("operator")
                    .id
            }
        };
        let boss_id = ids("boss").await;
        let first_admin = ids("admin").await;

        // Two administrators: the bootstrap one can be demoted.
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{first_admin}/role"),
            &[("role", "operator"), ("confirm", "yes")],
        )
        .await;
        assert_eq!(
            role_of(&test_db, first_admin.as_str()).await,
            Role::Operator
        );

        // Now boss is the last one.
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{boss_id}/role"),
            &[("role", "support"), ("confirm", "yes")],
        )
        .await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(
            html.contains("This is the last active administrator"),
            "{html}"
        );
        assert_eq!(role_of(&test_db, boss_id.as_str()).await, Role::Admin);
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{boss_id}/disable"),
            &[],
        )
        .await;
        let (_, html) = page(&boss, &server, "/operators").await;
        assert!(
            html.contains("You cannot disable your own account."),
            "{html}"
        );

        // With another administrator, boss may step down, and loses the page at once.
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{first_admin}/role"),
            &[("role", "admin"), ("confirm", "yes")],
        )
        .await;
        post_operators(
            &boss,
            &server,
            &format!("/console/operators/{boss_id}/role"),
            &[("role", "operator"), ("confirm", "yes")],
        )
        .await;
        assert_eq!(role_of(&test_db, boss_id.as_str()).await, Role::Operator);
        assert_eq!(page(&boss, &server, "/operators").await.0, 403);
        assert_eq!(
            changes_on(&test_db, boss_id.as_str()).await,
            ["operator.role_change", "operator.create"],
            "the refused changes wrote nothing"
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_and_operators_cannot_change_roles_or_reset_passwords() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let first_admin = operators::find_by_login(&test_db.db, "admin")
            .await
            .expect("q")
            .expect("admin");
        for (name, role) in [("sue", Role::Support), ("oscar", Role::Operator)] {
            let client = signed_in(&test_db, &server, name, role).await;
            let demote = post_form(
                &client,
                &server,
                &format!("/console/operators/{}/role", first_admin.id),
                &[("role", "support"), ("confirm", "yes")],
            )
            .await;
            assert_eq!(demote.status(), 403, "{name}");
            let reset = post_form(
                &client,
                &server,
                &format!("/console/operators/{}/password", first_admin.id),
                &[("password", "taken over by someone"), ("confirm", "yes")],
            )
            .await;
            assert_eq!(reset.status(), 403, "{name}");
        }
        assert_eq!(
            role_of(&test_db, first_admin.id.as_str()).await,
            Role::Admin
        );
        assert_eq!(
            location(&login(&client(), &server, "admin", ADMIN_PASSWORD).await),
            "/"
        );
        assert!(
            changes_on(&test_db, first_admin.id.as_str())
                .await
                .iter()
                .all(|action| !matches!(
                    action.as_str(),
                    "operator.role_change" | "operator.password_reset"
                )),
            "nothing refused was audited as done"
        );

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn pages_read_in_french_from_the_cookie_or_the_browser_and_in_english_by_default() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let boss = signed_in(&test_db, &server, "boss", Role::Admin).await;

        let (_, english) = page(&boss, &server, "/events").await;
        assert!(english.contains("<html lang=\"en\""), "{english}");
        assert!(english.contains("Events to Orange"));
        assert!(!english.contains("Événements envoyés à Orange"));

        let french = boss
            .get(server.url("/events"))
            .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.8")
            .send()
            .await
            .expect("GET");
        let french = body(french).await;
        assert!(french.contains("<html lang=\"fr\""), "{french}");
        assert!(french.contains("Événements envoyés à Orange"), "{french}");
        assert!(french.contains("Journal d’audit"), "the navigation too");
        assert!(!french.contains("Events to Orange"), "{french}");

        // The remembered choice wins over the browser's.
        let chosen = post_form(
            &boss,
            &server,
            "/auth/lang",
            &[("lang", "fr"), ("back", "/offerings?x=1")],
        )
        .await;
        assert_eq!(chosen.status(), 303);
        assert_eq!(location(&chosen), "/offerings?x=1");
        let cookie = chosen
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(cookie.starts_with("fleetdesk_lang=fr;"), "{cookie}");
        let offerings = boss
            .get(server.url("/offerings"))
            .header("accept-language", "en-GB")
            .send()
            .await
            .expect("GET");
        let offerings = body(offerings).await;
        assert!(offerings.contains("<html lang=\"fr\""), "{offerings}");
        assert!(offerings.contains("Ajouter une offre"), "{offerings}");

        // Flash messages follow the language of the one acting.
        add_operator(&boss, &server, "nouveau", "Nouveau", "support", PASSWORD).await;
        let (_, operators_page) = page(&boss, &server, "/operators").await;
        assert!(
            operators_page.contains("Opérateur nouveau créé."),
            "{operators_page}"
        );
        let (_, audit_page) = page(&boss, &server, "/audit?from=hier").await;
        assert!(
            audit_page.contains("La date de début n’est pas une date"),
            "{audit_page}"
        );

        // Back to English.
        post_form(
            &boss,
            &server,
            "/auth/lang",
            &[("lang", "en"), ("back", "/")],
        )
        .await;
        let (_, english_again) = page(&boss, &server, "/offerings").await;
        assert!(english_again.contains("Add offering"), "{english_again}");

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_language_switch_goes_back_only_to_a_page_of_the_console() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let anonymous = client();
        for (back, expected) in [
            ("/login?next=%2Fevents", "/login?next=%2Fevents"),
            ("https://evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("", "/"),
        ] {
            let response = post_form(
                &anonymous,
                &server,
                "/auth/lang",
                &[("lang", "fr"), ("back", back)],
            )
            .await;
            assert_eq!(response.status(), 303, "{back}");
            assert_eq!(location(&response), expected, "{back}");
        }
        // An unknown language changes nothing.
        let unknown = post_form(
            &anonymous,
            &server,
            "/auth/lang",
            &[("lang", "de"), ("back", "/")],
        )
        .await;
        assert!(unknown.headers().get("set-cookie").is_none());

        // The sign-in page reads in the chosen language, before signing in.
        let (_, login_page) = page(&anonymous, &server, "/login").await;
        assert!(login_page.contains("Connexion à Fleetdesk"), "{login_page}");
        assert!(
            login_page.contains(">English<"),
            "offers the other language: {login_page}"
        );

        server.stop().await;
        test_db.finish().await;
    }
}
