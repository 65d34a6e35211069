//! Reading a request body into a wire type, and naming what is wrong with it.
//!
//! The text is parsed once into [`Sent`], a tree that keeps what was sent in the order it was
//! sent (repeated keys included), so that reading from it meets the same fields in the same order
//! as reading the text would. The wire type is then read from that tree through a deserializer
//! whose error type, [`Refusal`], records which `serde::de::Error` constructor reported the
//! problem. The contract's code comes from that constructor, never from the wording of a
//! message: `missing_field` is `MISSING_FIELD`, `invalid_value` and `unknown_variant` are
//! `INVALID_VALUE`, the rest (`invalid_type`, `invalid_length`, `unknown_field`,
//! `duplicate_field`, `custom`) is `INVALID_BODY`. Text that is not JSON is told by serde_json's
//! own error category. The words of each message are serde_json's, so a client reads what it read
//! before.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, MapDeserializer, SeqDeserializer,
};
use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};

use crate::orange::error::{ApiError, ErrorCode};

/// Reads a JSON body into `T`, turning every failure into the contract's error: `INVALID_BODY`
/// for text that is not JSON or has the wrong shape, `MISSING_FIELD` and `INVALID_VALUE` with the
/// field's path (e.g. `orderItem[0].productRef.userServiceQuantity`).
///
/// Every Orange request body is a JSON object. serde's derived structs also read a JSON array, as
/// the fields in declaration order, so an array is refused here before it could pass for an
/// object (`[{...}]` answered as a missing field, `["suspended"]` taken for a state change).
pub fn read_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if let Some(refusal) = not_an_object(body) {
        return Err(refusal);
    }
    let mut text = serde_json::Deserializer::from_slice(body);
    let sent = Sent::deserialize(&mut text).map_err(|error| not_json(&error))?;
    // Whatever follows the value is answered only when the value itself reads: a field that is
    // wrong is the more useful answer.
    let after = text.end();
    let value = serde_path_to_error::deserialize(&sent).map_err(|error| {
        let path = error.path().to_string();
        classify(&path, error.into_inner())
    })?;
    after.map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidBody,
            "the body holds something after its JSON value",
        )
    })?;
    Ok(value)
}

/// The refusal of a body that does not start as an object: its syntax error when it is not JSON
/// at all, otherwise what it is instead of an object. `None` for anything that starts with `{`.
fn not_an_object(body: &[u8]) -> Option<ApiError> {
    let first = body
        .iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace());
    if first == Some(b'{') {
        return None;
    }
    if let Err(error) = serde_json::from_slice::<de::IgnoredAny>(body) {
        return Some(not_json(&error));
    }
    let shape = match first {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    };
    Some(ApiError::new(
        ErrorCode::InvalidBody,
        format!("the body must be a JSON object, not {shape}"),
    ))
}

/// The refusal of text that serde_json could not read as JSON, by serde_json's category.
fn not_json(error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    // serde_json appends " at line L column C"; a client is told what is wrong, not where.
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let detail = text.strip_suffix(&position).unwrap_or(&text);
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::new(
            ErrorCode::InvalidBody,
            format!("the body is not valid JSON: {detail}"),
        ),
        // Reading JSON into `Sent` or `IgnoredAny` takes any value, so no data error comes from
        // here; should one, the body is refused as a whole all the same.
        Category::Data => ApiError::new(ErrorCode::InvalidBody, format!("the body: {detail}")),
    }
}

