//! CSV downloads: a stream of chunks from the database, sent as an attachment named after the
//! day, never cached. A database failure ends the download early (the file is then cut short,
//! and the error logged).

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use futures_util::{Stream, StreamExt};

use fleetdesk_core::db::DbError;

/// `rows` as a CSV attachment named `{stem}-{date}.csv`; `what` names the download in logs.
pub fn csv(
    rows: impl Stream<Item = Result<Vec<u8>, DbError>> + Send + 'static,
    stem: &str,
    what: &'static str,
) -> Response {
    let rows = rows.map(move |chunk| {
        chunk.map_err(|error| {
            tracing::error!(error = %error, download = what, "download stopped: database error");
            std::io::Error::other("database error")
        })
    });
    let mut response = Response::new(Body::from_stream(rows));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let date = fleetdesk_core::clock::now().date();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}-{date}.csv\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
