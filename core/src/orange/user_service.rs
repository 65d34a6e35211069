//! Licences (Orange's userService, contract section 5): the state machine, reading one licence or a
//! whole fleet (streamed), and the single-licence PATCH and DELETE.

use futures_util::{Stream, StreamExt};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::error::{ApiError, ErrorCode};
use super::settings::{ApiSettings, Mode, Operation};
use super::wire::{self, ExternalReference};
use super::{Answer, Caller, Failure, with_retries};
use crate::db::{Db, DbError, placeholders};
use crate::{audit, clock, ids, offerings, tasks};

pub use fleetdesk_vocab::LicenceState;

/// A change Orange asks for on one licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// To `active` or `suspended`.
    SetState(LicenceState),
    Terminate,
    /// To this offering (id, offer code).
    ChangeOffering {
        offering_id: String,
    },
}

impl Change {
    /// The contract's action name (task `action`, licence `pending_operation`).
    pub fn action(&self) -> &'static str {
        match self {
            Change::SetState(_) => "changeState",
            Change::Terminate => "delete",
            Change::ChangeOffering { .. } => "changeOffering",
        }
    }

    pub fn operation(&self) -> Operation {
        match self {
            Change::SetState(_) => Operation::StateChange,
            Change::Terminate => Operation::Deletion,
            Change::ChangeOffering { .. } => Operation::OfferingChange,
        }
    }
}

/// The state machine: `pending -> active`; `active <-> suspended`; `active|suspended ->
/// terminated`. Moving to the state a licence already has is refused too.
pub fn check_transition(from: LicenceState, to: LicenceState) -> Result<(), ApiError> {
    use LicenceState::*;
    let allowed = matches!(
        (from, to),
        (Pending, Active)
            | (Active, Suspended)
            | (Suspended, Active)
            | (Active, Terminated)
            | (Suspended, Terminated)
    );
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidStateTransition,
            format!(
                "a licence in state {} cannot go to {}",
                from.as_str(),
                to.as_str()
            ),
        ))
    }
}

/// What a change needs to know about the licence it applies to.
#[derive(Debug, Clone)]
pub(crate) struct Current {
    pub id: String,
    pub state: LicenceState,
    pub offering_id: String,
    pub pending_operation: Option<String>,
}

pub(crate) async fn current(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Current>, Failure> {
    Ok(current_many(conn, &[id]).await?.pop())
}

/// The licences among `ids` that exist (at most [`BATCH`](crate::db::BATCH) ids), in no particular order.
pub(crate) async fn current_many(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<Vec<Current>, Failure> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, state, offering_id, pending_operation FROM licences WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in &rows {
        let state: String = row.try_get("state")?;
        found.push(Current {
            id: row.try_get("id")?,
            state: LicenceState::parse(&state)
                .ok_or_else(|| DbError::Corrupt(format!("licence state `{state}`")))?,
            offering_id: row.try_get("offering_id")?,
            pending_operation: row.try_get("pending_operation")?,
        });
    }
    Ok(found)
}

impl Current {
    /// The licence as a checked change leaves it, applied at once (`Mode::Sync`) or only
    /// acknowledged (`Mode::Async`), so that a later item of the same task sees it so.
    pub(crate) fn after(&mut self, change: &Change, mode: Mode) {
        match (mode, change) {
            (Mode::Async, _) => self.pending_operation = Some(change.action().to_owned()),
            (Mode::Sync, Change::SetState(to)) => self.state = *to,
            (Mode::Sync, Change::Terminate) => self.state = LicenceState::Terminated,
            (Mode::Sync, Change::ChangeOffering { offering_id }) => {
                self.offering_id.clone_from(offering_id);
            }
        }
    }
}

/// Checks `change` may start on `licence` now.
pub(crate) fn check_change(licence: &Current, change: &Change) -> Result<(), ApiError> {
    if licence.pending_operation.is_some() {
        return Err(ApiError::new(
            ErrorCode::OperationInProgress,
            format!(
                "licence {} has an operation in progress; try again later",
                licence.id
            ),
        ));
    }
    match change {
        Change::SetState(to) => check_transition(licence.state, *to),
        Change::Terminate => check_transition(licence.state, LicenceState::Terminated),
        Change::ChangeOffering { offering_id } => {
            if licence.state == LicenceState::Terminated {
                return Err(ApiError::new(
                    ErrorCode::InvalidStateTransition,
                    format!("licence {} is terminated", licence.id),
                ));
            }
            if *offering_id == licence.offering_id {
                return Err(ApiError::invalid(
                    "productOffering.externalReference.id",
                    "is already the licence's offering",
                ));
            }
            Ok(())
        }
    }
}

/// Applies a checked change (the caller holds the transaction).
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    licence_id: &str,
    change: &Change,
    now: &str,
) -> Result<(), Failure> {
    apply_many(conn, &[licence_id], change, now).await
}

