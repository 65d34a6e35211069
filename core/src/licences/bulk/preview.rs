//! Checking every line of a file against the database and keeping the result (nothing changes
//! yet).

use super::*;
use fleetdesk_vocab::BulkFileId;
use fleetdesk_vocab::{LicenceId, ResourceId};

/// A line as checked: what it asks, and whether it is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Checked {
    pub(super) line: i64,
    pub(super) licence_ref: String,
    pub(super) licence_id: Option<LicenceId>,
    pub(super) change: Change,
    pub(super) status: BulkLineStatus,
    pub(super) problem: Option<BulkProblem>,
}

/// The licence a line names, by id or by login.
pub(super) struct Found {
    pub(super) id: LicenceId,
    pub(super) state: String,
    pub(super) pending: bool,
    pub(super) end_user: Option<EndUser>,
}

pub(super) async fn find_licence(db: &Db, reference: &str) -> Result<Option<Found>, DbError> {
    let row = sqlx::query(
        "SELECT id, state, pending_operation, end_user_given_name, end_user_family_name, \
         end_user_email, end_user_mobile_cc, end_user_mobile_sn FROM licences \
         WHERE id = $1 UNION ALL SELECT id, state, pending_operation, end_user_given_name, \
         end_user_family_name, end_user_email, end_user_mobile_cc, end_user_mobile_sn \
         FROM licences WHERE login = $1 AND id <> $1",
    )
    .bind(reference)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let pending: Option<String> = row.try_get("pending_operation")?;
    Ok(Some(Found {
        id: row.try_get("id")?,
        state: row.try_get("state")?,
        pending: pending.is_some(),
        end_user: end_user_of(&row)?,
    }))
}

/// A realizing resource of a licence, as a line sees it.
pub(super) struct Resource {
    pub(super) id: ResourceId,
    pub(super) scope: String,
    pub(super) kind: String,
    pub(super) value: String,
    pub(super) placeholder: bool,
}

pub(super) async fn resources_of(db: &Db, licence: &str) -> Result<Vec<Resource>, DbError> {
    let rows = sqlx::query(
        "SELECT r.id, r.scope, r.type, r.value, r.placeholder_since FROM realizing_resources r \
         WHERE r.licence_id = $1 UNION ALL \
         SELECT r.id, r.scope, r.type, r.value, r.placeholder_since \
         FROM licence_realizing_resources x JOIN realizing_resources r \
         ON r.id = x.realizing_resource_id WHERE x.licence_id = $1 ORDER BY 3, 1",
    )
    .bind(licence)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let placeholder: Option<String> = row.try_get("placeholder_since")?;
            Ok(Resource {
                id: row.try_get("id")?,
                scope: row.try_get("scope")?,
                kind: row.try_get("type")?,
                value: row.try_get("value")?,
                placeholder: placeholder.is_some(),
            })
        })
        .collect()
}

pub(super) fn describe(end_user: &EndUser) -> String {
    format!(
        "{} {} <{}>",
        end_user.given_name(),
        end_user.family_name(),
        end_user.email()
    )
}

/// Checks a line against the database and against the lines before it.
pub(super) struct Checker<'a> {
    pub(super) db: &'a Db,
    pub(super) kind: BulkKind,
    pub(super) licences: HashMap<LicenceId, i64>,
    pub(super) shared: HashMap<ResourceId, (i64, String)>,
}

