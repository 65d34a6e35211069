//! Orders: what Orange orders (a customer, licences of offerings) and how Fleetdesk writes it: the
//! customer found or created, each item's fleet chosen by the fleet policy, its licences created
//! with their logins and placeholder realizing resources. The console reads them back in `read`.
//!
//! Reading Orange's productOrder into a `Planned` order and answering in Orange's shape is
//! `crate::orange::product_order`.

use fleetdesk_vocab::OrderItemId;
use fleetdesk_vocab::{CustomerId, OrderId};
use fleetdesk_vocab::{FleetPolicy, Mode, Operation};
use sqlx::AnyConnection;

use crate::audit::Acting;
use crate::db::{Batch, Later};
use crate::offerings::Offering;
use crate::orange::{Failure, wire};
use crate::{clock, ids};

mod creation;
mod customer;
mod fleet;
mod read;

use creation::create_licences;
pub(crate) use creation::reserve_login_numbers;
pub(crate) use customer::stem_of;
use customer::{Resolved, insert_contact, resolve_customer};
use fleet::choose_fleet;
pub use read::{
    DETAIL_LICENCES, LicenceLink, OrderDetail, OrderItem, OrderRow, detail, list, list_for_customer,
};

/// Whose order it is: a known customer, or one found or created by Orange's reference.
#[derive(Debug, Clone)]
pub(crate) enum CustomerPlan {
    /// `customer.id`: the partner's id of a known customer.
    ById(String),
    /// `customer.externalReference`: known, or created from the other fields.
    ByReference {
        reference: String,
        name: Option<String>,
        legal_id: Option<String>,
        address: Option<wire::Address>,
        characteristics: Vec<wire::Characteristic>,
    },
}

/// One item: licences of one offering, in a fleet named by Orange or chosen by the policy.
#[derive(Debug, Clone)]
pub(crate) struct PlannedItem {
    pub(crate) position: usize,
    pub(crate) orange_item_id: Option<String>,
    pub(crate) offering: Offering,
    pub(crate) offer_code: String,
    pub(crate) quantity: i64,
    pub(crate) requested_ref: Option<String>,
    pub(crate) characteristics: Vec<wire::Characteristic>,
}

/// An order checked against the request and the catalogue, ready to be written.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) external_reference: String,
    pub(crate) category: Option<String>,
    pub(crate) order_date: Option<String>,
    pub(crate) requested_start_date: Option<String>,
    pub(crate) customer: CustomerPlan,
    pub(crate) contacts: Vec<wire::RelatedContact>,
    pub(crate) items: Vec<PlannedItem>,
    pub(crate) notes: Vec<wire::Note>,
}

impl Planned {
    pub(crate) fn operation(&self) -> Operation {
        if self.items.is_empty() {
            Operation::CustomerCreation
        } else {
            Operation::LicenceOrder
        }
    }
}

/// What [`create`] wrote, enough for the order's answer without reading it back.
#[derive(Debug, Clone)]
pub(crate) struct Created {
    pub(crate) order_id: OrderId,
    pub(crate) customer_id: CustomerId,
    /// The customer's `externalReference` and name.
    pub(crate) customer_reference: String,
    pub(crate) customer_name: String,
    /// Whether the order created its customer.
    pub(crate) created_customer: bool,
    /// How many licences its items created.
    pub(crate) licences: i64,
    /// When it was written: the order's and its licences' times.
    pub(crate) at: String,
    /// Each item's fleet and licences, in the order of `Planned::items`.
    pub(crate) items: Vec<CreatedItem>,
    /// The order's stored answer (its status and body), given to the queued order with
    /// [`Batch::fill`] once known.
    pub(crate) answer: (Later, Later),
}

/// An item as [`create`] wrote it.
#[derive(Debug, Clone)]
pub(crate) struct CreatedItem {
    pub(crate) fleet_id: String,
    pub(crate) licences: Vec<wire::UserServiceSummary>,
}

/// What creating an order carries from item to item: the writes queued for it, and the fleets and
/// shared resources it chose or opened (an opened one is only queued, so the next items find it
/// here, not in the database).
pub(crate) struct Writes<'b> {
    batch: &'b mut Batch,
    fleets: fleet::Chosen,
    shared: creation::Shared,
}

