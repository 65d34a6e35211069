//! Fleetdesk's configuration: one typed struct read from environment variables (a `.env` file in
//! the working folder is read first), with defaults that run an embedded SQLite install as is.
//! `.env.example` documents every variable.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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

/// A variable with a value Fleetdesk cannot use. The message names the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn invalid(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests). Empty
    /// values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let data_dir =
            PathBuf::from(get("FLEETDESK_DATA_DIR").unwrap_or_else(|| "data".to_owned()));

        let database_url = match get("FLEETDESK_DATABASE_URL") {
            Some(url) => {
                if Dialect::of_url(&url).is_none() {
                    return Err(invalid(
                        "FLEETDESK_DATABASE_URL",
                        "must start with sqlite:// or postgres:// (the value is not repeated here: it may hold a password)",
                    ));
                }
                url
            }
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("fleetdesk.db").display()
            ),
        };

        let db_max_connections = match get("FLEETDESK_DB_MAX_CONNECTIONS") {
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "FLEETDESK_DB_MAX_CONNECTIONS",
                        format!("`{text}` is not a whole number from 1 to 1000"),
                    )
                })?,
            None if Dialect::of_url(&database_url) == Some(Dialect::Sqlite) => 5,
            None => 10,
        };

        let listen_text = get("FLEETDESK_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            invalid(
                "FLEETDESK_LISTEN",
                format!("`{listen_text}` is not an address and port such as 127.0.0.1:3000"),
            )
        })?;

        let public_text = get("FLEETDESK_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
        let public_url = url::Url::parse(&public_text)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| {
                invalid(
                    "FLEETDESK_PUBLIC_URL",
                    format!("`{public_text}` is not an http:// or https:// URL"),
                )
            })?;

        let session_key = match get("FLEETDESK_SESSION_KEY") {
            Some(text) => Some(
                decode_session_key(&text)
                    .map_err(|problem| invalid("FLEETDESK_SESSION_KEY", problem))?,
            ),
            None if Dialect::of_url(&database_url) == Some(Dialect::Postgres) => {
                return Err(invalid(
                    "FLEETDESK_SESSION_KEY",
                    "is required with PostgreSQL, so that every instance signs sessions alike \
                     (generate one with `fleetdesk generate-session-key`)",
                ));
            }
            None => None,
        };

        let secret_key_of = |name: &'static str| match get(name) {
            Some(text) => SecretKeys::decode_key(&text).map(Some).map_err(|problem| {
                invalid(
                    name,
                    format!("{problem} (generate one with `fleetdesk generate-secret-key`)"),
                )
            }),
            None => Ok(None),
        };
        let secret_key = secret_key_of("FLEETDESK_SECRET_KEY")?;
        let previous_secret_key = secret_key_of("FLEETDESK_SECRET_KEY_PREVIOUS")?;
        if secret_key.is_none() && Dialect::of_url(&database_url) == Some(Dialect::Postgres) {
            return Err(invalid(
                "FLEETDESK_SECRET_KEY",
                "is required with PostgreSQL, so that every instance opens the stored secrets alike \
                 and a copy of the database alone does not give them away \
                 (generate one with `fleetdesk generate-secret-key`)",
            ));
        }
        if previous_secret_key.is_some() && secret_key.is_none() {
            return Err(invalid(
                "FLEETDESK_SECRET_KEY_PREVIOUS",
                "is only for a rotation: set the new key in FLEETDESK_SECRET_KEY as well",
            ));
        }

        let idle_text = get("FLEETDESK_SESSION_IDLE_MINUTES").unwrap_or_else(|| "60".to_owned());
        let idle_minutes = idle_text
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=7 * 24 * 60).contains(n))
            .ok_or_else(|| {
                invalid(
                    "FLEETDESK_SESSION_IDLE_MINUTES",
                    format!("`{idle_text}` is not a number of minutes from 1 to 10080"),
                )
            })?;

        let log_format = match get("FLEETDESK_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "FLEETDESK_LOG_FORMAT",
                    format!("`{other}` is neither `text` nor `json`"),
                ));
            }
        };

        let log_filter = get("FLEETDESK_LOG").unwrap_or_else(|| "info,sqlx=warn".to_owned());
        if tracing_subscriber::EnvFilter::try_new(&log_filter).is_err() {
            return Err(invalid(
                "FLEETDESK_LOG",
                format!(
                    "`{log_filter}` is not a log filter such as `info` or `info,fleetdesk=debug`"
                ),
            ));
        }

        let bootstrap_admin_login =
            get("FLEETDESK_BOOTSTRAP_ADMIN_LOGIN").unwrap_or_else(|| "admin".to_owned());
        if fleetdesk_core::operators::normalize_login(&bootstrap_admin_login).is_err() {
            return Err(invalid(
                "FLEETDESK_BOOTSTRAP_ADMIN_LOGIN",
                format!(
                    "`{bootstrap_admin_login}` is not a username (a-z, 0-9, '.', '_', '-', '@'; at most 64)"
                ),
            ));
        }
        let bootstrap_admin_password = get("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD").map(Secret::new);
        if let Some(password) = &bootstrap_admin_password {
            fleetdesk_core::password::check_policy(password)
                .map_err(|e| invalid("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", e.to_string()))?;
        }

        let site_root =
            PathBuf::from(get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()));

        let limit_text = get("FLEETDESK_ORANGE_BODY_LIMIT").unwrap_or_else(|| "1048576".to_owned());
        let orange_body_limit = limit_text
            .parse::<usize>()
            .ok()
            .filter(|n| (1024..=256 * 1024 * 1024).contains(n))
            .ok_or_else(|| {
                invalid(
                    "FLEETDESK_ORANGE_BODY_LIMIT",
                    format!("`{limit_text}` is not a number of bytes from 1024 to 268435456"),
                )
            })?;

        let number = |name: &'static str, default: u64, range: std::ops::RangeInclusive<u64>| {
            match get(name) {
                None => Ok(default),
                Some(text) => text
                    .parse::<u64>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        invalid(
                            name,
                            format!(
                                "`{text}` is not a whole number from {} to {}",
                                range.start(),
                                range.end()
                            ),
                        )
                    }),
            }
        };
        let delivery = crate::delivery::EngineSettings {
            concurrency: usize::try_from(number("FLEETDESK_DELIVERY_CONCURRENCY", 64, 1..=1024)?)
                .unwrap_or(64),
            lease: Duration::from_secs(number("FLEETDESK_DELIVERY_LEASE_SECONDS", 30, 2..=3600)?),
        };

        let orange_rate_limit =
            u32::try_from(number("FLEETDESK_ORANGE_RATE_LIMIT", 100, 0..=1_000_000)?)
                .unwrap_or(100);
        let console_timeout =
            Duration::from_secs(number("FLEETDESK_CONSOLE_TIMEOUT_SECONDS", 60, 1..=600)?);
        let trusted_proxy_header = match get("FLEETDESK_TRUSTED_PROXY_HEADER") {
            None => None,
            Some(name) => Some(axum::http::HeaderName::from_bytes(name.as_bytes()).map_err(
                |_| {
                    invalid(
                        "FLEETDESK_TRUSTED_PROXY_HEADER",
                        format!("`{name}` is not a header name"),
                    )
                },
            )?),
        };

        Ok(Config {
            data_dir,
            database_url,
            db_max_connections,
            listen,
            public_url,
            session_key,
            secret_key,
            previous_secret_key,
            session_idle: Duration::from_secs(idle_minutes * 60),
            log_format,
            log_filter,
            bootstrap_admin_login,
            bootstrap_admin_password,
            site_root,
            orange_body_limit,
            delivery,
            trusted_proxy_header,
            orange_rate_limit,
            console_timeout,
        })
    }
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
    fn https_public_urls_get_secure_cookies() {
        assert!(
            config(&[("FLEETDESK_PUBLIC_URL", "https://fleet.example.com")])
                .expect("valid")
                .secure_cookies()
        );
    }
}
