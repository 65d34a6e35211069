//! Fleetdesk's configuration: one typed struct, [`Config`], built in `main` from the
//! [`Settings`] clap reads, each from its flag, else its environment variable (a `.env` file in
//! the working folder is read first), else its default; the defaults run an embedded SQLite
//! install as is. `.env.example` documents every variable, `fleetdesk --help` every flag.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};

use fleetdesk_core::Dialect;
use fleetdesk_core::password::Secret;
use fleetdesk_core::sealing::SecretKeys;

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `FLEETDESK_DATA_DIR`: where the embedded database, the generated session key and the first
    /// administrator's password live.
    pub data_dir: PathBuf,
    /// `FLEETDESK_DATABASE_URL`: `sqlite://…` or `postgres://…`; default a SQLite file in the data dir.
    pub database_url: String,
    /// `FLEETDESK_DB_MAX_CONNECTIONS`.
    pub db_max_connections: u32,
    /// `FLEETDESK_LISTEN`: the address the HTTP server binds.
    pub listen: SocketAddr,
    /// `FLEETDESK_PUBLIC_URL`: how browsers and Orange reach this server; cookies are `Secure` when
    /// it is `https`.
    pub public_url: url::Url,
    /// `FLEETDESK_SESSION_KEY`: base64 of at least 64 random bytes, signing session cookies.
    /// Optional with SQLite (a key is generated into the data dir), required with PostgreSQL, where
    /// every instance must share it.
    pub session_key: Option<Vec<u8>>,
    /// `FLEETDESK_SECRET_KEY`: base64 of 32 random bytes, sealing the secrets stored in the
    /// database (Orange's OAuth client secret). Optional with SQLite (a key is generated into the
    /// data dir), required with PostgreSQL. `FLEETDESK_SECRET_KEY_PREVIOUS`: the key being rotated
    /// out; what it sealed still opens and is sealed again under the new key at start.
    pub secret_key: Option<[u8; fleetdesk_core::sealing::KEY_BYTES]>,
    pub previous_secret_key: Option<[u8; fleetdesk_core::sealing::KEY_BYTES]>,
    /// `FLEETDESK_SESSION_IDLE_MINUTES`: a console session ends after this long without a request.
    pub session_idle: Duration,
    /// `FLEETDESK_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `FLEETDESK_LOG`: a tracing filter such as `info` or `info,fleetdesk=debug`.
    pub log_filter: String,
    /// `FLEETDESK_BOOTSTRAP_ADMIN_LOGIN`: the first administrator's username.
    pub bootstrap_admin_login: String,
    /// `FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD`: the first administrator's password; generated and
    /// written to `<data dir>/initial-admin-password` when absent.
    pub bootstrap_admin_password: Option<Secret>,
    /// `LEPTOS_SITE_ROOT`: the built console assets (wasm, JavaScript, CSS).
    pub site_root: PathBuf,
    /// `FLEETDESK_ORANGE_BODY_LIMIT`: the largest request body the Orange API accepts, in bytes
    /// (default 1 MiB); larger ones get 413 `PAYLOAD_TOO_LARGE`.
    pub orange_body_limit: usize,
    /// `FLEETDESK_DELIVERY_CONCURRENCY`: requests in flight per destination at the most
    /// (default 64); `FLEETDESK_DELIVERY_LEASE_SECONDS`: how long a claimed event stays with an
    /// instance that stopped renewing it (default 30).
    pub delivery: crate::delivery::EngineSettings,
    /// `FLEETDESK_TRUSTED_PROXY_HEADER`: the header in which the reverse proxy in front of
    /// Fleetdesk puts the client's address (`X-Forwarded-For`, `X-Real-IP`, ...), for sign-in
    /// limits. Unset (the default), the connection's own address is used and no header is believed.
    /// With `X-Forwarded-For`, the last address is taken: the one the proxy itself appended.
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    /// `FLEETDESK_ORANGE_RATE_LIMIT`: Orange API calls a second allowed per credential and
    /// instance (bursts of twice as many); beyond, 429 `TOO_MANY_REQUESTS` with `Retry-After`.
    /// Default 100; 0 turns the limit off.
    pub orange_rate_limit: u32,
    /// `FLEETDESK_CONSOLE_TIMEOUT_SECONDS`: the longest a console request may take, its body
    /// included (a form or file sent too slowly is cut off); default 60, 1 to 600.
    pub console_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    pub fn dialect(&self) -> Dialect {
        Dialect::of_url(&self.database_url).unwrap_or(Dialect::Sqlite)
    }

    /// Cookies go over HTTPS only, except in local development over plain HTTP.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// A setting with a value Fleetdesk cannot use. The message names the variable (or the flag, when
