//! Benchmark: consulting fleets of growing size (`GET /orange/v2/userService?productRefId=…`) and
//! the Fleetdesk server's memory while it streams them. Run by `scripts/bench` (`--only fleet`), which builds
//! the release binary and passes its path; results go to `bench/results/`.
//!
//! The fleets are written straight into the database (one SQL statement each), so the server's
//! memory reflects the consultation alone. The server runs as its own process; its resident
//! memory (VmRSS) is sampled every 5 ms during each consultation.
//!
//! Its ceiling is measured in the same run: the same statement read through sqlx from this
//! process, the rows fetched and dropped (`user_service::read_fleet_rows`), which is what the
//! database and its driver alone take. With `--out DIR` it writes `DIR/fleet-consultation.md` and
//! `DIR/fleet-consultation.summary.md` (table rows for the largest fleet: time against the ceiling
//! and the target, memory); `--quick` measures 1,000 and 10,000 licences only.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::bail;
use fleetdesk_core::Db;
use fleetdesk_core::db::PoolSettings;
use fleetdesk_core::orange::user_service::{self, FleetQuery};
use support::{Running, Targets, proc_status_kib, start_server};

struct Args {
    bin: String,
    postgres: Option<String>,
    sizes: Vec<u64>,
    out: String,
}

#[derive(clap::Parser)]
#[command(about = "Whole-fleet consultations (server/examples/fleet_consultation.rs)")]
struct Cli {
    #[command(flatten)]
    common: support::CommonArgs,
    /// Fleet sizes, in licences.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    sizes: Vec<u64>,
}

fn args() -> Args {
    let cli = <Cli as clap::Parser>::parse();
    Args {
        bin: cli.common.bin,
        postgres: cli.common.postgres,
        sizes: if cli.common.quick {
            vec![1_000, 10_000]
        } else {
            cli.sizes
        },
        out: cli.common.out,
    }
}

/// Writes a customer, a fleet and `size` licences with a placeholder MSISDN each.
async fn seed_fleet(db: &Db, offering_id: &str, size: u64) -> anyhow::Result<String> {
    let tag = format!("b{size}_{}", uuid::Uuid::now_v7().simple());
    let now = fleetdesk_core::clock::now_text();
    let customer = format!("cus_{tag}");
    let fleet = format!("flt_{tag}");
    sqlx::query(
        "INSERT INTO customers (id, external_reference, name, login_seq, login_stem, created_at, updated_at) \
         VALUES ($1, $1, 'Benchmark customer', $2, $1, $3, $3)",
    )
    .bind(&customer)
    .bind(i64::try_from(size)?)
    .bind(&now)
    .execute(db.pool())
    .await?;
    sqlx::query(
        "INSERT INTO fleets (id, customer_id, policy, created_at) VALUES ($1, $2, 'perOrder', $3)",
    )
    .bind(&fleet)
    .bind(&customer)
    .bind(&now)
    .execute(db.pool())
    .await?;
    let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)";
    sqlx::query(&format!(
        "{numbers} INSERT INTO licences (id, fleet_id, customer_id, offering_id, state, login, \
         login_created_at, created_at, updated_at) \
         SELECT 'lic_' || $2 || '_' || CAST(100000000 + i AS TEXT), $3, $4, $5, 'active', \
         $2 || '-' || CAST(i AS TEXT), $6, $6, $6 FROM n"
    ))
    .bind(i64::try_from(size)?)
    .bind(&tag)
    .bind(&fleet)
    .bind(&customer)
    .bind(offering_id)
    .bind(&now)
    .execute(db.pool())
    .await?;
    sqlx::query(&format!(
        "{numbers} INSERT INTO realizing_resources (id, customer_id, scope, licence_id, type, \
         value, placeholder_since, created_at, updated_at) \
         SELECT 'rr_' || $2 || '_' || CAST(i AS TEXT), $3, 'per_licence', \
         'lic_' || $2 || '_' || CAST(100000000 + i AS TEXT), 'msisdn', \
         '+3363998' || CAST(1000 + (i % 9000) AS TEXT), $4, $4, $4 FROM n"
    ))
    .bind(i64::try_from(size)?)
    .bind(&tag)
    .bind(&customer)
    .bind(&now)
    .execute(db.pool())
    .await?;
    Ok(fleet)
}

