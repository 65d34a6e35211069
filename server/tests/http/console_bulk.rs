//! Bulk changes from a CSV file, over real HTTP on SQLite and PostgreSQL: the placeholder
//! download filled in and uploaded, the preview with each line's problem, the apply done by the
//! server's bulk worker (each change audited, with its event to Orange), a discard, refused files,
//! and support limited to looking.
//!
//! Licences are made through the Orange API, as Orange makes them.

use crate::common;
use crate::orange;

use common::*;
use fleetdesk_core::licences;
use fleetdesk_core::operators::Role;
use fleetdesk_core::outbox;
use fleetdesk_core::testing::TestDb;
use orange::{Api, PRO, customer, eventually};

const ATTR: &str = "userServiceAttributeValueChangeEvent";

async fn attribute_events(test_db: &TestDb, licence: &str) -> usize {
    outbox::list_all(&test_db.db)
        .await
        .expect("outbox")
        .iter()
        .filter(|e| e.resource_id == licence && e.event_type == ATTR)
        .count()
}

/// The file page a preview redirects to, and its HTML.
async fn preview(
    client: &reqwest::Client,
    server: &TestServer,
    kind: &str,
    csv: &str,
) -> (String, String) {
    let response = upload_with(
        client,
        server,
        "/console/licences/bulk",
        &[("kind", kind)],
        "file",
        "changes.csv",
        csv,
    )
    .await;
    assert_eq!(response.status(), 303);
    let page = location(&response);
    assert!(page.starts_with("/licences/bulk/blk_"), "{page}");
    let html = body(get(client, server, &page).await).await;
    (page, html)
}