/// the value was given on the command line) and never repeats a secret or a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable of the setting.
    pub variable: String,
    pub problem: String,
    /// The flag, when the value came from the command line.
    flag: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.flag.as_deref().unwrap_or(&self.variable);
        write!(f, "{name}: {}", self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn invalid(variable: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_owned(),
        problem: problem.into(),
        flag: None,
    }
}

/// Every setting, as clap reads it: from its flag, else from its environment variable, else its
/// default. Each value is parsed by the function named beside it, whose message says what is
/// wrong without the setting's name (added by [`ConfigError`]). A variable set to a blank value
/// counts as unset (see [`read_command_line`]). The flags come before the command
/// (`fleetdesk --listen 0.0.0.0:3000 serve`): clap would otherwise read a variable again for
/// the command and refuse it there even when the flag overrides it.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Settings (each one also read from the variable named)")]
pub struct Settings {
    /// Where the embedded database, the generated keys and the first administrator's password
    /// file live
    #[arg(long, env = "FLEETDESK_DATA_DIR", value_name = "FOLDER", default_value = "data",
          value_parser = path)]
    pub data_dir: PathBuf,

    /// sqlite://… or postgres://user:password@host:5432/database [default: a SQLite file in the
    /// data folder]
    #[arg(long, env = "FLEETDESK_DATABASE_URL", value_name = "URL", value_parser = database_url,
          hide_env_values = true)]
    pub database_url: Option<String>,

    /// Database connections each instance keeps open at the most [default: 5 with SQLite, 10
    /// with PostgreSQL]
    #[arg(long, env = "FLEETDESK_DB_MAX_CONNECTIONS", value_name = "N",
          value_parser = |text: &str| number::<u32>(text, 1..=1000, "a whole number"))]
    pub db_max_connections: Option<u32>,

    /// The address and port the HTTP server listens on
    #[arg(long, env = "FLEETDESK_LISTEN", value_name = "ADDRESS", default_value = "127.0.0.1:3000",
          value_parser = listen)]
    pub listen: SocketAddr,

    /// How browsers and Orange reach this server; session cookies are Secure when it is https
    /// [default: http:// and the listen address]
    #[arg(long, env = "FLEETDESK_PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    pub public_url: Option<url::Url>,

    /// Base64 of at least 64 random bytes that signs session cookies (`fleetdesk
    /// generate-session-key`); generated into the data folder with SQLite, required with
    /// PostgreSQL. Prefer the variable: a command line can be read by other users of the machine
    #[arg(long, env = "FLEETDESK_SESSION_KEY", value_name = "KEY", value_parser = session_key,
          hide_env_values = true)]
    pub session_key: Option<SessionKey>,

    /// Base64 of 32 random bytes that seals the secrets stored in the database (`fleetdesk
    /// generate-secret-key`); generated into the data folder with SQLite, required with
    /// PostgreSQL. Prefer the variable
    #[arg(long, env = "FLEETDESK_SECRET_KEY", value_name = "KEY", value_parser = secret_key,
          hide_env_values = true)]
    pub secret_key: Option<SealingKey>,

    /// The secret key being rotated out: what it sealed still opens, and is sealed again under
    /// the new key at start. Prefer the variable
    #[arg(long, env = "FLEETDESK_SECRET_KEY_PREVIOUS", value_name = "KEY",
          value_parser = secret_key, hide_env_values = true)]
    pub secret_key_previous: Option<SealingKey>,

    /// A console session ends after this many minutes without a request (1 to 10080)
    #[arg(long, env = "FLEETDESK_SESSION_IDLE_MINUTES", value_name = "MINUTES",
          default_value = "60",
          value_parser = |text: &str| number::<u64>(text, 1..=7 * 24 * 60, "a number of minutes"))]
    pub session_idle_minutes: u64,

    /// `text` (readable) or `json` (one JSON object a line, for log collectors)
    #[arg(long, env = "FLEETDESK_LOG_FORMAT", value_name = "FORMAT", default_value = "text",
          value_parser = log_format)]
    pub log_format: LogFormat,

    /// A log filter: a level (error, warn, info, debug, trace), optionally per module
    #[arg(long = "log", env = "FLEETDESK_LOG", value_name = "FILTER",
          default_value = "info,sqlx=warn", value_parser = log_filter)]
    pub log_filter: String,

    /// The first administrator's username, created at start when the database has no
    /// administrator
    #[arg(long, env = "FLEETDESK_BOOTSTRAP_ADMIN_LOGIN", value_name = "LOGIN",
          default_value = "admin", value_parser = login)]
    pub bootstrap_admin_login: String,

    /// The first administrator's password (12 characters at least); generated into
    /// <data folder>/initial-admin-password when unset. Prefer the variable
    #[arg(long, env = "FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", value_name = "PASSWORD",
          value_parser = password, hide_env_values = true)]
    pub bootstrap_admin_password: Option<Secret>,

    /// The built console assets (wasm, JavaScript, CSS)
    #[arg(long, env = "LEPTOS_SITE_ROOT", value_name = "FOLDER", default_value = "target/site",
          value_parser = path)]
    pub site_root: PathBuf,

    /// The largest request body the Orange API accepts, in bytes (larger: 413
    /// PAYLOAD_TOO_LARGE)
    #[arg(long, env = "FLEETDESK_ORANGE_BODY_LIMIT", value_name = "BYTES",
          default_value = "1048576",
          value_parser = |text: &str| number::<usize>(text, 1024..=256 * 1024 * 1024, "a number of bytes"))]
    pub orange_body_limit: usize,

    /// Requests in flight per destination at the most
    #[arg(long, env = "FLEETDESK_DELIVERY_CONCURRENCY", value_name = "N", default_value = "64",
          value_parser = |text: &str| number::<usize>(text, 1..=1024, "a whole number"))]
    pub delivery_concurrency: usize,

    /// How long a claimed event stays with an instance that stopped renewing its lease (after a
    /// crash) before another takes it
    #[arg(long, env = "FLEETDESK_DELIVERY_LEASE_SECONDS", value_name = "SECONDS",
          default_value = "30",
          value_parser = |text: &str| number::<u64>(text, 2..=3600, "a whole number"))]
    pub delivery_lease_seconds: u64,

    /// Orange API calls a second allowed per credential and instance (bursts of twice as
    /// many); 0 turns the limit off
    #[arg(long, env = "FLEETDESK_ORANGE_RATE_LIMIT", value_name = "N", default_value = "100",
          value_parser = |text: &str| number::<u32>(text, 0..=1_000_000, "a whole number"))]
    pub orange_rate_limit: u32,

    /// The longest a console request may take, its body included (1 to 600 seconds)
    #[arg(long, env = "FLEETDESK_CONSOLE_TIMEOUT_SECONDS", value_name = "SECONDS",
          default_value = "60",
          value_parser = |text: &str| number::<u64>(text, 1..=600, "a whole number"))]
    pub console_timeout_seconds: u64,

    /// Behind a reverse proxy: the header carrying the client's address, for sign-in limits
    /// (X-Forwarded-For: its last address). Unset, no header is believed
    #[arg(long, env = "FLEETDESK_TRUSTED_PROXY_HEADER", value_name = "HEADER",
          value_parser = header_name)]
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
}

