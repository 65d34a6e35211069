//! Reading customers for people (the console): a searched, sorted list paged by keyset in both
//! directions, the whole filtered set as CSV (streamed, never held in memory), and one customer
//! with its contacts, fleets, orders, notes and timeline.
//!
//! The list walks the index of its sort, `(name, id)` or `(created_at, id)`, and filters on the
//! way; the fleet and licence counts are read for the page's rows only.

use fleetdesk_vocab::NoteId;
use fleetdesk_vocab::{CustomerId, FleetId, OrderId};
use futures_util::Stream;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit;
use crate::csv_export::{self, Bind};
use crate::db::{Db, DbError};

/// How the list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Sort {
    /// By name, A to Z.
    #[default]
    Name,
    /// Newest first.
    Newest,
}

impl Sort {
    pub fn parse(text: &str) -> Option<Sort> {
        match text.trim() {
            "" | "name" => Some(Sort::Name),
            "newest" => Some(Sort::Newest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Newest => "newest",
        }
    }

    /// The sort key of a row, as the keyset compares it.
    fn key(self, row: &CustomerRow) -> String {
        match self {
            Sort::Name => row.name.clone(),
            Sort::Newest => row.created_at.clone(),
        }
    }
}

/// Which customers: `search` matches a customer id, Orange's reference or the legal id exactly,
/// or the start of the name (case-insensitive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    pub search: Option<String>,
    pub sort: Sort,
}

/// Where a page starts: the first page, or after / before a row's `(sort key, id)`, in the
/// order shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cursor {
    #[default]
    First,
    After(String, String),
    Before(String, String),
}

/// A customer as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRow {
    pub id: CustomerId,
    pub external_reference: String,
    pub name: String,
    pub legal_id: Option<String>,
    pub city: Option<String>,
    pub created_at: String,
    pub fleets: i64,
    pub licences: i64,
}

/// One page of the list, with the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    /// The cursor of the next page (`After`), when there is one.
    pub next: Option<(String, String)>,
    /// The cursor of the previous page (`Before`), when there is one.
    pub previous: Option<(String, String)>,
}

const LIST_COLUMNS: &str = "id, external_reference, name, legal_id, address_city, created_at";

/// `(search, its length in characters, its lower-case form)`: the filter's parameters.
fn search_params(filter: &CustomerFilter) -> (Option<String>, i32, String) {
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let length = search
        .as_deref()
        .map_or(0, |s| i32::try_from(s.chars().count()).unwrap_or(i32::MAX));
    let lower = search.as_deref().map(str::to_lowercase).unwrap_or_default();
    (search, length, lower)
}

/// `$1` the search, `$2` its length (a 32-bit integer: PostgreSQL's `substr` takes no other),
/// `$3` its lower-case form.
const FILTER: &str = "($1 IS NULL OR id = $1 OR external_reference = $1 OR legal_id = $1 \
     OR LOWER(SUBSTR(name, 1, $2)) = $3)";

fn list_row(row: &AnyRow) -> Result<CustomerRow, sqlx::Error> {
    Ok(CustomerRow {
        id: row.try_get("id")?,
        external_reference: row.try_get("external_reference")?,
        name: row.try_get("name")?,
        legal_id: row.try_get("legal_id")?,
        city: row.try_get("address_city")?,
        created_at: row.try_get("created_at")?,
        fleets: 0,
        licences: 0,
    })
}

