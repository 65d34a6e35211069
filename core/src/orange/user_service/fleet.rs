//! `GET /userService?productRefId=`: a fleet's licences, filtered by state and paged, or the whole
//! fleet streamed from the database as it is sent.

use fleetdesk_vocab::{CustomerId, FleetId};
use futures_util::{Stream, StreamExt};

use super::read::{Folder, LICENCE_COLUMNS, RESOURCE_COLUMNS, RESOURCE_JOINS};
use crate::db::{Db, DbError};
use crate::licences::LicenceState;
use crate::orange::{ApiError, ErrorCode, wire};

/// The largest page `GET /userService?limit=` may ask for. Without `limit` the whole fleet is
/// streamed; a page is built in memory, so its size has a ceiling.
pub const MAX_PAGE_LIMIT: u64 = 10_000;

/// Which part of a fleet Orange asks for.
#[derive(Debug, Clone)]
pub struct FleetQuery {
    pub product_ref_id: FleetId,
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
            product_ref_id: FleetId::from(product_ref_id),
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
pub async fn count_fleet(
    db: &Db,
    query: &FleetQuery,
) -> Result<(CustomerId, FleetCounts), ApiError> {
    let customer: Option<CustomerId> =
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
    customer_id: CustomerId,
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
        let mut folder = Folder::default();
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

#[cfg(test)]
mod tests {
    use super::*;

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
