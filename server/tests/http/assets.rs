//! The console's assets and compressed answers, over real HTTP: a hashed asset is served from its
//! precompressed brotli file, decodes to the file, and is cached for a year; pages are compressed
//! as they go and revalidated each time; an answer holding a secret is neither compressed nor
//! stored; a site built without hashes keeps plain names and is revalidated.

use std::io::Read;

use crate::common;

use common::*;
use fleetdesk_core::testing::TestDb;

const CSS: &str = "body { color: #123456; }\n";

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
    std::io::Write::write_all(&mut writer, data).expect("compress");
    drop(writer);
    out
}

fn unbrotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(data, 4096)
        .read_to_end(&mut out)
        .expect("a brotli body");
    out
}

/// A site as `scripts/site` builds it: hashed names, `hash.txt`, precompressed copies.
fn hashed_site(setup: &Setup, css: &str) {
    let pkg = setup.data_dir.join("site").join("pkg");
    std::fs::create_dir_all(&pkg).expect("site");
    std::fs::write(
        setup.data_dir.join("site").join("hash.txt"),
        "js: 1111aaaa\nwasm: 2222bbbb\ncss: 3333cccc\n",
    )
    .expect("hash.txt");
    let file = pkg.join("fleetdesk.3333cccc.css");
    std::fs::write(&file, css).expect("css");
    std::fs::write(
        pkg.join("fleetdesk.3333cccc.css.br"),
        brotli(css.as_bytes()),
    )
    .expect("br");
}

async fn fetch(
    server: &TestServer,
    client: &reqwest::Client,
    path: &str,
    encoding: &str,
) -> reqwest::Response {
    client
        .get(server.url(path))
        .header("accept-encoding", encoding)
        .send()
        .await
        .expect("answer")
}

#[tokio::test]
async fn hashed_assets_are_sent_precompressed_and_cached_for_a_year_and_pages_are_not() {
    let test_db = TestDb::sqlite().await;
    let setup = Setup::new(&test_db);
    let css = CSS.repeat(100);
    hashed_site(&setup, &css);
    let server = setup.start().await;
    let browser = client();

    let asset = fetch(&server, &browser, "/pkg/fleetdesk.3333cccc.css", "gzip, br").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(header(&asset, "content-encoding"), "br");
    assert_eq!(
        header(&asset, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&asset, "content-type"), "text/css");
    let body = asset.bytes().await.expect("body");
    assert_eq!(unbrotli(&body), css.as_bytes());
    // A browser that takes no encoding gets the file itself.
    let plain = fetch(&server, &browser, "/pkg/fleetdesk.3333cccc.css", "identity").await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(plain.text().await.expect("body"), css);
    assert_eq!(
        fetch(&server, &browser, "/pkg/nothing.js", "br")
            .await
            .status(),
        404
    );

    // The page names the hashed files, is compressed as it goes, and is revalidated each time.
    let page = fetch(&server, &browser, "/login", "br").await;
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "content-encoding"), "br");
    assert_eq!(header(&page, "cache-control"), "no-cache, private");
    let html = String::from_utf8(unbrotli(&page.bytes().await.expect("body"))).expect("utf-8");
    assert!(
        html.contains("href=\"/pkg/fleetdesk.3333cccc.css\""),
        "{html}"
    );
    assert!(html.contains("fleetdesk.1111aaaa"), "{html}");
    assert!(html.contains("fleetdesk.2222bbbb"), "{html}");

    // The answer that shows a new credential's secret once: never stored, never compressed.
    let admin = admin(&server).await;
    let issued = admin
        .post(server.url("/settings/credentials"))
        .header("accept-encoding", "gzip, br")
        .form(&[("label", "Compression check")])
        .send()
        .await
        .expect("answer");
    assert_eq!(issued.status(), 200);
    assert!(header(&issued, "cache-control").contains("no-store"));
    assert_eq!(header(&issued, "content-encoding"), "");
    let html = issued.text().await.expect("body");
    assert!(html.contains("Compression check"), "{html}");

    server.stop().await;
    test_db.finish().await;
}

#[tokio::test]
async fn a_site_built_without_hashes_keeps_its_names_and_is_revalidated() {
    let test_db = TestDb::sqlite().await;
    let setup = Setup::new(&test_db);
    let pkg = setup.data_dir.join("site").join("pkg");
    std::fs::create_dir_all(&pkg).expect("site");
    std::fs::write(pkg.join("fleetdesk.css"), CSS).expect("css");
    let server = setup.start().await;
    let browser = client();
    let asset = fetch(&server, &browser, "/pkg/fleetdesk.css", "br").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(header(&asset, "cache-control"), "no-cache");
    let page = fetch(&server, &browser, "/login", "identity").await;
    let html = page.text().await.expect("body");
    assert!(html.contains("href=\"/pkg/fleetdesk.css\""), "{html}");
    server.stop().await;
    test_db.finish().await;
}
