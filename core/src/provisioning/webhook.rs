//! The provisioning webhook's settings and signatures (provisioning contract, "Outgoing webhooks"):
//! where webhooks go, how long one may take, whether the product answers at once or calls back
//! later ("await callback"), and the signing secrets.
//!
//! Signatures follow the Standard Webhooks specification: the secret is `whsec_` and the base64 of
//! random bytes; `webhook-signature` is `v1,` and the base64 of HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the secret's bytes. After a rotation the
//! previous secret keeps signing beside the new one until the overlap ends (the header then holds
//! both signatures, separated by a space), so the product can switch at its own pace.
//!
//! Secrets are sealed at rest ([`crate::sealing`]), shown once when generated, never logged and
//! never in the audit log.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::audit::Acting;
use crate::clock;
use crate::db::{Db, DbError};
use crate::outbox::settings::{UrlProblem, check_url};
use crate::settings;

const KEY: &str = "provisioning_webhook";
const OBJECT_ID: &str = "provisioning_webhook";
/// What every Standard Webhooks secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a generated secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;
/// The longest overlap a rotation may ask for: a week.
pub const MAX_OVERLAP_MINUTES: u32 = 7 * 24 * 60;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookSettings {
    /// Where webhooks are posted.
    pub url: String,
    /// The signing secret (`whsec_...`); sealed at rest, never shown back.
    pub secret: String,
    /// The secret before the last rotation, still signing until `previous_until`.
    pub previous_secret: String,
    /// When the previous secret stops signing (stored time text); empty when there is none.
    pub previous_until: String,
    /// Seconds before a webhook request is abandoned (1 to 60).
    pub timeout_seconds: u64,
    /// The product answers 2xx at once and calls back later with the result; otherwise its 2xx
    /// answer means the operation is done.
    pub await_callback: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            url: String::new(),
            secret: String::new(),
            previous_secret: String::new(),
            previous_until: String::new(),
            timeout_seconds: 10,
            await_callback: false,
        }
    }
}

impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("secret", &"***")
            .field("previous_secret", &"***")
            .field("previous_until", &self.previous_until)
            .field("timeout_seconds", &self.timeout_seconds)
            .field("await_callback", &self.await_callback)
            .finish()
    }
}

impl WebhookSettings {
    /// Whether webhooks can be sent: a URL and a secret.
    pub fn is_configured(&self) -> bool {
        !self.url.is_empty() && !self.secret.is_empty()
    }

    /// The mode of the provisioning tasks these settings create.
    pub fn task_mode(&self) -> &'static str {
        if self.await_callback {
            "webhook_callback"
        } else {
            "webhook"
        }
    }

    /// The secrets that sign at `now`: the current one, and the previous one during an overlap.
    pub fn signing_secrets(&self, now: &str) -> Vec<&str> {
        let mut secrets = Vec::with_capacity(2);
        if !self.secret.is_empty() {
            secrets.push(self.secret.as_str());
        }
        if !self.previous_secret.is_empty() && self.previous_until.as_str() > now {
            secrets.push(self.previous_secret.as_str());
        }
        secrets
    }
}

/// What an administrator may change on the settings page (the secret is rotated apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookInput {
    pub url: String,
    pub timeout_seconds: u64,
    pub await_callback: bool,
}

