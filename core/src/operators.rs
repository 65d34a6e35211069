//! Operators: the partner's staff who use the console, with their role and password.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Db, DbError};
use crate::password::{self, PasswordError, Secret};
use crate::{clock, ids};

pub use fleetdesk_vocab::Role;

/// An operator as the rest of the code sees it: the password hash stays in this module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub disabled_at: Option<String>,
    pub last_login_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Operator {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// The operator behind a console request, put in the request's extensions by the server's
/// authentication layer once the session is checked and the operator is found active.
#[derive(Debug, Clone)]
pub struct CurrentOperator(pub Operator);

/// What it takes to create an operator.
#[derive(Debug, Clone)]
pub struct NewOperator {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("the username must be 1 to 64 characters among a-z, 0-9, '.', '_', '-' and '@'")]
    InvalidLogin,
    #[error("the display name must be 1 to 100 characters")]
    InvalidDisplayName,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("an operator with this username already exists")]
    LoginTaken,
    #[error("no such operator")]
    NotFound,
    #[error("this is the last active administrator: make another operator an administrator first")]
    LastAdmin,
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for OperatorError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Conflict { .. } => OperatorError::LoginTaken,
            other => OperatorError::Db(other),
        }
    }
}

impl From<sqlx::Error> for OperatorError {
    fn from(error: sqlx::Error) -> Self {
        OperatorError::Db(DbError::Query(error))
    }
}

/// Usernames are case-insensitive: stored lowercased and trimmed.
pub fn normalize_login(login: &str) -> Result<String, OperatorError> {
    let login = login.trim().to_lowercase();
    let valid = !login.is_empty()
        && login.len() <= 64
        && login.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@')
        });
    if valid {
        Ok(login)
    } else {
        Err(OperatorError::InvalidLogin)
    }
}

fn normalize_display_name(name: &str) -> Result<String, OperatorError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        Err(OperatorError::InvalidDisplayName)
    } else {
        Ok(name.to_owned())
    }
}

