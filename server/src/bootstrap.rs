//! The first administrator, so that a new install can be used without touching the database.

use anyhow::Context;

use fleetdesk_core::Db;
use fleetdesk_core::operators::{self, NewOperator, OperatorError, Role};
use fleetdesk_core::password;

use crate::config::Config;
use crate::serve::write_private;

/// The file that receives a generated first password.
pub const PASSWORD_FILE: &str = "initial-admin-password";

/// Creates the first administrator when the database has no administrator (a new install, or
/// one where only the CLI has added non-admin operators so far).
///
/// The password is `FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD` or, when that is unset, a generated one
/// written to `<data dir>/initial-admin-password` (readable by its owner only), never to the log.
pub async fn first_admin(db: &Db, config: &Config) -> anyhow::Result<()> {
    if operators::list(db)
        .await?
        .iter()
        .any(|operator| operator.role.is_admin())
    {
        return Ok(());
    }
    let generated = config.bootstrap_admin_password.is_none();
    let password = config
        .bootstrap_admin_password
        .clone()
        .unwrap_or_else(password::generate);
    let new = NewOperator {
        login: config.bootstrap_admin_login.clone(),
        display_name: "Administrator".to_owned(),
        role: Role::Admin,
        password: password.clone(),
    };
    let admin = match operators::bootstrap(db, new).await {
        Ok(admin) => admin,
        // Another instance starting at the same time won the race, or the name is already used.
        Err(OperatorError::LoginTaken) => {
            tracing::warn!(login = %config.bootstrap_admin_login, "no administrator exists, but the first administrator's username is taken");
            return Ok(());
        }
        Err(error) => return Err(error).context("failed to create the first administrator"),
    };
    if generated {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "failed to create the data folder {}",
                config.data_dir.display()
            )
        })?;
        let path = config.data_dir.join(PASSWORD_FILE);
        write_private(&path, password.expose())?;
        eprintln!(
            "Created the first administrator `{}`. Its password is in {} (change it once signed in).",
            admin.login,
            path.display()
        );
    } else {
        eprintln!(
            "Created the first administrator `{}` with the configured password.",
            admin.login
        );
    }
    tracing::info!(operator.id = %admin.id, "first administrator created");
    Ok(())
}
