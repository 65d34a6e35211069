//! CSV downloads read from a database cursor and written as they go, so that memory stays flat
//! whatever the number of rows: the customer export and the licences still waiting for a real
//! realizing resource.
//!
//! Every cell goes through [`inert`]: names and addresses come from Orange and its customers, and
//! a spreadsheet must never run one as a formula.

use std::borrow::Cow;

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
                    let cells: Vec<Cow<'_, str>> = cells.iter().map(|cell| inert(cell)).collect();
                    writer
                        .write_record(cells.iter().map(|cell| cell.as_bytes()))
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

/// A cell as a spreadsheet may safely open it: text that Excel, LibreOffice or Google Sheets
/// would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading `'`, as OWASP advises against CSV injection; anything else is left as it is.
pub fn inert(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// What a writer holds (each chunk has its own writer: CSV quoting needs no state across rows).
fn bytes_of(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, DbError> {
    writer
        .into_inner()
        .map_err(|e| DbError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_inert_and_others_left_alone() {
        for (cell, written) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+33639980001", "'+33639980001"),
            ("-2+3", "'-2+3"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("Menuiserie Lefebvre SARL", "Menuiserie Lefebvre SARL"),
            ("Dupont, \"Frères\" & Cie", "Dupont, \"Frères\" & Cie"),
            ("a=b", "a=b"),
            ("", ""),
            ("42", "42"),
        ] {
            assert_eq!(inert(cell), written, "{cell:?}");
        }
    }
}
