//! The Orange wire format: every JSON type Orange sends or receives (contract sections 2 to 6),
//! and how a request body is read into them. This is the one module to adapt to Orange's real
//! field list (Appendix 2 of the partner contract).
//!
//! Reading is tolerant: unknown fields are ignored, `null` counts as absent, and
//! `externalReference` may be an object or an array of objects. Writing omits every absent value:
//! no `null` and no empty string ever leaves Fleetdesk.

use fleetdesk_vocab::{CustomerId, EventId, FleetId, LicenceId, OrderId, TaskId};
use serde::de::{self, Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ApiError;

/// The version reported by ping.
pub const API_VERSION: &str = "1.4.0";

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/// A reference in another system: `{"type": "orange", "id": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExternalReference {
    /// Always `orange` in responses.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub id: String,
}

impl ExternalReference {
    pub fn orange(id: &str) -> ExternalReference {
        ExternalReference {
            kind: Some("orange".to_owned()),
            id: id.to_owned(),
        }
    }
}

/// `externalReference` as accepted on input: an object, or an array of them (the first of type
/// `orange` counts, or the only one when none says its type).
#[derive(Debug, Clone, PartialEq, Eq, ToSchema)]
#[schema(value_type = ExternalReference)]
pub struct ExternalReferenceInput(pub String);

impl<'de> Deserialize<'de> for ExternalReferenceInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            One(serde_json::Map<String, serde_json::Value>),
            Many(Vec<serde_json::Value>),
        }
        fn read<E: de::Error>(
            map: &serde_json::Map<String, serde_json::Value>,
        ) -> Result<(Option<String>, String), E> {
            let kind = match map.get("type") {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(kind)) => Some(kind.clone()),
                Some(_) => {
                    return Err(E::invalid_type(
                        de::Unexpected::Other("non-string type"),
                        &"a string",
                    ));
                }
            };
            match map.get("id") {
                None | Some(serde_json::Value::Null) => Err(E::missing_field("id")),
                Some(serde_json::Value::String(id)) if id.trim().is_empty() => Err(
                    E::invalid_value(de::Unexpected::Str(id), &"a non-empty reference id"),
                ),
                Some(serde_json::Value::String(id)) => Ok((kind, id.trim().to_owned())),
                Some(_) => Err(E::invalid_type(
                    de::Unexpected::Other("non-string id"),
                    &"a string",
                )),
            }
        }
        let shape = Shape::deserialize(deserializer).map_err(|_| {
            D::Error::invalid_type(
                de::Unexpected::Other("a value that is neither an object nor an array"),
                &"an externalReference object or an array of them",
            )
        })?;
        match shape {
            Shape::One(map) => read::<D::Error>(&map).map(|(_, id)| ExternalReferenceInput(id)),
            Shape::Many(items) => {
                let mut refs = Vec::new();
                for item in items {
                    match item {
                        serde_json::Value::Object(map) => refs.push(read::<D::Error>(&map)?),
                        _ => {
                            return Err(D::Error::invalid_type(
                                de::Unexpected::Other("a non-object item"),
                                &"an externalReference object",
                            ));
                        }
                    }
                }
                let orange = refs.iter().find(|(kind, _)| {
                    kind.as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case("orange"))
                });
                let chosen = match (orange, refs.len()) {
                    (Some(found), _) => found.clone(),
                    (None, 1) if refs[0].0.is_none() => refs[0].clone(),
                    _ => {
                        return Err(D::Error::invalid_value(
                            de::Unexpected::Seq,
                            &"an array holding a reference of type orange",
                        ));
                    }
                };
                Ok(ExternalReferenceInput(chosen.1))
            }
        }
    }
}

/// A telephone number: country code and subscriber number, digits only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Telephone {
    pub cc: String,
    pub sn: String,
}

impl Telephone {
    /// Checks both parts are digits of a plausible length, by the vocabulary's one rule for a
    /// stored telephone number ([`fleetdesk_vocab::Telephone::parse`]).
    pub fn check(&self, path: &str) -> Result<(), ApiError> {
        use fleetdesk_vocab::TelephoneError;
        match fleetdesk_vocab::Telephone::parse(&self.cc, &self.sn) {
            Ok(_) => Ok(()),
            Err(TelephoneError::CountryCode) => Err(ApiError::invalid(
                &format!("{path}.cc"),
                "must be 1 to 3 digits",
            )),
            Err(TelephoneError::Number) => Err(ApiError::invalid(
                &format!("{path}.sn"),
                "must be 1 to 14 digits",
            )),
        }
    }
}

