//! Settings changed at run time from the console (sync/async per operation, fleet policy, Orange
//! endpoints, ...), stored as JSON text by key so every server instance reads the same values.

use serde::Serialize;
use serde::de::DeserializeOwned;

use sqlx::{Any, Executor};

use crate::audit::{self, Entry};
use crate::clock;
use crate::db::{Db, DbError};

/// Reads a setting; `None` when it was never set (the caller applies its default).
pub async fn get<T: DeserializeOwned>(db: &Db, key: &str) -> Result<Option<T>, DbError> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    value
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|e| DbError::Corrupt(format!("setting `{key}`: {e}")))
        })
        .transpose()
}

/// Writes a setting, replacing any earlier value (for the server's own bookkeeping; a person's
/// change goes through [`set_audited`]).
pub async fn set<T: Serialize>(db: &Db, key: &str, value: &T) -> Result<(), DbError> {
    write(db.pool(), key, value).await
}

/// Writes a setting and the audit entry that describes the change in one transaction: the change
/// is never kept without its entry, nor the entry without the change.
pub async fn set_audited<T: Serialize>(
    db: &Db,
    key: &str,
    value: &T,
    entry: &Entry,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    write(&mut *tx, key, value).await?;
    audit::record(&mut *tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

async fn write<'e, T: Serialize>(
    executor: impl Executor<'e, Database = Any>,
    key: &str,
    value: &T,
) -> Result<(), DbError> {
    let text = serde_json::to_string(value)
        .map_err(|e| DbError::Corrupt(format!("setting `{key}`: {e}")))?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(text)
    .bind(clock::now_text())
    .execute(executor)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[tokio::test]
    async fn settings_read_back_what_was_written_and_default_to_none() {
        on_each_db!(|db| async move {
            assert_eq!(get::<String>(&db, "fleet_policy").await.expect("get"), None);
            set(&db, "fleet_policy", &"perOrder").await.expect("set");
            set(&db, "fleet_policy", &"perOffering")
                .await
                .expect("set again");
            assert_eq!(
                get::<String>(&db, "fleet_policy")
                    .await
                    .expect("get")
                    .as_deref(),
                Some("perOffering")
            );
            set(&db, "stuck_minutes", &30_u32).await.expect("set");
            assert_eq!(
                get::<u32>(&db, "stuck_minutes").await.expect("get"),
                Some(30)
            );
        });
    }

    #[tokio::test]
    async fn a_setting_and_its_audit_entry_are_kept_together_or_not_at_all() {
        on_each_db!(|db| async move {
            let entry = Entry::new(
                audit::Actor::system(),
                "test.settings",
                "settings",
                Some("limit"),
            );
            set_audited(&db, "limit", &1_u32, &entry)
                .await
                .expect("set");
            let entries: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'test.settings'")
                    .fetch_one(db.pool())
                    .await
                    .expect("count");
            assert_eq!(entries, 1);

            // The entry cannot be written (its table is gone): the change is refused, not kept.
            sqlx::query("DROP TABLE audit_log")
                .execute(db.pool())
                .await
                .expect("drop");
            assert!(set_audited(&db, "limit", &2_u32, &entry).await.is_err());
            assert_eq!(get::<u32>(&db, "limit").await.expect("get"), Some(1));
        });
    }
}
