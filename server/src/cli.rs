//! The command line: `fleetdesk [serve]`, `migrate`, `generate-session-key`,
//! `generate-secret-key`, `operator …`,
//! `credential …` (Orange API credentials), `offering …` (the offering catalogue), `backup`
//! and `restore` (the embedded SQLite database), `product-stub` (a stand-in for the partner's
//! product), `simulate` (plays Orange against an installation), `sink` (Orange's event
//! endpoints, to watch an installation's events arrive), `seed` (a large data set) and `demo`
//! (a living console in one command).

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use fleetdesk_core::Db;
use fleetdesk_core::audit::Acting;
use fleetdesk_core::credentials::{self, Credential, CredentialKind};
use fleetdesk_core::login;
use fleetdesk_core::offerings;
use fleetdesk_core::operators::{self, NewOperator, Operator, Role};
use fleetdesk_core::password::{self, Secret};

use crate::config::Config;
use crate::{offering_import, product_stub, serve, simulate, sink};

#[derive(Debug, Parser)]
#[command(
    name = "fleetdesk",
    version,
    about = "Fleetdesk: the partner back-office for Orange Business Applications France.",
    long_about = "Fleetdesk: the partner back-office for Orange Business Applications France.\n\n\
                  Configuration comes from FLEETDESK_* environment variables (and a .env file in the \
                  working folder; see .env.example), or from the flags below, given before the command, \
                  which win over them."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: crate::config::Settings,
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
    /// Print a new random key for FLEETDESK_SECRET_KEY (seals the secrets stored in the database).
    GenerateSecretKey,
    /// Manage the operators who use the console.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Manage the credentials Orange calls the API with.
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Manage the offering catalogue (Orange offer codes).
    #[command(subcommand)]
    Offering(OfferingCommand),
    /// Write a consistent copy of the embedded SQLite database to FILE, while servers keep
    /// running (PostgreSQL: use pg_dump).
    Backup {
        /// Where to write the copy; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Replace the embedded SQLite database's contents with a backup written by `backup`
    /// (checked first; stop the servers beforehand).
    Restore {
        /// The backup file; it is read, never changed.
        file: std::path::PathBuf,
    },
    /// Stand in for the partner's product: receive the provisioning webhooks, check their
    /// signatures, and complete (or fail) each task through the callback API. Needs no database.
    ProductStub(product_stub::Options),
    /// Write a large, realistic data set straight into the database (not through the API):
    /// French business customers with a fleet each and licences of every active offering, with
    /// logins, end users and realizing resources. For trying the console at scale.
    Seed {
        /// How many customers to add.
        #[arg(long, default_value_t = 100)]
        customers: u64,
        /// How many licences each customer gets (spread over the active offerings).
        #[arg(long = "licences-per-customer", default_value_t = 20)]
        licences_per_customer: u64,
        /// The same seed writes the same names, states and values.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Play Orange's side of the contract against an installation and check every answer (and,
    /// with --mode async and --sink, every event). Exit status 0 only when every step passed.
    /// Needs no database.
    Simulate(simulate::Args),
    /// Play Orange's receiving side: a token endpoint and the two event resources; prints each
    /// event as it arrives. Needs no database.
    Sink(sink::Options),
    /// A living console in one command: Fleetdesk on a seeded database of its own (in --folder),
    /// with Orange and the partner's product played in the background. Prints the address and
    /// the sign-in.
    Demo(crate::demo::Options),
}

/// `fleetdesk seed …`: writes the data set with a progress line, then what it wrote and how fast.
pub async fn seed(config: &Config, plan: fleetdesk_core::seed::Plan) -> anyhow::Result<()> {
    use std::io::Write as _;

    let db = serve::open_database(config).await?;
    let total = plan.customers.saturating_mul(plan.licences_per_customer);
    let started = std::time::Instant::now();
    let seeded = fleetdesk_core::seed::seed(&db, &plan, |written| {
        eprint!(
            "\r  {written} of {total} licences written ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
    })
    .await;
    eprintln!();
    db.close().await;
    let seeded = seeded?;
    let seconds = started.elapsed().as_secs_f64();
    if !seeded.offerings_created.is_empty() {
        println!(
            "The catalogue was empty: added the demo offerings {}.",
            seeded.offerings_created.join(", ")
        );
    }
    println!(
        "Seeded {} customers, {} licences and {} realizing resources in {seconds:.1} s ({:.0} licences/s).",
        seeded.customers,
        seeded.licences,
        seeded.resources,
        seeded.licences as f64 / seconds.max(0.001),
    );
    if let Some(reference) = seeded.first_reference {
        println!("Orange's reference of the first customer: {reference}.");
    }
    Ok(())
}

/// `fleetdesk product-stub …`, on a runtime of its own: it reads none of the server's settings.
pub fn product_stub(options: product_stub::Options) -> std::process::ExitCode {
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")
        .and_then(|runtime| runtime.block_on(product_stub::run(options)));
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fleetdesk: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `fleetdesk simulate …`, on a runtime of its own: it reads none of the server's settings.
pub fn simulate(args: simulate::Args) -> std::process::ExitCode {
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")
        .and_then(|runtime| runtime.block_on(simulate::run_command(args)));
    match outcome {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(error) => {
            eprintln!("fleetdesk: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// `fleetdesk sink …`, on a runtime of its own: it reads none of the server's settings.
pub fn sink(options: sink::Options) -> std::process::ExitCode {
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")
        .and_then(|runtime| runtime.block_on(sink::run(options)));
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fleetdesk: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `fleetdesk backup FILE`.
pub async fn backup(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let counts = crate::backup::backup(config, file).await?;
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    println!(
        "Backed up {} tables ({rows} rows) to {}.",
        counts.len(),
        file.display()
    );
    Ok(())
}

/// `fleetdesk restore FILE`.
pub async fn restore(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    let counts = crate::backup::restore(config, file).await?;
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    println!(
        "Restored {} tables ({rows} rows) from {}.",
        counts.len(),
        file.display()
    );
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Issue an API credential; its secret is printed once and never again.
    Issue {
        /// What the credential is for, e.g. "Orange production".
        #[arg(long)]
        label: String,
        /// `orange` (for /orange/v2, the default) or `provisioning` (for the partner's product's
        /// callbacks on /provisioning/v1); each is valid on its own path only.
        #[arg(long, default_value = "orange", value_parser = kind)]
        kind: CredentialKind,
    },
    /// List the API credentials of a kind (never their secrets).
    List {
        /// `orange` (the default) or `provisioning`.
        #[arg(long, default_value = "orange", value_parser = kind)]
        kind: CredentialKind,
    },
    /// Revoke a credential at once: calls made with it are refused from now on.
    Revoke {
        /// The credential's id (cred_…) or its client id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OfferingCommand {
    /// List the offering catalogue.
    List,
    /// Import offerings from a CSV file: existing offer codes are updated, new ones created. If any
    /// line is wrong nothing is imported, the wrong lines are listed and the exit code is 1.
    ///
    /// Columns (header line required): offer_code, name, resource_type (none, msisdn, imei, email,
    /// url), resource_scope (per_licence or per_customer), login_format (optional).
    Import {
        /// The CSV file (UTF-8).
        file: std::path::PathBuf,
    },
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
                &Acting::cli(),
                NewOperator {
                    login,
                    display_name: name,
                    role,
                    password: password.clone(),
                },
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
            operators::set_password(db, &Acting::cli(), &operator.id, &password).await?;
            login::unlock(db, &operator.login).await?;
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
    let after = operators::set_disabled(db, &Acting::cli(), &before.id, disabled).await?;
    if !disabled {
        login::unlock(db, &after.login).await?;
    }
    println!(
        "Operator `{}` {}.",
        after.login,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

fn kind(text: &str) -> Result<CredentialKind, String> {
    CredentialKind::parse(text).ok_or_else(|| "must be orange or provisioning".to_owned())
}

/// Runs a credential command against the configured database.
pub async fn credential(config: &Config, command: CredentialCommand) -> anyhow::Result<()> {
    let db = serve::open_database(config).await?;
    let result = credential_on(&db, command).await;
    db.close().await;
    result
}

async fn find_credential(db: &Db, id: &str) -> anyhow::Result<Credential> {
    if let Some(found) = credentials::find_by_id(db, &id.into()).await? {
        return Ok(found);
    }
    for kind in CredentialKind::ALL {
        if let Some(found) = credentials::list(db, kind)
            .await?
            .into_iter()
            .find(|c| c.client_id == id)
        {
            return Ok(found);
        }
    }
    bail!("no credential has the id or client id `{id}`")
}

async fn credential_on(db: &Db, command: CredentialCommand) -> anyhow::Result<()> {
    match command {
        CredentialCommand::Issue { label, kind } => {
            // No operator behind the command line: `created_by` stays empty, the audit names it.
            let acting = Acting::cli();
            let issued = credentials::issue(db, &acting, kind, &label, None).await?;
            let credential = &issued.credential;
            let secret = issued.secret.expose();
            let basic = credentials::basic_authorization(&credential.client_id, secret);
            println!(
                "Issued credential {} (`{}`).",
                credential.id, credential.label
            );
            println!("Client id: {}", credential.client_id);
            println!("Secret (shown once): {secret}");
            println!(
                "{} sends either header:",
                match kind {
                    CredentialKind::Orange => "Orange",
                    CredentialKind::Provisioning => "The partner's product",
                }
            );
            println!("  Authorization: {basic}");
            println!("  Authorization: Bearer {secret}");
        }
        CredentialCommand::List { kind } => {
            println!(
                "{:<32} {:<26} {:<9} {:<17} {:<17} LABEL",
                "ID", "CLIENT ID", "STATE", "CREATED", "LAST USED"
            );
            for credential in credentials::list(db, kind).await? {
                let state = if credential.is_active() {
                    "active"
                } else {
                    "revoked"
                };
                println!(
                    "{:<32} {:<26} {:<9} {:<17} {:<17} {}",
                    credential.id,
                    credential.client_id,
                    state,
                    minutes(&credential.created_at),
                    credential
                        .last_used_at
                        .as_deref()
                        .map_or_else(|| "never".to_owned(), minutes),
                    credential.label
                );
            }
        }
        CredentialCommand::Revoke { id } => {
            let before = find_credential(db, &id).await?;
            if !before.is_active() {
                println!("Credential {} was already revoked.", before.id);
                return Ok(());
            }
            let after = credentials::revoke(db, &Acting::cli(), &before.id).await?;
            println!("Credential {} (`{}`) revoked.", after.id, after.label);
        }
    }
    Ok(())
}

/// A stored time to the minute: `2026-11-27T12:04` (a text that is not a time, as it is).
fn minutes(stored: &str) -> String {
    fleetdesk_core::clock::parse(stored)
        .ok()
        .and_then(|at| {
            at.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_else(|| stored.to_owned())
}

/// Runs an offering command against the configured database.
pub async fn offering(config: &Config, command: OfferingCommand) -> anyhow::Result<()> {
    // The file first: a wrong path should not wait for the database.
    let text = match &command {
        OfferingCommand::Import { file } => Some(
            std::fs::read_to_string(file)
                .with_context(|| format!("failed to read {}", file.display()))?,
        ),
        OfferingCommand::List => None,
    };
    let db = serve::open_database(config).await?;
    let result = offering_on(&db, text.as_deref()).await;
    db.close().await;
    result
}

async fn offering_on(db: &Db, import: Option<&str>) -> anyhow::Result<()> {
    let Some(text) = import else {
        println!(
            "{:<24} {:<7} {:<8} {:<13} {:<22} NAME",
            "OFFER CODE", "STATE", "RESOURCE", "SCOPE", "LOGIN FORMAT"
        );
        for offering in offerings::list(db).await? {
            println!(
                "{:<24} {:<7} {:<8} {:<13} {:<22} {}",
                offering.offer_code,
                if offering.is_active() {
                    "active"
                } else {
                    "retired"
                },
                offering.resource_type.as_str(),
                offering.resource_scope.as_str(),
                offering.login_format.as_str(),
                offering.name
            );
        }
        return Ok(());
    };
    let report = offering_import::import(db, text, &Acting::cli()).await?;
    if !report.errors.is_empty() {
        for line in offering_import::error_lines(&report, fleetdesk_app::i18n::Lang::En) {
            eprintln!("{line}");
        }
        bail!(
            "nothing was imported: {} wrong line(s)",
            report.errors.len()
        );
    }
    for code in &report.created {
        println!("created {code}");
    }
    for code in &report.updated {
        println!("updated {code}");
    }
    println!(
        "{}",
        offering_import::summary(&report, fleetdesk_vocab::Lang::En)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::minutes;

    #[test]
    fn stored_times_are_shown_to_the_minute() {
        assert_eq!(minutes("2026-11-27T12:04:05.123Z"), "2026-11-27T12:04");
        assert_eq!(minutes("garbled"), "garbled");
    }
}
