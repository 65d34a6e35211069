//! What the benchmarks share: a real `fleetdesk serve` process on a free port.

#![allow(
    dead_code,
    reason = "each benchmark uses its own part of these helpers"
)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use fleetdesk_core::Db;
use fleetdesk_core::db::PoolSettings;

/// The options every benchmark takes (each adds its own; all are listed at the top of its file).
#[derive(clap::Args, Debug)]
pub struct CommonArgs {
    /// The `fleetdesk` binary to measure (a release build for figures that mean something).
    #[arg(long)]
    pub bin: String,
    /// An administrator's URL of PostgreSQL, where the benchmark makes databases of its own;
    /// without it, SQLite only.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Where the report and its summary rows go.
    #[arg(long, default_value = "bench/results")]
    pub out: String,
    /// A smoke run: small sizes, a few seconds.
    #[arg(long)]
    pub quick: bool,
}

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

/// The `FLEETDESK_SECRET_KEY` of the benchmark's servers: the benchmark stores the delivery
/// settings itself, sealed under this key, before it starts them.
pub const BENCH_SECRET_KEY: &str = "YmVuY2htYXJrLW9ubHktc2VjcmV0LWtleS0zMmJ5dGU=";

/// The benchmark's own handle on `url`, sealing secrets as its servers do.
pub async fn connect(url: &str) -> anyhow::Result<fleetdesk_core::Db> {
    use fleetdesk_core::sealing::SecretKeys;
    let key = SecretKeys::decode_key(BENCH_SECRET_KEY).map_err(anyhow::Error::msg)?;
    Ok(
        fleetdesk_core::Db::connect(url, fleetdesk_core::db::PoolSettings::default())
            .await?
            .with_secret_keys(SecretKeys::new(key, None)),
    )
}

/// Starts the release server on a free port over `database_url` and waits until it is ready; the
/// first administrator is `admin` with [`ADMIN_PASSWORD`]. The server inherits the benchmark's
/// environment, so settings such as `FLEETDESK_DELIVERY_*` reach it (see [`passed_env`]).
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
        .env("FLEETDESK_SECRET_KEY", BENCH_SECRET_KEY)
        .env("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("FLEETDESK_LOG", "warn")
        .env("LEPTOS_SITE_ROOT", data_dir.join("site"))
        // A benchmark's clients share one Orange credential and call faster than the default
        // per-credential limit on purpose: the limit is off unless the environment sets one.
        .env(
            "FLEETDESK_ORANGE_RATE_LIMIT",
            std::env::var("FLEETDESK_ORANGE_RATE_LIMIT").unwrap_or_else(|_| "0".to_owned()),
        )
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

/// The databases a benchmark measures on: a new SQLite file and, given an administrator URL, a new
/// PostgreSQL database. [`Targets::finish`] removes both.
pub struct Targets {
    /// `(label, database URL)`, SQLite first.
    pub list: Vec<(String, String)>,
    sqlite_path: std::path::PathBuf,
    postgres: Option<(Db, String)>,
}

impl Targets {
    pub async fn new(postgres_admin_url: Option<&str>) -> anyhow::Result<Targets> {
        let sqlite_path = std::env::temp_dir().join(format!(
            "fleetdesk-bench-{}.db",
            uuid::Uuid::now_v7().simple()
        ));
        let mut list = vec![(
            "SQLite".to_owned(),
            format!("sqlite://{}?mode=rwc", sqlite_path.display()),
        )];
        let mut postgres = None;
        if let Some(admin_url) = postgres_admin_url {
            let name = format!("fleetdesk_bench_{}", uuid::Uuid::now_v7().simple());
            let admin = Db::connect(admin_url, PoolSettings::default()).await?;
            sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await?;
            let mut url = url::Url::parse(admin_url)?;
            url.set_path(&name);
            list.push(("PostgreSQL".to_owned(), url.to_string()));
            postgres = Some((admin, name));
        }
        Ok(Targets {
            list,
            sqlite_path,
            postgres,
        })
    }

    /// Removes the SQLite file and drops the PostgreSQL database.
    pub async fn finish(self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.sqlite_path.display()));
        }
        if let Some((admin, name)) = self.postgres {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await;
        }
    }
}