#[tokio::test]
async fn the_placeholder_download_filled_in_is_checked_then_applied_by_the_worker() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let pro = orange::licences(&api, "O-2", &cus, PRO, 3).await.1;
        let client = signed_in(&test_db, server, "olga", Role::Operator).await;

        // The download lists each licence with its placeholder, and an empty value to fill in.
        let response = get(
            &client,
            server,
            &format!("/console/licences/placeholders.csv?customer={cus}"),
        )
        .await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment; filename=\"placeholders-")
        );
        let csv = body(response).await;
        let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
        assert_eq!(
            lines[0],
            "licence,login,customer,customer_name,type,placeholder,value"
        );
        assert_eq!(lines.len(), 4);
        // Filled in: a good value, a bad one, and the third left empty.
        lines[1].push_str("+33 6 12 34 56 78");
        lines[2].push_str("0612");
        let filled = lines.join("\n");
        let (page, html) = preview(&client, server, "resources", &filled).await;
        assert!(
            html.contains("File checked. Nothing has changed yet"),
            "{html}"
        );
        assert_eq!(
            test_id_text(&html, "bulk-counts").as_deref(),
            Some("3 lines: 1 ready, 1 with nothing to do, 1 with a problem")
        );
        assert!(html.contains("Not a valid value. International format"));
        assert!(html.contains("No value given: the line is skipped."));
        assert!(
            html.contains("+33612345678"),
            "the value as it will be stored"
        );
        assert_eq!(
            attribute_events(&test_db, &pro[0]).await,
            0,
            "nothing applied yet"
        );

        // Applying needs the confirmation; then the worker makes the ready change.
        let id = page.trim_start_matches("/licences/bulk/").to_owned();
        let apply = format!("/console/licences/bulk/{id}/apply");
        let html = follow(
            &client,
            server,
            post_form(&client, server, &apply, &[]).await,
        )
        .await;
        assert!(html.contains("to apply the file"));
        let response = post_form(&client, server, &apply, &[("confirm", "yes")]).await;
        assert_eq!(location(&response), page);
        let db = test_db.db.clone();
        let file = id.clone();
        eventually("the file is applied", || {
            let db = db.clone();
            let file = file.clone();
            async move {
                licences::bulk::get(&db, &file.as_str().into())
                    .await
                    .expect("get")
                    .is_some_and(|f| f.state == fleetdesk_vocab::BulkFileState::Applied)
            }
        })
        .await;
        let html = body(get(&client, server, &page).await).await;
        assert!(
            html.contains("Applied by olga: 1 changed, 0 refused, 1 with nothing to do"),
            "{html}"
        );
        assert!(html.contains("1 event to Orange"));
        let licence = licences::detail(&test_db.db, &pro[0].as_str().into())
            .await
            .expect("detail")
            .expect("found");
        assert_eq!(licence.resources[0].value, "+33612345678");
        assert_eq!(licence.resources[0].placeholder_since, None);
        assert_eq!(attribute_events(&test_db, &pro[0]).await, 1);
        assert_eq!(attribute_events(&test_db, &pro[1]).await, 0);
        assert!(
            audit_actions(&test_db, &pro[0])
                .await
                .contains(&"licence.resource.replace".to_owned())
        );
        assert_eq!(
            audit_actions(&test_db, &id).await,
            vec!["licence.bulk.apply"]
        );

        // Only the lines with a problem, when asked.
        let html = body(get(&client, server, &format!("{page}?show=problems")).await).await;
        assert!(!html.contains("data-testid=\"bulk-line-2\""));
        assert!(html.contains("data-testid=\"bulk-line-3\""));

        // A second apply is refused.
        let html = follow(
            &client,
            server,
            post_form(&client, server, &apply, &[("confirm", "yes")]).await,
        )
        .await;
        assert!(html.contains("no longer a preview"));

        // The list shows the file.
        let html = body(get(&client, server, "/licences/bulk").await).await;
        assert!(html.contains(&page));
        assert!(html.contains("upload-end-users"), "operators get the forms");

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn end_users_in_french_a_discard_refused_files_and_support_only_looks() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let pro = orange::licences(&api, "O-2", &cus, PRO, 2).await.1;
        let client = admin(server).await;

        let csv = format!(
            "licence;given_name;family_name;email\n{};Claire;Lefebvre;claire@example.fr\n{};Marc;Durand;marc@\nlic_nobody;A;B;a@b.fr\n",
            pro[0], pro[1]
        );
        let (page, html) = preview(&client, server, "end_users", &csv).await;
        assert_eq!(
            test_id_text(&html, "bulk-counts").as_deref(),
            Some("3 lines: 1 ready, 2 with a problem")
        );
        assert!(html.contains("The e-mail address is not valid."));
        assert!(html.contains("No licence has this id or login."));
        let french = client
            .get(server.url(&page))
            .header("accept-language", "fr-FR")
            .send()
            .await
            .expect("GET");
        let french = body(french).await;
        assert!(
            french.contains("Aucune licence n’a cet identifiant"),
            "{french}"
        );
        assert!(french.contains("Appliquer 1 ligne prête"));

        // Discarded: it stays listed and nothing of it can be applied.
        let id = page.trim_start_matches("/licences/bulk/").to_owned();
        let discard = format!("/console/licences/bulk/{id}/discard");
        let response = post_form(&client, server, &discard, &[("confirm", "yes")]).await;
        assert_eq!(location(&response), "/licences/bulk");
        let html = body(get(&client, server, "/licences/bulk").await).await;
        assert!(html.contains("File discarded"));
        let html = follow(
            &client,
            server,
            post_form(
                &client,
                server,
                &format!("/console/licences/bulk/{id}/apply"),
                &[("confirm", "yes")],
            )
            .await,
        )
        .await;
        assert!(html.contains("no longer a preview"));
        let detail = licences::detail(&test_db.db, &pro[0].as_str().into())
            .await
            .expect("d")
            .expect("f");
        assert_eq!(detail.end_user, None);

        // Files refused as a whole keep nothing.
        let bad = [
            (
                "resources",
                "licence,type\nlic_1,msisdn\n",
                "missing: value",
            ),
            (
                "end_users",
                "licence,given_name,family_name,email\n\n",
                "no lines of changes",
            ),
            (
                "nothing",
                "licence,value\nlic_1,x\n",
                "Choose what the file changes.",
            ),
        ];
        for (kind, csv, message) in bad {
            let response = upload_with(
                &client,
                server,
                "/console/licences/bulk",
                &[("kind", kind)],
                "file",
                "bad.csv",
                csv,
            )
            .await;
            assert_eq!(location(&response), "/licences/bulk");
            let html = body(get(&client, server, "/licences/bulk").await).await;
            assert!(html.contains(message), "{kind}: {message}");
        }
        let many = format!("licence,value\n{}", "lic_1,+33612345678\n".repeat(10_001));
        let response = upload_with(
            &client,
            server,
            "/console/licences/bulk",
            &[("kind", "resources")],
            "file",
            "big.csv",
            &many,
        )
        .await;
        let html = follow(&client, server, response).await;
        assert!(html.contains("more than 10000 lines"), "too many lines");
        assert_eq!(
            licences::bulk::recent(&test_db.db, 10)
                .await
                .expect("recent")
                .len(),
            1
        );

        // Support sees the files, no forms, and the server refuses its posts.
        let support = signed_in(&test_db, server, "sam", Role::Support).await;
        let html = body(get(&support, server, "/licences/bulk").await).await;
        assert!(html.contains(&page));
        assert!(!html.contains("upload-resources"));
        let html = body(get(&support, server, &page).await).await;
        assert!(!html.contains("bulk-apply"));
        let response = upload_with(
            &support,
            server,
            "/console/licences/bulk",
            &[("kind", "resources")],
            "file",
            "x.csv",
            "licence,value\n",
        )
        .await;
        assert_eq!(response.status(), 403);
        let response = post_form(
            &support,
            server,
            &format!("/console/licences/bulk/{id}/discard"),
            &[("confirm", "yes")],
        )
        .await;
        assert_eq!(response.status(), 403);
        let response = get(&support, server, "/console/licences/placeholders.csv").await;
        assert_eq!(response.status(), 200, "support may download");

        api.stop().await;
        test_db.finish().await;
    }
}
