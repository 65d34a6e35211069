//! The command line: `fleetdesk [serve]`, `migrate`, `generate-session-key` and `operator …`.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use fleetdesk_core::Db;
use fleetdesk_core::audit::{self, Actor, Entry};
use fleetdesk_core::login;
use fleetdesk_core::operators::{self, NewOperator, Operator, Role};
use fleetdesk_core::password::{self, Secret};

use crate::config::Config;
use crate::serve;

#[derive(Debug, Parser)]
#[command(
    name = "fleetdesk",
    version,
    about = "Fleetdesk: the partner back-office for Orange Business Applications France.",
    long_about = "Fleetdesk: the partner back-office for Orange Business Applications France.\n\n\
                  Configuration comes from FLEETDESK_* environment variables (and a .env file in the \
                  working folder); see .env.example."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (what `fleetdesk` does with no command).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Print a new random key for FLEETDESK_SESSION_KEY.
    GenerateSessionKey,
    /// Manage the operators who use the console.
    #[command(subcommand)]
    Operator(OperatorCommand),
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create an operator. Without --password-stdin a password is generated and printed once.
    Create {
        /// Username used to sign in (a-z, 0-9, '.', '_', '-', '@').
        #[arg(long)]
        login: String,
        /// Name shown in the console and the audit log.
        #[arg(long)]
        name: String,
        /// admin (everything), operator (day-to-day changes) or support (read-only, plus notes).
        #[arg(long, value_parser = ["admin", "operator", "support"])]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an operator's password and lift any lock-out. Without --password-stdin a password is
    /// generated and printed once.
    SetPassword {
        /// The operator's username.
        login: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an operator: their sessions stop working at once.
    Disable {
        /// The operator's username.
        login: String,
    },
    /// Enable a disabled operator again.
    Enable {
        /// The operator's username.
        login: String,
    },
    /// List the operators.
    List,
}

fn read_password(from_stdin: bool) -> anyhow::Result<(Secret, bool)> {
    if !from_stdin {
        return Ok((password::generate(), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("failed to read the password from standard input")?;
    let password = Secret::new(line.trim_end_matches(['\r', '\n']));
    password::check_policy(&password)?;
    Ok((password, false))
}

async fn find(db: &Db, login: &str) -> anyhow::Result<Operator> {
    match operators::find_by_login(db, login).await? {
        Some(operator) => Ok(operator),
        None => bail!("no operator has the username `{login}`"),
    }
}

/// Runs an operator command against the configured database.
pub async fn operator(config: &Config, command: OperatorCommand) -> anyhow::Result<()> {
    let db = serve::open_database(config).await?;
    let result = operator_on(&db, command).await;
    db.close().await;
    result
}

async fn operator_on(db: &Db, command: OperatorCommand) -> anyhow::Result<()> {
    match command {
        OperatorCommand::Create {
            login,
            name,
            role,
            password_stdin,
        } => {
            let role = Role::parse(&role).context("unknown role")?;
            let (password, generated) = read_password(password_stdin)?;
            let created = operators::create(
                db,
                NewOperator {
                    login,
                    display_name: name,
                    role,
                    password: password.clone(),
                },
            )
            .await?;
            audit::record(
                db.pool(),
                &Entry::new(
                    Actor::cli(),
                    "operator.create",
                    "operator",
                    Some(&created.id),
                )
                .after(&created),
            )
            .await?;
            println!(
                "Created operator `{}` ({}).",
                created.login,
                created.role.as_str()
            );
            if generated {
                println!("Password (shown once): {}", password.expose());
            }
        }
        OperatorCommand::SetPassword {
            login,
            password_stdin,
        } => {
            let operator = find(db, &login).await?;
            let (password, generated) = read_password(password_stdin)?;
            operators::set_password(db, &operator.id, &password).await?;
            login::unlock(db, &operator.login).await?;
            audit::record(
                db.pool(),
                &Entry::new(
                    Actor::cli(),
                    "operator.set_password",
                    "operator",
                    Some(&operator.id),
                ),
            )
            .await?;
            println!("Password of `{}` changed.", operator.login);
            if generated {
                println!("Password (shown once): {}", password.expose());
            }
        }
        OperatorCommand::Disable { login } => set_disabled(db, &login, true).await?,
        OperatorCommand::Enable { login } => set_disabled(db, &login, false).await?,
        OperatorCommand::List => {
            println!("{:<24} {:<9} {:<9} NAME", "USERNAME", "ROLE", "STATE");
            for operator in operators::list(db).await? {
                let state = if operator.is_active() {
                    "active"
                } else {
                    "disabled"
                };
                println!(
                    "{:<24} {:<9} {:<9} {}",
                    operator.login,
                    operator.role.as_str(),
                    state,
                    operator.display_name
                );
            }
        }
    }
    Ok(())
}

async fn set_disabled(db: &Db, login: &str, disabled: bool) -> anyhow::Result<()> {
    let before = find(db, login).await?;
    let after = operators::set_disabled(db, &before.id, disabled).await?;
    if !disabled {
        login::unlock(db, &after.login).await?;
    }
    let action = if disabled {
        "operator.disable"
    } else {
        "operator.enable"
    };
    audit::record(
        db.pool(),
        &Entry::new(Actor::cli(), action, "operator", Some(&after.id))
            .before(&before)
            .after(&after),
    )
    .await?;
    println!(
        "Operator `{}` {}.",
        after.login,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}