/// A field of `/proc/PID/status` in KiB (`VmRSS`, `VmHWM`, ...); 0 when unreadable.
pub fn proc_status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| {
                    l.strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with(':'))
                })
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) process `pid` has used so far, in seconds; 0 when unreadable.
pub fn proc_cpu_seconds(pid: u32) -> f64 {
    // Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis.
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    // USER_HZ is 100 on every Linux the benchmarks run on.
    ticks as f64 / 100.0
}

/// CPU seconds the whole machine has been busy (every core; not idle, not waiting for disk).
pub fn machine_busy_seconds() -> f64 {
    let ticks = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|stat| {
            let fields: Vec<u64> = stat
                .lines()
                .next()?
                .split_whitespace()
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect();
            let total: u64 = fields.iter().take(8).sum();
            Some(total - fields.get(3)? - fields.get(4)?)
        })
        .unwrap_or(0);
    ticks as f64 / 100.0
}

/// CPU seconds used by every process whose command is `name` (e.g. the database's).
pub fn processes_cpu_seconds(name: &str) -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .map(proc_cpu_seconds)
        .sum()
}

/// The environment variables starting with `prefix` that servers started here inherit, sorted, for
/// the report (values included: they are tuning knobs, not secrets).
pub fn passed_env(prefix: &str) -> Vec<(String, String)> {
    let mut vars: Vec<_> = std::env::vars()
        .filter(|(k, _)| k.starts_with(prefix))
        .collect();
    vars.sort();
    vars
}

/// What the results were measured on, for a report's header: CPUs, memory, the commit (marked
/// when the work tree has changes outside `bench/`, where the reports themselves are written) and
/// the date.
pub fn machine_and_commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "HEAD"]);
    let dirty = if git(&[
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ":/",
        ":(top,exclude)bench",
    ])
    .is_empty()
    {
        ""
    } else {
        " (with uncommitted changes)"
    };
    let memory_gib = proc_meminfo_kib("MemTotal") as f64 / 1024.0 / 1024.0;
    format!(
        "- Machine: {} CPU(s) (`nproc`), {memory_gib:.1} GiB memory\n- Date: {}\n- Commit: `{commit}`{dirty}\n",
        std::thread::available_parallelism().map_or(0, usize::from),
        fleetdesk_core::clock::now_text(),
    )
}

fn proc_meminfo_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The benchmarks' offering: a placeholder MSISDN per licence, no provisioning.
pub async fn offering(
    db: &Db,
    offer_code: &str,
) -> anyhow::Result<fleetdesk_core::offerings::Offering> {
    use fleetdesk_core::offerings::{self, OfferingInput};
    Ok(offerings::create(
        db,
        &fleetdesk_core::audit::Acting::system(),
        &OfferingInput {
            offer_code: offer_code.into(),
            name: "Benchmark".into(),
            resource_type: "msisdn".into(),
            resource_scope: "per_licence".into(),
            login_format: String::new(),
            provisioning: String::new(),
        },
    )
    .await?)
}

/// A new Orange credential for the benchmark's clients: its secret.
pub async fn orange_secret(db: &Db) -> anyhow::Result<String> {
    use fleetdesk_core::credentials::{self, CredentialKind};
    let issued = credentials::issue(
        db,
        &fleetdesk_core::audit::Acting::system(),
        CredentialKind::Orange,
        "benchmark",
        None,
    )
    .await?;
    Ok(issued.secret.expose().to_owned())
}

/// One row of the summary table `scripts/bench` gathers into `bench/README.md`: a figure, the
/// ceiling measured in the same run (what the machine does with no Fleetdesk work in the way),
/// their ratio, the target and whether it is met.
pub struct SummaryRow {
    pub what: String,
    pub database: String,
    pub measured: String,
    pub ceiling: String,
    /// `measured / ceiling`, when both are numbers of one kind.
    pub ratio: Option<f64>,
    pub target: String,
    /// `None` for a figure without a target.
    pub met: Option<bool>,
}

impl SummaryRow {
    fn line(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            self.what,
            self.database,
            self.measured,
            self.ceiling,
            self.ratio.map_or("—".to_owned(), |r| format!("{r:.2}")),
            self.target,
            match self.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "—",
            },
        )
    }
}

/// Writes `<out>/<name>.summary.md`: the benchmark's summary rows, for `scripts/bench`.
pub fn write_summary(out: &str, name: &str, rows: &[SummaryRow]) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    let path = format!("{out}/{name}.summary.md");
    std::fs::write(&path, rows.iter().map(SummaryRow::line).collect::<String>())
        .with_context(|| format!("failed to write {path}"))
}
