//! Writes queued in the caller's transaction and sent together ([`Batch`]), their `$n`
//! placeholders numbered on across a call.
//!
//! - On SQLite every statement is a round trip to the connection's own thread, and the hand-offs,
//!   not the statements, cost most of a small write: an order's inserts, its answer and its audit
//!   entry go as one call of several statements, run one after another.
//! - On PostgreSQL every statement is a round trip to the server, and the server's work for each
//!   (its portal, its executor, its check constraints made ready) is paid again per statement: the
//!   statements go as one, each in a `WITH` of its own (`WITH w0 AS (INSERT ...), w1 AS (INSERT
//!   ...) INSERT ...`). One statement sees the database as it was when it began, so a statement
//!   that must see the writes queued before it is queued with [`Batch::push_after`] and sent after
//!   them; foreign keys are checked at the statement's end, when every row of it is written.

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
    /// Must see the writes of the statements before it ([`Batch::push_after`]).
    after: bool,
    /// Its place among every statement the batch has queued, sent or not.
    number: usize,
}

impl Statement {
    /// Binds the next placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Bound>) -> &mut Statement {
        self.values.push(value.into());
        self
    }

    /// Binds the next placeholder to `until`, until [`Batch::fill`] gives its value.
    pub(crate) fn bind_later(&mut self, until: impl Into<Bound>) -> Later {
        self.values.push(until.into());
        Later {
            statement: self.number,
            value: self.values.len() - 1,
        }
    }
}

/// A value of a queued statement, given later ([`Statement::bind_later`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Later {
    statement: usize,
    value: usize,
}

/// Statements written in order, in the caller's transaction, when [`Batch::run`] is called.
/// Nothing is sent before: a read that must see one of them runs the batch first.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    statements: Vec<Statement>,
    /// How many statements were sent before the queued ones.
    sent: usize,
}

/// Values one call takes at the most (its placeholders are numbered on across the call: SQLite
/// allows numbers up to 32,766, PostgreSQL 65,535); a batch with more is sent in several calls.
const CALL_VALUES: usize = 16_000;

/// Statements one PostgreSQL statement joins at the most, each in a `WITH` part of its own (a
/// batch's calls, completion's one-key lookups): each part is planned as a part of one statement.
pub(crate) const POSTGRES_PARTS: usize = 64;

impl Batch {
    /// Queues a statement; its placeholders are `$1`... `$n`, bound in order with
    /// [`Statement::bind`] (every number up to the highest used once at least). It must not read
    /// or change a row that a statement queued before it writes: on PostgreSQL both are one
    /// statement (see [`Batch::push_after`]). It is an `INSERT`, `UPDATE` or `DELETE` without
    /// `WITH` or `RETURNING` of its own.
    pub(crate) fn push(&mut self, sql: impl Into<String>) -> &mut Statement {
        self.queue(sql.into(), false)
    }

    /// Queues a statement that must see the writes of the statements queued before it (an
    /// `UPDATE` of a row one of them inserts): on PostgreSQL it begins the next call.
    pub(crate) fn push_after(&mut self, sql: impl Into<String>) -> &mut Statement {
        self.queue(sql.into(), true)
    }

    fn queue(&mut self, sql: String, after: bool) -> &mut Statement {
        debug_assert!(
            !sql.trim_start().to_ascii_uppercase().starts_with("WITH")
                && !sql.to_ascii_uppercase().contains("RETURNING"),
            "{sql}"
        );
        let number = self.sent + self.statements.len();
        self.statements.push(Statement {
            sql,
            values: Vec::new(),
            after,
            number,
        });
        let last = self.statements.len() - 1;
        &mut self.statements[last]
    }

    /// Gives a value bound with [`Statement::bind_later`]; `false`, with nothing changed, if its
    /// statement was already sent (the caller writes the value another way).
    pub(crate) fn fill(&mut self, later: Later, value: impl Into<Bound>) -> bool {
        let Some(statement) = later
            .statement
            .checked_sub(self.sent)
            .and_then(|at| self.statements.get_mut(at))
        else {
            return false;
        };
        statement.values[later.value] = value.into();
        true
    }

