//! The offering catalogue: Orange's offer codes mapped to the partner's offerings, each saying which
//! realizing resource its licences carry, whether it is shared per customer, and how logins look
//! (contract section 4, last paragraph). Managed in the console, importable from a CSV file.
//! Offerings are retired, never deleted: licences and orders keep pointing at them.

use fleetdesk_vocab::OfferingId;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::audit::{self, Acting};
use crate::db::{Db, DbError};
use crate::{clock, ids};
use fleetdesk_vocab::{Provisioning, ResourceScope, ResourceType};

/// The login format used when an offering does not set one.
pub const DEFAULT_LOGIN_FORMAT: &str = "{customer}-{seq:4}";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offering {
    pub id: OfferingId,
    pub offer_code: String,
    pub name: String,
    pub resource_type: ResourceType,
    pub resource_scope: ResourceScope,
    pub login_format: LoginFormat,
    /// How its orders and tasks become real in the partner's product ([`crate::provisioning`]).
    pub provisioning: Provisioning,
    pub created_at: String,
    pub updated_at: String,
    pub retired_at: Option<String>,
}

impl Offering {
    pub fn is_active(&self) -> bool {
        self.retired_at.is_none()
    }
}

/// What an offering is made of, as typed in the console or read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OfferingInput {
    pub offer_code: String,
    pub name: String,
    pub resource_type: String,
    pub resource_scope: String,
    #[serde(default)]
    pub login_format: String,
    /// `none` or `manual`; empty keeps an offering's mode (`none` for a new one).
    #[serde(default)]
    pub provisioning: String,
}

/// An input that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Checked {
    offer_code: String,
    name: String,
    resource_type: ResourceType,
    resource_scope: ResourceScope,
    login_format: LoginFormat,
    /// `None` when not given: kept as it is, `none` for a new offering.
    provisioning: Option<Provisioning>,
}

#[derive(Debug, thiserror::Error)]
pub enum OfferingError {
    #[error(transparent)]
    Invalid(#[from] InvalidOffering),
    #[error("an offering with this offer code already exists")]
    CodeTaken,
    #[error("no such offering")]
    NotFound,
    #[error(transparent)]
    Db(DbError),
}

/// Why an offering as typed (in the form or a line of an imported file) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOffering {
    #[error("the offer code must be 1 to 64 characters, without spaces")]
    OfferCode,
    #[error("the name must be 1 to 100 characters")]
    Name,
    #[error("the realizing resource type must be one of none, msisdn, imei, email, url")]
    ResourceType,
    #[error("the resource scope must be per_licence or per_customer")]
    ResourceScope,
    #[error("a shared (per_customer) resource must be of a type, not none")]
    SharedWithoutType,
    #[error(transparent)]
    LoginFormat(#[from] LoginFormatError),
    #[error("the provisioning must be none or manual")]
    Provisioning,
    /// Manual approval while these operations answer Orange at once.
    #[error("manual provisioning needs asynchronous operations; synchronous now: {}", words(.0))]
    ManualNeedsAsync(Vec<fleetdesk_vocab::Operation>),
}

fn words(operations: &[fleetdesk_vocab::Operation]) -> String {
    operations
        .iter()
        .map(|operation| operation.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<LoginFormatError> for OfferingError {
    fn from(error: LoginFormatError) -> Self {
        OfferingError::Invalid(error.into())
    }
}

impl From<DbError> for OfferingError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Conflict { .. } => OfferingError::CodeTaken,
            other => OfferingError::Db(other),
        }
    }
}

impl From<sqlx::Error> for OfferingError {
    fn from(error: sqlx::Error) -> Self {
        OfferingError::Db(DbError::Query(error))
    }
}

