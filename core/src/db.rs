//! The database: one pool with explicit limits, the migrations of each dialect, and the few places
//! where SQLite and PostgreSQL differ. Everything else uses one SQL code path through sqlx's `Any`
//! driver with `$1` placeholders, which both dialects accept.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;

use crate::sealing::SecretKeys;

mod batch;
mod group;

pub(crate) use batch::{Batch, Bound, Later, POSTGRES_PARTS, arguments};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Which SQL dialect a [`Db`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The dialect a database URL names, if Fleetdesk supports it.
    pub fn of_url(url: &str) -> Option<Dialect> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Some(Dialect::Sqlite),
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            _ => None,
        }
    }
}

impl Dialect {
    /// An SQL expression for the database's own time `$n` milliseconds from now, as stored text
    /// (`2026-11-27T12:00:00.000Z`). Leases use it: every instance then judges them by one clock,
    /// the database's, whatever its own clock says.
    pub fn now_plus_millis_sql(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!(
                "to_char((clock_timestamp() AT TIME ZONE 'UTC') + (${n}::float8 * interval '1 millisecond'), \
                 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            ),
            Dialect::Sqlite => format!(
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || (${n} / 1000.0) || ' seconds')"
            ),
        }
    }

    /// The row lock a claim takes: PostgreSQL skips rows another instance is claiming; SQLite
    /// serialises writers anyway.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        }
    }
}

/// Pool limits. SQLite serialises writers, so a small pool serves it best.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Errors from the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL `{0}`: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("failed to migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a {what} with the same value already exists")]
    Conflict { what: &'static str },
    #[error("stored data is not what it should be: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

impl DbError {
    /// Maps a unique-constraint violation to [`DbError::Conflict`]; every other error passes through.
    ///
    /// Matched on the error's kind, which both drivers report (SQLite does not name constraints).
    pub fn on_conflict(error: sqlx::Error, what: &'static str) -> DbError {
        match &error {
            sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                DbError::Conflict { what }
            }
            _ => DbError::Query(error),
        }
    }

    /// Whether the database could not be reached or cannot take writes right now (connection
    /// lost or refused, pool exhausted, server shutting down, disk full, read-only, locked): a
    /// failure to retry later, not a defect. Callers answer 503 rather than 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Connect { .. } => true,
            DbError::Query(error) => unavailable(error),
            DbError::Migrate(sqlx::migrate::MigrateError::Execute(error)) => unavailable(error),
            _ => false,
        }
    }
}

fn unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| unavailable_code(&code)),
        _ => false,
    }
}

/// PostgreSQL's SQLSTATE classes and SQLite's result codes that mean "not now" rather than "wrong".
fn unavailable_code(code: &str) -> bool {
    // A SQLSTATE is five characters; SQLite's codes are shorter numbers.
    if code.len() < 5
        && let Ok(number) = code.parse::<i64>()
    {
        // SQLite reports its extended result code; the primary code is the low byte: BUSY,
        // LOCKED, READONLY, IOERR, FULL, CANTOPEN.
        return matches!(number & 0xff, 5 | 6 | 8 | 10 | 13 | 14);
    }
    // PostgreSQL: connection exceptions, insufficient resources (disk full, out of memory, too many
    // connections), operator intervention (shutting down, cannot connect now), read-only transaction.
    code.starts_with("08")
        || code.starts_with("53")
        || matches!(code, "57P01" | "57P02" | "57P03" | "25006")
}

/// A handle on the database: cheap to clone, shared by the HTTP server, the workers and the CLI.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    /// SQLite: the one connection every write transaction goes through (see [`Db::begin_write`]);
    /// `None` on PostgreSQL, whose writers share [`Db::pool`].
    writer: Option<AnyPool>,
    /// SQLite: the task grouping writes on the writer connection ([`Db::write_grouped`]).
    group: Arc<group::GroupWriter>,
    dialect: Dialect,
    /// The keys stored secrets are sealed under (`FLEETDESK_SECRET_KEY`), when configured.
    secret_keys: Option<Arc<SecretKeys>>,
    /// What sends the product's webhooks for synchronous operations, when this process can.
    webhook_sender: Option<Arc<dyn crate::provisioning::inline::WebhookSender>>,
    /// SQLite: held by every copy of this handle; the checkpointer stops once the last is gone.
    _checkpointing: Option<Arc<()>>,
}

