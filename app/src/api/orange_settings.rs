//! The Orange API settings page (administrators).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::ApiSettingsView;

/// The current settings, defaults included.
#[server(prefix = "/console/api", endpoint = "orange-settings", input = GetUrl)]
pub async fn fetch_orange_settings() -> Result<ApiSettingsView, ConsoleError> {
    use fleetdesk_core::orange::settings::{self, Operation};

    use crate::model::OperationMode;

    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = super::ssr::db()?;
    let current = settings::load(&db).await.map_err(super::ssr::internal)?;
    let retention = fleetdesk_core::retention::load(&db)
        .await
        .map_err(super::ssr::internal)?;
    let last_purge = fleetdesk_core::retention::last_purge(&db)
        .await
        .map_err(super::ssr::internal)?;
    Ok(ApiSettingsView {
        modes: Operation::ALL
            .into_iter()
            .map(|operation| OperationMode {
                operation,
                mode: current.mode(operation),
            })
            .collect(),
        fleet_policy: current.fleet_policy,
        exchange_retention_days: current.exchange_retention_days,
        attempt_retention_days: retention.attempt_days,
        audit_detail_retention_days: retention.audit_detail_days,
        last_purge: last_purge.map(|p| crate::model::PurgeView {
            at: p.at,
            exchanges: p.exchanges,
            attempts: p.attempts,
            audit_details: p.audit_details,
        }),
    })
}