/// A name/value pair as Orange sends it (kept and echoed as sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Characteristic {
    pub name: String,
    #[schema(value_type = String)]
    pub value: serde_json::Value,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// An order note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Note {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// A contact of the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelatedContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_telephone_number: Option<Telephone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_telephone_number: Option<Telephone>,
}

/// The offering of an order item or a licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductOffering {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub external_reference: ExternalReference,
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// `POST /orange/v2/productOrder`: a customer creation, a licence order, or both.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductOrderRequest {
    /// Orange's order id; the idempotency key.
    #[serde(default)]
    pub external_reference: Option<ExternalReferenceInput>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub order_date: Option<String>,
    #[serde(default)]
    pub requested_start_date: Option<String>,
    #[serde(default)]
    pub customer: Option<CustomerInput>,
    #[serde(default)]
    pub related_contact: Option<Vec<RelatedContact>>,
    /// Absent or empty: a customer creation.
    #[serde(default)]
    pub order_item: Option<Vec<OrderItemInput>>,
    #[serde(default)]
    pub note: Option<Vec<Note>>,
}

/// The customer of an order: `externalReference` and `name` to create it, or `id` (or the known
/// `externalReference`) for a later order.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerInput {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id: Option<CustomerId>,
    #[serde(default)]
    pub external_reference: Option<ExternalReferenceInput>,
    #[serde(default)]
    pub name: Option<String>,
    /// SIREN or SIRET.
    #[serde(default)]
    pub legal_id: Option<String>,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub characteristic: Option<Vec<Characteristic>>,
}

/// One licence order item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemInput {
    /// Orange's item id, echoed back.
    #[serde(default)]
    pub id: Option<String>,
    /// Only `add`.
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub product_offering: Option<ProductOfferingInput>,
    #[serde(default)]
    pub product_ref: Option<ProductRefInput>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductOfferingInput {
    #[serde(default)]
    pub name: Option<String>,
    /// The offer code.
    #[serde(default)]
    pub external_reference: Option<ExternalReferenceInput>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductRefInput {
    /// The productRefId of an existing fleet (absent on a first order).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id: Option<FleetId>,
    /// Number of licences, at least 1.
    #[serde(default)]
    pub user_service_quantity: Option<i64>,
    #[serde(default)]
    pub characteristic: Option<Vec<Characteristic>>,
}

/// `PATCH /orange/v2/userService/{id}`: a state change or an offering change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserServicePatch {
    /// `active` or `suspended`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub product_offering: Option<ProductOfferingInput>,
}

/// `POST /orange/v2/userServiceTask`: one operation on many licences.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserServiceTaskRequest {
    /// Optional; the idempotency key when present.
    #[serde(default)]
    pub external_reference: Option<ExternalReferenceInput>,
    /// `changeState`, `delete` or `changeOffering`.
    #[serde(default)]
    pub action: Option<String>,
    /// For `changeState`: `active` or `suspended`.
    #[serde(default)]
    pub state: Option<String>,
    /// For `changeOffering`.
    #[serde(default)]
    pub product_offering: Option<ProductOfferingInput>,
    #[serde(default)]
    pub user_service: Option<Vec<UserServiceRefInput>>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UserServiceRefInput {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id: Option<LicenceId>,
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// `GET /orange/v2/ping`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ping {
    /// `up` or `down`.
    pub status: String,
    pub version: String,
    pub time: String,
}

/// The TMF630 error envelope of every 4xx and 5xx answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub code: String,
    pub reason: String,
    pub message: String,
    /// The HTTP status, as a string.
    pub status: String,
}

impl From<&ApiError> for ErrorBody {
    fn from(error: &ApiError) -> Self {
        ErrorBody {
            code: error.code.as_str().to_owned(),
            reason: error.code.reason().to_owned(),
            message: error.message.clone(),
            status: error.status().to_string(),
        }
    }
}

/// A product order as answered and sent in events.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductOrder {
    #[schema(value_type = String)]
    pub id: OrderId,
    pub external_reference: ExternalReference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `acknowledged`, `inProgress`, `completed`, `failed` or `partial`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_date: Option<String>,
    pub customer: CustomerRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_contact: Vec<RelatedContact>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_item: Vec<OrderItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Note>,
}

