//! What the benchmarks share: a real `fleetdesk serve` process on a free port.

#![allow(
    dead_code,
    reason = "each benchmark uses its own part of these helpers"
)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// The first administrator's password in benchmark servers.
pub const ADMIN_PASSWORD: &str = "benchmark-admin-password";

/// A `fleetdesk serve` process, killed when dropped.
pub struct Running {
    pub child: Child,
    pub base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the release server on a free port over `database_url` and waits until it is ready; the
/// first administrator is `admin` with [`ADMIN_PASSWORD`].
pub async fn start_server(
    bin: &str,
    database_url: &str,
    data_dir: &std::path::Path,
) -> anyhow::Result<Running> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new(bin)
        .arg("serve")
        .env("FLEETDESK_DATABASE_URL", database_url)
        .env("FLEETDESK_DATA_DIR", data_dir)
        .env("FLEETDESK_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "FLEETDESK_SESSION_KEY",
            fleetdesk_server::config::generate_session_key(),
        )
        .env("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("FLEETDESK_LOG", "warn")
        .env("LEPTOS_SITE_ROOT", data_dir.join("site"))
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("failed to start {bin}"))?;
    let running = Running {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("{}/readyz", running.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(running);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not become ready")
}
