//! The console's assets and the compression of answers.
//!
//! `/pkg/…` (the wasm, its JavaScript glue, the stylesheet) is served from the site folder with the
//! precompressed `.br` or `.gz` file the build wrote beside each one, chosen by the browser's
//! `Accept-Encoding`. When the site was built with its assets named by their content (`hash.txt`,
//! written by `scripts/site`), a name never changes meaning, so they are cached for a year and
//! never revalidated; otherwise (a development build) browsers revalidate them each time.
//!
//! Other answers of over 1 KiB (pages, server functions, the Orange API's JSON) are compressed as
//! they go, gzip or brotli, except answers that must not be stored (`no-store`: a secret shown
//! once), which are never compressed, so that no secret shares a compressed stream with text an
//! attacker may have chosen.

use axum::http::{HeaderMap, HeaderValue, StatusCode, Version, header};
use tower::Layer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use crate::state::AppState;

/// For assets whose name changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For assets that keep their name across builds.
const REVALIDATE: &str = "no-cache";

/// `/pkg/…` from the site folder, precompressed files first, with the cache header that fits.
pub fn pkg(state: &AppState) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = state
        .config
        .site_root
        .join(&*state.leptos_options.site_pkg_dir);
    let cache = if state.leptos_options.hash_files {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(cache))
        .layer(files)
}

/// Compresses answers over 1 KiB as they go, unless they must not be stored.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let storable = |_: StatusCode, _: Version, headers: &HeaderMap, _: &axum::http::Extensions| {
        !headers
            .get_all(header::CACHE_CONTROL)
            .iter()
            .any(|value| value.to_str().is_ok_and(|v| v.contains("no-store")))
    };
    let predicate = SizeAbove::new(1024)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
        .and(storable);
    CompressionLayer::new()
        .quality(CompressionLevel::Default)
        .compress_when(predicate)
}
