//! Test databases for every repository test: a fresh SQLite file and a fresh PostgreSQL database,
//! migrated, so each test runs on both dialects and on nothing shared with another test.
//!
//! PostgreSQL is found at `FLEETDESK_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it cannot be reached the tests say so loudly and
//! run on SQLite alone, unless `FLEETDESK_REQUIRE_POSTGRES=1` (set by CI), which makes it a failure.

use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::Connection;

use crate::db::{Db, Dialect, PoolSettings};

/// A migrated database that belongs to one test. [`TestDb::finish`] closes and removes it; a test
/// that fails (panics) before, or forgets, has it removed when the handle is dropped.
#[derive(Debug)]
pub struct TestDb {
    pub db: Db,
    pub url: String,
    /// `None` once removed.
    cleanup: Option<Cleanup>,
    /// Alive while the test holds its database; see [`watch`].
    _watch: Arc<()>,
}

/// How long one test may hold a database before it is taken to hang.
const HANG_LIMIT: Duration = Duration::from_secs(300);

/// Stops the whole test process, naming the test, if it still holds its database after
/// [`HANG_LIMIT`]: a hung test then fails the run at once instead of running into CI's time limit.
fn watch() -> Arc<()> {
    let alive = Arc::new(());
    let weak = Arc::downgrade(&alive);
    let test = std::thread::current()
        .name()
        .unwrap_or("an unnamed test")
        .to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(HANG_LIMIT);
        if weak.upgrade().is_some() {
            eprintln!(
                "\n{test} still runs after {} s: it hangs. Stopping the test process.",
                HANG_LIMIT.as_secs()
            );
            std::process::exit(101);
        }
    });
    alive
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

fn settings() -> PoolSettings {
    PoolSettings {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(30),
    }
}

/// The `FLEETDESK_SECRET_KEY` of every test database handle; servers started by tests get it too,
/// so that what a test stores directly the server opens, and the other way round.
pub const TEST_SECRET_KEY: &str = "ZmxlZXRkZXNrLXRlc3RzLW9ubHktMzItYnl0ZXMta2U=";

/// The keys of [`TEST_SECRET_KEY`].
pub fn test_secret_keys() -> crate::sealing::SecretKeys {
    crate::sealing::SecretKeys::new(
        crate::sealing::SecretKeys::decode_key(TEST_SECRET_KEY).expect("32 bytes"),
        None,
    )
}

