//! `GET /userService?productRefId=`: a fleet's licences, filtered by state and paged, or the whole
//! fleet streamed from the database as it is sent.

use fleetdesk_vocab::FleetId;
use futures_util::{Stream, StreamExt};

use super::read::{Folder, RESOURCE_JOINS, row_column};
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

    /// The state condition on `licences l`, with the state (or nothing) as `$2`.
    fn state_filter(&self) -> &'static str {
        if self.state.is_some() {
            "l.state = $2"
        } else {
            "l.state <> 'terminated' AND $2 = $2"
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
pub async fn count_fleet(db: &Db, query: &FleetQuery) -> Result<FleetCounts, ApiError> {
    let fleet: Option<FleetId> = sqlx::query_scalar("SELECT id FROM fleets WHERE id = $1")
        .bind(&query.product_ref_id)
        .fetch_optional(db.pool())
        .await?;
    if fleet.is_none() {
        return Err(ApiError::new(
            ErrorCode::UnknownProductRef,
            format!("no fleet with productRefId {}", query.product_ref_id),
        ));
    }
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM licences l WHERE l.fleet_id = $1 AND {}",
        query.state_filter()
    ))
    .bind(&query.product_ref_id)
    .bind(query.state_value())
    .fetch_one(db.pool())
    .await?;
    let total = u64::try_from(total).unwrap_or(0);
    let after_offset = total.saturating_sub(query.offset);
    let result = query.limit.map_or(after_offset, |l| l.min(after_offset));
    Ok(FleetCounts { total, result })
}

/// How many licences travel together from the database reader to the answer: the channel and the
/// HTTP body see a few pieces of some 90 KB rather than a piece per licence, and at most a few
/// batches wait in memory whatever the fleet's size.
pub const FLEET_BATCH: usize = 128;

/// The statement that reads a fleet's rows (one per licence and resource) in creation order, with
/// its text arguments in order.
struct FleetSql {
    sql: String,
    arguments: Vec<String>,
}

impl FleetSql {
    fn fetch<'e>(
        &'e self,
        db: &'e Db,
    ) -> impl Stream<Item = Result<sqlx::any::AnyRow, sqlx::Error>> + Send + 'e {
        self.arguments
            .iter()
            .fold(sqlx::query(&self.sql), |query, argument| {
                query.bind(argument)
            })
            .fetch(db.pool())
    }
}

/// The `(created_at, id)` of the licence at `position` in the query's order, if there is one.
async fn key_at(
    db: &Db,
    query: &FleetQuery,
    position: u64,
) -> Result<Option<(String, String)>, DbError> {
    let row: Option<(String, String)> = sqlx::query_as(&format!(
        "SELECT l.created_at, l.id FROM licences l WHERE l.fleet_id = $1 AND {} \
         ORDER BY l.created_at, l.id LIMIT 1 OFFSET $3",
        query.state_filter()
    ))
    .bind(&query.product_ref_id)
    .bind(query.state_value())
    .bind(i64::try_from(position).unwrap_or(i64::MAX))
    .fetch_optional(db.pool())
    .await?;
    Ok(row)
}

/// The statement for the query's licences, or `None` when its offset is past the end.
///
/// The licences are read straight from the `(fleet_id, created_at, id)` index (or the one with
/// `state` for a state filter), so both databases return them in order as they go, without
/// sorting the fleet first. `offset` and `limit` become a range of `(created_at, id)` keys, looked
/// up beforehand: a `LIMIT` inside the join would make SQLite read and sort the whole page before
/// the first row comes out.
async fn fleet_sql(db: &Db, query: &FleetQuery) -> Result<Option<FleetSql>, DbError> {
    let mut arguments = vec![
        query.product_ref_id.to_string(),
        query.state_value().to_owned(),
    ];
    let mut range = String::new();
    let mut bound = |op: &str, (created_at, id): (String, String)| {
        let n = arguments.len();
        range.push_str(&format!(
            " AND (l.created_at, l.id) {op} (${}, ${})",
            n + 1,
            n + 2
        ));
        arguments.extend([created_at, id]);
    };
    if query.offset > 0 {
        match key_at(db, query, query.offset).await? {
            Some(first) => bound(">=", first),
            None => return Ok(None),
        }
    }
    if let Some(limit) = query.limit
        && let Some(after_last) = key_at(db, query, query.offset.saturating_add(limit)).await?
    {
        bound("<", after_last);
    }
    let sql = format!(
        "SELECT {} FROM licences l \
         JOIN customers c ON c.id = l.customer_id JOIN offerings o ON o.id = l.offering_id \
         {RESOURCE_JOINS} WHERE l.fleet_id = $1 AND {}{range} \
         ORDER BY l.created_at, l.id, r.type, s.type",
        row_column(db.dialect()),
        query.state_filter()
    );
    Ok(Some(FleetSql { sql, arguments }))
}

