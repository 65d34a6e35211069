//! The changes the partner makes on its own initiative (contract section 6): assign, change or
//! remove the end user, replace a realizing resource, renew the login.
//!
//! Each change runs in one transaction with its audit entry and a
//! `userServiceAttributeValueChangeEvent` per licence it changed (the outbox), whatever the API's
//! sync/async setting: Orange has no other way to learn of them. Terminated licences and licences
//! with an asynchronous operation in progress are refused.

use fleetdesk_vocab::{CustomerId, EventId, LicenceId, ResourceId};
use fleetdesk_vocab::{EndUser, EndUserError, ResourceError, ResourceType, ResourceValue};
use sqlx::{AnyConnection, Row};

use super::{Acting, end_user_of};
use crate::audit;
use crate::clock;
use crate::db::{Db, DbError};
use crate::offerings::LoginFormat;
use crate::orange::user_service;
use crate::orders;
use crate::outbox::{self, OrangeEventType};

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
    pub licences: Vec<LicenceId>,
    pub events: Vec<EventId>,
    pub login: Option<String>,
}

/// What a change needs to know about the licence, read once it is taken.
struct Taken {
    customer_id: CustomerId,
    offer_code: String,
    login_format: String,
    login_stem: String,
    login: Option<String>,
    end_user: Option<EndUser>,
}

