//! `fleetdesk demo` as a newcomer runs it: the binary starts on a folder of its own, prints the
//! address and the sign-in, the console shows the seeded data, and Orange's orders keep arriving;
//! Ctrl-C stops it cleanly, and a second start carries on with the same data.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

/// The demo, running, with what it printed so far.
struct Demo {
    child: Child,
    base: String,
    password: String,
    lines: std::sync::mpsc::Receiver<String>,
}

fn start(folder: &std::path::Path) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
        .args(["demo", "--every", "0.3", "--customers", "6"])
        .args(["--licences-per-customer", "3", "--folder"])
        .arg(folder)
        .env_remove("FLEETDESK_DATABASE_URL")
        .env_remove("FLEETDESK_SESSION_KEY")
        .env_remove("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD")
        .env("FLEETDESK_LISTEN", "127.0.0.1:0")
        .env("FLEETDESK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (mut base, mut password) = (None, None);
    let deadline = Instant::now() + Duration::from_secs(60);
    while base.is_none() || password.is_none() {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the demo prints its address and sign-in within a minute");
        if let Some(rest) = line.strip_prefix("Fleetdesk demo is running at ") {
            base = Some(rest.trim_end_matches('/').to_owned());
        }
        if let Some(rest) = line.split(" with the password ").nth(1) {
            password = Some(rest.trim().to_owned());
        }
    }
    Demo {
        child,
        base: base.unwrap_or_default(),
        password: password.unwrap_or_default(),
        lines,
    }
}

impl Demo {
    async fn signed_in(&self) -> reqwest::Client {
        let client = common::client();
        let response = client
            .post(format!("{}/auth/login", self.base))
            .form(&[
                ("login", "admin"),
                ("password", self.password.as_str()),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("sign-in answered");
        assert_eq!(response.status(), 303);
        assert_eq!(common::location(&response), "/", "signed in");
        client
    }

    async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("page answered");
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.expect("body")
    }

    /// Stops it as Ctrl-C does; what it printed after.
    fn stop(mut self) -> String {
        let stopped = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(stopped.success());
        let status = self.child.wait().expect("the demo ends");
        assert!(status.success(), "the demo ends cleanly: {status}");
        self.lines.try_iter().collect::<Vec<_>>().join("\n")
    }
}

/// How many orders the console's order list shows (its first page).
fn orders_in(html: &str) -> usize {
    html.matches("href=\"/orders/ord_").count()
}

#[tokio::test]
async fn the_demo_shows_seeded_data_and_orders_keep_arriving() {
    let folder =
        std::env::temp_dir().join(format!("fleetdesk-demo-{}", uuid::Uuid::now_v7().simple()));
    let demo = start(&folder);
    let client = demo.signed_in().await;
    let customers = demo.page(&client, "/customers").await;
    assert!(
        customers.matches("href=\"/customers/cus_").count() >= 6,
        "{customers}"
    );
    let licences = demo.page(&client, "/licences").await;
    assert!(licences.contains("OFFER-MOBILE-PRO"), "{licences}");
    let stuck = demo.page(&client, "/stuck").await;
    assert!(stuck.contains("Waits for manual approval"), "{stuck}");

    let first = orders_in(&demo.page(&client, "/orders").await);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut now = first;
    while now <= first + 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        now = orders_in(&demo.page(&client, "/orders").await);
    }
    assert!(
        now > first + 2,
        "new orders keep arriving: {first} then {now}"
    );
    let said = demo.stop();
    assert!(said.contains("Stopping the demo"), "{said}");

    // A second start carries on with the same data and the same sign-in.
    let again = start(&folder);
    let client = again.signed_in().await;
    assert!(orders_in(&again.page(&client, "/orders").await) >= now.min(20));
    again.stop();
    let _ = std::fs::remove_dir_all(&folder);
}