/// Why settings were not saved.
#[derive(Debug, thiserror::Error)]
pub enum WebhookSettingsError {
    #[error("the webhook URL is not a URL")]
    NotAUrl,
    #[error(
        "the webhook URL must start with https:// (http:// only for a loopback address: 127.0.0.1, ::1 or localhost)"
    )]
    NotHttps,
    #[error("the timeout must be 1 to 60 seconds")]
    Timeout,
    #[error("the overlap must be 0 to {MAX_OVERLAP_MINUTES} minutes")]
    Overlap,
    #[error("no FLEETDESK_SECRET_KEY is configured, so the signing secret cannot be stored sealed")]
    NoSecretKey,
    /// "Await callback" while offerings have webhook provisioning and these operations are
    /// synchronous: Orange cannot wait for a callback.
    #[error(
        "the product cannot answer by callback while these operations are synchronous: {}",
        .0.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
    )]
    CallbackNeedsAsync(Vec<fleetdesk_vocab::Operation>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl WebhookInput {
    pub fn check(&self) -> Result<(), WebhookSettingsError> {
        match check_url(&self.url) {
            Ok(()) => {}
            Err(UrlProblem::NotAUrl) => return Err(WebhookSettingsError::NotAUrl),
            Err(UrlProblem::NotHttps) => return Err(WebhookSettingsError::NotHttps),
        }
        if !(1..=60).contains(&self.timeout_seconds) {
            return Err(WebhookSettingsError::Timeout);
        }
        Ok(())
    }
}

async fn load_stored(db: &Db) -> Result<WebhookSettings, DbError> {
    Ok(settings::get::<WebhookSettings>(db, KEY)
        .await?
        .unwrap_or_default())
}

/// Opens one stored secret; one that does not open reads as not set, with the reason logged.
fn open(db: &Db, stored: &str, which: &str) -> String {
    match db.secret_keys() {
        Some(keys) => match keys.open(stored) {
            Ok(opened) => opened.plain,
            Err(error) => {
                tracing::error!(%error, which, "a webhook signing secret cannot be read");
                String::new()
            }
        },
        None if !crate::sealing::is_sealed(stored) => stored.to_owned(),
        None => {
            tracing::error!(
                which,
                "a webhook signing secret is sealed and this process has no FLEETDESK_SECRET_KEY"
            );
            String::new()
        }
    }
}

/// The settings, secrets opened.
pub async fn load(db: &Db) -> Result<WebhookSettings, DbError> {
    let mut stored = load_stored(db).await?;
    stored.secret = open(db, &stored.secret, "current");
    stored.previous_secret = open(db, &stored.previous_secret, "previous");
    Ok(stored)
}

/// What the audit log keeps of the settings: whether secrets are set, never a secret.
pub fn audited(settings: &WebhookSettings) -> serde_json::Value {
    serde_json::json!({
        "url": settings.url,
        "timeout_seconds": settings.timeout_seconds,
        "await_callback": settings.await_callback,
        "secret_set": !settings.secret.is_empty(),
        "previous_until": settings.previous_until,
    })
}

/// Saves the URL, timeout and variant, audited in the same transaction; the secrets stay.
/// "Await callback" is refused while an offering has webhook provisioning and operations that
/// reach offerings are synchronous.
pub async fn save(
    db: &Db,
    input: &WebhookInput,
    acting: &Acting,
) -> Result<(), WebhookSettingsError> {
    input.check()?;
    if input.await_callback {
        let sync = crate::provisioning::callback_refused(db).await?;
        if !sync.is_empty() {
            return Err(WebhookSettingsError::CallbackNeedsAsync(sync));
        }
    }
    let named = settings::Named {
        action: "provisioning_webhook.update",
        object_id: OBJECT_ID,
    };
    let change = |current: &WebhookSettings| WebhookSettings {
        url: input.url.clone(),
        timeout_seconds: input.timeout_seconds,
        await_callback: input.await_callback,
        ..current.clone()
    };
    settings::change(db, acting, KEY, named, change, |before, after| {
        (audited(before), audited(after))
    })
    .await?;
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Release);
    Ok(())
}

/// Counts this process's saves and rotations, so that a copy of the settings kept for a moment
/// (the delivery engine's) is read again at once after a change made here: a webhook sent just
/// after a rotation is signed with the new secret. Other instances read again within their own
/// short interval.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many times this process changed the webhook settings (see [`GENERATION`]).
pub fn generation() -> u64 {
    GENERATION.load(std::sync::atomic::Ordering::Acquire)
}

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// Replaces the signing secret with a new one and returns it (to be shown once). The secret it
/// replaces keeps signing beside it for `overlap_minutes` (0: it stops at once). Audited without
/// either secret.
pub async fn rotate_secret(
    db: &Db,
    overlap_minutes: u32,
    acting: &Acting,
) -> Result<String, WebhookSettingsError> {
    if overlap_minutes > MAX_OVERLAP_MINUTES {
        return Err(WebhookSettingsError::Overlap);
    }
    let keys = db.secret_keys().ok_or(WebhookSettingsError::NoSecretKey)?;
    let fresh = generate_secret();
    let sealed = keys.seal(&fresh);
    let until = clock::format(clock::now() + time::Duration::minutes(i64::from(overlap_minutes)));
    let named = settings::Named {
        action: "provisioning_webhook.rotate_secret",
        object_id: OBJECT_ID,
    };
    let change = |current: &WebhookSettings| {
        let had_one = !current.secret.is_empty() && overlap_minutes > 0;
        WebhookSettings {
            secret: sealed.clone(),
            previous_secret: if had_one {
                current.secret.clone()
            } else {
                String::new()
            },
            previous_until: if had_one {
                until.clone()
            } else {
                String::new()
            },
            ..current.clone()
        }
    };
    settings::change(db, acting, KEY, named, change, |before, after| {
        (audited(before), audited(after))
    })
    .await?;
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Release);
    Ok(fresh)
}

