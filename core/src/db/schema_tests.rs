//! The two migration folders (one per dialect) must build the same schema: the same tables, the
//! same columns with the same kind of type and nullability, the same primary keys, foreign keys,
//! unique constraints, indexes and named constraints. This reads both databases' own catalogues
//! after migrating and compares what they describe.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;

use crate::db::Db;
use crate::testing::TestDb;

/// What one table is made of, in terms both dialects can state.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// Column name -> (kind of type, whether NULL is refused).
    columns: BTreeMap<String, (&'static str, bool)>,
    primary_key: Vec<String>,
    /// (columns, referenced table, referenced columns).
    foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>)>,
    /// Column lists that must be unique (constraints and unique indexes, partial ones marked).
    unique: BTreeSet<(Vec<String>, bool)>,
    /// Indexes created by name: (name, columns, unique, partial).
    indexes: BTreeSet<(String, Vec<String>, bool, bool)>,
    /// The names of the constraints but the primary key. The migrations name each one (with
    /// PostgreSQL's own pattern, `table_column_key`, `..._fkey`, `..._check`), so that both
    /// databases know them by the same names.
    named_constraints: BTreeSet<String>,
}

/// The kind of a column's type: both dialects' spellings of one kind map to one word.
fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "text" => "text",
        "integer" | "bigint" | "int" | "smallint" => "integer",
        "boolean" => "boolean",
        "real" | "double precision" => "real",
        other => panic!("a column type this comparison does not know: {other}"),
    }
}

fn strings(row: &sqlx::any::AnyRow, column: &str) -> Vec<String> {
    row.try_get::<String, _>(column)
        .expect("a list")
        .split(',')
        .map(str::to_owned)
        .collect()
}

