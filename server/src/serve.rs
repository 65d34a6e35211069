//! Starting and stopping the server: database, migrations, first administrator, session key,
//! HTTP listener, background tasks, and a graceful shutdown on Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_sessions::ExpiredDeletion;
use tower_sessions::cookie::Key;

use fleetdesk_core::Db;
use fleetdesk_core::db::PoolSettings;
use fleetdesk_core::sealing::SecretKeys;
use fleetdesk_core::sessions::DbSessionStore;

use crate::config::{Config, generate_session_key};
use crate::state::{AppState, leptos_options};
use crate::{bootstrap, http};

/// Connects to the configured database and applies the migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    if config.dialect() == fleetdesk_core::Dialect::Sqlite {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "failed to create the data folder {}",
                config.data_dir.display()
            )
        })?;
    }
    let settings = PoolSettings {
        max_connections: config.db_max_connections,
        ..PoolSettings::default()
    };
    let db = Db::connect(&config.database_url, settings).await?;
    db.migrate().await?;
    Ok(db.with_secret_keys(secret_keys(config)?))
}

/// The text of a key file in the data folder, written with a new key (`generate`) the first time.
fn key_file(
    config: &Config,
    name: &str,
    generate: fn() -> String,
) -> anyhow::Result<(PathBuf, String)> {
    let path = config.data_dir.join(name);
    if !path.exists() {
        write_private(&path, &generate())?;
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    Ok((path, text))
}

/// The keys stored secrets are sealed under: configured, or generated once into the data folder
/// (SQLite only; PostgreSQL requires `FLEETDESK_SECRET_KEY`, see the configuration).
pub fn secret_keys(config: &Config) -> anyhow::Result<SecretKeys> {
    let current = match config.secret_key {
        Some(key) => key,
        None => {
            let (path, text) =
                key_file(config, "secret.key", fleetdesk_core::sealing::generate_key)?;
            SecretKeys::decode_key(&text).map_err(|problem| {
                anyhow::anyhow!(
                    "{} {problem}: it must hold the key the stored secrets were sealed under",
                    path.display()
                )
            })?
        }
    };
    Ok(SecretKeys::new(current, config.previous_secret_key))
}

/// The key that signs session cookies: configured, or generated once into the data folder.
pub fn session_key(config: &Config) -> anyhow::Result<Key> {
    use base64::Engine;
    let bytes = match &config.session_key {
        Some(bytes) => bytes.clone(),
        None => {
            let (path, text) = key_file(config, "session.key", generate_session_key)?;
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .with_context(|| {
                    format!(
                        "{} does not hold a base64 session key; delete it to get a new one",
                        path.display()
                    )
                })?
        }
    };
    Key::try_from(bytes.as_slice())
        .map_err(|_| anyhow::anyhow!("the session key is shorter than 64 bytes"))
}

/// Writes a file only its owner can read.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .with_context(|| format!("failed to write {}", path.display()))
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub db: Db,
    stop: watch::Sender<bool>,
    http: JoinHandle<std::io::Result<()>>,
    sweeper: JoinHandle<()>,
    completion: JoinHandle<()>,
    delivery: JoinHandle<()>,
    bulk: JoinHandle<()>,
    backlog: JoinHandle<()>,
    counts: JoinHandle<()>,
}

impl Server {
    /// Stops accepting requests, lets those under way finish, stops the background tasks and
    /// closes the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        let served = self.http.await.context("the HTTP server task failed")?;
        let _ = self.sweeper.await;
        let _ = self.completion.await;
        let _ = self.delivery.await;
        let _ = self.bulk.await;
        let _ = self.backlog.await;
        let _ = self.counts.await;
        self.db.close().await;
        served.context("the HTTP server failed")
    }
}