/// The fleet's licences in creation order, in batches of up to [`FLEET_BATCH`], read from the
/// database as they are sent: memory stays flat whatever the fleet's size. The stream ends early
/// with an error if the database fails.
pub fn stream_fleet(
    db: Db,
    query: FleetQuery,
) -> impl Stream<Item = Result<Vec<wire::UserService>, DbError>> + Send + 'static {
    let (sender, receiver) =
        tokio::sync::mpsc::channel::<Result<Vec<wire::UserService>, DbError>>(4);
    tokio::spawn(async move {
        if let Err(error) = send_fleet(&db, &query, &sender).await {
            let _ = sender.send(Err(error)).await;
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

type BatchSender = tokio::sync::mpsc::Sender<Result<Vec<wire::UserService>, DbError>>;

async fn send_fleet(db: &Db, query: &FleetQuery, sender: &BatchSender) -> Result<(), DbError> {
    let Some(statement) = fleet_sql(db, query).await? else {
        return Ok(());
    };
    let mut rows = statement.fetch(db);
    let mut folder = Folder::default();
    let mut batch = Vec::with_capacity(FLEET_BATCH);
    while let Some(row) = rows.next().await {
        if let Some(licence) = folder.push(&row?)? {
            batch.push(licence);
            if batch.len() == FLEET_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(FLEET_BATCH));
                if sender.send(Ok(full)).await.is_err() {
                    return Ok(()); // the client went away
                }
            }
        }
    }
    batch.extend(folder.finish());
    if !batch.is_empty() {
        let _ = sender.send(Ok(batch)).await;
    }
    Ok(())
}

/// Reads the rows a consultation of `query` would send and drops them, returning how many there
/// were: what the database and its driver alone take, the ceiling `scripts/bench-fleet` compares
/// the HTTP answer with.
pub async fn read_fleet_rows(db: &Db, query: &FleetQuery) -> Result<u64, DbError> {
    let Some(statement) = fleet_sql(db, query).await? else {
        return Ok(0);
    };
    let mut rows = statement.fetch(db);
    let mut count = 0;
    while let Some(row) = rows.next().await {
        drop(row?);
        count += 1;
    }
    Ok(count)
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

    /// A fleet of licences with their own MSISDN (`PRO`) and with the customer's shared URL
    /// (`SPACE`), some with end users and characteristics, some terminated: each shape of rows the
    /// consultation folds, over more than two batches.
    async fn mixed_fleet(db: &Db) -> FleetId {
        crate::testing::pro_offering(db).await;
        crate::offerings::create(
            db,
            &crate::audit::Acting::system(),
            &crate::offerings::OfferingInput {
                offer_code: "SPACE".into(),
                name: "Space".into(),
                resource_type: "url".into(),
                resource_scope: "per_customer".into(),
                login_format: String::new(),
                provisioning: String::new(),
            },
        )
        .await
        .expect("offering");
        let body = serde_json::json!({
            "externalReference": {"type": "orange", "id": "O-FLEET"},
            "customer": {"externalReference": {"type": "orange", "id": "C-FLEET"}, "name": "Acme"},
            "orderItem": [
                {"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                 "productRef": {"userServiceQuantity": 170}},
                {"productOffering": {"externalReference": {"type": "orange", "id": "SPACE"}},
                 "productRef": {"userServiceQuantity": 130}}
            ]
        })
        .to_string();
        let request: wire::ProductOrderRequest = wire::read_body(body.as_bytes()).expect("valid");
        crate::orange::product_order::place(
            db,
            &crate::orange::settings::ApiSettings::default(),
            &request,
            body.as_bytes(),
            &crate::testing::orange(),
        )
        .await
        .expect("ordered");
        let fleet: String = sqlx::query_scalar("SELECT id FROM fleets")
            .fetch_one(db.pool())
            .await
            .expect("one fleet");
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM licences ORDER BY created_at, id")
                .fetch_all(db.pool())
                .await
                .expect("licences");
        for (n, id) in ids.iter().enumerate() {
            let sql = match n % 5 {
                0 => {
                    "UPDATE licences SET end_user_given_name = 'Ana', end_user_family_name = 'Lima', \
                      end_user_email = 'ana@example.invalid', end_user_mobile_cc = '33', \
                      end_user_mobile_sn = '639980012', \
                      characteristics_json = '[{\"name\":\"seat\",\"value\":\"12\"}]' WHERE id = $1"
                }
                1 => "UPDATE licences SET end_user_family_name = 'Roy' WHERE id = $1",
                2 if n % 3 == 0 => {
                    "UPDATE licences SET state = 'terminated', terminated_at = updated_at WHERE id = $1"
                }
                3 => "UPDATE licences SET state = 'suspended' WHERE id = $1",
                _ => continue,
            };
            sqlx::query(sql)
                .bind(id)
                .execute(db.pool())
                .await
                .expect("licence changed");
        }
        FleetId::from(fleet)
    }

    /// What the query should list, read one licence at a time as `GET /userService/{id}` does.
    async fn expected(db: &Db, query: &FleetQuery) -> Vec<serde_json::Value> {
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT l.id FROM licences l WHERE l.fleet_id = $1 AND {} ORDER BY l.created_at, l.id",
            query.state_filter()
        ))
        .bind(&query.product_ref_id)
        .bind(query.state_value())
        .fetch_all(db.pool())
        .await
        .expect("ids");
        let mut conn = db.pool().acquire().await.expect("connection");
        let mut licences = Vec::new();
        for id in ids
            .iter()
            .skip(usize::try_from(query.offset).expect("small"))
            .take(
                query
                    .limit
                    .map_or(usize::MAX, |l| usize::try_from(l).expect("small")),
            )
        {
            let licence = super::super::read::load(&mut conn, id)
                .await
                .expect("read")
                .expect("found");
            licences.push(serde_json::to_value(licence).expect("json"));
        }
        licences
    }

    #[tokio::test]
    async fn a_streamed_fleet_lists_each_licence_as_it_reads_alone_in_order_and_pages() {
        crate::on_each_db!(|db| async move {
            let fleet = mixed_fleet(&db).await;
            let ask = |state, offset, limit| FleetQuery {
                product_ref_id: fleet.clone(),
                state,
                offset,
                limit,
            };
            for query in [
                ask(None, 0, None),
                ask(None, 5, None),
                ask(None, 120, Some(140)),
                ask(None, 0, Some(1)),
                ask(None, 279, Some(10_000)),
                ask(None, 1_000, None),
                ask(Some(LicenceState::Terminated), 0, None),
                ask(Some(LicenceState::Suspended), 2, Some(3)),
                ask(Some(LicenceState::Active), 150, None),
            ] {
                let batches: Vec<Vec<wire::UserService>> = stream_fleet(db.clone(), query.clone())
                    .map(|batch| batch.expect("read"))
                    .collect()
                    .await;
                let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
                assert!(
                    sizes.iter().rev().skip(1).all(|&n| n == FLEET_BATCH)
                        && sizes.last().is_none_or(|&n| (1..=FLEET_BATCH).contains(&n)),
                    "full batches but the last: {sizes:?}"
                );
                let listed: Vec<serde_json::Value> = batches
                    .into_iter()
                    .flatten()
                    .map(|licence| serde_json::to_value(licence).expect("json"))
                    .collect();
                let expected = expected(&db, &query).await;
                assert_eq!(listed, expected, "{query:?}");
                let counts = count_fleet(&db, &query).await.expect("counted");
                assert_eq!(counts.result, listed.len() as u64, "{query:?}");
                assert_eq!(
                    read_fleet_rows(&db, &query).await.expect("rows"),
                    // One row per licence: each has one resource, its own or the shared one.
                    listed.len() as u64,
                    "{query:?}"
                );
            }
            let whole = expected(&db, &ask(None, 0, None)).await;
            assert!(whole.len() > 2 * FLEET_BATCH, "{}", whole.len());
            for shape in ["endUser", "characteristic", "realizingResource"] {
                assert!(whole.iter().any(|l| l.get(shape).is_some()), "{shape}");
            }
        });
    }
}