/// The server that holds the test databases.
pub fn postgres_admin_url() -> String {
    std::env::var("FLEETDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn postgres_required() -> bool {
    std::env::var("FLEETDESK_REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true")
}

impl TestDb {
    /// A fresh SQLite database in its own temporary folder.
    pub async fn sqlite() -> TestDb {
        TestDb::sqlite_in(&std::env::temp_dir()).await
    }

    /// A fresh SQLite database in a new folder under `parent` (a small filesystem, say).
    pub async fn sqlite_in(parent: &std::path::Path) -> TestDb {
        let dir = parent.join(format!("fleetdesk-test-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
        let url = format!("sqlite://{}?mode=rwc", dir.join("fleetdesk.db").display());
        let db = Db::connect(&url, settings())
            .await
            .expect("a new SQLite file opens")
            .with_secret_keys(test_secret_keys());
        db.migrate().await.expect("the SQLite migrations apply");
        TestDb {
            db,
            url,
            cleanup: Some(Cleanup::Sqlite(dir)),
            _watch: watch(),
        }
    }

    /// A fresh PostgreSQL database, or `None` (after a loud warning) when the server cannot be
    /// reached and CI did not ask for it.
    pub async fn postgres() -> Option<TestDb> {
        let test_db = TestDb::postgres_unmigrated().await?;
        test_db
            .db
            .migrate()
            .await
            .expect("the PostgreSQL migrations apply");
        Some(test_db)
    }

    /// A new PostgreSQL database with no table at all (`None` when PostgreSQL is unreachable and
    /// not required), for tests of what happens on first start.
    pub async fn postgres_unmigrated() -> Option<TestDb> {
        let admin_url = postgres_admin_url();
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(error) => {
                if postgres_required() {
                    panic!(
                        "PostgreSQL is required (FLEETDESK_REQUIRE_POSTGRES=1) but {admin_url} cannot be reached: {error}"
                    );
                }
                static WARN: Once = Once::new();
                WARN.call_once(|| {
                    eprintln!(
                        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                         !! PostgreSQL NOT TESTED: {admin_url} cannot be reached ({error}).\n\
                         !! Repository tests ran on SQLite only. Set FLEETDESK_REQUIRE_POSTGRES=1\n\
                         !! to make this a failure.\n\
                         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    );
                });
                return None;
            }
        };
        let name = format!("fleetdesk_test_{}", uuid::Uuid::now_v7().simple());
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("the test role may create databases");
        let _ = admin.close().await;
        let mut url = url::Url::parse(&admin_url).expect("the PostgreSQL test URL parses");
        url.set_path(&name);
        let url = url.to_string();
        let db = Db::connect(&url, settings())
            .await
            .expect("the new PostgreSQL database accepts connections")
            .with_secret_keys(test_secret_keys());
        Some(TestDb {
            db,
            url,
            cleanup: Some(Cleanup::Postgres { admin_url, name }),
            _watch: watch(),
        })
    }

    /// Both dialects: SQLite always, PostgreSQL when reachable (see the module docs).
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// Closes the pool and removes the database.
    /// Connects again after `db.close()` (to a disk that was unmounted in between, say).
    pub async fn reopen(&mut self) {
        self.db = Db::connect(&self.url, settings())
            .await
            .expect("the database opens again")
            .with_secret_keys(test_secret_keys());
    }

    pub async fn finish(mut self) {
        self.db.close().await;
        if let Some(cleanup) = self.cleanup.take() {
            cleanup.run().await;
        }
    }

    /// The PostgreSQL database's name (`None` on SQLite).
    pub fn postgres_name(&self) -> Option<&str> {
        match &self.cleanup {
            Some(Cleanup::Postgres { name, .. }) => Some(name),
            _ => None,
        }
    }
}

impl Cleanup {
    async fn run(self) {
        match self {
            Cleanup::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    // FORCE: the failed test's pool may still hold connections.
                    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                    let _ = admin.close().await;
                }
            }
        }
    }
}

impl Drop for TestDb {
    /// A test that did not reach [`TestDb::finish`] (it failed) still leaves no database behind.
    /// Drop cannot wait on the test's runtime, so the removal runs on a thread of its own with its
    /// own small runtime, and the drop waits for it.
    fn drop(&mut self) {
        let Some(cleanup) = self.cleanup.take() else {
            return;
        };
        let removal =
            std::thread::spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(cleanup.run()),
                    Err(error) => eprintln!("cannot remove a test database: {error}"),
                }
            });
        let _ = removal.join();
    }
}

/// Runs `check` once on each test database, labelling failures with the dialect, and drops them.
#[macro_export]
macro_rules! on_each_db {
    (|$db:ident| $body:expr) => {{
        for test_db in $crate::testing::TestDb::all().await {
            let $db = test_db.db.clone();
            eprintln!("-- on {:?}", test_db.dialect());
            $body.await;
            test_db.finish().await;
        }
    }};
}

/// A licence as Orange sees it, with only what an event needs: for outbox and delivery tests.
/// The offering `PRO` (one MSISDN per licence), as most tests' Orange orders name it.
pub async fn pro_offering(db: &Db) {
    crate::offerings::create(
        db,
        &crate::audit::Acting::system(),
        &crate::offerings::OfferingInput {
            offer_code: "PRO".into(),
            name: "Pro".into(),
            resource_type: "msisdn".into(),
            resource_scope: "per_licence".into(),
            login_format: String::new(),
            provisioning: String::new(),
        },
    )
    .await
    .expect("offering");
}

pub fn licence_resource(id: &str) -> crate::orange::wire::UserService {
    use crate::orange::wire;
    wire::UserService {
        id: id.into(),
        product_ref_id: "flt_test".into(),
        customer: wire::CustomerRef {
            id: "cus_test".into(),
            external_reference: None,
            name: None,
        },
        product_offering: wire::ProductOffering {
            name: None,
            external_reference: wire::ExternalReference::orange("OFFER"),
        },
        state: "active".to_owned(),
        login: None,
        end_user: None,
        realizing_resource: Vec::new(),
        characteristic: Vec::new(),
        creation_date: crate::clock::now_text(),
        last_update: crate::clock::now_text(),
    }
}

