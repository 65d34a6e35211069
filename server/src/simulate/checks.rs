//! The contract's rules, each a small named check of one answer (or one JSON value) that says,
//! when broken, what the contract requires and what was found instead.

use serde::Serialize;
use serde_json::Value;

use super::Answer;

/// A rule that an answer broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The rule's short name, e.g. `no-null-or-empty`.
    pub rule: &'static str,
    /// What the contract requires.
    pub requirement: String,
    /// What the answer did instead.
    pub found: String,
}

pub type Checked = Result<(), Broken>;

pub fn broken(
    rule: &'static str,
    requirement: impl Into<String>,
    found: impl Into<String>,
) -> Broken {
    Broken {
        rule,
        requirement: requirement.into(),
        found: found.into(),
    }
}

/// The rule names, for whoever reads reports (and for the tests of broken partners).
pub mod rule {
    pub const STATUS: &str = "status";
    pub const JSON: &str = "json-answer";
    pub const NO_NULL: &str = "no-null-or-empty";
    pub const ERROR_SHAPE: &str = "error-shape";
    pub const ERROR_CODE: &str = "error-code";
    pub const UNAUTHENTICATED: &str = "unauthenticated-refused";
    pub const FIELD: &str = "field";
    pub const TIME: &str = "rfc3339-time";
    pub const IDEMPOTENT: &str = "idempotent-retry";
    pub const COUNTS: &str = "count-headers";
    pub const PAGING: &str = "paging";
    pub const NOTHING_CHANGED: &str = "refusal-changes-nothing";
    pub const REFERENCE_REUSABLE: &str = "rejected-reference-reusable";
    pub const COMPLETES: &str = "async-completes";
    pub const EVENT_DELIVERED: &str = "event-delivered";
    pub const EVENT_SHAPE: &str = "event-shape";
    pub const EVENT_CORRELATION: &str = "event-correlation";
    pub const EVENT_ORDER: &str = "event-order";
    pub const EVENT_ID_STABLE: &str = "event-id-stable";
    pub const SINK: &str = "sink";
    pub const CONTINUE: &str = "scenario-continues";
}

/// A JSON value, shortened for a message.
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text
    }
}

/// The answer has this HTTP status.
pub fn status(answer: &Answer, expected: u16) -> Checked {
    if answer.status == expected {
        Ok(())
    } else {
        Err(broken(
            rule::STATUS,
            format!("the contract answers HTTP {expected} here"),
            format!("HTTP {} {}", answer.status, short(&answer.body)),
        ))
    }
}

/// A body in JSON, said so in `Content-Type`.
pub fn json(answer: &Answer) -> Checked {
    let content_type = answer.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(broken(
            rule::JSON,
            "answers are JSON in UTF-8 with Content-Type: application/json (section 2)",
            format!("Content-Type: {content_type:?}"),
        ));
    }
    if !answer.json {
        return Err(broken(
            rule::JSON,
            "answers are JSON in UTF-8 (section 2)",
            "a body that is not JSON",
        ));
    }
    Ok(())
}