impl OfferingInput {
    fn check(&self) -> Result<Checked, InvalidOffering> {
        let offer_code = self.offer_code.trim();
        if offer_code.is_empty()
            || offer_code.chars().count() > 64
            || offer_code.chars().any(char::is_whitespace)
        {
            return Err(InvalidOffering::OfferCode);
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(InvalidOffering::Name);
        }
        let resource_type =
            ResourceType::parse(&self.resource_type).ok_or(InvalidOffering::ResourceType)?;
        let resource_scope = if self.resource_scope.trim().is_empty() {
            ResourceScope::PerLicence
        } else {
            ResourceScope::parse(&self.resource_scope).ok_or(InvalidOffering::ResourceScope)?
        };
        if resource_scope == ResourceScope::PerCustomer && resource_type == ResourceType::None {
            return Err(InvalidOffering::SharedWithoutType);
        }
        let format = self.login_format.trim();
        let login_format = LoginFormat::parse(if format.is_empty() {
            DEFAULT_LOGIN_FORMAT
        } else {
            format
        })?;
        let provisioning = match self.provisioning.trim() {
            "" => None,
            given => Some(Provisioning::parse(given).ok_or(InvalidOffering::Provisioning)?),
        };
        Ok(Checked {
            offer_code: offer_code.to_owned(),
            name: name.to_owned(),
            resource_type,
            resource_scope,
            login_format,
            provisioning,
        })
    }
}

const COLUMNS: &str = "id, offer_code, name, resource_type, resource_scope, login_format, \
                       provisioning_mode, created_at, updated_at, retired_at";

impl Checked {
    /// Refuses manual provisioning while an operation that reaches offerings is synchronous.
    async fn allowed(self, db: &Db) -> Result<Checked, OfferingError> {
        if let Some(provisioning) = self.provisioning
            && crate::provisioning::needs_async(db, provisioning).await?
        {
            let settings = crate::orange::settings::load(db).await?;
            let sync = crate::provisioning::manual_refused(&settings);
            if !sync.is_empty() {
                return Err(InvalidOffering::ManualNeedsAsync(sync).into());
            }
        }
        Ok(self)
    }

    /// The mode as stored: `NULL` keeps the stored one on update.
    fn provisioning_word(&self) -> Option<&'static str> {
        self.provisioning.map(Provisioning::as_str)
    }
}

fn from_row(row: &AnyRow) -> Result<Offering, DbError> {
    let resource_type: String = row.try_get("resource_type")?;
    let resource_scope: String = row.try_get("resource_scope")?;
    let login_format: String = row.try_get("login_format")?;
    Ok(Offering {
        id: row.try_get("id")?,
        offer_code: row.try_get("offer_code")?,
        name: row.try_get("name")?,
        resource_type: ResourceType::parse(&resource_type)
            .ok_or_else(|| DbError::Corrupt(format!("resource type `{resource_type}`")))?,
        resource_scope: ResourceScope::parse(&resource_scope)
            .ok_or_else(|| DbError::Corrupt(format!("resource scope `{resource_scope}`")))?,
        login_format: LoginFormat::parse(&login_format)
            .map_err(|e| DbError::Corrupt(format!("login format `{login_format}`: {e}")))?,
        // NULL in databases made before the mode was a setting: `none`.
        provisioning: crate::db::word_or(row, "provisioning_mode", Provisioning::None)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        retired_at: row.try_get("retired_at")?,
    })
}

/// Adds an offering to the catalogue; audited as `offering.create` in the same transaction.
pub async fn create(
    db: &Db,
    acting: &Acting,
    input: &OfferingInput,
) -> Result<Offering, OfferingError> {
    let checked = input.check()?.allowed(db).await?;
    let now = clock::now_text();
    let id = ids::new_id::<OfferingId>();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO offerings (id, offer_code, name, resource_type, resource_scope, login_format, \
         provisioning_mode, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, COALESCE($8, 'none'), $7, $7)",
    )
    .bind(&id)
    .bind(&checked.offer_code)
    .bind(&checked.name)
    .bind(checked.resource_type.as_str())
    .bind(checked.resource_scope.as_str())
    .bind(checked.login_format.as_str())
    .bind(&now)
    .bind(checked.provisioning_word())
    .execute(&mut *tx)
    .await
    .map_err(|e| DbError::on_conflict(e, "offering"))?;
    let created = find_in(&mut *tx, &id)
        .await?
        .ok_or(OfferingError::NotFound)?;
    let entry = acting
        .entry("offering.create", "offering", Some(id.as_str()))
        .after(&created);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes an offering; audited as `offering.update` with the offering before and after, in the
