//! The console's licence pages and the partner's own changes, over real HTTP on SQLite and
//! PostgreSQL: the list's filters and pages, one licence, and each change (end user, realizing
//! resource, login): it changes the licence, queues exactly one event per changed licence with the
//! new value, and is audited; invalid values, support and terminated licences change nothing.
//!
//! Licences are made through the Orange API, as Orange makes them. The server's delivery worker is
//! not configured in these tests, so queued events stay pending where the tests read them.

use crate::common;
use crate::orange;

use serde_json::Value;

use common::*;
use fleetdesk_core::licences;
use fleetdesk_core::operators::Role;
use fleetdesk_core::outbox;
use fleetdesk_core::testing::TestDb;
use orange::{Api, DOCS, PRO, customer};

const ATTR: &str = "userServiceAttributeValueChangeEvent";

/// The userService of each attribute change event about a licence, oldest first.
async fn events_of(test_db: &TestDb, licence: &str) -> Vec<Value> {
    outbox::list_all(&test_db.db)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|e| e.resource_id == licence && e.event_type == ATTR)
        .map(|e| {
            assert_eq!(e.correlation_id, None);
            e.payload["event"]["userService"].clone()
        })
        .collect()
}

async fn all_attribute_events(test_db: &TestDb) -> usize {
    outbox::list_all(&test_db.db)
        .await
        .expect("outbox")
        .iter()
        .filter(|e| e.event_type == ATTR)
        .count()
}

async fn detail(test_db: &TestDb, id: &str) -> licences::LicenceDetail {
    licences::detail(&test_db.db, &id.into())
        .await
        .expect("detail")
        .expect("the licence exists")
}

/// The licence ids of an order of `quantity` licences of `offer`.
async fn order(api: &Api, reference: &str, customer_id: &str, offer: &str, n: i64) -> Vec<String> {
    orange::licences(api, reference, customer_id, offer, n)
        .await
        .1
}

#[tokio::test]
async fn the_list_filters_and_pages_and_a_licence_shows_its_resources() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let pro = order(&api, "O-2", &cus, PRO, 3).await;
        let docs = order(&api, "O-3", &cus, DOCS, 2).await;
        let client = admin(server).await;

        let html = body(get(&client, server, "/licences").await).await;
        for id in pro.iter().chain(&docs) {
            assert!(html.contains(id.as_str()), "{id} is listed");
        }
        assert_eq!(
            test_id_text(&html, "licence-count").as_deref(),
            Some("5 licences")
        );
        assert!(html.contains(&format!("/customers/{cus}")));

        let html = body(get(&client, server, &format!("/licences?offering={PRO}")).await).await;
        assert!(pro.iter().all(|id| html.contains(id.as_str())));
        assert!(docs.iter().all(|id| !html.contains(id.as_str())));

        let fleet = detail(&test_db, &docs[0]).await.fleet_id;
        let html = body(
            get(
                &client,
                server,
                &format!("/licences?fleet={fleet}&resource=placeholder&end_user=without"),
            )
            .await,
        )
        .await;
        assert_eq!(
            test_id_text(&html, "licence-count").as_deref(),
            Some("5 licences")
        );
        let html = body(get(&client, server, "/licences?state=terminated").await).await;
        assert!(html.contains("No licence matches these filters."));
        let html = body(get(&client, server, "/licences?state=lost").await).await;
        assert!(html.contains("Unknown licence state."));
        let login = detail(&test_db, &pro[1]).await.login.expect("a login");
        let html = body(get(&client, server, &format!("/licences?q={login}")).await).await;
        assert_eq!(
            test_id_text(&html, "licence-count").as_deref(),
            Some("1 licence")
        );
        assert!(html.contains(pro[1].as_str()));

        // 50 a page: 52 more licences make an "Older" link to the last 7.
        let more = order(&api, "O-4", &cus, orange::BASIC, 52).await;
        let html = body(get(&client, server, "/licences").await).await;
        let start = html
            .find("href=\"/licences?before_at=")
            .expect("an Older link")
            + 6;
        let href = html[start..html[start..].find('"').map(|e| start + e).expect("end")]
            .replace("&amp;", "&");
        let older = body(get(&client, server, &href).await).await;
        for id in pro.iter().chain(&docs) {
            assert!(older.contains(id.as_str()), "{id} is on the older page");
            assert!(!html.contains(id.as_str()), "{id} is not on the first page");
        }
        let rows = |page: &str| page.matches("data-testid=\"licence-lic_").count();
        assert_eq!((rows(&html), rows(&older)), (50, 7));
        let row = |page: &str, id: &str| page.contains(&format!("data-testid=\"licence-{id}\""));
        assert!(
            more.iter().all(|id| row(&html, id) != row(&older, id)),
            "each licence on one page"
        );
        assert!(
            !older.contains("href=\"/licences?before_at="),
            "no further page"
        );

        // One licence: login, placeholder, links, forms for an administrator.
        let page = body(get(&client, server, &format!("/licences/{}", pro[0])).await).await;
        let licence = detail(&test_db, &pro[0]).await;
        assert_eq!(
            test_id_text(&page, "licence-login").as_deref(),
            licence.login.as_deref()
        );
        assert!(page.contains(&licence.resources[0].value));
        assert!(page.contains("class=\"badge placeholder\""));
        assert!(page.contains(&format!("/fleets/{}", licence.fleet_id)));
        assert!(page.contains(&format!("/console/licences/{}/end-user", pro[0])));
        assert!(page.contains(&format!(
            "/console/licences/{}/resources/{}",
            pro[0], licence.resources[0].id
        )));
        assert!(
            page.contains("International format"),
            "the expected format is shown"
        );
        let shared = body(get(&client, server, &format!("/licences/{}", docs[0])).await).await;
        assert!(shared.contains("shared by the customer"));
        let missing = get(&client, server, "/licences/lic_nobody").await;
        assert_eq!(missing.status(), 404);

        api.stop().await;
        test_db.finish().await;
    }
}