/// The `WHERE` part and `ORDER BY` of a page, and whether its rows come in reverse.
fn page_sql(sort: Sort, cursor: &Cursor) -> (&'static str, &'static str, bool) {
    match (sort, cursor) {
        (Sort::Name, Cursor::First) => ("$4 = $4 AND $5 = $5", "name, id", false),
        (Sort::Name, Cursor::After(..)) => {
            ("(name > $4 OR (name = $4 AND id > $5))", "name, id", false)
        }
        (Sort::Name, Cursor::Before(..)) => (
            "(name < $4 OR (name = $4 AND id < $5))",
            "name DESC, id DESC",
            true,
        ),
        (Sort::Newest, Cursor::First) => ("$4 = $4 AND $5 = $5", "created_at DESC, id DESC", false),
        (Sort::Newest, Cursor::After(..)) => (
            "(created_at < $4 OR (created_at = $4 AND id < $5))",
            "created_at DESC, id DESC",
            false,
        ),
        (Sort::Newest, Cursor::Before(..)) => (
            "(created_at > $4 OR (created_at = $4 AND id > $5))",
            "created_at, id",
            true,
        ),
    }
}

/// One page of customers matching `filter`, `limit` at most, from `cursor`.
pub async fn list(
    db: &Db,
    filter: &CustomerFilter,
    cursor: &Cursor,
    limit: u32,
) -> Result<CustomerPage, DbError> {
    let (search, length, lower) = search_params(filter);
    let (keyset, order, reversed) = page_sql(filter.sort, cursor);
    let (key, id) = match cursor {
        Cursor::First => (String::new(), String::new()),
        Cursor::After(key, id) | Cursor::Before(key, id) => (key.clone(), id.clone()),
    };
    let found = sqlx::query(&format!(
        "SELECT {LIST_COLUMNS} FROM customers WHERE {FILTER} AND {keyset} ORDER BY {order} LIMIT $6"
    ))
    .bind(search)
    .bind(length)
    .bind(lower)
    .bind(key)
    .bind(id)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let mut rows = found.iter().map(list_row).collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if reversed {
        rows.reverse();
    }
    count_for(db, &mut rows).await?;
    let cursor_of =
        |row: Option<&CustomerRow>| row.map(|row| (filter.sort.key(row), row.id.to_string()));
    let (next, previous) = match cursor {
        Cursor::First => (more.then(|| cursor_of(rows.last())).flatten(), None),
        Cursor::After(..) => (
            more.then(|| cursor_of(rows.last())).flatten(),
            cursor_of(rows.first()),
        ),
        Cursor::Before(..) => (
            cursor_of(rows.last()),
            more.then(|| cursor_of(rows.first())).flatten(),
        ),
    };
    Ok(CustomerPage {
        rows,
        next,
        previous,
    })
}

/// Fills in the fleet and licence counts of `rows` (two grouped queries on indexed columns).
async fn count_for(db: &Db, rows: &mut [CustomerRow]) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let placeholders = (1..=rows.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    for table in ["fleets", "licences"] {
        let sql = format!(
            "SELECT customer_id, COUNT(*) AS n FROM {table} WHERE customer_id IN ({placeholders}) \
             GROUP BY customer_id"
        );
        let mut query = sqlx::query(&sql);
        for row in rows.iter() {
            query = query.bind(row.id.clone());
        }
        for counted in query.fetch_all(db.pool()).await? {
            let customer: String = counted.try_get("customer_id")?;
            let n: i64 = counted.try_get("n")?;
            if let Some(row) = rows.iter_mut().find(|r| r.id == customer) {
                if table == "fleets" {
                    row.fleets = n;
                } else {
                    row.licences = n;
                }
            }
        }
    }
    Ok(())
}

/// The CSV export's header.
pub const CSV_HEADER: [&str; 11] = [
    "id",
    "orange_reference",
    "name",
    "legal_id",
    "street",
    "postcode",
    "city",
    "country",
    "created_at",
    "fleets",
    "licences",
];

