//! Licences as the console sees them: a filtered list (newest first, keyset paging), one licence
//! with its realizing resources and its timeline, and the changes the partner makes on its own
//! initiative (contract section 6): assign, change or remove the end user, replace a realizing
//! resource, renew the login.
//!
//! Each change runs in one transaction with its audit entry and a
//! `userServiceAttributeValueChangeEvent` per licence it changed (the outbox), whatever the API's
//! sync/async setting: Orange has no other way to learn of them. Terminated licences and licences
//! with an asynchronous operation in progress are refused.

use fleetdesk_vocab::EventState;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Entry};
use crate::clock;
use crate::db::{Db, DbError, word};
use crate::offerings::LoginFormat;
use crate::orange::user_service::{self as orange_licences, LicenceState};
use crate::orange::wire::Telephone;
use crate::orders;
use crate::outbox::{self, OrangeEventType};
use crate::resources::{ResourceError, ResourceScope, ResourceType, ResourceValue};

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

/// Which licences to list; every field set narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LicenceFilter {
    pub state: Option<LicenceState>,
    /// An offer code or an offering id.
    pub offering: Option<String>,
    pub customer_id: Option<String>,
    /// The fleet (productRefId).
    pub fleet_id: Option<String>,
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
    pub id: String,
    pub login: Option<String>,
    pub state: LicenceState,
    pub customer_id: String,
    pub customer_name: String,
    pub fleet_id: String,
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

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
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

// ---------------------------------------------------------------------------------------------
// One licence
// ---------------------------------------------------------------------------------------------

/// A licence's end user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndUser {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub mobile: Option<Telephone>,
}

/// Why an end user's details were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EndUserError {
    #[error("the given name is required")]
    GivenName,
    #[error("the family name is required")]
    FamilyName,
    #[error("the e-mail address is not valid")]
    Email,
    #[error(
        "the mobile number needs a country code of 1 to 3 digits and a number of up to 14 digits"
    )]
    Mobile,
}

impl EndUser {
    /// Reads an end user as typed: names non-empty, a well-formed e-mail address, and an optional
    /// mobile number (country code and number, both or neither; spaces, dots and a leading `+`
    /// are ignored).
    pub fn parse(
        given_name: &str,
        family_name: &str,
        email: &str,
        mobile_cc: &str,
        mobile_sn: &str,
    ) -> Result<EndUser, EndUserError> {
        let given_name = given_name.trim();
        let family_name = family_name.trim();
        if given_name.is_empty() || given_name.chars().count() > 100 {
            return Err(EndUserError::GivenName);
        }
        if family_name.is_empty() || family_name.chars().count() > 100 {
            return Err(EndUserError::FamilyName);
        }
        let email = ResourceValue::parse(ResourceType::Email, email)
            .map_err(|_| EndUserError::Email)?
            .as_str()
            .to_owned();
        let digits = |text: &str| -> String {
            text.trim()
                .trim_start_matches('+')
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-'))
                .collect()
        };
        let (cc, sn) = (digits(mobile_cc), digits(mobile_sn));
        let mobile = match (cc.is_empty(), sn.is_empty()) {
            (true, true) => None,
            (false, false) => {
                let phone = Telephone {
                    cc: cc.trim_start_matches('0').to_owned(),
                    sn: sn.trim_start_matches('0').to_owned(),
                };
                phone.check("mobile").map_err(|_| EndUserError::Mobile)?;
                Some(phone)
            }
            _ => return Err(EndUserError::Mobile),
        };
        Ok(EndUser {
            given_name: given_name.to_owned(),
            family_name: family_name.to_owned(),
            email,
            mobile,
        })
    }
}

/// A realizing resource of a licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDetail {
    pub id: String,
    /// Its own, or shared by the customer's licences.
    pub scope: ResourceScope,
    pub kind: ResourceType,
    pub value: String,
    pub placeholder_since: Option<String>,
    /// How many licences it realizes (1 for a licence's own).
    pub licences: i64,
    pub updated_at: String,
}

/// One line of a licence's timeline: an audit entry or an event owed to Orange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: String,
    /// `audit` or `event`.
    pub source: &'static str,
    /// The audit entry's or the event's id.
    pub id: String,
    /// The audit action or the event type.
    pub what: String,
    /// Who acted (audit entries).
    pub actor: Option<String>,
    /// The event's delivery state (events).
    pub state: Option<EventState>,
}

