//! CSV downloads read from a database cursor and written as they go, so that memory stays flat
//! whatever the number of rows: the customer export and the licences still waiting for a real
//! realizing resource.

use futures_util::{Stream, StreamExt};
use sqlx::any::AnyRow;

use crate::db::{Db, DbError};

/// Rows per chunk of the stream.
const CHUNK_ROWS: usize = 200;

/// A value bound to the export's query, in order (`$1`, `$2`, …).
#[derive(Debug, Clone)]
pub enum Bind {
    Text(Option<String>),
    /// A 32-bit integer (PostgreSQL's `substr` takes no other).
    Int(i32),
}

/// The rows of `sql`, as CSV with `header` first; `record` turns a row into its cells. The stream
/// ends early with an error if the database fails.
pub fn stream(
    db: Db,
    sql: String,
    binds: Vec<Bind>,
    header: &'static [&'static str],
    record: fn(&AnyRow) -> Result<Vec<String>, DbError>,
) -> impl Stream<Item = Result<Vec<u8>, DbError>> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, DbError>>(8);
    tokio::spawn(async move {
        let mut writer = csv::Writer::from_writer(Vec::new());
        if let Err(error) = writer.write_record(header) {
            let _ = sender.send(Err(DbError::Corrupt(error.to_string()))).await;
            return;
        }
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(number) => query.bind(number),
            };
        }
        let mut rows = query.fetch(db.pool());
        let mut pending = 0;
        while let Some(row) = rows.next().await {
            let written = row
                .map_err(DbError::Query)
                .and_then(|row| record(&row))
                .and_then(|cells| {
                    writer
                        .write_record(&cells)
                        .map_err(|e| DbError::Corrupt(e.to_string()))
                });
            if let Err(error) = written {
                let _ = sender.send(Err(error)).await;
                return;
            }
            pending += 1;
            if pending == CHUNK_ROWS {
                pending = 0;
                let full = std::mem::replace(&mut writer, csv::Writer::from_writer(Vec::new()));
                if sender.send(bytes_of(full)).await.is_err() {
                    return; // the client went away
                }
            }
        }
        let _ = sender.send(bytes_of(writer)).await;
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

/// What a writer holds (each chunk has its own writer: CSV quoting needs no state across rows).
fn bytes_of(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, DbError> {
    writer
        .into_inner()
        .map_err(|e| DbError::Corrupt(e.to_string()))
}