impl Db {
    /// Connects to `url` (SQLite or PostgreSQL) and checks the connection works.
    ///
    /// SQLite databases run in WAL mode with foreign keys on and a busy timeout.
    pub async fn connect(url: &str, settings: PoolSettings) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::of_url(url).ok_or_else(|| DbError::UnsupportedUrl(redact(url)))?;
        let connect_error = |source| DbError::Connect {
            url: redact(url),
            source,
        };
        let pool = pool_options(
            dialect,
            settings,
            settings.max_connections,
            Connections::Readers,
        )
        .connect(url)
        .await
        .map_err(connect_error)?;
        if dialect == Dialect::Sqlite {
            // WAL lets readers work while one writer writes; the mode is stored in the file, so
            // setting it once covers every connection. Foreign keys and a 5 s busy timeout are
            // sqlx's defaults for each SQLite connection.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(connect_error)?;
        }
        // SQLite lets one transaction write at a time. Writers on several connections wait for
        // each other in SQLite's busy handler, which sleeps and polls (1, 2, 5 ... 100 ms): under
        // load most of an order's time went there, in no particular order. On one connection of
        // their own they queue in the pool instead, first come first served, and each starts the
        // moment the one before commits.
        let writer = if dialect == Dialect::Sqlite {
            Some(
                pool_options(dialect, settings, 1, Connections::Writer)
                    .connect(url)
                    .await
                    .map_err(connect_error)?,
            )
        } else {
            None
        };
        let checkpointing = writer.as_ref().map(|_| {
            let alive = Arc::new(());
            tokio::spawn(keep_checkpointing(pool.clone(), Arc::downgrade(&alive)));
            alive
        });
        Ok(Db {
            pool,
            writer,
            group: Arc::default(),
            dialect,
            secret_keys: None,
            webhook_sender: None,
            _checkpointing: checkpointing,
        })
    }

    /// This handle, sending the product's webhooks for synchronous operations with `sender`.
    pub fn with_webhook_sender(
        mut self,
        sender: Arc<dyn crate::provisioning::inline::WebhookSender>,
    ) -> Db {
        self.webhook_sender = Some(sender);
        self
    }

    /// What sends webhooks inline, if this handle has it.
    pub fn webhook_sender(&self) -> Option<Arc<dyn crate::provisioning::inline::WebhookSender>> {
        self.webhook_sender.clone()
    }

    /// This handle, sealing and opening stored secrets with `keys`.
    pub fn with_secret_keys(mut self, keys: SecretKeys) -> Db {
        self.secret_keys = Some(Arc::new(keys));
        self
    }

    /// The keys stored secrets are sealed under, if this handle has them.
    pub fn secret_keys(&self) -> Option<&SecretKeys> {
        self.secret_keys.as_deref()
    }

    /// Applies the migrations of this database's dialect; fails if any cannot be applied.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        if self.dialect == Dialect::Sqlite {
            self.sqlite_rebuilds().await?;
        }
        Ok(())
    }

    /// The SQLite tables a migration widened a CHECK constraint of, rebuilt once (migration 0007:
    /// `cancelled` events): foreign keys off on one connection, the rebuild in one transaction,
    /// foreign keys back on, and their integrity checked.
    async fn sqlite_rebuilds(&self) -> Result<(), DbError> {
        let mut conn = self.pool.acquire().await?;
        let table: String = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox_events'",
        )
        .fetch_one(&mut *conn)
        .await?;
        if table.contains("'cancelled'") {
            return Ok(());
        }
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
        let rebuilt = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::raw_sql(include_str!("db/sqlite_rebuild_outbox_events.sql"))
                .execute(&mut *tx)
                .await?;
            let broken: Vec<sqlx::any::AnyRow> = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
            if !broken.is_empty() {
                return Err(DbError::Corrupt(format!(
                    "rebuilding outbox_events would break {} foreign key(s)",
                    broken.len()
                )));
            }
            tx.commit().await?;
            Ok(())
        }
        .await;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        rebuilt
    }

    /// Checks the database answers (readiness probe, Orange's ping).
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a transaction that will write. SQLite: on the writer connection (writers queue for
    /// it in order), taking the write lock at once (`BEGIN IMMEDIATE`), so that a writer of
    /// another process waits on the busy timeout instead of one failing when it upgrades its read
    /// lock; PostgreSQL locks rows as it goes.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.dialect {
            Dialect::Sqlite => self.writes().begin_with("BEGIN IMMEDIATE").await,
            Dialect::Postgres => self.pool.begin().await,
        }
    }

    /// Runs `work` in a write transaction and commits it, as [`Db::begin_write`] would, but on
    /// SQLite shares the transaction with the work queued at the same time, each in a savepoint
    /// (see [`group`]): `work` is answered once the group has committed. An `Err` from `work`
    /// takes back its own writes only. PostgreSQL runs each in its own transaction, concurrently.
    ///
    /// `work` runs on the writer's task: it must not wait for anything but the database.
    pub(crate) async fn write_grouped<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        F: for<'c> FnOnce(&'c mut sqlx::AnyConnection) -> BoxFuture<'c, Result<T, E>>
            + Send
            + 'static,
    {
        let Some(writer) = &self.writer else {
            let mut tx = self.begin_write().await?;
            let value = work(&mut tx).await?;
            tx.commit().await?;
            return Ok(value);
        };
        let (reply, answer) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: group::Job = Box::new(move |conn| {
            Box::pin(async move {
                let result = work(conn).await;
                group::Done {
                    keep: result.is_ok(),
                    answer: Box::new(move |committed| {
                        let answer = match (result, committed) {
                            (Ok(value), Ok(())) => Ok(value),
                            (Ok(_), Err(error)) => Err(E::from(not_committed(&error))),
                            (Err(error), _) => Err(error),
                        };
                        // The caller may have gone; its work is done either way.
                        let _ = reply.send(answer);
                    }),
                }
            })
        });
        self.group.submit(writer, job);
        answer
            .await
            .unwrap_or_else(|_| Err(E::from(sqlx::Error::WorkerCrashed)))
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Where a single write statement outside a transaction goes: on SQLite the writer connection
    /// (see [`Db::begin_write`]), on PostgreSQL the pool.
    pub fn writes(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        self.pool.close().await;
    }
}

