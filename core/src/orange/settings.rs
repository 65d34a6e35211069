//! The Orange API's settings, changed by an admin in the console: synchronous or asynchronous answer
//! per operation (contract section 2, last point), the fleet policy (section 4) and how long the raw
//! exchanges are kept (issue: "kept for a configurable time").

use serde::{Deserialize, Serialize};

use crate::db::{Db, DbError};
use crate::settings;

const KEY: &str = "orange_api";

pub use fleetdesk_vocab::Mode;

pub use fleetdesk_vocab::Operation;

pub use fleetdesk_vocab::FleetPolicy;

/// Every setting of the Orange API, with its default when never set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiSettings {
    pub customer_creation: Mode,
    pub licence_order: Mode,
    pub state_change: Mode,
    pub deletion: Mode,
    pub offering_change: Mode,
    pub fleet_policy: FleetPolicy,
    /// Days the raw Orange exchanges are kept (1 to 3650).
    pub exchange_retention_days: u32,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            customer_creation: Mode::Sync,
            licence_order: Mode::Sync,
            state_change: Mode::Sync,
            deletion: Mode::Sync,
            offering_change: Mode::Sync,
            fleet_policy: FleetPolicy::PerCustomer,
            exchange_retention_days: 30,
        }
    }
}

impl ApiSettings {
    pub fn mode(&self, operation: Operation) -> Mode {
        match operation {
            Operation::CustomerCreation => self.customer_creation,
            Operation::LicenceOrder => self.licence_order,
            Operation::StateChange => self.state_change,
            Operation::Deletion => self.deletion,
            Operation::OfferingChange => self.offering_change,
        }
    }

    pub fn set_mode(&mut self, operation: Operation, mode: Mode) {
        let slot = match operation {
            Operation::CustomerCreation => &mut self.customer_creation,
            Operation::LicenceOrder => &mut self.licence_order,
            Operation::StateChange => &mut self.state_change,
            Operation::Deletion => &mut self.deletion,
            Operation::OfferingChange => &mut self.offering_change,
        };
        *slot = mode;
    }

    /// Every operation in `mode`.
    pub fn set_every_mode(&mut self, mode: Mode) {
        for operation in Operation::ALL {
            self.set_mode(operation, mode);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("exchanges are kept 1 to 3650 days")]
    Retention,
    /// Operations made synchronous while offerings (their codes) wait for manual approval.
    #[error("these operations cannot be synchronous while offerings have manual provisioning")]
    ManualNeedsAsync {
        operations: Vec<Operation>,
        offerings: Vec<String>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The current settings (defaults for whatever was never set).
pub async fn load(db: &Db) -> Result<ApiSettings, DbError> {
    Ok(settings::get::<ApiSettings>(db, KEY)
        .await?
        .unwrap_or_default())
}

/// Stores new settings, audited in the same transaction; every instance reads them on its next
/// request.
pub async fn save(
    db: &Db,
    new: &ApiSettings,
    acting: &crate::audit::Acting,
) -> Result<(), SettingsError> {
    if !(1..=3650).contains(&new.exchange_retention_days) {
        return Err(SettingsError::Retention);
    }
    if let Some((operations, offerings)) = crate::provisioning::sync_refused(db, new).await? {
        return Err(SettingsError::ManualNeedsAsync {
            operations,
            offerings,
        });
    }
    let named = settings::Named {
        action: "orange_settings.update",
        object_id: "orange_api",
    };
    settings::set_audited(db, acting, KEY, named, new).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[tokio::test]
    async fn settings_default_to_synchronous_per_customer_and_round_trip() {
        on_each_db!(|db| async move {
            assert_eq!(load(&db).await.expect("load"), ApiSettings::default());
            let mut changed = ApiSettings::default();
            changed.set_mode(Operation::Deletion, Mode::Async);
            changed.fleet_policy = FleetPolicy::PerOffering;
            save(&db, &changed, &crate::audit::Acting::system())
                .await
                .expect("save");
            let read = load(&db).await.expect("load");
            assert_eq!(read.mode(Operation::Deletion), Mode::Async);
            assert_eq!(read.mode(Operation::LicenceOrder), Mode::Sync);
            assert_eq!(read.fleet_policy, FleetPolicy::PerOffering);
            changed.exchange_retention_days = 0;
            assert!(matches!(
                save(&db, &changed, &crate::audit::Acting::system()).await,
                Err(SettingsError::Retention)
            ));
        });
    }
}
