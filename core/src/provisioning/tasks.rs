//! Provisioning tasks of the webhook modes: one per licence an acknowledged order or task touches
//! in an offering with `webhook` provisioning. The webhook (`taskId` = the task's id) is written
//! in the same transaction as the tasks; the order or task goes `inProgress` and finishes only
//! once every one of its provisioning tasks is resolved:
//! - `webhook`: the product's 2xx answer completes the task;
//! - `webhook_callback`: the product answers 2xx at once and later calls
//!   `/provisioning/v1/tasks/{id}/complete` or `/fail` ([`complete`], [`fail`]);
//! - in both, a refusal (a 4xx other than 401, 403, 408 and 429) fails the task with the code and
//!   message the product gave (`{"code","message"}`, the contract's codes), `SERVICE_UNAVAILABLE`
//!   otherwise. A 401 or 403 says the product does not accept our signature (a secret not yet
//!   copied over): that is not the product refusing the operation, so the task stays pending and
//!   shows on the stuck page, where the webhook is sent again once the secrets agree.
//!
//! A webhook that keeps failing (the product down) stays pending: retried with backoff, then shown
//! on the stuck page, where support retries it, completes the work by hand or fails it.
//!
//! When the last task of an order is resolved the order completes (or fails with the first
//! failure's code); a task's licences complete one by one, those whose provisioning failed fail,
//! and the task ends `completed`, `failed` or `partial`; the event to Orange is written in the
//! same transaction.

use std::collections::{BTreeSet, HashMap};

use fleetdesk_vocab::{ErrorCode, OrderId, ProvisioningTaskId, TaskId};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Acting, ActorKind};
use crate::clock;
use crate::db::{BATCH, Db, DbError, placeholders};
use crate::ids;
use crate::orange::completion;
use crate::outbox::{self, NewWebhook};
use crate::provisioning::webhook;

/// SQL: the order (`product_orders`) has an item of an offering with webhook provisioning.
pub(crate) const ORDER_NEEDS_WEBHOOK: &str = "EXISTS (SELECT 1 FROM product_order_items wi \
     JOIN offerings wo ON wo.id = wi.offering_id \
     WHERE wi.order_id = product_orders.id AND wo.provisioning_mode = 'webhook')";

/// SQL: the task (`user_service_tasks`) has a licence of an offering with webhook provisioning, or
/// changes licences to such an offering.
pub(crate) const TASK_NEEDS_WEBHOOK: &str = "(EXISTS (SELECT 1 FROM user_service_task_items wi \
     JOIN licences wl ON wl.id = wi.licence_id JOIN offerings wo ON wo.id = wl.offering_id \
     WHERE wi.task_id = user_service_tasks.id AND wo.provisioning_mode = 'webhook') \
     OR EXISTS (SELECT 1 FROM offerings wo WHERE wo.id = user_service_tasks.target_offering_id \
     AND wo.provisioning_mode = 'webhook'))";

/// The order or task a provisioning task belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Parent {
    Order(OrderId),
    Task(TaskId),
}

impl Parent {
    /// Locks the order's or task's row until the transaction ends, so that two resolutions of
    /// its provisioning tasks (two callbacks at once on PostgreSQL) take turns: otherwise each
    /// sees the other's task still pending and neither finishes the work.
    async fn lock(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let (table, id) = match self {
            Parent::Order(id) => ("product_orders", id.as_str()),
            Parent::Task(id) => ("user_service_tasks", id.as_str()),
        };
        sqlx::query(&format!(
            "UPDATE {table} SET updated_at = updated_at WHERE id = $1"
        ))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The `provisioning_tasks` column naming it, and its id.
    fn column(&self) -> (&'static str, &str) {
        match self {
            Parent::Order(id) => ("order_id", id.as_str()),
            Parent::Task(id) => ("user_service_task_id", id.as_str()),
        }
    }
}

/// A provisioning task's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TaskState {
    Pending,
    Completed,
    Failed,
}

impl TaskState {
    fn parse(text: &str) -> Result<TaskState, DbError> {
        match text {
            "pending" => Ok(TaskState::Pending),
            "completed" => Ok(TaskState::Completed),
            "failed" => Ok(TaskState::Failed),
            other => Err(DbError::Corrupt(format!(
                "unknown provisioning task state {other}"
            ))),
        }
    }
}

/// What the product may send back with a completion, for the licence: the login it made and the
/// values of the licence's realizing resources, checked as the console checks them. Kept on the
/// task (`result_json`) and shown to operators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Completion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub realizing_resource: Vec<ResourceValue>,
}

/// A realizing resource value the product gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceValue {
    pub value: String,
}

/// The most characters of a login the product may give.
const LOGIN_MAX: usize = 128;

impl Completion {
    /// Checks the login: printable characters, at most 128 (the resource values are checked
    /// against the licence's resources when applied).
    pub fn check(&self) -> Result<(), String> {
        if let Some(login) = &self.login {
            let login = login.trim();
            if login.is_empty() || login.chars().count() > LOGIN_MAX {
                return Err(format!("login must be 1 to {LOGIN_MAX} characters"));
            }
            if login.chars().any(char::is_control) {
                return Err("login must not contain control characters".to_owned());
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.login.is_none() && self.realizing_resource.is_empty()
    }
}

/// How a provisioning task ended, as the product or an operator said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Completed(Completion),
    Failed { code: ErrorCode, message: String },
}

/// One provisioning task, as the callback API and the console show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningTask {
    #[schema(value_type = String)]
    pub id: ProvisioningTaskId,
    #[serde(rename = "type")]
    pub kind: String,
    pub state: TaskState,
    pub mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_service_task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence_id: Option<String>,
    pub customer_id: String,
    /// The data the webhook carried.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    /// Resolved by an operator (by hand), not by the product.
    pub resolved_by_operator: bool,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
}

const COLUMNS: &str = "id, kind, state, mode, order_id, user_service_task_id, licence_id, \
     customer_id, payload_json, result_json, failure_code, failure_message, resolved_by, \
     created_at, resolved_at";