/// What the benchmark aims for (issue 15): the largest fleet in under 1.5 s, memory flat.
const TARGET_SECONDS: f64 = 1.5;
const FLAT_MIB: f64 = 10.0;

/// Reads the rows a whole-fleet consultation sends from the database alone (same statement, rows
/// fetched and dropped) and times it.
async fn read_alone(db: &Db, fleet: &str) -> anyhow::Result<f64> {
    let query = FleetQuery {
        product_ref_id: fleet.to_owned().into(),
        state: None,
        offset: 0,
        limit: None,
    };
    // On a runtime worker, as the server reads it, rather than on the main thread.
    let db = db.clone();
    let (rows, seconds) = tokio::spawn(async move {
        let started = Instant::now();
        let rows = user_service::read_fleet_rows(&db, &query).await;
        (rows, started.elapsed().as_secs_f64())
    })
    .await?;
    let rows = rows?;
    if rows == 0 {
        bail!("the fleet {fleet} read no rows");
    }
    Ok(seconds)
}

struct Measure {
    size: u64,
    seconds: f64,
    /// The same rows read from the database alone, through sqlx, in this process.
    ceiling_seconds: f64,
    bytes: u64,
    licences: String,
    rss_before_kib: u64,
    rss_peak_kib: u64,
}

async fn consult(
    server: &Running,
    secret: &str,
    fleet: &str,
    size: u64,
) -> anyhow::Result<Measure> {
    let pid = server.child.id();
    let rss_before_kib = proc_status_kib(pid, "VmRSS");
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let sampler = tokio::spawn(async move {
        let mut peak = proc_status_kib(pid, "VmRSS");
        loop {
            tokio::select! {
                _ = &mut stop_rx => return peak,
                () = tokio::time::sleep(Duration::from_millis(5)) => peak = peak.max(proc_status_kib(pid, "VmRSS")),
            }
        }
    });
    let started = Instant::now();
    let mut response = reqwest::Client::new()
        .get(format!(
            "{}/orange/v2/userService?productRefId={fleet}",
            server.base
        ))
        .bearer_auth(secret)
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("consultation answered {}", response.status());
    }
    let licences = response
        .headers()
        .get("x-result-count")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_owned();
    let mut bytes = 0_u64;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    let _ = stop_tx.send(());
    let rss_peak_kib = sampler.await?;
    Ok(Measure {
        size,
        seconds,
        ceiling_seconds: 0.0,
        bytes,
        licences,
        rss_before_kib,
        rss_peak_kib,
    })
}

impl Measure {
    fn ratio(&self) -> f64 {
        self.seconds / self.ceiling_seconds
    }

    fn added_mib(&self) -> f64 {
        self.rss_peak_kib.saturating_sub(self.rss_before_kib) as f64 / 1024.0
    }
}

/// The summary's rows for the largest fleet measured on one database: time against the ceiling
/// and the target, then memory. Columns: what, database, measured, ceiling, measured/ceiling,
/// target, met.
fn summary_rows(label: &str, m: &Measure) -> String {
    let met = |yes: bool| if yes { "yes" } else { "no" };
    format!(
        "| Fleet consultation, {} licences | {label} | {:.2} s | {:.2} s (rows read from the database alone) | {:.1} | < {TARGET_SECONDS} s | {} |\n\
         | Memory during the consultation (RSS peak) | {label} | {:.1} MiB | — | — | flat (peak − before {:.1} MiB) | {} |\n",
        m.size,
        m.seconds,
        m.ceiling_seconds,
        m.ratio(),
        met(m.seconds < TARGET_SECONDS),
        m.rss_peak_kib as f64 / 1024.0,
        m.added_mib(),
        met(m.added_mib() < FLAT_MIB),
    )
}

