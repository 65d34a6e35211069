//! The state every handler shares: cheap to clone, `Arc`s inside.

use std::sync::Arc;

use axum::extract::FromRef;
use fleetdesk_core::Db;
use leptos::config::LeptosOptions;

use crate::config::Config;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Wakes the worker that completes acknowledged (asynchronous) Orange work.
    pub completion: Arc<tokio::sync::Notify>,
    /// Wakes the worker that delivers events to Orange (new events, resends, resume).
    pub delivery: Arc<tokio::sync::Notify>,
    /// Wakes the worker that applies bulk files of licence changes.
    pub bulk: Arc<tokio::sync::Notify>,
    /// Orange API calls refused for want of a valid credential: counted, a few kept.
    pub refused_calls: Arc<crate::orange::exchange::RefusedCalls>,
    /// Records the Orange exchanges of calls answered at the same time together.
    pub exchanges: Arc<fleetdesk_core::orange::exchanges::Recorder>,
    /// Orange API calls per credential, limited (`None`: no limit configured).
    pub orange_rate: Option<Arc<crate::orange::exchange::RateLimit>>,
    /// This server's metrics (its own recorder, not the process's).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The sandbox's sink, served under `/sandbox` while the sandbox is on.
    pub sandbox: crate::sink::Sink,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// The console's Leptos options, taken from Fleetdesk's own configuration. When the site was built
/// with its assets named by their content (`scripts/site` writes `hash.txt` beside them), the
/// pages name the hashed files.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let hash_file = hash_file(config);
    LeptosOptions::builder()
        .output_name("fleetdesk")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(leptos::config::Env::PROD)
        .hash_files(hash_file.is_file())
        // Absolute: Leptos reads it relative to the executable's folder otherwise.
        .hash_file(std::sync::Arc::from(hash_file.display().to_string()))
        .build()
}

/// Where the site's asset hashes are: `LEPTOS_SITE_ROOT/hash.txt`, made absolute.
pub fn hash_file(config: &Config) -> std::path::PathBuf {
    let root = std::path::absolute(&config.site_root).unwrap_or_else(|_| config.site_root.clone());
    root.join("hash.txt")
}