/// Runs a system command for the test disks, its errors unprinted: its output when it succeeded.
fn run(program: &str, args: &[&str]) -> Option<String> {
    std::process::Command::new(program)
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn path(dir: &std::path::Path) -> &str {
    dir.to_str().expect("a UTF-8 temporary path")
}

/// A small filesystem (tmpfs) mounted on a new temporary folder, unmounted when dropped: a disk
/// that tests can fill.
pub struct SmallDisk {
    pub dir: std::path::PathBuf,
}

impl SmallDisk {
    /// `None`, said loudly, where this process may not mount one (it needs root).
    pub fn mount(size: &str) -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(format!(
            "fleetdesk-small-disk-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let size = format!("size={size}");
        let mounted = run("mount", &["-t", "tmpfs", "-o", &size, "tmpfs", path(&dir)]).is_some();
        if !mounted {
            eprintln!(
                "!! SKIPPED: a full disk is simulated with a small tmpfs, and this process may not \
                 mount one (run the tests as root to include it)"
            );
            let _ = std::fs::remove_dir(&dir);
            return None;
        }
        Some(SmallDisk { dir })
    }

    /// Writes a file until the filesystem has no room left.
    pub fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.dir.join("filler");
        let mut file = std::fs::File::create(&path).expect("filler file");
        let chunk = vec![0_u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        // What is left is smaller than a chunk.
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

/// A small ext4 filesystem on a loop device, mounted on a new temporary folder with
/// `errors=remount-ro`, so that a test can have the kernel turn it read-only under a running
/// process (files open for writing and all), as it does when a disk fails. Unmounted and released
/// when dropped.
pub struct FailingDisk {
    pub dir: std::path::PathBuf,
    image: std::path::PathBuf,
    device: String,
}

impl FailingDisk {
    /// `None`, said loudly, where this process may not set one up (it needs root and loop devices).
    pub fn mount(size: &str) -> Option<FailingDisk> {
        let name = format!("fleetdesk-failing-disk-{}", uuid::Uuid::now_v7().simple());
        let dir = std::env::temp_dir().join(&name);
        let image = std::env::temp_dir().join(format!("{name}.img"));
        let skip = |why: &str| {
            eprintln!(
                "!! SKIPPED: a disk that turns read-only is simulated with ext4 on a loop device, \
                 and {why} (run the tests as root on a machine with loop devices to include it)"
            );
            let _ = std::fs::remove_dir(&dir);
            let _ = std::fs::remove_file(&image);
            None
        };
        std::fs::create_dir_all(&dir).expect("temp dir");
        let image_arg = image.to_str().expect("utf-8 temp path");
        if run("truncate", &["-s", size, image_arg]).is_none()
            || run("mkfs.ext4", &["-q", image_arg]).is_none()
        {
            return skip("no ext4 image could be made");
        }
        let Some(device) = run("losetup", &["-f", "--show", image_arg]) else {
            return skip("this process may not attach a loop device");
        };
        let disk = FailingDisk { dir, image, device };
        if !disk.attach() {
            drop(disk);
            return None;
        }
        Some(disk)
    }

    fn attach(&self) -> bool {
        let mounted = run(
            "mount",
            &["-o", "errors=remount-ro", &self.device, path(&self.dir)],
        )
        .is_some();
        if !mounted {
            eprintln!("!! SKIPPED: this process may not mount {}", self.device);
        }
        mounted
    }

    /// Has the kernel record a filesystem error: with `errors=remount-ro` it turns the
    /// filesystem read-only at once; every write after that fails with `EROFS`.
    pub fn turn_read_only(&self) {
        let device = self.device.trim_start_matches("/dev/");
        std::fs::write(
            format!("/sys/fs/ext4/{device}/trigger_fs_error"),
            "fleetdesk test: disk turned read-only",
        )
        .expect("ext4 error triggered");
    }

    /// What an administrator does once the disk is repaired: unmounts it, checks it and mounts it
    /// again, writable. Every process with files on it must have ended.
    pub fn repair(&self) {
        assert!(
            run("umount", &[path(&self.dir)]).is_some(),
            "the disk is unmounted"
        );
        // e2fsck exits 1 when it corrected something (the error flag the kernel recorded).
        let checked = std::process::Command::new("e2fsck")
            .args(["-f", "-y", &self.device])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("e2fsck runs");
        assert!(
            matches!(checked.code(), Some(0 | 1)),
            "the disk checks clean: {checked}"
        );
        assert!(self.attach(), "the disk mounts again");
    }
}

impl Drop for FailingDisk {
    fn drop(&mut self) {
        run("umount", &["-l", path(&self.dir)]);
        run("losetup", &["-d", &self.device]);
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(&self.image);
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        run("umount", &["-l", path(&self.dir)]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Orange calling without a stored credential, as core's tests of the Orange services call.
pub fn orange() -> crate::audit::Acting {
    crate::audit::Acting::alone(crate::audit::Actor::orange(None, ""))
}

/// Every Orange operation in `mode`.
pub fn every_operation(
    mode: crate::orange::settings::Mode,
) -> crate::orange::settings::ApiSettings {
    let mut settings = crate::orange::settings::ApiSettings::default();
    settings.set_every_mode(mode);
    settings
}

/// The body of Orange's task suspending `licences` (its reference is given by [`post_task`]).
pub fn suspension(licences: &[String]) -> serde_json::Value {
    let items: Vec<_> = licences
        .iter()
        .map(|id| serde_json::json!({"id": id}))
        .collect();
    serde_json::json!({"action": "changeState", "state": "suspended", "userService": items})
}

/// Orange's `POST /userServiceTask` with `body` under the external reference `reference`, every
/// operation in `mode`, as [`orange`] calls.
pub async fn post_task(
    db: &Db,
    mode: crate::orange::settings::Mode,
    reference: &str,
    body: serde_json::Value,
) -> Result<crate::orange::Answer, crate::orange::ApiError> {
    use crate::orange::{user_service_task, wire};
    let mut body = body;
    body["externalReference"] = serde_json::json!({"type": "orange", "id": reference});
    let text = body.to_string();
    let request: wire::UserServiceTaskRequest = wire::read_body(text.as_bytes()).expect("valid");
    user_service_task::create(
        db,
        &every_operation(mode),
        &request,
        text.as_bytes(),
        &orange(),
    )
    .await
}

/// An Orange credential issued by Fleetdesk itself, for tests that call the Orange API.
pub async fn orange_credential(db: &Db, label: &str) -> crate::credentials::Issued {
    crate::credentials::issue(
        db,
        &crate::audit::Acting::system(),
        crate::credentials::CredentialKind::Orange,
        label,
        None,
    )
    .await
    .expect("an Orange credential is issued")
}

/// The number a `SELECT COUNT(*) …` statement gives, for the tests' checks.
pub async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

/// Delivery settings for an Orange that is not there (`orange.example`), with a client secret, and
/// paused so that nothing tries to reach it.
pub fn orange_delivery_settings() -> crate::outbox::settings::DeliverySettings {
    crate::outbox::settings::DeliverySettings {
        product_order_url: "https://orange.example/po".into(),
        user_service_url: "https://orange.example/us".into(),
        token_url: "https://orange.example/token".into(),
        client_id: "partner".into(),
        client_secret: "orange-secret".into(),
        paused: true,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn postgres_has(name: &str) -> bool {
        let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
            .await
            .expect("PostgreSQL answered a moment ago");
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut admin)
            .await
            .expect("pg_database reads");
        let _ = admin.close().await;
        found.is_some()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_test_that_fails_still_removes_its_databases() {
        let sqlite = TestDb::sqlite().await;
        let Some(Cleanup::Sqlite(folder)) = &sqlite.cleanup else {
            panic!("a SQLite test database has a folder");
        };
        let folder = folder.clone();
        let postgres = TestDb::postgres().await;
        let name = postgres
            .as_ref()
            .and_then(|db| db.postgres_name())
            .map(str::to_owned);
        if let Some(name) = &name {
            assert!(postgres_has(name).await);
        }

        // A test that panics while it holds both, with connections open.
        let failed = tokio::spawn(async move {
            let held = (sqlite, postgres);
            sqlx::query("SELECT 1")
                .execute(held.0.db.pool())
                .await
                .expect("query");
            panic!("the test fails");
        })
        .await;

        assert!(failed.is_err(), "the test panicked");
        assert!(!folder.exists(), "the SQLite folder is removed");
        if let Some(name) = &name {
            assert!(
                !postgres_has(name).await,
                "the PostgreSQL database is dropped"
            );
        }
    }
}