/// The error each job of a group that did not commit answers with: an I/O error (the database
/// cannot take writes now, see [`DbError::is_unavailable`]) carrying the commit's.
fn not_committed(error: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!(
        "the grouped transaction did not commit: {error}"
    )))
}

/// How often the checkpointer moves what the WAL holds into the database file while it is
/// written to.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// How long the checkpointer waits at most while nothing is written: it waits twice as long after
/// each checkpoint that found nothing new, up to this, and goes back to [`CHECKPOINT_EVERY`] as
/// soon as one finds new pages. An idle server ran ten checkpoints a second.
const CHECKPOINT_IDLE_EVERY: Duration = Duration::from_secs(2);

/// What a passive checkpoint reported: the pages in the WAL and how many of them are now in the
/// database file (`PRAGMA wal_checkpoint`'s `log` and `checkpointed`); both -1 when the checkpoint
/// could not run (another connection was checkpointing at that moment).
type Checkpointed = (i64, i64);

/// How long to wait before the next checkpoint, after one that waited `waited` and reported
/// `now`, when the one before reported `before`: nothing written in between (every page moved,
/// and the same pages as before) doubles the wait; anything else, a checkpoint that could not run
/// included, starts over from [`CHECKPOINT_EVERY`].
fn next_checkpoint(waited: Duration, before: Option<Checkpointed>, now: Checkpointed) -> Duration {
    let (log, moved) = now;
    if log >= 0 && log == moved && before == Some(now) {
        (waited * 2).min(CHECKPOINT_IDLE_EVERY)
    } else {
        CHECKPOINT_EVERY
    }
}

