//! One licence fleet (a productRefId), for every signed-in operator: its customer, policy,
//! counts by state and by offering, and its licences newest first, paged by keyset.

use fleetdesk_vocab::FleetId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::FleetDetailView;

/// How many licences one page of a fleet shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

#[server(prefix = "/console/api", endpoint = "fleet", input = GetUrl)]
pub async fn fetch_fleet(
    id: FleetId,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<FleetDetailView, ConsoleError> {
    use fleetdesk_core::fleets;

    use crate::model::FleetLicenceView;

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let fleet = match fleets::detail(&db, &id).await {
        Ok(Some(fleet)) => fleet,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    let mut licences = fleets::licences(&db, &id, before_at.zip(before_id), PAGE_SIZE + 1)
        .await
        .map_err(super::ssr::internal)?;
    let older = super::ssr::keyset_page(&mut licences, PAGE_SIZE, |l| {
        (l.created_at.clone(), l.id.to_string())
    });
    Ok(FleetDetailView {
        total: fleet.by_state.iter().map(|(_, n)| n).sum(),
        id: fleet.id,
        customer_id: fleet.customer_id,
        customer_name: fleet.customer_name,
        policy: fleet.policy,
        offering: fleet.offering,
        created_by_order_id: fleet.created_by_order_id,
        created_at: fleet.created_at,
        by_state: fleet.by_state,
        by_offering: fleet.by_offering,
        licences: licences
            .into_iter()
            .map(|l| FleetLicenceView {
                id: l.id,
                state: l.state,
                login: l.login,
                offer_code: l.offer_code,
                created_at: l.created_at,
            })
            .collect(),
        older,
    })
}