/// The customer as named in an order or a licence.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRef {
    #[schema(value_type = String)]
    pub id: CustomerId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<ExternalReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub action: String,
    pub state: String,
    pub product_offering: ProductOffering,
    pub product_ref: ProductRef,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductRef {
    /// The productRefId actually used (absent until the fleet is chosen).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub id: Option<FleetId>,
    pub user_service_quantity: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub characteristic: Vec<Characteristic>,
    /// The licences created by this item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_service: Vec<UserServiceSummary>,
}

/// A licence inside an order item.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserServiceSummary {
    #[schema(value_type = String)]
    pub id: LicenceId,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<Login>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_user: Option<EndUser>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub realizing_resource: Vec<RealizingResource>,
}

/// A licence (Orange's userService).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserService {
    #[schema(value_type = String)]
    pub id: LicenceId,
    #[schema(value_type = String)]
    pub product_ref_id: FleetId,
    pub customer: CustomerRef,
    pub product_offering: ProductOffering,
    /// `pending`, `active`, `suspended` or `terminated`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<Login>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_user: Option<EndUser>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub realizing_resource: Vec<RealizingResource>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub characteristic: Vec<Characteristic>,
    pub creation_date: String,
    pub last_update: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub login: String,
    pub creation_date: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndUser {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_telephone_number: Option<Telephone>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RealizingResource {
    /// `msisdn`, `imei`, `email` or `url`.
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    /// True while the value is a well-formed fake awaiting the real one.
    pub placeholder: bool,
}

/// A userServiceTask (also the 202 answer of an asynchronous single PATCH or DELETE).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserServiceTask {
    #[schema(value_type = String)]
    pub id: TaskId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<ExternalReference>,
    /// `changeState`, `delete` or `changeOffering`.
    pub action: String,
    /// `acknowledged`, `inProgress`, `completed`, `partial` or `failed`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_offering: Option<ProductOffering>,
    pub user_service: Vec<TaskItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskItem {
    #[schema(value_type = String)]
    pub id: LicenceId,
    /// `done` or `failed`; absent until the item is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TaskItemError>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskItemError {
    pub code: String,
    pub message: String,
}

/// An event sent to Orange (section 6).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[schema(value_type = String)]
    pub event_id: EventId,
    pub event_time: String,
    pub event_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    pub event: EventResource,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventResource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_order: Option<ProductOrder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_service: Option<UserService>,
}

// ---------------------------------------------------------------------------------------------
// Reading bodies
// ---------------------------------------------------------------------------------------------

mod body;

pub use body::read_body;

/// A required text field: absent is `MISSING_FIELD`, blank is `INVALID_VALUE`.
pub fn required_text(value: Option<&str>, path: &str) -> Result<String, ApiError> {
    match value {
        None => Err(ApiError::missing(path)),
        Some(text) if text.trim().is_empty() => Err(ApiError::invalid(path, "must not be empty")),
        Some(text) => Ok(text.trim().to_owned()),
    }
}

/// An optional text field: blank counts as absent (Orange omits empty values anyway).
pub fn optional_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Checks that a date sent by Orange is RFC 3339, returning it as sent.
pub fn optional_date(value: Option<&str>, path: &str) -> Result<Option<String>, ApiError> {
    match optional_text(value) {
        None => Ok(None),
        Some(text) => {
            time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                .map_err(|_| ApiError::invalid(path, "must be an RFC 3339 date and time"))?;
            Ok(Some(text))
        }
    }
}