/// Everything about one licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceDetail {
    pub id: String,
    pub state: LicenceState,
    pub login: Option<String>,
    pub login_created_at: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_ref: String,
    pub fleet_id: String,
    pub offering_id: String,
    pub offer_code: String,
    pub offering_name: String,
    pub resource_type: ResourceType,
    pub end_user: Option<EndUser>,
    pub resources: Vec<ResourceDetail>,
    pub pending_operation: Option<String>,
    pub pending_task_id: Option<String>,
    pub pending_since: Option<String>,
    pub order_item_id: Option<String>,
    pub order_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub terminated_at: Option<String>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
}

impl LicenceDetail {
    /// Why the partner may not change this licence now, if it may not.
    pub fn refusal(&self) -> Option<ChangeError> {
        if self.state == LicenceState::Terminated {
            Some(ChangeError::Terminated)
        } else if self.pending_operation.is_some() {
            Some(ChangeError::OperationInProgress)
        } else {
            None
        }
    }
}

/// How many timeline entries of each kind a licence page shows.
const TIMELINE_LIMIT: i64 = 100;

pub(crate) fn end_user_of(row: &AnyRow) -> Result<Option<EndUser>, sqlx::Error> {
    let given: Option<String> = row.try_get("end_user_given_name")?;
    let family: Option<String> = row.try_get("end_user_family_name")?;
    let email: Option<String> = row.try_get("end_user_email")?;
    let cc: Option<String> = row.try_get("end_user_mobile_cc")?;
    let sn: Option<String> = row.try_get("end_user_mobile_sn")?;
    if given.is_none() && family.is_none() && email.is_none() {
        return Ok(None);
    }
    Ok(Some(EndUser {
        given_name: given.unwrap_or_default(),
        family_name: family.unwrap_or_default(),
        email: email.unwrap_or_default(),
        mobile: cc.zip(sn).map(|(cc, sn)| Telephone { cc, sn }),
    }))
}

