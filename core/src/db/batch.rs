//! Writes queued in the caller's transaction and sent together ([`Batch`]). On SQLite every
//! statement is a round trip to the connection's own thread, and the hand-offs, not the statements,
//! cost most of a small write: an order's inserts, its answer and its audit entry go as one call of
//! several statements, their `$n` placeholders numbered on. PostgreSQL runs them one after another.

use sqlx::AnyConnection;
use sqlx::any::AnyArguments;

/// One value bound to a statement: text or an integer, either possibly null.
#[derive(Debug, Clone)]
pub(crate) enum Bound {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for Bound {
    fn from(value: &str) -> Self {
        Bound::Text(Some(value.to_owned()))
    }
}

impl From<String> for Bound {
    fn from(value: String) -> Self {
        Bound::Text(Some(value))
    }
}

impl From<&String> for Bound {
    fn from(value: &String) -> Self {
        Bound::Text(Some(value.clone()))
    }
}

impl From<Option<String>> for Bound {
    fn from(value: Option<String>) -> Self {
        Bound::Text(value)
    }
}

impl From<Option<&str>> for Bound {
    fn from(value: Option<&str>) -> Self {
        Bound::Text(value.map(str::to_owned))
    }
}

impl From<i64> for Bound {
    fn from(value: i64) -> Self {
        Bound::Int(Some(value))
    }
}

impl From<Option<i64>> for Bound {
    fn from(value: Option<i64>) -> Self {
        Bound::Int(value)
    }
}

impl Bound {
    fn add_to(self, args: &mut AnyArguments<'_>) -> Result<(), sqlx::Error> {
        use sqlx::Arguments;
        match self {
            Bound::Text(text) => args.add(text),
            Bound::Int(number) => args.add(number),
        }
        .map_err(sqlx::Error::Encode)
    }
}

/// Binds `values` in order to a query.
pub(crate) fn arguments(
    values: impl IntoIterator<Item = Bound>,
) -> Result<AnyArguments<'static>, sqlx::Error> {
    let mut args = AnyArguments::default();
    for value in values {
        value.add_to(&mut args)?;
    }
    Ok(args)
}

/// A statement of a [`Batch`], with its own `$1`, `$2`... and the values they stand for.
#[derive(Debug)]
pub(crate) struct Statement {
    sql: String,
    values: Vec<Bound>,
}

impl Statement {
    /// Binds the next placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Bound>) -> &mut Statement {
        self.values.push(value.into());
        self
    }
}

/// Statements written in order, in the caller's transaction, when [`Batch::run`] is called.
/// Nothing is sent before: a read that must see one of them runs the batch first.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    statements: Vec<Statement>,
}

/// Values one SQLite call takes at the most (its placeholders are numbered on across the call, and
/// SQLite allows numbers up to 32,766); a batch with more is sent in several calls.
const SQLITE_VALUES: usize = 16_000;

impl Batch {
    /// Queues a statement; its placeholders are `$1`... `$n`, bound in order with
    /// [`Statement::bind`] (every number up to the highest used once at least).
    pub(crate) fn push(&mut self, sql: impl Into<String>) -> &mut Statement {
        self.statements.push(Statement {
            sql: sql.into(),
            values: Vec::new(),
        });
        let last = self.statements.len() - 1;
        &mut self.statements[last]
    }

    /// Sends the queued statements once they hold more values than one SQLite call takes, so that
    /// a large write (an order of many licences) never piles up in memory.
    pub(crate) async fn run_if_full(
        &mut self,
        conn: &mut AnyConnection,
    ) -> Result<(), sqlx::Error> {
        let values: usize = self.statements.iter().map(|s| s.values.len()).sum();
        if values >= SQLITE_VALUES {
            self.run(conn).await?;
        }
        Ok(())
    }

    /// Sends the queued statements, leaving the batch empty.
    pub(crate) async fn run(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let statements = std::mem::take(&mut self.statements);
        if conn.backend_name() != "SQLite" {
            for Statement { sql, values } in statements {
                sqlx::query_with(&sql, arguments(values)?)
                    .execute(&mut *conn)
                    .await?;
            }
            return Ok(());
        }
        let mut sql = String::new();
        let mut values: Vec<Bound> = Vec::new();
        for statement in statements {
            if !values.is_empty() && values.len() + statement.values.len() > SQLITE_VALUES {
                let call = std::mem::take(&mut sql);
                sqlx::query_with(&call, arguments(std::mem::take(&mut values))?)
                    .execute(&mut *conn)
                    .await?;
            }
            if !sql.is_empty() {
                sql.push_str(";\n");
            }
            renumber(&statement.sql, values.len(), &mut sql);
            debug_assert_eq!(
                highest_placeholder(&statement.sql),
                statement.values.len(),
                "{}",
                statement.sql
            );
            values.extend(statement.values);
        }
        if !sql.is_empty() {
            sqlx::query_with(&sql, arguments(values)?)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

/// Appends `sql` to `out` with each `$k` written `$(k + offset)`. Fleetdesk's statements hold no
/// `$` but in placeholders.
fn renumber(sql: &str, offset: usize, out: &mut String) {
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(k) = rest[..digits].parse::<usize>() {
            out.push_str(&(k + offset).to_string());
        } else {
            out.push_str(&rest[..digits]);
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
}

fn highest_placeholder(sql: &str) -> usize {
    sql.split('$')
        .skip(1)
        .filter_map(|part| {
            let digits = part.bytes().take_while(u8::is_ascii_digit).count();
            part[..digits].parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_on_from_the_offset() {
        let mut out = String::from("X;");
        renumber("INSERT INTO t VALUES ($1, $2, $12, $2)", 10, &mut out);
        assert_eq!(out, "X;INSERT INTO t VALUES ($11, $12, $22, $12)");
        assert_eq!(highest_placeholder("VALUES ($1, $12, $2)"), 12);
        assert_eq!(highest_placeholder("SELECT 1"), 0);
    }

    #[tokio::test]
    async fn a_batch_writes_its_statements_in_order_and_only_when_run() {
        crate::on_each_db!(|db| async move {
            let mut tx = db.begin_write().await.expect("transaction");
            let mut batch = Batch::default();
            // More values than one SQLite call takes, so that the batch is sent in several.
            for n in 0..(SQLITE_VALUES / 3 + 10) {
                batch
                    .push("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
                    .bind(format!("batch-{n:05}"))
                    .bind(Some(n.to_string()))
                    .bind("now");
            }
            batch
                .push("UPDATE settings SET value = $2 WHERE key = $1")
                .bind("batch-00000")
                .bind("first, changed after it was written");
            let before: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key LIKE 'batch-%'")
                    .fetch_one(&mut *tx)
                    .await
                    .expect("count");
            assert_eq!(before, 0, "nothing is sent before run");
            batch.run(&mut tx).await.expect("run");
            tx.commit().await.expect("commit");
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT key, value FROM settings WHERE key LIKE 'batch-%' ORDER BY key",
            )
            .fetch_all(db.pool())
            .await
            .expect("rows");
            assert_eq!(rows.len(), SQLITE_VALUES / 3 + 10);
            assert_eq!(rows[0].1, "first, changed after it was written");
            assert_eq!(rows[5333], ("batch-05333".to_owned(), "5333".to_owned()));
        });
    }
}
