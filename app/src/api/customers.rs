//! Customers, for every signed-in operator: the searched and sorted list paged by keyset both
//! ways, and one customer with its contacts, fleets, orders, notes and timeline. The CSV export is
//! a plain GET handler (`server/src/http/customers.rs`).

use fleetdesk_vocab::CustomerId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{CustomerDetailView, CustomersPage};

/// How many customers one page of the list shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

/// Customers matching `q`, sorted by `sort`, after or before a `(key, id)` cursor.
#[server(prefix = "/console/api", endpoint = "customers", input = GetUrl)]
pub async fn fetch_customers(
    q: String,
    sort: String,
    after_key: Option<String>,
    after_id: Option<String>,
    before_key: Option<String>,
    before_id: Option<String>,
) -> Result<CustomersPage, ConsoleError> {
    use fleetdesk_core::customers::{self, Cursor};

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let Some(filter) = core_filter(&q, &sort) else {
        return Ok(CustomersPage {
            rows: Vec::new(),
            next: None,
            previous: None,
            filter_error: Some(format!("“{sort}” is not a sort order.")),
        });
    };
    let cursor = match (after_key.zip(after_id), before_key.zip(before_id)) {
        (Some((key, id)), _) => Cursor::After(key, id),
        (None, Some((key, id))) => Cursor::Before(key, id),
        (None, None) => Cursor::First,
    };
    let page = customers::list(&db, &filter, &cursor, PAGE_SIZE)
        .await
        .map_err(super::ssr::internal)?;
    Ok(CustomersPage {
        rows: page
            .rows
            .into_iter()
            .map(|row| crate::model::CustomerRowView {
                id: row.id,
                external_reference: row.external_reference,
                name: row.name,
                legal_id: row.legal_id,
                city: row.city,
                created_at: row.created_at,
                fleets: row.fleets,
                licences: row.licences,
            })
            .collect(),
        next: page.next,
        previous: page.previous,
        filter_error: None,
    })
}

/// The storage filter for the address's `q` and `sort`, or `None` for an unknown sort.
#[cfg(feature = "ssr")]
pub fn core_filter(q: &str, sort: &str) -> Option<fleetdesk_core::customers::CustomerFilter> {
    use fleetdesk_core::customers::{CustomerFilter, Sort};
    Some(CustomerFilter {
        search: Some(q.trim().to_owned()).filter(|q| !q.is_empty()),
        sort: Sort::parse(sort)?,
    })
}

/// One customer in full.
#[server(prefix = "/console/api", endpoint = "customer", input = GetUrl)]
pub async fn fetch_customer(id: CustomerId) -> Result<CustomerDetailView, ConsoleError> {
    use crate::model::{ContactView, FleetSummaryView, NoteView};

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let customer = match fleetdesk_core::customers::detail(&db, &id).await {
        Ok(Some(customer)) => customer,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    let town = [customer.postcode.clone(), customer.city.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let address = [
        customer.street.clone(),
        Some(town).filter(|t| !t.is_empty()),
        customer.country.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(CustomerDetailView {
        id: customer.id,
        external_reference: customer.external_reference,
        name: customer.name,
        legal_id: customer.legal_id,
        address,
        login_stem: customer.login_stem,
        created_at: customer.created_at,
        updated_at: customer.updated_at,
        contacts: customer
            .contacts
            .into_iter()
            .map(|c| ContactView {
                role: c.role,
                name: [c.given_name, c.family_name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                email: c.email,
                fixed: c.fixed,
                mobile: c.mobile,
            })
            .collect(),
        fleets: customer
            .fleets
            .into_iter()
            .map(|f| FleetSummaryView {
                id: f.id,
                policy: f.policy,
                offering_name: f.offering_name,
                created_at: f.created_at,
                by_state: f.by_state,
            })
            .collect(),
        orders: customer
            .orders
            .into_iter()
            .map(super::orders::ssr::order_view)
            .collect(),
        notes: customer
            .notes
            .into_iter()
            .map(|n| NoteView {
                author: n.author,
                body: n.body,
                created_at: n.created_at,
            })
            .collect(),
        timeline: customer
            .timeline
            .into_iter()
            .map(super::ssr::activity_of)
            .collect(),
    })
}
