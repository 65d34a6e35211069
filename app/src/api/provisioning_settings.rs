//! The provisioning settings page (administrators): where webhooks to the partner's product go,
//! how long one may take, whether the product calls back, and whether a signing secret is set.
//! The secret itself reaches the page once only, in the answer to the rotation that made it.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::ProvisioningSettingsView;

/// The current webhook settings, without the secrets, and the secret generated just before.
#[server(prefix = "/console/api", endpoint = "provisioning-settings", input = GetUrl)]
pub async fn fetch_provisioning_settings() -> Result<ProvisioningSettingsView, ConsoleError> {
    use fleetdesk_core::provisioning::webhook::{self, MAX_OVERLAP_MINUTES};

    use crate::model::{GeneratedSecret, PublicOrigin};

    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = super::ssr::db()?;
    let current = webhook::load(&db).await.map_err(super::ssr::internal)?;
    let origin = use_context::<PublicOrigin>().ok_or(ConsoleError::Internal)?;
    let now = fleetdesk_core::clock::now_text();
    // Stored times are RFC 3339 in UTC, written alike: they compare as text.
    let overlap_runs = !current.previous_secret.is_empty() && current.previous_until > now;
    Ok(ProvisioningSettingsView {
        configured: current.is_configured(),
        secret_set: !current.secret.is_empty(),
        previous_until: overlap_runs.then_some(current.previous_until),
        callback_base: format!("{}/provisioning/v1", origin.0.trim_end_matches('/')),
        max_overlap_minutes: MAX_OVERLAP_MINUTES,
        url: current.url,
        timeout_seconds: current.timeout_seconds,
        await_callback: current.await_callback,
        generated: super::ssr::extension::<GeneratedSecret>(),
    })
}
