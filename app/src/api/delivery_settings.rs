//! The delivery settings page (administrators): where and how events go to Orange. The client
//! secret never leaves the server: the page only learns whether one is stored.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::DeliverySettingsView;

/// The current delivery settings, defaults included, without the client secret.
#[server(prefix = "/console/api", endpoint = "delivery-settings", input = GetUrl)]
pub async fn fetch_delivery_settings() -> Result<DeliverySettingsView, ConsoleError> {
    use fleetdesk_core::outbox::settings::{self, DEFAULT_RETRY_DELAYS};

    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = super::ssr::db()?;
    let current = settings::load(&db).await.map_err(super::ssr::internal)?;
    let list = |delays: &[u64]| {
        delays
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(DeliverySettingsView {
        configured: current.is_configured(),
        secret_set: !current.client_secret.is_empty(),
        retry_delays: list(&current.retry_delays_seconds),
        default_retry_delays: list(&DEFAULT_RETRY_DELAYS),
        product_order_url: current.product_order_url,
        user_service_url: current.user_service_url,
        token_url: current.token_url,
        client_id: current.client_id,
        scope: current.scope,
        timeout_seconds: current.timeout_seconds,
        paused: current.paused,
    })
}
