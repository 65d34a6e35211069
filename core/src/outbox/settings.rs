//! Where and how events are delivered to Orange (contract section 6): the two event URLs, the
//! OAuth 2.0 client-credentials token endpoint and client, the request timeout, the retry
//! schedule, and whether delivery is paused. Set by an admin in the console; the client secret is
//! stored, never shown back and never logged.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::audit::Acting;
use crate::db::{Db, DbError};
use crate::sealing;
use crate::settings;

pub(crate) const KEY: &str = "orange_delivery";

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
            ("productOrder events URL", &self.product_order_url),
            ("userService events URL", &self.user_service_url),
            ("token URL", &self.token_url),
        ] {
            match check_url(value) {
                Ok(()) => {}
                Err(UrlProblem::NotAUrl) => {
                    return Err(SettingsError::Invalid(format!("the {name} is not a URL")));
                }
                Err(UrlProblem::NotHttps) => {
                    return Err(SettingsError::Invalid(format!(
                        "the {name} must start with https:// (http:// only for a loopback address: 127.0.0.1, ::1 or localhost)"
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

    /// The client secret to store with `token_url` once `entry` is applied to these (stored)
    /// settings. The stored secret is kept only while the token URL stays on the same server
    /// (scheme, host and port): pointed anywhere else, it would be sent there with the next token
    /// request, so it must be typed again.
    pub fn next_secret(&self, token_url: &str, entry: SecretEntry) -> Result<String, SecretNeeded> {
        match entry {
            SecretEntry::Replace(secret) => Ok(secret),
            SecretEntry::Forget => Ok(String::new()),
            SecretEntry::Keep if self.client_secret.is_empty() => Ok(String::new()),
            SecretEntry::Keep if same_server(&self.token_url, token_url) => {
                Ok(self.client_secret.clone())
            }
            SecretEntry::Keep => Err(SecretNeeded),
        }
    }
}

/// What an administrator did with the client secret field when saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretEntry {
    /// Left it empty: keep the stored secret.
    Keep,
    /// Typed a new one.
    Replace(String),
    /// Asked to forget the stored one.
    Forget,
}

/// The token URL moved to another server while the stored secret was to be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the token URL points to another server: type the client secret again")]
pub struct SecretNeeded;

/// Why a URL of the settings is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    NotAUrl,
    /// Not `https://`, and not `http://` to a loopback address either.
    NotHttps,
}

/// Checks one URL of the settings (empty means not set yet): `https://`, or `http://` to a loopback
/// address (`127.0.0.0/8`, `::1`, `localhost`), where nothing crosses a network.
pub fn check_url(value: &str) -> Result<(), UrlProblem> {
    if value.is_empty() {
        return Ok(());
    }
    let parsed = url::Url::parse(value).map_err(|_| UrlProblem::NotAUrl)?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        _ => Err(UrlProblem::NotHttps),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether two token URLs name the same server: same scheme, host and port (default ports
/// included). Two URLs that do not parse count as the same only when they are equal.
fn same_server(before: &str, after: &str) -> bool {
    match (url::Url::parse(before), url::Url::parse(after)) {
        (Ok(before), Ok(after)) => {
            before.scheme() == after.scheme()
                && before.host() == after.host()
                && before.port_or_known_default() == after.port_or_known_default()
        }
        _ => before == after,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0}")]
    Invalid(String),
    #[error("no FLEETDESK_SECRET_KEY is configured, so the client secret cannot be stored sealed")]
    NoSecretKey,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The settings as stored: the client secret sealed (see [`crate::sealing`]).
async fn load_stored(db: &Db) -> Result<DeliverySettings, DbError> {
    Ok(settings::get::<DeliverySettings>(db, KEY)
        .await?
        .unwrap_or_default())
}

/// The settings, with the client secret opened. A secret that does not open (sealed under another
/// key, or no key given to this handle) reads as not set, with the reason logged: delivery waits
/// and the settings page asks for the secret again, rather than nothing working at all.
pub async fn load(db: &Db) -> Result<DeliverySettings, DbError> {
    let mut stored = load_stored(db).await?;
    stored.client_secret = match (db.secret_keys(), stored.client_secret.as_str()) {
        (Some(keys), sealed) => match keys.open(sealed) {
            Ok(opened) => opened.plain,
            Err(error) => {
                tracing::error!(%error, "the Orange OAuth client secret cannot be read");
                String::new()
            }
        },
        (None, clear) if !sealing::is_sealed(clear) => clear.to_owned(),
        (None, _) => {
            tracing::error!(
                "the Orange OAuth client secret is sealed and this process has no FLEETDESK_SECRET_KEY"
            );
            String::new()
        }
    };
    Ok(stored)
}

/// The audit log's name for the delivery settings.
pub(crate) const OBJECT_ID: &str = "orange_delivery";

/// The settings as the audit log keeps them: whether a secret is stored, never the secret.
pub fn audited(settings: &DeliverySettings) -> serde_json::Value {
    let mut value = serde_json::to_value(settings).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("client_secret");
        map.insert(
            "client_secret_set".to_owned(),
            (!settings.client_secret.is_empty()).into(),
        );
    }
    value
}

/// Stores new settings (the client secret sealed), audited in the same transaction: the audit
/// log learns whether a secret is set and whether it changed, never the secret.
pub async fn save(db: &Db, new: &DeliverySettings, acting: &Acting) -> Result<(), SettingsError> {
    new.check()?;
    let keys = db.secret_keys().ok_or(SettingsError::NoSecretKey)?;
    let stored = DeliverySettings {
        client_secret: keys.seal(&new.client_secret),
        ..new.clone()
    };
    let opened = |sealed: &DeliverySettings| DeliverySettings {
        client_secret: keys
            .open(&sealed.client_secret)
            .map(|opened| opened.plain)
            .unwrap_or_default(),
        ..sealed.clone()
    };
    let named = settings::Named {
        action: "delivery_settings.update",
        object_id: OBJECT_ID,
    };
    let shown = |before: &DeliverySettings, _: &DeliverySettings| {
        let before = opened(before);
        let mut after = audited(new);
        if let Some(map) = after.as_object_mut() {
            let changed = new.client_secret != before.client_secret;
            map.insert("client_secret_changed".to_owned(), changed.into());
        }
        (audited(&before), after)
    };
    settings::change(db, acting, KEY, named, |_| stored.clone(), shown).await?;
    Ok(())
}

/// Seals the stored client secret again under the current key when it was stored in clear (before
/// sealing existed) or under `FLEETDESK_SECRET_KEY_PREVIOUS`. Run at start; says whether it did.
pub async fn reseal(db: &Db) -> Result<bool, DbError> {
    let Some(keys) = db.secret_keys() else {
        return Ok(false);
    };
    let mut stored = load_stored(db).await?;
    match keys.open(&stored.client_secret) {
        Ok(opened) if opened.stale => {
            stored.client_secret = keys.seal(&opened.plain);
            settings::set(db, KEY, &stored).await?;
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(error) => {
            tracing::error!(%error, "the Orange OAuth client secret cannot be read");
            Ok(false)
        }
    }
}

/// Pauses or resumes delivery, leaving the other settings as they are, audited in the same
/// transaction. Returns the settings as they were (the client secret still sealed).
pub async fn set_paused(
    db: &Db,
    paused: bool,
    acting: &Acting,
) -> Result<DeliverySettings, DbError> {
    let named = settings::Named {
        action: if paused {
            "delivery.pause"
        } else {
            "delivery.resume"
        },
        object_id: OBJECT_ID,
    };
    let change = |current: &DeliverySettings| DeliverySettings {
        paused,
        ..current.clone()
    };
    let shown = |before: &DeliverySettings, after: &DeliverySettings| {
        (
            serde_json::json!({ "paused": before.paused }),
            serde_json::json!({ "paused": after.paused }),
        )
    };
    let (before, _) = settings::change(db, acting, KEY, named, change, shown).await?;
    Ok(before)
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

    #[test]
    fn the_audit_log_learns_whether_a_secret_is_set_never_the_secret() {
        let settings = DeliverySettings {
            client_secret: "kept-secret".into(),
            ..DeliverySettings::default()
        };
        let value = audited(&settings);
        assert!(!value.to_string().contains("kept-secret"));
        assert_eq!(value["client_secret_set"], true);
    }

    #[test]
    fn every_url_must_be_https_except_on_a_loopback_address() {
        let with_urls = |url: &str| DeliverySettings {
            product_order_url: url.into(),
            user_service_url: url.into(),
            token_url: url.into(),
            ..DeliverySettings::default()
        };
        for refused in [
            "http://orange.example/oauth/token",
            "http://10.0.0.1/oauth/token",
            "http://localhost.evil.example/oauth/token",
            "http://127.0.0.1.evil.example/oauth/token",
            "ftp://orange.example/token",
            "not a url",
        ] {
            assert!(with_urls(refused).check().is_err(), "{refused}");
            for field in 0..3 {
                let mut one = with_urls("https://orange.example/x");
                let target = [
                    &mut one.product_order_url,
                    &mut one.user_service_url,
                    &mut one.token_url,
                ]
                .into_iter()
                .nth(field)
                .expect("three URLs");
                *target = refused.into();
                assert!(one.check().is_err(), "{refused} in URL {field}");
            }
        }
        for accepted in [
            "https://orange.example/oauth/token",
            "https://orange.example:8443/oauth/token",
            "http://127.0.0.1:9/oauth/token",
            "http://127.8.9.10/oauth/token",
            "http://localhost:9/oauth/token",
            "http://[::1]:9/oauth/token",
            "",
        ] {
            assert!(with_urls(accepted).check().is_ok(), "{accepted}");
        }
        let message = with_urls("http://orange.example/")
            .check()
            .expect_err("refused")
            .to_string();
        assert!(message.contains("must start with https://"), "{message}");
    }

    #[test]
    fn the_stored_secret_follows_the_token_url_only_on_the_same_server() {
        let stored = DeliverySettings {
            token_url: "https://orange.example/oauth/token".into(),
            client_secret: "kept".into(),
            ..DeliverySettings::default()
        };
        for same in [
            "https://orange.example/oauth/token",
            "https://orange.example/oauth2/token?x=1",
            "https://ORANGE.example:443/other",
        ] {
            assert_eq!(
                stored.next_secret(same, SecretEntry::Keep).as_deref(),
                Ok("kept"),
                "{same}"
            );
        }
        for other in [
            "https://evil.example/oauth/token",
            "https://orange.example.evil.example/oauth/token",
            "https://orange.example:8443/oauth/token",
            "http://orange.example/oauth/token",
            "https://127.0.0.1/oauth/token",
            "",
        ] {
            assert_eq!(
                stored.next_secret(other, SecretEntry::Keep),
                Err(SecretNeeded),
                "{other}"
            );
            assert_eq!(
                stored
                    .next_secret(other, SecretEntry::Replace("typed".into()))
                    .as_deref(),
                Ok("typed")
            );
            assert_eq!(
                stored.next_secret(other, SecretEntry::Forget).as_deref(),
                Ok("")
            );
        }
        let without_secret = DeliverySettings {
            client_secret: String::new(),
            ..stored.clone()
        };
        assert_eq!(
            without_secret
                .next_secret("https://evil.example/", SecretEntry::Keep)
                .as_deref(),
            Ok(""),
            "nothing stored, nothing to send anywhere"
        );
    }

    #[tokio::test]
    async fn settings_are_checked_saved_and_paused() {
        on_each_db!(|db| async move {
            assert!(!load(&db).await.expect("load").is_configured());
            let bad = DeliverySettings {
                token_url: "ftp://x".into(),
                ..DeliverySettings::default()
            };
            assert!(save(&db, &bad, &Acting::system()).await.is_err());
            let good = DeliverySettings {
                product_order_url: "https://orange.example/events/productOrder".into(),
                user_service_url: "https://orange.example/events/userService".into(),
                token_url: "https://orange.example/oauth/token".into(),
                client_id: "fleetdesk".into(),
                client_secret: "secret".into(),
                ..DeliverySettings::default()
            };
            save(&db, &good, &Acting::system()).await.expect("save");
            set_paused(&db, true, &Acting::system())
                .await
                .expect("pause");
            let read = load(&db).await.expect("load");
            assert!(read.is_configured() && read.paused);
            assert_eq!(read.client_secret, "secret");
        });
    }

    #[tokio::test]
    async fn the_client_secret_is_stored_sealed_and_sealed_again_under_a_new_key() {
        use crate::sealing::{SecretKeys, generate_key, is_sealed};
        on_each_db!(|db| async move {
            let raw = |db: Db| async move {
                sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
                    .bind(KEY)
                    .fetch_one(db.pool())
                    .await
                    .expect("stored")
            };
            let good = DeliverySettings {
                token_url: "https://orange.example/oauth/token".into(),
                client_id: "fleetdesk".into(),
                client_secret: "the-orange-secret".into(),
                ..DeliverySettings::default()
            };
            save(&db, &good, &Acting::system()).await.expect("save");
            let stored = raw(db.clone()).await;
            assert!(!stored.contains("the-orange-secret"), "{stored}");
            assert!(stored.contains("sealed:v1:"), "{stored}");
            set_paused(&db, true, &Acting::system())
                .await
                .expect("pause keeps the sealed secret");
            assert_eq!(
                load(&db).await.expect("load").client_secret,
                "the-orange-secret"
            );

            // Another key opens nothing: the secret reads as not set, delivery waits.
            let key = |text: &str| SecretKeys::decode_key(text).expect("key");
            let new_key = generate_key();
            let stranger = db
                .clone()
                .with_secret_keys(SecretKeys::new(key(&new_key), None));
            let read = load(&stranger).await.expect("load");
            assert_eq!(
                (read.client_secret.as_str(), read.is_configured()),
                ("", false)
            );
            assert!(
                !reseal(&stranger).await.expect("reseal"),
                "what does not open stays"
            );

            // Rotation: the new key with the old one as previous; sealed again at start.
            let rotating = db.clone().with_secret_keys(SecretKeys::new(
                key(&new_key),
                Some(key(crate::testing::TEST_SECRET_KEY)),
            ));
            assert!(reseal(&rotating).await.expect("reseal"));
            assert!(!reseal(&rotating).await.expect("reseal"), "once is enough");
            let after = load(&stranger).await.expect("load with the new key alone");
            assert_eq!(after.client_secret, "the-orange-secret");
            assert_eq!(
                load(&db).await.expect("load").client_secret,
                "",
                "the old key is done"
            );

            // A secret stored in clear by an older version is sealed at the next start.
            settings::set(&db, KEY, &good)
                .await
                .expect("written in clear");
            assert_eq!(
                load(&db).await.expect("load").client_secret,
                "the-orange-secret"
            );
            assert!(reseal(&db).await.expect("reseal"));
            let stored = raw(db.clone()).await;
            assert!(!stored.contains("the-orange-secret") && stored.contains("sealed:v1:"));
            assert!(is_sealed(
                &load_stored(&db).await.expect("stored").client_secret
            ));
        });
    }
}