impl Checker<'_> {
    pub(super) async fn check(&mut self, line: &Line) -> Result<Checked, DbError> {
        let licence_ref = line.cell("licence").to_owned();
        let mut change = match self.kind {
            BulkKind::Resources => Change::Resource {
                resource_id: None,
                resource_type: Some(line.cell("type").to_lowercase()).filter(|t| !t.is_empty()),
                current: None,
                placeholder: false,
                value: line.cell("value").to_owned(),
            },
            BulkKind::EndUsers => Change::EndUser {
                current: None,
                given_name: line.cell("given_name").to_owned(),
                family_name: line.cell("family_name").to_owned(),
                email: line.cell("email").to_owned(),
                mobile_cc: line.cell("mobile_cc").to_owned(),
                mobile_sn: line.cell("mobile_sn").to_owned(),
            },
        };
        let mut checked = Checked {
            line: line.line,
            licence_ref: licence_ref.clone(),
            licence_id: None,
            change: change.clone(),
            status: BulkLineStatus::Invalid,
            problem: None,
        };
        let refuse = |mut checked: Checked, change: Change, problem: BulkProblem| {
            checked.change = change;
            checked.problem = Some(problem);
            Ok(checked)
        };
        if licence_ref.is_empty() {
            return refuse(checked, change, BulkProblem::MissingLicence);
        }
        let Some(found) = find_licence(self.db, &licence_ref).await? else {
            return refuse(checked, change, BulkProblem::UnknownLicence);
        };
        checked.licence_id = Some(found.id.clone());
        if let Some(earlier) = self.licences.get(&found.id) {
            let problem = BulkProblem::DuplicateLicence { line: *earlier };
            return refuse(checked, change, problem);
        }
        self.licences.insert(found.id.clone(), line.line);
        if found.state == "terminated" {
            return refuse(checked, change, BulkProblem::Terminated);
        }
        if found.pending {
            return refuse(checked, change, BulkProblem::OperationInProgress);
        }
        let outcome = match &mut change {
            Change::Resource {
                resource_id,
                resource_type,
                current,
                placeholder,
                value,
            } => {
                if value.is_empty() {
                    checked.change = change.clone();
                    checked.status = BulkLineStatus::Unchanged;
                    checked.problem = Some(BulkProblem::NoValue);
                    return Ok(checked);
                }
                let resources = resources_of(self.db, found.id.as_str()).await?;
                let chosen = match resource_type.as_deref() {
                    Some(kind) => {
                        if ResourceType::parse(kind).is_none() {
                            return refuse(checked, change, BulkProblem::UnknownType);
                        }
                        resources.iter().find(|r| r.kind == kind)
                    }
                    None if resources.len() > 1 => {
                        return refuse(checked, change, BulkProblem::TypeNeeded);
                    }
                    None => resources.first(),
                };
                let Some(resource) = chosen else {
                    return refuse(checked, change, BulkProblem::NoResource);
                };
                *resource_id = Some(resource.id.clone());
                *resource_type = Some(resource.kind.clone());
                *current = Some(resource.value.clone());
                *placeholder = resource.placeholder;
                let kind = ResourceType::parse(&resource.kind)
                    .ok_or_else(|| DbError::Corrupt(format!("resource type {}", resource.kind)))?;
                match ResourceValue::parse(kind, value) {
                    Err(_) => Err(BulkProblem::InvalidValue { kind }),
                    Ok(parsed) => {
                        *value = parsed.as_str().to_owned();
                        let earlier = (resource.scope == "per_customer")
                            .then(|| self.shared.get(&resource.id).cloned())
                            .flatten();
                        match earlier {
                            Some((line, earlier)) if earlier == *value => {
                                Ok(Some(BulkProblem::SharedSame { line }))
                            }
                            Some((line, _)) => Err(BulkProblem::SharedConflict { line }),
                            None if *value == resource.value && !resource.placeholder => {
                                Ok(Some(BulkProblem::Unchanged))
                            }
                            None => {
                                if resource.scope == "per_customer" {
                                    self.shared
                                        .insert(resource.id.clone(), (line.line, value.clone()));
                                }
                                Ok(None)
                            }
                        }
                    }
                }
            }
            Change::EndUser {
                current,
                given_name,
                family_name,
                email,
                mobile_cc,
                mobile_sn,
            } => {
                *current = found.end_user.as_ref().map(describe);
                match EndUser::parse(given_name, family_name, email, mobile_cc, mobile_sn) {
                    Err(error) => Err(problem_of_end_user(error)),
                    Ok(end_user) if Some(&end_user) == found.end_user.as_ref() => {
                        Ok(Some(BulkProblem::Unchanged))
                    }
                    Ok(_) => Ok(None),
                }
            }
        };
        checked.change = change;
        match outcome {
            Err(problem) => checked.problem = Some(problem),
            Ok(None) => checked.status = BulkLineStatus::Ready,
            Ok(Some(problem)) => {
                checked.status = BulkLineStatus::Unchanged;
                checked.problem = Some(problem);
            }
        }
        Ok(checked)
    }
}

/// Reads and checks a file and keeps it as a preview, named after who sent it; returns its id.
/// Nothing changes on the licences.
pub async fn preview(
    db: &Db,
    kind: BulkKind,
    file_name: &str,
    text: &str,
    acting: &Acting,
) -> Result<BulkFileId, FileError> {
    let lines = read_file(kind, text)?;
    let mut checker = Checker {
        db,
        kind,
        licences: HashMap::new(),
        shared: HashMap::new(),
    };
    let mut checked = Vec::with_capacity(lines.len());
    for line in &lines {
        checked.push(checker.check(line).await?);
    }
    let id = new_id::<BulkFileId>();
    let now = clock::now_text();
    let ready = checked
        .iter()
        .filter(|c| c.status == BulkLineStatus::Ready)
        .count();
    let file_name: String = file_name.trim().chars().take(200).collect();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO bulk_changes (id, kind, file_name, state, rows_total, rows_ready, \
         uploaded_by_id, uploaded_by, created_at) \
         VALUES ($1, $2, $3, 'previewed', $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(kind.as_str())
    .bind(if file_name.is_empty() {
        "upload.csv".to_owned()
    } else {
        file_name
    })
    .bind(i64::try_from(checked.len()).unwrap_or(i64::MAX))
    .bind(i64::try_from(ready).unwrap_or(i64::MAX))
    .bind(&acting.actor.id)
    .bind(&acting.actor.label)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    for row in &checked {
        sqlx::query(
            "INSERT INTO bulk_change_rows (bulk_id, line, licence_ref, licence_id, change, \
             status, problem) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(row.line)
        .bind(&row.licence_ref)
        .bind(&row.licence_id)
        .bind(json_text(&row.change)?)
        .bind(row.status.as_str())
        .bind(row.problem.as_ref().map(json_text).transpose()?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(bulk.id = %id, kind = kind.as_str(), lines = checked.len(), ready, "bulk file checked");
    Ok(id)
}
