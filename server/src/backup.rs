//! `fleetdesk backup FILE` and `fleetdesk restore FILE` for the embedded SQLite database.
//!
//! - A backup is a consistent copy of the whole database taken in one read transaction
//!   (`VACUUM INTO`): servers keep reading and writing while it runs, and the copy is the database
//!   as it was at one instant. It is checked (`integrity_check`) before the command succeeds.
//! - A restore checks the file, brings a copy of it up to this version's schema, and replaces every
//!   table's rows in one transaction: anything reading the database sees either all of the old
//!   data or all of the restored data. Stopping the servers first is still recommended, so that
//!   no write waits on the restore.
//! - PostgreSQL has its own tools (`pg_dump`, `pg_restore`); see the README.

use std::path::Path;

use anyhow::{Context, bail};
use sqlx::Row;

use fleetdesk_core::db::{Db, Dialect, PoolSettings};

use crate::config::Config;
use crate::serve;

const POSTGRES: &str = "this database is PostgreSQL: back it up with pg_dump and restore it with pg_restore (see the README, Backups)";

/// Writes a consistent copy of the database to `file` (which must not exist yet); returns the
/// number of rows copied per table.
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<Vec<(String, i64)>> {
    if config.dialect() != Dialect::Sqlite {
        bail!(POSTGRES);
    }
    if file.exists() {
        bail!(
            "{} already exists: a backup never overwrites a file",
            file.display()
        );
    }
    let db = serve::open_database(config).await?;
    let target = file
        .to_str()
        .context("the backup file's path must be UTF-8")?;
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(db.pool())
        .await
        .with_context(|| format!("failed to write the backup to {}", file.display()));
    db.close().await;
    copied?;
    let copy = open_file(file).await?;
    let checked = check(&copy).await;
    let counts = match checked {
        Ok(()) => row_counts(&copy, "main").await,
        Err(error) => Err(error),
    };
    copy.close().await;
    if counts.is_err() {
        let _ = std::fs::remove_file(file);
    }
    counts
}

/// Replaces the database's contents with the backup in `file`; returns the rows restored per
/// table.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<Vec<(String, i64)>> {
    if config.dialect() != Dialect::Sqlite {
        bail!(POSTGRES);
    }
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    // The backup is never changed: a copy of it is checked and brought up to date.
    std::fs::create_dir_all(&config.data_dir)?;
    let staged = config
        .data_dir
        .join(format!("restore-{}.db", uuid::Uuid::now_v7().simple()));
    std::fs::copy(file, &staged)
        .with_context(|| format!("failed to read the backup {}", file.display()))?;
    let restored = restore_staged(config, &staged).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", staged.display()));
    }
    restored
}

async fn restore_staged(config: &Config, staged: &Path) -> anyhow::Result<Vec<(String, i64)>> {
    let copy = open_file(staged).await?;
    let prepared = async {
        check(&copy).await?;
        let has_schema: Option<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(copy.pool())
        .await?;
        if has_schema.is_none() {
            bail!("the file is an SQLite database, but not a Fleetdesk backup");
        }
        copy.migrate()
            .await
            .context("the backup cannot be brought up to this version's schema")?;
        Ok(())
    }
    .await;
    copy.close().await;
    prepared?;

    let db = serve::open_database(config).await?;
    let replaced = replace_all(&db, staged).await;
    db.close().await;
    replaced
}

/// Every table's rows replaced by the staged copy's, in one transaction.
async fn replace_all(db: &Db, staged: &Path) -> anyhow::Result<Vec<(String, i64)>> {
    let mut conn = db.pool().acquire().await?;
    sqlx::query("ATTACH DATABASE $1 AS restored")
        .bind(
            staged
                .to_str()
                .context("the data folder's path must be UTF-8")?,
        )
        .execute(&mut *conn)
        .await?;
    let copied = async {
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        let work = async {
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *conn)
                .await?;
            let tables = tables(&mut conn, "main").await?;
            for table in &tables {
                let columns: Vec<String> =
                    sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(&mut *conn)
                        .await?
                        .iter()
                        .map(|row| row.try_get::<String, _>("name"))
                        .collect::<Result<_, _>>()?;
                let list = columns
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                sqlx::query(&format!("DELETE FROM main.\"{table}\""))
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(&format!(
                    "INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM restored.\"{table}\""
                ))
                .execute(&mut *conn)
                .await?;
            }
            anyhow::Ok(())
        }
        .await;
        match work {
            Ok(()) => {
                sqlx::query("COMMIT").execute(&mut *conn).await?;
                Ok(())
            }
            Err(error) => {
                let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                Err(error)
            }
        }
    }
    .await;
    let counts = match copied {
        Ok(()) => count_tables(&mut conn, "main").await,
        Err(error) => Err(error),
    };
    let _ = sqlx::query("DETACH DATABASE restored")
        .execute(&mut *conn)
        .await;
    counts
}

async fn open_file(file: &Path) -> anyhow::Result<Db> {
    let url = format!("sqlite://{}?mode=rw", file.display());
    Db::connect(
        &url,
        PoolSettings {
            max_connections: 1,
            ..PoolSettings::default()
        },
    )
    .await
    .with_context(|| format!("{} cannot be opened as an SQLite database", file.display()))
}

async fn check(db: &Db) -> anyhow::Result<()> {
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db.pool())
        .await
        .context("the file is not an SQLite database")?;
    if verdict != "ok" {
        bail!("the file is damaged: {verdict}");
    }
    Ok(())
}

async fn tables(conn: &mut sqlx::AnyConnection, schema: &str) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

async fn count_tables(
    conn: &mut sqlx::AnyConnection,
    schema: &str,
) -> anyhow::Result<Vec<(String, i64)>> {
    let mut counts = Vec::new();
    for table in tables(conn, schema).await? {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {schema}.\"{table}\""))
            .fetch_one(&mut *conn)
            .await?;
        counts.push((table, n));
    }
    Ok(counts)
}

async fn row_counts(db: &Db, schema: &str) -> anyhow::Result<Vec<(String, i64)>> {
    let mut conn = db.pool().acquire().await?;
    count_tables(&mut conn, schema).await
}