/// same transaction. Its offer code may change too (licences keep pointing at the offering).
pub async fn update(
    db: &Db,
    acting: &Acting,
    id: &OfferingId,
    input: &OfferingInput,
) -> Result<Offering, OfferingError> {
    let checked = input.check()?.allowed(db).await?;
    let mut tx = db.begin_write().await?;
    let before = find_in(&mut *tx, id)
        .await?
        .ok_or(OfferingError::NotFound)?;
    sqlx::query(
        "UPDATE offerings SET offer_code = $2, name = $3, resource_type = $4, resource_scope = $5, \
         login_format = $6, provisioning_mode = COALESCE($8, provisioning_mode, 'none'), \
         updated_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(&checked.offer_code)
    .bind(&checked.name)
    .bind(checked.resource_type.as_str())
    .bind(checked.resource_scope.as_str())
    .bind(checked.login_format.as_str())
    .bind(clock::now_text())
    .bind(checked.provisioning_word())
    .execute(&mut *tx)
    .await
    .map_err(|e| DbError::on_conflict(e, "offering"))?;
    audited(tx, acting, "offering.update", before).await
}

/// Retires (`retired = true`) or brings back an offering; audited as `offering.retire` or
/// `offering.restore` in the same transaction. A retired offering cannot be ordered.
pub async fn set_retired(
    db: &Db,
    acting: &Acting,
    id: &OfferingId,
    retired: bool,
) -> Result<Offering, OfferingError> {
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    let before = find_in(&mut *tx, id)
        .await?
        .ok_or(OfferingError::NotFound)?;
    sqlx::query(
        "UPDATE offerings SET retired_at = CASE WHEN $2 = 1 THEN COALESCE(retired_at, $3) END, \
         updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(i64::from(retired))
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let action = if retired {
        "offering.retire"
    } else {
        "offering.restore"
    };
    audited(tx, acting, action, before).await
}

/// Reads the offering after a change, audits the change with before and after, and commits.
async fn audited(
    mut tx: sqlx::Transaction<'static, Any>,
    acting: &Acting,
    action: &str,
    before: Offering,
) -> Result<Offering, OfferingError> {
    let after = find_in(&mut *tx, &before.id)
        .await?
        .ok_or(OfferingError::NotFound)?;
    let entry = acting
        .entry(action, "offering", Some(before.id.as_str()))
        .before(&before)
        .after(&after);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn find_by_id(db: &Db, id: &OfferingId) -> Result<Option<Offering>, DbError> {
    find_in(db.pool(), id).await
}

async fn find_in<'e, E>(executor: E, id: &OfferingId) -> Result<Option<Offering>, DbError>
where
    E: Executor<'e, Database = Any>,
{
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM offerings WHERE id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The active offering with this offer code, inside a transaction or not.
pub async fn find_active_by_code<'e, E>(
    executor: E,
    offer_code: &str,
) -> Result<Option<Offering>, DbError>
where
    E: Executor<'e, Database = Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM offerings WHERE offer_code = $1 AND retired_at IS NULL"
    ))
    .bind(offer_code)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The whole catalogue (it is small), active offerings first, then by name.
pub async fn list(db: &Db) -> Result<Vec<Offering>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM offerings \
         ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, name, id"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// What an import did, line by line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    /// `(line number, problem)`; nothing is written when there is any.
    pub errors: Vec<(u64, ImportProblem)>,
}

/// Why a line of an imported catalogue (or the whole file) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportProblem {
    /// The line cannot be read as an offering (the CSV reader's own words).
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Invalid(#[from] InvalidOffering),
    #[error("offer code {0} appears twice")]
    Duplicate(String),
    #[error("the file holds no offering")]
    Empty,
}