/// Applies a checked change to several licences (at most [`BATCH`](crate::db::BATCH)) in one statement.
pub(crate) async fn apply_many(
    conn: &mut AnyConnection,
    licence_ids: &[&str],
    change: &Change,
    now: &str,
) -> Result<(), Failure> {
    if licence_ids.is_empty() {
        return Ok(());
    }
    let (set, value) = match change {
        Change::SetState(to) => ("state = $2, updated_at = $1", Some(to.as_str())),
        Change::Terminate => (
            "state = 'terminated', terminated_at = $1, updated_at = $1",
            None,
        ),
        Change::ChangeOffering { offering_id } => (
            "offering_id = $2, updated_at = $1",
            Some(offering_id.as_str()),
        ),
    };
    let first_id = if value.is_some() { 3 } else { 2 };
    let sql = format!(
        "UPDATE licences SET {set} WHERE id IN ({})",
        placeholders(first_id, licence_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(now);
    if let Some(value) = value {
        query = query.bind(value);
    }
    for id in licence_ids {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const LICENCE_COLUMNS: &str = "l.id, l.fleet_id, l.customer_id, c.external_reference AS customer_ref, \
     o.offer_code, o.name AS offering_name, l.state, l.login, l.login_created_at, \
     l.end_user_given_name, l.end_user_family_name, l.end_user_email, l.end_user_mobile_cc, \
     l.end_user_mobile_sn, l.characteristics_json, l.created_at, l.updated_at";

/// A licence's realizing resources, joined by index lookups: its own (`r`, one per type) and the
/// customer's shared ones it is linked to (`s`). A row per combination; [`Folder`] merges them.
const RESOURCE_JOINS: &str = "LEFT JOIN realizing_resources r ON r.licence_id = l.id \
     LEFT JOIN licence_realizing_resources lrr ON lrr.licence_id = l.id \
     LEFT JOIN realizing_resources s ON s.id = lrr.realizing_resource_id";
const RESOURCE_COLUMNS: &str = "r.type AS rtype, r.value AS rvalue, r.placeholder_since AS rph, \
     s.type AS stype, s.value AS svalue, s.placeholder_since AS sph";

fn licence_from_row(row: &AnyRow) -> Result<wire::UserService, DbError> {
    let login: Option<String> = row.try_get("login")?;
    let login_created_at: Option<String> = row.try_get("login_created_at")?;
    let characteristics: Option<String> = row.try_get("characteristics_json")?;
    let mobile_cc: Option<String> = row.try_get("end_user_mobile_cc")?;
    let mobile_sn: Option<String> = row.try_get("end_user_mobile_sn")?;
    let end_user = wire::EndUser {
        given_name: row.try_get("end_user_given_name")?,
        family_name: row.try_get("end_user_family_name")?,
        email: row.try_get("end_user_email")?,
        mobile_telephone_number: mobile_cc
            .zip(mobile_sn)
            .map(|(cc, sn)| wire::Telephone { cc, sn }),
    };
    let has_end_user = end_user.given_name.is_some()
        || end_user.family_name.is_some()
        || end_user.email.is_some()
        || end_user.mobile_telephone_number.is_some();
    let customer_ref: String = row.try_get("customer_ref")?;
    let offer_code: String = row.try_get("offer_code")?;
    Ok(wire::UserService {
        id: row.try_get("id")?,
        product_ref_id: row.try_get("fleet_id")?,
        customer: wire::CustomerRef {
            id: row.try_get("customer_id")?,
            external_reference: Some(ExternalReference::orange(&customer_ref)),
            name: None,
        },
        product_offering: wire::ProductOffering {
            name: Some(row.try_get("offering_name")?),
            external_reference: ExternalReference::orange(&offer_code),
        },
        state: row.try_get("state")?,
        login: login
            .zip(login_created_at)
            .map(|(login, creation_date)| wire::Login {
                login,
                creation_date,
            }),
        end_user: has_end_user.then_some(end_user),
        realizing_resource: Vec::new(),
        characteristic: characteristics
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("licence characteristics: {e}")))?
            .unwrap_or_default(),
        creation_date: row.try_get("created_at")?,
        last_update: row.try_get("updated_at")?,
    })
}

fn resources_from_row(row: &AnyRow) -> Result<Vec<wire::RealizingResource>, DbError> {
    let mut found = Vec::new();
    for (kind, value, since) in [("rtype", "rvalue", "rph"), ("stype", "svalue", "sph")] {
        let kind: Option<String> = row.try_get(kind)?;
        let value: Option<String> = row.try_get(value)?;
        let placeholder: Option<String> = row.try_get(since)?;
        if let Some((kind, value)) = kind.zip(value) {
            found.push(wire::RealizingResource {
                kind,
                value,
                placeholder: placeholder.is_some(),
            });
        }
    }
    Ok(found)
}

fn add_resources(licence: &mut wire::UserService, found: Vec<wire::RealizingResource>) {
    for resource in found {
        let known = licence
            .realizing_resource
            .iter()
            .any(|r| r.kind == resource.kind && r.value == resource.value);
        if !known {
            licence.realizing_resource.push(resource);
        }
    }
}

/// Folds joined rows (one per licence and resource, grouped by licence) into licences.
struct Folder {
    current: Option<wire::UserService>,
}

impl Folder {
    fn push(&mut self, row: &AnyRow) -> Result<Option<wire::UserService>, DbError> {
        let id: String = row.try_get("id")?;
        let found = resources_from_row(row)?;
        match &mut self.current {
            Some(licence) if licence.id == id => {
                add_resources(licence, found);
                Ok(None)
            }
            _ => {
                let mut licence = licence_from_row(row)?;
                add_resources(&mut licence, found);
                Ok(self.current.replace(licence))
            }
        }
    }

    fn finish(self) -> Option<wire::UserService> {
        self.current
    }
}

async fn load_where(
    conn: &mut AnyConnection,
    filter: &str,
    keys: &[&str],
) -> Result<Vec<wire::UserService>, DbError> {
    let sql = format!(
        "SELECT {LICENCE_COLUMNS}, {RESOURCE_COLUMNS} FROM licences l \
         JOIN customers c ON c.id = l.customer_id JOIN offerings o ON o.id = l.offering_id \
         {RESOURCE_JOINS} WHERE {filter} ORDER BY l.created_at, l.id, r.type, s.type"
    );
    let mut query = sqlx::query(&sql);
    for key in keys {
        query = query.bind(*key);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut folder = Folder { current: None };
    let mut licences = Vec::new();
    for row in &rows {
        licences.extend(folder.push(row)?);
    }
    licences.extend(folder.finish());
    Ok(licences)
}

/// One licence as Orange sees it.
pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<wire::UserService>, DbError> {
    Ok(load_where(conn, "l.id = $1", &[id]).await?.pop())
}

/// Several licences as Orange sees them (at most [`BATCH`](crate::db::BATCH) ids), in creation order; unknown ids
/// are left out.
pub(crate) async fn load_many(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<Vec<wire::UserService>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = format!("l.id IN ({})", placeholders(1, ids.len()));
    load_where(conn, &filter, ids).await
}

/// The licences an order item created, in creation order.
pub(crate) async fn load_for_item(
    conn: &mut AnyConnection,
    item_id: &str,
) -> Result<Vec<wire::UserService>, DbError> {
    load_where(conn, "l.order_item_id = $1", &[item_id]).await
}

/// The compact form of a licence inside an order item.
pub(crate) fn summary(licence: wire::UserService) -> wire::UserServiceSummary {
    wire::UserServiceSummary {
        id: licence.id,
        state: licence.state,
        login: licence.login,
        end_user: licence.end_user,
        realizing_resource: licence.realizing_resource,
    }
}

/// `GET /userService/{id}`.
pub async fn get(db: &Db, id: &str) -> Result<Answer, ApiError> {
    let mut conn = db.pool().acquire().await?;
    let licence = load(&mut conn, id).await?.ok_or_else(|| unknown(id))?;
    Ok(Answer::new(200, &licence, ("licence", id)))
}

fn unknown(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UnknownUserService,
        format!("no userService with id {id}"),
    )
}

/// The largest page `GET /userService?limit=` may ask for. Without `limit` the whole fleet is
/// streamed; a page is built in memory, so its size has a ceiling.
pub const MAX_PAGE_LIMIT: u64 = 10_000;

/// Which part of a fleet Orange asks for.
#[derive(Debug, Clone)]
pub struct FleetQuery {
    pub product_ref_id: String,
    /// Terminated licences are listed only when asked for by state.
    pub state: Option<LicenceState>,
    pub offset: u64,
    pub limit: Option<u64>,
}

impl FleetQuery {
    /// Reads the query parameters of `GET /userService`.
    pub fn parse(params: &[(String, String)]) -> Result<FleetQuery, ApiError> {
        let get = |name: &str| {
            params
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let product_ref_id = wire::required_text(get("productRefId"), "productRefId")?;
        let state = match get("state").map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(LicenceState::parse(text).ok_or_else(|| {
                ApiError::invalid(
                    "state",
                    "must be one of pending, active, suspended, terminated",
                )
            })?),
        };
        let number = |name: &str, min: u64, max: u64| -> Result<Option<u64>, ApiError> {
            match get(name).map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(text) => match text.parse::<u64>() {
                    Ok(n) if n >= min && n <= max => Ok(Some(n)),
                    _ if max < i64::MAX as u64 => Err(ApiError::invalid(
                        name,
                        &format!("must be a whole number from {min} to {max}"),
                    )),
                    _ => Err(ApiError::invalid(
                        name,
                        &format!("must be a whole number of at least {min}"),
                    )),
                },
            }
        };
        Ok(FleetQuery {
            product_ref_id,
            state,
            offset: number("offset", 0, i64::MAX as u64)?.unwrap_or(0),
            limit: number("limit", 1, MAX_PAGE_LIMIT)?,
        })
    }

    fn state_filter(&self) -> &'static str {
        if self.state.is_some() {
            "state = $2"
        } else {
            "state <> 'terminated' AND $2 = $2"
        }
    }

    fn state_value(&self) -> &'static str {
        self.state.map_or("", LicenceState::as_str)
    }
}