/// One licence with its resources and timeline; `None` when there is no such licence.
pub async fn detail(db: &Db, id: &str) -> Result<Option<LicenceDetail>, DbError> {
    let row = sqlx::query(
        "SELECT l.id, l.state, l.login, l.login_created_at, l.customer_id, c.name AS customer_name, \
         c.external_reference AS customer_ref, l.fleet_id, l.offering_id, o.offer_code, \
         o.name AS offering_name, o.resource_type, l.end_user_given_name, l.end_user_family_name, \
         l.end_user_email, l.end_user_mobile_cc, l.end_user_mobile_sn, l.order_item_id, \
         i.order_id, l.pending_operation, l.pending_task_id, l.pending_since, l.created_at, \
         l.updated_at, l.terminated_at \
         FROM licences l JOIN customers c ON c.id = l.customer_id \
         JOIN offerings o ON o.id = l.offering_id \
         LEFT JOIN product_order_items i ON i.id = l.order_item_id WHERE l.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let resource_type: String = row.try_get("resource_type")?;
    let resources = sqlx::query(
        "SELECT r.id, r.scope, r.type, r.value, r.placeholder_since, r.updated_at, 1 AS licences \
         FROM realizing_resources r WHERE r.licence_id = $1 \
         UNION ALL \
         SELECT r.id, r.scope, r.type, r.value, r.placeholder_since, r.updated_at, \
         (SELECT COUNT(*) FROM licence_realizing_resources n WHERE n.realizing_resource_id = r.id) \
         AS licences \
         FROM licence_realizing_resources lrr JOIN realizing_resources r \
         ON r.id = lrr.realizing_resource_id WHERE lrr.licence_id = $1 \
         ORDER BY 3, 1",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let resources = resources
        .iter()
        .map(|r| -> Result<ResourceDetail, DbError> {
            let kind: String = r.try_get("type")?;
            Ok(ResourceDetail {
                id: r.try_get("id")?,
                scope: word(r, "scope")?,
                kind: ResourceType::parse(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("resource type `{kind}`")))?,
                value: r.try_get("value")?,
                placeholder_since: r.try_get("placeholder_since")?,
                licences: r.try_get("licences")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(LicenceDetail {
        id: row.try_get("id")?,
        state: word(&row, "state")?,
        login: row.try_get("login")?,
        login_created_at: row.try_get("login_created_at")?,
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        customer_ref: row.try_get("customer_ref")?,
        fleet_id: row.try_get("fleet_id")?,
        offering_id: row.try_get("offering_id")?,
        offer_code: row.try_get("offer_code")?,
        offering_name: row.try_get("offering_name")?,
        resource_type: ResourceType::parse(&resource_type)
            .ok_or_else(|| DbError::Corrupt(format!("resource type `{resource_type}`")))?,
        end_user: end_user_of(&row)?,
        resources,
        pending_operation: row.try_get("pending_operation")?,
        pending_task_id: row.try_get("pending_task_id")?,
        pending_since: row.try_get("pending_since")?,
        order_item_id: row.try_get("order_item_id")?,
        order_id: row.try_get("order_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        terminated_at: row.try_get("terminated_at")?,
        timeline: timeline(db, id).await?,
    }))
}

/// The licence's audit entries and events, newest first.
async fn timeline(db: &Db, id: &str) -> Result<Vec<TimelineEntry>, DbError> {
    let audits = sqlx::query(
        "SELECT id, at, actor_label, action FROM audit_log \
         WHERE object_type = 'licence' AND object_id = $1 ORDER BY at DESC LIMIT $2",
    )
    .bind(id)
    .bind(TIMELINE_LIMIT)
    .fetch_all(db.pool())
    .await?;
    let events = sqlx::query(
        "SELECT id, event_type, state, created_at FROM outbox_events \
         WHERE resource_kind = 'userService' AND resource_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(id)
    .bind(TIMELINE_LIMIT)
    .fetch_all(db.pool())
    .await?;
    let mut entries = Vec::with_capacity(audits.len() + events.len());
    for row in &audits {
        entries.push(TimelineEntry {
            at: row.try_get("at")?,
            source: "audit",
            id: row.try_get("id")?,
            what: row.try_get("action")?,
            actor: Some(row.try_get("actor_label")?),
            state: None,
        });
    }
    for row in &events {
        entries.push(TimelineEntry {
            at: row.try_get("created_at")?,
            source: "event",
            id: row.try_get("id")?,
            what: row.try_get("event_type")?,
            actor: None,
            state: Some(word(row, "state")?),
        });
    }
    // An audit entry and the event of the same change share their time; the change reads first.
    entries.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.source.cmp(b.source)));
    Ok(entries)
}

// ---------------------------------------------------------------------------------------------
// Partner-initiated changes
// ---------------------------------------------------------------------------------------------

/// Why a change was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such licence")]
    NotFound,
    #[error("the licence is terminated; it is kept for history and cannot change")]
    Terminated,
    #[error("an operation from Orange is in progress on this licence; try again once it is done")]
    OperationInProgress,
    #[error("{0}")]
    EndUser(#[from] EndUserError),
    #[error("the licence has no end user")]
    NoEndUser,
    #[error("this realizing resource does not belong to the licence")]
    UnknownResource,
    #[error("{1}")]
    InvalidResource(ResourceType, ResourceError),
    #[error("nothing changed: the value is the current one")]
    Unchanged,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(error: sqlx::Error) -> Self {
        ChangeError::Db(DbError::Query(error))
    }
}

/// What a change did: the licences it changed (each got its event) and, for a renewal, the new
/// login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub licences: Vec<String>,
    pub events: Vec<String>,
    pub login: Option<String>,
}

pub use crate::audit::Acting;

/// What a change needs to know about the licence, read once it is taken.
struct Taken {
    customer_id: String,
    offer_code: String,
    login_format: String,
    login_stem: String,
    login: Option<String>,
    end_user: Option<EndUser>,
}

/// Takes the licence for a change: refuses terminated licences and those with an operation in
/// progress, and sets `updated_at`. The UPDATE checks and locks in one statement, so a concurrent
/// Orange operation either waits for this transaction or is seen.
async fn take(conn: &mut AnyConnection, id: &str, now: &str) -> Result<Taken, ChangeError> {
    let taken = sqlx::query(
        "UPDATE licences SET updated_at = $2 \
         WHERE id = $1 AND state <> 'terminated' AND pending_operation IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() == 0 {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM licences WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        return Err(match state.as_deref() {
            None => ChangeError::NotFound,
            Some("terminated") => ChangeError::Terminated,
            Some(_) => ChangeError::OperationInProgress,
        });
    }
    let row = sqlx::query(
        "SELECT l.customer_id, l.login, l.end_user_given_name, l.end_user_family_name, \
         l.end_user_email, l.end_user_mobile_cc, l.end_user_mobile_sn, o.offer_code, \
         o.login_format, c.login_stem \
         FROM licences l JOIN offerings o ON o.id = l.offering_id \
         JOIN customers c ON c.id = l.customer_id WHERE l.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Taken {
        customer_id: row.try_get("customer_id")?,
        offer_code: row.try_get("offer_code")?,
        login_format: row.try_get("login_format")?,
        login_stem: orders::stem_of(&row)?,
        login: row.try_get("login")?,
        end_user: end_user_of(&row)?,
    })
}

