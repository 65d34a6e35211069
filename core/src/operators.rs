//! Operators: the partner's staff who use the console, with their role and password.

use fleetdesk_vocab::OperatorId;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Acting};
use crate::db::{Db, DbError};
use crate::password::{self, PasswordError, Secret};
use crate::{clock, ids};

pub use fleetdesk_vocab::Role;

/// An operator as the rest of the code sees it: the password hash stays in this module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub id: OperatorId,
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
    /// A role change to the role the operator already has: nothing is written.
    #[error("{login} already has the role {role}")]
    Unchanged { login: String, role: Role },
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

/// Creates an operator after checking the username, name and password policy; audited as
/// `operator.create` in the same transaction.
pub async fn create(db: &Db, acting: &Acting, new: NewOperator) -> Result<Operator, OperatorError> {
    create_as(db, acting, "operator.create", new).await
}

/// The first administrator, created by Fleetdesk itself on an empty database; audited as
/// `operator.bootstrap`.
pub async fn bootstrap(db: &Db, new: NewOperator) -> Result<Operator, OperatorError> {
    create_as(db, &Acting::system(), "operator.bootstrap", new).await
}

async fn create_as(
    db: &Db,
    acting: &Acting,
    action: &str,
    new: NewOperator,
) -> Result<Operator, OperatorError> {
    let login = normalize_login(&new.login)?;
    let display_name = normalize_display_name(&new.display_name)?;
    password::check_policy(&new.password)?;
    let hash = password::hash(&new.password).await?;
    let now = clock::now_text();
    let created = Operator {
        id: ids::new_id::<OperatorId>(),
        login,
        display_name,
        role: new.role,
        disabled_at: None,
        last_login_at: None,
        created_at: now.clone(),
        updated_at: now,
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO operators (id, login, display_name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&created.id)
    .bind(&created.login)
    .bind(&created.display_name)
    .bind(created.role.as_str())
    .bind(&hash)
    .bind(&created.created_at)
    .execute(&mut *tx)
    .await
    .map_err(|e| DbError::on_conflict(e, "operator"))?;
    let entry = acting
        .entry(action, "operator", Some(created.id.as_str()))
        .after(&created);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn find_by_id(db: &Db, id: &OperatorId) -> Result<Option<Operator>, DbError> {
    let mut conn = db.pool().acquire().await?;
    find_in(&mut conn, id).await
}

async fn find_in(conn: &mut AnyConnection, id: &OperatorId) -> Result<Option<Operator>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM operators WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
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
pub(crate) async fn password_hash(db: &Db, id: &OperatorId) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM operators WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Sets an operator's password from the CLI; audited as `operator.set_password` (the hash never is).
pub async fn set_password(
    db: &Db,
    acting: &Acting,
    id: &OperatorId,
    new_password: &Secret,
) -> Result<Operator, OperatorError> {
    password::check_policy(new_password)?;
    let hash = password::hash(new_password).await?;
    let mut tx = db.begin_write().await?;
    let after = write_password(&mut tx, id, &hash).await?;
    audit::record(
        &mut *tx,
        &acting.entry("operator.set_password", "operator", Some(id.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Resets an operator's password from the console and ends their sessions but `keep` (the one
/// asking, when administrators reset their own), all in one transaction; audited as
/// `operator.password_reset` with how many sessions ended. Returns the operator and that number.
pub async fn reset_password(
    db: &Db,
    acting: &Acting,
    id: &OperatorId,
    new_password: &Secret,
    keep: Option<&str>,
) -> Result<(Operator, u64), OperatorError> {
    password::check_policy(new_password)?;
    let hash = password::hash(new_password).await?;
    let mut tx = db.begin_write().await?;
    let before = find_in(&mut tx, id).await?.ok_or(OperatorError::NotFound)?;
    let after = write_password(&mut tx, id, &hash).await?;
    let ended = crate::sessions::end_for_operator_in(&mut tx, id.as_str(), keep).await?;
    // The hash is never audited: only that it changed and how many sessions ended.
    let entry = acting
        .entry("operator.password_reset", "operator", Some(id.as_str()))
        .before(serde_json::json!({ "updated_at": before.updated_at }))
        .after(serde_json::json!({
            "updated_at": after.updated_at,
            "password": "changed",
            "sessions_ended": ended,
        }));
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok((after, ended))
}

async fn write_password(
    conn: &mut AnyConnection,
    id: &OperatorId,
    hash: &str,
) -> Result<Operator, OperatorError> {
    let result =
        sqlx::query("UPDATE operators SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(clock::now_text())
            .bind(id)
            .execute(&mut *conn)
            .await?;
    if result.rows_affected() == 0 {
        return Err(OperatorError::NotFound);
    }
    find_in(conn, id).await?.ok_or(OperatorError::NotFound)
}

/// Keeps at least one active administrator: the change applies only when the operator is not an
/// active administrator or another active administrator remains (checked in the same statement).
const KEEPS_AN_ADMIN: &str = "(role <> 'admin' OR disabled_at IS NOT NULL OR EXISTS (\
     SELECT 1 FROM operators AS other WHERE other.role = 'admin' AND other.disabled_at IS NULL \
     AND other.id <> operators.id))";

/// Disables (`true`) or re-enables an operator; audited as `operator.disable` or
/// `operator.enable`. A disabled operator's sessions stop working at once, since every request
/// loads the operator afresh. The last active administrator cannot be disabled.
pub async fn set_disabled(
    db: &Db,
    acting: &Acting,
    id: &OperatorId,
    disabled: bool,
) -> Result<Operator, OperatorError> {
    let now = clock::now_text();
    let disabled_at = disabled.then(|| now.clone());
    let guard = if disabled { KEEPS_AN_ADMIN } else { "1 = 1" };
    let action = if disabled {
        "operator.disable"
    } else {
        "operator.enable"
    };
    let statement =
        format!("UPDATE operators SET disabled_at = $1, updated_at = $2 WHERE id = $3 AND {guard}");
    let update = sqlx::query(&statement)
        .bind(disabled_at)
        .bind(&now)
        .bind(id);
    guarded(db, acting, action, id, |_| false, update).await
}

/// Gives an operator another role; audited as `operator.role_change`. The last active
/// administrator keeps theirs.
pub async fn set_role(
    db: &Db,
    acting: &Acting,
    id: &OperatorId,
    role: Role,
) -> Result<Operator, OperatorError> {
    let guard = if role.is_admin() {
        "1 = 1"
    } else {
        KEEPS_AN_ADMIN
    };
    let statement =
        format!("UPDATE operators SET role = $1, updated_at = $2 WHERE id = $3 AND {guard}");
    let update = sqlx::query(&statement)
        .bind(role.as_str())
        .bind(clock::now_text())
        .bind(id);
    let unchanged = |before: &Operator| before.role == role;
    guarded(db, acting, "operator.role_change", id, unchanged, update).await
}

/// Runs a guarded update of an operator and audits it with the operator before and after, in one
/// transaction; or says why nothing changed (`unchanged` tells a change to what already is).
async fn guarded<'q>(
    db: &Db,
    acting: &Acting,
    action: &str,
    id: &OperatorId,
    unchanged: impl Fn(&Operator) -> bool,
    update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<Operator, OperatorError> {
    let mut tx = db.begin_write().await?;
    let before = find_in(&mut tx, id).await?.ok_or(OperatorError::NotFound)?;
    if unchanged(&before) {
        return Err(OperatorError::Unchanged {
            login: before.login,
            role: before.role,
        });
    }
    if update.execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(OperatorError::LastAdmin);
    }
    let after = find_in(&mut tx, id).await?.ok_or(OperatorError::NotFound)?;
    let entry = acting
        .entry(action, "operator", Some(id.as_str()))
        .before(&before)
        .after(&after);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Stamps a successful sign-in and returns the time written.
pub(crate) async fn record_login(db: &Db, id: &OperatorId) -> Result<String, DbError> {
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

    fn tester() -> Acting {
        Acting::cli()
    }

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
            let created = create(&db, &tester(), new(" Alice@Example.com ", Role::Operator))
                .await
                .expect("created");
            assert_eq!(created.login, "alice@example.com");
            assert!(created.id.as_str().starts_with("opr_"));
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
            create(&db, &tester(), new("carol", Role::Admin))
                .await
                .expect("first");
            let error = create(&db, &tester(), new("CAROL", Role::Support))
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
                create(&db, &tester(), short).await,
                Err(OperatorError::Password(PasswordError::TooShort))
            ));
            assert!(matches!(
                create(&db, &tester(), new("has space", Role::Admin)).await,
                Err(OperatorError::InvalidLogin)
            ));
            let mut unnamed = new("erin", Role::Admin);
            unnamed.display_name = "  ".to_owned();
            assert!(matches!(
                create(&db, &tester(), unnamed).await,
                Err(OperatorError::InvalidDisplayName)
            ));
            assert_eq!(count(&db).await.expect("count"), 0);
        });
    }

    #[tokio::test]
    async fn operators_are_listed_by_login() {
        on_each_db!(|db| async move {
            for login in ["mallory", "bob", "trent"] {
                create(&db, &tester(), new(login, Role::Support))
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
            let op = create(&db, &tester(), new("frank", Role::Support))
                .await
                .expect("created");
            let before = password_hash(&db, &op.id).await.expect("query");
            set_password(
                &db,
                &tester(),
                &op.id,
                &Secret::new("another long password"),
            )
            .await
            .expect("set");
            assert_ne!(password_hash(&db, &op.id).await.expect("query"), before);
            assert!(matches!(
                set_password(&db, &tester(), &op.id, &Secret::new("short")).await,
                Err(OperatorError::Password(PasswordError::TooShort))
            ));

            assert_eq!(
                set_role(&db, &tester(), &op.id, Role::Admin)
                    .await
                    .expect("role")
                    .role,
                Role::Admin
            );
            // Another administrator, so that frank is not the last one.
            create(&db, &tester(), new("grace", Role::Admin))
                .await
                .expect("created");
            let disabled = set_disabled(&db, &tester(), &op.id, true)
                .await
                .expect("disable");
            assert!(!disabled.is_active());
            assert!(
                set_disabled(&db, &tester(), &op.id, false)
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
                set_role(&db, &tester(), &"opr_missing".into(), Role::Admin).await,
                Err(OperatorError::NotFound)
            ));
            assert!(matches!(
                set_disabled(&db, &tester(), &"opr_missing".into(), true).await,
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
            let first = create(&db, &tester(), new("first", Role::Admin))
                .await
                .expect("created");
            let helper = create(&db, &tester(), new("helper", Role::Operator))
                .await
                .expect("created");
            assert!(matches!(
                set_role(&db, &tester(), &first.id, Role::Operator).await,
                Err(OperatorError::LastAdmin)
            ));
            assert!(matches!(
                set_disabled(&db, &tester(), &first.id, true).await,
                Err(OperatorError::LastAdmin)
            ));
            assert!(matches!(
                set_role(&db, &tester(), &"opr_missing".into(), Role::Support).await,
                Err(OperatorError::NotFound)
            ));

            let promoted = set_role(&db, &tester(), &helper.id, Role::Admin)
                .await
                .expect("promoted");
            assert_eq!(promoted.role, Role::Admin);
            // The role it already has: refused, and nothing is audited.
            let count = || async {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log")
                    .fetch_one(db.pool())
                    .await
                    .expect("count")
            };
            let entries = count().await;
            assert!(matches!(
                set_role(&db, &tester(), &helper.id, Role::Admin).await,
                Err(OperatorError::Unchanged { login, .. }) if login == helper.login
            ));
            assert_eq!(count().await, entries);
            let demoted = set_role(&db, &tester(), &first.id, Role::Support)
                .await
                .expect("demoted");
            assert_eq!(demoted.role, Role::Support);
            // `helper` is now the only active administrator.
            assert!(matches!(
                set_disabled(&db, &tester(), &helper.id, true).await,
                Err(OperatorError::LastAdmin)
            ));
            // A disabled administrator does not count as one.
            set_role(&db, &tester(), &first.id, Role::Admin)
                .await
                .expect("promoted");
            set_disabled(&db, &tester(), &first.id, true)
                .await
                .expect("disabled");
            assert!(matches!(
                set_role(&db, &tester(), &helper.id, Role::Operator).await,
                Err(OperatorError::LastAdmin)
            ));
            set_disabled(&db, &tester(), &first.id, false)
                .await
                .expect("enabled");
            set_role(&db, &tester(), &helper.id, Role::Operator)
                .await
                .expect("demoted");
        });
    }
}