/// No `null` and no empty string anywhere: absent data is not sent at all (section 1).
pub fn clean_value(value: &Value, path: &str) -> Checked {
    match value {
        Value::Null => Err(broken(
            rule::NO_NULL,
            "data with no value is absent, never null (section 1)",
            format!("null at {path}"),
        )),
        Value::String(s) if s.is_empty() => Err(broken(
            rule::NO_NULL,
            "data with no value is absent, never \"\" (section 1)",
            format!("an empty string at {path}"),
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| clean_value(item, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(key, item)| clean_value(item, &format!("{path}.{key}"))),
        _ => Ok(()),
    }
}

pub fn clean(answer: &Answer) -> Checked {
    clean_value(&answer.body, "$")
}

/// A successful JSON answer with this status, clean.
pub fn success(answer: &Answer, expected: u16) -> Checked {
    status(answer, expected)?;
    json(answer)?;
    clean(answer)
}

/// The TMF630 error envelope: `code`, `reason`, `message` and `status` (the HTTP status as text).
pub fn error_shape(answer: &Answer) -> Checked {
    json(answer)?;
    clean(answer)?;
    let body = &answer.body;
    for member in ["code", "reason", "message"] {
        if !body[member].as_str().is_some_and(|s| !s.is_empty()) {
            return Err(broken(
                rule::ERROR_SHAPE,
                format!(
                    "errors carry code, reason, message and status (section 2); `{member}` is missing"
                ),
                short(body),
            ));
        }
    }
    if body["status"].as_str() != Some(answer.status.to_string().as_str()) {
        return Err(broken(
            rule::ERROR_SHAPE,
            "an error's `status` is the HTTP status as a string (section 2)",
            format!("HTTP {} with status {}", answer.status, body["status"]),
        ));
    }
    Ok(())
}

/// A refusal with this status and code, in the error envelope.
pub fn error(answer: &Answer, expected_status: u16, code: &str) -> Checked {
    if answer.status != expected_status || answer.body["code"].as_str() != Some(code) {
        let rule = if (200..300).contains(&answer.status) {
            rule::STATUS
        } else {
            rule::ERROR_CODE
        };
        return Err(broken(
            rule,
            format!("refused with HTTP {expected_status} {code} (section 2)"),
            format!(
                "HTTP {} code {}",
                answer.status,
                answer.body.get("code").map_or("absent".into(), short)
            ),
        ));
    }
    error_shape(answer)
}

/// Refused with 401 `UNAUTHORIZED` because the credential is missing or wrong.
pub fn unauthenticated(answer: &Answer) -> Checked {
    if answer.status != 401 || answer.body["code"].as_str() != Some("UNAUTHORIZED") {
        return Err(broken(
            rule::UNAUTHENTICATED,
            "a missing or wrong credential is answered 401 UNAUTHORIZED before anything else is looked at (section 2)",
            format!("HTTP {} {}", answer.status, short(&answer.body)),
        ));
    }
    error_shape(answer)
}

/// The error message names the field by its path.
pub fn names_field(answer: &Answer, path: &str) -> Checked {
    let message = answer.body["message"].as_str().unwrap_or_default();
    if message.contains(path) {
        Ok(())
    } else {
        Err(broken(
            rule::ERROR_SHAPE,
            format!("the message names the field by its path, `{path}` (section 2)"),
            format!("message {message:?}"),
        ))
    }
}

/// A non-empty string at `pointer` of `value`.
pub fn text(value: &Value, pointer: &str) -> Result<String, Broken> {
    match value.pointer(pointer).and_then(Value::as_str) {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(broken(
            rule::FIELD,
            format!("`{}` is present, a non-empty string", pointer_path(pointer)),
            format!("{} in {}", found_at(value, pointer), short(value)),
        )),
    }
}

/// The string at `pointer` equals `expected`.
pub fn equals(value: &Value, pointer: &str, expected: &str) -> Checked {
    match value.pointer(pointer).and_then(Value::as_str) {
        Some(s) if s == expected => Ok(()),
        _ => Err(broken(
            rule::FIELD,
            format!("`{}` is {expected:?}", pointer_path(pointer)),
            found_at(value, pointer),
        )),
    }
}

/// An RFC 3339 time at `pointer`.
pub fn time(value: &Value, pointer: &str) -> Checked {
    let text = text(value, pointer)?;
    time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
        .map(|_| ())
        .map_err(|_| {
            broken(
                rule::TIME,
                format!(
                    "`{}` is an RFC 3339 time (section 2)",
                    pointer_path(pointer)
                ),
                format!("{text:?}"),
            )
        })
}

/// An array at `pointer`.
pub fn array<'v>(value: &'v Value, pointer: &str) -> Result<&'v Vec<Value>, Broken> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            broken(
                rule::FIELD,
                format!("`{}` is an array", pointer_path(pointer)),
                found_at(value, pointer),
            )
        })
}

