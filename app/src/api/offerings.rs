//! The offering catalogue: the list (every signed-in operator) and one offering for its edit form
//! (administrators).

use fleetdesk_vocab::OfferingId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{OfferingView, OfferingsPage};

/// The whole catalogue, active offerings first.
#[server(prefix = "/console/api", endpoint = "offerings", input = GetUrl)]
pub async fn fetch_offerings() -> Result<OfferingsPage, ConsoleError> {
    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let all = fleetdesk_core::offerings::list(&db)
        .await
        .map_err(super::ssr::internal)?;
    Ok(OfferingsPage {
        offerings: all.iter().map(ssr::view_of).collect(),
        can_change: fleetdesk_core::access::Permission::Administer.allows(operator.role),
    })
}

/// One offering, for its edit form.
#[server(prefix = "/console/api", endpoint = "offering", input = GetUrl)]
pub async fn fetch_offering(id: OfferingId) -> Result<OfferingView, ConsoleError> {
    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = super::ssr::db()?;
    match fleetdesk_core::offerings::find_by_id(&db, &id).await {
        Ok(Some(offering)) => Ok(ssr::view_of(&offering)),
        Ok(None) => Err(ConsoleError::NotFound),
        Err(error) => Err(super::ssr::internal(error)),
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use fleetdesk_core::offerings::Offering;

    use crate::model::OfferingView;

    pub fn view_of(offering: &Offering) -> OfferingView {
        OfferingView {
            id: offering.id.clone(),
            offer_code: offering.offer_code.clone(),
            name: offering.name.clone(),
            resource_type: offering.resource_type,
            resource_scope: offering.resource_scope,
            login_format: offering.login_format.as_str().to_owned(),
            provisioning: offering.provisioning,
            active: offering.is_active(),
            updated_at: offering.updated_at.clone(),
        }
    }
}
