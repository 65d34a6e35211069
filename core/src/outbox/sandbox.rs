//! The delivery sandbox: while it is on, events go to a sink built into Fleetdesk (served under
//! `/sandbox` on its own address) instead of Orange, so an administrator can try the asynchronous
//! operations, and the console's self-test can check their events, without Orange.
//!
//! Switching it on puts the delivery settings in use aside (as stored, the client secret still
//! sealed) and points delivery at the sink with a fresh client secret and a short retry schedule;
//! switching it off puts them back. Both are one transaction with their audit entry. Events
//! delivered while it is on went to the sink, not to Orange: they are not sent again.

use serde::{Deserialize, Serialize};

use crate::audit::Acting;
use crate::clock;
use crate::db::{Db, DbError};
use crate::settings;

use super::settings::{self as delivery, DeliverySettings, SettingsError};

const KEY: &str = "delivery_sandbox";

/// The OAuth client id the sandbox's sink accepts.
pub const CLIENT_ID: &str = "fleetdesk-sandbox";

/// Retries come quickly in the sandbox: nobody waits half a minute to see one.
pub const RETRY_DELAYS: [u64; 6] = [2, 5, 15, 60, 300, 900];

/// Whether the sandbox is on, since when and by whom, and what it put aside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sandbox {
    pub on: bool,
    /// When it was switched on.
    pub since: String,
    /// Who switched it on (the operator's login).
    pub by: String,
    /// The delivery settings in use before, as stored (client secret sealed).
    pub saved: Option<DeliverySettings>,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("the sandbox is already on")]
    AlreadyOn,
    #[error("the sandbox is not on")]
    NotOn,
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SandboxError {
    fn from(error: sqlx::Error) -> Self {
        SandboxError::Db(error.into())
    }
}

/// The sandbox's state (off when never switched on).
pub async fn state(db: &Db) -> Result<Sandbox, DbError> {
    Ok(settings::get::<Sandbox>(db, KEY).await?.unwrap_or_default())
}

/// The delivery settings that point at the sink served at `base_url` (e.g.
/// `http://127.0.0.1:3000/sandbox`) with `secret`.
fn settings_for(base_url: &str, secret: &str) -> DeliverySettings {
    let base = base_url.trim_end_matches('/');
    DeliverySettings {
        product_order_url: format!("{base}/events/productOrder"),
        user_service_url: format!("{base}/events/userService"),
        token_url: format!("{base}/oauth/token"),
        client_id: CLIENT_ID.to_owned(),
        client_secret: secret.to_owned(),
        scope: String::new(),
        timeout_seconds: 10,
        retry_delays_seconds: RETRY_DELAYS.to_vec(),
        paused: false,
    }
}

/// Switches the sandbox on: the delivery settings in use are put aside and delivery points at the
/// sink served at `base_url`, with a new secret. Returns the new delivery settings (secret open).
pub async fn switch_on(
    db: &Db,
    acting: &Acting,
    by: &str,
    base_url: &str,
) -> Result<DeliverySettings, SandboxError> {
    let keys = db.secret_keys().ok_or(SettingsError::NoSecretKey)?;
    let new = settings_for(base_url, &crate::credentials::random_text(24));
    new.check()?;
    let mut tx = db.begin_write().await?;
    let current: Sandbox = settings::read(&mut *tx, KEY).await?.unwrap_or_default();
    if current.on {
        return Err(SandboxError::AlreadyOn);
    }
    let before: DeliverySettings = settings::read(&mut *tx, delivery::KEY)
        .await?
        .unwrap_or_default();
    let sealed = DeliverySettings {
        client_secret: keys.seal(&new.client_secret),
        ..new.clone()
    };
    settings::write(&mut *tx, delivery::KEY, &sealed).await?;
    let sandbox = Sandbox {
        on: true,
        since: clock::now_text(),
        by: by.to_owned(),
        saved: Some(before.clone()),
    };
    settings::write(&mut *tx, KEY, &sandbox).await?;
    let entry = acting
        .entry("delivery.sandbox_on", "settings", Some(delivery::OBJECT_ID))
        .before(delivery::audited(&before))
        .after(delivery::audited(&new));
    crate::audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(new)
}

/// Switches the sandbox off: the delivery settings put aside come back (whatever was saved on the
/// delivery settings page meanwhile is replaced). Returns them, secret sealed.
pub async fn switch_off(db: &Db, acting: &Acting) -> Result<DeliverySettings, SandboxError> {
    let mut tx = db.begin_write().await?;
    let current: Sandbox = settings::read(&mut *tx, KEY).await?.unwrap_or_default();
    if !current.on {
        return Err(SandboxError::NotOn);
    }
    let during: DeliverySettings = settings::read(&mut *tx, delivery::KEY)
        .await?
        .unwrap_or_default();
    let restored = current.saved.unwrap_or_default();
    settings::write(&mut *tx, delivery::KEY, &restored).await?;
    settings::write(&mut *tx, KEY, &Sandbox::default()).await?;
    let entry = acting
        .entry(
            "delivery.sandbox_off",
            "settings",
            Some(delivery::OBJECT_ID),
        )
        .before(delivery::audited(&during))
        .after(delivery::audited(&restored));
    crate::audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(restored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[tokio::test]
    async fn switching_on_puts_the_settings_aside_and_off_brings_them_back() {
        on_each_db!(|db| async move {
            let admin = Acting::system();
            let mine = crate::testing::orange_delivery_settings();
            delivery::save(&db, &mine, &admin).await.expect("save");
            assert!(!state(&db).await.expect("state").on);

            let on = switch_on(&db, &admin, "admin", "http://127.0.0.1:3000/sandbox")
                .await
                .expect("on");
            assert_eq!(on.token_url, "http://127.0.0.1:3000/sandbox/oauth/token");
            let in_use = delivery::load(&db).await.expect("load");
            assert_eq!(in_use.client_id, CLIENT_ID);
            assert_eq!(in_use.client_secret, on.client_secret);
            assert_eq!(in_use.retry_delays_seconds, RETRY_DELAYS);
            let sandbox = state(&db).await.expect("state");
            assert!(sandbox.on);
            assert_eq!(sandbox.by, "admin");
            // Put aside as stored: the Orange secret is not kept in clear.
            let saved = sandbox.saved.expect("saved");
            assert_ne!(saved.client_secret, "orange-secret");
            assert!(matches!(
                switch_on(&db, &admin, "admin", "http://127.0.0.1:3000/sandbox").await,
                Err(SandboxError::AlreadyOn)
            ));

            switch_off(&db, &admin).await.expect("off");
            assert_eq!(delivery::load(&db).await.expect("load"), mine);
            assert!(!state(&db).await.expect("state").on);
            assert!(matches!(
                switch_off(&db, &admin).await,
                Err(SandboxError::NotOn)
            ));
            let audited: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('delivery.sandbox_on', 'delivery.sandbox_off')",
            )
            .fetch_one(db.pool())
            .await
            .expect("count");
            assert_eq!(audited, 2);
        });
    }
}
