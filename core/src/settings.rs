//! Settings changed at run time from the console (sync/async per operation, fleet policy, Orange
//! endpoints, ...), stored as JSON text by key so every server instance reads the same values.

use serde::Serialize;
use serde::de::DeserializeOwned;

use sqlx::{Any, Executor};

use crate::audit::{self, Acting};
use crate::clock;
use crate::db::{Db, DbError};

/// Reads a setting; `None` when it was never set (the caller applies its default).
pub async fn get<T: DeserializeOwned>(db: &Db, key: &str) -> Result<Option<T>, DbError> {
    read(db.pool(), key).await
}

/// Writes a setting, replacing any earlier value (for the server's own bookkeeping; a person's
/// change goes through [`set_audited`]).
pub async fn set<T: Serialize>(db: &Db, key: &str, value: &T) -> Result<(), DbError> {
    write(db.pool(), key, value).await
}

/// How the audit log names a person's change of a setting: its action and the setting's name.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub action: &'a str,
    pub object_id: &'a str,
}

/// Changes a setting as a person asked, in one transaction with its audit entry: the change is
/// never kept without its entry, nor the entry without the change. `change` gets the stored value
/// (the default when it was never set) and returns the new one; `shown` gives what the audit log
/// keeps of the value before and after (never a secret). Returns both values.
pub async fn change<T, C, S>(
    db: &Db,
    acting: &Acting,
    key: &str,
    named: Named<'_>,
    change: C,
    shown: S,
) -> Result<(T, T), DbError>
where
    T: Serialize + DeserializeOwned + Default,
    C: FnOnce(&T) -> T,
    S: FnOnce(&T, &T) -> (serde_json::Value, serde_json::Value),
{
    let mut tx = db.begin_write().await?;
    let before: T = read(&mut *tx, key).await?.unwrap_or_default();
    let after = change(&before);
    write(&mut *tx, key, &after).await?;
    let (was, is) = shown(&before, &after);
    let entry = acting
        .entry(named.action, "settings", Some(named.object_id))
        .before(was)
        .after(is);
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok((before, after))
}

/// [`change`] to `value`, the audit log showing the value itself before and after.
pub async fn set_audited<T>(
    db: &Db,
    acting: &Acting,
    key: &str,
    named: Named<'_>,
    value: &T,
) -> Result<(), DbError>
where
    T: Serialize + DeserializeOwned + Default + Clone,
{
    let json = |value: &T| serde_json::to_value(value).unwrap_or_default();
    change(
        db,
        acting,
        key,
        named,
        |_| value.clone(),
        |before, after| (json(before), json(after)),
    )
    .await?;
    Ok(())
}

pub(crate) async fn read<'e, T: DeserializeOwned>(
    executor: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<Option<T>, DbError> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(executor)
        .await?;
    value
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|e| DbError::Corrupt(format!("setting `{key}`: {e}")))
        })
        .transpose()
}

pub(crate) async fn write<'e, T: Serialize>(
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
            let named = Named {
                action: "test.settings",
                object_id: "limit",
            };
            let acting = Acting::system();
            set_audited(&db, &acting, "limit", named, &1_u32)
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
            assert!(
                set_audited(&db, &acting, "limit", named, &2_u32)
                    .await
                    .is_err()
            );
            assert_eq!(get::<u32>(&db, "limit").await.expect("get"), Some(1));
        });
    }
}
