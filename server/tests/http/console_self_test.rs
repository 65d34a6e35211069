//! The console's self-test page and its sandbox, over real HTTP on SQLite and PostgreSQL: an
//! administrator switches the sandbox on (delivery goes to the sink built into Fleetdesk, a banner
//! on every page), runs the simulator against the installation from the page in asynchronous and
//! synchronous mode and sees it pass step by step with the events the sandbox received; the run's
//! credential is revoked; switching off brings the delivery settings back. Only administrators.

use std::time::Duration;

use crate::common;
use crate::orange::{self, catalogue};

use common::*;
use fleetdesk_core::credentials::{self, CredentialKind};
use fleetdesk_core::operators::Role;
use fleetdesk_core::orange::settings::{Mode as ApiMode, Operation};
use fleetdesk_core::outbox::settings as delivery;
use fleetdesk_core::self_test::{self, RunState};
use fleetdesk_core::testing::TestDb;

const PAGE: &str = "/settings/self-test";
const RUN: &str = "/console/self-test/run";
const ON: &str = "/console/self-test/sandbox/on";
const OFF: &str = "/console/self-test/sandbox/off";

/// Posts a form of the page and reads the page it leads back to.
async fn post(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
) -> String {
    let response = post_form(client, server, path, fields).await;
    assert_eq!(response.status(), 303, "POST {path}");
    assert_eq!(location(&response), PAGE);
    follow(client, server, response).await
}