fn read_task(row: &sqlx::any::AnyRow) -> Result<ProvisioningTask, DbError> {
    let json = |text: Option<String>| -> Result<Option<serde_json::Value>, DbError> {
        text.map(|text| {
            serde_json::from_str(&text).map_err(|e| DbError::Corrupt(format!("task json: {e}")))
        })
        .transpose()
    };
    let state: String = row.try_get("state")?;
    let resolved_by: Option<String> = row.try_get("resolved_by")?;
    Ok(ProvisioningTask {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        state: TaskState::parse(&state)?,
        mode: row.try_get("mode")?,
        order_id: row.try_get("order_id")?,
        user_service_task_id: row.try_get("user_service_task_id")?,
        licence_id: row.try_get("licence_id")?,
        customer_id: row.try_get("customer_id")?,
        data: json(row.try_get("payload_json")?)?.unwrap_or_default(),
        result: json(row.try_get("result_json")?)?,
        failure_code: row.try_get("failure_code")?,
        failure_message: row.try_get("failure_message")?,
        resolved_by_operator: resolved_by.is_some(),
        created_at: row.try_get("created_at")?,
        resolved_at: row.try_get("resolved_at")?,
    })
}

/// One provisioning task.
pub async fn get(db: &Db, id: &str) -> Result<Option<ProvisioningTask>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provisioning_tasks WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(read_task).transpose()
}

/// The provisioning tasks of an order or task, oldest first (for its page and timeline).
pub async fn of_work(db: &Db, parent: &Parent) -> Result<Vec<ProvisioningTask>, DbError> {
    let (column, id) = parent.column();
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provisioning_tasks WHERE {column} = $1 ORDER BY created_at, id"
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(read_task).collect()
}

/// The most tasks one page of the callback API's list holds.
pub const PAGE_MAX: i64 = 100;

/// A page of tasks in `state` (all when `None`), oldest first, and how many there are in all.
pub async fn list(
    db: &Db,
    state: Option<TaskState>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ProvisioningTask>, i64), DbError> {
    let state = match state {
        None => "",
        Some(TaskState::Pending) => "pending",
        Some(TaskState::Completed) => "completed",
        Some(TaskState::Failed) => "failed",
    };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provisioning_tasks WHERE ($1 = '' OR state = $1) \
         ORDER BY created_at, id LIMIT $2 OFFSET $3"
    ))
    .bind(state)
    .bind(limit.clamp(1, PAGE_MAX))
    .bind(offset.max(0))
    .fetch_all(db.pool())
    .await?;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM provisioning_tasks WHERE ($1 = '' OR state = $1)")
            .bind(state)
            .fetch_one(db.pool())
            .await?;
    Ok((rows.iter().map(read_task).collect::<Result<_, _>>()?, total))
}

/// One licence to provision, and what the webhook says of it.
pub(crate) struct ToProvision {
    pub(crate) licence_id: String,
    pub(crate) customer_id: String,
    pub(crate) order_item_id: Option<String>,
    pub(crate) kind: &'static str,
}