impl Serialize for ImportProblem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// Imports a catalogue from CSV with a header line naming the columns `offer_code`, `name`,
/// `resource_type`, `resource_scope` and optionally `login_format` and `provisioning` (`none` or
/// `manual`; left out or empty keeps an existing offering's mode). Existing offer codes are
/// updated, new ones created. All or nothing: any bad line and nothing is written. Audited in the
/// same transaction: one entry per offering created (`offering.create`) or changed
/// (`offering.update`, with before and after), and one for the import (`offering.import`).
pub async fn import_csv(
    db: &Db,
    acting: &Acting,
    text: &str,
) -> Result<ImportReport, OfferingError> {
    let mut report = ImportReport::default();
    let mut rows: Vec<(u64, Checked)> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut seen = std::collections::HashSet::new();
    let sync = crate::provisioning::manual_refused(&crate::orange::settings::load(db).await?);
    let callback = crate::provisioning::webhook::load(db).await?.await_callback;
    let headers = reader.headers().cloned().unwrap_or_default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        let read = match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => record.deserialize::<OfferingInput>(Some(&headers)),
            Err(error) => Err(error),
        };
        match read {
            Err(error) => {
                let message = match error.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
                    _ => error.to_string(),
                };
                report
                    .errors
                    .push((line, ImportProblem::Unreadable(message)));
            }
            Ok(input) => match input.check() {
                Ok(checked)
                    if !sync.is_empty()
                        && (checked.provisioning == Some(Provisioning::Manual)
                            || (checked.provisioning == Some(Provisioning::Webhook)
                                && callback)) =>
                {
                    report
                        .errors
                        .push((line, InvalidOffering::ManualNeedsAsync(sync.clone()).into()));
                }
                Ok(checked) => {
                    if !seen.insert(checked.offer_code.clone()) {
                        report
                            .errors
                            .push((line, ImportProblem::Duplicate(checked.offer_code)));
                    } else {
                        rows.push((line, checked));
                    }
                }
                Err(error) => report.errors.push((line, error.into())),
            },
        }
    }
    if rows.is_empty() && report.errors.is_empty() {
        report.errors.push((1, ImportProblem::Empty));
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    for (_, row) in rows {
        let existing: Option<OfferingId> =
            sqlx::query_scalar("SELECT id FROM offerings WHERE offer_code = $1")
                .bind(&row.offer_code)
                .fetch_optional(&mut *tx)
                .await?;
        match existing {
            Some(id) => {
                let before = find_in(&mut *tx, &id).await?;
                sqlx::query(
                    "UPDATE offerings SET name = $2, resource_type = $3, resource_scope = $4, \
                     login_format = $5, provisioning_mode = COALESCE($7, provisioning_mode, 'none'), \
                     updated_at = $6 WHERE id = $1",
                )
                .bind(&id)
                .bind(&row.name)
                .bind(row.resource_type.as_str())
                .bind(row.resource_scope.as_str())
                .bind(row.login_format.as_str())
                .bind(&now)
                .bind(row.provisioning_word())
                .execute(&mut *tx)
                .await?;
                let after = find_in(&mut *tx, &id).await?;
                let mut entry = acting.entry("offering.update", "offering", Some(id.as_str()));
                if let Some(before) = before {
                    entry = entry.before(&before);
                }
                audit::record(&mut *tx, &entry.after(&after)).await?;
                report.updated.push(row.offer_code);
            }
            None => {
                let id = ids::new_id::<OfferingId>();
                sqlx::query(
                    "INSERT INTO offerings (id, offer_code, name, resource_type, resource_scope, \
                     login_format, provisioning_mode, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, COALESCE($8, 'none'), $7, $7)",
                )
                .bind(&id)
                .bind(&row.offer_code)
                .bind(&row.name)
                .bind(row.resource_type.as_str())
                .bind(row.resource_scope.as_str())
                .bind(row.login_format.as_str())
                .bind(&now)
                .bind(row.provisioning_word())
                .execute(&mut *tx)
                .await
                .map_err(|e| DbError::on_conflict(e, "offering"))?;
                let created = find_in(&mut *tx, &id).await?;
                let entry = acting.entry("offering.create", "offering", Some(id.as_str()));
                audit::record(&mut *tx, &entry.after(&created)).await?;
                report.created.push(row.offer_code);
            }
        }
    }
    let entry = acting
        .entry("offering.import", "offering", None)
        .after(serde_json::json!({
            "created": report.created,
            "updated": report.updated,
        }));
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(report)
}