/// The contract's error for a refusal met at `path` (serde_path_to_error's form, `.` for the
/// body itself).
fn classify(path: &str, refusal: Refusal) -> ApiError {
    // A nested object is named by its Rust type ("expected struct CustomerInput"): a client is
    // told the shape.
    let detail = match refusal.message.find("expected struct ") {
        Some(at) => format!("{}expected an object", &refusal.message[..at]),
        None => refusal.message,
    };
    match refusal.kind {
        Kind::MissingField(field) => {
            let full = if is_the_body(path) {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            ApiError::missing(&full)
        }
        Kind::InvalidValue | Kind::UnknownVariant => ApiError::new(
            ErrorCode::InvalidValue,
            format!("{}: {detail}", shown(path)),
        ),
        Kind::InvalidType
        | Kind::InvalidLength
        | Kind::UnknownField
        | Kind::DuplicateField
        | Kind::Custom => {
            ApiError::new(ErrorCode::InvalidBody, format!("{}: {detail}", shown(path)))
        }
    }
}

fn is_the_body(path: &str) -> bool {
    path.is_empty() || path == "."
}

fn shown(path: &str) -> &str {
    if is_the_body(path) { "the body" } else { path }
}

// ---------------------------------------------------------------------------------------------
// The error: which constructor reported the problem
// ---------------------------------------------------------------------------------------------

/// Why a body could not be read as a wire type: the kind, from the `serde::de::Error`
/// constructor that reported it, and the message in serde_json's words.
#[derive(Debug)]
struct Refusal {
    kind: Kind,
    message: String,
}

/// One kind per `serde::de::Error` constructor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `missing_field`, with the field's name.
    MissingField(&'static str),
    InvalidType,
    InvalidValue,
    InvalidLength,
    UnknownVariant,
    UnknownField,
    DuplicateField,
    Custom,
}

impl Refusal {
    /// The refusal of `kind`, worded as serde_json words the same error (`null` rather than
    /// serde's `unit value`, floating point numbers in their short form).
    fn worded_as(kind: Kind, json: serde_json::Error) -> Refusal {
        Refusal {
            kind,
            message: json.to_string(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

impl de::Error for Refusal {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Refusal {
            kind: Kind::Custom,
            message: message.to_string(),
        }
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Refusal::worded_as(
            Kind::InvalidType,
            de::Error::invalid_type(unexpected, expected),
        )
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Refusal::worded_as(
            Kind::InvalidValue,
            de::Error::invalid_value(unexpected, expected),
        )
    }

    fn invalid_length(length: usize, expected: &dyn de::Expected) -> Self {
        Refusal::worded_as(
            Kind::InvalidLength,
            de::Error::invalid_length(length, expected),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Refusal::worded_as(
            Kind::UnknownVariant,
            de::Error::unknown_variant(variant, expected),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Refusal::worded_as(
            Kind::UnknownField,
            de::Error::unknown_field(field, expected),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Refusal::worded_as(Kind::MissingField(field), de::Error::missing_field(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Refusal::worded_as(Kind::DuplicateField, de::Error::duplicate_field(field))
    }
}

// ---------------------------------------------------------------------------------------------
// The tree: the body as sent
// ---------------------------------------------------------------------------------------------

/// A JSON value as sent. Unlike `serde_json::Value`, an object keeps its keys in the order they
/// came, repeated ones included: a wire type read from it sees what it would have seen reading
/// the text (the first wrong field in the body is the one named; a repeated field is refused).
/// Texts without escapes are borrowed from the body, so that the tree costs little beside it.
#[derive(Debug, Clone, PartialEq)]
enum Sent<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(Cow<'a, str>),
    List(Vec<Sent<'a>>),
    Object(Vec<(Cow<'a, str>, Sent<'a>)>),
}

impl Sent<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Sent::Null => Unexpected::Unit,
            Sent::Bool(value) => Unexpected::Bool(*value),
            Sent::Unsigned(value) => Unexpected::Unsigned(*value),
            Sent::Signed(value) => Unexpected::Signed(*value),
            Sent::Float(value) => Unexpected::Float(*value),
            Sent::Text(text) => Unexpected::Str(text),
            Sent::List(_) => Unexpected::Seq,
            Sent::Object(_) => Unexpected::Map,
        }
    }
}

impl<'de> Deserialize<'de> for Sent<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SentVisitor)
    }
}

struct SentVisitor;

impl<'de> Visitor<'de> for SentVisitor {
    type Value = Sent<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Sent<'de>, E> {
        Ok(Sent::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Sent<'de>, E> {
        Ok(Sent::Bool(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Sent<'de>, E> {
        Ok(Sent::Unsigned(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Sent<'de>, E> {
        Ok(Sent::Signed(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Sent<'de>, E> {
        Ok(Sent::Float(value))
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Sent<'de>, E> {
        Ok(Sent::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Sent<'de>, E> {
        Ok(Sent::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Sent<'de>, E> {
        Ok(Sent::Text(Cow::Owned(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sent<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Sent::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sent<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            entries.push((key.0, map.next_value()?));
        }
        Ok(Sent::Object(entries))
    }
}

/// Reading a wire type from the tree: every error is a [`Refusal`], made by the constructor the
/// wire type's `Deserialize` (derived or written) chose.
impl<'de> Deserializer<'de> for &'de Sent<'_> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self {
            Sent::Null => visitor.visit_unit(),
            Sent::Bool(value) => visitor.visit_bool(*value),
            Sent::Unsigned(value) => visitor.visit_u64(*value),
            Sent::Signed(value) => visitor.visit_i64(*value),
            Sent::Float(value) => visitor.visit_f64(*value),
            Sent::Text(text) => visitor.visit_borrowed_str(text),
            Sent::List(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Sent::Object(entries) => {
                let mut map = MapDeserializer::new(fields(entries));
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self {
            Sent::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        match self {
            Sent::Text(variant) => visitor.visit_enum(BorrowedStrDeserializer::new(variant)),
            Sent::Object(entries) if entries.len() == 1 => visitor.visit_enum(
                MapAccessDeserializer::new(MapDeserializer::new(fields(entries))),
            ),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        // Already read: an unknown field costs nothing more.
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

impl<'de> IntoDeserializer<'de, Refusal> for &'de Sent<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// An object's entries as serde's map deserializer takes them.
fn fields<'de, 'a>(
    entries: &'de [(Cow<'a, str>, Sent<'a>)],
) -> impl Iterator<Item = (BorrowedStrDeserializer<'de, Refusal>, &'de Sent<'a>)> {
    entries
        .iter()
        .map(|(key, value)| (BorrowedStrDeserializer::new(key), value))
}

/// An object's key, borrowed from the body when it holds no escape (serde's `Cow<str>` always
/// copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Sent::deserialize(deserializer)? {
            Sent::Text(text) => Ok(Key(text)),
            other => Err(de::Error::invalid_type(other.unexpected(), &"a key")),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde::de::Error as _;

    use super::*;

    fn error_of<T: DeserializeOwned + fmt::Debug>(body: &str) -> ApiError {
        read_body::<T>(body.as_bytes()).expect_err("the body is refused")
    }

    /// A value that refuses itself with the constructor its text names, worded unusually: the
    /// answer must follow the constructor, whatever the words.
    #[derive(Debug)]
    struct Refuses;

    impl<'de> Deserialize<'de> for Refuses {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let how = String::deserialize(deserializer)?;
            Err(match how.as_str() {
                "missing" => D::Error::missing_field("due at line 3 column 4"),
                "missing in words" => D::Error::custom("missing field `id`"),
                "invalid" => D::Error::invalid_value(Unexpected::Other("a cloud"), &"a licence"),
                "invalid in words" => {
                    D::Error::custom("invalid value: a cloud, expected a licence")
                }
                "variant" => D::Error::unknown_variant("teal", &["red", "blue"]),
                "variant in words" => D::Error::custom("unknown variant `teal`"),
                "type" => D::Error::invalid_type(Unexpected::Other("a cloud"), &"a licence"),
                "length" => D::Error::invalid_length(7, &"two items"),
                "field" => D::Error::unknown_field("colour", &["color"]),
                "twice" => D::Error::duplicate_field("colour"),
                _ => D::Error::custom("something else"),
            })
        }
    }

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(rename = "thing")]
        _thing: Refuses,
    }

    #[test]
    fn the_code_follows_the_constructor_not_the_words() {
        for (how, code, message) in [
            (
                "missing",
                ErrorCode::MissingField,
                "thing.due at line 3 column 4 is required",
            ),
            (
                "missing in words",
                ErrorCode::InvalidBody,
                "thing: missing field `id`",
            ),
            (
                "invalid",
                ErrorCode::InvalidValue,
                "thing: invalid value: a cloud, expected a licence",
            ),
            (
                "invalid in words",
                ErrorCode::InvalidBody,
                "thing: invalid value: a cloud, expected a licence",
            ),
            (
                "variant",
                ErrorCode::InvalidValue,
                "thing: unknown variant `teal`, expected `red` or `blue`",
            ),
            (
                "variant in words",
                ErrorCode::InvalidBody,
                "thing: unknown variant `teal`",
            ),
            (
                "type",
                ErrorCode::InvalidBody,
                "thing: invalid type: a cloud, expected a licence",
            ),
            (
                "length",
                ErrorCode::InvalidBody,
                "thing: invalid length 7, expected two items",
            ),
            (
                "field",
                ErrorCode::InvalidBody,
                "thing: unknown field `colour`, expected `color`",
            ),
            (
                "twice",
                ErrorCode::InvalidBody,
                "thing: duplicate field `colour`",
            ),
            ("else", ErrorCode::InvalidBody, "thing: something else"),
        ] {
            let e = error_of::<Probe>(&format!(r#"{{"thing":"{how}"}}"#));
            assert_eq!((e.code, e.message.as_str()), (code, message), "{how}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Pair {
        first: i64,
        second: Option<Mood>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[expect(dead_code, reason = "read only for its refusals")]
    enum Mood {
        Calm,
        Busy { until: String },
    }

    #[test]
    fn derived_types_are_answered_by_their_constructor() {
        for (body, code, message) in [
            (r#"{}"#, ErrorCode::MissingField, "first is required"),
            (
                r#"{"first":1,"second":"angry"}"#,
                ErrorCode::InvalidValue,
                "second: unknown variant `angry`, expected `calm` or `busy`",
            ),
            (
                r#"{"first":1,"second":{"busy":{}}}"#,
                ErrorCode::MissingField,
                "second.busy.until is required",
            ),
            (
                r#"{"first":1,"second":7}"#,
                ErrorCode::InvalidBody,
                "second: invalid type: integer `7`, expected enum Mood",
            ),
            (
                r#"{"first":18446744073709551615}"#,
                ErrorCode::InvalidValue,
                "first: invalid value: integer `18446744073709551615`, expected i64",
            ),
            (
                r#"{"first":1,"first":2}"#,
                ErrorCode::InvalidBody,
                "the body: duplicate field `first`",
            ),
        ] {
            let e = error_of::<Pair>(body);
            assert_eq!((e.code, e.message.as_str()), (code, message), "{body}");
        }
        let read: Pair = read_body(br#"{"first":1,"second":"calm","other":[1,{"x":null}]}"#)
            .expect("a good body reads");
        assert!(matches!(
            read,
            Pair {
                first: 1,
                second: Some(Mood::Calm)
            }
        ));
    }

    #[test]
    fn the_first_wrong_field_in_the_body_is_the_one_named() {
        let e = error_of::<Pair>(r#"{"second":"angry","first":"one"}"#);
        assert!(e.message.starts_with("second: "), "{}", e.message);
        let e = error_of::<Pair>(r#"{"first":"one","second":"angry"}"#);
        assert!(e.message.starts_with("first: "), "{}", e.message);
    }

    /// The answer the text itself gave when read straight into the wire type, serde_json's
    /// message taken apart by its words: what `read_body` answered before it read the
    /// constructor. Right for ordinary bodies, which must be answered the same.
    fn answer_by_the_words<T: DeserializeOwned + fmt::Debug>(body: &str) -> ApiError {
        let mut text = serde_json::Deserializer::from_str(body);
        let error = serde_path_to_error::deserialize::<_, T>(&mut text)
            .expect_err("serde_json refuses it too");
        let path = error.path().to_string();
        let words = error.inner().to_string();
        let detail = words.split(" at line ").next().unwrap_or_default();
        let detail = match detail.find("expected struct ") {
            Some(at) => format!("{}expected an object", &detail[..at]),
            None => detail.to_owned(),
        };
        if let Some(field) = detail
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            ApiError::missing(&if is_the_body(&path) {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            })
        } else if detail.starts_with("invalid value") || detail.starts_with("unknown variant") {
            ApiError::new(
                ErrorCode::InvalidValue,
                format!("{}: {detail}", shown(&path)),
            )
        } else {
            ApiError::new(
                ErrorCode::InvalidBody,
                format!("{}: {detail}", shown(&path)),
            )
        }
    }

    #[test]
    fn ordinary_bodies_are_answered_word_for_word_as_before() {
        use crate::orange::wire::{ProductOrderRequest, UserServiceTaskRequest};
        for body in [
            r#"{"customer":null,"orderItem":[{"productRef":{"userServiceQuantity":1.5}}]}"#,
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":1e300}}]}"#,
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":-2.0e-7}}]}"#,
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":true}}]}"#,
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":{}}}]}"#,
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":-9223372036854775809}}]}"#,
            r#"{"orderItem":[{"productRef":{"userServiceQuantity":18446744073709551615}}]}"#,
            r#"{"orderItem":[null]}"#,
            r#"{"orderItem":[{"productOffering":{"externalReference":7}}]}"#,
            r#"{"orderItem":[{"productOffering":{"externalReference":[{"id":" "}]}}]}"#,
            r#"{"orderItem":[{"productOffering":{"externalReference":[{"type":1,"id":"x"}]}}]}"#,
            r#"{"customer":{"externalReference":{"type":"orange","id":null}}}"#,
            r#"{"customer":{"name":-3}}"#,
            r#"{"customer":{"address":"a \"quoted\" street"}}"#,
            r#"{"customer":{"characteristic":[{"name":"a"}]}}"#,
            r#"{"relatedContact":[{"mobileTelephoneNumber":{"cc":"33"}}]}"#,
            r#"{"relatedContact":[{"mobileTelephoneNumber":"0601"}]}"#,
            r#"{"note":[{"text":"a"},{"date":[]}]}"#,
        ] {
            let ours = error_of::<ProductOrderRequest>(body);
            assert_eq!(
                ours,
                answer_by_the_words::<ProductOrderRequest>(body),
                "{body}"
            );
        }
        for body in [
            r#"{"userService":[{"id":"a"},{"id":false}]}"#,
            r#"{"userService":"all"}"#,
            r#"{"externalReference":[]}"#,
        ] {
            let ours = error_of::<UserServiceTaskRequest>(body);
            assert_eq!(
                ours,
                answer_by_the_words::<UserServiceTaskRequest>(body),
                "{body}"
            );
        }
    }

    #[test]
    fn a_struct_read_from_a_longer_array_is_refused() {
        let e = error_of::<Pair>(r#"{"first":1,"second":{"busy":["x","y"]}}"#);
        assert_eq!(e.code, ErrorCode::InvalidBody);
        assert_eq!(
            e.message,
            "second.busy: invalid length 2, expected 1 element in sequence"
        );
    }

    #[test]
    fn syntax_errors_come_first_and_trailing_text_last() {
        let e = error_of::<Pair>(r#"{"first":"one","#);
        assert_eq!(e.code, ErrorCode::InvalidBody);
        assert_eq!(
            e.message,
            "the body is not valid JSON: EOF while parsing a value"
        );
        let e = error_of::<Pair>(r#"{"first":"one"} {}"#);
        assert!(
            e.message.starts_with("first: invalid type"),
            "{}",
            e.message
        );
        let e = error_of::<Pair>(r#"{"first":1} {}"#);
        assert_eq!(e.message, "the body holds something after its JSON value");
    }
}
