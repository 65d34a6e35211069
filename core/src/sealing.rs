//! Secrets kept at rest (Orange's OAuth client secret today; the product's webhook signing
//! secrets with the provisioning connector): sealed with XChaCha20-Poly1305 under a 32-byte key
//! that lives outside the database (`FLEETDESK_SECRET_KEY`). A copy of the database alone (a
//! backup, a dump, a stolen disk image of the database server) does not give the secrets away.
//!
//! Stored form: `sealed:v1:` then base64 of a random 24-byte nonce followed by the ciphertext and
//! its tag. Rotation: the new key in `FLEETDESK_SECRET_KEY`, the old one in
//! `FLEETDESK_SECRET_KEY_PREVIOUS`; secrets sealed under the old key still open, and each is sealed
//! again under the new key when the server starts ([`SealedValue::stale`]); then the old key can go.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Bytes in a key.
pub const KEY_BYTES: usize = 32;
const PREFIX: &str = "sealed:v1:";
const NONCE_BYTES: usize = 24;

/// The key secrets are sealed under, and the previous one while a rotation is under way.
#[derive(Clone)]
pub struct SecretKeys {
    current: [u8; KEY_BYTES],
    previous: Option<[u8; KEY_BYTES]>,
}

impl fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKeys")
            .field("current", &"***")
            .field("previous", &self.previous.map(|_| "***"))
            .finish()
    }
}

/// What a stored value opened to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedValue {
    pub plain: String,
    /// Stored in clear (written before sealing existed) or under the previous key: to be sealed
    /// again under the current key.
    pub stale: bool,
}

/// Why a stored value does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error(
        "a stored secret was sealed under another key than FLEETDESK_SECRET_KEY \
         (or FLEETDESK_SECRET_KEY_PREVIOUS); type it again in the console"
    )]
    WrongKey,
    #[error("a stored secret is damaged; type it again in the console")]
    Damaged,
}

impl SecretKeys {
    pub fn new(current: [u8; KEY_BYTES], previous: Option<[u8; KEY_BYTES]>) -> SecretKeys {
        SecretKeys { current, previous }
    }

    /// Reads a key as written by [`generate_key`]: base64 of exactly 32 bytes.
    pub fn decode_key(text: &str) -> Result<[u8; KEY_BYTES], String> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| "is not base64".to_owned())?;
        <[u8; KEY_BYTES]>::try_from(bytes.as_slice())
            .map_err(|_| format!("must decode to {KEY_BYTES} bytes, not {}", bytes.len()))
    }

    /// Seals `plain`; an empty value stays empty (nothing to hide, and "not set" stays visible).
    pub fn seal(&self, plain: &str) -> String {
        if plain.is_empty() {
            return String::new();
        }
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(&self.current.into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .expect("XChaCha20-Poly1305 seals any message that fits in memory");
        let mut stored = Vec::with_capacity(NONCE_BYTES + sealed.len());
        stored.extend_from_slice(&nonce);
        stored.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(stored))
    }

    /// Opens a stored value: sealed under the current or the previous key, or (from before
    /// sealing) in clear.
    pub fn open(&self, stored: &str) -> Result<SealedValue, SealError> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(SealedValue {
                plain: stored.to_owned(),
                stale: !stored.is_empty(),
            });
        };
        let bytes = STANDARD.decode(body).map_err(|_| SealError::Damaged)?;
        if bytes.len() < NONCE_BYTES {
            return Err(SealError::Damaged);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let keys = std::iter::once((&self.current, false))
            .chain(self.previous.as_ref().map(|key| (key, true)));
        for (key, stale) in keys {
            let cipher = XChaCha20Poly1305::new(key.into());
            if let Ok(plain) = cipher.decrypt(XNonce::from_slice(nonce), sealed) {
                let plain = String::from_utf8(plain).map_err(|_| SealError::Damaged)?;
                return Ok(SealedValue { plain, stale });
            }
        }
        Err(SealError::WrongKey)
    }
}

/// Whether a stored value is sealed (rather than empty or in clear).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// A new random key, as `FLEETDESK_SECRET_KEY` takes it.
pub fn generate_key() -> String {
    let mut key = [0u8; KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut key);
    STANDARD.encode(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> [u8; KEY_BYTES] {
        SecretKeys::decode_key(text).expect("a key")
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_only_and_shows_nothing_of_itself() {
        let keys = SecretKeys::new(key(&generate_key()), None);
        let sealed = keys.seal("orange-client-secret");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("orange-client-secret"));
        assert_ne!(
            sealed,
            keys.seal("orange-client-secret"),
            "a fresh nonce each time"
        );
        assert_eq!(
            keys.open(&sealed),
            Ok(SealedValue {
                plain: "orange-client-secret".into(),
                stale: false
            })
        );
        let other = SecretKeys::new(key(&generate_key()), None);
        assert_eq!(other.open(&sealed), Err(SealError::WrongKey));
        let at = PREFIX.len() + 40;
        let flipped = if &sealed[at..=at] == "A" { "B" } else { "A" };
        let mut tampered = sealed.clone();
        tampered.replace_range(at..=at, flipped);
        assert_eq!(
            keys.open(&tampered),
            Err(SealError::WrongKey),
            "a changed byte fails the tag"
        );
        assert_eq!(keys.open("sealed:v1:%%%"), Err(SealError::Damaged));
        assert!(!format!("{keys:?}").contains(&STANDARD.encode(keys.current)));
    }

    #[test]
    fn rotation_opens_the_old_key_and_marks_what_to_seal_again() {
        let old = key(&generate_key());
        let new = key(&generate_key());
        let sealed_before = SecretKeys::new(old, None).seal("s");
        let rotating = SecretKeys::new(new, Some(old));
        assert_eq!(
            rotating.open(&sealed_before),
            Ok(SealedValue {
                plain: "s".into(),
                stale: true
            })
        );
        let resealed = rotating.seal("s");
        assert_eq!(
            SecretKeys::new(new, None).open(&resealed).map(|v| v.stale),
            Ok(false)
        );
        assert_eq!(
            rotating
                .open("written-in-clear")
                .map(|v| (v.plain, v.stale)),
            Ok(("written-in-clear".to_owned(), true))
        );
        assert_eq!(rotating.open("").map(|v| v.stale), Ok(false));
        assert_eq!(rotating.seal(""), "");
    }

    #[test]
    fn keys_must_be_base64_of_32_bytes() {
        assert!(SecretKeys::decode_key("not base64!").is_err());
        assert!(SecretKeys::decode_key(&STANDARD.encode([1u8; 16])).is_err());
        assert!(SecretKeys::decode_key(&generate_key()).is_ok());
    }
}