/// Starts everything and returns once the listener is bound.
pub async fn start(config: Config) -> anyhow::Result<Server> {
    let client = crate::delivery::Engine::http_client()?;
    // Synchronous operations send the product's webhooks inline, with the engine's client.
    let db = open_database(&config).await?.with_webhook_sender(Arc::new(
        crate::delivery::product::InlineSender {
            client: client.clone(),
        },
    ));
    bootstrap::first_admin(&db, &config).await?;
    if fleetdesk_core::outbox::settings::reseal(&db).await? {
        tracing::info!(
            "the stored Orange OAuth client secret was sealed again under FLEETDESK_SECRET_KEY"
        );
    }
    let key = session_key(&config)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("failed to listen on {}", config.listen))?;
    let addr = listener
        .local_addr()
        .context("failed to read the bound address")?;

    let mut config = config;
    config.listen = addr;
    let delivery_settings = config.delivery;
    let orange_rate =
        crate::orange::exchange::RateLimit::new(config.orange_rate_limit).map(Arc::new);
    let wake_completion = Arc::new(tokio::sync::Notify::new());
    let wake_delivery = Arc::new(tokio::sync::Notify::new());
    let wake_bulk = Arc::new(tokio::sync::Notify::new());
    let metrics = Arc::new(crate::metrics::Metrics::new());
    let state = AppState {
        db: db.clone(),
        leptos_options: leptos_options(&config),
        config: Arc::new(config),
        completion: wake_completion.clone(),
        delivery: wake_delivery.clone(),
        bulk: wake_bulk.clone(),
        refused_calls: Arc::default(),
        exchanges: Arc::default(),
        orange_rate,
        metrics: metrics.clone(),
        sandbox: crate::self_test::sandbox_sink(addr),
    };
    let app = http::router(state, &key);
    let (stop, stopped) = watch::channel(false);

    let mut http_stopped = stopped.clone();
    let http = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = http_stopped.changed().await;
        })
        .await
    });
    let completion = tokio::spawn(complete_acknowledged_work(
        db.clone(),
        wake_completion.clone(),
        wake_delivery.clone(),
        stopped.clone(),
    ));
    let bulk = tokio::spawn(apply_bulk_files(
        db.clone(),
        wake_bulk,
        wake_delivery.clone(),
        stopped.clone(),
    ));
    let orange = crate::delivery::orange::Orange::new(db.clone(), client.clone());
    let mut destinations = orange.destinations();
    destinations
        .push(crate::delivery::product::Product::new(db.clone(), wake_completion).destination());
    let engine = Arc::new(crate::delivery::Engine::new(
        db.clone(),
        client,
        delivery_settings,
        destinations,
        metrics.clone(),
    ));
    let delivery = tokio::spawn(engine.run(wake_delivery, stopped.clone()));
    let backlog = tokio::spawn(crate::metrics::keep_backlog(
        db.clone(),
        metrics,
        stopped.clone(),
    ));
    let counts = tokio::spawn(keep_dashboard_counts(db.clone(), stopped.clone()));
    let sweeper = tokio::spawn(sweep_expired(
        DbSessionStore::new(db.clone()),
        db.clone(),
        stopped,
    ));
    tracing::info!(address = %addr, "Fleetdesk is listening");
    Ok(Server {
        addr,
        db,
        stop,
        http,
        sweeper,
        completion,
        delivery,
        bulk,
        backlog,
        counts,
    })
}

/// Removes expired sessions and the records past their retention (raw Orange exchanges, delivery
/// attempts, audit details), every 10 minutes.
async fn sweep_expired(store: DbSessionStore, db: Db, mut stopped: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(error) = store.delete_expired().await {
                    tracing::warn!(error = %error, "failed to delete expired sessions");
                }
                match fleetdesk_core::retention::purge(&db).await {
                    Ok(done) if done.exchanges + done.attempts + done.audit_details == 0 => {}
                    Ok(done) => tracing::info!(
                        exchanges = done.exchanges,
                        attempts = done.attempts,
                        audit_details = done.audit_details,
                        "removed records past their retention"
                    ),
                    Err(error) => tracing::warn!(error = %error, "failed to remove records past their retention"),
                }
            }
            _ = stopped.changed() => return,
        }
    }
}

/// Takes the dashboard's counts again whenever they are due (a large installation's dashboard
/// shows them instead of counting on each visit: `fleetdesk_core::dashboard`).
async fn keep_dashboard_counts(db: Db, mut stopped: watch::Receiver<bool>) {
    use fleetdesk_core::{dashboard, stuck};
    // Counted once at start, and kept if the installation is large, so that no page waits for it.
    if let Err(error) = async { dashboard::read(&db, &stuck::load(&db).await?).await }.await {
        tracing::warn!(error = %error, "failed to count the dashboard's numbers");
    }
    let mut every = tokio::time::interval(Duration::from_secs(5));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(error) = dashboard::refresh(&db).await {
                    tracing::warn!(error = %error, "failed to count the dashboard's numbers");
                }
            }
            _ = stopped.changed() => return,
        }
    }
}

