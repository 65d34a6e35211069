//! Values an operator enters when deciding an order by hand (approving it in the activation queue,
//! or completing it while it waits on the partner's product): the logins and realizing resource
//! values the product made, for the order's licences still waiting. They are applied in the
//! decision's transaction, before the order completes, so that Orange's event carries them; each
//! licence changed gets its own audit entry (`licence.values.by_hand`). A blank field keeps what
//! the licence has.

use std::collections::HashMap;

use fleetdesk_vocab::{LicenceId, OrderId, ResourceId, ResourceType, ResourceValue};
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Acting};
use crate::clock;
use crate::db::{Db, DbError, word};

/// The most licences the console's form offers values for; an order with more is completed
/// without values (and its licences changed one by one on their pages).
pub const FORM_LICENCES: i64 = 100;

/// One realizing resource of a waiting licence, as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillableResource {
    pub id: ResourceId,
    pub kind: ResourceType,
    pub value: String,
    pub placeholder: bool,
}

/// One licence of the order still waiting, with what the form may fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fillable {
    pub licence_id: LicenceId,
    pub offer_code: String,
    pub login: Option<String>,
    pub resources: Vec<FillableResource>,
}

/// What the operator entered for one licence (blank fields left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LicenceValues {
    pub login: Option<String>,
    pub resources: Vec<(ResourceId, String)>,
}

/// Why the values were refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ValuesError {
    #[error("{0} is not a licence of this order that is still waiting")]
    UnknownLicence(LicenceId),
    #[error("{resource} is not a realizing resource of {licence}")]
    UnknownResource {
        licence: LicenceId,
        resource: ResourceId,
    },
    #[error("{licence}: {message}")]
    InvalidLogin { licence: LicenceId, message: String },
    #[error("{licence}: the login {login} is already another licence's")]
    LoginTaken { licence: LicenceId, login: String },
    #[error("{licence}: {kind} {message}")]
    InvalidResource {
        licence: LicenceId,
        kind: ResourceType,
        message: String,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ValuesError {
    fn from(error: sqlx::Error) -> Self {
        ValuesError::Db(error.into())
    }
}

/// The order's licences still waiting (`pending`), oldest first, at most one more than
/// [`FORM_LICENCES`] (so that the form can say there are more), with their own realizing
/// resources.
pub async fn fillable(db: &Db, order: &OrderId) -> Result<Vec<Fillable>, DbError> {
    let licences = sqlx::query(
        "SELECT l.id, l.login, o.offer_code FROM licences l \
         JOIN product_order_items i ON i.id = l.order_item_id \
         JOIN offerings o ON o.id = l.offering_id \
         WHERE i.order_id = $1 AND l.state = 'pending' ORDER BY l.created_at, l.id LIMIT $2",
    )
    .bind(order)
    .bind(FORM_LICENCES + 1)
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    let mut found = Vec::with_capacity(licences.len());
    for row in &licences {
        let licence_id: LicenceId = row.try_get("id")?;
        let resources = resources_of(&mut conn, &licence_id).await?;
        found.push(Fillable {
            licence_id,
            offer_code: row.try_get("offer_code")?,
            login: row.try_get("login")?,
            resources,
        });
    }
    Ok(found)
}

async fn resources_of(
    conn: &mut AnyConnection,
    licence: &LicenceId,
) -> Result<Vec<FillableResource>, DbError> {
    // Its own resources only: a shared one realizes the customer's other licences too, whose
    // events this decision does not write; it is replaced on a licence's page, which tells Orange
    // of every licence it realizes.
    let rows = sqlx::query(
        "SELECT r.id, r.type, r.value, r.placeholder_since FROM realizing_resources r \
         WHERE r.licence_id = $1 ORDER BY r.created_at, r.id",
    )
    .bind(licence)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FillableResource {
                id: row.try_get("id")?,
                kind: word(row, "type")?,
                value: row.try_get("value")?,
                placeholder: row
                    .try_get::<Option<String>, _>("placeholder_since")?
                    .is_some(),
            })
        })
        .collect()
}