/// Every customer matching `filter`, in its order, as CSV (header first): read from a database
/// cursor and written as it goes, so memory stays flat whatever the number of customers. The
/// stream ends early with an error if the database fails.
pub fn export_csv(
    db: Db,
    filter: CustomerFilter,
) -> impl Stream<Item = Result<Vec<u8>, DbError>> + Send + 'static {
    let (search, length, lower) = search_params(&filter);
    let order = match filter.sort {
        Sort::Name => "name, id",
        Sort::Newest => "created_at DESC, id DESC",
    };
    let sql = format!(
        "SELECT id, external_reference, name, legal_id, address_street, address_postcode, \
         address_city, address_country, created_at, \
         (SELECT COUNT(*) FROM fleets f WHERE f.customer_id = customers.id) AS fleets, \
         (SELECT COUNT(*) FROM licences l WHERE l.customer_id = customers.id) AS licences \
         FROM customers WHERE {FILTER} ORDER BY {order}"
    );
    let binds = vec![
        Bind::Text(search),
        Bind::Int(length),
        Bind::Text(Some(lower)),
    ];
    csv_export::stream(db, sql, binds, &CSV_HEADER, csv_record)
}

fn csv_record(row: &AnyRow) -> Result<Vec<String>, DbError> {
    let text = |name: &str| -> Result<String, DbError> {
        Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
    };
    let fleets: i64 = row.try_get("fleets")?;
    let licences: i64 = row.try_get("licences")?;
    Ok(vec![
        text("id")?,
        text("external_reference")?,
        text("name")?,
        text("legal_id")?,
        text("address_street")?,
        text("address_postcode")?,
        text("address_city")?,
        text("address_country")?,
        text("created_at")?,
        fleets.to_string(),
        licences.to_string(),
    ])
}

/// A customer in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerDetail {
    pub id: CustomerId,
    pub external_reference: String,
    pub name: String,
    pub legal_id: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub login_stem: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub contacts: Vec<Contact>,
    pub fleets: Vec<FleetSummary>,
    /// The newest orders, at most [`DETAIL_ORDERS`].
    pub orders: Vec<crate::orders::OrderRow>,
    pub notes: Vec<Note>,
    /// The customer's audit entries, newest first.
    pub timeline: Vec<audit::Record>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub role: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    /// `+cc sn`.
    pub fixed: Option<String>,
    pub mobile: Option<String>,
    pub order_id: Option<OrderId>,
}

/// A fleet of a customer, with its licences counted by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetSummary {
    pub id: FleetId,
    pub policy: String,
    pub offering_name: Option<String>,
    pub created_at: String,
    /// `(state, count)`, states with no licence left out.
    pub by_state: Vec<(fleetdesk_vocab::LicenceState, i64)>,
}

/// An operator's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub author: String,
    pub body: String,
    pub created_at: String,
}

/// How many orders a customer's page shows.
pub const DETAIL_ORDERS: u32 = 20;
/// How many fleets a customer's page shows.
const DETAIL_FLEETS: i64 = 100;