const COLUMNS: &str =
    "id, login, display_name, role, disabled_at, last_login_at, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<Operator, DbError> {
    Ok(Operator {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        display_name: row.try_get("display_name")?,
        role: crate::db::word(row, "role")?,
        disabled_at: row.try_get("disabled_at")?,
        last_login_at: row.try_get("last_login_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Creates an operator after checking the username, name and password policy.
pub async fn create(db: &Db, new: NewOperator) -> Result<Operator, OperatorError> {
    let login = normalize_login(&new.login)?;
    let display_name = normalize_display_name(&new.display_name)?;
    password::check_policy(&new.password)?;
    let hash = password::hash(&new.password).await?;
    let now = clock::now_text();
    let id = ids::new_id("opr");
    sqlx::query(
        "INSERT INTO operators (id, login, display_name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(&login)
    .bind(&display_name)
    .bind(new.role.as_str())
    .bind(&hash)
    .bind(&now)
    .execute(db.pool())
    .await
    .map_err(|e| DbError::on_conflict(e, "operator"))?;
    Ok(Operator {
        id,
        login,
        display_name,
        role: new.role,
        disabled_at: None,
        last_login_at: None,
        created_at: now.clone(),
        updated_at: now,
    })
}

pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<Operator>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM operators WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<Operator>, DbError> {
    let Ok(login) = normalize_login(login) else {
        return Ok(None);
    };
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM operators WHERE login = $1"))
        .bind(login)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every operator, by username (the list is short: a team, not a customer base).
pub async fn list(db: &Db) -> Result<Vec<Operator>, DbError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM operators ORDER BY login"))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(db: &Db) -> Result<i64, DbError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM operators")
        .fetch_one(db.pool())
        .await?;
    Ok(count)
}

/// The stored hash of an operator (for login only).
pub(crate) async fn password_hash(db: &Db, id: &str) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM operators WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?,
    )
}

async fn updated(
    db: &Db,
    id: &str,
    result: sqlx::any::AnyQueryResult,
) -> Result<Operator, OperatorError> {
    if result.rows_affected() == 0 {
        return Err(OperatorError::NotFound);
    }
    find_by_id(db, id).await?.ok_or(OperatorError::NotFound)
}

pub async fn set_password(
    db: &Db,
    id: &str,
    new_password: &Secret,
) -> Result<Operator, OperatorError> {
    password::check_policy(new_password)?;
    let hash = password::hash(new_password).await?;
    let result =
        sqlx::query("UPDATE operators SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(clock::now_text())
            .bind(id)
            .execute(db.pool())
            .await?;
    updated(db, id, result).await
}

/// Keeps at least one active administrator: the change applies only when the operator is not an
/// active administrator or another active administrator remains (checked in the same statement).
const KEEPS_AN_ADMIN: &str = "(role <> 'admin' OR disabled_at IS NOT NULL OR EXISTS (\
     SELECT 1 FROM operators AS other WHERE other.role = 'admin' AND other.disabled_at IS NULL \
     AND other.id <> operators.id))";

/// Disables (`true`) or re-enables an operator. A disabled operator's sessions stop working at once,
/// since every request loads the operator afresh. The last active administrator cannot be disabled.
pub async fn set_disabled(db: &Db, id: &str, disabled: bool) -> Result<Operator, OperatorError> {
    let now = clock::now_text();
    let disabled_at = disabled.then(|| now.clone());
    let guard = if disabled { KEEPS_AN_ADMIN } else { "1 = 1" };
    let result = sqlx::query(&format!(
        "UPDATE operators SET disabled_at = $1, updated_at = $2 WHERE id = $3 AND {guard}"
    ))
    .bind(disabled_at)
    .bind(&now)
    .bind(id)
    .execute(db.pool())
    .await?;
    guarded(db, id, result).await
}

/// Gives an operator another role. The last active administrator keeps theirs.
pub async fn set_role(db: &Db, id: &str, role: Role) -> Result<Operator, OperatorError> {
    let guard = if role.is_admin() {
        "1 = 1"
    } else {
        KEEPS_AN_ADMIN
    };
    let result = sqlx::query(&format!(
        "UPDATE operators SET role = $1, updated_at = $2 WHERE id = $3 AND {guard}"
    ))
    .bind(role.as_str())
    .bind(clock::now_text())
    .bind(id)
    .execute(db.pool())
    .await?;
    guarded(db, id, result).await
}

/// The operator after a guarded update, or why nothing changed.
async fn guarded(
    db: &Db,
    id: &str,
    result: sqlx::any::AnyQueryResult,
) -> Result<Operator, OperatorError> {
    let found = find_by_id(db, id).await?.ok_or(OperatorError::NotFound)?;
    if result.rows_affected() == 0 {
        return Err(OperatorError::LastAdmin);
    }
    Ok(found)
}

/// Stamps a successful sign-in and returns the time written.
pub(crate) async fn record_login(db: &Db, id: &str) -> Result<String, DbError> {
    let now = clock::now_text();
    sqlx::query("UPDATE operators SET last_login_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    fn new(login: &str, role: Role) -> NewOperator {
        NewOperator {
            login: login.to_owned(),
            display_name: format!("{login} name"),
            role,
            password: Secret::new("a long enough password"),
        }
    }

    #[tokio::test]
    async fn created_operators_are_found_by_id_and_by_case_insensitive_login() {
        on_each_db!(|db| async move {
            let created = create(&db, new(" Alice@Example.com ", Role::Operator))
                .await
                .expect("created");
            assert_eq!(created.login, "alice@example.com");
            assert!(created.id.starts_with("opr_"));
            assert_eq!(
                find_by_id(&db, &created.id).await.expect("query").as_ref(),
                Some(&created)
            );
            assert_eq!(
                find_by_login(&db, "ALICE@example.com")
                    .await
                    .expect("query"),
                Some(created.clone())
            );
            assert_eq!(find_by_login(&db, "bob").await.expect("query"), None);
            assert_eq!(
                find_by_login(&db, "not a login!").await.expect("query"),
                None
            );
            let hash = password_hash(&db, &created.id)
                .await
                .expect("query")
                .expect("stored");
            assert!(hash.starts_with("$argon2id$"));
        });
    }

    #[tokio::test]
    async fn a_taken_login_is_refused() {
        on_each_db!(|db| async move {
            create(&db, new("carol", Role::Admin)).await.expect("first");
            let error = create(&db, new("CAROL", Role::Support))
                .await
                .expect_err("duplicate");
            assert!(matches!(error, OperatorError::LoginTaken), "{error:?}");
            assert_eq!(count(&db).await.expect("count"), 1);
        });
    }

    #[tokio::test]
    async fn bad_input_creates_nothing() {
        on_each_db!(|db| async move {
            let mut short = new("dave", Role::Admin);
            short.password = Secret::new("short");
            assert!(matches!(
                create(&db, short).await,
                Err(OperatorError::Password(PasswordError::TooShort))
            ));
            assert!(matches!(
                create(&db, new("has space", Role::Admin)).await,
                Err(OperatorError::InvalidLogin)
            ));
            let mut unnamed = new("erin", Role::Admin);
            unnamed.display_name = "  ".to_owned();
            assert!(matches!(
                create(&db, unnamed).await,
                Err(OperatorError::InvalidDisplayName)
            ));
            assert_eq!(count(&db).await.expect("count"), 0);
        });
    }

    #[tokio::test]
    async fn operators_are_listed_by_login() {
        on_each_db!(|db| async move {
            for login in ["mallory", "bob", "trent"] {
                create(&db, new(login, Role::Support))
                    .await
                    .expect("created");
            }
            let logins: Vec<String> = list(&db)
                .await
                .expect("list")
                .into_iter()
                .map(|o| o.login)
                .collect();
            assert_eq!(logins, ["bob", "mallory", "trent"]);
        });
    }

    #[tokio::test]
    async fn password_role_and_disabled_state_can_change() {
        on_each_db!(|db| async move {
            let op = create(&db, new("frank", Role::Support))
                .await
                .expect("created");
            let before = password_hash(&db, &op.id).await.expect("query");
            set_password(&db, &op.id, &Secret::new("another long password"))
                .await
                .expect("set");
            assert_ne!(password_hash(&db, &op.id).await.expect("query"), before);
            assert!(matches!(
                set_password(&db, &op.id, &Secret::new("short")).await,
                Err(OperatorError::Password(PasswordError::TooShort))
            ));

            assert_eq!(
                set_role(&db, &op.id, Role::Admin).await.expect("role").role,
                Role::Admin
            );
            // Another administrator, so that frank is not the last one.
            create(&db, new("grace", Role::Admin))
                .await
                .expect("created");
            let disabled = set_disabled(&db, &op.id, true).await.expect("disable");
            assert!(!disabled.is_active());
            assert!(
                set_disabled(&db, &op.id, false)
                    .await
                    .expect("enable")
                    .is_active()
            );

            record_login(&db, &op.id).await.expect("login recorded");
            assert!(
                find_by_id(&db, &op.id)
                    .await
                    .expect("q")
                    .expect("found")
                    .last_login_at
                    .is_some()
            );

            assert!(matches!(
                set_role(&db, "opr_missing", Role::Admin).await,
                Err(OperatorError::NotFound)
            ));
            assert!(matches!(
                set_disabled(&db, "opr_missing", true).await,
                Err(OperatorError::NotFound)
            ));
        });
    }

    #[test]
    fn roles_round_trip_and_grant_what_they_should() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Admin.is_admin() && Role::Admin.can_change_data());
        assert!(!Role::Operator.is_admin() && Role::Operator.can_change_data());
        assert!(!Role::Support.is_admin() && !Role::Support.can_change_data());
    }

    #[tokio::test]
    async fn the_last_active_administrator_keeps_the_role_and_stays_enabled() {
        on_each_db!(|db| async move {
            let first = create(&db, new("first", Role::Admin))
                .await
                .expect("created");
            let helper = create(&db, new("helper", Role::Operator))
                .await
                .expect("created");
            assert!(matches!(
                set_role(&db, &first.id, Role::Operator).await,
                Err(OperatorError::LastAdmin)
            ));
            assert!(matches!(
                set_disabled(&db, &first.id, true).await,
                Err(OperatorError::LastAdmin)
            ));
            assert!(matches!(
                set_role(&db, "opr_missing", Role::Support).await,
                Err(OperatorError::NotFound)
            ));

            let promoted = set_role(&db, &helper.id, Role::Admin)
                .await
                .expect("promoted");
            assert_eq!(promoted.role, Role::Admin);
            let demoted = set_role(&db, &first.id, Role::Support)
                .await
                .expect("demoted");
            assert_eq!(demoted.role, Role::Support);
            // `helper` is now the only active administrator.
            assert!(matches!(
                set_disabled(&db, &helper.id, true).await,
                Err(OperatorError::LastAdmin)
            ));
            // A disabled administrator does not count as one.
            set_role(&db, &first.id, Role::Admin)
                .await
                .expect("promoted");
            set_disabled(&db, &first.id, true).await.expect("disabled");
            assert!(matches!(
                set_role(&db, &helper.id, Role::Operator).await,
                Err(OperatorError::LastAdmin)
            ));
            set_disabled(&db, &first.id, false).await.expect("enabled");
            set_role(&db, &helper.id, Role::Operator)
                .await
                .expect("demoted");
        });
    }
}