/// A session signing key, read from base64; `Debug` does not show it.
#[derive(Clone)]
pub struct SessionKey(pub Vec<u8>);

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(***)")
    }
}

/// A key sealing the stored secrets, read from base64; `Debug` does not show it.
#[derive(Clone)]
pub struct SealingKey(pub [u8; fleetdesk_core::sealing::KEY_BYTES]);

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(***)")
    }
}

// Each setting's parser gets the value as given (a variable's may be padded with spaces) and says
// what is wrong with it without naming the setting.

fn path(text: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(text.trim()))
}

fn database_url(text: &str) -> Result<String, String> {
    let url = text.trim();
    match Dialect::of_url(url) {
        Some(_) => Ok(url.to_owned()),
        None => Err(
            "must start with sqlite:// or postgres:// (the value is not repeated here: \
                     it may hold a password)"
                .to_owned(),
        ),
    }
}

fn number<T>(text: &str, range: std::ops::RangeInclusive<T>, what: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + fmt::Display,
{
    let text = text.trim();
    text.parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            format!(
                "`{text}` is not {what} from {} to {}",
                range.start(),
                range.end()
            )
        })
}

fn listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    text.parse()
        .map_err(|_| format!("`{text}` is not an address and port such as 127.0.0.1:3000"))
}