/// One customer in full, or `None`.
pub async fn detail(db: &Db, id: &CustomerId) -> Result<Option<CustomerDetail>, DbError> {
    let found = sqlx::query(
        "SELECT id, external_reference, name, legal_id, address_street, address_postcode, \
         address_city, address_country, login_stem, created_at, updated_at \
         FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(found) = found else { return Ok(None) };

    let phone =
        |cc: Option<String>, sn: Option<String>| cc.zip(sn).map(|(cc, sn)| format!("+{cc} {sn}"));
    let contacts = sqlx::query(
        "SELECT role, given_name, family_name, email, fixed_cc, fixed_sn, mobile_cc, mobile_sn, \
         order_id FROM customer_contacts WHERE customer_id = $1 ORDER BY created_at, id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|c| {
        Ok(Contact {
            role: c.try_get("role")?,
            given_name: c.try_get("given_name")?,
            family_name: c.try_get("family_name")?,
            email: c.try_get("email")?,
            fixed: phone(c.try_get("fixed_cc")?, c.try_get("fixed_sn")?),
            mobile: phone(c.try_get("mobile_cc")?, c.try_get("mobile_sn")?),
            order_id: c.try_get("order_id")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let mut fleets = sqlx::query(
        "SELECT f.id, f.policy, o.name AS offering_name, f.created_at FROM fleets f \
         LEFT JOIN offerings o ON o.id = f.offering_id \
         WHERE f.customer_id = $1 ORDER BY f.created_at DESC, f.id DESC LIMIT $2",
    )
    .bind(id)
    .bind(DETAIL_FLEETS)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|f| {
        Ok(FleetSummary {
            id: f.try_get("id")?,
            policy: f.try_get("policy")?,
            offering_name: f.try_get("offering_name")?,
            created_at: f.try_get("created_at")?,
            by_state: Vec::new(),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let counted = sqlx::query(
        "SELECT fleet_id, state, COUNT(*) AS n FROM licences WHERE customer_id = $1 \
         GROUP BY fleet_id, state ORDER BY fleet_id, state",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for row in &counted {
        let fleet: String = row.try_get("fleet_id")?;
        if let Some(summary) = fleets.iter_mut().find(|f| f.id == fleet) {
            summary
                .by_state
                .push((crate::db::word(row, "state")?, row.try_get("n")?));
        }
    }

    let orders = crate::orders::list_for_customer(db, id, DETAIL_ORDERS).await?;
    let notes = sqlx::query(
        "SELECT o.display_name AS author, n.body, n.created_at FROM notes n \
         JOIN operators o ON o.id = n.author_id \
         WHERE n.object_type = 'customer' AND n.object_id = $1 ORDER BY n.created_at DESC, n.id DESC",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|n| {
        Ok(Note {
            author: n.try_get("author")?,
            body: n.try_get("body")?,
            created_at: n.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let timeline = audit::list(
        db,
        &audit::Filter {
            object_type: Some("customer".to_owned()),
            object_id: Some(id.to_string()),
            ..audit::Filter::default()
        },
        50,
    )
    .await?;

    Ok(Some(CustomerDetail {
        id: found.try_get("id")?,
        external_reference: found.try_get("external_reference")?,
        name: found.try_get("name")?,
        legal_id: found.try_get("legal_id")?,
        street: found.try_get("address_street")?,
        postcode: found.try_get("address_postcode")?,
        city: found.try_get("address_city")?,
        country: found.try_get("address_country")?,
        login_stem: found.try_get("login_stem")?,
        created_at: found.try_get("created_at")?,
        updated_at: found.try_get("updated_at")?,
        contacts,
        fleets,
        orders,
        notes,
        timeline,
    }))
}

/// The longest note kept, in characters.
pub const NOTE_MAX_CHARS: usize = 4000;

/// Adds an operator's note to a customer, audited in the same transaction. `Ok(false)` when there
/// is no such customer.
pub async fn add_note(
    db: &Db,
    customer_id: &CustomerId,
    author_id: &str,
    body: &str,
    acting: &audit::Acting,
) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(false);
    }
    let id = crate::ids::new_id::<NoteId>();
    sqlx::query(
        "INSERT INTO notes (id, object_type, object_id, author_id, body, created_at) \
         VALUES ($1, 'customer', $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(customer_id)
    .bind(author_id)
    .bind(body)
    .bind(crate::clock::now_text())
    .execute(&mut *tx)
    .await?;
    let entry = acting
        .entry("customer.note.add", "customer", Some(customer_id.as_str()))
        .after(serde_json::json!({ "note": id }));
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;
    use futures_util::StreamExt;

    async fn insert(db: &Db, id: &str, name: &str, created_at: &str) {
        sqlx::query(
            "INSERT INTO customers (id, external_reference, name, legal_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id)
        .bind(format!("REF-{id}"))
        .bind(name)
        .bind(format!("LEGAL-{id}"))
        .bind(created_at)
        .execute(db.pool())
        .await
        .expect("customer inserted");
    }

    fn names(page: &CustomerPage) -> Vec<&str> {
        page.rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[tokio::test]
    async fn pages_go_forward_and_back_in_either_order() {
        on_each_db!(|db| async move {
            for (n, name) in ["Delta", "alpha", "Charlie", "Bravo", "Echo"]
                .iter()
                .enumerate()
            {
                insert(
                    &db,
                    &format!("cus_{n}"),
                    name,
                    &format!("2026-01-0{}T00:00:00.000Z", n + 1),
                )
                .await;
            }
            let by_name = CustomerFilter::default();
            let first = list(&db, &by_name, &Cursor::First, 2).await.expect("page");
            // Text order: capitals first on both databases' byte-wise comparison of these names.
            assert_eq!(first.rows.len(), 2);
            assert!(first.previous.is_none());
            let (key, id) = first.next.clone().expect("a next page");
            let second = list(&db, &by_name, &Cursor::After(key, id), 2)
                .await
                .expect("page");
            assert_eq!(second.rows.len(), 2);
            let (key, id) = second.previous.clone().expect("a previous page");
            let back = list(&db, &by_name, &Cursor::Before(key, id), 2)
                .await
                .expect("page");
            assert_eq!(names(&back), names(&first));
            assert!(back.previous.is_none());

            let newest = CustomerFilter {
                sort: Sort::Newest,
                search: None,
            };
            let page = list(&db, &newest, &Cursor::First, 3).await.expect("page");
            assert_eq!(names(&page), ["Echo", "Bravo", "Charlie"]);
            let (key, id) = page.next.clone().expect("more");
            let rest = list(&db, &newest, &Cursor::After(key, id), 3)
                .await
                .expect("page");
            assert_eq!(names(&rest), ["alpha", "Delta"]);
            assert!(rest.next.is_none());

            let search = |s: &str| CustomerFilter {
                search: Some(s.to_owned()),
                sort: Sort::Name,
            };
            let found = list(&db, &search("ch"), &Cursor::First, 10)
                .await
                .expect("page");
            assert_eq!(names(&found), ["Charlie"]);
            for exact in ["cus_3", "REF-cus_3", "LEGAL-cus_3"] {
                let found = list(&db, &search(exact), &Cursor::First, 10)
                    .await
                    .expect("page");
                assert_eq!(names(&found), ["Bravo"], "{exact}");
            }
        })
    }

    #[tokio::test]
    async fn the_export_holds_every_matching_customer_quoted() {
        on_each_db!(|db| async move {
            insert(
                &db,
                "cus_a",
                "Dupont, \"Frères\" & Cie",
                "2026-01-01T00:00:00.000Z",
            )
            .await;
            for n in 0..450 {
                insert(
                    &db,
                    &format!("cus_z{n:03}"),
                    &format!("Zeta {n:03}"),
                    "2026-01-02T00:00:00.000Z",
                )
                .await;
            }
            let chunks: Vec<_> = export_csv(db.clone(), CustomerFilter::default())
                .collect()
                .await;
            let bytes: Vec<u8> = chunks
                .into_iter()
                .map(|c| c.expect("chunk"))
                .collect::<Vec<_>>()
                .concat();
            let text = String::from_utf8(bytes).expect("utf-8");
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[0], CSV_HEADER.join(","));
            assert_eq!(lines.len(), 452);
            assert!(
                lines[1]
                    .starts_with("cus_a,REF-cus_a,\"Dupont, \"\"Frères\"\" & Cie\",LEGAL-cus_a"),
                "{}",
                lines[1]
            );
            let only = CustomerFilter {
                search: Some("zeta 00".into()),
                sort: Sort::Newest,
            };
            let chunks: Vec<_> = export_csv(db.clone(), only).collect().await;
            let bytes: Vec<u8> = chunks
                .into_iter()
                .map(|c| c.expect("chunk"))
                .collect::<Vec<_>>()
                .concat();
            assert_eq!(String::from_utf8(bytes).expect("utf-8").lines().count(), 11);
        })
    }
}
