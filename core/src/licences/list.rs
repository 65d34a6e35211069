//! The console's list of licences: filtered by the fields set, newest first, paged by keyset on
//! `(created_at, id)`, and counted up to a cap.

use fleetdesk_vocab::{CustomerId, FleetId, LicenceId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::LicenceState;
use crate::db::{Db, DbError, word};

/// Which licences to list; every field set narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LicenceFilter {
    pub state: Option<LicenceState>,
    /// An offer code or an offering id.
    pub offering: Option<String>,
    pub customer_id: Option<CustomerId>,
    /// The fleet (productRefId).
    pub fleet_id: Option<FleetId>,
    /// `Some(true)`: with an end user; `Some(false)`: without.
    pub end_user: Option<bool>,
    /// `Some(true)`: a realizing resource is still a placeholder; `Some(false)`: every one is real.
    pub placeholder: Option<bool>,
    /// A licence id, or the start (or whole) of a login or an end user's e-mail address.
    pub text: Option<String>,
}

/// A licence as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceRow {
    pub id: LicenceId,
    pub login: Option<String>,
    pub state: LicenceState,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub fleet_id: FleetId,
    pub offer_code: String,
    pub offering_name: String,
    pub end_user_name: Option<String>,
    pub end_user_email: Option<String>,
    /// Whether a realizing resource of the licence is still a placeholder.
    pub has_placeholder: bool,
    pub created_at: String,
}

/// The licence has a realizing resource (its own or a shared one) that is a placeholder.
const HAS_PLACEHOLDER: &str = "(EXISTS (SELECT 1 FROM realizing_resources pr \
     WHERE pr.licence_id = l.id AND pr.placeholder_since IS NOT NULL) \
     OR EXISTS (SELECT 1 FROM licence_realizing_resources plr \
     JOIN realizing_resources ps ON ps.id = plr.realizing_resource_id \
     WHERE plr.licence_id = l.id AND ps.placeholder_since IS NOT NULL))";

/// The licence has a realizing resource at all.
const HAS_RESOURCE: &str = "(EXISTS (SELECT 1 FROM realizing_resources hr WHERE hr.licence_id = l.id) \
     OR EXISTS (SELECT 1 FROM licence_realizing_resources hlr WHERE hlr.licence_id = l.id))";

const HAS_END_USER: &str = "(l.end_user_given_name IS NOT NULL OR l.end_user_family_name IS NOT NULL \
     OR l.end_user_email IS NOT NULL)";

/// A statement built from the filter's set fields only, so each query can use the index of the
/// field it filters on.
struct Built {
    conditions: Vec<String>,
    binds: Vec<String>,
}

impl Built {
    fn param(&mut self, value: String) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }
}

/// `%` and `_` taken literally in a LIKE pattern (escaped with `\`).
fn like_prefix(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn clean<T: AsRef<str>>(value: &Option<T>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.as_ref().trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn conditions(filter: &LicenceFilter) -> Built {
    let mut built = Built {
        conditions: Vec::new(),
        binds: Vec::new(),
    };
    if let Some(state) = filter.state {
        let p = built.param(state.as_str().to_owned());
        built.conditions.push(format!("l.state = {p}"));
    }
    if let Some(offering) = clean(&filter.offering) {
        let p = built.param(offering);
        built
            .conditions
            .push(format!("(o.offer_code = {p} OR o.id = {p})"));
    }
    if let Some(customer) = clean(&filter.customer_id) {
        let p = built.param(customer);
        built.conditions.push(format!("l.customer_id = {p}"));
    }
    if let Some(fleet) = clean(&filter.fleet_id) {
        let p = built.param(fleet);
        built.conditions.push(format!("l.fleet_id = {p}"));
    }
    match filter.end_user {
        Some(true) => built.conditions.push(HAS_END_USER.to_owned()),
        Some(false) => built.conditions.push(format!("NOT {HAS_END_USER}")),
        None => {}
    }
    match filter.placeholder {
        Some(true) => built.conditions.push(HAS_PLACEHOLDER.to_owned()),
        Some(false) => built
            .conditions
            .push(format!("{HAS_RESOURCE} AND NOT {HAS_PLACEHOLDER}")),
        None => {}
    }
    if let Some(text) = clean(&filter.text) {
        let exact = built.param(text.clone());
        let login = built.param(like_prefix(&text.to_lowercase()));
        let email = built.param(like_prefix(&text));
        built.conditions.push(format!(
            "(l.id = {exact} OR l.login LIKE {login} ESCAPE '\\' \
             OR l.end_user_email LIKE {email} ESCAPE '\\')"
        ));
    }
    built
}

fn row_of(row: &AnyRow) -> Result<LicenceRow, sqlx::Error> {
    let given: Option<String> = row.try_get("end_user_given_name")?;
    let family: Option<String> = row.try_get("end_user_family_name")?;
    let name = [given, family]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let placeholder: String = row.try_get("has_placeholder")?;
    Ok(LicenceRow {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        state: word(row, "state")?,
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        fleet_id: row.try_get("fleet_id")?,
        offer_code: row.try_get("offer_code")?,
        offering_name: row.try_get("offering_name")?,
        end_user_name: (!name.is_empty()).then_some(name),
        end_user_email: row.try_get("end_user_email")?,
        has_placeholder: placeholder == "yes",
        created_at: row.try_get("created_at")?,
    })
}

/// Licences matching `filter`, newest first, at most `limit`, older than the `(created_at, id)`
/// cursor when given.
pub async fn list(
    db: &Db,
    filter: &LicenceFilter,
    before: Option<(String, String)>,
    limit: u32,
) -> Result<Vec<LicenceRow>, DbError> {
    let mut built = conditions(filter);
    if let Some((at, id)) = before {
        let at = built.param(at);
        let id = built.param(id);
        built
            .conditions
            .push(crate::db::keyset_older("l.created_at", "l.id", &at, &id));
    }
    let filter_sql = if built.conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", built.conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT l.id, l.login, l.state, l.customer_id, c.name AS customer_name, l.fleet_id, \
         o.offer_code, o.name AS offering_name, l.end_user_given_name, l.end_user_family_name, \
         l.end_user_email, l.created_at, \
         CASE WHEN {HAS_PLACEHOLDER} THEN 'yes' ELSE 'no' END AS has_placeholder \
         FROM licences l JOIN customers c ON c.id = l.customer_id \
         JOIN offerings o ON o.id = l.offering_id {filter_sql} \
         ORDER BY l.created_at DESC, l.id DESC LIMIT {limit}"
    );
    let mut query = sqlx::query(&sql);
    for value in built.binds {
        query = query.bind(value);
    }
    let rows = query.fetch_all(db.pool()).await?;
    Ok(rows.iter().map(row_of).collect::<Result<_, _>>()?)
}

/// How many licences match `filter` (shown above the list).
/// The most licences [`count`] counts exactly; past it, lists say "more than".
pub const COUNT_CAP: i64 = 10_000;

/// How many licences match `filter`, counted up to [`COUNT_CAP`] + 1 so that a list over a million
/// licences does not walk them all to print a number.
pub async fn count(db: &Db, filter: &LicenceFilter) -> Result<i64, DbError> {
    let built = conditions(filter);
    let filter_sql = if built.conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", built.conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 AS one FROM licences l \
         JOIN offerings o ON o.id = l.offering_id {filter_sql} LIMIT {}) capped",
        COUNT_CAP + 1
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for value in built.binds {
        query = query.bind(value);
    }
    Ok(query.fetch_one(db.pool()).await?)
}
