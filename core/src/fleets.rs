//! Reading a licence fleet (a productRefId) for people (the console): its customer and policy, its
//! licences counted by state and by offering, and its licences newest first, paged by keyset on
//! `(fleet_id, created_at, id)`.

use fleetdesk_vocab::LicenceState;
use fleetdesk_vocab::{CustomerId, FleetId, LicenceId, OrderId};
use serde::Serialize;
use sqlx::Row;

use crate::db::{Db, DbError, word};

/// A fleet's licence as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetLicence {
    pub id: LicenceId,
    pub state: LicenceState,
    pub login: Option<String>,
    pub offer_code: String,
    pub created_at: String,
}

/// A fleet with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetDetail {
    pub id: FleetId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub policy: String,
    /// The offering of a `perOffering` fleet.
    pub offering: Option<(String, String)>,
    pub created_by_order_id: Option<OrderId>,
    pub created_at: String,
    /// `(state, count)`, states with no licence left out.
    pub by_state: Vec<(LicenceState, i64)>,
    /// `(offer code, offering name, count)`.
    pub by_offering: Vec<(String, String, i64)>,
}

/// One fleet with its counts, or `None`.
pub async fn detail(db: &Db, id: &FleetId) -> Result<Option<FleetDetail>, DbError> {
    let found = sqlx::query(
        "SELECT f.id, f.customer_id, c.name AS customer_name, f.policy, o.offer_code, \
         o.name AS offering_name, f.created_by_order_id, f.created_at FROM fleets f \
         JOIN customers c ON c.id = f.customer_id LEFT JOIN offerings o ON o.id = f.offering_id \
         WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(found) = found else { return Ok(None) };
    let by_state = sqlx::query(
        "SELECT state, COUNT(*) AS n FROM licences WHERE fleet_id = $1 GROUP BY state ORDER BY state",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((word(r, "state")?, r.try_get("n")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let by_offering = sqlx::query(
        "SELECT o.offer_code, o.name, l.n FROM \
         (SELECT offering_id, COUNT(*) AS n FROM licences WHERE fleet_id = $1 GROUP BY offering_id) l \
         JOIN offerings o ON o.id = l.offering_id ORDER BY o.offer_code",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("offer_code")?, r.try_get("name")?, r.try_get("n")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let offer_code: Option<String> = found.try_get("offer_code")?;
    let offering_name: Option<String> = found.try_get("offering_name")?;
    Ok(Some(FleetDetail {
        id: found.try_get("id")?,
        customer_id: found.try_get("customer_id")?,
        customer_name: found.try_get("customer_name")?,
        policy: found.try_get("policy")?,
        offering: offer_code.zip(offering_name),
        created_by_order_id: found.try_get("created_by_order_id")?,
        created_at: found.try_get("created_at")?,
        by_state,
        by_offering,
    }))
}

/// The fleet's licences, newest first, older than the `(created_at, id)` cursor when given.
pub async fn licences(
    db: &Db,
    fleet_id: &FleetId,
    before: Option<(String, String)>,
    limit: u32,
) -> Result<Vec<FleetLicence>, DbError> {
    let (at, id) = crate::db::keyset_start(before);
    let older = crate::db::keyset_older("created_at", "id", "$2", "$3");
    let rows = sqlx::query(&format!(
        "SELECT l.id, l.state, l.login, o.offer_code, l.created_at FROM \
         (SELECT id, state, login, offering_id, created_at FROM licences WHERE fleet_id = $1 \
          AND {older} ORDER BY created_at DESC, id DESC LIMIT $4) l \
         JOIN offerings o ON o.id = l.offering_id ORDER BY l.created_at DESC, l.id DESC",
    ))
    .bind(fleet_id)
    .bind(at)
    .bind(id)
    .bind(i64::from(limit))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|l| {
            Ok(FleetLicence {
                id: l.try_get("id")?,
                state: word(l, "state")?,
                login: l.try_get("login")?,
                offer_code: l.try_get("offer_code")?,
                created_at: l.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}