/// The counts behind a fleet consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetCounts {
    /// Licences matching the filters, before paging (`X-Total-Count`).
    pub total: u64,
    /// Licences in this answer (`X-Result-Count`).
    pub result: u64,
}

/// Checks the fleet exists and counts what the query will return.
pub async fn count_fleet(db: &Db, query: &FleetQuery) -> Result<(String, FleetCounts), ApiError> {
    let customer: Option<String> =
        sqlx::query_scalar("SELECT customer_id FROM fleets WHERE id = $1")
            .bind(&query.product_ref_id)
            .fetch_optional(db.pool())
            .await?;
    let customer = customer.ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownProductRef,
            format!("no fleet with productRefId {}", query.product_ref_id),
        )
    })?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM licences WHERE fleet_id = $1 AND {}",
        query.state_filter()
    ))
    .bind(&query.product_ref_id)
    .bind(query.state_value())
    .fetch_one(db.pool())
    .await?;
    let total = u64::try_from(total).unwrap_or(0);
    let after_offset = total.saturating_sub(query.offset);
    let result = query.limit.map_or(after_offset, |l| l.min(after_offset));
    Ok((customer, FleetCounts { total, result }))
}

/// The fleet's licences in creation order, read from the database as they are sent: memory stays
/// flat whatever the fleet's size. The stream ends early with an error if the database fails.
pub fn stream_fleet(
    db: Db,
    query: FleetQuery,
    customer_id: String,
) -> impl Stream<Item = Result<wire::UserService, DbError>> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<wire::UserService, DbError>>(64);
    tokio::spawn(async move {
        let sql = format!(
            "SELECT {LICENCE_COLUMNS}, {RESOURCE_COLUMNS} FROM \
             (SELECT id, fleet_id, customer_id, offering_id, state, login, login_created_at, \
              end_user_given_name, end_user_family_name, end_user_email, end_user_mobile_cc, \
              end_user_mobile_sn, characteristics_json, created_at, updated_at FROM licences \
              WHERE fleet_id = $1 AND {} ORDER BY created_at, id LIMIT $3 OFFSET $4) l \
             JOIN customers c ON c.id = l.customer_id AND c.id = $5 \
             JOIN offerings o ON o.id = l.offering_id \
             {RESOURCE_JOINS} ORDER BY l.created_at, l.id, r.type, s.type",
            query.state_filter()
        );
        let limit = query
            .limit
            .map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let mut rows = sqlx::query(&sql)
            .bind(&query.product_ref_id)
            .bind(query.state_value())
            .bind(limit)
            .bind(offset)
            .bind(&customer_id)
            .fetch(db.pool());
        let mut folder = Folder { current: None };
        while let Some(row) = rows.next().await {
            let item = match row {
                Ok(row) => folder.push(&row),
                Err(error) => Err(DbError::Query(error)),
            };
            match item {
                Ok(None) => {}
                Ok(Some(licence)) => {
                    if sender.send(Ok(licence)).await.is_err() {
                        return; // the client went away
                    }
                }
                Err(error) => {
                    let _ = sender.send(Err(error)).await;
                    return;
                }
            }
        }
        if let Some(licence) = folder.finish() {
            let _ = sender.send(Ok(licence)).await;
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

// ---------------------------------------------------------------------------------------------
// PATCH and DELETE
// ---------------------------------------------------------------------------------------------

/// Reads a PATCH body into the change it asks for.
pub async fn read_patch(db: &Db, patch: &wire::UserServicePatch) -> Result<Change, ApiError> {
    match (&patch.state, &patch.product_offering) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "state",
            "and productOffering cannot be changed in one request",
        )),
        (None, None) => Err(ApiError::missing("state")),
        (Some(state), None) => target_state(state, "state").map(Change::SetState),
        (None, Some(offering)) => change_offering(db, offering, "productOffering").await,
    }
}

