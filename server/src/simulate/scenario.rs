//! The steps Orange plays, in order: ping and authentication (sections 2 and 3), a customer and
//! two licence orders (section 4), consultation, single changes and tasks (section 5), refused
//! requests that must change nothing (section 2), and at the end every licence created deleted,
//! so that the installation is left consistent. Every reference carries the run's tag, so runs
//! never collide.

use std::time::Duration;

use serde_json::{Value, json};

use super::checks::{self, Checked, broken, rule};
use super::events::Expected;
use super::{Answer, Auth, Body, Mode, Runner, Stop};

/// A well-formed id that names nothing: the prefix and 32 hexadecimal digits.
fn unknown_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

fn reference(id: &str) -> Value {
    json!({"type": "orange", "id": id})
}

fn customer_creation(order_ref: &str, customer_ref: &str, name: &str) -> Value {
    json!({
        "externalReference": reference(order_ref),
        "category": "standard",
        "orderDate": "2026-11-20T09:14:00Z",
        "customer": {
            "externalReference": reference(customer_ref),
            "name": name,
            "legalId": "41234567800019",
            "address": {"street": "12 rue des Tanneurs", "postcode": "59000", "city": "Lille", "country": "FR"}
        },
        "relatedContact": [{
            "role": "customerFleetManager",
            "givenName": "Claire",
            "familyName": "Lefebvre",
            "email": "claire.lefebvre@example.invalid",
            "mobileTelephoneNumber": {"cc": "33", "sn": "639980000"}
        }]
    })
}

fn licence_order(
    order_ref: &str,
    customer_id: &str,
    offer: &str,
    fleet: Option<&str>,
    quantity: Value,
) -> Value {
    let mut product_ref = json!({"userServiceQuantity": quantity,
        "characteristic": [{"name": "storageSize", "value": "50GB"}]});
    if let Some(fleet) = fleet {
        product_ref["id"] = json!(fleet);
    }
    json!({
        "externalReference": reference(order_ref),
        "orderDate": "2026-11-20T09:20:00Z",
        "customer": {"id": customer_id},
        "orderItem": [{
            "id": "1",
            "action": "add",
            "productOffering": {"name": "Simulated", "externalReference": reference(offer)},
            "productRef": product_ref
        }],
        "note": [{"text": "order sent by fleetdesk simulate", "author": "Orange", "date": "2026-11-20T09:19:00Z"}]
    })
}

fn all_of(checks: impl IntoIterator<Item = Checked>) -> Checked {
    checks
        .into_iter()
        .collect::<Result<Vec<()>, _>>()
        .map(|_| ())
}

/// A completed order's first item: completed, the fleet used, `quantity` active licences, and the
/// fields Orange sent echoed.
fn completed_licences(order: &Value, quantity: usize) -> Checked {
    checks::equals(order, "/orderItem/0/state", "completed")?;
    checks::equals(order, "/orderItem/0/id", "1")?;
    checks::equals(order, "/orderItem/0/action", "add")?;
    checks::text(order, "/orderItem/0/productRef/id")?;
    checks::text(order, "/note/0/text")?;
    let count = order
        .pointer("/orderItem/0/productRef/userServiceQuantity")
        .and_then(Value::as_u64);
    let licences = checks::array(order, "/orderItem/0/productRef/userService")?;
    if count != Some(quantity as u64) || licences.len() != quantity {
        return Err(broken(
            rule::FIELD,
            format!(
                "the item's productRef has userServiceQuantity {quantity} and the {quantity} licences created (section 4)"
            ),
            format!("userServiceQuantity {count:?}, {} licences", licences.len()),
        ));
    }
    for (i, licence) in licences.iter().enumerate() {
        checks::text(licence, "/id")?;
        checks::equals(licence, "/state", "active").map_err(|mut b| {
            b.requirement = format!("licence {i} of a completed order is active (section 5)");
            b
        })?;
    }
    Ok(())
}

fn licence_ids(order: &Value) -> Vec<String> {
    checks::ids(&order["orderItem"][0]["productRef"]["userService"])
}