/// Writes the provisioning tasks and their webhooks for `licences` (one each), in the caller's
/// transaction. `data` patches the licence as it reads now into what the webhook announces
/// (an order's licences are still `pending`; a suspension's still `active`). Returns each task
/// with its webhook.
pub(crate) async fn provision(
    conn: &mut AnyConnection,
    mode: &'static str,
    parent: Option<&Parent>,
    licences: Vec<ToProvision>,
    patch: &(dyn Fn(&mut serde_json::Value) + Sync),
    request_id: Option<&str>,
    now: &str,
) -> Result<Vec<(ProvisioningTaskId, fleetdesk_vocab::EventId)>, DbError> {
    let mut written = Vec::with_capacity(licences.len());
    for chunk in licences.chunks(BATCH) {
        let ids: Vec<&str> = chunk.iter().map(|l| l.licence_id.as_str()).collect();
        let loaded: HashMap<String, serde_json::Value> =
            crate::orange::user_service::load_many(conn, &ids)
                .await?
                .into_iter()
                .map(|licence| {
                    let id = licence.id.to_string();
                    let mut value = serde_json::to_value(licence).unwrap_or_default();
                    patch(&mut value);
                    (id, value)
                })
                .collect();
        let mut webhooks = Vec::with_capacity(chunk.len());
        let mut tasks = Vec::with_capacity(chunk.len());
        for licence in chunk {
            let data = loaded.get(&licence.licence_id).cloned().ok_or_else(|| {
                DbError::Corrupt(format!("licence {} vanished", licence.licence_id))
            })?;
            let task_id = ids::new_id::<ProvisioningTaskId>();
            webhooks.push(NewWebhook {
                kind: licence.kind,
                task_id: task_id.clone(),
                resource_kind: "userService",
                resource_id: licence.licence_id.clone(),
                data: data.clone(),
            });
            tasks.push((task_id, licence, data));
        }
        let events = outbox::enqueue_webhooks(conn, webhooks, request_id).await?;
        for ((task_id, licence, data), event_id) in tasks.into_iter().zip(events) {
            let (order_id, task) = match parent {
                Some(Parent::Order(id)) => (Some(id.as_str()), None),
                Some(Parent::Task(id)) => (None, Some(id.as_str())),
                None => (None, None),
            };
            sqlx::query(
                "INSERT INTO provisioning_tasks (id, kind, mode, state, customer_id, order_id, \
                 order_item_id, user_service_task_id, licence_id, outbox_event_id, payload_json, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(&task_id)
            .bind(licence.kind)
            .bind(mode)
            .bind(&licence.customer_id)
            .bind(order_id)
            .bind(licence.order_item_id.as_deref())
            .bind(task)
            .bind(&licence.licence_id)
            .bind(&event_id)
            .bind(data.to_string())
            .bind(now)
            .execute(&mut *conn)
            .await?;
            written.push((task_id, event_id));
        }
    }
    Ok(written)
}

/// Sends an acknowledged order of a webhook offering to the product: the order goes `inProgress`
/// and each of its licences of such an offering gets a provisioning task and a `licence.created`
/// webhook, in one transaction. `false` if another worker took the order first.
pub async fn dispatch_order(db: &Db, id: &OrderId) -> Result<bool, DbError> {
    let settings = webhook::load(db).await?;
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let claimed: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE product_orders SET state = 'inProgress', updated_at = $2 \
         WHERE id = $1 AND state = 'acknowledged' RETURNING request_id",
    )
    .bind(id)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(request_id) = claimed else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE product_order_items SET state = 'inProgress', updated_at = $2 WHERE order_id = $1",
    )
    .bind(id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let rows = sqlx::query(
        "SELECT l.id, l.customer_id, l.order_item_id FROM licences l \
         JOIN product_order_items i ON i.id = l.order_item_id \
         JOIN offerings o ON o.id = i.offering_id \
         WHERE i.order_id = $1 AND o.provisioning_mode = 'webhook' ORDER BY l.created_at, l.id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let licences = rows
        .iter()
        .map(|row| {
            Ok(ToProvision {
                licence_id: row.try_get("id")?,
                customer_id: row.try_get("customer_id")?,
                order_item_id: row.try_get("order_item_id")?,
                kind: "licence.created",
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    // The licence as it will be once provisioned: active.
    let patch = |value: &mut serde_json::Value| value["state"] = "active".into();
    let parent = Parent::Order(id.clone());
    send_to_product(tx, &settings, &parent, licences, &patch, request_id, &now).await?;
    Ok(true)
}

/// Writes the provisioning tasks and webhooks of acknowledged work now in progress, with its
/// `order.provisioning_sent` / `task.provisioning_sent` entry, and commits.
async fn send_to_product(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    settings: &webhook::WebhookSettings,
    parent: &Parent,
    licences: Vec<ToProvision>,
    patch: &(dyn Fn(&mut serde_json::Value) + Sync),
    request_id: Option<String>,
    now: &str,
) -> Result<(), DbError> {
    let sent = provision(
        &mut tx,
        settings.task_mode(),
        Some(parent),
        licences,
        patch,
        request_id.as_deref(),
        now,
    )
    .await?
    .len();
    let (object_type, id) = match parent {
        Parent::Order(id) => ("order", id.as_str()),
        Parent::Task(id) => ("task", id.as_str()),
    };
    audit::record(
        &mut *tx,
        &Acting::system()
            .entry(
                &format!("{object_type}.provisioning_sent"),
                object_type,
                Some(id),
            )
            .after(serde_json::json!({"webhooks": sent, "mode": settings.task_mode()}))
            .request_id(request_id),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(work.id = %id, webhooks = sent, "work sent to the product for provisioning");
    Ok(())
}

/// The webhook's type for one of Orange's changes of a licence.
pub(crate) fn webhook_kind(change: &crate::licences::Change) -> &'static str {
    use crate::licences::{Change, LicenceState};
    match change {
        Change::SetState(LicenceState::Suspended) => "licence.suspended",
        Change::SetState(_) => "licence.reactivated",
        Change::Terminate => "licence.terminated",
        Change::ChangeOffering { .. } => "licence.offering_changed",
    }
}

/// Sends an acknowledged task touching licences of a webhook offering to the product: the task
/// goes `inProgress`, and each such licence gets a provisioning task and its webhook
/// (`licence.suspended`, `licence.reactivated`, `licence.terminated` or
/// `licence.offering_changed`). Its other licences are done when the task finishes.
pub async fn dispatch_task(db: &Db, id: &TaskId) -> Result<bool, DbError> {
    let settings = webhook::load(db).await?;
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let claimed = sqlx::query(
        "UPDATE user_service_tasks SET state = 'inProgress', updated_at = $2 \
         WHERE id = $1 AND state = 'acknowledged'",
    )
    .bind(id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(false);
    }
    let task = sqlx::query(
        "SELECT t.action, t.target_state, t.request_id, o.offer_code, o.name AS offering_name, \
         CAST(CASE WHEN o.provisioning_mode = 'webhook' THEN 1 ELSE 0 END AS BIGINT) AS to_webhook \
         FROM user_service_tasks t LEFT JOIN offerings o ON o.id = t.target_offering_id \
         WHERE t.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let action: String = task.try_get("action")?;
    let target_state: Option<String> = task.try_get("target_state")?;
    let request_id: Option<String> = task.try_get("request_id")?;
    let offer_code: Option<String> = task.try_get("offer_code")?;
    let offering_name: Option<String> = task.try_get("offering_name")?;
    let to_webhook = task.try_get::<Option<i64>, _>("to_webhook")? == Some(1);
    let kind = match (action.as_str(), target_state.as_deref()) {
        ("changeState", Some("suspended")) => "licence.suspended",
        ("changeState", _) => "licence.reactivated",
        ("delete", _) => "licence.terminated",
        _ => "licence.offering_changed",
    };
    // Licences of a webhook offering, or all of them when the task moves them to one.
    let rows = sqlx::query(
        "SELECT l.id, l.customer_id FROM user_service_task_items i \
         JOIN licences l ON l.id = i.licence_id JOIN offerings o ON o.id = l.offering_id \
         WHERE i.task_id = $1 AND i.result IS NULL AND (o.provisioning_mode = 'webhook' OR $2 = 1) \
         ORDER BY i.position",
    )
    .bind(id)
    .bind(i64::from(to_webhook))
    .fetch_all(&mut *tx)
    .await?;
    let licences = rows
        .iter()
        .map(|row| {
            Ok(ToProvision {
                licence_id: row.try_get("id")?,
                customer_id: row.try_get("customer_id")?,
                order_item_id: None,
                kind,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let parent = Parent::Task(id.clone());
    // The licence as it will be once the product has done it.
    let patch = move |value: &mut serde_json::Value| match kind {
        "licence.suspended" => value["state"] = "suspended".into(),
        "licence.reactivated" => value["state"] = "active".into(),
        "licence.terminated" => value["state"] = "terminated".into(),
        _ => {
            let mut offering = serde_json::json!({
                "externalReference": {"type": "orange", "id": offer_code.clone().unwrap_or_default()}
            });
            if let Some(name) = &offering_name {
                offering["name"] = name.clone().into();
            }
            value["productOffering"] = offering;
        }
    };
    send_to_product(tx, &settings, &parent, licences, &patch, request_id, &now).await?;
    Ok(true)
}

/// What the product's answer to a refused webhook said: the contract's code and message, when it
/// gave them; `SERVICE_UNAVAILABLE` and the HTTP status otherwise.
fn refusal(status: i64, body: Option<&str>) -> (ErrorCode, String) {
    #[derive(Deserialize)]
    struct Refusal {
        code: Option<String>,
        message: Option<String>,
    }
    let said: Option<Refusal> = body.and_then(|body| serde_json::from_str(body).ok());
    let code = said
        .as_ref()
        .and_then(|r| r.code.as_deref())
        .and_then(ErrorCode::parse)
        .filter(|code| crate::stuck::FAILURE_CODES.contains(code))
        .unwrap_or(ErrorCode::ServiceUnavailable);
    let message = said
        .and_then(|r| r.message)
        .map(|m| m.trim().chars().take(500).collect::<String>())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| format!("The product refused the webhook (HTTP {status})"));
    (code, message)
}

/// Resolves what the product's answers decided since the last pass: tasks of the plain `webhook`
/// mode whose webhook was delivered complete; tasks whose webhook was refused fail. Finishes the
/// orders and tasks left with nothing pending. Returns how many provisioning tasks it resolved.
pub async fn resolve_answered(db: &Db) -> Result<usize, DbError> {
    let rows = sqlx::query(
        "SELECT pt.id, pt.order_id, pt.user_service_task_id, e.state AS event_state, \
         e.last_response_status, \
         (SELECT a.response_body FROM outbox_attempts a WHERE a.event_id = e.id \
          ORDER BY a.attempt_no DESC LIMIT 1) AS answer \
         FROM provisioning_tasks pt JOIN outbox_events e ON e.id = pt.outbox_event_id \
         WHERE pt.state = 'pending' AND ( \
           (pt.mode = 'webhook' AND e.state = 'delivered') \
           OR (e.state = 'failed' AND e.last_response_status >= 400 \
               AND e.last_response_status < 500 \
               AND e.last_response_status NOT IN (401, 403, 408, 429))) \
         ORDER BY pt.created_at, pt.id LIMIT 500",
    )
    .fetch_all(db.pool())
    .await?;
    let mut by_parent: HashMap<Option<Parent>, Vec<(ProvisioningTaskId, Resolution)>> =
        HashMap::new();
    for row in &rows {
        let id: ProvisioningTaskId = row.try_get("id")?;
        let order: Option<OrderId> = row.try_get("order_id")?;
        let task: Option<TaskId> = row.try_get("user_service_task_id")?;
        let event_state: String = row.try_get("event_state")?;
        let resolution = if event_state == "delivered" {
            Resolution::Completed(Completion::default())
        } else {
            let status: Option<i64> = row.try_get("last_response_status")?;
            let answer: Option<String> = row.try_get("answer")?;
            let (code, message) = refusal(status.unwrap_or_default(), answer.as_deref());
            Resolution::Failed { code, message }
        };
        let parent = match (order, task) {
            (Some(order), _) => Some(Parent::Order(order)),
            (None, Some(task)) => Some(Parent::Task(task)),
            (None, None) => None,
        };
        by_parent.entry(parent).or_default().push((id, resolution));
    }
    let mut resolved = 0;
    let product = Acting::system();
    let mut parents: Vec<_> = by_parent.into_iter().collect();
    parents.sort_by(|a, b| a.0.cmp(&b.0));
    for (parent, tasks) in parents {
        let mut tx = db.begin_write().await?;
        if let Some(parent) = &parent {
            parent.lock(&mut tx).await?;
        }
        for (id, resolution) in &tasks {
            if set_resolved(&mut tx, id, resolution, None).await? {
                resolved += 1;
            }
        }
        if let Some(parent) = &parent {
            finish_if_resolved(&mut tx, &product, parent).await?;
        }
        tx.commit().await?;
    }
    Ok(resolved)
}

/// Tells the product of a change made on Fleetdesk's side (an operator's, from the console or a
/// bulk file): a webhook of `kind` (`licence.end_user_changed`, ...) for each of `licences` in an
/// offering with webhook provisioning, in the change's transaction. Nothing waits on it: its
/// provisioning task completes when the product answers 2xx. Returns how many were written.
pub(crate) async fn tell_product(
    conn: &mut AnyConnection,
    kind: &'static str,
    licences: &[fleetdesk_vocab::LicenceId],
    request_id: Option<&str>,
) -> Result<usize, DbError> {
    let mut found = Vec::new();
    for chunk in licences.chunks(BATCH) {
        let sql = format!(
            "SELECT l.id, l.customer_id FROM licences l JOIN offerings o ON o.id = l.offering_id \
             WHERE o.provisioning_mode = 'webhook' AND l.id IN ({}) ORDER BY l.created_at, l.id",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.push(ToProvision {
                licence_id: row.try_get("id")?,
                customer_id: row.try_get("customer_id")?,
                order_item_id: None,
                kind,
            });
        }
    }
    if found.is_empty() {
        return Ok(0);
    }
    let now = clock::now_text();
    Ok(
        provision(conn, "webhook", None, found, &|_| {}, request_id, &now)
            .await?
            .len(),
    )
}

/// Tells the product of a customer Orange just created (`customer.created`), in the creating
/// order's transaction, when some offering has webhook provisioning; nothing waits on it (the
/// product's 2xx resolves it). Its ordering key is the customer's own, so a licence's webhook may
/// reach the product first: every licence carries its customer's id, reference and name.
pub(crate) async fn announce_customer(
    conn: &mut AnyConnection,
    customer_id: &str,
    request_id: Option<&str>,
) -> Result<Option<ProvisioningTaskId>, DbError> {
    let webhook_offerings: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM offerings WHERE provisioning_mode = 'webhook' \
         LIMIT 1) found",
    )
    .fetch_one(&mut *conn)
    .await?;
    if webhook_offerings == 0 {
        return Ok(None);
    }
    let data = customer_data(conn, customer_id).await?;
    let task_id = ids::new_id::<ProvisioningTaskId>();
    let events = outbox::enqueue_webhooks(
        conn,
        vec![NewWebhook {
            kind: "customer.created",
            task_id: task_id.clone(),
            resource_kind: "customer",
            resource_id: customer_id.to_owned(),
            data: data.clone(),
        }],
        request_id,
    )
    .await?;
    let now = clock::now_text();
    sqlx::query(
        "INSERT INTO provisioning_tasks (id, kind, mode, state, customer_id, outbox_event_id, \
         payload_json, created_at, updated_at) \
         VALUES ($1, 'customer.created', 'webhook', 'pending', $2, $3, $4, $5, $5)",
    )
    .bind(&task_id)
    .bind(customer_id)
    .bind(events.first())
    .bind(data.to_string())
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(Some(task_id))
}

/// The customer as Fleetdesk knows it, for `customer.created`: fields it has no value for are left
/// out (never `null` or empty).
async fn customer_data(
    conn: &mut AnyConnection,
    customer_id: &str,
) -> Result<serde_json::Value, DbError> {
    let row = sqlx::query(
        "SELECT id, external_reference, name, legal_id, address_street, address_postcode, \
         address_city, address_country, characteristics_json, login_stem, created_at \
         FROM customers WHERE id = $1",
    )
    .bind(customer_id)
    .fetch_one(&mut *conn)
    .await?;
    fn put(map: &mut serde_json::Map<String, serde_json::Value>, key: &str, value: Option<String>) {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            map.insert(key.to_owned(), value.into());
        }
    }
    let mut data = serde_json::Map::new();
    put(&mut data, "id", row.try_get("id")?);
    put(
        &mut data,
        "externalReference",
        row.try_get("external_reference")?,
    );
    put(&mut data, "name", row.try_get("name")?);
    put(&mut data, "legalId", row.try_get("legal_id")?);
    put(&mut data, "loginStem", row.try_get("login_stem")?);
    let mut address = serde_json::Map::new();
    put(&mut address, "street", row.try_get("address_street")?);
    put(&mut address, "postcode", row.try_get("address_postcode")?);
    put(&mut address, "city", row.try_get("address_city")?);
    put(&mut address, "country", row.try_get("address_country")?);
    if !address.is_empty() {
        data.insert("address".to_owned(), address.into());
    }
    let characteristics: Option<String> = row.try_get("characteristics_json")?;
    if let Some(list) = characteristics
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .filter(|list| list.as_array().is_some_and(|items| !items.is_empty()))
    {
        data.insert("characteristic".to_owned(), list);
    }
    put(&mut data, "createdAt", row.try_get("created_at")?);
    Ok(data.into())
}

/// Marks one pending task resolved; `false` if it was not pending any more.
async fn set_resolved(
    conn: &mut AnyConnection,
    id: &ProvisioningTaskId,
    resolution: &Resolution,
    operator: Option<&str>,
) -> Result<bool, DbError> {
    let now = clock::now_text();
    let done = match resolution {
        Resolution::Completed(completion) => {
            let result = (!completion.is_empty())
                .then(|| serde_json::to_string(completion).unwrap_or_default());
            sqlx::query(
                "UPDATE provisioning_tasks SET state = 'completed', result_json = $2, \
                 resolved_by = $3, resolved_at = $4, updated_at = $4 \
                 WHERE id = $1 AND state = 'pending'",
            )
            .bind(id)
            .bind(result)
            .bind(operator)
            .bind(&now)
            .execute(&mut *conn)
            .await?
        }
        Resolution::Failed { code, message } => {
            sqlx::query(
                "UPDATE provisioning_tasks SET state = 'failed', failure_code = $2, \
                 failure_message = $3, resolved_by = $4, resolved_at = $5, updated_at = $5 \
                 WHERE id = $1 AND state = 'pending'",
            )
            .bind(id)
            .bind(code.as_str())
            .bind(message)
            .bind(operator)
            .bind(&now)
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Resolves every still pending provisioning task of an order or task as completed by whoever
/// asked (support's "complete now", an approval): [`resolve_all_by_hand`] with nothing to record.
pub(crate) async fn complete_all_by_hand(
    conn: &mut AnyConnection,
    acting: &Acting,
    parent: &Parent,
) -> Result<u64, DbError> {
    resolve_all_by_hand(
        conn,
        acting,
        parent,
        &Resolution::Completed(Default::default()),
    )
    .await
}

/// Resolves every still pending provisioning task of an order or task the way an operator
/// decided for the whole of it (complete now, approve, fail), so that a later callback is refused.
pub(crate) async fn resolve_all_by_hand(
    conn: &mut AnyConnection,
    acting: &Acting,
    parent: &Parent,
    resolution: &Resolution,
) -> Result<u64, DbError> {
    let operator = match acting.actor.kind {
        ActorKind::Operator => acting.actor.id.clone(),
        _ => None,
    };
    let (column, id) = parent.column();
    let now = clock::now_text();
    let (code, message) = match resolution {
        Resolution::Completed(_) => (None, None),
        Resolution::Failed { code, message } => (Some(code.as_str()), Some(message.as_str())),
    };
    let done = sqlx::query(&format!(
        "UPDATE provisioning_tasks SET state = $2, failure_code = $3, failure_message = $4, \
         resolved_by = $5, resolved_at = $6, updated_at = $6 \
         WHERE {column} = $1 AND state = 'pending'"
    ))
    .bind(id)
    .bind(if code.is_some() {
        "failed"
    } else {
        "completed"
    })
    .bind(code)
    .bind(message)
    .bind(operator)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    // Their webhooks not yet sent are moot now: never sent, kept with their attempts. One being
    // sent at this moment goes out; the product's callback about it is then refused (409).
    let cancelled = sqlx::query(&format!(
        "UPDATE outbox_events SET state = 'cancelled', next_attempt_at = NULL, failed_at = $2, \
         last_error = $3, updated_at = $2 \
         WHERE state = 'pending' AND id IN (SELECT outbox_event_id FROM provisioning_tasks \
         WHERE {column} = $1 AND outbox_event_id IS NOT NULL)"
    ))
    .bind(id)
    .bind(&now)
    .bind(format!(
        "Not sent: {} decided the work by hand before the product was told",
        acting.actor.label
    ))
    .execute(&mut *conn)
    .await?;
    if cancelled.rows_affected() > 0 {
        tracing::info!(work.id = %id, cancelled = cancelled.rows_affected(), "webhooks made moot by a decision by hand were cancelled");
    }
    Ok(done.rows_affected())
}

/// Finishes an order or task whose provisioning tasks are all resolved (nothing when some still
/// wait): see the module's description. Returns whether it finished it now.
async fn finish_if_resolved(
    conn: &mut AnyConnection,
    acting: &Acting,
    parent: &Parent,
) -> Result<bool, DbError> {
    let (column, id) = parent.column();
    let pending: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM provisioning_tasks WHERE {column} = $1 AND state = 'pending'"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    if pending > 0 {
        return Ok(false);
    }
    let failures = sqlx::query(&format!(
        "SELECT licence_id, failure_code, failure_message FROM provisioning_tasks \
         WHERE {column} = $1 AND state = 'failed' ORDER BY created_at, id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    // Per licence, the first failure: a task's licences fail with it; an order fails with the
    // first of all.
    let mut failed: HashMap<String, (ErrorCode, String)> = HashMap::new();
    let mut first = None;
    for row in &failures {
        let licence: Option<String> = row.try_get("licence_id")?;
        let code: Option<String> = row.try_get("failure_code")?;
        let message: Option<String> = row.try_get("failure_message")?;
        let code = code
            .as_deref()
            .and_then(ErrorCode::parse)
            .unwrap_or(ErrorCode::ServiceUnavailable);
        let failure = (code, message.unwrap_or_default());
        first.get_or_insert_with(|| failure.clone());
        failed.entry(licence.unwrap_or_default()).or_insert(failure);
    }
    match parent {
        Parent::Order(order) => {
            match first {
                Some((code, message)) => {
                    crate::stuck::fail_order_in(conn, acting, order.as_str(), code, &message)
                        .await
                        .map(|_| true)
                        .or_else(|error| match error {
                            crate::stuck::FailError::Db(error) => Err(error),
                            // Decided meanwhile: nothing left to finish.
                            _ => Ok(false),
                        })
                }
                None => completion::complete_order_in(conn, None, order).await,
            }
        }
        Parent::Task(task) => completion::settle_task_in(conn, None, task, &failed).await,
    }
}

/// Why a callback was refused.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error("no such provisioning task")]
    NotFound,
    /// Already resolved otherwise: by the product with another outcome, or by an operator.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for CallbackError {
    fn from(error: sqlx::Error) -> Self {
        CallbackError::Db(DbError::Query(error))
    }
}

/// The product's callback: `resolution` for the task `id`. Resolving twice with the same outcome
/// is harmless (the task is returned as it is); another outcome, or any callback after an
/// operator decided by hand, is a conflict. The order or task finishes in the same transaction
/// when this was its last pending task, with its event to Orange.
pub async fn callback(
    db: &Db,
    acting: &Acting,
    id: &str,
    resolution: Resolution,
) -> Result<ProvisioningTask, CallbackError> {
    match &resolution {
        Resolution::Completed(completion) => completion.check().map_err(CallbackError::Invalid)?,
        Resolution::Failed { message, .. } if message.trim().is_empty() => {
            return Err(CallbackError::Invalid(
                "message must not be empty".to_owned(),
            ));
        }
        Resolution::Failed { code, .. } if !crate::stuck::FAILURE_CODES.contains(code) => {
            return Err(CallbackError::Invalid(format!(
                "code must be one of {}",
                crate::stuck::FAILURE_CODES
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Resolution::Failed { .. } => {}
    }
    let resolution = match resolution {
        Resolution::Failed { code, message } => Resolution::Failed {
            code,
            message: message.trim().to_owned(),
        },
        completed => completed,
    };
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provisioning_tasks WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(CallbackError::NotFound)?;
    let task = read_task(&row)?;
    if task.state != TaskState::Pending {
        drop(tx);
        return same_outcome(task, &resolution);
    }
    let task_id = task.id.clone();
    let parent = match (&task.order_id, &task.user_service_task_id) {
        (Some(order), _) => Some(Parent::Order(order.as_str().into())),
        (None, Some(work)) => Some(Parent::Task(work.as_str().into())),
        _ => None,
    };
    if let Some(parent) = &parent {
        parent.lock(&mut tx).await?;
    }
    if let (Resolution::Completed(completion), Some(licence)) = (&resolution, &task.licence_id) {
        apply_completion(&mut tx, licence, completion).await?;
    }
    set_resolved(&mut tx, &task_id, &resolution, None).await?;
    let (action, after) = match &resolution {
        Resolution::Completed(completion) => (
            "provisioning.complete",
            serde_json::json!({"state": "completed", "result": completion}),
        ),
        Resolution::Failed { code, message } => (
            "provisioning.fail",
            serde_json::json!({"state": "failed", "code": code.as_str(), "message": message}),
        ),
    };
    // On the order's or task's timeline (the licence's for a change of Fleetdesk's own), with
    // the provisioning task and the licence it concerned.
    let (object_type, object_id) = match (&parent, &task.licence_id) {
        (Some(Parent::Order(id)), _) => ("order", id.to_string()),
        (Some(Parent::Task(id)), _) => ("task", id.to_string()),
        (None, Some(licence)) => ("licence", licence.clone()),
        (None, None) => ("provisioning_task", task_id.to_string()),
    };
    let mut after = after;
    after["task"] = task_id.as_str().into();
    after["licence"] = task.licence_id.clone().into();
    audit::record(
        &mut *tx,
        &acting
            .entry(action, object_type, Some(&object_id))
            .before(serde_json::json!({"state": "pending"}))
            .after(after),
    )
    .await?;
    if let Some(parent) = parent {
        finish_if_resolved(&mut tx, acting, &parent).await?;
    }
    tx.commit().await?;
    get(db, id).await?.ok_or(CallbackError::NotFound)
}

/// Gives the licence the login and realizing resource values the product made: the login as
/// given, the values to the licence's own resources in their order, each checked for its type as
/// the console checks a replacement.
async fn apply_completion(
    conn: &mut AnyConnection,
    licence: &str,
    completion: &Completion,
) -> Result<(), CallbackError> {
    let now = clock::now_text();
    if let Some(login) = &completion.login {
        sqlx::query("UPDATE licences SET login = $2, updated_at = $3 WHERE id = $1")
            .bind(licence)
            .bind(login.trim())
            .bind(&now)
            .execute(&mut *conn)
            .await?;
    }
    if completion.realizing_resource.is_empty() {
        return Ok(());
    }
    let resources = sqlx::query(
        "SELECT id, type FROM realizing_resources WHERE licence_id = $1 ORDER BY created_at, id",
    )
    .bind(licence)
    .fetch_all(&mut *conn)
    .await?;
    if resources.len() != completion.realizing_resource.len() {
        return Err(CallbackError::Invalid(format!(
            "the licence has {} realizing resource(s) of its own; {} value(s) were given",
            resources.len(),
            completion.realizing_resource.len()
        )));
    }
    for (n, (row, given)) in resources
        .iter()
        .zip(&completion.realizing_resource)
        .enumerate()
    {
        let id: String = row.try_get("id")?;
        let kind: String = row.try_get("type")?;
        let kind = fleetdesk_vocab::ResourceType::parse(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("resource type `{kind}`")))?;
        let value = fleetdesk_vocab::ResourceValue::parse(kind, &given.value).map_err(|error| {
            CallbackError::Invalid(format!("realizingResource[{n}].value: {error}"))
        })?;
        sqlx::query(
            "UPDATE realizing_resources SET value = $2, placeholder_since = NULL, updated_at = $3 \
             WHERE id = $1",
        )
        .bind(&id)
        .bind(value.as_str())
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A callback on a task already resolved: harmless when it says what was decided, a conflict
/// otherwise.
fn same_outcome(
    task: ProvisioningTask,
    resolution: &Resolution,
) -> Result<ProvisioningTask, CallbackError> {
    if task.resolved_by_operator {
        return Err(CallbackError::Conflict(format!(
            "an operator already {} this task by hand",
            if task.state == TaskState::Completed {
                "completed"
            } else {
                "failed"
            }
        )));
    }
    let same = match (task.state, resolution) {
        (TaskState::Completed, Resolution::Completed(completion)) => {
            let stored: Completion = task
                .result
                .clone()
                .and_then(|value| serde_json::from_value(value).ok())
                .unwrap_or_default();
            &stored == completion
        }
        (TaskState::Failed, Resolution::Failed { code, message }) => {
            task.failure_code.as_deref() == Some(code.as_str())
                && task.failure_message.as_deref() == Some(message.as_str())
        }
        _ => false,
    };
    if same {
        Ok(task)
    } else {
        Err(CallbackError::Conflict(format!(
            "this task is already {}",
            if task.state == TaskState::Completed {
                "completed"
            } else {
                "failed"
            }
        )))
    }
}

/// The orders and tasks `ids` name (for the stuck page): those waiting on the product, with why.
pub(crate) async fn waiting_reasons(
    db: &Db,
    parents: &BTreeSet<String>,
) -> Result<HashMap<String, String>, DbError> {
    let mut reasons = HashMap::new();
    if parents.is_empty() {
        return Ok(reasons);
    }
    let ids: Vec<&str> = parents.iter().map(String::as_str).collect();
    for chunk in ids.chunks(BATCH / 2) {
        let sql = format!(
            "SELECT COALESCE(pt.order_id, pt.user_service_task_id) AS parent, pt.mode, \
             e.state AS event_state, e.last_response_status, e.last_error, e.delivered_at \
             FROM provisioning_tasks pt LEFT JOIN outbox_events e ON e.id = pt.outbox_event_id \
             WHERE pt.state = 'pending' AND (pt.order_id IN ({list}) \
             OR pt.user_service_task_id IN ({list})) ORDER BY pt.created_at, pt.id",
            list = placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(db.pool()).await? {
            let parent: String = row.try_get("parent")?;
            if reasons.contains_key(&parent) {
                continue;
            }
            let event_state: Option<String> = row.try_get("event_state")?;
            let status: Option<i64> = row.try_get("last_response_status")?;
            let error: Option<String> = row.try_get("last_error")?;
            let delivered: Option<String> = row.try_get("delivered_at")?;
            let reason = match (event_state.as_deref(), delivered) {
                (Some("delivered"), Some(at)) => format!("no callback since {at}"),
                (_, _) => match (status, error) {
                    (Some(status), Some(error)) => {
                        format!("webhook failing: HTTP {status}: {error}")
                    }
                    (Some(status), None) => format!("webhook failing: HTTP {status}"),
                    (None, Some(error)) => format!("webhook failing: {error}"),
                    (None, None) => "webhook not yet delivered".to_owned(),
                },
            };
            reasons.insert(parent, reason);
        }
    }
    Ok(reasons)
}

#[cfg(test)]
mod tests {
    use fleetdesk_vocab::Mode;

    use super::*;
    use crate::offerings::{self, OfferingInput};
    use crate::on_each_db;
    use crate::orange::settings::{self, ApiSettings};
    use crate::orange::{product_order, wire};

    async fn hooked_orders(db: &Db, count: usize) -> Vec<String> {
        let mut api = ApiSettings::default();
        api.set_every_mode(Mode::Async);
        settings::save(db, &api, &Acting::system())
            .await
            .expect("async");
        offerings::create(
            db,
            &Acting::system(),
            &OfferingInput {
                offer_code: "HOOK".into(),
                name: "Hook".into(),
                resource_type: "none".into(),
                resource_scope: "per_licence".into(),
                login_format: String::new(),
                provisioning: "webhook".into(),
            },
        )
        .await
        .expect("offering");
        let mut ids = Vec::new();
        for n in 0..count {
            let body = serde_json::json!({
                "externalReference": {"type": "orange", "id": format!("O-{n}")},
                "customer": {"externalReference": {"type": "orange", "id": format!("C-{n}")}, "name": "Acme"},
                "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": "HOOK"}},
                               "productRef": {"userServiceQuantity": 2}}]
            })
            .to_string();
            let request: wire::ProductOrderRequest =
                wire::read_body(body.as_bytes()).expect("valid");
            let placed = product_order::place(
                db,
                &api,
                &request,
                body.as_bytes(),
                &crate::testing::orange(),
            )
            .await
            .expect("acknowledged");
            ids.push(placed.body["id"].as_str().expect("id").to_owned());
        }
        ids
    }

    use crate::testing::count;

    #[tokio::test]
    async fn passes_running_at_once_send_each_order_once_and_finish_it_once() {
        on_each_db!(|db| async move {
            let orders = hooked_orders(&db, 12).await;
            // Two workers at once, as two instances would, until neither finds anything.
            loop {
                let (a, b) =
                    tokio::join!(completion::run_pending(&db), completion::run_pending(&db));
                if a.expect("pass") + b.expect("pass") == 0 {
                    break;
                }
            }
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM provisioning_tasks WHERE kind = 'licence.created'"
                )
                .await,
                24,
                "one task per licence, however many workers"
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM outbox_events WHERE target = 'provisioning_webhook' \
                     AND event_type = 'licence.created'"
                )
                .await,
                24
            );
            // Each order created its customer: the product is told of each once, apart.
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM outbox_events WHERE target = 'provisioning_webhook' \
                     AND event_type = 'customer.created' AND resource_kind = 'customer' \
                     AND ordering_key LIKE 'product:cus_%'"
                )
                .await,
                12
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM product_orders WHERE state = 'inProgress'"
                )
                .await,
                12
            );
            // The product answered every webhook 2xx: the workers complete each order once.
            sqlx::query(
                "UPDATE outbox_events SET state = 'delivered', delivered_at = updated_at \
                 WHERE target = 'provisioning_webhook'",
            )
            .execute(db.pool())
            .await
            .expect("delivered");
            let (a, b) = tokio::join!(resolve_answered(&db), resolve_answered(&db));
            assert_eq!(
                a.expect("pass") + b.expect("pass"),
                36,
                "each task resolved once, the customers' too"
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM product_orders WHERE state = 'completed'"
                )
                .await,
                12
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM outbox_events WHERE target = 'orange_product_order'"
                )
                .await,
                12,
                "one event to Orange per order"
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM licences WHERE state = 'active'").await,
                24
            );
            let tasks = of_work(&db, &Parent::Order(orders[0].as_str().into()))
                .await
                .expect("tasks");
            assert!(tasks.iter().all(|t| t.state == TaskState::Completed));
        });
    }

    #[tokio::test]
    async fn a_new_customer_is_announced_with_its_data_only_once_webhooks_are_in_use() {
        on_each_db!(|db| async move {
            let mut tx = db.begin_write().await.expect("tx");
            sqlx::query(
                "INSERT INTO customers (id, external_reference, name, legal_id, address_city, \
                 login_seq, login_stem, created_at, updated_at) \
                 VALUES ('cus_a', 'C-A', 'Acme', '123', 'Lyon', 0, 'acme', 'T', 'T')",
            )
            .execute(&mut *tx)
            .await
            .expect("customer");
            assert_eq!(
                announce_customer(&mut tx, "cus_a", None)
                    .await
                    .expect("pass"),
                None,
                "no offering has webhook provisioning: nothing to tell"
            );
            tx.commit().await.expect("commit");
            hooked_orders(&db, 1).await;
            let mut tx = db.begin_write().await.expect("tx");
            let task = announce_customer(&mut tx, "cus_a", Some("req-1"))
                .await
                .expect("pass")
                .expect("announced");
            tx.commit().await.expect("commit");
            let found = get(&db, task.as_str()).await.expect("read").expect("task");
            assert_eq!(
                (found.kind.as_str(), found.state, found.licence_id),
                ("customer.created", TaskState::Pending, None)
            );
            let payload: String = sqlx::query_scalar(
                "SELECT e.payload_json FROM outbox_events e \
                 JOIN provisioning_tasks p ON p.outbox_event_id = e.id WHERE p.id = $1",
            )
            .bind(&task)
            .fetch_one(db.pool())
            .await
            .expect("webhook");
            let body: serde_json::Value = serde_json::from_str(&payload).expect("json");
            assert_eq!(body["type"], "customer.created");
            assert_eq!(body["taskId"], task.as_str());
            assert_eq!(
                body["data"],
                serde_json::json!({
                    "id": "cus_a", "externalReference": "C-A", "name": "Acme", "legalId": "123",
                    "loginStem": "acme", "address": {"city": "Lyon"}, "createdAt": "T",
                })
            );
        });
    }

    #[tokio::test]
    async fn a_decision_by_hand_cancels_the_webhooks_not_yet_sent() {
        on_each_db!(|db| async move {
            let orders = hooked_orders(&db, 2).await;
            while completion::run_pending(&db).await.expect("pass") > 0 {}
            let states = |order: String| {
                let db = db.clone();
                async move {
                    sqlx::query_scalar::<_, String>(
                        "SELECT e.state FROM outbox_events e \
                         JOIN provisioning_tasks p ON p.outbox_event_id = e.id \
                         WHERE p.order_id = $1 ORDER BY e.id",
                    )
                    .bind(order)
                    .fetch_all(db.pool())
                    .await
                    .expect("states")
                }
            };
            assert_eq!(states(orders[0].clone()).await, ["pending", "pending"]);
            let olga = crate::operators::create(
                &db,
                &Acting::system(),
                crate::operators::NewOperator {
                    login: "olga".into(),
                    display_name: "Olga".into(),
                    role: crate::operators::Role::Operator,
                    password: crate::password::Secret::new("a good long password"),
                },
            )
            .await
            .expect("operator");
            let operator = Acting::alone(crate::audit::Actor::operator(olga.id.as_str(), "olga"));
            crate::stuck::fail_order(
                &db,
                &operator,
                &orders[0],
                ErrorCode::ServiceUnavailable,
                "No account",
            )
            .await
            .expect("failed by hand");
            assert_eq!(states(orders[0].clone()).await, ["cancelled", "cancelled"]);
            let reason: String = sqlx::query_scalar(
                "SELECT e.last_error FROM outbox_events e \
                 JOIN provisioning_tasks p ON p.outbox_event_id = e.id WHERE p.order_id = $1",
            )
            .bind(&orders[0])
            .fetch_one(db.pool())
            .await
            .expect("reason");
            assert!(reason.contains("olga decided the work by hand"), "{reason}");
            // The other order's webhooks and the customers' are untouched.
            assert_eq!(states(orders[1].clone()).await, ["pending", "pending"]);
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM outbox_events WHERE event_type = 'customer.created' \
                     AND state = 'pending'"
                )
                .await,
                2
            );
            // Completing by hand cancels them too.
            assert!(
                completion::complete_order(&db, Some(&operator), &orders[1].as_str().into())
                    .await
                    .expect("completed by hand")
            );
            assert_eq!(states(orders[1].clone()).await, ["cancelled", "cancelled"]);
        });
    }
}
