//! Section 6 seen from Orange's side: every event the scenario caused arrives at the sink, on the
//! right resource, with the right type, resource, state and correlation id, in the order things
//! happened to each resource, and with the same `eventId` when a refused delivery is retried.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::sink::{Outcome, Received, Sink};

use super::Runner;
use super::checks::{self, Checked, broken, rule};

/// An event the scenario caused.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    /// `productOrder` or `userService`: the event resource it is posted to.
    pub resource: &'static str,
    pub event_type: &'static str,
    /// The order's or licence's id.
    pub id: String,
    /// The resource's state inside the event.
    pub state: String,
    /// Orange's reference of the order or task that caused it, if any.
    pub correlation: Option<String>,
    /// What caused it, for the report.
    pub cause: String,
}

fn matches(delivery: &Received, expected: &Expected) -> bool {
    delivery.event_type == expected.event_type
        && delivery.resource_id == expected.id
        && delivery.state == expected.state
}

fn accepted<'a>(all: &'a [Received], expected: &Expected) -> Option<&'a Received> {
    all.iter()
        .find(|d| d.outcome == Outcome::Accepted && matches(d, expected))
}

/// Waits for the expected events (within what is left of the time limit), then checks them.
pub(super) async fn check(r: &mut Runner<'_>, sink: &Sink, from: usize, expected: &[Expected]) {
    r.section("6");
    let wait = r.time_left().max(Duration::from_secs(1));
    sink.wait_until(wait, from, |ours| {
        expected.iter().all(|e| accepted(ours, e).is_some())
    })
    .await;
    let all = sink.received_since(from);
    let ours = &all[..];
    for event in expected {
        r.step_alone(
            format!(
                "event {} for {} ({}, {})",
                event.event_type, event.id, event.state, event.cause
            ),
            one(ours, event, r.time_limit),
        );
    }
    r.step_alone(
        "the events of each resource arrive in the order they happened",
        in_order(ours, expected),
    );
    r.step_alone(
        "a refused event is delivered again with the same eventId",
        retried(ours, expected),
    );
}

/// Synchronous mode: the business result is in the answer and no event is sent for those calls
/// (section 1). Waits a few seconds (within the time limit) for any that would come anyway.
pub(super) async fn check_none(r: &mut Runner<'_>, sink: &Sink, from: usize, caused: &[Expected]) {
    r.section("6");
    let about = |d: &Received| {
        caused
            .iter()
            .any(|e| d.event_type == e.event_type && d.resource_id == e.id)
    };
    let wait = r.time_left().min(Duration::from_secs(3));
    sink.wait_until(wait, from, |ours| ours.iter().any(&about))
        .await;
    let sent: Vec<String> = sink
        .received_since(from)
        .iter()
        .filter(|d| about(d))
        .map(|d| format!("{} about {} ({})", d.event_type, d.resource_id, d.state))
        .collect();
    let outcome = if sent.is_empty() {
        Ok(())
    } else {
        Err(broken(
            rule::EVENT_DELIVERED,
            "in synchronous mode the result is in the answer and no event is sent for the call (section 1)",
            format!("events arrived: {}", sent.join(", ")),
        ))
    };
    r.step_alone("no event is sent for synchronous calls", outcome);
}

fn one(all: &[Received], expected: &Expected, limit: Duration) -> Checked {
    let Some(delivery) = accepted(all, expected) else {
        let tried: Vec<String> = all
            .iter()
            .filter(|d| matches(d, expected))
            .map(|d| format!("{} ({})", d.event_id, d.outcome.as_str()))
            .collect();
        let unauthorized = all
            .iter()
            .filter(|d| d.outcome == Outcome::Unauthorized)
            .count();
        let found = if !tried.is_empty() {
            format!("only refused deliveries: {}", tried.join(", "))
        } else if unauthorized > 0 {
            format!(
                "nothing accepted; {unauthorized} deliveries had no valid bearer token from the sink's token endpoint"
            )
        } else {
            format!("no such event arrived within {} s", limit.as_secs())
        };
        return Err(broken(
            rule::EVENT_DELIVERED,
            format!(
                "the partner sends a {} about {} in state {} to Orange's {} event resource (section 6)",
                expected.event_type, expected.id, expected.state, expected.resource
            ),
            found,
        ));
    };
    if delivery.resource != expected.resource {
        return Err(broken(
            rule::EVENT_SHAPE,
            format!(
                "{} events are posted to the {} event resource (section 6)",
                expected.event_type, expected.resource
            ),
            format!("posted to /events/{}", delivery.resource),
        ));
    }
    if delivery.correlation_id != expected.correlation {
        return Err(broken(
            rule::EVENT_CORRELATION,
            match &expected.correlation {
                Some(reference) => format!(
                    "correlationId is Orange's reference of the order or task that caused it, {reference} (section 6)"
                ),
                None => {
                    "correlationId is absent when the cause carried no Orange reference (section 6)"
                        .to_owned()
                }
            },
            format!("correlationId {:?}", delivery.correlation_id),
        ));
    }
    let body = &delivery.body;
    checks::clean_value(body, "$")?;
    checks::text(body, "/eventId")?;
    checks::time(body, "/eventTime")?;
    let inside = &body["event"][expected.resource];
    match expected.resource {
        "productOrder" => checks::order(
            inside,
            expected.correlation.as_deref().unwrap_or_default(),
            &expected.state,
        ),
        _ => checks::licence(inside),
    }
    .map_err(|mut broken| {
        broken.requirement = format!(
            "the event carries the full resource (section 6): {}",
            broken.requirement
        );
        broken.rule = rule::EVENT_SHAPE;
        broken
    })
}