fn list_is(answer: &Answer, ids: &[String], total: u64) -> Checked {
    checks::success(answer, 200)?;
    let found = checks::ids(&answer.body);
    if !answer.body.is_array() || found != ids {
        return Err(broken(
            rule::PAGING,
            "the fleet's licences matching the filters, in creation order, from offset, at most limit (section 5)",
            format!("ids {found:?}, expected {ids:?}"),
        ));
    }
    for item in answer.body.as_array().into_iter().flatten() {
        checks::licence(item)?;
    }
    checks::counts(answer, total, ids.len() as u64)
}

fn still(answer: &Answer, state: &str) -> Checked {
    checks::success(answer, 200)?;
    checks::equals(&answer.body, "/state", state).map_err(|mut b| {
        b.rule = rule::NOTHING_CHANGED;
        b.requirement =
            format!("a refused request changes nothing: the licence is still {state} (section 2)");
        b
    })
}

impl Runner<'_> {
    /// Reads `path` until its state is final (not `acknowledged` or `inProgress`) or time runs out.
    async fn settle(&mut self, path: &str) -> Answer {
        loop {
            let answer = self.get(path).await;
            let state = answer.str("/state").unwrap_or_default();
            if !matches!(state.as_str(), "acknowledged" | "inProgress")
                || self.time_left().is_zero()
            {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Places an order and returns it completed (read back in asynchronous mode), with its id.
    async fn order(
        &mut self,
        what: &str,
        body: &Value,
        order_ref: &str,
        expected: &mut Vec<Expected>,
        extra: impl Fn(&Value) -> Checked,
    ) -> Result<(Answer, Value), Stop> {
        let first = self.send("POST", "/productOrder", body.clone()).await;
        let state = match self.mode {
            Mode::Sync => "completed",
            Mode::Async => "acknowledged",
        };
        let answered = all_of([
            checks::success(&first, 201),
            checks::order(&first.body, order_ref, state),
            match self.mode {
                Mode::Sync => extra(&first.body),
                Mode::Async => Ok(()),
            },
        ]);
        self.step(what.to_owned(), answered);
        let id = self.need(first.str("/id"), "the order's id")?;
        let completed = match self.mode {
            Mode::Sync => first.body.clone(),
            Mode::Async => {
                let done = self.settle(&format!("/productOrder/{id}")).await;
                let fine = all_of([
                    checks::success(&done, 200),
                    checks::order(&done.body, order_ref, "completed").map_err(|mut b| {
                        if done.str("/state").as_deref() == Some("acknowledged") {
                            b.rule = rule::COMPLETES;
                            b.requirement = format!(
                                "acknowledged work completes (within the time limit, {} s)",
                                self.time_limit.as_secs()
                            );
                        }
                        b
                    }),
                    extra(&done.body),
                ]);
                self.step(format!("{what}: completes"), fine);
                done.body
            }
        };
        // Sent in asynchronous mode only; in synchronous mode it must not be sent at all.
        expected.push(Expected {
            resource: "productOrder",
            event_type: "productOrderStateChangeEvent",
            id: id.clone(),
            state: "completed".to_owned(),
            correlation: Some(order_ref.to_owned()),
            cause: what.to_owned(),
        });
        Ok((first, completed))
    }

    /// A PATCH or DELETE of one licence: the licence at once (sync) or a task completed later
    /// (async); then the licence is read and must be in `state`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call per kind of single change"
    )]
    async fn change(
        &mut self,
        what: &str,
        method: &str,
        licence: &str,
        body: Option<Value>,
        action: &str,
        state: &str,
        event_type: &'static str,
        expected: &mut Vec<Expected>,
    ) {
        let path = format!("/userService/{licence}");
        let answer = match &body {
            Some(body) => self.send(method, &path, body.clone()).await,
            None => {
                let full = self.path(&path);
                self.call(method, &full, Body::None, Auth::Credential).await
            }
        };
        match self.mode {
            Mode::Sync => {
                let fine = all_of([
                    checks::success(&answer, 200),
                    checks::licence(&answer.body),
                    checks::equals(&answer.body, "/id", licence),
                    checks::equals(&answer.body, "/state", state),
                ]);
                self.step(what.to_owned(), fine);
            }
            Mode::Async => {
                let fine = all_of([
                    checks::success(&answer, 202),
                    checks::task(&answer.body, action, &[licence]),
                    checks::equals(&answer.body, "/state", "acknowledged"),
                ]);
                self.step(what.to_owned(), fine);
                if let Some(task) = answer.str("/id") {
                    let done = self.settle(&format!("/userServiceTask/{task}")).await;
                    let fine = all_of([
                        checks::success(&done, 200),
                        checks::task(&done.body, action, &[licence]),
                        checks::equals(&done.body, "/state", "completed"),
                    ]);
                    self.step(format!("{what}: completes"), fine);
                }
            }
        }
        expected.push(Expected {
            resource: "userService",
            event_type,
            id: licence.to_owned(),
            state: state.to_owned(),
            correlation: None,
            cause: what.to_owned(),
        });
        let read = self.get(&path).await;
        let fine = all_of([
            checks::success(&read, 200),
            checks::equals(&read.body, "/state", state),
        ]);
        self.step(format!("{what}: the licence reads {state}"), fine);
    }

    /// A userServiceTask: answered final (sync) or acknowledged then final (async); returns the
    /// first answer and the final task.
    #[expect(clippy::too_many_arguments, reason = "one call per kind of task")]
    async fn task(
        &mut self,
        what: &str,
        body: &Value,
        action: &str,
        licences: &[&str],
        final_state: &str,
        results: &[(&str, Option<&str>)],
        event: Option<(&'static str, &str)>,
        expected: &mut Vec<Expected>,
    ) -> Result<(Answer, Value), Stop> {
        let first = self.send("POST", "/userServiceTask", body.clone()).await;
        let final_checks =
            |value: &Value| {
                all_of(
                    std::iter::once(checks::task(value, action, licences))
                        .chain(std::iter::once(checks::equals(
                            value,
                            "/state",
                            final_state,
                        )))
                        .chain(results.iter().enumerate().map(|(i, (result, code))| {
                            checks::item_result(value, i, result, *code)
                        })),
                )
            };
        let answered = match self.mode {
            Mode::Sync => all_of([checks::success(&first, 201), final_checks(&first.body)]),
            Mode::Async => all_of([
                checks::success(&first, 201),
                checks::task(&first.body, action, licences),
                checks::equals(&first.body, "/state", "acknowledged"),
            ]),
        };
        self.step(what.to_owned(), answered);
        let id = self.need(first.str("/id"), "the task's id")?;
        let done = match self.mode {
            Mode::Sync => first.body.clone(),
            Mode::Async => {
                let done = self.settle(&format!("/userServiceTask/{id}")).await;
                let fine = all_of([checks::success(&done, 200), final_checks(&done.body)]);
                self.step(format!("{what}: completes"), fine);
                done.body
            }
        };
        if let Some((event_type, state)) = event {
            let correlation = body["externalReference"]["id"].as_str().map(str::to_owned);
            for (licence, (result, _)) in licences.iter().zip(results) {
                if *result == "done" {
                    expected.push(Expected {
                        resource: "userService",
                        event_type,
                        id: (*licence).to_owned(),
                        state: state.to_owned(),
                        correlation: correlation.clone(),
                        cause: what.to_owned(),
                    });
                }
            }
        }
        Ok((first, done))
    }

    /// Sends a request that must be refused: `check` says how.
    async fn refused(
        &mut self,
        what: &str,
        method: &str,
        path: &str,
        body: Body,
        auth: Auth,
        check: impl FnOnce(&Answer) -> Checked,
    ) {
        let full = self.path(path);
        let answer = self.call(method, &full, body, auth).await;
        let outcome = check(&answer);
        self.step(what.to_owned(), outcome);
    }
}

/// Plays every step; stops early only when a step gave nothing to go on.
pub(super) async fn play(r: &mut Runner<'_>, expected: &mut Vec<Expected>) -> Result<(), Stop> {
    let tag = r.tag.clone();
    let offer = r.offer.clone();
    let offer_b = r.offer_b.clone();

    // Section 3: ping. Section 2: authentication first.
    r.section("3");
    let ping = r.get("/ping").await;
    let fine = all_of([
        checks::success(&ping, 200),
        checks::equals(&ping.body, "/status", "up"),
        checks::text(&ping.body, "/version").map(|_| ()),
        checks::time(&ping.body, "/time"),
    ]);
    r.step("ping answers up", fine);
    r.section("2");
    let ping = r.path("/ping");
    let answer = r.call("GET", &ping, Body::None, Auth::None).await;
    r.step(
        "ping without a credential is refused",
        checks::unauthenticated(&answer),
    );
    let answer = r.call("GET", &ping, Body::None, Auth::WrongSecret).await;
    r.step(
        "ping with a wrong secret is refused",
        checks::unauthenticated(&answer),
    );
    let answer = r.get(&format!("/no-such-route-{tag}")).await;
    r.step(
        "an unknown route is NOT_FOUND",
        checks::error(&answer, 404, "NOT_FOUND"),
    );

    // Section 4: a customer.
    r.section("4");
    let customer_ref = format!("{tag}-CUS");
    let creation_ref = format!("{tag}-ORD-CUS");
    let creation = customer_creation(&creation_ref, &customer_ref, "Simulated Customer SARL");
    let echo_customer = |order: &Value| {
        all_of([
            checks::equals(order, "/customer/externalReference/id", &customer_ref),
            checks::equals(order, "/category", "standard"),
        ])
    };
    let (first, _) = r
        .order(
            "customer creation",
            &creation,
            &creation_ref,
            expected,
            echo_customer,
        )
        .await?;
    let customer = r.need(first.str("/customer/id"), "the customer's id")?;
    let retry = r.send("POST", "/productOrder", creation.clone()).await;
    let fine = all_of([
        checks::same_answer(&first, &retry, r.mode == Mode::Sync),
        checks::equals(&retry.body, "/customer/id", &customer).map_err(|mut b| {
            b.rule = rule::IDEMPOTENT;
            b
        }),
    ]);
    r.step("customer creation retried: the first answer again", fine);
    let mut changed = creation.clone();
    changed["customer"]["name"] = json!("Another Name SAS");
    let answer = r.send("POST", "/productOrder", changed).await;
    r.step(
        "customer creation reference reused with another body is IDEMPOTENCY_MISMATCH",
        checks::error(&answer, 409, "IDEMPOTENCY_MISMATCH"),
    );

    // Section 4: licences, a new fleet then the existing one.
    let order_ref = format!("{tag}-ORD-1");
    let order_body = licence_order(&order_ref, &customer, &offer, None, json!(3));
    let (first, completed) = r
        .order(
            "licence order, new fleet",
            &order_body,
            &order_ref,
            expected,
            |order| completed_licences(order, 3),
        )
        .await?;
    let order_id = r.need(first.str("/id"), "the order's id")?;
    let fleet = r.need(
        completed
            .pointer("/orderItem/0/productRef/id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        "the fleet's productRefId",
    )?;
    let mut licences = licence_ids(&completed);
    let licences_first = licences.clone();
    let retry = r.send("POST", "/productOrder", order_body.clone()).await;
    r.step(
        "licence order retried: the first answer again, nothing created twice",
        checks::same_answer(&first, &retry, r.mode == Mode::Sync),
    );

    let second_ref = format!("{tag}-ORD-2");
    let second_body = licence_order(&second_ref, &customer, &offer, Some(&fleet), json!(2));
    let (_, second) = r
        .order(
            "licence order into the existing fleet",
            &second_body,
            &second_ref,
            expected,
            |order| completed_licences(order, 2),
        )
        .await?;
    let second_fleet = second
        .pointer("/orderItem/0/productRef/id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut other_fleet = Vec::new();
    if second_fleet == fleet {
        licences.extend(licence_ids(&second));
    } else {
        // The policy may open another fleet; the answer names it, and it is consulted alone.
        other_fleet = licence_ids(&second);
    }
    if licences.len() < 3 {
        r.need(None::<()>, "three licences in the fleet")?;
    }

    let read = r.get(&format!("/productOrder/{order_id}")).await;
    let fine = all_of([
        checks::success(&read, 200),
        checks::order(&read.body, &order_ref, "completed"),
        completed_licences(&read.body, 3),
        if licence_ids(&read.body) == licences_first {
            Ok(())
        } else {
            Err(broken(
                rule::FIELD,
                "an order read back shows the licences it created (section 4)",
                format!("{:?}, created {licences_first:?}", licence_ids(&read.body)),
            ))
        },
    ]);
    r.step("order read back", fine);
    let answer = r.get(&format!("/productOrder/{}", unknown_id("ord"))).await;
    r.step(
        "an unknown order is UNKNOWN_ORDER",
        checks::error(&answer, 404, "UNKNOWN_ORDER"),
    );

    // Section 5: consultation.
    r.section("5");
    let n = licences.len() as u64;
    let list = |query: &str| format!("/userService?productRefId={fleet}{query}");
    let answer = r.get(&list("")).await;
    r.step(
        "consultation of the whole fleet",
        list_is(&answer, &licences, n),
    );
    let answer = r.get(&list("&offset=1&limit=2")).await;
    r.step(
        "consultation of a page (offset 1, limit 2)",
        list_is(&answer, &licences[1..3], n),
    );
    let answer = r.get(&list("&offset=1000")).await;
    r.step("consultation past the end is []", list_is(&answer, &[], n));
    let answer = r.get(&list("&state=active")).await;
    r.step(
        "consultation filtered on state=active",
        list_is(&answer, &licences, n),
    );
    let answer = r.get(&list("&state=suspended")).await;
    r.step(
        "consultation filtered on state=suspended is empty",
        list_is(&answer, &[], 0),
    );
    let answer = r.get("/userService").await;
    r.step(
        "consultation without productRefId is MISSING_FIELD",
        checks::error(&answer, 400, "MISSING_FIELD")
            .and_then(|()| checks::names_field(&answer, "productRefId")),
    );
    let answer = r
        .get(&format!("/userService?productRefId={}", unknown_id("flt")))
        .await;
    r.step(
        "consultation of an unknown fleet is UNKNOWN_PRODUCT_REF",
        checks::error(&answer, 404, "UNKNOWN_PRODUCT_REF"),
    );
    let answer = r.get(&format!("/userService/{}", licences[0])).await;
    let fine = all_of([
        checks::success(&answer, 200),
        checks::licence(&answer.body),
        checks::equals(&answer.body, "/id", &licences[0]),
        checks::equals(&answer.body, "/productRefId", &fleet),
    ]);
    r.step("one licence read", fine);
    let answer = r.get(&format!("/userService/{}", unknown_id("lic"))).await;
    r.step(
        "an unknown licence is UNKNOWN_USER_SERVICE",
        checks::error(&answer, 404, "UNKNOWN_USER_SERVICE"),
    );

    // Section 5: single changes on the first licence, deletion of the second.
    let l0 = licences[0].clone();
    let l1 = licences[1].clone();
    let state_event = "userServiceStateChangeEvent";
    r.change(
        "suspend a licence",
        "PATCH",
        &l0,
        Some(json!({"state": "suspended"})),
        "changeState",
        "suspended",
        state_event,
        expected,
    )
    .await;
    let answer = r
        .send(
            "PATCH",
            &format!("/userService/{l0}"),
            json!({"state": "suspended"}),
        )
        .await;
    r.step(
        "suspending a suspended licence is INVALID_STATE_TRANSITION",
        checks::error(&answer, 409, "INVALID_STATE_TRANSITION"),
    );
    let answer = r.get(&list("&state=suspended")).await;
    r.step(
        "consultation filtered on state=suspended",
        list_is(&answer, std::slice::from_ref(&l0), 1),
    );
    r.change(
        "reactivate the licence",
        "PATCH",
        &l0,
        Some(json!({"state": "active"})),
        "changeState",
        "active",
        state_event,
        expected,
    )
    .await;
    r.change(
        "change the licence's offering",
        "PATCH",
        &l0,
        Some(json!({"productOffering": {"externalReference": reference(&offer_b)}})),
        "changeOffering",
        "active",
        "userServiceAttributeValueChangeEvent",
        expected,
    )
    .await;
    let answer = r.get(&format!("/userService/{l0}")).await;
    r.step(
        "the licence shows its new offering",
        checks::equals(
            &answer.body,
            "/productOffering/externalReference/id",
            &offer_b,
        ),
    );
    let answer = r
        .send(
            "PATCH",
            &format!("/userService/{l0}"),
            json!({"productOffering": {"externalReference": reference(&format!("{tag}-NO-SUCH-OFFER"))}}),
        )
        .await;
    r.step(
        "an offering change to an unknown offer is UNKNOWN_OFFER",
        checks::error(&answer, 422, "UNKNOWN_OFFER"),
    );
    r.change(
        "delete one licence",
        "DELETE",
        &l1,
        None,
        "delete",
        "terminated",
        state_event,
        expected,
    )
    .await;
    let full = r.path(&format!("/userService/{l1}"));
    let answer = r.call("DELETE", &full, Body::None, Auth::Credential).await;
    r.step(
        "deleting a terminated licence is INVALID_STATE_TRANSITION",
        checks::error(&answer, 409, "INVALID_STATE_TRANSITION"),
    );
    let live: Vec<String> = licences.iter().filter(|id| **id != l1).cloned().collect();
    let answer = r.get(&list("")).await;
    r.step(
        "consultation leaves terminated licences out",
        list_is(&answer, &live, live.len() as u64),
    );
    let answer = r.get(&list("&state=terminated")).await;
    r.step(
        "consultation filtered on state=terminated",
        list_is(&answer, std::slice::from_ref(&l1), 1),
    );

    // Section 5: a task on many licences, one of them unknown.
    let l2 = licences[2].clone();
    let l3 = licences.get(3).cloned();
    let mut targets: Vec<&str> = vec![l2.as_str()];
    if let Some(l3) = &l3 {
        targets.push(l3.as_str());
    }
    let stranger = unknown_id("lic");
    let mut asked = targets.clone();
    asked.push(stranger.as_str());
    let task_ref = format!("{tag}-TSK-1");
    let task_body = json!({
        "externalReference": reference(&task_ref),
        "action": "changeState",
        "state": "suspended",
        "userService": asked.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()
    });
    let mut results: Vec<(&str, Option<&str>)> = targets.iter().map(|_| ("done", None)).collect();
    results.push(("failed", Some("UNKNOWN_USER_SERVICE")));
    let (first, done) = r
        .task(
            "task: suspend many licences, one unknown",
            &task_body,
            "changeState",
            &asked,
            "partial",
            &results,
            Some((state_event, "suspended")),
            expected,
        )
        .await?;
    let retry = r.send("POST", "/userServiceTask", task_body.clone()).await;
    r.step(
        "task retried: the first answer again",
        checks::same_answer(&first, &retry, r.mode == Mode::Sync),
    );
    let mut changed = task_body.clone();
    changed["state"] = json!("active");
    let answer = r.send("POST", "/userServiceTask", changed).await;
    r.step(
        "task reference reused with another body is IDEMPOTENCY_MISMATCH",
        checks::error(&answer, 409, "IDEMPOTENCY_MISMATCH"),
    );
    let task_id = r.need(first.str("/id"), "the task's id")?;
    let read = r.get(&format!("/userServiceTask/{task_id}")).await;
    let fine = all_of([
        checks::success(&read, 200),
        if ["state", "action", "userService"]
            .iter()
            .all(|member| read.body.get(member) == done.get(member))
        {
            Ok(())
        } else {
            Err(broken(
                rule::FIELD,
                "a task read back is the task as it now stands (section 5)",
                format!(
                    "{}, final answer {}",
                    checks::short(&read.body),
                    checks::short(&done)
                ),
            ))
        },
    ]);
    r.step("task read back", fine);
    let answer = r
        .get(&format!("/userServiceTask/{}", unknown_id("tsk")))
        .await;
    r.step(
        "an unknown task is UNKNOWN_TASK",
        checks::error(&answer, 404, "UNKNOWN_TASK"),
    );
    for id in &targets {
        let answer = r.get(&format!("/userService/{id}")).await;
        r.step(
            format!("task item {id} is suspended"),
            checks::equals(&answer.body, "/state", "suspended"),
        );
    }

    // Section 2: requests that must be refused, and change nothing.
    r.section("2");
    let before = r.get(&list("")).await;
    let total_before = checks::count_header(&before, "x-total-count").ok();
    let fix_ref = format!("{tag}-ORD-FIX");
    let valid = licence_order(&fix_ref, &customer, &offer, Some(&fleet), json!(1));
    let json_body = |value: Value| Body::Json(value);
    let raw = |content_type: &str, text: &str| Body::Raw {
        content_type: content_type.to_owned(),
        text: text.to_owned(),
    };
    r.refused(
        "an order without a credential is refused",
        "POST",
        "/productOrder",
        json_body(valid.clone()),
        Auth::None,
        checks::unauthenticated,
    )
    .await;
    r.refused(
        "an unreadable order without a credential is refused as unauthenticated first",
        "POST",
        "/productOrder",
        raw("application/json", "{not json"),
        Auth::None,
        checks::unauthenticated,
    )
    .await;
    r.refused(
        "a suspension with a wrong secret is refused",
        "PATCH",
        &format!("/userService/{l0}"),
        json_body(json!({"state": "suspended"})),
        Auth::WrongSecret,
        checks::unauthenticated,
    )
    .await;
    r.refused(
        "a deletion without a credential is refused",
        "DELETE",
        &format!("/userService/{l0}"),
        Body::None,
        Auth::None,
        checks::unauthenticated,
    )
    .await;
    r.refused(
        "a task with a wrong secret is refused",
        "POST",
        "/userServiceTask",
        json_body(json!({"externalReference": reference(&format!("{tag}-TSK-X")), "action": "delete", "userService": [{"id": l0}]})),
        Auth::WrongSecret,
        checks::unauthenticated,
    )
    .await;
    r.refused(
        "a body that is not JSON is INVALID_BODY",
        "POST",
        "/productOrder",
        raw("application/json", "{not json"),
        Auth::Credential,
        |a| checks::error(a, 400, "INVALID_BODY"),
    )
    .await;
    r.refused(
        "an array where an order is expected is INVALID_BODY",
        "POST",
        "/productOrder",
        json_body(json!([valid.clone()])),
        Auth::Credential,
        |a| checks::error(a, 400, "INVALID_BODY"),
    )
    .await;
    r.refused(
        "a body that is not application/json is UNSUPPORTED_MEDIA_TYPE",
        "POST",
        "/productOrder",
        raw("text/plain", &valid.to_string()),
        Auth::Credential,
        |a| checks::error(a, 415, "UNSUPPORTED_MEDIA_TYPE"),
    )
    .await;
    let mut missing = valid.clone();
    if let Some(map) = missing.as_object_mut() {
        map.remove("externalReference");
    }
    r.refused(
        "an order without externalReference is MISSING_FIELD",
        "POST",
        "/productOrder",
        json_body(missing),
        Auth::Credential,
        |a| {
            checks::error(a, 400, "MISSING_FIELD")
                .and_then(|()| checks::names_field(a, "externalReference"))
        },
    )
    .await;
    let quantity = "orderItem[0].productRef.userServiceQuantity";
    r.refused(
        "a quantity of 0 is INVALID_VALUE",
        "POST",
        "/productOrder",
        json_body(licence_order(
            &fix_ref,
            &customer,
            &offer,
            Some(&fleet),
            json!(0),
        )),
        Auth::Credential,
        |a| checks::error(a, 400, "INVALID_VALUE").and_then(|()| checks::names_field(a, quantity)),
    )
    .await;
    let mut no_quantity = valid.clone();
    if let Some(map) = no_quantity["orderItem"][0]["productRef"].as_object_mut() {
        map.remove("userServiceQuantity");
    }
    r.refused(
        "an item without userServiceQuantity is MISSING_FIELD",
        "POST",
        "/productOrder",
        json_body(no_quantity),
        Auth::Credential,
        |a| checks::error(a, 400, "MISSING_FIELD").and_then(|()| checks::names_field(a, quantity)),
    )
    .await;
    r.refused(
        "an unknown offer code is UNKNOWN_OFFER",
        "POST",
        "/productOrder",
        json_body(licence_order(
            &fix_ref,
            &customer,
            &format!("{tag}-NO-SUCH-OFFER"),
            Some(&fleet),
            json!(1),
        )),
        Auth::Credential,
        |a| checks::error(a, 422, "UNKNOWN_OFFER"),
    )
    .await;
    r.refused(
        "an unknown productRef is UNKNOWN_PRODUCT_REF",
        "POST",
        "/productOrder",
        json_body(licence_order(
            &fix_ref,
            &customer,
            &offer,
            Some(&unknown_id("flt")),
            json!(1),
        )),
        Auth::Credential,
        |a| checks::error(a, 404, "UNKNOWN_PRODUCT_REF"),
    )
    .await;
    r.refused(
        "an unknown customer is UNKNOWN_CUSTOMER",
        "POST",
        "/productOrder",
        json_body(licence_order(
            &fix_ref,
            &unknown_id("cus"),
            &offer,
            None,
            json!(1),
        )),
        Auth::Credential,
        |a| checks::error(a, 404, "UNKNOWN_CUSTOMER"),
    )
    .await;
    r.refused(
        "an unknown state is INVALID_VALUE",
        "PATCH",
        &format!("/userService/{l0}"),
        json_body(json!({"state": "frozen"})),
        Auth::Credential,
        |a| checks::error(a, 400, "INVALID_VALUE"),
    )
    .await;
    r.refused(
        "an unknown task action is INVALID_VALUE",
        "POST",
        "/userServiceTask",
        json_body(json!({"externalReference": reference(&format!("{tag}-TSK-X")), "action": "explode", "userService": [{"id": l0}]})),
        Auth::Credential,
        |a| checks::error(a, 400, "INVALID_VALUE"),
    )
    .await;
    let mut huge = valid.clone();
    huge["note"][0]["text"] = json!("x".repeat(1024 * 1024 + 1024));
    r.refused(
        "a body over 1 MiB is PAYLOAD_TOO_LARGE",
        "POST",
        "/productOrder",
        raw("application/json", &huge.to_string()),
        Auth::Credential,
        |a| checks::error(a, 413, "PAYLOAD_TOO_LARGE"),
    )
    .await;
    let after = r.get(&list("")).await;
    let total_after = checks::count_header(&after, "x-total-count").ok();
    let fine = if total_before.is_some() && total_before == total_after {
        Ok(())
    } else {
        Err(broken(
            rule::NOTHING_CHANGED,
            "a request that fails validation or authentication changes nothing: the fleet keeps its licences (section 2)",
            format!(
                "X-Total-Count {total_before:?} before the refused requests, {total_after:?} after"
            ),
        ))
    };
    r.step("the refused requests added no licence", fine);
    let answer = r.get(&format!("/userService/{l0}")).await;
    r.step(
        "the refused requests left the licence active",
        still(&answer, "active"),
    );
    let (_, fixed) = r
        .order(
            "a rejected reference is used again with a corrected body",
            &valid,
            &fix_ref,
            expected,
            |order| completed_licences(order, 1),
        )
        .await?;
    // Refused again, the reference was remembered: say which rule that breaks.
    if let Some(step) = r
        .steps
        .iter_mut()
        .rev()
        .find(|s| s.name == "a rejected reference is used again with a corrected body")
        && let Some(failure) = step.failure.as_mut()
        && failure.rule == rule::STATUS
    {
        failure.rule = rule::REFERENCE_REUSABLE;
        failure.requirement = format!(
            "a request that was rejected is not remembered: the same reference may be used again with a corrected body (section 2); {}",
            failure.requirement
        );
    }
    let mut remaining = live.clone();
    remaining.extend(licence_ids(&fixed));
    remaining.extend(other_fleet);

    // Section 5: every licence of the run deleted with one task, leaving the installation tidy.
    r.section("5");
    let delete_ref = format!("{tag}-TSK-2");
    let delete_body = json!({
        "externalReference": reference(&delete_ref),
        "action": "delete",
        "userService": remaining.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()
    });
    let asked: Vec<&str> = remaining.iter().map(String::as_str).collect();
    let results: Vec<(&str, Option<&str>)> = asked.iter().map(|_| ("done", None)).collect();
    r.task(
        "task: delete every licence of the run",
        &delete_body,
        "delete",
        &asked,
        "completed",
        &results,
        Some((state_event, "terminated")),
        expected,
    )
    .await?;
    let answer = r.get(&list("")).await;
    r.step(
        "the fleet is left with no live licence",
        list_is(&answer, &[], 0),
    );
    Ok(())
}