/// SQLite: moves the pages written to the WAL into the database file every [`CHECKPOINT_EVERY`]
/// while the database is written to (less often while it is not, see [`next_checkpoint`]), on a
/// reading connection, while the writer goes on writing (a passive checkpoint waits for nobody),
/// until the pool closes or no copy of the [`Db`] is left. Left to the writer, SQLite checkpoints
/// once the WAL holds 1,000 pages, in the commit that crossed it: under the order benchmark that
/// held every order waiting for the writer for 30 to 40 ms (about 540 pages written and the
/// database file flushed to disk) every 0.7 s.
///
/// SQLite starts the WAL file over only when a write begins after every page in it was moved. A
/// writer that never stops keeps adding pages meanwhile, so under steady writing the WAL grows
/// until the writer's own threshold (10,000 pages, about 41 MB; 44.6 MB seen under the order
/// benchmark), where the writer checkpoints what little is left and the file starts over.
async fn keep_checkpointing(pool: AnyPool, alive: std::sync::Weak<()>) {
    let mut wait = CHECKPOINT_EVERY;
    let mut before = None;
    loop {
        tokio::time::sleep(wait).await;
        if alive.strong_count() == 0 || pool.is_closed() {
            return;
        }
        match checkpoint(&pool).await {
            Ok(now) => {
                wait = next_checkpoint(wait, before, now);
                before = Some(now);
            }
            Err(error) => {
                if pool.is_closed() {
                    return;
                }
                // The writer checkpoints by itself when the WAL grows large, so nothing is lost.
                tracing::debug!(error = %error, "a background checkpoint failed");
                wait = CHECKPOINT_EVERY;
                before = None;
            }
        }
    }
}

/// One passive checkpoint on a connection of `pool`, and what it reported.
async fn checkpoint(pool: &AnyPool) -> Result<Checkpointed, sqlx::Error> {
    let (_busy, log, moved) =
        sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(pool)
            .await?;
    Ok((log, moved))
}

/// What the connections of a SQLite pool are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Connections {
    Readers,
    /// The one connection every write goes through.
    Writer,
}

impl Connections {
    /// The `PRAGMA`s each new connection runs.
    fn pragmas(self) -> &'static [&'static str] {
        match self {
            // SQLite keeps a page cache per connection (2 MiB by default; a negative size is in
            // KiB). The operating system caches the file as well, so 512 KiB for each reader is
            // enough and keeps the server's memory down.
            Connections::Readers => &["PRAGMA cache_size = -512"],
            // The writer's page cache is 8 MiB: every write goes through it, and an order touches
            // pages all over the licences' indexes; with 512 KiB it read them back from the file
            // on most writes (`pread` was 5 % of the server's time under the order benchmark).
            //
            // Temporary storage in memory: inside a transaction, each write statement keeps the
            // pages it changes in a statement journal, so that a failed constraint takes back that
            // statement alone. Past 64 KiB (an order's licences with their indexes) SQLite moved
            // it to a temporary file: under the order benchmark the writer wrote as many pages
            // there as to the WAL, one slow system call each. The journal lives only while its
            // statement runs.
            //
            // The writer leaves moving the WAL's pages into the database file (a checkpoint) to
            // the checkpointer ([`keep_checkpointing`]) and does it only if that falls far behind.
            Connections::Writer => &[
                "PRAGMA cache_size = -8192",
                "PRAGMA temp_store = MEMORY",
                "PRAGMA wal_autocheckpoint = 10000",
            ],
        }
    }
}

/// The options of a pool of at most `max_connections`, each SQLite connection set up for `role`.
fn pool_options(
    dialect: Dialect,
    settings: PoolSettings,
    max_connections: u32,
    role: Connections,
) -> AnyPoolOptions {
    let options = AnyPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(settings.acquire_timeout)
        .after_release(|conn, _| Box::pin(async move { still_usable(conn).await }));
    options.after_connect(move |conn, _| {
        Box::pin(async move {
            let set_up: &[&str] = match dialect {
                Dialect::Sqlite => role.pragmas(),
                Dialect::Postgres => POSTGRES_SESSION,
            };
            for statement in set_up {
                sqlx::query(statement).execute(&mut *conn).await?;
            }
            Ok(())
        })
    })
}

/// Set on each PostgreSQL connection. Fleetdesk's statements are short lookups by key; a plan
/// whose estimate runs high (a table not analysed yet, an order of a thousand licences) crossed
/// `jit_above_cost` and spent about 460 ms compiling a statement that ran in 15 ms.
const POSTGRES_SESSION: &[&str] = &["SET jit = off"];

/// Whether a connection given back to the pool may be given out again. A transaction the
/// database ended by itself (SQLite rolls a transaction back when the disk is full or an I/O error
/// occurs) stays counted as open by the driver: the ROLLBACK sent when it was dropped fails, and
/// every later transaction on that connection would be refused. Such a connection is closed.
async fn still_usable(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // The rollback of a dropped transaction is queued before this query: once it is answered, a
    // connection still in a transaction is one whose rollback failed.
    sqlx::query("SELECT 1").execute(&mut *conn).await?;
    Ok(!conn.is_in_transaction())
}

