//! Faults from outside: the database going away while the server runs, and the process killed in
//! the middle of Orange's orders. A real server (in process, or the real binary killed with
//! SIGKILL) over real SQLite and PostgreSQL databases.

use crate::common;
use crate::orange;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use fleetdesk_core::testing::{FailingDisk, SmallDisk, TestDb};

use common::{Setup, admin, body, get};
use orange::{Api, PRO, count_of, counts, create_customer, order_licences, reply};

/// A TCP relay between the server and PostgreSQL that can cut every connection and refuse new
/// ones, as a network partition or a database host going down would.
struct Relay {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accept = tokio::spawn({
            let up = up.clone();
            let links = links.clone();
            async move {
                loop {
                    let Ok((mut inbound, _)) = listener.accept().await else {
                        return;
                    };
                    if !up.load(Ordering::SeqCst) {
                        // Down: the connection is closed at once, before a byte is answered.
                        drop(inbound);
                        continue;
                    }
                    let link = tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(target).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    links.lock().expect("links").push(link);
                }
            }
        });
        Relay {
            addr,
            up,
            links,
            accept,
        }
    }

    /// Every open connection is cut and new ones are refused.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().expect("links").drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// `url` with its host and port replaced by `addr`.
fn through(url: &str, addr: SocketAddr) -> String {
    let mut url = reqwest::Url::parse(url).expect("a database URL");
    url.set_host(Some(&addr.ip().to_string())).expect("host");
    url.set_port(Some(addr.port())).expect("port");
    url.to_string()
}