/// A JSON value in canonical form (object keys sorted), so that the same request sent with other
/// whitespace or key order has the same fingerprint.
pub fn canonical(value: &serde_json::Value) -> String {
    fn write(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push(':');
                    write(&map[key], out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// The fingerprint of a request body (SHA-256 of its canonical form).
pub fn fingerprint(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    crate::credentials::digest(&canonical(&value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orange::error::ErrorCode;

    fn error_of<T: de::DeserializeOwned + std::fmt::Debug>(body: &str) -> ApiError {
        read_body::<T>(body.as_bytes()).expect_err("the body is refused")
    }

    #[test]
    fn external_references_are_read_as_objects_or_arrays() {
        let one: ExternalReferenceInput =
            serde_json::from_str(r#"{"type":"orange","id":"A"}"#).expect("object");
        assert_eq!(one.0, "A");
        let many: ExternalReferenceInput = serde_json::from_str(
            r#"[{"type":"crm","id":"X"},{"type":"orange","id":"B"},{"type":"orange","id":"C"}]"#,
        )
        .expect("array");
        assert_eq!(many.0, "B");
        let untyped: ExternalReferenceInput =
            serde_json::from_str(r#"[{"id":"D"}]"#).expect("single untyped");
        assert_eq!(untyped.0, "D");
    }

    #[test]
    fn body_errors_name_the_field_path_and_the_right_code() {
        let e = error_of::<ProductOrderRequest>("not json");
        assert_eq!(e.code, ErrorCode::InvalidBody);
        let e = error_of::<ProductOrderRequest>("[1,2]");
        assert_eq!(e.code, ErrorCode::InvalidBody);
        let e = error_of::<ProductOrderRequest>(
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":"three"}}]}"#,
        );
        assert_eq!(e.code, ErrorCode::InvalidBody);
        assert!(
            e.message
                .contains("orderItem[0].productRef.userServiceQuantity"),
            "{}",
            e.message
        );
        let e = error_of::<ProductOrderRequest>(r#"{"externalReference":{"type":"orange"}}"#);
        assert_eq!(e.code, ErrorCode::MissingField);
        assert_eq!(e.message, "externalReference.id is required");
        let e =
            error_of::<ProductOrderRequest>(r#"{"externalReference":[{"type":"crm","id":"x"}]}"#);
        assert_eq!(e.code, ErrorCode::InvalidValue);
        let e = error_of::<ProductOrderRequest>(r#"{"a":1} {"b":2}"#);
        assert_eq!(e.code, ErrorCode::InvalidBody);
    }

    #[test]
    fn nested_parts_of_the_wrong_shape_name_their_path_and_the_shape_expected() {
        for (body, message) in [
            (
                r#"{"customer":"acme"}"#,
                r#"customer: invalid type: string "acme", expected an object"#,
            ),
            (
                r#"{"orderItem":{"a":1}}"#,
                "orderItem: invalid type: map, expected a sequence",
            ),
            (
                r#"{"orderItem":[{"productRef":7}]}"#,
                "orderItem[0].productRef: invalid type: integer `7`, expected an object",
            ),
            (
                r#"{"customer":{"name":["A"]}}"#,
                "customer.name: invalid type: sequence, expected a string",
            ),
        ] {
            let e = error_of::<ProductOrderRequest>(body);
            assert_eq!(
                (e.code, e.message.as_str()),
                (ErrorCode::InvalidBody, message)
            );
        }
        let e = error_of::<UserServiceTaskRequest>(r#"{"userService":[{"id":{"x":1}}]}"#);
        assert_eq!(
            e.message,
            "userService[0].id: invalid type: map, expected a string"
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_invalid_body() {
        for (body, shape) in [
            (
                r#"[{"externalReference":{"type":"orange","id":"O1"}}]"#,
                "an array",
            ),
            ("[]", "an array"),
            (r#""text""#, "a string"),
            ("42", "a number"),
            ("-1.5", "a number"),
            ("true", "a boolean"),
            ("null", "null"),
            (" \n null ", "null"),
        ] {
            let e = error_of::<ProductOrderRequest>(body);
            assert_eq!(e.code, ErrorCode::InvalidBody, "{body}");
            assert_eq!(
                e.message,
                format!("the body must be a JSON object, not {shape}"),
                "{body}"
            );
            let e = error_of::<UserServicePatch>(body);
            assert_eq!(e.code, ErrorCode::InvalidBody, "{body}");
        }
        let e = error_of::<UserServicePatch>(r#"["suspended"]"#);
        assert_eq!(e.code, ErrorCode::InvalidBody);
        // Text that is not JSON is answered with its syntax error.
        let e = error_of::<ProductOrderRequest>("[1,");
        assert_eq!(e.code, ErrorCode::InvalidBody);
        assert!(
            e.message.starts_with("the body is not valid JSON"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_fields_and_nulls_are_tolerated() {
        let request: ProductOrderRequest = read_body(
            br#"{"externalReference":{"type":"orange","id":"O1"},"category":null,"surprise":{"x":1}}"#,
        )
        .expect("accepted");
        assert_eq!(
            request.external_reference.map(|r| r.0).as_deref(),
            Some("O1")
        );
        assert!(request.category.is_none());
    }

    #[test]
    fn fingerprints_ignore_whitespace_and_key_order() {
        assert_eq!(
            fingerprint(br#"{"a":1,"b":[1,{"c":2,"d":3}]}"#),
            fingerprint(b"{ \"b\": [1, {\"d\":3, \"c\":2}], \"a\": 1 }")
        );
        assert_ne!(fingerprint(br#"{"a":1}"#), fingerprint(br#"{"a":2}"#));
    }
}