fn public_url(text: &str) -> Result<url::Url, String> {
    let text = text.trim();
    url::Url::parse(text)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
        .ok_or_else(|| format!("`{text}` is not an http:// or https:// URL"))
}

fn session_key(text: &str) -> Result<SessionKey, String> {
    decode_session_key(text.trim()).map(SessionKey)
}

fn secret_key(text: &str) -> Result<SealingKey, String> {
    SecretKeys::decode_key(text.trim())
        .map(SealingKey)
        .map_err(|problem| format!("{problem} (generate one with `fleetdesk generate-secret-key`)"))
}

fn log_format(text: &str) -> Result<LogFormat, String> {
    match text.trim() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(format!("`{other}` is neither `text` nor `json`")),
    }
}

fn log_filter(text: &str) -> Result<String, String> {
    let filter = text.trim();
    match tracing_subscriber::EnvFilter::try_new(filter) {
        Ok(_) => Ok(filter.to_owned()),
        Err(_) => Err(format!(
            "`{filter}` is not a log filter such as `info` or `info,fleetdesk=debug`"
        )),
    }
}

fn login(text: &str) -> Result<String, String> {
    let login = text.trim();
    match fleetdesk_core::operators::normalize_login(login) {
        Ok(_) => Ok(login.to_owned()),
        Err(_) => Err(format!(
            "`{login}` is not a username (a-z, 0-9, '.', '_', '-', '@'; at most 64)"
        )),
    }
}

fn password(text: &str) -> Result<Secret, String> {
    let password = Secret::new(text.trim());
    fleetdesk_core::password::check_policy(&password).map_err(|e| e.to_string())?;
    Ok(password)
}

fn header_name(text: &str) -> Result<axum::http::HeaderName, String> {
    let name = text.trim();
    axum::http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a header name"))
}