fn target_of(url: &str) -> SocketAddr {
    let url = reqwest::Url::parse(url).expect("a database URL");
    let host = url.host_str().expect("host");
    let port = url.port().unwrap_or(5432);
    std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .expect("resolves")
        .next()
        .expect("an address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_gives_503_and_the_service_comes_back_by_itself() {
    let Some(test_db) = TestDb::postgres().await else {
        return;
    };
    let relay = Relay::start(target_of(&test_db.url)).await;
    let setup =
        Setup::new(&test_db).with("FLEETDESK_DATABASE_URL", &through(&test_db.url, relay.addr));
    let api = Api::start_with(&test_db, setup).await;
    let console = admin(&api.server).await;
    assert_eq!(get(&console, &api.server, "/").await.status(), 200);
    let created = api
        .post("/productOrder", &create_customer("F-1", "F-CUS-1"))
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let customer = created.str("/customer/id");
    let before = counts(&test_db).await;

    relay.cut();
    // Orange: the contract's envelope, 503, a hint to retry, and nothing written.
    let order = order_licences("F-2", &customer, PRO, 3);
    let refused = api.post("/productOrder", &order).await;
    refused.assert_error(503, "SERVICE_UNAVAILABLE");
    assert_eq!(refused.header("retry-after"), Some("5"));
    let ping = api.get("/ping").await;
    assert_eq!((ping.status, ping.str("/status")), (503, "down".to_owned()));
    // The console: a page saying what happens, in the reader's language, never cached.
    let page = get(&console, &api.server, "/").await;
    assert_eq!(page.status(), 503);
    assert_eq!(
        page.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let text = body(page).await;
    assert!(
        text.contains("Fleetdesk cannot use its database right now")
            && text.contains("disk is full or read-only"),
        "{text}"
    );
    let french = console
        .get(api.server.url("/customers"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .expect("sent");
    assert_eq!(french.status(), 503);
    assert!(
        body(french)
            .await
            .contains("ne peut pas utiliser sa base de données pour le moment")
    );
    assert_eq!(get(&console, &api.server, "/readyz").await.status(), 503);

    relay.restore();
    // Back by itself, with no restart: the same order, sent again, is taken.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let taken = loop {
        let answer = api.post("/productOrder", &order).await;
        if answer.status != 503 || tokio::time::Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(taken.status, 201, "{:#}", taken.body);
    assert_eq!(get(&console, &api.server, "/").await.status(), 200);
    assert_eq!(get(&console, &api.server, "/readyz").await.status(), 200);
    let after = counts(&test_db).await;
    assert_eq!(
        count_of(&after, "product_orders"),
        count_of(&before, "product_orders") + 1,
        "the refused order was never half-written, the retried one once"
    );
    api.stop().await;
    drop(relay);
    test_db.finish().await;
}

/// A free port on the loopback interface (free when asked; the server binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Per licence order of the test (`K-…`) in the database: (quantity ordered, licences created),
/// and how many of them have no item.
async fn stored_orders(test_db: &TestDb) -> (BTreeMap<String, (i64, i64)>, i64) {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT o.external_reference, i.quantity, \
                (SELECT COUNT(*) FROM licences l WHERE l.order_item_id = i.id) \
         FROM product_orders o JOIN product_order_items i ON i.order_id = o.id \
         WHERE o.external_reference LIKE 'K-%'",
    )
    .fetch_all(test_db.db.pool())
    .await
    .expect("orders");
    let empty: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM product_orders o \
         WHERE o.external_reference LIKE 'K-%' \
           AND NOT EXISTS (SELECT 1 FROM product_order_items i WHERE i.order_id = o.id)",
    )
    .fetch_one(test_db.db.pool())
    .await
    .expect("orders without items");
    let orders = rows
        .into_iter()
        .map(|(reference, quantity, licences)| (reference, (quantity, licences)))
        .collect();
    (orders, empty)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_in_the_middle_of_orders_leaves_no_half_order() {
    const QUANTITY: i64 = 25;
    for test_db in TestDb::all().await {
        orange::catalogue(&test_db).await;
        let issued = fleetdesk_core::testing::orange_credential(&test_db.db, "Orange").await;
        let authorization = format!("Bearer {}", issued.secret.expose());
        let dir = std::env::temp_dir().join(format!(
            "fleetdesk-kill-order-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let listen = format!("127.0.0.1:{port}");
        let spawn = || {
            common::spawn_serve(
                &test_db.url,
                &dir,
                &listen,
                &[("FLEETDESK_ORANGE_RATE_LIMIT", "0")],
            )
        };
        let http = reqwest::Client::new();
        let post = {
            let (http, base, authorization) = (http.clone(), base.clone(), authorization.clone());
            move |body: Value| {
                http.post(format!("{base}/orange/v2/productOrder"))
                    .header("authorization", &authorization)
                    .json(&body)
                    .send()
            }
        };

        let mut first = spawn();
        common::wait_ready(&base).await;
        let mut customers = Vec::new();
        for n in 0..4 {
            let answer = reply(
                post(create_customer(&format!("C-ORD-{n}"), &format!("C-{n}")))
                    .await
                    .expect("answered"),
            )
            .await;
            assert_eq!(answer.status, 201, "{:#}", answer.body);
            customers.push(answer.str("/customer/id"));
        }

        // Twelve clients order without pause; the server is killed while they do.
        let answered: Arc<Mutex<BTreeSet<String>>> = Arc::default();
        let unanswered: Arc<Mutex<BTreeMap<String, Value>>> = Arc::default();
        let mut clients = Vec::new();
        for client_no in 0..12 {
            let customer = customers[client_no % customers.len()].clone();
            let (answered, unanswered) = (answered.clone(), unanswered.clone());
            let post = post.clone();
            clients.push(tokio::spawn(async move {
                for n in 0.. {
                    let reference = format!("K-{client_no}-{n}");
                    let order = order_licences(&reference, &customer, PRO, QUANTITY);
                    match post(order.clone()).await {
                        Ok(response) => {
                            let answer = reply(response).await;
                            assert_eq!(answer.status, 201, "{:#}", answer.body);
                            answered.lock().expect("answered").insert(reference);
                        }
                        Err(_) => {
                            // The connection died with the server: Orange would retry this one.
                            unanswered
                                .lock()
                                .expect("unanswered")
                                .insert(reference, order);
                            return;
                        }
                    }
                }
            }));
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while answered.lock().expect("answered").len() < 24 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "orders never went through"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        first.kill().expect("SIGKILL");
        let _ = first.wait();
        for client in clients {
            client.await.expect("client");
        }

        // What the database holds after the kill: whole orders only.
        let (stored, empty) = stored_orders(&test_db).await;
        assert_eq!(empty, 0, "an order without its items");
        for (reference, (quantity, licences)) in &stored {
            assert_eq!(
                (*quantity, *licences),
                (QUANTITY, QUANTITY),
                "order {reference} is whole"
            );
        }
        let answered = answered.lock().expect("answered").clone();
        assert!(
            answered.iter().all(|r| stored.contains_key(r)),
            "every order answered 201 was kept"
        );
        let unanswered = unanswered.lock().expect("unanswered").clone();
        assert_eq!(
            unanswered.len(),
            12,
            "each client lost one call to the kill"
        );

        // Orange sends the unanswered ones again: each is taken once, whole.
        let mut second = spawn();
        common::wait_ready(&base).await;
        for (reference, order) in &unanswered {
            let answer = reply(post(order.clone()).await.expect("answered")).await;
            assert_eq!(answer.status, 201, "{reference}: {:#}", answer.body);
        }
        let (stored, empty) = stored_orders(&test_db).await;
        assert_eq!(empty, 0);
        for reference in answered.iter().chain(unanswered.keys()) {
            assert_eq!(
                stored.get(reference),
                Some(&(QUANTITY, QUANTITY)),
                "{reference} stored once, whole"
            );
        }
        assert_eq!(
            stored.len(),
            answered.len() + unanswered.len(),
            "no order beyond those sent"
        );
        let _ = second.kill();
        let _ = second.wait();
        let _ = std::fs::remove_dir_all(&dir);
        test_db.finish().await;
    }
}

/// A write refused because the disk cannot take it: the contract's 503 envelope, a hint to retry,
/// and a message that says what is wrong.
fn refused_for_the_disk(refused: &orange::Reply) {
    refused.assert_error(503, "SERVICE_UNAVAILABLE");
    assert_eq!(refused.header("retry-after"), Some("5"));
    assert!(
        refused.str("/message").contains("disk full or read-only"),
        "{:#}",
        refused.body
    );
}

/// A `fleetdesk serve` process over a SQLite database on a test disk, and an Orange client of it.
struct OnDisk {
    base: String,
    url: String,
    data_dir: std::path::PathBuf,
    port: u16,
    http: reqwest::Client,
    authorization: String,
}

impl OnDisk {
    /// The catalogue and an Orange credential in `test_db`, and the server's data folder on the
    /// disk at `disk_dir`.
    async fn new(test_db: &TestDb, disk_dir: &std::path::Path) -> OnDisk {
        orange::catalogue(test_db).await;
        let issued = fleetdesk_core::testing::orange_credential(&test_db.db, "Orange").await;
        let data_dir = disk_dir.join("data");
        std::fs::create_dir_all(&data_dir).expect("data dir");
        let port = free_port();
        OnDisk {
            base: format!("http://127.0.0.1:{port}"),
            url: test_db.url.clone(),
            data_dir,
            port,
            http: reqwest::Client::new(),
            authorization: format!("Bearer {}", issued.secret.expose()),
        }
    }

    /// Starts the server (again) and waits until it is ready.
    async fn serve(&self) -> std::process::Child {
        let server = common::spawn_serve(
            &self.url,
            &self.data_dir,
            &format!("127.0.0.1:{}", self.port),
            &[("FLEETDESK_ORANGE_RATE_LIMIT", "0")],
        );
        common::wait_ready(&self.base).await;
        server
    }

    async fn order(&self, body: Value) -> orange::Reply {
        let request = self
            .http
            .post(format!("{}/orange/v2/productOrder", self.base))
            .header("authorization", &self.authorization)
            .json(&body);
        reply(request.send().await.expect("answered")).await
    }

    /// The status of `GET /orange/v2/productOrder/{id}`.
    async fn read_order(&self, id: &str) -> u16 {
        self.http
            .get(format!("{}/orange/v2/productOrder/{id}", self.base))
            .header("authorization", &self.authorization)
            .send()
            .await
            .expect("answered")
            .status()
            .as_u16()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_with_503_loses_nothing_and_passes_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount("24m") else {
        return;
    };
    let test_db = TestDb::sqlite_in(&disk.dir).await;
    let on_disk = OnDisk::new(&test_db, &disk.dir).await;
    let mut server = on_disk.serve().await;
    let post = |body| on_disk.order(body);
    let created = post(create_customer("D-1", "D-CUS-1")).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let customer = created.str("/customer/id");
    let first_order = created.str("/id");
    let before = counts(&test_db).await;

    let filler = disk.fill();
    // An order of thousands of licences needs more room than the database file and its journal
    // already have: the write fails on the full disk.
    let order = order_licences("D-2", &customer, PRO, 5_000);
    refused_for_the_disk(&post(order.clone()).await);
    // Reads still work, and the refused order left nothing behind.
    assert_eq!(on_disk.read_order(&first_order).await, 200);

    std::fs::remove_file(&filler).expect("space freed");
    // No restart: the same order, sent again, is taken whole.
    let taken = post(order).await;
    assert_eq!(taken.status, 201, "{:#}", taken.body);
    // SQLite rolled the failed transaction back by itself; the connection it ran on must not be
    // given out again still counted as in a transaction (every transaction on it was refused
    // with a 500): more orders than the pool has connections all pass.
    for n in 0..8 {
        let order = order_licences(&format!("D-3-{n}"), &customer, PRO, 1);
        let taken = post(order).await;
        assert_eq!(taken.status, 201, "{:#}", taken.body);
    }

    // Nothing acknowledged before was lost; the refused order was taken once, whole, later.
    let after = counts(&test_db).await;
    assert_eq!(
        count_of(&after, "customers"),
        count_of(&before, "customers")
    );
    assert_eq!(
        count_of(&after, "product_orders"),
        count_of(&before, "product_orders") + 9
    );
    assert_eq!(
        count_of(&after, "licences"),
        count_of(&before, "licences") + 5_008
    );

    let _ = server.kill();
    let _ = server.wait();
    test_db.finish().await;
    drop(disk);
}

/// A disk the kernel turns read-only under a running server, as it does when a disk fails: writes
/// are refused with a clear 503 (Orange) or page (console) and change nothing, reads still answer,
/// and once the disk is repaired and the server started again everything acknowledged before is
/// there and the refused order passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disk_turned_read_only_refuses_writes_clearly_and_loses_nothing_acknowledged() {
    let Some(disk) = FailingDisk::mount("64M") else {
        return;
    };
    let mut test_db = TestDb::sqlite_in(&disk.dir).await;
    let on_disk = OnDisk::new(&test_db, &disk.dir).await;
    let mut server = on_disk.serve().await;
    let base = &on_disk.base;
    let post = |body| on_disk.order(body);
    let console = common::client();
    let signed_in = console
        .post(format!("{base}/auth/login"))
        .form(&[
            ("login", "admin"),
            ("password", common::ADMIN_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("signed in");
    assert_eq!(common::location(&signed_in), "/");
    let created = post(create_customer("R-1", "R-CUS-1")).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let customer = created.str("/customer/id");
    let ordered = post(order_licences("R-2", &customer, PRO, 3)).await;
    assert_eq!(ordered.status, 201, "{:#}", ordered.body);
    let acknowledged = ordered.str("/id");
    let before = counts(&test_db).await;

    disk.turn_read_only();
    let order = order_licences("R-3", &customer, PRO, 2);
    refused_for_the_disk(&post(order.clone()).await);
    assert_eq!(
        on_disk.read_order(&acknowledged).await,
        200,
        "reads still answer"
    );
    // The console: every page saves its session, so pages and changes alike get the page that
    // says why (in the reader's language) instead of a bare error.
    let page = console
        .get(format!("{base}/"))
        .send()
        .await
        .expect("answered");
    assert_eq!(page.status(), 503);
    assert!(
        body(page)
            .await
            .contains("Fleetdesk cannot use its database right now")
    );
    let note = console
        .post(format!("{base}/console/customers/{customer}/notes"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .form(&[("body", "Rappeler le client")])
        .send()
        .await
        .expect("answered");
    assert_eq!(note.status(), 503);
    let text = body(note).await;
    assert!(
        text.contains("ne peut pas utiliser sa base de données pour le moment"),
        "{text}"
    );

    // The administrator stops the server, repairs the disk and starts the server again.
    let _ = server.kill();
    let _ = server.wait();
    test_db.db.close().await;
    disk.repair();
    test_db.reopen().await;
    assert_eq!(
        counts(&test_db).await,
        before,
        "everything acknowledged before the disk turned read-only is there, and only that"
    );
    let mut server = on_disk.serve().await;
    assert_eq!(on_disk.read_order(&acknowledged).await, 200);
    let taken = post(order).await;
    assert_eq!(taken.status, 201, "{:#}", taken.body);

    let _ = server.kill();
    let _ = server.wait();
    test_db.finish().await;
    drop(disk);
}