/// How the logins of an offering's licences are made: literal text with `{customer}` (the
/// customer's login stem), `{offer}` (the offer code, lowercased) and `{seq}` or `{seq:N}` (the
/// customer's licence counter, zero-padded to N digits). `{customer}` and `{seq}` are required:
/// stems are unique per customer and the counter per licence, so logins never collide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct LoginFormat(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginFormatError {
    #[error("the login format must contain {{seq}} or {{seq:N}}")]
    NoSequence,
    #[error("the login format must contain {{customer}}, so that customers' logins never collide")]
    NoCustomer,
    #[error(
        "unknown placeholder {{{0}}} in the login format (use {{customer}}, {{offer}}, {{seq}}, {{seq:N}})"
    )]
    UnknownPlaceholder(String),
    #[error("the login format may only hold a-z, 0-9, '.', '_', '-' outside placeholders")]
    InvalidCharacter,
    #[error("the login format is empty or longer than 64 characters")]
    Length,
}

enum Part<'a> {
    Literal(&'a str),
    Customer,
    Offer,
    Seq(usize),
}

fn parts(format: &str) -> Result<Vec<Part<'_>>, LoginFormatError> {
    let mut parts = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Literal(&rest[..open]));
        }
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| LoginFormatError::UnknownPlaceholder(rest[open + 1..].to_owned()))?;
        let name = &rest[open + 1..close];
        parts.push(match name {
            "customer" => Part::Customer,
            "offer" => Part::Offer,
            "seq" => Part::Seq(1),
            _ => match name
                .strip_prefix("seq:")
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(width) if (1..=9).contains(&width) => Part::Seq(width),
                _ => return Err(LoginFormatError::UnknownPlaceholder(name.to_owned())),
            },
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest));
    }
    Ok(parts)
}

impl LoginFormat {
    pub fn parse(format: &str) -> Result<LoginFormat, LoginFormatError> {
        if format.is_empty() || format.chars().count() > 64 {
            return Err(LoginFormatError::Length);
        }
        let parts = parts(format)?;
        if !parts.iter().any(|p| matches!(p, Part::Seq(_))) {
            return Err(LoginFormatError::NoSequence);
        }
        if !parts.iter().any(|p| matches!(p, Part::Customer)) {
            return Err(LoginFormatError::NoCustomer);
        }
        let literal_ok = parts.iter().all(|p| match p {
            Part::Literal(text) => text.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            }),
            _ => true,
        });
        if !literal_ok {
            return Err(LoginFormatError::InvalidCharacter);
        }
        Ok(LoginFormat(format.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The login of the `seq`-th licence of a customer.
    pub fn render(&self, customer_stem: &str, offer_code: &str, seq: u64) -> String {
        let parts = parts(&self.0).unwrap_or_default();
        let mut login = String::new();
        for part in parts {
            match part {
                Part::Literal(text) => login.push_str(text),
                Part::Customer => login.push_str(customer_stem),
                Part::Offer => login.push_str(&slug(offer_code, 24)),
                Part::Seq(width) => login.push_str(&format!("{seq:0width$}")),
            }
        }
        login
    }
}

/// Lowercase ASCII letters and digits joined by single dashes, at most `max` characters: the
/// customer's login stem, placeholder e-mail domains and URLs are made from it.
pub fn slug(text: &str, max: usize) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.chars().take(max).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "customer".to_owned()
    } else {
        slug
    }
}