/// The page a form comes back to is filled in with the posted address's own parameters,
/// percent-encoded: an id sent with an encoded slash or newline cannot change the page's path or
/// break the redirect (a newline used to make the answer a 500).
#[tokio::test]
async fn the_page_after_a_form_keeps_an_odd_id_encoded() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let client = signed_in(&test_db, server, "olga", Role::Operator).await;
        for (sent, page) in [
            ("lic%2F..%2F..%2Fx", "/licences/lic%2F..%2F..%2Fx"),
            ("lic%0Ax", "/licences/lic%0Ax"),
        ] {
            // An empty end user is refused before the licence is looked for.
            let path = format!("/console/licences/{sent}/end-user");
            let response = post_form(&client, server, &path, &[("given_name", "")]).await;
            assert_eq!(response.status(), 303, "{sent}");
            assert_eq!(location(&response), page);
        }
        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn each_change_updates_the_licence_tells_orange_once_and_is_audited() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let pro = order(&api, "O-2", &cus, PRO, 2).await;
        let imei = order(&api, "O-3", &cus, "OFFER-IMEI", 1).await;
        let docs = order(&api, "O-4", &cus, DOCS, 2).await;
        let client = signed_in(&test_db, server, "olga", Role::Operator).await;
        let id = &pro[0];
        let path = |tail: &str| format!("/console/licences/{id}{tail}");
        let claire = [
            ("given_name", "Claire"),
            ("family_name", "Lefebvre"),
            ("email", "claire.lefebvre@example.fr"),
            ("mobile_cc", "33"),
            ("mobile_sn", "06 12 34 56 78"),
        ];

        // Assign the end user.
        let before = detail(&test_db, id).await;
        let response = post_form(&client, server, &path("/end-user"), &claire).await;
        assert_eq!(location(&response), format!("/licences/{id}"));
        let page = follow(&client, server, response).await;
        assert!(page.contains("End user saved."));
        let after = detail(&test_db, id).await;
        let user = after.end_user.clone().expect("an end user");
        assert_eq!(
            (user.given_name(), user.email()),
            ("Claire", "claire.lefebvre@example.fr")
        );
        assert!(after.updated_at > before.updated_at);
        let events = events_of(&test_db, id).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["endUser"]["familyName"], "Lefebvre");
        assert_eq!(
            events[0]["endUser"]["mobileTelephoneNumber"]["sn"],
            "612345678"
        );

        // A bad e-mail address is refused and changes nothing.
        let mut bad = claire;
        bad[2] = ("email", "claire@");
        let page = follow(
            &client,
            server,
            post_form(&client, server, &path("/end-user"), &bad).await,
        )
        .await;
        assert!(page.contains("The e-mail address is not valid."));
        assert_eq!(detail(&test_db, id).await.end_user, Some(user));

        // A bad MSISDN is refused, in French for a French reader; a good one replaces the placeholder.
        let msisdn = after.resources[0].clone();
        let resource = path(&format!("/resources/{}", msisdn.id));
        let response = client
            .post(server.url(&resource))
            .header("accept-language", "fr-FR,fr;q=0.9")
            .form(&[("value", "0612345678")])
            .send()
            .await
            .expect("POST");
        let page = follow(&client, server, response).await;
        assert!(page.contains("MSISDN non valide"), "French flash");
        assert_eq!(detail(&test_db, id).await.resources[0], msisdn, "unchanged");
        let page = follow(
            &client,
            server,
            post_form(
                &client,
                server,
                &resource,
                &[("value", "+33 6 11 22 33 44")],
            )
            .await,
        )
        .await;
        assert!(page.contains("Realizing resource replaced."));
        let real = detail(&test_db, id).await.resources[0].clone();
        assert_eq!(
            (real.value.as_str(), real.placeholder_since),
            ("+33611223344", None)
        );

        // A bad IMEI (wrong Luhn digit) is refused.
        let device = detail(&test_db, &imei[0]).await.resources[0].clone();
        let imei_path = format!("/console/licences/{}/resources/{}", imei[0], device.id);
        let page = follow(
            &client,
            server,
            post_form(&client, server, &imei_path, &[("value", "490154203237517")]).await,
        )
        .await;
        assert!(page.contains("Not a valid IMEI"));
        assert_eq!(detail(&test_db, &imei[0]).await.resources[0], device);
        assert!(events_of(&test_db, &imei[0]).await.is_empty());

        // Renewing the login asks for confirmation.
        let old_login = detail(&test_db, id).await.login;
        let page = follow(
            &client,
            server,
            post_form(&client, server, &path("/login/renew"), &[]).await,
        )
        .await;
        assert!(page.contains("to renew the login"));
        assert_eq!(detail(&test_db, id).await.login, old_login);
        let page = follow(
            &client,
            server,
            post_form(
                &client,
                server,
                &path("/login/renew"),
                &[("confirm", "yes")],
            )
            .await,
        )
        .await;
        let new_login = detail(&test_db, id).await.login.expect("a login");
        assert_ne!(Some(new_login.clone()), old_login);
        assert!(page.contains(&format!("New login: {new_login}.")));

        // Removing the end user asks for confirmation too.
        post_form(&client, server, &path("/end-user/remove"), &[]).await;
        assert!(detail(&test_db, id).await.end_user.is_some());
        post_form(
            &client,
            server,
            &path("/end-user/remove"),
            &[("confirm", "yes")],
        )
        .await;
        assert_eq!(detail(&test_db, id).await.end_user, None);

        let events = events_of(&test_db, id).await;
        assert_eq!(events.len(), 4, "one event per change");
        assert_eq!(
            events[1]["realizingResource"][0],
            serde_json::json!({"type": "msisdn", "value": "+33611223344", "placeholder": false})
        );
        assert_eq!(events[2]["login"]["login"], new_login.as_str());
        assert!(events[3].get("endUser").is_none());
        assert_eq!(
            audit_actions(&test_db, id).await,
            [
                "licence.end_user.remove",
                "licence.login.renew",
                "licence.resource.replace",
                "licence.end_user.assign"
            ]
        );
        let entry = &fleetdesk_core::audit::list(
            &test_db.db,
            &fleetdesk_core::audit::Filter {
                object_id: Some(id.clone()),
                ..Default::default()
            },
            1,
        )
        .await
        .expect("audit")[0];
        assert_eq!(entry.actor_label, "olga");
        assert!(entry.request_id.is_some());
        assert!(
            events_of(&test_db, &pro[1]).await.is_empty(),
            "the other licence is untouched"
        );

        // A shared resource: one event for each licence it realizes.
        let shared = detail(&test_db, &docs[0]).await.resources[0].clone();
        let shared_path = format!("/console/licences/{}/resources/{}", docs[0], shared.id);
        let page = follow(
            &client,
            server,
            post_form(
                &client,
                server,
                &shared_path,
                &[("value", "https://docs.lefebvre.fr/")],
            )
            .await,
        )
        .await;
        assert!(page.contains("on 2 licences"));
        for licence in &docs {
            let events = events_of(&test_db, licence).await;
            assert_eq!(events.len(), 1, "{licence}");
            assert_eq!(
                events[0]["realizingResource"][0]["value"],
                "https://docs.lefebvre.fr/"
            );
        }
        let page = body(get(&client, server, &format!("/licences/{id}")).await).await;
        assert!(
            page.contains("Login renewed"),
            "the timeline shows the change"
        );
        assert!(page.contains(ATTR), "the timeline shows the events");

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_sees_no_forms_and_is_refused_with_nothing_changed() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let pro = order(&api, "O-2", &cus, PRO, 1).await;
        let id = &pro[0];
        let client = signed_in(&test_db, server, "sam", Role::Support).await;
        let page = get(&client, server, &format!("/licences/{id}")).await;
        assert_eq!(page.status(), 200);
        let page = body(page).await;
        assert!(page.contains(id.as_str()));
        assert!(
            !page.contains("/console/licences/"),
            "no action form for support"
        );

        let before = detail(&test_db, id).await;
        let resource = format!(
            "/console/licences/{id}/resources/{}",
            before.resources[0].id
        );
        for (path, fields) in [
            (
                format!("/console/licences/{id}/end-user"),
                vec![
                    ("given_name", "C"),
                    ("family_name", "L"),
                    ("email", "c@example.fr"),
                ],
            ),
            (
                format!("/console/licences/{id}/end-user/remove"),
                vec![("confirm", "yes")],
            ),
            (resource, vec![("value", "+33611223344")]),
            (
                format!("/console/licences/{id}/login/renew"),
                vec![("confirm", "yes")],
            ),
        ] {
            let response = post_form(&client, server, &path, &fields).await;
            assert_eq!(response.status(), 403, "{path}");
            assert!(
                body(response)
                    .await
                    .contains("Your role does not allow changes"),
                "{path}: the refusal says why"
            );
        }
        let in_french = client
            .post(server.url(&format!("/console/licences/{id}/login/renew")))
            .header("accept-language", "fr-FR,fr;q=0.9")
            .form(&[("confirm", "yes")])
            .send()
            .await
            .expect("POST request");
        assert_eq!(in_french.status(), 403);
        assert!(
            body(in_french)
                .await
                .contains("Votre rôle ne permet pas de modifications"),
            "the refusal is in the reader's language"
        );
        let after = detail(&test_db, id).await;
        assert_eq!(
            (
                after.end_user,
                after.login,
                after.resources,
                after.updated_at
            ),
            (
                before.end_user,
                before.login,
                before.resources,
                before.updated_at
            )
        );
        assert_eq!(all_attribute_events(&test_db).await, 0);
        assert!(
            audit_actions(&test_db, id)
                .await
                .iter()
                .all(|a| !a.starts_with("licence."))
        );

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_terminated_licence_refuses_every_change() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = customer(&api, "O-1", "C-1").await;
        let pro = order(&api, "O-2", &cus, PRO, 1).await;
        let id = &pro[0];
        let deleted = api.delete(&format!("/userService/{id}")).await;
        assert_eq!(deleted.status, 200, "{:#}", deleted.body);
        let client = admin(server).await;

        let page = body(get(&client, server, &format!("/licences/{id}")).await).await;
        assert!(page.contains("data-testid=\"licence-locked\""));
        assert!(
            !page.contains("/console/licences/"),
            "no form on a terminated licence"
        );

        let before = detail(&test_db, id).await;
        let response = post_form(
            &client,
            server,
            &format!("/console/licences/{id}/end-user"),
            &[
                ("given_name", "C"),
                ("family_name", "L"),
                ("email", "c@example.fr"),
            ],
        )
        .await;
        let page = follow(&client, server, response).await;
        assert!(page.contains("This licence is terminated"));
        let resource = format!(
            "/console/licences/{id}/resources/{}",
            before.resources[0].id
        );
        post_form(&client, server, &resource, &[("value", "+33611223344")]).await;
        post_form(
            &client,
            server,
            &format!("/console/licences/{id}/login/renew"),
            &[("confirm", "yes")],
        )
        .await;
        let after = detail(&test_db, id).await;
        assert_eq!(
            (after.end_user, after.login, after.resources),
            (before.end_user, before.login, before.resources)
        );
        assert_eq!(all_attribute_events(&test_db).await, 0);

        api.stop().await;
        test_db.finish().await;
    }
}