/// `active` or `suspended`, the states a PATCH or a changeState task may ask for.
pub(crate) fn target_state(text: &str, path: &str) -> Result<LicenceState, ApiError> {
    match LicenceState::parse(text.trim()) {
        Some(state @ (LicenceState::Active | LicenceState::Suspended)) => Ok(state),
        _ => Err(ApiError::invalid(
            path,
            "must be active or suspended (DELETE terminates a licence)",
        )),
    }
}

/// The offering a changeOffering names; `UNKNOWN_OFFER` when it is not in the catalogue.
pub(crate) async fn change_offering(
    db: &Db,
    offering: &wire::ProductOfferingInput,
    path: &str,
) -> Result<Change, ApiError> {
    let code_path = format!("{path}.externalReference");
    let code = offering
        .external_reference
        .as_ref()
        .ok_or_else(|| ApiError::missing(&code_path))?;
    let found = offerings::find_active_by_code(db.pool(), &code.0)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownOffer,
                format!("{code_path}.id '{}' is not in the catalogue", code.0),
            )
        })?;
    Ok(Change::ChangeOffering {
        offering_id: found.id,
    })
}

/// `PATCH` or `DELETE` of one licence: applied at once (200 with the licence) or acknowledged as a
/// task (202) and completed in the background.
pub async fn change_one(
    db: &Db,
    settings: &ApiSettings,
    id: &str,
    change: Change,
    caller: &Caller,
) -> Result<Answer, ApiError> {
    let mode = settings.mode(change.operation());
    with_retries(|| {
        let change = change.clone();
        async move {
            let mut tx = db.begin_write().await?;
            let licence = current(&mut tx, id).await?.ok_or_else(|| unknown(id))?;
            check_change(&licence, &change)?;
            let now = clock::now_text();
            let answer = match mode {
                Mode::Sync => {
                    apply(&mut tx, id, &change, &now).await?;
                    let after = load(&mut tx, id).await?.ok_or_else(|| unknown(id))?;
                    audit::record(
                        &mut *tx,
                        &caller
                            .audit(&format!("orange.licence.{}", change.action()), "licence", id)
                            .before(serde_json::json!({"state": licence.state.as_str(), "offering_id": licence.offering_id}))
                            .after(serde_json::json!({"state": after.state, "offering": after.product_offering.external_reference.id})),
                    )
                    .await?;
                    Answer::new(200, &after, ("licence", id))
                }
                Mode::Async => {
                    let task_id = ids::new_id("tsk");
                    let request = serde_json::json!({"id": id, "action": change.action()});
                    tasks::insert_task(
                        &mut tx,
                        &tasks::NewTask {
                            id: &task_id,
                            external_reference: None,
                            request_hash: &wire::fingerprint(request.to_string().as_bytes()),
                            origin: "single",
                            change: &change,
                            mode: Mode::Async,
                            state: "acknowledged",
                            request_json: &request.to_string(),
                            caller,
                            now: &now,
                        },
                    )
                    .await?;
                    tasks::insert_item(&mut tx, &task_id, 0, id, Some(id), None, None)
                        .await?;
                    mark_pending(&mut tx, id, change.action(), &task_id, &now).await?;
                    let task = super::user_service_task::load(&mut tx, &task_id)
                        .await?
                        .ok_or_else(ApiError::internal)?;
                    audit::record(
                        &mut *tx,
                        &caller
                            .audit(&format!("orange.licence.{}.acknowledged", change.action()), "licence", id)
                            .after(serde_json::json!({"task": task_id})),
                    )
                    .await?;
                    Answer::new(202, &task, ("licence", id)).queued()
                }
            };
            tx.commit().await?;
            Ok::<_, Failure>(answer)
        }
    })
    .await
}

