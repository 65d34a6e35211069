//! The steps Orange plays, in order: ping and authentication (sections 2 and 3), a customer and
//! two licence orders (section 4), consultation, single changes and tasks (section 5), refused
//! requests that must change nothing (section 2), and at the end every licence created deleted,
//! so that the installation is left consistent. Every reference carries the run's tag, so runs
//! never collide.

mod exchanges;

use serde_json::{Value, json};

use super::checks::{self, broken, rule};
use super::events::Expected;
use super::{Auth, Body, Mode, Runner, Stop};
use exchanges::{
    all_of, completed_licences, customer_creation, licence_ids, licence_order, list_is, reference,
    still, unknown_id,
};

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
    // Another customer, whose orders may not name the first customer's fleet (below).
    let other_ref = format!("{tag}-ORD-CUS-2");
    let other_creation =
        customer_creation(&other_ref, &format!("{tag}-CUS-2"), "Other Simulated SAS");
    let (other_first, _) = r
        .order(
            "a second customer's creation",
            &other_creation,
            &other_ref,
            expected,
            |_| Ok(()),
        )
        .await?;
    let other_customer = r.need(other_first.str("/customer/id"), "the second customer's id")?;

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
        "an order naming another customer's fleet is PRODUCT_REF_MISMATCH",
        "POST",
        "/productOrder",
        json_body(licence_order(
            &fix_ref,
            &other_customer,
            &offer,
            Some(&fleet),
            json!(1),
        )),
        Auth::Credential,
        |a| checks::error(a, 422, "PRODUCT_REF_MISMATCH"),
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
    // Tolerant reading (section 2): externalReference as an array (the first of type orange
    // counts) and fields the contract does not name are accepted.
    let tolerant_ref = format!("{tag}-ORD-3");
    let mut tolerant = licence_order(&tolerant_ref, &customer, &offer, Some(&fleet), json!(1));
    tolerant["externalReference"] = json!([
        {"type": "reseller", "id": format!("{tag}-OTHER")},
        reference(&tolerant_ref)
    ]);
    tolerant["simulatorExtra"] = json!({"ignored": true});
    tolerant["orderItem"][0]["simulatorExtra"] = json!("ignored");
    let (_, tolerated) = r
        .order(
            "an order with externalReference as an array and unknown fields is accepted",
            &tolerant,
            &tolerant_ref,
            expected,
            |order| completed_licences(order, 1),
        )
        .await?;

    let mut remaining = live.clone();
    remaining.extend(licence_ids(&fixed));
    remaining.extend(licence_ids(&tolerated));
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