/// Newest-first lists page by keyset on `(time, id)`: a page is the rows strictly older than the
/// last row of the page before. This is that row's `(time, id)`, or, for the first page, a time
/// after every stored one (stored times are fixed-width RFC 3339 text).
pub fn keyset_start(before: Option<(String, String)>) -> (String, String) {
    before.unwrap_or_else(|| ("9999".to_owned(), String::new()))
}

/// The condition "older than the cursor" on columns `at` and `id`, the cursor being bound at the
/// placeholders `at_param` and `id_param` (an index on `(at, id)` serves it).
pub fn keyset_older(at: &str, id: &str, at_param: &str, id_param: &str) -> String {
    format!("({at} < {at_param} OR ({at} = {at_param} AND {id} < {id_param}))")
}

/// A column holding one of the vocabulary's words (a state, a role, a kind), read as its type; a
/// word the type does not know is a decoding error, as a wrong column type would be.
pub fn word<W: fleetdesk_vocab::Word>(
    row: &sqlx::any::AnyRow,
    column: &str,
) -> Result<W, sqlx::Error> {
    use sqlx::Row as _;
    let text: String = row.try_get(column)?;
    W::from_word(&text).ok_or_else(|| unknown_word(column, &text))
}

/// As [`word`], for a nullable column: `NULL` reads as `default`.
pub fn word_or<W: fleetdesk_vocab::Word>(
    row: &sqlx::any::AnyRow,
    column: &str,
    default: W,
) -> Result<W, sqlx::Error> {
    use sqlx::Row as _;
    match row.try_get::<Option<String>, _>(column)? {
        None => Ok(default),
        Some(text) => W::from_word(&text).ok_or_else(|| unknown_word(column, &text)),
    }
}

fn unknown_word(column: &str, text: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("`{text}` is not a known value").into(),
    }
}

/// A database URL fit for messages and logs: the password is masked.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Setting a password fails only for URLs that cannot have one, which excludes this branch.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

/// How many rows one set-based statement names at most (`IN (...)` lists, multi-row inserts): far
/// below SQLite's 32,766 and PostgreSQL's 65,535 bind parameters, even at ten columns a row.
pub(crate) const BATCH: usize = 500;

/// How many keys of a non-unique index (an order's items, an item's licences) one `IN (...)`
/// lookup lists on `conn`: [`BATCH`] on SQLite, which looks each one up in the index whatever
/// their number; one on PostgreSQL. There a list was planned from statistics taken while the
/// tables were small, or from none yet (a new installation's first hours of orders): it scanned
/// and sorted every licence and every order item instead, a second per pass of 20 orders
/// completed together in the order benchmark, where one key is always an index lookup. Measured
/// again once statements were no longer compiled (`jit = off`), the lists still lost
/// (`bench/results/postgres-key-lists-with-jit-off.md`).
pub(crate) fn keys_per_lookup(conn: &sqlx::AnyConnection) -> usize {
    match conn.backend_name() {
        "PostgreSQL" => 1,
        _ => BATCH,
    }
}