/// Per resource: no delivery of a later event before the earlier one was accepted.
fn in_order(all: &[Received], expected: &[Expected]) -> Checked {
    let mut by_resource: BTreeMap<&str, Vec<&Expected>> = BTreeMap::new();
    for event in expected {
        by_resource
            .entry(event.id.as_str())
            .or_default()
            .push(event);
    }
    for (id, events) in by_resource {
        for pair in events.windows(2) {
            let (earlier, later) = (pair[0], pair[1]);
            let Some(done) = accepted(all, earlier) else {
                continue;
            };
            if let Some(early) = all.iter().find(|d| matches(d, later) && d.seq < done.seq) {
                return Err(broken(
                    rule::EVENT_ORDER,
                    "per licence and per order, events reach Orange in the order they were created; a later one waits while an earlier one is retried (section 6)",
                    format!(
                        "for {id}, {} ({}) arrived before {} ({}) was accepted",
                        later.event_type, early.state, earlier.event_type, earlier.state
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every delivery refused on purpose comes again with the same eventId, and each event has one
/// eventId only.
fn retried(all: &[Received], expected: &[Expected]) -> Checked {
    let requirement = "at least once, with the same eventId across retries, so Orange can drop duplicates (section 6)";
    let ours: Vec<&Received> = all
        .iter()
        .filter(|d| expected.iter().any(|e| matches(d, e)))
        .collect();
    let refused: Vec<&&Received> = ours
        .iter()
        .filter(|d| d.outcome == Outcome::Refused)
        .collect();
    if refused.is_empty() {
        return Err(broken(
            rule::EVENT_ID_STABLE,
            requirement,
            "no event was refused by the sink, so no retry could be seen",
        ));
    }
    for refusal in refused {
        let again = ours.iter().any(|d| {
            d.event_id == refusal.event_id && d.seq > refusal.seq && d.outcome == Outcome::Accepted
        });
        if !again {
            let instead: Vec<&str> = ours
                .iter()
                .filter(|d| {
                    d.seq > refusal.seq
                        && d.event_type == refusal.event_type
                        && d.resource_id == refusal.resource_id
                        && d.state == refusal.state
                })
                .map(|d| d.event_id.as_str())
                .collect();
            return Err(broken(
                rule::EVENT_ID_STABLE,
                requirement,
                format!(
                    "{} about {} was refused and never accepted with the same eventId{}",
                    refusal.event_id,
                    refusal.resource_id,
                    if instead.is_empty() {
                        String::new()
                    } else {
                        format!("; it came again as {}", instead.join(", "))
                    }
                ),
            ));
        }
    }
    for event in expected {
        let ids: BTreeSet<&str> = ours
            .iter()
            .filter(|d| matches(d, event))
            .map(|d| d.event_id.as_str())
            .collect();
        if ids.len() > 1 {
            return Err(broken(
                rule::EVENT_ID_STABLE,
                requirement,
                format!(
                    "{} about {} ({}) came with {} eventIds: {}",
                    event.event_type,
                    event.id,
                    event.state,
                    ids.len(),
                    ids.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn delivery(seq: u64, id: &str, state: &str, event_id: &str, outcome: Outcome) -> Received {
        Received {
            seq,
            received_at: String::new(),
            resource: "userService".to_owned(),
            event_id: event_id.to_owned(),
            event_type: "userServiceStateChangeEvent".to_owned(),
            resource_id: id.to_owned(),
            state: state.to_owned(),
            correlation_id: None,
            attempt: 1,
            outcome,
            status: 202,
            body: Value::Null,
        }
    }

    fn expect(id: &str, state: &str) -> Expected {
        Expected {
            resource: "userService",
            event_type: "userServiceStateChangeEvent",
            id: id.to_owned(),
            state: state.to_owned(),
            correlation: None,
            cause: "test".to_owned(),
        }
    }

    #[test]
    fn a_later_event_arriving_before_the_earlier_is_accepted_is_out_of_order() {
        let expected = [expect("lic_1", "suspended"), expect("lic_1", "active")];
        let fine = [
            delivery(0, "lic_1", "suspended", "evt_a", Outcome::Refused),
            delivery(1, "lic_1", "suspended", "evt_a", Outcome::Accepted),
            delivery(2, "lic_1", "active", "evt_b", Outcome::Accepted),
        ];
        assert!(in_order(&fine, &expected).is_ok());
        assert!(retried(&fine, &expected).is_ok());
        let jumped = [
            delivery(0, "lic_1", "suspended", "evt_a", Outcome::Refused),
            delivery(1, "lic_1", "active", "evt_b", Outcome::Accepted),
            delivery(2, "lic_1", "suspended", "evt_a", Outcome::Accepted),
        ];
        assert_eq!(
            in_order(&jumped, &expected).expect_err("out of order").rule,
            rule::EVENT_ORDER
        );
    }

    #[test]
    fn a_retry_under_a_fresh_event_id_is_caught() {
        let expected = [expect("lic_1", "suspended")];
        let fresh = [
            delivery(0, "lic_1", "suspended", "evt_a", Outcome::Refused),
            delivery(1, "lic_1", "suspended", "evt_z", Outcome::Accepted),
        ];
        let broken = retried(&fresh, &expected).expect_err("fresh id");
        assert_eq!(broken.rule, rule::EVENT_ID_STABLE);
        assert!(broken.found.contains("evt_z"), "{}", broken.found);
    }
}