impl Config {
    /// The configuration from the settings read: the defaults that follow from other settings,
    /// and the rules between settings.
    pub fn new(settings: Settings) -> Result<Config, ConfigError> {
        let database_url = settings.database_url.unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                settings.data_dir.join("fleetdesk.db").display()
            )
        });
        let dialect = Dialect::of_url(&database_url);
        let db_max_connections =
            settings
                .db_max_connections
                .unwrap_or(if dialect == Some(Dialect::Sqlite) {
                    5
                } else {
                    10
                });

        let public_url = match settings.public_url {
            Some(url) => url,
            None => public_url(&format!("http://{}", settings.listen))
                .map_err(|problem| invalid("FLEETDESK_PUBLIC_URL", problem))?,
        };

        if settings.session_key.is_none() && dialect == Some(Dialect::Postgres) {
            return Err(invalid(
                "FLEETDESK_SESSION_KEY",
                "is required with PostgreSQL, so that every instance signs sessions alike \
                 (generate one with `fleetdesk generate-session-key`)",
            ));
        }
        if settings.secret_key.is_none() && dialect == Some(Dialect::Postgres) {
            return Err(invalid(
                "FLEETDESK_SECRET_KEY",
                "is required with PostgreSQL, so that every instance opens the stored secrets alike \
                 and a copy of the database alone does not give them away \
                 (generate one with `fleetdesk generate-secret-key`)",
            ));
        }
        if settings.secret_key_previous.is_some() && settings.secret_key.is_none() {
            return Err(invalid(
                "FLEETDESK_SECRET_KEY_PREVIOUS",
                "is only for a rotation: set the new key in FLEETDESK_SECRET_KEY as well",
            ));
        }

        Ok(Config {
            data_dir: settings.data_dir,
            database_url,
            db_max_connections,
            listen: settings.listen,
            public_url,
            session_key: settings.session_key.map(|key| key.0),
            secret_key: settings.secret_key.map(|key| key.0),
            previous_secret_key: settings.secret_key_previous.map(|key| key.0),
            session_idle: Duration::from_secs(settings.session_idle_minutes * 60),
            log_format: settings.log_format,
            log_filter: settings.log_filter,
            bootstrap_admin_login: settings.bootstrap_admin_login,
            bootstrap_admin_password: settings.bootstrap_admin_password,
            site_root: settings.site_root,
            orange_body_limit: settings.orange_body_limit,
            delivery: crate::delivery::EngineSettings {
                concurrency: settings.delivery_concurrency,
                lease: Duration::from_secs(settings.delivery_lease_seconds),
            },
            trusted_proxy_header: settings.trusted_proxy_header,
            orange_rate_limit: settings.orange_rate_limit,
            console_timeout: Duration::from_secs(settings.console_timeout_seconds),
        })
    }

    /// The configuration read through `lookup` alone, as if it were the environment and the
    /// command line were empty (tests, examples): the same parsers, defaults and rules as
    /// [`read_command_line`], without the process's own variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        // clap reads variables from the process only: each value looked up is handed to it as
        // its flag instead, which takes the same way through clap.
        let mut args = Vec::new();
        let mut command = SettingsAlone::command().mut_args(|arg| {
            let given = arg
                .get_env()
                .and_then(|name| name.to_str())
                .and_then(&lookup)
                .filter(|value| !value.trim().is_empty());
            if let (Some(value), Some(long)) = (given, arg.get_long()) {
                args.push(format!("--{long}={value}"));
            }
            arg.env(None)
        });
        let variables = variables_of(&SettingsAlone::command());
        // Only the settings' own flags are given, each once: nothing but a value can be wrong.
        let not_a_value = |error: clap::Error| invalid("the settings", error.kind().to_string());
        let matches = command.try_get_matches_from_mut(&args).map_err(|error| {
            match refused(&variables, error, &[]) {
                Unread::Setting(error) => error,
                Unread::CommandLine(error) => not_a_value(error),
            }
        })?;
        let alone = SettingsAlone::from_arg_matches(&matches).map_err(not_a_value)?;
        Config::new(alone.settings)
    }
}

/// The settings without a command, for [`Config::from_lookup`].
#[derive(Debug, clap::Parser)]
#[command(name = "fleetdesk", no_binary_name = true)]
struct SettingsAlone {
    #[command(flatten)]
    settings: Settings,
}

