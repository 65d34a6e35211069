//! Settings changed at run time from the console (sync/async per operation, fleet policy, Orange
//! endpoints, ...), stored as JSON text by key so every server instance reads the same values.

use serde::Serialize;
use serde::de::DeserializeOwned;

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

/// Writes a setting, replacing any earlier value.
pub async fn set<T: Serialize>(db: &Db, key: &str, value: &T) -> Result<(), DbError> {
    let text = serde_json::to_string(value)
        .map_err(|e| DbError::Corrupt(format!("setting `{key}`: {e}")))?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(text)
    .bind(clock::now_text())
    .execute(db.pool())
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
}
