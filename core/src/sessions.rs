//! Console sessions kept in the database, so that they survive restarts and every server instance
//! on one PostgreSQL database accepts them.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use crate::clock;
use crate::db::{Db, DbError};

/// The session key holding the signed-in operator's id.
pub const OPERATOR_ID_KEY: &str = "operator_id";

/// Ends every live session of an operator but `keep` (the session asking, when an administrator
/// acts on their own account), for example after their password was reset. Returns how many ended.
///
/// Session data is JSON text the dialects read differently, so the live sessions are read here
/// and matched in Rust; there are as many as signed-in operators, a handful.
pub async fn end_for_operator(
    db: &Db,
    operator_id: &str,
    keep: Option<&str>,
) -> Result<u64, DbError> {
    let mut conn = db.pool().acquire().await?;
    end_for_operator_in(&mut conn, operator_id, keep).await
}

/// [`end_for_operator`] on a connection, for a command that ends sessions in its transaction.
pub(crate) async fn end_for_operator_in(
    conn: &mut sqlx::AnyConnection,
    operator_id: &str,
    keep: Option<&str>,
) -> Result<u64, DbError> {
    let live: Vec<(String, String)> =
        sqlx::query_as("SELECT id, data FROM sessions WHERE expiry_date > $1")
            .bind(clock::now_text())
            .fetch_all(&mut *conn)
            .await?;
    let mut ended = 0;
    for (id, data) in live {
        let belongs = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|data| data.get(OPERATOR_ID_KEY).cloned())
            .is_some_and(|owner| owner == operator_id);
        if belongs && keep != Some(id.as_str()) {
            ended += sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
        }
    }
    Ok(ended)
}

/// A [`SessionStore`] over Fleetdesk's database (table `sessions`).
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> DbSessionStore {
        DbSessionStore { db }
    }
}

fn backend(error: sqlx::Error) -> session_store::Error {
    let error = DbError::Query(error);
    if error.is_unavailable() {
        // Outside a request watched by `noting_unavailable` (the expired-session sweep), nobody
        // asks.
        let _ = UNAVAILABLE.try_with(|flag| flag.set(true));
    }
    session_store::Error::Backend(error.to_string())
}

tokio::task_local! {
    static UNAVAILABLE: std::cell::Cell<bool>;
}

/// Runs `request` (a console request going through the session layer) and tells whether the
/// session store found the database unavailable on the way (unreachable, disk full or read-only).
/// The session layer answers a bare 500 when it cannot save the session, which every console
/// request does; this lets the router answer the page that says what is wrong instead.
pub async fn noting_unavailable<F: Future>(request: F) -> (F::Output, bool) {
    UNAVAILABLE
        .scope(std::cell::Cell::new(false), async move {
            let output = request.await;
            (output, UNAVAILABLE.with(std::cell::Cell::get))
        })
        .await
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A fresh id on the (astronomically rare) collision, never an overwrite of someone else's session.
        loop {
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(&data)
            .bind(clock::format(record.expiry_date))
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
        )
        .bind(record.id.to_string())
        .bind(data)
        .bind(clock::format(record.expiry_date))
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
        )
        .bind(id.to_string())
        .bind(clock::now_text())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expiry_date)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: clock::parse(&expiry_date)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expiry_date <= $1")
            .bind(clock::now_text())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;
    use std::time::Duration;

    fn record(expiry: time::OffsetDateTime) -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert("operator_id".to_owned(), serde_json::json!("opr_1"));
        Record {
            id: Id::default(),
            data,
            expiry_date: expiry,
        }
    }

    #[tokio::test]
    async fn sessions_are_created_loaded_saved_and_deleted() {
        on_each_db!(|db| async move {
            let store = DbSessionStore::new(db.clone());
            let mut rec = record(clock::now() + Duration::from_secs(600));
            store.create(&mut rec).await.expect("created");
            let loaded = store.load(&rec.id).await.expect("loaded").expect("present");
            assert_eq!(loaded.data, rec.data);
            assert_eq!(loaded.expiry_date, rec.expiry_date);

            rec.data
                .insert("flash".to_owned(), serde_json::json!("hello"));
            store.save(&rec).await.expect("saved");
            assert_eq!(
                store
                    .load(&rec.id)
                    .await
                    .expect("loaded")
                    .expect("present")
                    .data
                    .len(),
                2
            );

            store.delete(&rec.id).await.expect("deleted");
            assert!(store.load(&rec.id).await.expect("loaded").is_none());
        });
    }

    #[tokio::test]
    async fn expired_sessions_do_not_load_and_are_purged() {
        on_each_db!(|db| async move {
            let store = DbSessionStore::new(db.clone());
            let mut old = record(clock::now() - Duration::from_secs(1));
            let mut live = record(clock::now() + Duration::from_secs(600));
            store.create(&mut old).await.expect("created");
            store.create(&mut live).await.expect("created");
            assert!(store.load(&old.id).await.expect("loaded").is_none());
            store.delete_expired().await.expect("purged");
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
                .fetch_one(db.pool())
                .await
                .expect("count");
            assert_eq!(left, 1);
            assert!(store.load(&live.id).await.expect("loaded").is_some());
        });
    }

    #[tokio::test]
    async fn ending_an_operators_sessions_keeps_the_others_and_the_one_asked_for() {
        on_each_db!(|db| async move {
            let store = DbSessionStore::new(db.clone());
            let later = clock::now() + Duration::from_secs(600);
            let mut first = record(later);
            let mut second = record(later);
            let mut kept = record(later);
            let mut someone_else = record(later);
            someone_else
                .data
                .insert(OPERATOR_ID_KEY.to_owned(), serde_json::json!("opr_2"));
            for rec in [&mut first, &mut second, &mut kept, &mut someone_else] {
                store.create(rec).await.expect("created");
            }
            let keep = kept.id.to_string();
            let ended = end_for_operator(&db, "opr_1", Some(&keep))
                .await
                .expect("ended");
            assert_eq!(ended, 2);
            assert!(store.load(&first.id).await.expect("loaded").is_none());
            assert!(store.load(&second.id).await.expect("loaded").is_none());
            assert!(store.load(&kept.id).await.expect("loaded").is_some());
            assert!(
                store
                    .load(&someone_else.id)
                    .await
                    .expect("loaded")
                    .is_some()
            );
        });
    }
}