/// Why the command line could not be read.
#[derive(Debug)]
pub enum Unread {
    /// A setting's value is wrong: say which, and stop.
    Setting(ConfigError),
    /// Anything else (an unknown command, `--help`, `--version`): clap says it, as usual.
    CommandLine(clap::Error),
}

/// Reads the command line `P` (with [`Settings`] among its arguments) from the process's
/// arguments and environment. A variable set to a blank value counts as unset: clap would hand
/// the blank text to the setting's parser, so such a variable is not given to clap at all.
pub fn read_command_line<P: clap::Parser>() -> Result<P, Unread> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let variables = variables_of(&P::command());
    // clap would refuse such a value without naming its variable.
    for (_, variable) in &variables {
        if std::env::var_os(variable).is_some_and(|value| value.to_str().is_none()) {
            return Err(Unread::Setting(invalid(variable, "is not valid UTF-8")));
        }
    }
    let mut command = P::command().mut_args(|arg| {
        let blank = arg.get_env().is_some_and(|name| {
            std::env::var_os(name).is_some_and(|value| value.to_string_lossy().trim().is_empty())
        });
        if blank { arg.env(None) } else { arg }
    });
    let matches = command
        .try_get_matches_from_mut(&args)
        .map_err(|error| refused(&variables, error, &args))?;
    P::from_arg_matches(&matches).map_err(Unread::CommandLine)
}

/// Each setting's flag (without `--`) and variable.
fn variables_of(command: &clap::Command) -> Vec<(String, String)> {
    command
        .get_arguments()
        .filter_map(|arg| {
            let long = arg.get_long()?;
            let variable = arg.get_env()?.to_str()?;
            Some((long.to_owned(), variable.to_owned()))
        })
        .collect()
}

/// A setting's value refused by its parser becomes a [`ConfigError`] naming the variable, or the
/// flag when `args` hold it; clap's own message is not shown, as it repeats the value.
fn refused(
    variables: &[(String, String)],
    error: clap::Error,
    args: &[std::ffi::OsString],
) -> Unread {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::ValueValidation {
        return Unread::CommandLine(error);
    }
    // clap names the argument as `--listen <ADDRESS>`.
    let long = match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(shown)) => shown
            .trim_start_matches('-')
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned(),
        _ => return Unread::CommandLine(error),
    };
    let Some((_, variable)) = variables.iter().find(|(flag, _)| *flag == long) else {
        return Unread::CommandLine(error);
    };
    let problem = match std::error::Error::source(&error) {
        Some(problem) => problem.to_string(),
        None => return Unread::CommandLine(error),
    };
    let flag = format!("--{long}");
    let on_the_command_line = args.iter().any(|arg| {
        arg.to_str()
            .is_some_and(|arg| arg == flag || arg.starts_with(&format!("{flag}=")))
    });
    Unread::Setting(ConfigError {
        variable: variable.clone(),
        problem,
        flag: on_the_command_line.then_some(flag),
    })
}

/// The session key's minimum length, as the cookie signing scheme requires.
pub const SESSION_KEY_BYTES: usize = 64;

fn decode_session_key(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| {
            "is not valid base64 (generate one with `fleetdesk generate-session-key`)".to_owned()
        })?;
    if bytes.len() < SESSION_KEY_BYTES {
        return Err(format!(
            "must decode to at least {SESSION_KEY_BYTES} bytes, not {}",
            bytes.len()
        ));
    }
    Ok(bytes)
}

