//! Passwords: argon2id hashes, computed off the async threads, and a wrapper that keeps secrets
//! out of `Debug` output and logs.

use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password an operator may have.
pub const MIN_LENGTH: usize = 12;
/// The longest (argon2 cost does not depend on it, but a cap stops silly inputs).
pub const MAX_LENGTH: usize = 256;

/// A secret string: printed as `***` by `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("the password must have at most {MAX_LENGTH} characters")]
    TooLong,
    #[error("the password could not be hashed")]
    Hashing,
}

/// Checks an operator password against the policy (length only: long passphrases beat rules).
pub fn check_policy(password: &Secret) -> Result<(), PasswordError> {
    let length = password.expose().chars().count();
    if length < MIN_LENGTH {
        Err(PasswordError::TooShort)
    } else if length > MAX_LENGTH {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane), argon2's own default.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| PasswordError::Hashing)
}

/// Hashes a password with argon2id on the blocking thread pool.
pub async fn hash(password: &Secret) -> Result<String, PasswordError> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || hash_blocking(password.expose()))
        .await
        .map_err(|_| PasswordError::Hashing)?
}

/// Checks a password against a stored hash on the blocking thread pool.
///
/// With no stored hash (unknown login) it still spends the same work on a dummy hash, so the answer
/// time does not tell which logins exist.
pub async fn verify(password: &Secret, stored: Option<String>) -> bool {
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| hash_blocking("fleetdesk-dummy-password").unwrap_or_default())
                .clone()
        });
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        argon2()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false)
}

/// A random password for a first administrator or a reset: 24 characters from an unambiguous set.
pub fn generate() -> Secret {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    Secret(
        (0..24)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_another_does_not() {
        let password = Secret::new("correct horse battery staple");
        let stored = hash(&password).await.expect("hashing works");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify(&password, Some(stored.clone())).await);
        assert!(!verify(&Secret::new("wrong horse battery staple"), Some(stored)).await);
    }

    #[tokio::test]
    async fn an_unknown_login_never_verifies() {
        assert!(!verify(&Secret::new("fleetdesk-dummy-password"), None).await);
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let secret = Secret::new("hunter2hunter2");
        assert_eq!(format!("{secret:?} {secret}"), "Secret(***) ***");
    }

    #[test]
    fn the_policy_wants_twelve_characters() {
        assert_eq!(
            check_policy(&Secret::new("short")),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            check_policy(&Secret::new("x".repeat(300))),
            Err(PasswordError::TooLong)
        );
        assert_eq!(check_policy(&Secret::new("twelve chars")), Ok(()));
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate();
        assert_eq!(check_policy(&a), Ok(()));
        assert_ne!(a, generate());
    }
}