/// Why a secret cannot sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signing secret is not whsec_ followed by base64")]
pub struct BadSecret;

/// The secret's key bytes: the base64 after `whsec_` (a secret without the prefix is read whole).
fn key_bytes(secret: &str) -> Result<Vec<u8>, BadSecret> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD.decode(encoded).map_err(|_| BadSecret)
}

/// One signature: `v1,` and the base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let key = key_bytes(secret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header's value: one signature per secret, space-separated.
pub fn signature_header(
    secrets: &[&str],
    id: &str,
    timestamp: i64,
    body: &str,
) -> Result<String, BadSecret> {
    let signatures = secrets
        .iter()
        .map(|secret| sign(secret, id, timestamp, body))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(signatures.join(" "))
}

/// The three Standard Webhooks headers for one message sent at `timestamp` (Unix seconds).
pub fn headers(
    settings: &WebhookSettings,
    id: &str,
    timestamp: i64,
    body: &str,
) -> Result<Vec<(String, String)>, BadSecret> {
    let now = clock::now_text();
    let signature = signature_header(&settings.signing_secrets(&now), id, timestamp, body)?;
    Ok(vec![
        ("webhook-id".to_owned(), id.to_owned()),
        ("webhook-timestamp".to_owned(), timestamp.to_string()),
        ("webhook-signature".to_owned(), signature),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[test]
    fn a_signature_is_hmac_sha256_of_id_timestamp_and_body_as_the_specification_shows() {
        // The Standard Webhooks specification's own example secret, message and signature.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body).expect("signs"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(sign("whsec_not base64!", id, 1, body), Err(BadSecret));
        let both = signature_header(&[secret, secret], id, 1614265330, body).expect("signs");
        assert_eq!(both.split(' ').count(), 2);
    }

    #[test]
    fn a_generated_secret_is_whsec_and_32_bytes_of_base64() {
        let secret = generate_secret();
        assert!(secret.starts_with(SECRET_PREFIX));
        assert_eq!(key_bytes(&secret).expect("base64").len(), SECRET_BYTES);
        assert_ne!(secret, generate_secret());
    }

    #[tokio::test]
    async fn rotation_keeps_the_old_secret_signing_during_the_overlap_only() {
        on_each_db!(|db| async move {
            let acting = Acting::system();
            assert!(!load(&db).await.expect("load").is_configured());
            save(
                &db,
                &WebhookInput {
                    url: "http://127.0.0.1:9/hooks".into(),
                    timeout_seconds: 5,
                    await_callback: true,
                },
                &acting,
            )
            .await
            .expect("saved");
            let first = rotate_secret(&db, 60, &acting).await.expect("first");
            let settings = load(&db).await.expect("load");
            assert!(settings.is_configured());
            assert_eq!(settings.secret, first);
            let now = clock::now_text();
            assert_eq!(
                settings.signing_secrets(&now),
                [first.as_str()],
                "no overlap"
            );

            let second = rotate_secret(&db, 60, &acting).await.expect("second");
            let settings = load(&db).await.expect("load");
            assert_eq!(
                settings.signing_secrets(&now),
                [second.as_str(), first.as_str()]
            );
            let later = clock::format(clock::now() + time::Duration::minutes(61));
            assert_eq!(settings.signing_secrets(&later), [second.as_str()]);
            assert_eq!(settings.url, "http://127.0.0.1:9/hooks", "kept");

            // Sealed at rest, never in the audit log.
            let stored: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(KEY)
                .fetch_one(db.pool())
                .await
                .expect("stored");
            assert!(!stored.contains(&second) && !stored.contains(&first));
            let audit: Vec<String> = sqlx::query_scalar(
                "SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_log \
                 WHERE object_id = $1",
            )
            .bind(OBJECT_ID)
            .fetch_all(db.pool())
            .await
            .expect("audit");
            assert_eq!(audit.len(), 3);
            assert!(audit.iter().all(|a| !a.contains("whsec_")), "{audit:?}");

            let refused = save(
                &db,
                &WebhookInput {
                    url: "http://example.com/hooks".into(),
                    timeout_seconds: 5,
                    await_callback: false,
                },
                &acting,
            )
            .await;
            assert!(matches!(refused, Err(WebhookSettingsError::NotHttps)));
        });
    }
}
