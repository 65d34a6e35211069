//! Where and how events are delivered to Orange (contract section 6): the two event URLs, the
//! OAuth 2.0 client-credentials token endpoint and client, the request timeout, the retry
//! schedule, and whether delivery is paused. Set by an admin in the console; the client secret is
//! stored, never shown back and never logged.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::db::{Db, DbError};
use crate::settings;

const KEY: &str = "orange_delivery";

/// The contract's example schedule: delays before each retry, over about a day.
pub const DEFAULT_RETRY_DELAYS: [u64; 7] = [30, 120, 600, 1_800, 7_200, 21_600, 43_200];

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliverySettings {
    /// Orange's event resource for productOrder events.
    pub product_order_url: String,
    /// Orange's event resource for userService events.
    pub user_service_url: String,
    /// The OAuth 2.0 token endpoint.
    pub token_url: String,
    pub client_id: String,
    /// Never shown back, never logged (`Debug` masks it).
    pub client_secret: String,
    /// Optional OAuth scope.
    pub scope: String,
    /// Seconds before a call to Orange is abandoned (1 to 120).
    pub timeout_seconds: u64,
    /// Seconds to wait before each retry; after the last one the event is `failed`.
    pub retry_delays_seconds: Vec<u64>,
    /// While true, nothing is sent.
    pub paused: bool,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            product_order_url: String::new(),
            user_service_url: String::new(),
            token_url: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            scope: String::new(),
            timeout_seconds: 10,
            retry_delays_seconds: DEFAULT_RETRY_DELAYS.to_vec(),
            paused: false,
        }
    }
}

impl fmt::Debug for DeliverySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliverySettings")
            .field("product_order_url", &self.product_order_url)
            .field("user_service_url", &self.user_service_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("scope", &self.scope)
            .field("timeout_seconds", &self.timeout_seconds)
            .field("retry_delays_seconds", &self.retry_delays_seconds)
            .field("paused", &self.paused)
            .finish()
    }
}

impl DeliverySettings {
    /// Whether everything needed to send events is set.
    pub fn is_configured(&self) -> bool {
        !self.product_order_url.is_empty()
            && !self.user_service_url.is_empty()
            && !self.token_url.is_empty()
            && !self.client_id.is_empty()
            && !self.client_secret.is_empty()
    }

    /// Checks every value; the message names the field.
    pub fn check(&self) -> Result<(), SettingsError> {
        for (name, value) in [
            ("productOrder event URL", &self.product_order_url),
            ("userService event URL", &self.user_service_url),
            ("token URL", &self.token_url),
        ] {
            if !value.is_empty() {
                let parsed = url::Url::parse(value)
                    .map_err(|_| SettingsError::Invalid(format!("the {name} is not a URL")))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(SettingsError::Invalid(format!(
                        "the {name} must start with https:// (or http://)"
                    )));
                }
            }
        }
        if !(1..=120).contains(&self.timeout_seconds) {
            return Err(SettingsError::Invalid(
                "the timeout must be 1 to 120 seconds".to_owned(),
            ));
        }
        if self.retry_delays_seconds.len() > 20
            || self.retry_delays_seconds.iter().any(|d| *d > 7 * 24 * 3600)
        {
            return Err(SettingsError::Invalid(
                "at most 20 retries, each at most 7 days later".to_owned(),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

pub async fn load(db: &Db) -> Result<DeliverySettings, DbError> {
    Ok(settings::get::<DeliverySettings>(db, KEY)
        .await?
        .unwrap_or_default())
}

pub async fn save(db: &Db, new: &DeliverySettings) -> Result<(), SettingsError> {
    new.check()?;
    settings::set(db, KEY, new).await?;
    Ok(())
}

/// Pauses or resumes delivery, leaving the other settings as they are.
pub async fn set_paused(db: &Db, paused: bool) -> Result<(), DbError> {
    let mut current = load(db).await?;
    current.paused = paused;
    settings::set(db, KEY, &current).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let settings = DeliverySettings {
            client_secret: "s3cr3t-value".into(),
            ..DeliverySettings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cr3t-value"));
    }

    #[tokio::test]
    async fn settings_are_checked_saved_and_paused() {
        on_each_db!(|db| async move {
            assert!(!load(&db).await.expect("load").is_configured());
            let bad = DeliverySettings {
                token_url: "ftp://x".into(),
                ..DeliverySettings::default()
            };
            assert!(save(&db, &bad).await.is_err());
            let good = DeliverySettings {
                product_order_url: "https://orange.example/events/productOrder".into(),
                user_service_url: "https://orange.example/events/userService".into(),
                token_url: "https://orange.example/oauth/token".into(),
                client_id: "fleetdesk".into(),
                client_secret: "secret".into(),
                ..DeliverySettings::default()
            };
            save(&db, &good).await.expect("save");
            set_paused(&db, true).await.expect("pause");
            let read = load(&db).await.expect("load");
            assert!(read.is_configured() && read.paused);
            assert_eq!(read.client_secret, "secret");
        });
    }
}