/// Takes the licence for a change: refuses terminated licences and those with an operation in
/// progress, and sets `updated_at`. The UPDATE checks and locks in one statement, so a concurrent
/// Orange operation either waits for this transaction or is seen.
async fn take(conn: &mut AnyConnection, id: &LicenceId, now: &str) -> Result<Taken, ChangeError> {
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
    licences: &[LicenceId],
    request_id: Option<&str>,
) -> Result<Vec<EventId>, DbError> {
    let mut events = Vec::with_capacity(licences.len());
    for id in licences {
        let licence = user_service::load(conn, id.as_str())
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

/// What one change wrote: the audit entry's action, what it says before and after (the events are
/// added to "after"), the licences changed, and the new login of a renewal.
struct Applied {
    action: &'static str,
    before: serde_json::Value,
    after: serde_json::Value,
    licences: Vec<LicenceId>,
    login: Option<String>,
}

/// Every change's one transaction: takes the licence, lets `write` change what it changes, then
/// queues each changed licence's event (and, for a licence of a webhook offering, the product's
/// webhook) and records the audit entry, all committed together.
async fn change(
    db: &Db,
    id: &LicenceId,
    acting: &Acting,
    write: impl AsyncFnOnce(&mut AnyConnection, Taken, &str) -> Result<Applied, ChangeError>,
) -> Result<Changed, ChangeError> {
    let mut tx = db.begin_write().await?;
    let now = clock::now_text();
    let taken = take(&mut tx, id, &now).await?;
    let Applied {
        action,
        before,
        mut after,
        licences,
        login,
    } = write(&mut tx, taken, &now).await?;
    let events = tell_orange(&mut tx, &licences, acting.request_id.as_deref()).await?;
    after["events"] = serde_json::json!(events);
    let webhook = match action {
        "licence.resource.replace" => "licence.realizing_resource_changed",
        "licence.login.renew" => "licence.login_renewed",
        _ => "licence.end_user_changed",
    };
    crate::provisioning::tasks::tell_product(
        &mut tx,
        webhook,
        &licences,
        acting.request_id.as_deref(),
    )
    .await?;
    audit::record(
        &mut *tx,
        &acting
            .entry(action, "licence", Some(id.as_str()))
            .before(before)
            .after(after),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(licence.id = %id, licences = licences.len(), action, "licence changed by an operator");
    Ok(Changed {
        licences,
        events,
        login,
    })
}

/// Assigns an end user to a licence, or changes its end user.
pub async fn set_end_user(
    db: &Db,
    id: &LicenceId,
    end_user: &EndUser,
    acting: &Acting,
) -> Result<Changed, ChangeError> {
    change(db, id, acting, async |conn, taken, _| {
        if taken.end_user.as_ref() == Some(end_user) {
            return Err(ChangeError::Unchanged);
        }
        let (cc, sn) = end_user
            .mobile()
            .map(|phone| (phone.cc(), phone.sn()))
            .unzip();
        sqlx::query(
            "UPDATE licences SET end_user_given_name = $2, end_user_family_name = $3, \
             end_user_email = $4, end_user_mobile_cc = $5, end_user_mobile_sn = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(end_user.given_name())
        .bind(end_user.family_name())
        .bind(end_user.email())
        .bind(cc)
        .bind(sn)
        .execute(&mut *conn)
        .await?;
        Ok(Applied {
            action: if taken.end_user.is_some() {
                "licence.end_user.change"
            } else {
                "licence.end_user.assign"
            },
            before: serde_json::json!({ "end_user": end_user_json(taken.end_user.as_ref()) }),
            after: serde_json::json!({ "end_user": end_user_json(Some(end_user)) }),
            licences: vec![id.clone()],
            login: None,
        })
    })
    .await
}

/// Removes a licence's end user.
pub async fn remove_end_user(
    db: &Db,
    id: &LicenceId,
    acting: &Acting,
) -> Result<Changed, ChangeError> {
    change(db, id, acting, async |conn, taken, _| {
        if taken.end_user.is_none() {
            return Err(ChangeError::NoEndUser);
        }
        sqlx::query(
            "UPDATE licences SET end_user_given_name = NULL, end_user_family_name = NULL, \
             end_user_email = NULL, end_user_mobile_cc = NULL, end_user_mobile_sn = NULL \
             WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(Applied {
            action: "licence.end_user.remove",
            before: serde_json::json!({ "end_user": end_user_json(taken.end_user.as_ref()) }),
            after: serde_json::json!({ "end_user": null }),
            licences: vec![id.clone()],
            login: None,
        })
    })
    .await
}

/// Replaces the value of one of the licence's realizing resources with a real one (checked for
/// its type). A shared (per-customer) resource changes for every licence it realizes: each one
/// still in service gets its own event.
pub async fn replace_resource(
    db: &Db,
    id: &LicenceId,
    resource_id: &ResourceId,
    value: &str,
    acting: &Acting,
) -> Result<Changed, ChangeError> {
    change(db, id, acting, async |conn, _, now| {
        let resource = sqlx::query(
            "SELECT r.id, r.scope, r.type, r.value, r.placeholder_since FROM realizing_resources r \
             WHERE r.id = $2 AND (r.licence_id = $1 OR EXISTS (SELECT 1 FROM \
             licence_realizing_resources x WHERE x.licence_id = $1 \
             AND x.realizing_resource_id = r.id))",
        )
        .bind(id)
        .bind(resource_id)
        .fetch_optional(&mut *conn)
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
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let licences = if scope == "per_customer" {
            let others: Vec<LicenceId> = sqlx::query_scalar(
                "SELECT l.id FROM licence_realizing_resources x \
                 JOIN licences l ON l.id = x.licence_id \
                 WHERE x.realizing_resource_id = $1 AND l.state <> 'terminated' \
                 ORDER BY l.created_at, l.id",
            )
            .bind(resource_id)
            .fetch_all(&mut *conn)
            .await?;
            for other in others.iter().filter(|other| *other != id) {
                sqlx::query("UPDATE licences SET updated_at = $2 WHERE id = $1")
                    .bind(other)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
            }
            others
        } else {
            vec![id.clone()]
        };
        Ok(Applied {
            action: "licence.resource.replace",
            before: serde_json::json!({
                "resource": resource_id, "type": kind.as_str(), "scope": scope,
                "value": old_value, "placeholder": placeholder_since.is_some(),
            }),
            after: serde_json::json!({
                "resource": resource_id, "type": kind.as_str(), "scope": scope,
                "value": parsed.as_str(), "placeholder": false, "licences": licences,
            }),
            licences,
            login: None,
        })
    })
    .await
}

/// Gives the licence a new login, made like the logins of new licences: the offering's login
/// format with the customer's login stem and the next number of the customer's counter.
pub async fn renew_login(db: &Db, id: &LicenceId, acting: &Acting) -> Result<Changed, ChangeError> {
    change(db, id, acting, async |conn, taken, now| {
        let format = LoginFormat::parse(&taken.login_format)
            .map_err(|e| DbError::Corrupt(format!("login format `{}`: {e}", taken.login_format)))?;
        let seq = orders::reserve_login_numbers(conn, taken.customer_id.as_str(), 1, now).await?;
        let login = format.render(
            &taken.login_stem,
            &taken.offer_code,
            u64::try_from(seq).unwrap_or_default(),
        );
        sqlx::query("UPDATE licences SET login = $2, login_created_at = $3 WHERE id = $1")
            .bind(id)
            .bind(&login)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(|e| DbError::on_conflict(e, "licence login"))?;
        Ok(Applied {
            action: "licence.login.renew",
            before: serde_json::json!({ "login": taken.login }),
            after: serde_json::json!({ "login": login }),
            licences: vec![id.clone()],
            login: Some(login),
        })
    })
    .await
}