/// `$first, $first+1, ...`, `count` placeholders for an `IN (...)` list or a row of a multi-row
/// `INSERT`, numbered the way the `Any` driver reads them on both dialects.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn lost_connections_full_disks_and_locks_are_unavailable_and_defects_are_not() {
        use super::{DbError, unavailable_code};
        for code in [
            "08006", "08001", "57P01", "57P03", "53100", "53300", "25006", "5", "517", "13", "14",
            "8", "266",
        ] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["23505", "42P01", "22P02", "40001", "2067", "19", "1"] {
            assert!(!unavailable_code(code), "{code}");
        }
        assert!(DbError::Query(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(DbError::Query(sqlx::Error::Io(std::io::Error::other("reset"))).is_unavailable());
        assert!(!DbError::Query(sqlx::Error::RowNotFound).is_unavailable());
        assert!(!DbError::Corrupt("x".into()).is_unavailable());
    }

    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_first_asked_for() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 1), "$1");
    }

    #[test]
    fn urls_name_their_dialect() {
        assert_eq!(Dialect::of_url("sqlite://data/x.db"), Some(Dialect::Sqlite));
        assert_eq!(
            Dialect::of_url("postgres://u@h/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            Dialect::of_url("postgresql://u@h/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(Dialect::of_url("mysql://u@h/db"), None);
    }

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        let shown = redact("postgres://fleet:s3cr3t@db.example:5432/fleet");
        assert!(!shown.contains("s3cr3t"));
        assert!(shown.contains("***"));
    }

    #[tokio::test]
    async fn an_unreachable_database_is_a_clear_error() {
        let settings = PoolSettings {
            max_connections: 1,
            acquire_timeout: Duration::from_secs(2),
        };
        let error = Db::connect("postgres://nobody:pw@127.0.0.1:1/none", settings)
            .await
            .expect_err("nothing listens on port 1");
        let message = error.to_string();
        assert!(
            message.starts_with(
                "cannot connect to the database at postgres://nobody:***@127.0.0.1:1/none"
            ),
            "{message}"
        );
    }

    #[tokio::test]
    async fn postgres_connections_compile_no_statement_just_in_time() {
        let Some(test_db) = crate::testing::TestDb::postgres().await else {
            return;
        };
        // More connections than one, each set up as it opens.
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(test_db.db.pool().acquire().await.expect("connection"));
        }
        for conn in &mut held {
            let jit: String = sqlx::query_scalar("SELECT current_setting('jit')")
                .fetch_one(&mut **conn)
                .await
                .expect("setting");
            assert_eq!(jit, "off");
        }
        drop(held);
        test_db.finish().await;
    }

    #[tokio::test]
    async fn grouped_writes_are_kept_except_those_of_work_that_failed() {
        crate::on_each_db!(|db| async move {
            let writes = (0..12).map(|n| {
                db.write_grouped(move |conn| {
                    Box::pin(async move {
                        sqlx::query(
                            "INSERT INTO settings (key, value, updated_at) VALUES ($1, '1', 'now')",
                        )
                        .bind(format!("group-{n:02}"))
                        .execute(&mut *conn)
                        .await?;
                        if n == 5 {
                            return Err(DbError::Corrupt("refused".to_owned()));
                        }
                        Ok::<_, DbError>(n)
                    })
                })
            });
            let results = futures_util::future::join_all(writes).await;
            for (n, result) in results.iter().enumerate() {
                match result {
                    Ok(value) => assert_eq!(*value, n),
                    Err(error) => assert!(n == 5 && matches!(error, DbError::Corrupt(_))),
                }
            }
            let kept: Vec<String> = sqlx::query_scalar(
                "SELECT key FROM settings WHERE key LIKE 'group-%' ORDER BY key",
            )
            .fetch_all(db.pool())
            .await
            .expect("read");
            let expected: Vec<String> = (0..12)
                .filter(|n| *n != 5)
                .map(|n| format!("group-{n:02}"))
                .collect();
            assert_eq!(kept, expected);
        });
    }

    #[tokio::test]
    async fn an_unsupported_url_is_refused() {
        let error = Db::connect("mysql://root@127.0.0.1/x", PoolSettings::default())
            .await
            .expect_err("mysql is not supported");
        assert!(matches!(error, DbError::UnsupportedUrl(_)));
    }
}

#[cfg(test)]
mod schema_tests;

#[cfg(test)]
mod sqlite_tests {
    use crate::testing::TestDb;