/// Writes a planned order (the caller holds the transaction): its customer found or created with
/// the order's contacts, the order and its items, each item's licences in the fleet the policy
/// chooses. `mode` says whether the work is done at once or acknowledged and completed later;
/// `hash` and `request_json` are the request as received, kept for idempotency and support.
///
/// The customer and what the order must read are looked up at once; the order's own rows are
/// queued in `batch`, for the caller to send with what it adds (the order's answer, its audit
/// entry): see [`Batch`].
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, every value is needed"
)]
pub(crate) async fn create(
    conn: &mut AnyConnection,
    batch: &mut Batch,
    policy: FleetPolicy,
    mode: Mode,
    planned: &Planned,
    hash: &str,
    request_json: &str,
    acting: &Acting,
) -> Result<Created, Failure> {
    let now = clock::now_text();
    let licences: i64 = planned.items.iter().map(|item| item.quantity).sum();
    let Resolved {
        id: customer_id,
        reference: customer_reference,
        name: customer_name,
        stem,
        created: created_customer,
        first_login,
    } = resolve_customer(conn, &planned.customer, licences, &now).await?;
    let order_id = ids::new_id::<OrderId>();
    let mut writes = Writes {
        batch,
        fleets: fleet::Chosen::new(),
        shared: creation::Shared::new(),
    };
    let state = if mode == Mode::Sync {
        "completed"
    } else {
        "acknowledged"
    };
    let order_row = writes.batch.push(
        "INSERT INTO product_orders (id, external_reference, request_hash, customer_id, mode, \
         state, category, order_date, requested_start_date, completed_at, notes_json, \
         related_contacts_json, request_json, credential_id, request_id, created_at, \
         updated_at, response_status, response_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, \
         $18)",
    );
    order_row
        .bind(order_id.as_str())
        .bind(&planned.external_reference)
        .bind(hash)
        .bind(&customer_id)
        .bind(mode.as_str())
        .bind(state)
        .bind(planned.category.clone())
        .bind(planned.order_date.clone())
        .bind(planned.requested_start_date.clone())
        .bind((mode == Mode::Sync).then_some(now.as_str()))
        .bind(json_list(&planned.notes))
        .bind(json_list(&planned.contacts))
        .bind(request_json)
        .bind(acting.credential_id())
        .bind(acting.request_id.clone())
        .bind(&now);
    let answer = (
        order_row.bind_later(None::<i64>),
        order_row.bind_later(None::<String>),
    );

    for contact in &planned.contacts {
        insert_contact(writes.batch, &customer_id, order_id.as_str(), contact, &now);
    }

    // Each item's logins follow the previous item's.
    let mut licence_count = 0;
    let mut items = Vec::with_capacity(planned.items.len());
    for item in &planned.items {
        let fleet_id = choose_fleet(
            conn,
            &mut writes,
            policy,
            &customer_id,
            order_id.as_str(),
            item,
            &now,
        )
        .await?;
        let item_id = ids::new_id::<OrderItemId>();
        writes
            .batch
            .push(
                "INSERT INTO product_order_items (id, order_id, position, orange_item_id, \
                 action, offering_id, offer_code, quantity, requested_product_ref_id, fleet_id, \
                 characteristics_json, state, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'add', $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            )
            .bind(item_id.as_str())
            .bind(order_id.as_str())
            .bind(i64::try_from(item.position).unwrap_or(i64::MAX))
            .bind(item.orange_item_id.clone())
            .bind(item.offering.id.as_str())
            .bind(&item.offer_code)
            .bind(item.quantity)
            .bind(item.requested_ref.clone())
            .bind(&fleet_id)
            .bind(json_list(&item.characteristics))
            .bind(state)
            .bind(&now);
        let licences = create_licences(
            conn,
            &mut writes,
            &customer_id,
            &stem,
            &fleet_id,
            item_id.as_str(),
            item,
            first_login + licence_count,
            mode,
            &now,
        )
        .await?;
        licence_count += item.quantity;
        items.push(CreatedItem { fleet_id, licences });
    }
    Ok(Created {
        order_id,
        customer_id: CustomerId::from(customer_id),
        customer_reference,
        customer_name,
        created_customer,
        licences: licence_count,
        at: now,
        items,
        answer,
    })
}

/// A list kept as JSON text: `None` when there is nothing to keep.
pub(crate) fn json_list<T: serde::Serialize>(items: &[T]) -> Option<String> {
    if items.is_empty() {
        None
    } else {
        serde_json::to_string(items).ok()
    }
}

/// How an acknowledged order ends for its items and the licences it created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// Items `completed`, licences `active`.
    Completed,
    /// Items `failed`, licences `terminated`.
    Failed,
}

