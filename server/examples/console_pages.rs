//! Benchmark: how long the console's pages take to render with a million licences. Run by
//! `scripts/bench` (`--only console`), which builds the release binary and passes its path; results go to
//! `bench/results/console-pages.md`.
//!
//! The licences are written straight into the database (`--customers` customers of
//! `--licences-per-customer` licences each, one statement per customer): a tenth suspended, a third
//! with an end user, half with a placeholder number still to replace. The server runs as its own
//! process; an administrator signs in and each page is fetched once to warm up, then `--runs`
//! times; the table gives the median and the slowest, whole page received.
//!
//! Options: `--bin PATH` (required), `--postgres ADMIN_URL`, `--out DIR`, `--customers N` (default
//! 1000), `--licences-per-customer N` (default 1000), `--runs N` (default 5), `--quick` (20
//! customers of 100, 3 runs: a smoke run).

mod support;

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, bail};
use fleetdesk_core::Db;
use fleetdesk_core::db::PoolSettings;
use support::{ADMIN_PASSWORD, Running, SummaryRow, Targets, start_server};

struct Args {
    bin: String,
    postgres: Option<String>,
    customers: u64,
    per_customer: u64,
    runs: usize,
    out: String,
}

/// The page the overview target is about, and the target.
const OVERVIEW: &str = "/";
const OVERVIEW_TARGET_MS: f64 = 30.0;