/// Applies the values to the order's waiting licences, in the caller's transaction; returns how
/// many licences changed. Every value is checked before anything is written.
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    acting: &Acting,
    order: &OrderId,
    values: &HashMap<LicenceId, LicenceValues>,
) -> Result<usize, ValuesError> {
    let now = clock::now_text();
    let mut planned = Vec::new();
    let mut ids: Vec<&LicenceId> = values.keys().collect();
    ids.sort();
    for licence in ids {
        let given = &values[licence];
        let waiting: Option<Option<String>> = sqlx::query_scalar(
            "SELECT l.login FROM licences l JOIN product_order_items i ON i.id = l.order_item_id \
             WHERE l.id = $1 AND i.order_id = $2 AND l.state = 'pending'",
        )
        .bind(licence)
        .bind(order)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(current_login) = waiting else {
            return Err(ValuesError::UnknownLicence(licence.clone()));
        };
        let login = match given.login.as_deref().map(str::trim) {
            Some(login) if Some(login) == current_login.as_deref() => None,
            Some(login) => {
                check_login(login).map_err(|message| ValuesError::InvalidLogin {
                    licence: licence.clone(),
                    message,
                })?;
                let taken: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM licences WHERE login = $1 AND id <> $2",
                )
                .bind(login)
                .bind(licence)
                .fetch_one(&mut *conn)
                .await?;
                if taken > 0 {
                    return Err(ValuesError::LoginTaken {
                        licence: licence.clone(),
                        login: login.to_owned(),
                    });
                }
                Some(login.to_owned())
            }
            None => None,
        };
        let own = resources_of(conn, licence).await?;
        let mut resources = Vec::new();
        for (resource, value) in &given.resources {
            let known = own.iter().find(|r| &r.id == resource).ok_or_else(|| {
                ValuesError::UnknownResource {
                    licence: licence.clone(),
                    resource: resource.clone(),
                }
            })?;
            let parsed = ResourceValue::parse(known.kind, value).map_err(|error| {
                ValuesError::InvalidResource {
                    licence: licence.clone(),
                    kind: known.kind,
                    message: error.to_string(),
                }
            })?;
            if parsed.as_str() != known.value || known.placeholder {
                resources.push((known.clone(), parsed.as_str().to_owned()));
            }
        }
        if login.is_some() || !resources.is_empty() {
            planned.push((licence, login, resources));
        }
    }
    for (licence, login, resources) in &planned {
        if let Some(login) = login {
            sqlx::query(
                "UPDATE licences SET login = $2, login_created_at = $3, updated_at = $3 \
                 WHERE id = $1",
            )
            .bind(*licence)
            .bind(login)
            .bind(&now)
            .execute(&mut *conn)
            .await?;
        }
        for (resource, value) in resources {
            sqlx::query(
                "UPDATE realizing_resources SET value = $2, placeholder_since = NULL, \
                 updated_at = $3 WHERE id = $1",
            )
            .bind(&resource.id)
            .bind(value)
            .bind(&now)
            .execute(&mut *conn)
            .await?;
        }
        let changed: Vec<serde_json::Value> = resources
            .iter()
            .map(|(resource, value)| {
                serde_json::json!({
                    "resource": resource.id, "type": resource.kind.as_str(),
                    "from": resource.value, "value": value,
                })
            })
            .collect();
        audit::record(
            &mut *conn,
            &acting
                .entry("licence.values.by_hand", "licence", Some(licence.as_str()))
                .after(serde_json::json!({
                    "order": order, "login": login, "resources": changed,
                })),
        )
        .await?;
    }
    Ok(planned.len())
}

/// The login rule the product's callback follows too: 1 to 128 printable characters.
fn check_login(login: &str) -> Result<(), String> {
    super::tasks::Completion {
        login: Some(login.to_owned()),
        realizing_resource: Vec::new(),
    }
    .check()
}
