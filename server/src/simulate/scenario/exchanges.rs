//! The scenario's building blocks: the request bodies Orange sends, checks composed from the
//! rules, and the exchanges that send a request, follow acknowledged work to its end, record the
//! steps and note the events each change must cause.

use std::time::Duration;

use serde_json::{Value, json};

use crate::simulate::checks::{self, Checked, broken, rule};
use crate::simulate::events::Expected;
use crate::simulate::{Answer, Auth, Body, Mode, Runner, Stop};

/// A well-formed id that names nothing: the prefix and 32 hexadecimal digits.
pub(super) fn unknown_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

pub(super) fn reference(id: &str) -> Value {
    json!({"type": "orange", "id": id})
}

pub(super) fn customer_creation(order_ref: &str, customer_ref: &str, name: &str) -> Value {
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

pub(super) fn licence_order(
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

pub(super) fn all_of(checks: impl IntoIterator<Item = Checked>) -> Checked {
    checks
        .into_iter()
        .collect::<Result<Vec<()>, _>>()
        .map(|_| ())
}

/// A completed order's first item: completed, the fleet used, `quantity` active licences, and the
/// fields Orange sent echoed.
pub(super) fn completed_licences(order: &Value, quantity: usize) -> Checked {
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

pub(super) fn licence_ids(order: &Value) -> Vec<String> {
    checks::ids(&order["orderItem"][0]["productRef"]["userService"])
}

pub(super) fn list_is(answer: &Answer, ids: &[String], total: u64) -> Checked {
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

pub(super) fn still(answer: &Answer, state: &str) -> Checked {
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
    pub(super) async fn settle(&mut self, path: &str) -> Answer {
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
    pub(super) async fn order(
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
    pub(super) async fn change(
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
    pub(super) async fn task(
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
    pub(super) async fn refused(
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