/// Queues the attribute change event of each licence, as Orange reads it now.
pub(crate) async fn tell_orange(
    conn: &mut AnyConnection,
    licences: &[String],
    request_id: Option<&str>,
) -> Result<Vec<String>, DbError> {
    let mut events = Vec::with_capacity(licences.len());
    for id in licences {
        let licence = orange_licences::load(conn, id)
            .await?
            .ok_or_else(|| DbError::Corrupt(format!("licence {id} vanished")))?;
        events.push(
            outbox::enqueue_licence_event(
                conn,
                OrangeEventType::UserServiceAttributeValueChange,
                licence,
                None,
                request_id,
            )
            .await?,
        );
    }
    Ok(events)
}

fn end_user_json(end_user: Option<&EndUser>) -> serde_json::Value {
    serde_json::to_value(end_user).unwrap_or(serde_json::Value::Null)
}

/// Assigns an end user to a licence, or changes its end user.
pub async fn set_end_user(
    db: &Db,
    id: &str,
    end_user: &EndUser,
    acting: &Acting,
) -> Result<Changed, ChangeError> {
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let taken = take(&mut tx, id, &now).await?;
    if taken.end_user.as_ref() == Some(end_user) {
        return Err(ChangeError::Unchanged);
    }
    let (cc, sn) = end_user
        .mobile
        .clone()
        .map(|phone| (phone.cc, phone.sn))
        .unzip();
    sqlx::query(
        "UPDATE licences SET end_user_given_name = $2, end_user_family_name = $3, \
         end_user_email = $4, end_user_mobile_cc = $5, end_user_mobile_sn = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(&end_user.given_name)
    .bind(&end_user.family_name)
    .bind(&end_user.email)
    .bind(cc)
    .bind(sn)
    .execute(&mut *tx)
    .await?;
    let licences = vec![id.to_owned()];
    let events = tell_orange(&mut tx, &licences, acting.request_id.as_deref()).await?;
    let action = if taken.end_user.is_some() {
        "licence.end_user.change"
    } else {
        "licence.end_user.assign"
    };
    audit::record(
        &mut *tx,
        &Entry::new(acting.actor.clone(), action, "licence", Some(id))
            .before(serde_json::json!({ "end_user": end_user_json(taken.end_user.as_ref()) }))
            .after(
                serde_json::json!({ "end_user": end_user_json(Some(end_user)), "events": events }),
            )
            .request_id(acting.request_id.clone()),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(licence.id = %id, "end user set by an operator");
    Ok(Changed {
        licences,
        events,
        login: None,
    })
}

/// Removes a licence's end user.
pub async fn remove_end_user(db: &Db, id: &str, acting: &Acting) -> Result<Changed, ChangeError> {
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let taken = take(&mut tx, id, &now).await?;
    if taken.end_user.is_none() {
        return Err(ChangeError::NoEndUser);
    }
    sqlx::query(
        "UPDATE licences SET end_user_given_name = NULL, end_user_family_name = NULL, \
         end_user_email = NULL, end_user_mobile_cc = NULL, end_user_mobile_sn = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let licences = vec![id.to_owned()];
    let events = tell_orange(&mut tx, &licences, acting.request_id.as_deref()).await?;
    audit::record(
        &mut *tx,
        &Entry::new(
            acting.actor.clone(),
            "licence.end_user.remove",
            "licence",
            Some(id),
        )
        .before(serde_json::json!({ "end_user": end_user_json(taken.end_user.as_ref()) }))
        .after(serde_json::json!({ "end_user": null, "events": events }))
        .request_id(acting.request_id.clone()),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(licence.id = %id, "end user removed by an operator");
    Ok(Changed {
        licences,
        events,
        login: None,
    })
}

/// Replaces the value of one of the licence's realizing resources with a real one (checked for
/// its type). A shared (per-customer) resource changes for every licence it realizes: each one
/// still in service gets its own event.
pub async fn replace_resource(
    db: &Db,
    id: &str,
    resource_id: &str,
    value: &str,
    acting: &Acting,
) -> Result<Changed, ChangeError> {
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    take(&mut tx, id, &now).await?;
    let resource = sqlx::query(
        "SELECT r.id, r.scope, r.type, r.value, r.placeholder_since FROM realizing_resources r \
         WHERE r.id = $2 AND (r.licence_id = $1 OR EXISTS (SELECT 1 FROM \
         licence_realizing_resources x WHERE x.licence_id = $1 AND x.realizing_resource_id = r.id))",
    )
    .bind(id)
    .bind(resource_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ChangeError::UnknownResource)?;
    let kind: String = resource.try_get("type")?;
    let kind = ResourceType::parse(&kind)
        .ok_or_else(|| DbError::Corrupt(format!("resource type `{kind}`")))?;
    let scope: String = resource.try_get("scope")?;
    let old_value: String = resource.try_get("value")?;
    let placeholder_since: Option<String> = resource.try_get("placeholder_since")?;
    let parsed =
        ResourceValue::parse(kind, value).map_err(|e| ChangeError::InvalidResource(kind, e))?;
    if parsed.as_str() == old_value && placeholder_since.is_none() {
        return Err(ChangeError::Unchanged);
    }
    sqlx::query(
        "UPDATE realizing_resources SET value = $2, placeholder_since = NULL, updated_at = $3 \
         WHERE id = $1",
    )
    .bind(resource_id)
    .bind(parsed.as_str())
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let licences = if scope == "per_customer" {
        let others: Vec<String> = sqlx::query_scalar(
            "SELECT l.id FROM licence_realizing_resources x JOIN licences l ON l.id = x.licence_id \
             WHERE x.realizing_resource_id = $1 AND l.state <> 'terminated' \
             ORDER BY l.created_at, l.id",
        )
        .bind(resource_id)
        .fetch_all(&mut *tx)
        .await?;
        for other in others.iter().filter(|other| *other != id) {
            sqlx::query("UPDATE licences SET updated_at = $2 WHERE id = $1")
                .bind(other)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        others
    } else {
        vec![id.to_owned()]
    };
    let events = tell_orange(&mut tx, &licences, acting.request_id.as_deref()).await?;
    audit::record(
        &mut *tx,
        &Entry::new(
            acting.actor.clone(),
            "licence.resource.replace",
            "licence",
            Some(id),
        )
        .before(serde_json::json!({
            "resource": resource_id, "type": kind.as_str(), "scope": scope,
            "value": old_value, "placeholder": placeholder_since.is_some(),
        }))
        .after(serde_json::json!({
            "resource": resource_id, "type": kind.as_str(), "scope": scope,
            "value": parsed.as_str(), "placeholder": false,
            "licences": licences, "events": events,
        }))
        .request_id(acting.request_id.clone()),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        licence.id = %id,
        resource.id = %resource_id,
        licences = licences.len(),
        "realizing resource replaced by an operator"
    );
    Ok(Changed {
        licences,
        events,
        login: None,
    })
}

/// Gives the licence a new login, made like the logins of new licences: the offering's login
/// format with the customer's login stem and the next number of the customer's counter.
pub async fn renew_login(db: &Db, id: &str, acting: &Acting) -> Result<Changed, ChangeError> {
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let taken = take(&mut tx, id, &now).await?;
    let format = LoginFormat::parse(&taken.login_format)
        .map_err(|e| DbError::Corrupt(format!("login format `{}`: {e}", taken.login_format)))?;
    let seq = orders::reserve_login_numbers(&mut tx, &taken.customer_id, 1, &now).await?;
    let login = format.render(
        &taken.login_stem,
        &taken.offer_code,
        u64::try_from(seq).unwrap_or_default(),
    );
    sqlx::query("UPDATE licences SET login = $2, login_created_at = $3 WHERE id = $1")
        .bind(id)
        .bind(&login)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| DbError::on_conflict(e, "licence login"))?;
    let licences = vec![id.to_owned()];
    let events = tell_orange(&mut tx, &licences, acting.request_id.as_deref()).await?;
    audit::record(
        &mut *tx,
        &Entry::new(
            acting.actor.clone(),
            "licence.login.renew",
            "licence",
            Some(id),
        )
        .before(serde_json::json!({ "login": taken.login }))
        .after(serde_json::json!({ "login": login, "events": events }))
        .request_id(acting.request_id.clone()),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(licence.id = %id, "login renewed by an operator");
    Ok(Changed {
        licences,
        events,
        login: Some(login),
    })
}

pub mod bulk;

#[cfg(test)]
mod tests;