/// Completes acknowledged (asynchronous) Orange work: at once when a handler wakes it, a pass
/// after another while passes find work, and every few seconds anyway, so work acknowledged
/// before a crash or by another instance is finished too.
async fn complete_acknowledged_work(
    db: Db,
    wake: Arc<tokio::sync::Notify>,
    events_written: Arc<tokio::sync::Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        match fleetdesk_core::orange::completion::run_pending(&db).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::debug!(count = n, "completed acknowledged Orange work");
                events_written.notify_one();
                // A pass takes a bounded number: more may be waiting.
                let_delivery_catch_up(&db).await;
                if *stopped.borrow() {
                    return;
                }
                continue;
            }
            Err(error) => {
                tracing::warn!(error = %error, "failed to complete acknowledged Orange work")
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Events due and not yet delivered above which completing more acknowledged work waits for
/// delivery (about half a second of delivery on a small machine).
const DELIVERY_BACKLOG_LIMIT: u32 = 2_000;

/// The longest one pass of completion waits for delivery: completion slows down, never stops.
const DELIVERY_WAIT_LIMIT: Duration = Duration::from_secs(1);

/// Backpressure from delivery to completion. Completing work writes events, and Orange learns that
/// its work is done only from those events: completing faster than they are delivered gains
/// nothing and takes the database's writes from delivery (on SQLite, one writer for both). When
/// delivery is behind by more than [`DELIVERY_BACKLOG_LIMIT`] events, this waits until it is not,
/// or [`DELIVERY_WAIT_LIMIT`] at most. Events waiting for a later retry (a destination that is
/// down) are not counted, and nothing is waited for while delivery is paused or not configured.
async fn let_delivery_catch_up(db: &Db) {
    use fleetdesk_core::outbox::{delivery, settings};
    let behind = || async {
        matches!(
            delivery::due_backlog(db, &delivery::ORANGE_TARGETS, DELIVERY_BACKLOG_LIMIT).await,
            Ok(due) if due >= DELIVERY_BACKLOG_LIMIT
        )
    };
    if !behind().await
        || !matches!(settings::load(db).await, Ok(s) if s.is_configured() && !s.paused)
    {
        return;
    }
    let deadline = tokio::time::Instant::now() + DELIVERY_WAIT_LIMIT;
    while tokio::time::Instant::now() < deadline && behind().await {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Applies the bulk files of licence changes operators started: at once when a handler wakes it,
/// a turn after another while there is work (so a stop is seen between turns), and every few
/// seconds anyway, so files started before a crash or on another instance are finished too.
async fn apply_bulk_files(
    db: Db,
    wake: Arc<tokio::sync::Notify>,
    events_written: Arc<tokio::sync::Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let more = match fleetdesk_core::licences::bulk::run_pending(&db).await {
            Ok(took) => {
                if took {
                    events_written.notify_one();
                }
                took
            }
            Err(error) => {
                tracing::warn!(error = %error, "failed to apply a bulk file");
                false
            }
        };
        if *stopped.borrow() {
            return;
        }
        if more {
            continue;
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Runs until Ctrl-C or SIGTERM, then shuts down gracefully.
pub async fn run(config: Config) -> anyhow::Result<()> {
    // Listen for the signals before anything starts, so that a stop asked for during start-up
    // is still graceful.
    let stop_asked = shutdown_signal()?;
    let public_url = config.public_url.clone();
    let server = start(config).await?;
    eprintln!(
        "Fleetdesk is running at {public_url} (listening on {}). Stop it with Ctrl-C.",
        server.addr
    );
    stop_asked.await;
    tracing::info!("shutting down");
    server.stop().await
}

/// A future that ends on Ctrl-C or SIGTERM; the handlers are installed when this returns.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("failed to listen for SIGTERM")?;
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        let terminate = async move {
            terminate.recv().await;
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            result = ctrl_c => {
                if result.is_err() {
                    std::future::pending::<()>().await;
                }
            },
            () = terminate => {},
        }
    })
}