/// Waits for the run to end (or `within` to pass); the last run as it stands.
async fn wait_for_the_run(test_db: &TestDb, within: Duration) -> self_test::Run {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let run = self_test::last(&test_db.db)
            .await
            .expect("last run")
            .expect("a run");
        if run.state_now() != RunState::Running || tokio::time::Instant::now() > deadline {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[track_caller]
fn assert_passed(run: &self_test::Run) {
    let failures: Vec<String> = run
        .steps
        .iter()
        .filter(|s| !s.passed)
        .map(|s| {
            format!(
                "{}: {} / {}\n{}\n{}",
                s.name, s.requirement, s.found, s.request, s.answer
            )
        })
        .collect();
    assert_eq!(
        run.state_now(),
        RunState::Passed,
        "{:?} {failures:#?}",
        run.problem
    );
    assert!(run.steps.len() > 60, "{} steps", run.steps.len());
}

/// Every credential issued for a self-test is revoked.
async fn self_test_credentials_revoked(test_db: &TestDb) -> usize {
    let all = credentials::list(&test_db.db, CredentialKind::Orange)
        .await
        .expect("credentials");
    let ours: Vec<_> = all
        .iter()
        .filter(|c| c.label.starts_with("Self-test "))
        .collect();
    assert!(
        ours.iter().all(|c| !c.is_active()),
        "a self-test credential is still active: {ours:?}"
    );
    ours.len()
}

#[tokio::test]
async fn an_admin_runs_the_self_test_in_the_sandbox_and_it_passes_in_both_modes() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        catalogue(&test_db).await;
        let mine = fleetdesk_core::testing::orange_delivery_settings();
        delivery::save(&test_db.db, &mine, &fleetdesk_core::audit::Acting::system())
            .await
            .expect("delivery settings");
        let admin = admin(&server).await;

        // Off: its sink is not there, and the page says where events go.
        let sink_token = server.url("/sandbox/oauth/token");
        let off = client().post(&sink_token).send().await.expect("sink");
        assert_eq!(off.status(), 404);
        let html = body(get(&admin, &server, PAGE).await).await;
        assert!(html.contains("Sandbox off:"), "{html}");
        assert!(html.contains("No self-test has run yet."), "{html}");
        assert!(!html.contains("data-testid=\"sandbox-banner\""));

        // Asynchronous operations need the sandbox.
        orange::set(&test_db, |s| {
            s.set_every_mode(ApiMode::Async);
        })
        .await;
        let html = post(&admin, &server, RUN, &[]).await;
        assert!(html.contains("switch the sandbox on first"), "{html}");
        assert!(self_test::last(&test_db.db).await.expect("last").is_none());

        // Unticked, nothing changes; ticked, delivery points at the sink.
        let html = post(&admin, &server, ON, &[]).await;
        assert!(html.contains("Tick the box to confirm"), "{html}");
        let html = post(&admin, &server, ON, &[("confirm", "yes")]).await;
        assert!(
            html.contains("events now go to the built-in sink"),
            "{html}"
        );
        assert!(html.contains("data-testid=\"sandbox-banner\""), "{html}");
        let in_use = delivery::load(&test_db.db).await.expect("settings");
        assert_eq!(
            in_use.token_url,
            format!("{}/sandbox/oauth/token", server.base)
        );
        assert!(!in_use.paused);
        // The banner is on every page, for every role.
        let operator = signed_in(&test_db, &server, "oscar", Role::Operator).await;
        let overview = body(get(&operator, &server, "/").await).await;
        assert!(
            overview.contains("data-testid=\"sandbox-banner\""),
            "{overview}"
        );

        let html = post(&admin, &server, RUN, &[]).await;
        assert!(html.contains("The self-test started"), "{html}");
        // One at a time.
        let again = post(&admin, &server, RUN, &[]).await;
        if !again.contains("already running") {
            // Ended already: it must have passed.
            assert_passed(&wait_for_the_run(&test_db, Duration::ZERO).await);
        }
        let run = wait_for_the_run(&test_db, Duration::from_secs(200)).await;
        assert_passed(&run);
        assert_eq!(run.mode, "async");
        assert_eq!(run.started_by, "admin");
        assert!(
            run.steps
                .iter()
                .any(|s| s.name == "a refused event is delivered again with the same eventId")
        );
        let ordered = run
            .steps
            .iter()
            .find(|s| s.request.starts_with("POST /orange/v2/productOrder"))
            .expect("an order step");
        // Acknowledged at once, completed by an event.
        assert!(ordered.answer.starts_with("201"), "{}", ordered.answer);
        assert!(
            ordered.answer.contains("\"state\": \"acknowledged\""),
            "{}",
            ordered.answer
        );
        let html = body(get(&admin, &server, PAGE).await).await;
        assert!(html.contains("data-state=\"passed\""), "{html}");
        assert!(html.contains("productOrderStateChangeEvent"), "{html}");
        assert!(html.contains("userServiceStateChangeEvent"), "{html}");
        assert_eq!(self_test_credentials_revoked(&test_db).await, 1);

        // Synchronous: the run checks that no event is sent.
        orange::set(&test_db, |s| {
            s.set_every_mode(ApiMode::Sync);
        })
        .await;
        post(&admin, &server, RUN, &[]).await;
        let run = wait_for_the_run(&test_db, Duration::from_secs(120)).await;
        assert_passed(&run);
        assert!(
            run.steps
                .iter()
                .any(|s| s.name == "no event is sent for synchronous calls")
        );
        assert_eq!(self_test_credentials_revoked(&test_db).await, 2);

        // Off: the delivery settings put aside are back, the banner gone.
        let html = post(&admin, &server, OFF, &[]).await;
        assert!(
            html.contains("Sandbox off: the delivery settings in use before are back"),
            "{html}"
        );
        assert!(!html.contains("data-testid=\"sandbox-banner\""));
        assert_eq!(delivery::load(&test_db.db).await.expect("settings"), mine);
        let actions = audit_actions(&test_db, "orange_delivery").await;
        assert!(
            actions.iter().any(|a| a == "delivery.sandbox_on"),
            "{actions:?}"
        );
        assert!(
            actions.iter().any(|a| a == "delivery.sandbox_off"),
            "{actions:?}"
        );
        let off = client().post(&sink_token).send().await.expect("sink");
        assert_eq!(off.status(), 404);

        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn only_administrators_see_the_page_and_use_its_forms() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        catalogue(&test_db).await;
        for (login, role) in [("olga", Role::Operator), ("sam", Role::Support)] {
            let client = signed_in(&test_db, &server, login, role).await;
            let page = get(&client, &server, PAGE).await;
            assert_eq!(page.status(), 403, "{login} GET {PAGE}");
            let html = body(page).await;
            assert!(!html.contains("Run the self-test"), "{html}");
            for path in [RUN, ON, OFF] {
                let response = post_form(&client, &server, path, &[("confirm", "yes")]).await;
                assert_eq!(response.status(), 403, "{login} POST {path}");
            }
        }
        assert!(self_test::last(&test_db.db).await.expect("last").is_none());
        assert!(
            !fleetdesk_core::outbox::sandbox::state(&test_db.db)
                .await
                .expect("state")
                .on
        );
        server.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_run_needs_one_mode_and_two_offerings_and_says_so() {
    for test_db in TestDb::all().await {
        let server = Setup::new(&test_db).start().await;
        let admin = admin(&server).await;
        let html = post(&admin, &server, RUN, &[]).await;
        assert!(html.contains("the catalogue has fewer"), "{html}");
        catalogue(&test_db).await;
        orange::set(&test_db, |s| {
            s.set_mode(Operation::Deletion, ApiMode::Async)
        })
        .await;
        let html = post(&admin, &server, RUN, &[]).await;
        assert!(html.contains("not all in the same mode"), "{html}");
        assert!(self_test::last(&test_db.db).await.expect("last").is_none());
        server.stop().await;
        test_db.finish().await;
    }
}
