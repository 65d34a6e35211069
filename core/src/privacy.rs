//! Personal data of a licence's end user, on request (GDPR): everything held about the person as
//! one JSON document, and erasure.
//!
//! The person's details live on the licence, and copies of them in the rows that recorded what
//! happened: the audit log (before/after), the events owed to Orange and their delivery attempts,
//! and the raw Orange exchanges. Erasure clears the licence's end user (the licence itself stays,
//! with its login, resources and history) and removes the person from every copy: an `endUser`
//! object (Orange's wire form) is taken out, so an event still waiting goes to Orange as if the
//! licence had no end user; an `end_user` value in the audit log becomes `"erased"`; any other
//! text that names the person becomes `[erased]`. The erasure's own audit entry says what was
//! done and how many rows it touched, never whom it was about.

use fleetdesk_vocab::EndUser;
use fleetdesk_vocab::{EventId, LicenceId};
use serde_json::{Map, Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit;
use crate::clock;
use crate::db::{Db, DbError};
use crate::licences::{Acting, end_user_of, tell_orange};

/// What stands in for an erased value.
pub const ERASED: &str = "[erased]";

/// The fields that hold a person's details, in the console's and Orange's spelling.
const PERSONAL_KEYS: [&str; 11] = [
    "given_name",
    "family_name",
    "email",
    "mobile",
    "mobile_cc",
    "mobile_sn",
    "givenName",
    "familyName",
    "mobileTelephoneNumber",
    "phone",
    "current",
];

/// The person behind a licence, as the strings that identify them in copies.
#[derive(Debug, Clone)]
struct Person {
    /// Whole values: a JSON string equal to one of these (case aside) is the person.
    whole: Vec<String>,
    /// Values specific enough to be looked for inside longer text and with `LIKE`.
    distinctive: Vec<String>,
}

impl Person {
    fn of(end_user: &EndUser) -> Person {
        let field = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let given = field(end_user.given_name());
        let family = field(end_user.family_name());
        let email = field(end_user.email());
        let (cc, sn) = end_user
            .mobile()
            .map(|phone| (field(phone.cc()), field(phone.sn())))
            .unwrap_or_default();
        let mut whole: Vec<String> = [given.clone(), family.clone(), email.clone(), sn.clone()]
            .into_iter()
            .flatten()
            .collect();
        let mut distinctive: Vec<String> = email.iter().cloned().collect();
        if let (Some(given), Some(family)) = (&given, &family) {
            whole.push(format!("{given} {family}"));
            distinctive.push(format!("{given} {family}"));
        }
        if let Some(family) = family.filter(|f| f.chars().count() >= 4) {
            distinctive.push(family);
        }
        if let Some(sn) = &sn {
            if sn.len() >= 6 {
                distinctive.push(sn.clone());
            }
            if let Some(cc) = &cc {
                whole.push(format!("+{cc}{sn}"));
                distinctive.push(format!("+{cc}{sn}"));
            }
        }
        // Longest first, so that "Jeanne Martin" goes before "Jeanne".
        whole.sort_by_key(|v| std::cmp::Reverse(v.len()));
        distinctive.sort_by_key(|v| std::cmp::Reverse(v.len()));
        Person { whole, distinctive }
    }

    fn is_whole(&self, text: &str) -> bool {
        let text = text.trim();
        self.whole.iter().any(|v| v.eq_ignore_ascii_case(text))
    }

    fn is_in(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.is_whole(text)
            || self
                .distinctive
                .iter()
                .any(|v| lower.contains(&v.to_lowercase()))
    }

    fn mentioned_in(&self, value: &Value) -> bool {
        match value {
            Value::String(s) => self.is_in(s),
            Value::Array(items) => items.iter().any(|v| self.mentioned_in(v)),
            Value::Object(map) => map.values().any(|v| self.mentioned_in(v)),
            _ => false,
        }
    }

    /// Text with the person taken out; `None` when it did not mention them.
    fn scrub_text(&self, text: &str) -> Option<String> {
        if let Ok(mut value) = serde_json::from_str::<Value>(text)
            && (value.is_object() || value.is_array())
        {
            return self
                .scrub_json(&mut value)
                .then(|| serde_json::to_string(&value).unwrap_or_else(|_| ERASED.to_owned()));
        }
        if !self.is_in(text) {
            return None;
        }
        if self.is_whole(text) {
            return Some(ERASED.to_owned());
        }
        let mut out = text.to_owned();
        for value in &self.distinctive {
            out = replace_ignoring_case(&out, value, ERASED);
        }
        Some(out)
    }

    /// Takes the person out of a JSON value in place; says whether anything changed.
    fn scrub_json(&self, value: &mut Value) -> bool {
        match value {
            Value::String(s) => match self.scrub_text(s) {
                Some(scrubbed) => {
                    *s = scrubbed;
                    true
                }
                None => false,
            },
            Value::Array(items) => {
                // Every item is scrubbed: no short cut once one has changed.
                let mut changed = false;
                for item in items {
                    changed |= self.scrub_json(item);
                }
                changed
            }
            Value::Object(map) => self.scrub_object(map),
            _ => false,
        }
    }

    fn scrub_object(&self, map: &mut Map<String, Value>) -> bool {
        let mut changed = false;
        // A record about the person (one of its values is them): every personal field of it goes,
        // also those that no longer match (an earlier number, a former address).
        let about_them = map
            .values()
            .any(|v| matches!(v, Value::String(s) if self.is_whole(s)));
        if about_them {
            for key in PERSONAL_KEYS {
                if let Some(slot) = map.get_mut(key)
                    && !slot.is_null()
                    && slot.as_str() != Some(ERASED)
                {
                    *slot = Value::String(ERASED.to_owned());
                    changed = true;
                }
            }
        }
        if map.get("endUser").is_some_and(|v| self.mentioned_in(v)) {
            // Orange's form: no end user is said by leaving the object out.
            map.remove("endUser");
            changed = true;
        }
        if let Some(slot) = map.get_mut("end_user")
            && self.mentioned_in(slot)
        {
            *slot = Value::String("erased".to_owned());
            changed = true;
        }
        for value in map.values_mut() {
            changed |= self.scrub_json(value);
        }
        changed
    }
}

fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return text.to_owned();
    }
    let lower = text.to_lowercase();
    let needle_lower = needle.to_lowercase();
    // Lower-casing may change byte lengths outside ASCII: then only exact matches are replaced.
    if lower.len() != text.len() {
        return text.replace(needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(&needle_lower) {
        if at < rest {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(with);
        rest = at + needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

/// One kind of row that may hold a copy of the person: the table, its key, its text columns, and
/// the condition that ties a row to the licence (`$1`).
struct Copies {
    table: &'static str,
    /// What identifies a row (an expression giving text).
    key: &'static str,
    columns: &'static [&'static str],
    of_licence: &'static str,
    /// Where an erasure counts the rows of this kind it changed.
    counted: fn(&mut Erasure) -> &mut u64,
}

const COPIES: [Copies; 5] = [
    Copies {
        table: "audit_log",
        key: "id",
        columns: &["before_json", "after_json"],
        of_licence: "object_type = 'licence' AND object_id = $1",
        counted: |e| &mut e.audit_entries,
    },
    Copies {
        table: "outbox_events",
        key: "id",
        columns: &["payload_json", "last_error"],
        of_licence: "resource_kind = 'userService' AND resource_id = $1",
        counted: |e| &mut e.events,
    },
    Copies {
        table: "outbox_attempts",
        key: "id",
        columns: &["request_body", "response_body", "error"],
        of_licence: "event_id IN (SELECT id FROM outbox_events \
                     WHERE resource_kind = 'userService' AND resource_id = $1)",
        counted: |e| &mut e.attempts,
    },
    Copies {
        table: "orange_exchanges",
        key: "id",
        columns: &["path", "request_body", "response_body"],
        of_licence: "object_id = $1",
        counted: |e| &mut e.exchanges,
    },
    // The lines of bulk end-user files, kept to show what each line did.
    Copies {
        table: "bulk_change_rows",
        key: "bulk_id || ':' || CAST(line AS TEXT)",
        columns: &["licence_ref", "change", "problem"],
        of_licence: "licence_id = $1",
        counted: |e| &mut e.bulk_lines,
    },
];

/// The rows of one kind that concern the licence or mention the person anywhere.
async fn rows_of(
    conn: &mut sqlx::AnyConnection,
    copies: &Copies,
    licence_id: &LicenceId,
    person: &Person,
) -> Result<Vec<(String, Vec<Option<String>>)>, DbError> {
    let mut mentions = Vec::new();
    let mut binds: Vec<String> = vec![licence_id.to_string()];
    for value in &person.distinctive {
        for column in copies.columns {
            binds.push(format!("%{}%", value.to_lowercase()));
            mentions.push(format!("LOWER({column}) LIKE ${}", binds.len()));
        }
    }
    let filter = if mentions.is_empty() {
        copies.of_licence.to_owned()
    } else {
        format!("({}) OR {}", copies.of_licence, mentions.join(" OR "))
    };
    let sql = format!(
        "SELECT {} AS row_key, {} FROM {} WHERE {filter} ORDER BY 1",
        copies.key,
        copies.columns.join(", "),
        copies.table
    );
    let mut query = sqlx::query(&sql);
    for bind in &binds {
        query = query.bind(bind);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("row_key")?;
            let values = copies
                .columns
                .iter()
                .map(|c| row.try_get::<Option<String>, _>(*c))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((id, values))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Why a request about a licence's end user cannot be met.
#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error("no licence with this id")]
    NotFound,
    #[error("this licence has no end user")]
    NoEndUser,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for PrivacyError {
    fn from(error: sqlx::Error) -> Self {
        PrivacyError::Db(DbError::from(error))
    }
}

/// How many rows an erasure changed, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Erasure {
    pub audit_entries: u64,
    pub events: u64,
    pub attempts: u64,
    pub exchanges: u64,
    pub bulk_lines: u64,
    /// The event telling Orange the licence has no end user any more (none for a terminated
    /// licence).
    pub event: Option<EventId>,
}

/// The licence's row and its end user, if any.
async fn person_of(
    conn: &mut sqlx::AnyConnection,
    licence_id: &LicenceId,
) -> Result<(AnyRow, Option<EndUser>), PrivacyError> {
    let row = sqlx::query(
        "SELECT id, state, login, fleet_id, customer_id, created_at, end_user_given_name, \
         end_user_family_name, end_user_email, end_user_mobile_cc, end_user_mobile_sn \
         FROM licences WHERE id = $1",
    )
    .bind(licence_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(PrivacyError::NotFound)?;
    let end_user = end_user_of(&row)?;
    Ok((row, end_user))
}

/// Erases the end user of a licence everywhere, in one transaction. The licence keeps its state,
/// login and history; Orange is told it has no end user (unless it is terminated).
pub async fn erase_end_user(
    db: &Db,
    licence_id: &LicenceId,
    acting: &Acting,
) -> Result<Erasure, PrivacyError> {
    let mut tx = db.begin_write().await?;
    let (row, end_user) = person_of(&mut tx, licence_id).await?;
    let person = Person::of(&end_user.ok_or(PrivacyError::NoEndUser)?);
    let state: String = row.try_get("state")?;
    sqlx::query(
        "UPDATE licences SET end_user_given_name = NULL, end_user_family_name = NULL, \
         end_user_email = NULL, end_user_mobile_cc = NULL, end_user_mobile_sn = NULL, \
         updated_at = $2 WHERE id = $1",
    )
    .bind(licence_id)
    .bind(clock::now_text())
    .execute(&mut *tx)
    .await?;

    let mut erasure = Erasure::default();
    for copies in &COPIES {
        let sets: Vec<String> = copies
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| format!("{column} = COALESCE(${}, {column})", i + 2))
            .collect();
        let update = format!(
            "UPDATE {} SET {} WHERE {} = $1",
            copies.table,
            sets.join(", "),
            copies.key
        );
        let rows = rows_of(&mut tx, copies, licence_id, &person).await?;
        for (id, values) in rows {
            let scrubbed: Vec<Option<String>> = values
                .iter()
                .map(|v| v.as_deref().and_then(|text| person.scrub_text(text)))
                .collect();
            if scrubbed.iter().all(Option::is_none) {
                continue;
            }
            let mut query = sqlx::query(&update).bind(&id);
            for value in scrubbed {
                query = query.bind(value);
            }
            query.execute(&mut *tx).await?;
            *(copies.counted)(&mut erasure) += 1;
        }
    }

    if state != "terminated" {
        let events = tell_orange(
            &mut tx,
            std::slice::from_ref(licence_id),
            acting.request_id.as_deref(),
        )
        .await?;
        erasure.event = events.into_iter().next();
        crate::provisioning::tasks::tell_product(
            &mut tx,
            "licence.end_user_changed",
            std::slice::from_ref(licence_id),
            acting.request_id.as_deref(),
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        &acting
            .entry(
                "licence.end_user.erase",
                "licence",
                Some(licence_id.as_str()),
            )
            .after(json!({ "erased": &erasure })),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(licence.id = %licence_id, "end user's personal data erased");
    Ok(erasure)
}

/// Everything held about the end user of a licence, as one JSON document: the person, the
/// licence, and every row that concerns the licence or mentions the person (audit entries, events,
/// delivery attempts, raw Orange exchanges), as stored. `None` when there is no such licence.
pub async fn export_end_user(db: &Db, licence_id: &LicenceId) -> Result<Value, PrivacyError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let (row, end_user) = person_of(&mut conn, licence_id).await?;
    let end_user = end_user.ok_or(PrivacyError::NoEndUser)?;
    let person = Person::of(&end_user);
    let text = |name: &str| row.try_get::<Option<String>, _>(name).ok().flatten();
    let mut document = json!({
        "exportedAt": clock::now_text(),
        "endUser": {
            "givenName": end_user.given_name(),
            "familyName": end_user.family_name(),
            "email": end_user.email(),
            "mobileTelephoneNumber": end_user.mobile(),
        },
        "licence": {
            "id": text("id"),
            "state": text("state"),
            "login": text("login"),
            "productRefId": text("fleet_id"),
            "customerId": text("customer_id"),
            "creationDate": text("created_at"),
        },
    });
    for copies in &COPIES {
        let rows = rows_of(&mut conn, copies, licence_id, &person).await?;
        let items: Vec<Value> = rows
            .into_iter()
            .map(|(id, values)| {
                let mut item = Map::new();
                item.insert("key".to_owned(), Value::String(id));
                for (column, value) in copies.columns.iter().zip(values) {
                    let value = value.map_or(Value::Null, |text| {
                        serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text))
                    });
                    item.insert((*column).to_owned(), value);
                }
                Value::Object(item)
            })
            .collect();
        document[copies.table] = Value::Array(items);
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Person {
        Person {
            whole: vec![
                "Zéphyrine Quatremare".into(),
                "zephyrine.q@example.invalid".into(),
                "+33639981234".into(),
                "Quatremare".into(),
                "Zéphyrine".into(),
                "639981234".into(),
            ],
            distinctive: vec![
                "zephyrine.q@example.invalid".into(),
                "Zéphyrine Quatremare".into(),
                "+33639981234".into(),
                "Quatremare".into(),
                "639981234".into(),
            ],
        }
    }

    #[test]
    fn orange_s_end_user_object_is_taken_out_and_audit_values_marked() {
        let p = person();
        let event = json!({"event": {"resource": {"id": "lic_1", "endUser": {
            "givenName": "Zéphyrine", "familyName": "Quatremare",
            "email": "zephyrine.q@example.invalid",
            "mobileTelephoneNumber": {"cc": "33", "sn": "639981234"}}}}});
        let scrubbed = p.scrub_text(&event.to_string()).expect("changed");
        let scrubbed: Value = serde_json::from_str(&scrubbed).expect("json");
        assert_eq!(scrubbed, json!({"event": {"resource": {"id": "lic_1"}}}));

        let audit = json!({"end_user": {"given_name": "Zéphyrine", "email": "ZEPHYRINE.Q@example.invalid"}, "events": ["evt_1"]});
        let scrubbed: Value =
            serde_json::from_str(&p.scrub_text(&audit.to_string()).expect("changed"))
                .expect("json");
        assert_eq!(scrubbed, json!({"end_user": "erased", "events": ["evt_1"]}));

        let line = json!({"kind": "end_user", "current": null, "given_name": "Zéphyrine",
            "family_name": "Quatremare", "email": "zephyrine.q@example.invalid",
            "mobile_cc": "33", "mobile_sn": "639981200"});
        let scrubbed: Value =
            serde_json::from_str(&p.scrub_text(&line.to_string()).expect("changed")).expect("json");
        assert_eq!(
            scrubbed["mobile_sn"], ERASED,
            "an earlier number of theirs goes too"
        );
        assert_eq!(scrubbed["kind"], "end_user");

        let other =
            json!({"end_user": {"given_name": "Claire", "email": "claire@example.invalid"}});
        assert_eq!(p.scrub_text(&other.to_string()), None, "someone else stays");
        assert_eq!(
            p.scrub_text("refused: Zéphyrine Quatremare <zephyrine.q@example.invalid>")
                .as_deref(),
            Some("refused: [erased] <[erased]>")
        );
        assert_eq!(p.scrub_text("nothing about them"), None);
    }
}
