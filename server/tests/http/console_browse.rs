//! The console's customers, fleets, orders and tasks pages and the customers' CSV export, over
//! real HTTP on SQLite and PostgreSQL, with data seeded through the Orange API as Orange does.

use crate::common;
use crate::orange;

use serde_json::{Value, json};

use fleetdesk_core::operators::Role;
use fleetdesk_core::orange::settings::Mode;
use fleetdesk_core::testing::TestDb;

use common::*;
use orange::{Api, BASIC, PRO, create_customer, eventually, licences, order_licences, set};

/// Creates a customer named `name` (Orange reference `customer_ref`) and returns its id.
async fn named_customer(api: &Api, order_ref: &str, customer_ref: &str, name: &str) -> String {
    let mut body = create_customer(order_ref, customer_ref);
    body["customer"]["name"] = json!(name);
    let reply = api.post("/productOrder", &body).await;
    assert_eq!(reply.status, 201, "{:#}", reply.body);
    reply.str("/customer/id")
}

async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = get(client, server, path).await;
    let status = response.status().as_u16();
    (status, body(response).await)
}

/// The customer ids a list page shows, in order.
fn listed_customers(html: &str) -> Vec<String> {
    html.split("data-testid=\"customer-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The address of the link marked `rel="{rel}"`.
fn link(html: &str, rel: &str) -> Option<String> {
    html.split(&format!("rel=\"{rel}\" href=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
}

const TRICKY: &str = "Dupont, \"Frères\" & Cie";

/// 53 "Atelier NN" customers, then the tricky name: `(atelier ids, tricky id)`.
async fn seed_customers(api: &Api) -> (Vec<String>, String) {
    let mut ids = Vec::new();
    for n in 0..53 {
        ids.push(
            named_customer(
                api,
                &format!("O-A{n:02}"),
                &format!("C-A{n:02}"),
                &format!("Atelier {n:02}"),
            )
            .await,
        );
    }
    let tricky = named_customer(api, "O-DUP", "C-DUPONT", TRICKY).await;
    (ids, tricky)
}

#[tokio::test]
async fn the_customer_list_searches_sorts_and_pages_both_ways() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let (ateliers, tricky) = seed_customers(&api).await;
        // Support reads customers too.
        let support = signed_in(&test_db, server, "sam", Role::Support).await;

        let (status, first) = page(&support, server, "/customers").await;
        assert_eq!(status, 200);
        let on_first = listed_customers(&first);
        assert_eq!(on_first, ateliers[..50].to_vec(), "by name, A to Z");
        assert!(
            link(&first, "prev").is_none(),
            "nothing before the first page"
        );
        let next = link(&first, "next").expect("a Next link");
        let (_, second) = page(&support, server, &next).await;
        let mut expected = ateliers[50..].to_vec();
        expected.push(tricky.clone());
        assert_eq!(listed_customers(&second), expected);
        assert!(
            link(&second, "next").is_none(),
            "nothing after the last page"
        );
        let previous = link(&second, "prev").expect("a Previous link");
        let (_, back) = page(&support, server, &previous).await;
        assert_eq!(
            listed_customers(&back),
            on_first,
            "Previous goes back to the same page"
        );

        let (_, newest) = page(&support, server, "/customers?sort=newest").await;
        let shown = listed_customers(&newest);
        assert_eq!(shown.len(), 50);
        assert_eq!(shown[0], tricky, "newest first");
        assert_eq!(shown[1], ateliers[52]);
        let older = link(&newest, "next").expect("an Older link");
        assert!(older.contains("sort=newest"), "the sort is kept: {older}");
        let (_, oldest) = page(&support, server, &older).await;
        let rest: Vec<String> = ateliers[..4].iter().rev().cloned().collect();
        assert_eq!(
            listed_customers(&oldest),
            rest,
            "the four oldest, newest first"
        );

        for search in ["dupont", "DUP", "C-DUPONT", tricky.as_str()] {
            let path = format!("/customers?q={}", urlencode(search));
            let (_, found) = page(&support, server, &path).await;
            assert_eq!(listed_customers(&found), vec![tricky.clone()], "{search}");
        }
        let (_, atelier_1) = page(&support, server, "/customers?q=atelier%201").await;
        assert_eq!(listed_customers(&atelier_1), ateliers[10..20].to_vec());
        let (_, none) = page(&support, server, "/customers?q=zzz").await;
        assert!(listed_customers(&none).is_empty());
        assert!(none.contains("No customer matches this search."));
        let (_, bad) = page(&support, server, "/customers?sort=sideways").await;
        assert!(
            bad.contains("is not a sort order"),
            "an unknown sort is said"
        );

        api.stop().await;
        test_db.finish().await;
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_csv_export_streams_the_whole_filtered_set_quoted() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let (ateliers, tricky) = seed_customers(&api).await;
        licences(&api, "O-L1", &tricky, PRO, 2).await;
        let support = signed_in(&test_db, server, "sam", Role::Support).await;

        let response = get(&support, server, "/console/customers.csv").await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
        let disposition = header(&response, "content-disposition");
        assert!(
            disposition.starts_with("attachment; filename=\"customers-20")
                && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        let text = body(response).await;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "id,orange_reference,name,legal_id,street,postcode,city,country,created_at,fleets,licences"
        );
        assert_eq!(lines.len(), 1 + 54, "every customer, not one page");
        let dupont = lines.last().expect("the tricky line");
        assert!(
            dupont.starts_with(&format!(
                "{tricky},C-DUPONT,\"Dupont, \"\"Frères\"\" & Cie\",41234567800019,12 rue des Tanneurs,59000,Lille,FR,"
            )),
            "{dupont}"
        );
        assert!(
            dupont.ends_with(",1,2"),
            "one fleet, two licences: {dupont}"
        );
        assert!(lines[1].starts_with(&format!("{},C-A00,Atelier 00,", ateliers[0])));

        let filtered = body(
            get(
                &support,
                server,
                "/console/customers.csv?q=atelier&sort=newest",
            )
            .await,
        )
        .await;
        let lines: Vec<&str> = filtered.lines().collect();
        assert_eq!(lines.len(), 1 + 53);
        assert!(
            lines[1].starts_with(&ateliers[52]),
            "newest first: {}",
            lines[1]
        );

        let anonymous = client();
        let refused = get(&anonymous, server, "/console/customers.csv?q=a").await;
        assert_eq!(refused.status(), 303);
        assert_eq!(
            location(&refused),
            "/login?next=%2Fconsole%2Fcustomers.csv%3Fq%3Da"
        );

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_customer_page_shows_contacts_fleets_and_orders_and_a_fleet_its_counts() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = named_customer(&api, "O-1", "C-1", "Menuiserie Lefebvre SARL").await;
        let (fleet, pro) = licences(&api, "O-2", &cus, PRO, 3).await;
        let (same_fleet, basic) = licences(&api, "O-3", &cus, BASIC, 2).await;
        assert_eq!(fleet, same_fleet, "one fleet per customer by default");
        let suspended = api
            .patch(
                &format!("/userService/{}", pro[0]),
                &json!({"state": "suspended"}),
            )
            .await;
        assert_eq!(suspended.status, 200, "{:#}", suspended.body);
        let operator = signed_in(&test_db, server, "olga", Role::Operator).await;

        let (status, html) = page(&operator, server, &format!("/customers/{cus}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Menuiserie Lefebvre SARL"));
        assert!(html.contains("Claire Lefebvre") && html.contains("customerFleetManager"));
        assert!(html.contains("+33 612345678"), "the contact's mobile");
        assert!(html.contains(&format!("href=\"/fleets/{fleet}\"")));
        let orders: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM product_orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(&cus)
        .fetch_all(test_db.db.pool())
        .await
        .expect("orders");
        assert_eq!(orders.len(), 3);
        let positions: Vec<usize> = orders
            .iter()
            .map(|id| {
                html.find(&format!("href=\"/orders/{id}\""))
                    .expect("order linked")
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "newest first");
        assert!(html.contains("orange.customer.create"), "the timeline");

        let (status, html) = page(&operator, server, &format!("/fleets/{fleet}")).await;
        assert_eq!(status, 200);
        assert_eq!(test_id_text(&html, "fleet-total").as_deref(), Some("5"));
        let by_state: Vec<(String, i64)> = sqlx::query(
            "SELECT state, COUNT(*) AS n FROM licences WHERE fleet_id = $1 GROUP BY state",
        )
        .bind(&fleet)
        .fetch_all(test_db.db.pool())
        .await
        .expect("counts")
        .iter()
        .map(|r| {
            use sqlx::Row;
            (r.get("state"), r.get("n"))
        })
        .collect();
        assert!(by_state.iter().any(|(s, n)| s == "suspended" && *n == 1));
        for (state, n) in &by_state {
            let marker = format!("data-testid=\"count-{state}\"");
            let card = html.split(&marker).nth(1).expect("a card per state");
            assert!(
                card.contains(&format!("<span class=\"card-value\">{n}</span>")),
                "{state}: {n}"
            );
        }
        let offerings = html
            .split("data-testid=\"by-offering\"")
            .nth(1)
            .expect("by offering");
        assert!(offerings.contains(PRO) && offerings.contains(BASIC));
        for id in pro.iter().chain(&basic) {
            assert!(
                html.contains(&format!("href=\"/licences/{id}\"")),
                "{id} linked"
            );
        }

        for path in [
            "/customers/cus_nope",
            "/fleets/flt_nope",
            "/orders/ord_nope",
            "/tasks/tsk_nope",
        ] {
            let (status, html) = page(&operator, server, path).await;
            assert_eq!(status, 404, "{path}");
            assert!(html.contains("There is nothing at this address."), "{path}");
        }
        let anonymous = client();
        for path in [
            "/customers",
            &format!("/customers/{cus}"),
            "/orders",
            "/tasks",
        ] {
            let response = get(&anonymous, server, path).await;
            assert_eq!(response.status(), 303, "{path}");
            assert!(location(&response).starts_with("/login?next="), "{path}");
        }

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn an_order_page_shows_the_raw_request_the_answer_its_licences_and_events() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        set(&test_db, |s| s.licence_order = Mode::Async).await;
        let cus = named_customer(&api, "O-1", "C-1", "Menuiserie Lefebvre SARL").await;
        let placed = api
            .post("/productOrder", &order_licences("OBA-ORD-77", &cus, PRO, 2))
            .await;
        assert_eq!(placed.status, 201, "{:#}", placed.body);
        let order = placed.str("/id");
        let db = test_db.db.clone();
        let id = order.clone();
        eventually("the order to complete", || {
            let (db, id) = (db.clone(), id.clone());
            async move {
                let state: String =
                    sqlx::query_scalar("SELECT state FROM product_orders WHERE id = $1")
                        .bind(&id)
                        .fetch_one(db.pool())
                        .await
                        .expect("state");
                state == "completed"
            }
        })
        .await;
        let operator = signed_in(&test_db, server, "olga", Role::Operator).await;

        let (status, html) = page(&operator, server, &format!("/orders/{order}")).await;
        assert_eq!(status, 200);
        let request = test_id_text(&html, "raw-request").expect("the raw request");
        assert!(request.contains("OBA-ORD-77") && request.contains("userServiceQuantity"));
        assert!(request.contains("\n  "), "pretty-printed: {request}");
        let answer = test_id_text(&html, "raw-response").expect("the answer");
        assert!(
            answer.contains("acknowledged"),
            "the first answer: {answer}"
        );
        assert!(
            html.contains("data-testid=\"exchange-link\""),
            "the exchange is kept"
        );
        let licences: Vec<String> = sqlx::query_scalar(
            "SELECT l.id FROM licences l JOIN product_order_items i ON i.id = l.order_item_id \
             WHERE i.order_id = $1",
        )
        .bind(&order)
        .fetch_all(test_db.db.pool())
        .await
        .expect("licences");
        assert_eq!(licences.len(), 2);
        for id in &licences {
            assert!(
                html.contains(&format!("href=\"/licences/{id}\"")),
                "{id} linked"
            );
        }
        let events: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM outbox_events WHERE correlation_id = $1 OR resource_id = $2",
        )
        .bind("OBA-ORD-77")
        .bind(&order)
        .fetch_all(test_db.db.pool())
        .await
        .expect("events");
        assert!(!events.is_empty(), "the completion owes Orange an event");
        for id in &events {
            assert!(
                html.contains(&format!("href=\"/events/{id}\"")),
                "{id} linked"
            );
        }
        assert!(html.contains("orange.order.create") && html.contains("orange.order.complete"));

        let (_, list) = page(&operator, server, "/orders?state=completed").await;
        assert!(list.contains(&format!("data-testid=\"order-{order}\"")));
        let (_, failed) = page(&operator, server, "/orders?state=failed").await;
        assert!(!failed.contains(&format!("data-testid=\"order-{order}\"")));

        // Once the exchange's retention has passed, the copy kept with the order still shows.
        sqlx::query("DELETE FROM orange_exchanges")
            .execute(test_db.db.pool())
            .await
            .expect("exchanges purged");
        let (_, html) = page(&operator, server, &format!("/orders/{order}")).await;
        assert!(html.contains("data-testid=\"exchange-gone\""));
        let request = test_id_text(&html, "raw-request").expect("the raw request");
        assert!(request.contains("OBA-ORD-77"));

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_task_page_shows_each_item_its_result_the_raw_request_and_events() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = named_customer(&api, "O-1", "C-1", "Menuiserie Lefebvre SARL").await;
        let (_, ids) = licences(&api, "O-2", &cus, PRO, 2).await;
        set(&test_db, |s| s.state_change = Mode::Async).await;
        let body: Value = json!({
            "externalReference": {"type": "orange", "id": "OBA-TSK-9"},
            "action": "changeState",
            "state": "suspended",
            "userService": [{"id": ids[0]}, {"id": "lic_unknown"}, {"id": ids[1]}]
        });
        let task = api.post("/userServiceTask", &body).await;
        assert!(task.status == 201 || task.status == 202, "{:#}", task.body);
        let task = task.str("/id");
        let db = test_db.db.clone();
        let id = task.clone();
        eventually("the task to finish", || {
            let (db, id) = (db.clone(), id.clone());
            async move {
                let state: String =
                    sqlx::query_scalar("SELECT state FROM user_service_tasks WHERE id = $1")
                        .bind(&id)
                        .fetch_one(db.pool())
                        .await
                        .expect("state");
                !matches!(state.as_str(), "acknowledged" | "inProgress")
            }
        })
        .await;
        let support = signed_in(&test_db, server, "sam", Role::Support).await;

        let (status, html) = page(&support, server, &format!("/tasks/{task}")).await;
        assert_eq!(status, 200);
        let items = html
            .split("data-testid=\"task-items\"")
            .nth(1)
            .expect("items");
        assert!(items.contains(&format!("href=\"/licences/{}\"", ids[0])));
        assert!(items.contains(&format!("href=\"/licences/{}\"", ids[1])));
        assert!(items.contains("lic_unknown") && items.contains("UNKNOWN_USER_SERVICE"));
        let request = test_id_text(&html, "raw-request").expect("the raw request");
        assert!(request.contains("OBA-TSK-9"));
        let events: Vec<String> =
            sqlx::query_scalar("SELECT id FROM outbox_events WHERE correlation_id = $1")
                .bind("OBA-TSK-9")
                .fetch_all(test_db.db.pool())
                .await
                .expect("events");
        assert!(!events.is_empty(), "the completion owes Orange events");
        for id in &events {
            assert!(
                html.contains(&format!("href=\"/events/{id}\"")),
                "{id} linked"
            );
        }
        let (_, list) = page(&support, server, "/tasks").await;
        assert!(list.contains(&format!("data-testid=\"task-{task}\"")));

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn support_and_operators_add_audited_notes_to_a_customer() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let cus = named_customer(&api, "O-1", "C-1", "Menuiserie Lefebvre SARL").await;
        let support = signed_in(&test_db, server, "sam", Role::Support).await;
        let notes = format!("/console/customers/{cus}/notes");

        let added = post_form(
            &support,
            server,
            &notes,
            &[("body", "Called back about <the> invoice")],
        )
        .await;
        assert_eq!(added.status(), 303);
        assert_eq!(location(&added), format!("/customers/{cus}"));
        let (_, html) = page(&support, server, &format!("/customers/{cus}")).await;
        assert!(html.contains("Note added."), "the flash");
        let section = html.split("data-testid=\"notes\"").nth(1).expect("notes");
        assert!(
            section.contains("Called back about &lt;the&gt; invoice"),
            "escaped"
        );
        assert!(section.contains("sam name"), "the author");
        assert!(
            audit_actions(&test_db, &cus)
                .await
                .contains(&"customer.note.add".to_owned())
        );

        let empty = post_form(&support, server, &notes, &[("body", "   ")]).await;
        assert_eq!(location(&empty), format!("/customers/{cus}"));
        let (_, html) = page(&support, server, &format!("/customers/{cus}")).await;
        assert!(html.contains("Write a note of 1 to 4,000 characters."));
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notes WHERE object_id = $1")
            .bind(&cus)
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        assert_eq!(count, 1, "the empty note was not kept");

        let operator = signed_in(&test_db, server, "olga", Role::Operator).await;
        let unknown = post_form(
            &operator,
            server,
            "/console/customers/cus_nope/notes",
            &[("body", "hi")],
        )
        .await;
        assert_eq!(location(&unknown), "/customers");
        // Support's exception is for notes only.
        let other = post_form(
            &support,
            server,
            "/console/events/evt_x/resend",
            &[("confirm", "yes")],
        )
        .await;
        assert_eq!(other.status(), 403);
        let anonymous = post_form(&client(), server, &notes, &[("body", "hi")]).await;
        assert_eq!(anonymous.status(), 401);

        api.stop().await;
        test_db.finish().await;
    }
}

#[tokio::test]
async fn formulas_from_orange_are_exported_inert_and_plain_names_unchanged() {
    for test_db in TestDb::all().await {
        let api = Api::start(&test_db).await;
        let server = &api.server;
        let mut body = create_customer("O-CSV-1", "C-CSV-1");
        body["customer"]["name"] = json!("=cmd|' /C calc'!A0");
        body["customer"]["address"] = json!({
            "street": "@SUM(1+1)",
            "postcode": "+33",
            "city": "-2+3",
            "country": "FR"
        });
        let reply = api.post("/productOrder", &body).await;
        assert_eq!(reply.status, 201, "{:#}", reply.body);
        let formula = reply.str("/customer/id");
        let plain = named_customer(&api, "O-CSV-2", "C-CSV-2", "Atelier Dupont").await;
        let support = signed_in(&test_db, server, "sam", Role::Support).await;

        let text = body_of(get(&support, server, "/console/customers.csv").await).await;
        let line = |id: &str| {
            text.lines()
                .find(|line| line.starts_with(id))
                .unwrap_or_else(|| panic!("no line for {id} in {text}"))
                .to_owned()
        };
        assert!(
            line(&formula).starts_with(&format!(
                "{formula},C-CSV-1,'=cmd|' /C calc'!A0,41234567800019,'@SUM(1+1),'+33,'-2+3,FR,"
            )),
            "{}",
            line(&formula)
        );
        assert!(
            line(&plain).starts_with(&format!(
                "{plain},C-CSV-2,Atelier Dupont,41234567800019,12 rue des Tanneurs,59000,Lille,FR,"
            )),
            "{}",
            line(&plain)
        );

        api.stop().await;
        test_db.finish().await;
    }
}

async fn body_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 200);
    body(response).await
}