fn fold_accent(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
        'ç' | 'Ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' => 'o',
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ÿ' => 'y',
        'ñ' => 'n',
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    fn input(code: &str, kind: &str, scope: &str) -> OfferingInput {
        OfferingInput {
            offer_code: code.into(),
            name: format!("Offer {code}"),
            resource_type: kind.into(),
            resource_scope: scope.into(),
            login_format: String::new(),
            provisioning: String::new(),
        }
    }

    #[test]
    fn login_formats_render_and_reject_what_would_not_be_unique() {
        let format = LoginFormat::parse("{customer}-{seq:4}").expect("valid");
        assert_eq!(format.render("lefebvre", "OFFER-PRO", 1), "lefebvre-0001");
        let format = LoginFormat::parse("{offer}.{customer}.{seq}").expect("valid");
        assert_eq!(format.render("x", "OFFER-PRO-M", 12), "offer-pro-m.x.12");
        assert_eq!(
            LoginFormat::parse("{offer}-{seq}"),
            Err(LoginFormatError::NoCustomer)
        );
        assert_eq!(
            LoginFormat::parse("{customer}"),
            Err(LoginFormatError::NoSequence)
        );
        assert!(matches!(
            LoginFormat::parse("{name}-{customer}-{seq}"),
            Err(LoginFormatError::UnknownPlaceholder(_))
        ));
        assert_eq!(
            LoginFormat::parse("A {customer}{seq}"),
            Err(LoginFormatError::InvalidCharacter)
        );
    }

    #[test]
    fn slugs_fold_accents_and_punctuation() {
        assert_eq!(
            slug("Menuiserie Lefèbvre SARL", 40),
            "menuiserie-lefebvre-sarl"
        );
        assert_eq!(slug("  ***  ", 10), "customer");
        assert_eq!(slug("Boulangerie du Coin", 11), "boulangerie");
    }

    #[tokio::test]
    async fn the_catalogue_creates_updates_retires_and_imports() {
        on_each_db!(|db| async move {
            let pro = create(
                &db,
                &Acting::cli(),
                &input("OFFER-PRO-M", "msisdn", "per_licence"),
            )
            .await
            .expect("create");
            assert!(matches!(
                create(&db, &Acting::cli(), &input("OFFER-PRO-M", "none", "")).await,
                Err(OfferingError::CodeTaken)
            ));
            assert!(matches!(
                create(
                    &db,
                    &Acting::cli(),
                    &input("OFFER-X", "none", "per_customer")
                )
                .await,
                Err(OfferingError::Invalid(InvalidOffering::SharedWithoutType))
            ));
            assert_eq!(
                find_active_by_code(db.pool(), "OFFER-PRO-M")
                    .await
                    .expect("find")
                    .map(|o| o.id),
                Some(pro.id.clone())
            );
            set_retired(&db, &Acting::cli(), &pro.id, true)
                .await
                .expect("retire");
            assert!(
                find_active_by_code(db.pool(), "OFFER-PRO-M")
                    .await
                    .expect("find")
                    .is_none()
            );

            let bad = "offer_code,name,resource_type,resource_scope\nA,Alpha,fax,per_licence\n";
            let report = import_csv(&db, &Acting::cli(), bad).await.expect("import");
            assert_eq!(report.errors.len(), 1, "{report:?}");
            assert_eq!(list(&db).await.expect("list").len(), 1, "nothing written");

            let good = "offer_code,name,resource_type,resource_scope,login_format\n\
                        OFFER-PRO-M,Pro monthly,msisdn,per_licence,{customer}-{seq:4}\n\
                        OFFER-DOCS,Docs,url,per_customer,\n";
            let report = import_csv(&db, &Acting::cli(), good).await.expect("import");
            assert_eq!(report.errors, vec![]);
            assert_eq!(report.updated, vec!["OFFER-PRO-M".to_owned()]);
            assert_eq!(report.created, vec!["OFFER-DOCS".to_owned()]);
            let docs = find_active_by_code(db.pool(), "OFFER-DOCS")
                .await
                .expect("find")
                .expect("imported");
            assert_eq!(docs.resource_scope, ResourceScope::PerCustomer);
            assert_eq!(docs.login_format.as_str(), DEFAULT_LOGIN_FORMAT);
        });
    }
}
