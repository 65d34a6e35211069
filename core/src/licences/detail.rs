//! One licence as the console shows it: its customer, offering and end user, its realizing
//! resources (its own and the customer's shared ones) and its timeline (audit entries and events,
//! newest first).

use fleetdesk_vocab::{
    CustomerId, FleetId, LicenceId, OfferingId, OrderId, OrderItemId, ResourceId, TaskId,
};
use fleetdesk_vocab::{EndUser, EventState, ResourceScope, ResourceType};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{ChangeError, LicenceState};
use crate::db::{Db, DbError, word};

/// A realizing resource of a licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDetail {
    pub id: ResourceId,
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
    /// `audit`, `event` or `provisioning` (a step of the partner's product: `what` is
    /// `provisioning.start:<webhook type>`, `provisioning.complete` or `provisioning.fail:<code>`,
    /// `actor` the operator who resolved it by hand, if one did).
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
    pub id: LicenceId,
    pub state: LicenceState,
    pub login: Option<String>,
    pub login_created_at: Option<String>,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub customer_ref: String,
    pub fleet_id: FleetId,
    pub offering_id: OfferingId,
    pub offer_code: String,
    pub offering_name: String,
    pub resource_type: ResourceType,
    pub end_user: Option<EndUser>,
    pub resources: Vec<ResourceDetail>,
    pub pending_operation: Option<String>,
    pub pending_task_id: Option<TaskId>,
    pub pending_since: Option<String>,
    pub order_item_id: Option<OrderItemId>,
    pub order_id: Option<OrderId>,
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

/// The end user in a row with the licence's `end_user_*` columns, checked again as it was when
/// written; `None` when the licence has none.
pub(crate) fn end_user_of(row: &AnyRow) -> Result<Option<EndUser>, sqlx::Error> {
    let given: Option<String> = row.try_get("end_user_given_name")?;
    let family: Option<String> = row.try_get("end_user_family_name")?;
    let email: Option<String> = row.try_get("end_user_email")?;
    let cc: Option<String> = row.try_get("end_user_mobile_cc")?;
    let sn: Option<String> = row.try_get("end_user_mobile_sn")?;
    if given.is_none() && family.is_none() && email.is_none() {
        return Ok(None);
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    EndUser::parse(
        &text(&given),
        &text(&family),
        &text(&email),
        &text(&cc),
        &text(&sn),
    )
    .map(Some)
    .map_err(|error| sqlx::Error::ColumnDecode {
        index: "end_user".to_owned(),
        source: Box::new(error),
    })
}

/// One licence with its resources and timeline; `None` when there is no such licence.
pub async fn detail(db: &Db, id: &LicenceId) -> Result<Option<LicenceDetail>, DbError> {
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
        timeline: timeline(db, id.as_str()).await?,
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
    // The provisioning steps: each task when it was sent to the product, and when and how it was
    // resolved (by the product, or by an operator by hand).
    let provisioning = sqlx::query(
        "SELECT p.id, p.kind, p.state, p.failure_code, p.created_at, p.resolved_at, \
         o.display_name FROM provisioning_tasks p LEFT JOIN operators o ON o.id = p.resolved_by \
         WHERE p.licence_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2",
    )
    .bind(id)
    .bind(TIMELINE_LIMIT)
    .fetch_all(db.pool())
    .await?;
    let mut entries = Vec::with_capacity(audits.len() + events.len() + 2 * provisioning.len());
    for row in &provisioning {
        let task: String = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        entries.push(TimelineEntry {
            at: row.try_get("created_at")?,
            source: "provisioning",
            id: task.clone(),
            what: format!("provisioning.start:{kind}"),
            actor: None,
            state: None,
        });
        let state: String = row.try_get("state")?;
        if let Some(at) = row.try_get::<Option<String>, _>("resolved_at")? {
            let code: Option<String> = row.try_get("failure_code")?;
            entries.push(TimelineEntry {
                at,
                source: "provisioning",
                id: task,
                what: match code {
                    Some(code) if state == "failed" => format!("provisioning.fail:{code}"),
                    _ => "provisioning.complete".to_owned(),
                },
                actor: row.try_get("display_name")?,
                state: None,
            });
        }
    }
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