    /// Sends the queued statements once they hold more values than one call takes, so that a
    /// large write (an order of many licences) never piles up in memory.
    pub(crate) async fn run_if_full(
        &mut self,
        conn: &mut AnyConnection,
    ) -> Result<(), sqlx::Error> {
        let values: usize = self.statements.iter().map(|s| s.values.len()).sum();
        if values >= CALL_VALUES {
            self.run(conn).await?;
        }
        Ok(())
    }

    /// Sends the queued statements, leaving the batch empty.
    pub(crate) async fn run(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let statements = std::mem::take(&mut self.statements);
        self.sent += statements.len();
        let postgres = conn.backend_name() != "SQLite";
        let mut call = Call::default();
        for statement in statements {
            let full = call.values.len() + statement.values.len() > CALL_VALUES;
            let next = postgres && (statement.after || call.parts.len() == POSTGRES_PARTS);
            if !call.parts.is_empty() && (full || next) {
                std::mem::take(&mut call).send(conn, postgres).await?;
            }
            debug_assert_eq!(
                highest_placeholder(&statement.sql),
                statement.values.len(),
                "{}",
                statement.sql
            );
            let mut sql = String::with_capacity(statement.sql.len() + 16);
            renumber(&statement.sql, call.values.len(), &mut sql);
            call.parts.push(sql);
            call.values.extend(statement.values);
        }
        if !call.parts.is_empty() {
            call.send(conn, postgres).await?;
        }
        Ok(())
    }
}

/// Statements sent in one call, their placeholders numbered on.
#[derive(Default)]
struct Call {
    parts: Vec<String>,
    values: Vec<Bound>,
}

impl Call {
    /// The call's SQL: on SQLite the statements one after another, on PostgreSQL one statement,
    /// every part but the last in a `WITH` of its own.
    fn sql(&self, postgres: bool) -> String {
        let Some((last, rest)) = self.parts.split_last() else {
            return String::new();
        };
        if rest.is_empty() {
            return last.clone();
        }
        if !postgres {
            return self.parts.join(";\n");
        }
        let mut sql = String::from("WITH ");
        for (n, part) in rest.iter().enumerate() {
            if n > 0 {
                sql.push_str(",\n");
            }
            sql.push_str(&format!("w{n} AS ({part})"));
        }
        sql.push('\n');
        sql.push_str(last);
        sql
    }