/// A new random session key, base64-encoded.
pub fn generate_session_key() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; SESSION_KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn the_defaults_run_an_embedded_install() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.database_url, "sqlite://data/fleetdesk.db?mode=rwc");
        assert_eq!(config.dialect(), Dialect::Sqlite);
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(!config.secure_cookies());
        assert_eq!(config.db_max_connections, 5);
        assert_eq!(config.session_idle, Duration::from_secs(3600));
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.bootstrap_admin_login, "admin");
        assert!(config.session_key.is_none());
        assert!(config.secret_key.is_none());
        assert_eq!(config.console_timeout, Duration::from_secs(60));
    }

    #[test]
    fn each_malformed_value_names_its_variable() {
        let cases = [
            ("FLEETDESK_LISTEN", "localhost"),
            ("FLEETDESK_PUBLIC_URL", "ftp://x"),
            ("FLEETDESK_DATABASE_URL", "mysql://root@x/db"),
            ("FLEETDESK_DB_MAX_CONNECTIONS", "0"),
            ("FLEETDESK_SESSION_KEY", "not base64!"),
            ("FLEETDESK_SECRET_KEY", "not base64!"),
            ("FLEETDESK_SECRET_KEY", "c2hvcnQ="),
            ("FLEETDESK_SESSION_IDLE_MINUTES", "soon"),
            ("FLEETDESK_LOG_FORMAT", "xml"),
            ("FLEETDESK_LOG", "info,[[["),
            ("FLEETDESK_BOOTSTRAP_ADMIN_LOGIN", "the boss"),
            ("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", "short"),
            ("FLEETDESK_CONSOLE_TIMEOUT_SECONDS", "0"),
        ];
        for (variable, value) in cases {
            let error = config(&[(variable, value)]).expect_err(variable);
            assert_eq!(error.variable, variable);
            assert!(error.to_string().starts_with(variable), "{error}");
        }
    }

    #[test]
    fn a_database_url_with_a_password_is_not_echoed() {
        let error =
            config(&[("FLEETDESK_DATABASE_URL", "mysql://root:hunter2@x/db")]).expect_err("mysql");
        assert!(!error.to_string().contains("hunter2"));
    }

    #[test]
    fn postgresql_needs_a_shared_session_key() {
        let url = (
            "FLEETDESK_DATABASE_URL",
            "postgres://postgres@127.0.0.1/fleet",
        );
        assert_eq!(
            config(&[url]).expect_err("no key").variable,
            "FLEETDESK_SESSION_KEY"
        );
        let key = generate_session_key();
        assert_eq!(
            config(&[url, ("FLEETDESK_SESSION_KEY", &key)])
                .expect_err("no secret key")
                .variable,
            "FLEETDESK_SECRET_KEY"
        );
        let secret = fleetdesk_core::sealing::generate_key();
        let config = config(&[
            url,
            ("FLEETDESK_SESSION_KEY", &key),
            ("FLEETDESK_SECRET_KEY", &secret),
        ])
        .expect("valid");
        assert_eq!(config.session_key.map(|k| k.len()), Some(SESSION_KEY_BYTES));
        assert!(config.secret_key.is_some());
        assert_eq!(config.db_max_connections, 10);
    }

    #[test]
    fn a_previous_secret_key_alone_is_refused() {
        let old = fleetdesk_core::sealing::generate_key();
        let error = config(&[("FLEETDESK_SECRET_KEY_PREVIOUS", &old)]).expect_err("alone");
        assert_eq!(error.variable, "FLEETDESK_SECRET_KEY_PREVIOUS");
        let new = fleetdesk_core::sealing::generate_key();
        let both = config(&[
            ("FLEETDESK_SECRET_KEY_PREVIOUS", &old),
            ("FLEETDESK_SECRET_KEY", &new),
        ])
        .expect("a rotation");
        assert!(both.previous_secret_key.is_some() && both.secret_key.is_some());
    }

    #[test]
    fn a_short_session_key_is_refused() {
        use base64::Engine;
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let error = config(&[("FLEETDESK_SESSION_KEY", &short)]).expect_err("short");
        assert!(error.problem.contains("at least 64 bytes"), "{error}");
    }

    #[test]
    fn each_refusal_reads_as_it_did_and_names_its_variable() {
        for (variable, value, message) in [
            (
                "FLEETDESK_LISTEN",
                " localhost ",
                "FLEETDESK_LISTEN: `localhost` is not an address and port such as 127.0.0.1:3000",
            ),
            (
                "FLEETDESK_DB_MAX_CONNECTIONS",
                "1001",
                "FLEETDESK_DB_MAX_CONNECTIONS: `1001` is not a whole number from 1 to 1000",
            ),
            (
                "FLEETDESK_SESSION_IDLE_MINUTES",
                "0",
                "FLEETDESK_SESSION_IDLE_MINUTES: `0` is not a number of minutes from 1 to 10080",
            ),
            (
                "FLEETDESK_ORANGE_BODY_LIMIT",
                "12",
                "FLEETDESK_ORANGE_BODY_LIMIT: `12` is not a number of bytes from 1024 to 268435456",
            ),
            (
                "FLEETDESK_DELIVERY_CONCURRENCY",
                "1025",
                "FLEETDESK_DELIVERY_CONCURRENCY: `1025` is not a whole number from 1 to 1024",
            ),
            (
                "FLEETDESK_DELIVERY_LEASE_SECONDS",
                "1",
                "FLEETDESK_DELIVERY_LEASE_SECONDS: `1` is not a whole number from 2 to 3600",
            ),
            (
                "FLEETDESK_ORANGE_RATE_LIMIT",
                "-1",
                "FLEETDESK_ORANGE_RATE_LIMIT: `-1` is not a whole number from 0 to 1000000",
            ),
            (
                "FLEETDESK_TRUSTED_PROXY_HEADER",
                "X Forwarded",
                "FLEETDESK_TRUSTED_PROXY_HEADER: `X Forwarded` is not a header name",
            ),
            (
                "FLEETDESK_LOG_FORMAT",
                "xml",
                "FLEETDESK_LOG_FORMAT: `xml` is neither `text` nor `json`",
            ),
            (
                "FLEETDESK_SECRET_KEY_PREVIOUS",
                "c2hvcnQ=",
                "FLEETDESK_SECRET_KEY_PREVIOUS: must decode to 32 bytes, not 5 \
                 (generate one with `fleetdesk generate-secret-key`)",
            ),
            (
                "FLEETDESK_PUBLIC_URL",
                "https://",
                "FLEETDESK_PUBLIC_URL: `https://` is not an http:// or https:// URL",
            ),
        ] {
            let error = config(&[(variable, value)]).expect_err(variable);
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn a_blank_value_counts_as_unset() {
        let config = config(&[
            ("FLEETDESK_LISTEN", "   "),
            ("FLEETDESK_LOG_FORMAT", ""),
            ("FLEETDESK_SESSION_KEY", " "),
            ("FLEETDESK_SESSION_IDLE_MINUTES", " 15 "),
        ])
        .expect("blank values are left out");
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.log_format, LogFormat::Text);
        assert!(config.session_key.is_none());
        assert_eq!(config.session_idle, Duration::from_secs(15 * 60));
    }

    #[test]
    fn the_example_file_names_every_setting_and_only_them() {
        let mut settings: Vec<String> = variables_of(&SettingsAlone::command())
            .into_iter()
            .map(|(_, variable)| variable)
            .collect();
        settings.sort();
        let example = include_str!("../../.env.example");
        let mut named: Vec<String> = example
            .lines()
            .map(|line| line.trim_start_matches('#').trim_start())
            .filter_map(|line| line.split_once('=').map(|(name, _)| name))
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            })
            .map(str::to_owned)
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, settings);
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let key = generate_session_key();
        let secret = fleetdesk_core::sealing::generate_key();
        let settings = format!(
            "{:?}",
            (
                session_key(&key).expect("key"),
                secret_key(&secret).expect("key")
            )
        );
        assert_eq!(settings, "(SessionKey(***), SealingKey(***))");
    }

    #[test]
    fn https_public_urls_get_secure_cookies() {
        assert!(
            config(&[("FLEETDESK_PUBLIC_URL", "https://fleet.example.com")])
                .expect("valid")
                .secure_cookies()
        );
    }
}
