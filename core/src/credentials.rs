//! API credentials: what Orange (and later the partner's product) presents on every call.
//!
//! A credential is a public client id and a random secret of 32 bytes, shown once when issued and
//! stored only as its SHA-256 digest. A deterministic digest (not argon2) is right here: the secret
//! is high-entropy, so it cannot be guessed from the digest, and `Authorization: Bearer <secret>`
//! must be found by one indexed lookup on every request. Several credentials may be active at once
//! (rotation); revoking one is immediate.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fleetdesk_vocab::CredentialId;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Acting};
use crate::db::{Db, DbError};
use crate::password::Secret;
use crate::{clock, ids};

pub use fleetdesk_vocab::CredentialKind;

/// A credential as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credential {
    pub id: CredentialId,
    pub kind: CredentialKind,
    pub client_id: String,
    pub label: String,
    pub created_at: String,
    pub created_by: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl Credential {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A credential just issued, with the only copy of its secret.
#[derive(Debug, Clone)]
pub struct Issued {
    pub credential: Credential,
    pub secret: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the label must be 1 to 100 characters")]
    InvalidLabel,
    #[error("no such credential")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for CredentialError {
    fn from(error: sqlx::Error) -> Self {
        CredentialError::Db(DbError::Query(error))
    }
}

const COLUMNS: &str =
    "id, kind, client_id, label, created_at, created_by, last_used_at, revoked_at";

/// How often the last use is written: at most once a minute per credential, so that a busy
/// client does not turn every read into a write.
const LAST_USE_RESOLUTION_SECONDS: i64 = 60;

fn from_row(row: &AnyRow) -> Result<Credential, DbError> {
    let kind: String = row.try_get("kind")?;
    Ok(Credential {
        id: row.try_get("id")?,
        kind: CredentialKind::parse(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("credential kind `{kind}`")))?,
        client_id: row.try_get("client_id")?,
        label: row.try_get("label")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

/// The stored form of a secret.
pub fn digest(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub(crate) fn random_text(bytes: usize) -> String {
    let mut buffer = vec![0_u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

/// Issues a new credential; audited as `credential.issue` in the same transaction. The returned
/// secret is not kept anywhere (only its digest).
pub async fn issue(
    db: &Db,
    acting: &Acting,
    kind: CredentialKind,
    label: &str,
    created_by: Option<&str>,
) -> Result<Issued, CredentialError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(CredentialError::InvalidLabel);
    }
    let secret = random_text(32);
    let client_id = format!("{}-{}", kind.as_str(), random_text(9).to_lowercase());
    let credential = Credential {
        id: ids::new_id::<CredentialId>(),
        kind,
        client_id,
        label: label.to_owned(),
        created_at: clock::now_text(),
        created_by: created_by.map(str::to_owned),
        last_used_at: None,
        revoked_at: None,
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO api_credentials (id, kind, client_id, secret_hash, label, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&credential.id)
    .bind(kind.as_str())
    .bind(&credential.client_id)
    .bind(digest(&secret))
    .bind(&credential.label)
    .bind(&credential.created_at)
    .bind(&credential.created_by)
    .execute(&mut *tx)
    .await
    .map_err(|e| DbError::on_conflict(e, "credential"))?;
    let entry = acting
        .entry(
            "credential.issue",
            "credential",
            Some(credential.id.as_str()),
        )
        .after(&credential);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(Issued {
        credential,
        secret: Secret::new(secret),
    })
}

/// Every credential of a kind, newest first.
pub async fn list(db: &Db, kind: CredentialKind) -> Result<Vec<Credential>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_credentials WHERE kind = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(kind.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find_by_id(db: &Db, id: &CredentialId) -> Result<Option<Credential>, DbError> {
    let mut conn = db.pool().acquire().await?;
    find_in(&mut conn, id).await
}

async fn find_in(
    conn: &mut AnyConnection,
    id: &CredentialId,
) -> Result<Option<Credential>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_credentials WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Revokes a credential; audited as `credential.revoke` with the credential before and after, in
/// the same transaction. Revoking a revoked one changes nothing and is not audited again (the
/// first time stays).
pub async fn revoke(
    db: &Db,
    acting: &Acting,
    id: &CredentialId,
) -> Result<Credential, CredentialError> {
    let mut tx = db.begin_write().await?;
    let before = find_in(&mut tx, id)
        .await?
        .ok_or(CredentialError::NotFound)?;
    if !before.is_active() {
        return Ok(before);
    }
    sqlx::query("UPDATE api_credentials SET revoked_at = $2 WHERE id = $1")
        .bind(id)
        .bind(clock::now_text())
        .execute(&mut *tx)
        .await?;
    let after = find_in(&mut tx, id)
        .await?
        .ok_or(CredentialError::NotFound)?;
    let entry = acting
        .entry("credential.revoke", "credential", Some(id.as_str()))
        .before(&before)
        .after(&after);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// What a client presented in its `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// `Basic base64(clientId:secret)`.
    Basic { client_id: String, secret: Secret },
    /// `Bearer secret`.
    Bearer { secret: Secret },
}

/// The `Authorization` header value that presents `client_id` and `secret` with HTTP Basic
/// (`Basic base64(clientId:secret)`), as [`Presented::parse`] reads it.
pub fn basic_authorization(client_id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
    )
}

impl Presented {
    /// Reads an `Authorization` header value; `None` when it is neither scheme or malformed.
    pub fn parse(header: &str) -> Option<Presented> {
        let (scheme, rest) = header.trim().split_once(' ')?;
        let rest = rest.trim();
        if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
            return Some(Presented::Bearer {
                secret: Secret::new(rest),
            });
        }
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (client_id, secret) = text.split_once(':')?;
            if client_id.is_empty() || secret.is_empty() {
                return None;
            }
            return Some(Presented::Basic {
                client_id: client_id.to_owned(),
                secret: Secret::new(secret),
            });
        }
        None
    }

    /// The client id the caller claimed, for the record of refused calls.
    pub fn claimed_client_id(&self) -> Option<&str> {
        match self {
            Presented::Basic { client_id, .. } => Some(client_id),
            Presented::Bearer { .. } => None,
        }
    }
}

/// The active credential of `kind` matching what was presented, recording its use.
///
/// With Basic, the secret must belong to the client id it came with: the right secret under
/// another credential's client id is refused.
pub async fn authenticate(
    db: &Db,
    kind: CredentialKind,
    presented: &Presented,
) -> Result<Option<Credential>, DbError> {
    let secret = match presented {
        Presented::Basic { secret, .. } | Presented::Bearer { secret } => secret,
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_credentials \
         WHERE secret_hash = $1 AND kind = $2 AND revoked_at IS NULL"
    ))
    .bind(digest(secret.expose()))
    .bind(kind.as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some(mut credential) = row.as_ref().map(from_row).transpose()? else {
        return Ok(None);
    };
    if let Presented::Basic { client_id, .. } = presented
        && *client_id != credential.client_id
    {
        return Ok(None);
    }
    let now = clock::now();
    let stale = credential
        .last_used_at
        .as_deref()
        .and_then(|at| clock::parse(at).ok())
        .is_none_or(|at| (now - at).whole_seconds() >= LAST_USE_RESOLUTION_SECONDS);
    if stale {
        let now = clock::format(now);
        sqlx::query("UPDATE api_credentials SET last_used_at = $2 WHERE id = $1")
            .bind(&credential.id)
            .bind(&now)
            .execute(db.pool())
            .await?;
        credential.last_used_at = Some(now);
    }
    Ok(Some(credential))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[test]
    fn authorization_headers_parse_in_both_schemes() {
        assert_eq!(
            Presented::parse("Bearer abc"),
            Some(Presented::Bearer {
                secret: Secret::new("abc")
            })
        );
        assert_eq!(
            Presented::parse(&basic_authorization("orange-x", "s:e:c")),
            Some(Presented::Basic {
                client_id: "orange-x".into(),
                secret: Secret::new("s:e:c")
            })
        );
        assert_eq!(Presented::parse("Bearer "), None);
        assert_eq!(Presented::parse("Basic !!!"), None);
        assert_eq!(Presented::parse(&basic_authorization("", "x")), None);
        assert_eq!(Presented::parse("Digest x"), None);
    }

    #[tokio::test]
    async fn issued_secrets_authenticate_until_revoked_and_only_with_their_own_client_id() {
        on_each_db!(|db| async move {
            let first = issue(
                &db,
                &Acting::cli(),
                CredentialKind::Orange,
                "Orange production",
                None,
            )
            .await
            .expect("issue");
            let second = issue(
                &db,
                &Acting::cli(),
                CredentialKind::Orange,
                "rotation",
                None,
            )
            .await
            .expect("issue");
            assert!(first.secret.expose().len() >= 43, "32 bytes, base64");

            let bearer =
                Presented::parse(&format!("Bearer {}", first.secret.expose())).expect("parses");
            let found = authenticate(&db, CredentialKind::Orange, &bearer)
                .await
                .expect("query")
                .expect("authenticates");
            assert_eq!(found.id, first.credential.id);
            assert!(found.last_used_at.is_some());

            let own = Presented::parse(&basic_authorization(
                &second.credential.client_id,
                second.secret.expose(),
            ))
            .expect("parses");
            assert!(
                authenticate(&db, CredentialKind::Orange, &own)
                    .await
                    .expect("query")
                    .is_some()
            );
            let crossed = Presented::parse(&basic_authorization(
                &second.credential.client_id,
                first.secret.expose(),
            ))
            .expect("parses");
            assert!(
                authenticate(&db, CredentialKind::Orange, &crossed)
                    .await
                    .expect("query")
                    .is_none()
            );
            assert!(
                authenticate(&db, CredentialKind::Provisioning, &bearer)
                    .await
                    .expect("query")
                    .is_none(),
                "an Orange credential does not open the provisioning API"
            );

            revoke(&db, &Acting::cli(), &first.credential.id)
                .await
                .expect("revoke");
            assert!(
                authenticate(&db, CredentialKind::Orange, &bearer)
                    .await
                    .expect("query")
                    .is_none()
            );
            let listed = list(&db, CredentialKind::Orange).await.expect("list");
            assert_eq!(listed.len(), 2);
            assert_eq!(listed[0].id, second.credential.id, "newest first");
            assert!(!listed[1].is_active());
        });
    }
}