#[derive(clap::Parser)]
#[command(about = "Console pages over a million licences (server/examples/console_pages.rs)")]
struct Cli {
    #[command(flatten)]
    common: support::CommonArgs,
    #[arg(long, default_value_t = 1_000)]
    customers: u64,
    #[arg(long = "licences-per-customer", default_value_t = 1_000)]
    per_customer: u64,
    /// Timed fetches of each page, after one warm-up.
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

fn args() -> Args {
    let cli = <Cli as clap::Parser>::parse();
    let (customers, per_customer, runs) = if cli.common.quick {
        (20, 100, 3)
    } else {
        (cli.customers, cli.per_customer, cli.runs)
    };
    Args {
        bin: cli.common.bin,
        postgres: cli.common.postgres,
        customers,
        per_customer,
        runs,
        out: cli.common.out,
    }
}

/// Writes the customers, their fleets and licences; returns one customer id and one licence id
/// from the middle, and one login, for the pages that need them.
async fn seed(db: &Db, args: &Args) -> anyhow::Result<(String, String, String)> {
    let offering = support::offering(db, "BENCH").await?;
    let now = fleetdesk_core::clock::now_text();
    let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)";
    let started = Instant::now();
    for c in 0..args.customers {
        let tag = format!("{c:06}");
        let customer = format!("cus_bench{tag}");
        let fleet = format!("flt_bench{tag}");
        sqlx::query(
            "INSERT INTO customers (id, external_reference, name, login_seq, login_stem, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&customer)
        .bind(format!("OBA-CUS-{tag}"))
        .bind(format!("Bench customer {tag}"))
        .bind(i64::try_from(args.per_customer)?)
        .bind(format!("bench{tag}"))
        .bind(&now)
        .execute(db.pool())
        .await?;
        sqlx::query(
            "INSERT INTO fleets (id, customer_id, policy, created_at) VALUES ($1, $2, 'perCustomer', $3)",
        )
        .bind(&fleet)
        .bind(&customer)
        .bind(&now)
        .execute(db.pool())
        .await?;
        sqlx::query(&format!(
            "{numbers} INSERT INTO licences (id, fleet_id, customer_id, offering_id, state, login, \
             login_created_at, end_user_given_name, end_user_family_name, end_user_email, \
             created_at, updated_at) \
             SELECT 'lic_bench' || $2 || '_' || CAST(100000000 + i AS TEXT), $3, $4, $5, \
             CASE WHEN i % 10 = 0 THEN 'suspended' ELSE 'active' END, \
             'bench' || $2 || '-' || CAST(i AS TEXT), $6, \
             CASE WHEN i % 3 = 0 THEN 'Claire' END, \
             CASE WHEN i % 3 = 0 THEN 'Durand' || CAST(i AS TEXT) END, \
             CASE WHEN i % 3 = 0 THEN 'user' || CAST(i AS TEXT) || '@bench' || $2 || '.example' END, \
             $6, $6 FROM n"
        ))
        .bind(i64::try_from(args.per_customer)?)
        .bind(&tag)
        .bind(&fleet)
        .bind(&customer)
        .bind(&offering.id)
        .bind(&now)
        .execute(db.pool())
        .await?;
        sqlx::query(&format!(
            "{numbers} INSERT INTO realizing_resources (id, customer_id, scope, licence_id, type, \
             value, placeholder_since, created_at, updated_at) \
             SELECT 'rr_bench' || $2 || '_' || CAST(i AS TEXT), $3, 'per_licence', \
             'lic_bench' || $2 || '_' || CAST(100000000 + i AS TEXT), 'msisdn', \
             '+336' || $2 || CAST(100 + i AS TEXT), \
             CASE WHEN i % 2 = 0 THEN $4 END, $4, $4 FROM n"
        ))
        .bind(i64::try_from(args.per_customer)?)
        .bind(&tag)
        .bind(&customer)
        .bind(&now)
        .execute(db.pool())
        .await?;
        if c % 100 == 99 {
            eprintln!(
                "  {} licences written ({:.0} s)",
                (c + 1) * args.per_customer,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let middle = format!("{:06}", args.customers / 2);
    Ok((
        format!("cus_bench{middle}"),
        format!("lic_bench{middle}_{}", 100_000_000 + args.per_customer / 2),
        format!("bench{middle}-{}", args.per_customer / 2),
    ))
}

struct Timing {
    path: String,
    median_ms: f64,
    max_ms: f64,
    bytes: usize,
}

async fn time_page(
    client: &reqwest::Client,
    server: &Running,
    path: &str,
    runs: usize,
) -> anyhow::Result<Timing> {
    let fetch = || async {
        let started = Instant::now();
        let response = client.get(format!("{}{path}", server.base)).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!("{path} answered {status}");
        }
        Ok::<_, anyhow::Error>((started.elapsed().as_secs_f64() * 1000.0, body.len()))
    };
    fetch().await?;
    let mut times = Vec::with_capacity(runs);
    let mut bytes = 0;
    for _ in 0..runs {
        let (ms, size) = fetch().await?;
        times.push(ms);
        bytes = size;
    }
    times.sort_by(f64::total_cmp);
    Ok(Timing {
        path: path.to_owned(),
        median_ms: times[times.len() / 2],
        max_ms: times[times.len() - 1],
        bytes,
    })
}

/// Every page's timing, and the ceiling: `/healthz` (an empty handler) timed the same way.
async fn run_on(
    args: &Args,
    label: &str,
    database_url: &str,
) -> anyhow::Result<(Vec<Timing>, Timing)> {
    let data_dir =
        std::env::temp_dir().join(format!("fleetdesk-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&data_dir)?;
    let server = start_server(&args.bin, database_url, &data_dir).await?;
    let db = Db::connect(database_url, PoolSettings::default()).await?;
    eprintln!(
        "[{label}] seeding {} licences",
        args.customers * args.per_customer
    );
    let (customer, licence, login) = seed(&db, args).await?;
    // Fresh statistics, as a database that grew over time has.
    sqlx::raw_sql("ANALYZE").execute(db.pool()).await?;
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let signed_in = client
        .post(format!("{}/auth/login", server.base))
        .header("origin", &server.base)
        .form(&[
            ("login", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    if !signed_in.status().is_success() {
        bail!("signing in answered {}", signed_in.status());
    }
    let pages = [
        "/".to_owned(),
        "/licences".to_owned(),
        "/licences?state=suspended".to_owned(),
        format!("/licences?customer={customer}"),
        "/licences?resource=placeholder".to_owned(),
        "/licences?end_user=without".to_owned(),
        format!("/licences/{licence}"),
        "/customers".to_owned(),
        "/customers?q=Bench%20customer%2000050".to_owned(),
        format!("/customers/{customer}"),
        format!("/search?q={login}"),
        "/search?q=Durand1234".to_owned(),
        "/stuck".to_owned(),
        "/events".to_owned(),
    ];
    let ceiling = time_page(&client, &server, "/healthz", args.runs.max(20)).await?;
    let mut timings = Vec::new();
    for path in &pages {
        let timing = time_page(&client, &server, path, args.runs).await?;
        eprintln!(
            "[{label}] {path}: median {:.1} ms, max {:.1} ms",
            timing.median_ms, timing.max_ms
        );
        timings.push(timing);
    }
    db.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok((timings, ceiling))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let total = args.customers * args.per_customer;
    let mut report = format!(
        "# Console pages benchmark\n\nServer-rendered console pages, whole page received, as a \
         signed-in administrator, with {total} licences ({} customers of {}; a tenth suspended, a \
         third with an end user, half with a placeholder number). Server binary: `{}`. Measured {} \
         on {} CPU(s); {} runs per page after one warm-up.\n",
        args.customers,
        args.per_customer,
        args.bin,
        fleetdesk_core::clock::now_text(),
        std::thread::available_parallelism().map_or(0, usize::from),
        args.runs,
    );
    report.push_str(
        "\nCeiling: `/healthz`, a handler that answers `ok` without reading the database, timed the \
         same way in the same run (at least 20 runs); \"× ceiling\" is a page's median over its \
         median.\n",
    );
    let targets = Targets::new(args.postgres.as_deref()).await?;
    let mut summary = Vec::new();
    for (label, url) in &targets.list {
        let (timings, ceiling) = run_on(&args, label, url).await?;
        report.push_str(&format!(
            "\n## {label}\n\n`/healthz`: median {:.2} ms.\n\n\
             | page | median (ms) | slowest (ms) | × ceiling | size (KB) |\n|---|---:|---:|---:|---:|\n",
            ceiling.median_ms
        ));
        for t in &timings {
            report.push_str(&format!(
                "| `{}` | {:.1} | {:.1} | {:.0} | {:.1} |\n",
                t.path,
                t.median_ms,
                t.max_ms,
                t.median_ms / ceiling.median_ms,
                t.bytes as f64 / 1000.0
            ));
        }
        let overview = timings
            .iter()
            .find(|t| t.path == OVERVIEW)
            .context("the overview was timed")?;
        let slowest = timings
            .iter()
            .max_by(|a, b| a.median_ms.total_cmp(&b.median_ms))
            .context("pages were timed")?;
        for (what, t, target, met) in [
            (
                format!("Console overview (`/`), {total} licences"),
                overview,
                format!("< {OVERVIEW_TARGET_MS:.0} ms"),
                Some(overview.median_ms < OVERVIEW_TARGET_MS),
            ),
            (
                format!("Slowest console page measured (`{}`)", slowest.path),
                slowest,
                "—".to_owned(),
                None,
            ),
        ] {
            summary.push(SummaryRow {
                what,
                database: label.clone(),
                measured: format!("{:.1} ms", t.median_ms),
                ceiling: format!("{:.2} ms (`/healthz`)", ceiling.median_ms),
                ratio: Some(t.median_ms / ceiling.median_ms),
                target,
                met,
            });
        }
    }
    targets.finish().await;
    support::write_summary(&args.out, "console-pages", &summary)?;
    std::fs::create_dir_all(&args.out)?;
    let path = format!("{}/console-pages.md", args.out);
    std::fs::File::create(&path)?.write_all(report.as_bytes())?;
    println!("{report}\nWritten to {path}");
    Ok(())
}