/// Ends the order's items and the licences they created that are still `pending`, as `ending`
/// says, in the caller's transaction ([`end_pending_items_of`] for one order).
pub(crate) async fn end_pending_items(
    tx: &mut AnyConnection,
    order_id: &str,
    ending: Ending,
    now: &str,
) -> Result<(), sqlx::Error> {
    end_pending_items_of(tx, &[order_id], ending, now).await?;
    Ok(())
}

/// Ends the items of several orders and the licences they created that are still `pending`, as
/// `ending` says, in the caller's transaction: on SQLite two statements for all of them, each
/// listing its keys; on PostgreSQL also one for the items and one for the licences (of up to
/// [`POSTGRES_PARTS`](crate::db::POSTGRES_PARTS) orders or items each), but with a lookup of one key per order and per item
/// ([`keys_per_lookup`](crate::db::keys_per_lookup)), each in a `WITH` part of its own.
/// Returns each item's order and quantity.
///
/// The licences are named by their items' ids, and the state is checked on those licences
/// themselves (`(state || '')`), never looked up in the state index. Written with the items in a
/// subquery instead, PostgreSQL planned it from statistics taken while the tables were
/// small: with a backlog of acknowledged orders it combined the state index (every pending
/// licence, and the entries of those completed since the last vacuum) with the item's, or scanned
/// every licence, and each completion took 20 to 180 ms (auto_explain during the order and
/// delivery benchmarks).
pub(crate) async fn end_pending_items_of(
    tx: &mut AnyConnection,
    order_ids: &[&str],
    ending: Ending,
    now: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (item_state, licences) = match ending {
        Ending::Completed => ("completed", "state = 'active'"),
        Ending::Failed => ("failed", "state = 'terminated', terminated_at = $1"),
    };
    let licences_sql = |items: &str| {
        format!(
            "UPDATE licences SET {licences}, {}, updated_at = $1 \
             WHERE order_item_id {items} AND (state || '') = 'pending'",
            crate::licences::end_pending!(),
        )
    };
    let postgres = tx.backend_name() == "PostgreSQL";
    // On PostgreSQL one key per lookup, but every order's and every item's lookup in one
    // statement: each `WITH` part is planned on its own, with its one key.
    let items_sql = |keys: usize| {
        if !postgres {
            return format!(
                "UPDATE product_order_items SET state = $2, updated_at = $1 WHERE order_id IN ({}) \
                 RETURNING id, order_id, quantity",
                crate::db::placeholders(3, keys)
            );
        }
        let parts: Vec<String> = (0..keys)
            .map(|n| {
                format!(
                    "u{n} AS (UPDATE product_order_items SET state = $2, updated_at = $1 \
                     WHERE order_id = ${} RETURNING id, order_id, quantity)",
                    n + 3
                )
            })
            .collect();
        let rows: Vec<String> = (0..keys)
            .map(|n| format!("SELECT id, order_id, quantity FROM u{n}"))
            .collect();
        format!("WITH {} {}", parts.join(", "), rows.join(" UNION ALL "))
    };
    let per_statement = if postgres {
        crate::db::POSTGRES_PARTS
    } else {
        crate::db::BATCH
    };
    let mut items: Vec<(String, String, i64)> = Vec::new();
    for chunk in order_ids.chunks(per_statement) {
        let sql = items_sql(chunk.len());
        let mut query = sqlx::query_as::<_, (String, String, i64)>(&sql)
            .bind(now)
            .bind(item_state);
        for id in chunk {
            query = query.bind(*id);
        }
        items.extend(query.fetch_all(&mut *tx).await?);
    }
    if postgres {
        let mut batch = Batch::default();
        for (item, _, _) in &items {
            batch.push(licences_sql("= $2")).bind(now).bind(item);
        }
        batch.run(tx).await?;
    } else {
        for chunk in items.chunks(crate::db::BATCH) {
            let sql = licences_sql(&format!("IN ({})", crate::db::placeholders(2, chunk.len())));
            let mut query = sqlx::query(&sql).bind(now);
            for (item, _, _) in chunk {
                query = query.bind(item);
            }
            query.execute(&mut *tx).await?;
        }
    }
    Ok(items
        .into_iter()
        .map(|(_, order, quantity)| (order, quantity))
        .collect())
}