async fn sqlite_schema(db: &Db) -> BTreeMap<String, Table> {
    let pool = db.pool();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = BTreeMap::new();
    for (name, sql) in tables {
        let mut table = Table {
            named_constraints: constraint_names(&name, &sql),
            ..Table::default()
        };
        let mut primary_key: Vec<(i64, String)> = Vec::new();
        for row in
            sqlx::query("SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info($1)")
                .bind(&name)
                .fetch_all(pool)
                .await
                .expect("columns")
        {
            let column: String = row.try_get("name").expect("name");
            let pk: i64 = row.try_get("pk").expect("pk");
            let not_null: i64 = row.try_get("not_null").expect("notnull");
            let declared: String = row.try_get("type").expect("type");
            if pk > 0 {
                primary_key.push((pk, column.clone()));
            }
            table
                .columns
                .insert(column, (kind(&declared), not_null == 1 || pk > 0));
        }
        primary_key.sort();
        table.primary_key = primary_key.into_iter().map(|(_, c)| c).collect();
        for row in sqlx::query(
            "SELECT \"table\" AS target, group_concat(\"from\") AS cols, group_concat(\"to\") AS refs \
             FROM (SELECT * FROM pragma_foreign_key_list($1) ORDER BY id, seq) GROUP BY id",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("foreign keys")
        {
            table.foreign_keys.insert((
                strings(&row, "cols"),
                row.try_get("target").expect("target"),
                strings(&row, "refs"),
            ));
        }
        for row in sqlx::query(
            "SELECT l.name AS name, l.\"unique\" AS is_unique, l.origin AS origin, l.partial AS partial, \
                    (SELECT group_concat(name) FROM (SELECT i.name FROM pragma_index_info(l.name) i ORDER BY i.seqno)) AS cols \
             FROM pragma_index_list($1) l",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("indexes")
        {
            let index: String = row.try_get("name").expect("name");
            let unique = row.try_get::<i64, _>("is_unique").expect("unique") == 1;
            let partial = row.try_get::<i64, _>("partial").expect("partial") == 1;
            let origin: String = row.try_get("origin").expect("origin");
            let columns = strings(&row, "cols");
            if origin == "pk" {
                continue;
            }
            if unique {
                table.unique.insert((columns.clone(), partial));
            }
            if origin == "c" {
                table.indexes.insert((index, columns, unique, partial));
            }
        }
        schema.insert(name, table);
    }
    schema
}

/// The names of a table's constraints but its primary key, from its SQL text (SQLite keeps no
/// other record of them): `CONSTRAINT name ...` clauses, and for a column's own unnamed `CHECK`,
/// `UNIQUE` or `REFERENCES` the name PostgreSQL gives it (`table_column_check`, `_key`, `_fkey`).
fn constraint_names(table: &str, sql: &str) -> BTreeSet<String> {
    let sql: String = sql
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    let body = &sql[sql.find('(').expect("(") + 1..sql.rfind(')').expect(")")];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    let mut names = BTreeSet::new();
    for part in parts {
        let words: Vec<String> = part
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_matches('"').to_owned())
            .collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        for (i, word) in upper.iter().enumerate() {
            if word == "CONSTRAINT" && upper.get(i + 2).is_some_and(|next| next != "PRIMARY") {
                names.insert(words[i + 1].clone());
            }
        }
        let Some(first) = upper.first() else { continue };
        if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(&first.as_str()) {
            continue;
        }
        let column = &words[0];
        for (i, word) in upper.iter().enumerate().skip(1) {
            let suffix = match word.as_str() {
                "CHECK" => "check",
                "UNIQUE" => "key",
                "REFERENCES" => "fkey",
                _ => continue,
            };
            let named = i >= 2 && upper[i - 2] == "CONSTRAINT";
            if !named {
                names.insert(format!("{table}_{column}_{suffix}"));
            }
        }
    }
    names
}

async fn postgres_schema(db: &Db) -> BTreeMap<String, Table> {
    let pool = db.pool();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = BTreeMap::new();
    for name in tables {
        let mut table = Table::default();
        for row in sqlx::query(
            "SELECT column_name::text AS name, data_type::text AS type, (is_nullable = 'NO') AS not_null \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("columns")
        {
            let declared: String = row.try_get("type").expect("type");
            table.columns.insert(
                row.try_get("name").expect("name"),
                (kind(&declared), row.try_get("not_null").expect("not null")),
            );
        }
        // Constraints, each with its columns (and the referenced ones) in key order.
        for row in sqlx::query(
            "SELECT c.conname::text AS name, c.contype::text AS kind, \
                    (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n) \
                       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols, \
                    COALESCE(c.confrelid::regclass::text, '') AS target, \
                    COALESCE((SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n) \
                       JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum), '') AS refs, \
                    pg_get_constraintdef(c.oid) AS definition \
             FROM pg_constraint c WHERE c.conrelid = $1::regclass",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("constraints")
        {
            let constraint: String = row.try_get("name").expect("name");
            let kind: String = row.try_get("kind").expect("kind");
            match kind.as_str() {
                "p" => table.primary_key = strings(&row, "cols"),
                "f" => {
                    table.foreign_keys.insert((
                        strings(&row, "cols"),
                        row.try_get("target").expect("target"),
                        strings(&row, "refs"),
                    ));
                }
                "u" => {
                    table.unique.insert((strings(&row, "cols"), false));
                }
                _ => {}
            }
            // Primary keys are compared by their columns (PostgreSQL names unnamed ones itself).
            if kind != "p" {
                table.named_constraints.insert(constraint);
            }
        }
        for row in sqlx::query(
            "SELECT i.relname::text AS name, x.indisunique AS is_unique, (x.indpred IS NOT NULL) AS partial, \
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) AS backs_constraint, \
                    (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n) \
                       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) AS cols \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("indexes")
        {
            let backs_constraint: bool = row.try_get("backs_constraint").expect("backs");
            if backs_constraint {
                continue;
            }
            let unique: bool = row.try_get("is_unique").expect("unique");
            let partial: bool = row.try_get("partial").expect("partial");
            let columns = strings(&row, "cols");
            if unique {
                table.unique.insert((columns.clone(), partial));
            }
            table
                .indexes
                .insert((row.try_get("name").expect("name"), columns, unique, partial));
        }
        schema.insert(name, table);
    }
    schema
}

#[tokio::test]
async fn both_migration_folders_build_the_same_schema() {
    let sqlite = TestDb::sqlite().await;
    let Some(postgres) = TestDb::postgres().await else {
        sqlite.finish().await;
        return;
    };
    let (lite, pg) = (
        sqlite_schema(&sqlite.db).await,
        postgres_schema(&postgres.db).await,
    );
    assert!(lite.len() > 20, "the schema was read: {:?}", lite.keys());
    assert_eq!(
        lite.keys().collect::<Vec<_>>(),
        pg.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    let mut differences = Vec::new();
    for (name, table) in &lite {
        let other = &pg[name];
        if table != other {
            differences.push(format!(
                "{name}:\n  SQLite:     {table:?}\n  PostgreSQL: {other:?}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    sqlite.finish().await;
    postgres.finish().await;
}