    async fn send(self, conn: &mut AnyConnection, postgres: bool) -> Result<(), sqlx::Error> {
        let sql = self.sql(postgres);
        sqlx::query_with(&sql, arguments(self.values)?)
            .execute(&mut *conn)
            .await?;
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

    /// The settings whose key starts with `prefix`, by key: what the tests' batches wrote.
    async fn settings_named(db: &crate::db::Db, prefix: &str) -> Vec<(String, String)> {
        sqlx::query_as("SELECT key, value FROM settings WHERE key LIKE $1 ORDER BY key")
            .bind(format!("{prefix}%"))
            .fetch_all(db.pool())
            .await
            .expect("settings")
    }

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
            // More values than one call takes, so that the batch is sent in several.
            for n in 0..(CALL_VALUES / 3 + 10) {
                batch
                    .push("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
                    .bind(format!("batch-{n:05}"))
                    .bind(Some(n.to_string()))
                    .bind("now");
            }
            batch
                .push_after("UPDATE settings SET value = $2 WHERE key = $1")
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
            let rows = settings_named(&db, "batch-").await;
            assert_eq!(rows.len(), CALL_VALUES / 3 + 10);
            assert_eq!(rows[0].1, "first, changed after it was written");
            assert_eq!(rows[5333], ("batch-05333".to_owned(), "5333".to_owned()));
        });
    }

    #[tokio::test]
    async fn statements_pushed_after_see_the_writes_before_them_and_foreign_keys_hold() {
        crate::on_each_db!(|db| async move {
            for sql in [
                "CREATE TABLE batch_parent (id TEXT PRIMARY KEY NOT NULL, note TEXT)",
                "CREATE TABLE batch_child (id TEXT PRIMARY KEY NOT NULL, \
                 parent_id TEXT NOT NULL REFERENCES batch_parent (id))",
            ] {
                sqlx::query(sql).execute(db.pool()).await.expect("table");
            }
            let mut tx = db.begin_write().await.expect("transaction");
            let mut batch = Batch::default();
            // One statement on PostgreSQL: the child's key is checked once both are written.
            batch
                .push("INSERT INTO batch_parent (id, note) VALUES ($1, $2)")
                .bind("p1")
                .bind("written");
            batch
                .push("INSERT INTO batch_child (id, parent_id) VALUES ($1, $2)")
                .bind("c1")
                .bind("p1");
            // Also one statement with the insert on PostgreSQL: it sees the table as it was.
            batch
                .push("UPDATE batch_parent SET note = $2 WHERE id = $1")
                .bind("p1")
                .bind("changed by a statement pushed with it");
            batch.run(&mut tx).await.expect("run");
            let note: String = sqlx::query_scalar("SELECT note FROM batch_parent WHERE id = 'p1'")
                .fetch_one(&mut *tx)
                .await
                .expect("note");
            match db.dialect() {
                crate::db::Dialect::Postgres => assert_eq!(note, "written"),
                crate::db::Dialect::Sqlite => {
                    assert_eq!(note, "changed by a statement pushed with it")
                }
            }
            batch
                .push("INSERT INTO batch_parent (id, note) VALUES ($1, $2)")
                .bind("p2")
                .bind("written");
            batch
                .push_after("UPDATE batch_parent SET note = $2 WHERE id = $1")
                .bind("p2")
                .bind("changed after it was written");
            batch.run(&mut tx).await.expect("run");
            tx.commit().await.expect("commit");
            let note: String = sqlx::query_scalar("SELECT note FROM batch_parent WHERE id = 'p2'")
                .fetch_one(db.pool())
                .await
                .expect("note");
            assert_eq!(note, "changed after it was written");
            let children: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM batch_child")
                .fetch_one(db.pool())
                .await
                .expect("children");
            assert_eq!(children, 1);

            // A child of a parent that is nowhere is refused, and nothing of its call is kept.
            let mut tx = db.begin_write().await.expect("transaction");
            let mut batch = Batch::default();
            batch
                .push("INSERT INTO batch_parent (id, note) VALUES ($1, $2)")
                .bind("p3")
                .bind("written");
            batch
                .push("INSERT INTO batch_child (id, parent_id) VALUES ($1, $2)")
                .bind("c3")
                .bind("nowhere");
            let refused = batch.run(&mut tx).await;
            assert!(refused.is_err(), "a missing parent is refused: {refused:?}");
            drop(tx);
            let parents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM batch_parent")
                .fetch_one(db.pool())
                .await
                .expect("parents");
            assert_eq!(parents, 2);
        });
    }

    #[tokio::test]
    async fn a_value_bound_later_is_written_if_given_before_its_statement_is_sent() {
        crate::on_each_db!(|db| async move {
            let mut tx = db.begin_write().await.expect("transaction");
            let mut batch = Batch::default();
            let mut later = Vec::new();
            for key in ["later-1", "later-2"] {
                let statement =
                    batch.push("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)");
                statement.bind(key);
                later.push(statement.bind_later(Some("until given")));
                statement.bind("now");
            }
            assert!(batch.fill(later[0], "given"));
            batch.run(&mut tx).await.expect("run");
            assert!(!batch.fill(later[1], "too late"), "its statement was sent");
            batch
                .push("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
                .bind("later-3")
                .bind("queued after a run")
                .bind("now");
            assert!(
                !batch.fill(later[1], "too late"),
                "another statement holds its place"
            );
            batch.run(&mut tx).await.expect("run");
            tx.commit().await.expect("commit");
            let rows = settings_named(&db, "later-").await;
            let expected = [
                ("later-1", "given"),
                ("later-2", "until given"),
                ("later-3", "queued after a run"),
            ];
            let expected: Vec<(String, String)> = expected
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            assert_eq!(rows, expected);
        });
    }
}