/// `/orderItem/0/state` as `orderItem[0].state`.
fn pointer_path(pointer: &str) -> String {
    let mut path = String::new();
    for part in pointer.trim_start_matches('/').split('/') {
        if part.chars().all(|c| c.is_ascii_digit()) && !part.is_empty() {
            path.push_str(&format!("[{part}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(part);
        }
    }
    if path.is_empty() {
        "$".to_owned()
    } else {
        path
    }
}

fn found_at(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        None => format!("`{}` is absent", pointer_path(pointer)),
        Some(found) => format!("`{}` is {}", pointer_path(pointer), short(found)),
    }
}

const LICENCE_STATES: [&str; 4] = ["pending", "active", "suspended", "terminated"];
const ORDER_STATES: [&str; 5] = [
    "acknowledged",
    "inProgress",
    "completed",
    "failed",
    "partial",
];

fn one_of(value: &Value, pointer: &str, allowed: &[&str]) -> Checked {
    let found = text(value, pointer)?;
    if allowed.contains(&found.as_str()) {
        Ok(())
    } else {
        Err(broken(
            rule::FIELD,
            format!(
                "`{}` is one of {}",
                pointer_path(pointer),
                allowed.join(", ")
            ),
            format!("{found:?}"),
        ))
    }
}

/// A full userService (section 5).
pub fn licence(value: &Value) -> Checked {
    clean_value(value, "$")?;
    for pointer in [
        "/id",
        "/productRefId",
        "/customer/id",
        "/productOffering/externalReference/id",
    ] {
        text(value, pointer)?;
    }
    one_of(value, "/state", &LICENCE_STATES)?;
    time(value, "/creationDate")?;
    time(value, "/lastUpdate")?;
    if value.get("login").is_some() {
        text(value, "/login/login")?;
    }
    if let Some(resources) = value.get("realizingResource") {
        for (i, _) in resources.as_array().into_iter().flatten().enumerate() {
            text(value, &format!("/realizingResource/{i}/type"))?;
            text(value, &format!("/realizingResource/{i}/value"))?;
        }
    }
    Ok(())
}

/// A productOrder in a given state (section 4), with its Orange reference echoed.
pub fn order(value: &Value, reference: &str, state: &str) -> Checked {
    clean_value(value, "$")?;
    text(value, "/id")?;
    equals(value, "/externalReference/id", reference)?;
    one_of(value, "/state", &ORDER_STATES)?;
    equals(value, "/state", state)?;
    text(value, "/customer/id")?;
    if state == "completed" {
        time(value, "/completionDate")?;
    }
    Ok(())
}

/// A userServiceTask (section 5): its items in the request's order, each with its result once
/// the task is final.
pub fn task(value: &Value, action: &str, licences: &[&str]) -> Checked {
    clean_value(value, "$")?;
    text(value, "/id")?;
    equals(value, "/action", action)?;
    let state = text(value, "/state")?;
    one_of(value, "/state", &ORDER_STATES)?;
    let items = array(value, "/userService")?;
    let ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    if ids != licences {
        return Err(broken(
            rule::FIELD,
            "the task's userService items follow the request's order (section 5)",
            format!("items {ids:?}, asked {licences:?}"),
        ));
    }
    if ["completed", "partial", "failed"].contains(&state.as_str()) {
        for (i, item) in items.iter().enumerate() {
            let result = item["result"].as_str().unwrap_or_default();
            let fine = match result {
                "done" => item.get("error").is_none(),
                "failed" => item["error"]["code"].as_str().is_some(),
                _ => false,
            };
            if !fine {
                return Err(broken(
                    rule::FIELD,
                    "each item of a final task has result done, or failed with an error code (section 5)",
                    format!("userService[{i}] is {}", short(item)),
                ));
            }
        }
    }
    Ok(())
}

/// An item's result (and error code when failed).
pub fn item_result(value: &Value, index: usize, result: &str, code: Option<&str>) -> Checked {
    equals(value, &format!("/userService/{index}/result"), result)?;
    if let Some(code) = code {
        equals(value, &format!("/userService/{index}/error/code"), code)?;
    }
    Ok(())
}

/// A retry answered the first answer again: same status, same id (and, when `whole`, the same
/// body).
pub fn same_answer(first: &Answer, retry: &Answer, whole: bool) -> Checked {
    let same = retry.status == first.status
        && retry.body.get("id") == first.body.get("id")
        && (!whole || retry.body == first.body);
    if same {
        Ok(())
    } else {
        Err(broken(
            rule::IDEMPOTENT,
            "a POST retried with the same externalReference and body returns the first answer again: same status, same ids, nothing created twice (section 2)",
            format!(
                "first HTTP {} id {}, retry HTTP {} id {}",
                first.status,
                first.body.get("id").map_or("absent".into(), short),
                retry.status,
                retry.body.get("id").map_or("absent".into(), short)
            ),
        ))
    }
}

/// A count header as a number.
pub fn count_header(answer: &Answer, name: &str) -> Result<u64, Broken> {
    answer
        .header(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            broken(
                rule::COUNTS,
                format!("a consultation answers the {name} header, a number (section 5)"),
                format!("{name}: {:?}", answer.header(name)),
            )
        })
}

/// `X-Total-Count` and `X-Result-Count` are what they should be.
pub fn counts(answer: &Answer, total: u64, result: u64) -> Checked {
    let found_total = count_header(answer, "x-total-count")?;
    let found_result = count_header(answer, "x-result-count")?;
    if (found_total, found_result) == (total, result) {
        Ok(())
    } else {
        Err(broken(
            rule::COUNTS,
            format!(
                "X-Total-Count is the number matching the filters ({total}), X-Result-Count the number in this answer ({result}) (section 5)"
            ),
            format!("X-Total-Count {found_total}, X-Result-Count {found_result}"),
        ))
    }
}

/// The ids of an array of resources.
pub fn ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["id"].as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_null_deep_in_an_answer_is_found_with_its_path() {
        let broken = clean_value(&json!({"a": [{"b": null}]}), "$").expect_err("a null");
        assert_eq!(broken.rule, rule::NO_NULL);
        assert_eq!(broken.found, "null at $.a[0].b");
        assert!(clean_value(&json!({"a": ""}), "$").is_err());
        assert!(clean_value(&json!({"a": [1, "x", {"b": false}]}), "$").is_ok());
    }

    #[test]
    fn pointers_are_shown_as_the_contract_writes_paths() {
        assert_eq!(
            pointer_path("/orderItem/0/productRef/userServiceQuantity"),
            "orderItem[0].productRef.userServiceQuantity"
        );
    }

    #[test]
    fn a_final_task_needs_a_result_on_every_item_in_order() {
        let task_value = json!({"id": "tsk_1", "action": "delete", "state": "partial",
            "userService": [{"id": "a", "result": "done"}, {"id": "b", "result": "failed", "error": {"code": "X", "message": "m"}}]});
        assert!(task(&task_value, "delete", &["a", "b"]).is_ok());
        assert!(task(&task_value, "delete", &["b", "a"]).is_err());
        let missing = json!({"id": "tsk_1", "action": "delete", "state": "completed",
            "userService": [{"id": "a"}]});
        assert!(task(&missing, "delete", &["a"]).is_err());
    }
}