    /// The value of `PRAGMA name` on a connection of `pool`.
    async fn pragma<T>(pool: &sqlx::AnyPool, name: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + Unpin,
    {
        sqlx::query_scalar(&format!("PRAGMA {name}"))
            .fetch_one(pool)
            .await
            .expect("pragma")
    }

    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_foreign_keys_on() {
        let test_db = TestDb::sqlite().await;
        let pool = test_db.db.pool();
        let mode: String = pragma(pool, "journal_mode").await;
        let foreign_keys: i64 = pragma(pool, "foreign_keys").await;
        assert_eq!((mode.as_str(), foreign_keys), ("wal", 1));
        test_db.finish().await;
    }

    #[test]
    fn the_checkpointer_waits_longer_only_while_nothing_is_written() {
        use super::{CHECKPOINT_EVERY, CHECKPOINT_IDLE_EVERY, next_checkpoint};
        let ms = std::time::Duration::from_millis;
        // (waited, reading before, reading now, next wait)
        let cases = [
            // Nothing new since the last one, every page moved: twice the wait, up to the cap.
            (ms(100), Some((40, 40)), (40, 40), ms(200)),
            (ms(1_500), Some((40, 40)), (40, 40), CHECKPOINT_IDLE_EVERY),
            // New pages (the WAL grew, or started over), pages not yet moved, or no reading
            // before.
            (ms(2_000), Some((40, 40)), (52, 52), CHECKPOINT_EVERY),
            (ms(2_000), Some((40, 40)), (3, 3), CHECKPOINT_EVERY),
            (ms(800), Some((40, 38)), (40, 38), CHECKPOINT_EVERY),
            (ms(800), None, (0, 0), CHECKPOINT_EVERY),
            // A checkpoint that could not run says nothing about what was written.
            (ms(800), Some((-1, -1)), (-1, -1), CHECKPOINT_EVERY),
        ];
        for (waited, before, now, next) in cases {
            assert_eq!(
                next_checkpoint(waited, before, now),
                next,
                "{waited:?} {before:?} {now:?}"
            );
        }
    }

    #[tokio::test]
    async fn the_writer_keeps_its_temporary_storage_in_memory_and_checkpoints_run_beside_it() {
        let test_db = TestDb::sqlite().await;
        let writer = test_db.db.writes();
        let temp_store: i64 = pragma(writer, "temp_store").await;
        let autocheckpoint: i64 = pragma(writer, "wal_autocheckpoint").await;
        // 2: memory.
        assert_eq!((temp_store, autocheckpoint), (2, 10_000));

        // About 3 MiB through the writer: far below the writer's own threshold of 10,000 pages,
        // so only the checkpointer can move them into the database file.
        let file = test_db
            .url
            .trim_start_matches("sqlite://")
            .trim_end_matches("?mode=rwc")
            .to_owned();
        let size = || std::fs::metadata(&file).expect("the database file").len();
        let before = size();
        sqlx::query("CREATE TABLE filler (body TEXT NOT NULL)")
            .execute(writer)
            .await
            .expect("create");
        for _ in 0..100 {
            sqlx::query("INSERT INTO filler (body) VALUES ($1)")
                .bind("x".repeat(32 * 1024))
                .execute(writer)
                .await
                .expect("insert");
        }
        let checkpointed = async {
            while size() < before + 3 * 1024 * 1024 {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(10), checkpointed)
            .await
            .expect("the checkpointer moves the WAL's pages into the database file");
        // What the checkpointer reads of each checkpoint: every page written is now moved. A
        // checkpoint that ran into the checkpointer's own reads -1 and is tried again.
        let reading = async {
            loop {
                let reading = super::checkpoint(test_db.db.pool())
                    .await
                    .expect("checkpoint");
                if reading.0 >= 0 {
                    break reading;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        let (log, moved) = tokio::time::timeout(std::time::Duration::from_secs(10), reading)
            .await
            .expect("a checkpoint that runs");
        assert!(
            log > 0 && moved == log,
            "{log} pages in the WAL, {moved} moved"
        );
        test_db.finish().await;
    }

    /// SQLite on a full disk: a COMMIT that cannot be written ends the transaction on SQLite's
    /// side; the connection then goes back to the pool (here, its only one) and must still be
    /// able to start transactions once there is room again.
    #[tokio::test]
    async fn a_transaction_sqlite_ended_by_itself_does_not_spoil_its_connection() {
        use super::{Db, PoolSettings};
        let Some(disk) = crate::testing::SmallDisk::mount("4m") else {
            return;
        };
        let url = format!("sqlite://{}?mode=rwc", disk.dir.join("full.db").display());
        let db = Db::connect(
            &url,
            PoolSettings {
                max_connections: 1,
                ..PoolSettings::default()
            },
        )
        .await
        .expect("opens");
        sqlx::query("CREATE TABLE blobs (b BLOB)")
            .execute(db.pool())
            .await
            .expect("table");
        let filler = disk.fill();
        let mut failed = false;
        for _ in 0..3 {
            let mut tx = db.begin_write().await.expect("a transaction starts");
            let inserted = sqlx::query("INSERT INTO blobs VALUES (zeroblob(500000))")
                .execute(&mut *tx)
                .await;
            failed |= inserted.is_err() || tx.commit().await.is_err();
        }
        assert!(failed, "the disk was full");
        std::fs::remove_file(&filler).expect("room again");
        let mut tx = db
            .begin_write()
            .await
            .expect("the connection starts transactions again");
        sqlx::query("INSERT INTO blobs VALUES (zeroblob(10))")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        db.close().await;
    }
}