async fn run_on(args: &Args, label: &str, database_url: &str) -> anyhow::Result<Vec<Measure>> {
    let data_dir =
        std::env::temp_dir().join(format!("fleetdesk-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&data_dir)?;
    let server = start_server(&args.bin, database_url, &data_dir).await?;
    let db = Db::connect(database_url, PoolSettings::default()).await?;
    let secret = support::orange_secret(&db).await?;
    let offering = support::offering(&db, "BENCH").await?;
    let mut results = Vec::new();
    for &size in &args.sizes {
        eprintln!("[{label}] seeding a fleet of {size} licences");
        let fleet = seed_fleet(&db, offering.id.as_str(), size).await?;
        // Once to warm the database's caches, then measured.
        consult(&server, &secret, &fleet, size).await?;
        let mut measure = consult(&server, &secret, &fleet, size).await?;
        measure.ceiling_seconds = read_alone(&db, &fleet).await?;
        eprintln!(
            "[{label}] {size}: {:.2} s (database alone {:.2} s, ratio {:.1}), {} bytes, RSS {} -> peak {} KiB",
            measure.seconds,
            measure.ceiling_seconds,
            measure.ratio(),
            measure.bytes,
            measure.rss_before_kib,
            measure.rss_peak_kib
        );
        results.push(measure);
    }
    db.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(results)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let mut report = String::new();
    report.push_str("# Fleet consultation benchmark\n\n");
    report.push_str(&format!(
        "`GET /orange/v2/userService?productRefId=…` streaming whole fleets. Server binary: `{}`. \
         Measured {} on {} CPU(s). RSS is the server process's resident memory (VmRSS), sampled \
         every 5 ms; \"peak - before\" is what the consultation added.\n",
        args.bin,
        fleetdesk_core::clock::now_text(),
        std::thread::available_parallelism().map_or(0, usize::from)
    ));
    report.push_str(
        "\"Database alone\" is the ceiling measured in the same run: the same statement read through \
         sqlx from the benchmark's process, the rows fetched and dropped; the ratio is the HTTP \
         time over it.\n",
    );
    let mut summary = String::new();
    let targets = Targets::new(args.postgres.as_deref()).await?;
    for (label, url) in &targets.list {
        let results = run_on(&args, label, url).await?;
        report.push_str(&format!(
            "\n## {label}\n\n| licences | answer (MB) | time (s) | database alone (s) | time / database alone | licences/s | RSS before (MiB) | RSS peak (MiB) | peak - before (MiB) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        ));
        for m in &results {
            report.push_str(&format!(
                "| {} ({} listed) | {:.1} | {:.2} | {:.2} | {:.1} | {:.0} | {:.1} | {:.1} | {:.1} |\n",
                m.size,
                m.licences,
                m.bytes as f64 / 1e6,
                m.seconds,
                m.ceiling_seconds,
                m.ratio(),
                m.size as f64 / m.seconds,
                m.rss_before_kib as f64 / 1024.0,
                m.rss_peak_kib as f64 / 1024.0,
                m.added_mib(),
            ));
        }
        if let Some(largest) = results.iter().max_by_key(|m| m.size) {
            summary.push_str(&summary_rows(label, largest));
        }
    }
    targets.finish().await;
    std::fs::create_dir_all(&args.out)?;
    let path = format!("{}/fleet-consultation.md", args.out);
    std::fs::File::create(&path)?.write_all(report.as_bytes())?;
    let summary_path = format!("{}/fleet-consultation.summary.md", args.out);
    std::fs::File::create(&summary_path)?.write_all(summary.as_bytes())?;
    println!("{report}\n{summary}\nWritten to {path} and {summary_path}");
    Ok(())
}