/// Marks a licence as having an asynchronous operation in progress; refuses when one already is.
pub(crate) async fn mark_pending(
    conn: &mut AnyConnection,
    id: &str,
    action: &str,
    task_id: &str,
    now: &str,
) -> Result<(), Failure> {
    mark_pending_many(conn, &[id], action, task_id, now).await
}

/// [`mark_pending`] for several licences (at most [`BATCH`](crate::db::BATCH)) in one statement; refuses, naming the
/// first, when one of them already has an operation in progress.
pub(crate) async fn mark_pending_many(
    conn: &mut AnyConnection,
    ids: &[&str],
    action: &str,
    task_id: &str,
    now: &str,
) -> Result<(), Failure> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE licences SET pending_operation = $1, pending_task_id = $2, pending_since = $3 \
         WHERE id IN ({}) AND pending_operation IS NULL RETURNING id",
        placeholders(4, ids.len())
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql)
        .bind(action)
        .bind(task_id)
        .bind(now);
    for id in ids {
        query = query.bind(*id);
    }
    let taken: std::collections::HashSet<String> =
        query.fetch_all(&mut *conn).await?.into_iter().collect();
    if let Some(id) = ids.iter().find(|id| !taken.contains(**id)) {
        return Err(ApiError::new(
            ErrorCode::OperationInProgress,
            format!("licence {id} has an operation in progress; try again later"),
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_machine_allows_only_the_contract_s_transitions() {
        use LicenceState::*;
        let allowed = [
            (Pending, Active),
            (Active, Suspended),
            (Suspended, Active),
            (Active, Terminated),
            (Suspended, Terminated),
        ];
        for from in LicenceState::ALL {
            for to in LicenceState::ALL {
                let result = check_transition(from, to);
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
                if let Err(error) = result {
                    assert_eq!(error.code, ErrorCode::InvalidStateTransition);
                }
            }
        }
    }

    #[test]
    fn fleet_queries_check_their_parameters() {
        let params = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let missing = FleetQuery::parse(&params(&[("state", "active")])).expect_err("missing");
        assert_eq!(missing.code, ErrorCode::MissingField);
        assert_eq!(missing.message, "productRefId is required");
        for bad in [
            ("state", "gone"),
            ("offset", "-1"),
            ("limit", "0"),
            ("limit", "x"),
            ("limit", "10001"),
            ("limit", "99999999999999999999"),
        ] {
            let error =
                FleetQuery::parse(&params(&[("productRefId", "flt_1"), bad])).expect_err("refused");
            assert_eq!(error.code, ErrorCode::InvalidValue, "{bad:?}");
        }
        let query = FleetQuery::parse(&params(&[
            ("productRefId", "flt_1"),
            ("offset", "10"),
            ("limit", "5"),
            ("state", "terminated"),
        ]))
        .expect("valid");
        assert_eq!(
            (query.offset, query.limit, query.state),
            (10, Some(5), Some(LicenceState::Terminated))
        );
        let too_large =
            FleetQuery::parse(&params(&[("productRefId", "flt_1"), ("limit", "10001")]))
                .expect_err("over the ceiling");
        assert_eq!(
            too_large.message,
            "limit must be a whole number from 1 to 10000"
        );
        let largest = FleetQuery::parse(&params(&[("productRefId", "flt_1"), ("limit", "10000")]))
            .expect("the ceiling itself");
        assert_eq!(largest.limit, Some(MAX_PAGE_LIMIT));
    }
}
