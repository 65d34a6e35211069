//! Benchmark: licence orders through the Orange API (`POST /orange/v2/productOrder`, contract
//! section 4), 10 licences each, from many concurrent clients. Run by `scripts/bench`
//! (`--only orders`), which builds the release binary and passes its path; results go to `bench/results/orders.md`.
//!
//! For each database and mode (synchronous: the licences are written and the order answered
//! `completed`; asynchronous: answered `acknowledged`, completed by the server's worker):
//!
//! 1. A real `fleetdesk serve` process on a new database, every Orange operation in that mode, one
//!    offering (a placeholder MSISDN per licence) and an Orange credential; one customer per
//!    client, created through the API with a first order.
//! 2. Idle: the server's resident memory (VmRSS) once the set-up is done and settled.
//! 3. Load: `--clients` clients (one keep-alive connection each, their own customer) send orders
//!    of 10 licences back to back for `--seconds`; each request's latency is kept. VmRSS is
//!    sampled every 20 ms; the CPU the server, PostgreSQL and the machine used is read before and
//!    after. Asynchronous runs then wait until every order is completed.
//! 4. Ceiling: the same rows an order leaves (the order with its stored request and answer, its
//!    item, its licences and their resources, its audit entry and its exchange record) inserted
//!    straight through sqlx, in transactions of [`CEILING_BATCH`] orders with one multi-row
//!    INSERT per table, for a few seconds, on the same database in the same run. The measured
//!    rate is shown as a ratio to it.

#[path = "delivery/orange.rs"]
#[expect(
    dead_code,
    reason = "the delivery benchmark's Orange client: this benchmark only creates customers and orders"
)]
mod orange;
mod support;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fleetdesk_core::audit::Acting;
use fleetdesk_core::orange::settings::{self as api_settings, Mode};
use fleetdesk_core::{Db, clock};
use orange::Api;
use support::{
    Running, SummaryRow, Targets, machine_busy_seconds, proc_cpu_seconds, proc_status_kib,
    processes_cpu_seconds, start_server,
};

/// Licences per order.
const ORDER_SIZE: usize = 10;
/// Orders per transaction when measuring the ceiling.
const CEILING_BATCH: usize = 32;

struct Args {
    bin: String,
    postgres: Option<String>,
    clients: usize,
    seconds: u64,
    ceiling_seconds: u64,
    runs: Vec<(String, Mode)>,
    out: String,
    file: String,
    command: String,
    note: Option<String>,
}

#[derive(clap::Parser)]
#[command(about = "Licence orders from concurrent clients (server/examples/orders.rs)")]
struct Cli {
    #[command(flatten)]
    common: support::CommonArgs,
    /// Concurrent clients (default 32; 8 with --quick).
    #[arg(long)]
    clients: Option<usize>,
    /// Seconds of load per run (default 20; 3 with --quick).
    #[arg(long)]
    seconds: Option<u64>,
    /// Which runs, `<sqlite|postgres>-<sync|async>` separated by commas.
    #[arg(
        long,
        default_value = "sqlite-sync,sqlite-async,postgres-sync,postgres-async"
    )]
    runs: String,
    #[arg(long)]
    sqlite_only: bool,
    /// The report's file name in --out.
    #[arg(long, default_value = "orders.md")]
    file: String,
    /// The command named in the report.
    #[arg(long, default_value = "scripts/bench --only orders")]
    command: String,
    /// A line under the report's title.
    #[arg(long)]
    note: Option<String>,
}

fn args() -> anyhow::Result<Args> {
    let cli = <Cli as clap::Parser>::parse();
    let (clients, seconds, runs, sqlite_only) =
        (cli.clients, cli.seconds, cli.runs, cli.sqlite_only);
    let mut args = Args {
        bin: cli.common.bin,
        postgres: cli.common.postgres,
        clients: 32,
        seconds: 20,
        ceiling_seconds: 3,
        runs: Vec::new(),
        out: cli.common.out,
        file: cli.file,
        command: cli.command,
        note: cli.note,
    };
    if cli.common.quick {
        (args.clients, args.seconds, args.ceiling_seconds) = (8, 3, 1);
    }
    args.clients = clients.unwrap_or(args.clients).max(1);
    args.seconds = seconds.unwrap_or(args.seconds).max(1);
    if sqlite_only {
        args.postgres = None;
    }
    for run in runs.split(',').map(str::trim) {
        let (database, mode) = run
            .split_once('-')
            .with_context(|| format!("--runs: {run} is not <sqlite|postgres>-<sync|async>"))?;
        let mode = match mode {
            "sync" => Mode::Sync,
            "async" => Mode::Async,
            other => bail!("--runs: unknown mode {other}"),
        };
        let database = match database {
            "sqlite" => "SQLite",
            "postgres" if args.postgres.is_some() => "PostgreSQL",
            "postgres" => continue,
            other => bail!("--runs: unknown database {other}"),
        };
        args.runs.push((database.to_owned(), mode));
    }
    if args.runs.is_empty() {
        bail!("nothing to measure (--runs names PostgreSQL only and no --postgres was given)");
    }
    Ok(args)
}

/// What one run measured.
struct Measure {
    database: String,
    mode: Mode,
    window: f64,
    orders: usize,
    refused: usize,
    failed: usize,
    latencies_ms: Vec<f64>,
    /// Asynchronous runs: orders still acknowledged at the window's end, and the time after the
    /// window until every order was completed.
    open_at_end: i64,
    tail_seconds: f64,
    server_cpu: f64,
    postgres_cpu: f64,
    machine_cpu: f64,
    rss_idle_kib: u64,
    rss_peak_kib: u64,
    ceiling_per_second: f64,
}

impl Measure {
    fn per_second(&self) -> f64 {
        self.orders as f64 / self.window
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_ms.is_empty() {
            return 0.0;
        }
        let rank = ((p / 100.0) * self.latencies_ms.len() as f64).ceil() as usize;
        self.latencies_ms[rank.clamp(1, self.latencies_ms.len()) - 1]
    }
}

/// A server on a new database with every operation in `mode`, the benchmark's offering and an
/// Orange credential.
async fn prepare(
    args: &Args,
    url: &str,
    mode: Mode,
    data_dir: &std::path::Path,
) -> anyhow::Result<(Running, Db, Api)> {
    let server = start_server(&args.bin, url, data_dir).await?;
    let db = support::connect(url).await?;
    let mut modes = api_settings::load(&db).await?;
    modes.set_every_mode(mode);
    api_settings::save(&db, &modes, &Acting::cli()).await?;
    support::offering(&db, orange::OFFER_CODE).await?;
    let api = Api::new(&server.base, &support::orange_secret(&db).await?)?;
    Ok((server, db, api))
}

/// Orders not yet completed.
async fn open_orders(db: &Db) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM product_orders WHERE state <> 'completed'")
            .fetch_one(db.pool())
            .await?,
    )
}

/// Waits until every order is completed (asynchronous runs); the time it took.
async fn drained(db: &Db) -> anyhow::Result<f64> {
    let started = Instant::now();
    while open_orders(db).await? > 0 {
        if started.elapsed() > Duration::from_secs(300) {
            bail!("orders were still open after 300 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(started.elapsed().as_secs_f64())
}

async fn run_one(args: &Args, label: &str, url: &str, mode: Mode) -> anyhow::Result<Measure> {
    let data_dir =
        std::env::temp_dir().join(format!("fleetdesk-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&data_dir)?;
    let (server, db, api) = prepare(args, url, mode, &data_dir).await?;
    let pid = server.child.id();
    let tag = format!("[{label} {}]", mode.as_str());

    eprintln!("{tag} creating {} customers", args.clients);
    let mut customers = Vec::with_capacity(args.clients);
    for placed in futures_util::future::join_all(
        (0..args.clients).map(|_| api.new_customer_with_licences(ORDER_SIZE)),
    )
    .await
    {
        customers.push(placed?.customer_id);
    }
    drained(&db).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle_kib = proc_status_kib(pid, "VmRSS");

    eprintln!(
        "{tag} {} clients ordering for {} s",
        args.clients, args.seconds
    );
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let sampler = tokio::spawn(async move {
        let mut peak = proc_status_kib(pid, "VmRSS");
        loop {
            tokio::select! {
                _ = &mut stop_rx => return peak,
                () = tokio::time::sleep(Duration::from_millis(20)) => {
                    peak = peak.max(proc_status_kib(pid, "VmRSS"));
                }
            }
        }
    });
    let cpu_before = (
        proc_cpu_seconds(pid),
        processes_cpu_seconds("postgres"),
        machine_busy_seconds(),
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let api = Arc::new(api);
    let clients: Vec<_> = customers
        .into_iter()
        .map(|customer| {
            let api = Arc::clone(&api);
            tokio::spawn(async move {
                let (mut latencies, mut refused, mut failed) = (Vec::new(), 0_usize, 0_usize);
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    match api.order_licences(&customer, ORDER_SIZE).await {
                        Ok(201) => latencies.push(sent.elapsed().as_secs_f64() * 1000.0),
                        Ok(_) => refused += 1,
                        Err(_) => failed += 1,
                    }
                }
                (latencies, refused, failed)
            })
        })
        .collect();
    let (mut latencies_ms, mut refused, mut failed) = (Vec::new(), 0, 0);
    for client in clients {
        let (l, r, f) = client.await?;
        latencies_ms.extend(l);
        refused += r;
        failed += f;
    }
    let window = started.elapsed().as_secs_f64();
    let (server_cpu, postgres_cpu, machine_cpu) = (
        (proc_cpu_seconds(pid) - cpu_before.0) / window,
        (processes_cpu_seconds("postgres") - cpu_before.1) / window,
        (machine_busy_seconds() - cpu_before.2) / window,
    );
    let _ = stop_tx.send(());
    let rss_peak_kib = sampler.await?;
    let open_at_end = open_orders(&db).await?;
    let tail_seconds = drained(&db).await?;
    latencies_ms.sort_by(f64::total_cmp);

    eprintln!("{tag} ceiling: the same rows inserted through sqlx in batches");
    let ceiling_per_second = ceiling(&db, Duration::from_secs(args.ceiling_seconds)).await?;

    let measure = Measure {
        database: label.to_owned(),
        mode,
        window,
        orders: latencies_ms.len(),
        refused,
        failed,
        latencies_ms,
        open_at_end,
        tail_seconds,
        server_cpu,
        postgres_cpu,
        machine_cpu,
        rss_idle_kib,
        rss_peak_kib,
        ceiling_per_second,
    };
    eprintln!(
        "{tag} {:.0} orders/s, p50 {:.1} ms, p99 {:.1} ms, ceiling {:.0} orders/s",
        measure.per_second(),
        measure.percentile(50.0),
        measure.percentile(99.0),
        measure.ceiling_per_second
    );
    db.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(measure)
}

/// A value bound into a multi-row INSERT.
#[derive(Clone)]
enum Cell {
    Text(Option<String>),
    Int(i64),
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(Some(value.into()))
}

/// One multi-row INSERT of `rows` into `table`.
async fn insert(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &str,
    rows: &[Vec<Cell>],
) -> anyhow::Result<()> {
    let width = rows.first().map_or(0, Vec::len);
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let cells: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({columns}) VALUES {}",
        values.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for cell in rows.iter().flatten() {
        query = match cell.clone() {
            Cell::Text(value) => query.bind(value),
            Cell::Int(value) => query.bind(value),
        };
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// The rows the last order of the run left, as text to copy: its stored request and answer and
/// its exchange record, so that the ceiling writes as many bytes as the real path.
struct Sample {
    customer_id: String,
    fleet_id: String,
    offering_id: String,
    credential_id: String,
    request_json: String,
    response_json: Option<String>,
    exchange_headers: Option<String>,
    exchange_request: Option<String>,
    exchange_response: Option<String>,
    audit_after: Option<String>,
}

async fn sample(db: &Db) -> anyhow::Result<Sample> {
    use sqlx::Row;
    let order = sqlx::query(
        "SELECT o.id, o.customer_id, o.credential_id, o.request_json, o.response_json, \
         i.fleet_id, i.offering_id FROM product_orders o \
         JOIN product_order_items i ON i.order_id = o.id \
         ORDER BY o.created_at DESC, o.id DESC LIMIT 1",
    )
    .fetch_one(db.pool())
    .await?;
    let order_id: String = order.try_get("id")?;
    let exchange = sqlx::query(
        "SELECT request_headers_json, request_body, response_body FROM orange_exchanges \
         WHERE object_id = $1 LIMIT 1",
    )
    .bind(&order_id)
    .fetch_optional(db.pool())
    .await?;
    let audit_after: Option<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE object_id = $1 AND action = 'orange.order.create'",
    )
    .bind(&order_id)
    .fetch_optional(db.pool())
    .await?
    .flatten();
    let from_exchange = |column: &str| -> anyhow::Result<Option<String>> {
        Ok(match &exchange {
            Some(row) => row.try_get(column)?,
            None => None,
        })
    };
    Ok(Sample {
        customer_id: order.try_get("customer_id")?,
        fleet_id: order
            .try_get::<Option<String>, _>("fleet_id")?
            .context("no fleet")?,
        offering_id: order.try_get("offering_id")?,
        credential_id: order
            .try_get::<Option<String>, _>("credential_id")?
            .context("no credential")?,
        request_json: order.try_get("request_json")?,
        response_json: order.try_get("response_json")?,
        exchange_headers: from_exchange("request_headers_json")?,
        exchange_request: from_exchange("request_body")?,
        exchange_response: from_exchange("response_body")?,
        audit_after,
    })
}

/// Orders a second written straight through sqlx (see the module): the rows of
/// [`CEILING_BATCH`] orders per transaction, one multi-row INSERT per table.
async fn ceiling(db: &Db, duration: Duration) -> anyhow::Result<f64> {
    let sample = sample(db).await?;
    let started = Instant::now();
    let mut orders = 0_usize;
    let mut seq = 0_usize;
    let run = uuid::Uuid::now_v7().simple().to_string();
    while started.elapsed() < duration {
        let now = clock::now_text();
        let (mut order_rows, mut item_rows, mut licence_rows, mut resource_rows) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut audit_rows, mut exchange_rows) = (Vec::new(), Vec::new());
        for _ in 0..CEILING_BATCH {
            seq += 1;
            let order_id = format!("ord_ceil{run}{seq}");
            let item_id = format!("itm_ceil{run}{seq}");
            order_rows.push(vec![
                text(&order_id),
                text(format!("CEIL-{run}-{seq}")),
                text("0".repeat(64)),
                text(&sample.customer_id),
                text("sync"),
                text("completed"),
                text(&now),
                text(&sample.request_json),
                Cell::Int(201),
                Cell::Text(sample.response_json.clone()),
                text(&sample.credential_id),
                text(&now),
                text(&now),
            ]);
            item_rows.push(vec![
                text(&item_id),
                text(&order_id),
                Cell::Int(0),
                text("1"),
                text("add"),
                text(&sample.offering_id),
                text(orange::OFFER_CODE),
                Cell::Int(ORDER_SIZE as i64),
                text(&sample.fleet_id),
                text("completed"),
                text(&now),
                text(&now),
            ]);
            for n in 0..ORDER_SIZE {
                let licence_id = format!("lic_ceil{run}{seq}_{n}");
                licence_rows.push(vec![
                    text(&licence_id),
                    text(&sample.fleet_id),
                    text(&sample.customer_id),
                    text(&sample.offering_id),
                    text("active"),
                    text(format!("ceil-{run}-{seq}-{n}")),
                    text(&now),
                    text(&item_id),
                    text(&now),
                    text(&now),
                ]);
                resource_rows.push(vec![
                    text(format!("rr_ceil{run}{seq}_{n}")),
                    text(&sample.customer_id),
                    text("per_licence"),
                    text(&licence_id),
                    text("msisdn"),
                    text(format!("+33639{:06}", (seq * ORDER_SIZE + n) % 1_000_000)),
                    text(&now),
                    text(&now),
                    text(&now),
                ]);
            }
            audit_rows.push(vec![
                text(format!("aud_ceil{run}{seq}")),
                text(&now),
                text("orange"),
                text(&sample.credential_id),
                text("benchmark"),
                text("orange.order.create"),
                text("order"),
                text(&order_id),
                Cell::Text(sample.audit_after.clone()),
            ]);
            exchange_rows.push(vec![
                text(format!("xch_ceil{run}{seq}")),
                text(&now),
                text("POST"),
                text("/orange/v2/productOrder"),
                text(&sample.credential_id),
                Cell::Text(sample.exchange_headers.clone()),
                Cell::Text(sample.exchange_request.clone()),
                Cell::Int(201),
                Cell::Text(sample.exchange_response.clone()),
                text("order"),
                text(&order_id),
                text(&now),
            ]);
        }
        let mut tx = db.begin_write().await?;
        insert(
            &mut tx,
            "product_orders",
            "id, external_reference, request_hash, customer_id, mode, state, completed_at, \
             request_json, response_status, response_json, credential_id, created_at, updated_at",
            &order_rows,
        )
        .await?;
        insert(
            &mut tx,
            "product_order_items",
            "id, order_id, position, orange_item_id, action, offering_id, offer_code, quantity, \
             fleet_id, state, created_at, updated_at",
            &item_rows,
        )
        .await?;
        insert(
            &mut tx,
            "licences",
            "id, fleet_id, customer_id, offering_id, state, login, login_created_at, \
             order_item_id, created_at, updated_at",
            &licence_rows,
        )
        .await?;
        insert(
            &mut tx,
            "realizing_resources",
            "id, customer_id, scope, licence_id, type, value, placeholder_since, created_at, \
             updated_at",
            &resource_rows,
        )
        .await?;
        insert(
            &mut tx,
            "audit_log",
            "id, at, actor_kind, actor_id, actor_label, action, object_type, object_id, after_json",
            &audit_rows,
        )
        .await?;
        insert(
            &mut tx,
            "orange_exchanges",
            "id, at, method, path, credential_id, request_headers_json, request_body, \
             response_status, response_body, object_type, object_id, expires_at",
            &exchange_rows,
        )
        .await?;
        tx.commit().await?;
        orders += CEILING_BATCH;
    }
    Ok(orders as f64 / started.elapsed().as_secs_f64())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let mut measures = Vec::new();
    for (database, mode) in &args.runs {
        // A new database for every run, so that each starts from the same state.
        let targets = Targets::new(
            args.postgres
                .as_deref()
                .filter(|_| database == "PostgreSQL"),
        )
        .await?;
        let url = targets
            .list
            .iter()
            .find(|(label, _)| label == database)
            .map(|(_, url)| url.clone())
            .context("the database of the run")?;
        let measured = run_one(&args, database, &url, *mode).await;
        targets.finish().await;
        measures.push(measured?);
    }

    let mut report = String::new();
    report.push_str("# Licence order benchmark\n\n");
    if let Some(note) = &args.note {
        report.push_str(&format!("{note}\n\n"));
    }
    report.push_str(&format!("- Command: `{}`\n", args.command));
    report.push_str(&support::machine_and_commit());
    report.push_str(&format!(
        "- Load: {} clients, one customer and one keep-alive connection each, sending orders of \
         {ORDER_SIZE} licences (a placeholder MSISDN each, fleet policy per customer) back to back \
         for {} s\n\n",
        args.clients, args.seconds
    ));
    report.push_str(
        "One `fleetdesk serve` release process per run, on a new database, every Orange operation \
         in the run's mode; the benchmark's clients, the server and PostgreSQL share the \
         machine's CPUs. Latency is from sending the request to reading the whole answer. \
         Ceiling: the same rows (the order with its stored request and answer, its item, its \
         licences and their resources, its audit entry and its exchange record) inserted straight \
         through sqlx in the same run, in transactions of 32 orders with one multi-row INSERT \
         per table. Asynchronous runs measure acknowledged orders; \"open at end / tail\" is how \
         many were not yet completed when the window closed and how long the server took to \
         complete them. Method: `server/examples/orders.rs`.\n\n",
    );
    report.push_str(
        "| database | mode | orders/s | p50 (ms) | p99 (ms) | max (ms) | orders | refused / failed | open at end / tail (s) | server / PostgreSQL / machine CPU (cores busy) | server RSS idle / peak under load (MiB) | ceiling (orders/s) | orders/s : ceiling |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for m in &measures {
        report.push_str(&format!(
            "| {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {} / {} | {} | {:.2} / {:.2} / {:.2} | {:.1} / {:.1} | {:.0} | {:.3} |\n",
            m.database,
            m.mode.as_str(),
            m.per_second(),
            m.percentile(50.0),
            m.percentile(99.0),
            m.latencies_ms.last().copied().unwrap_or(0.0),
            m.orders,
            m.refused,
            m.failed,
            if m.mode == Mode::Async {
                format!("{} / {:.1}", m.open_at_end, m.tail_seconds)
            } else {
                "-".to_owned()
            },
            m.server_cpu,
            m.postgres_cpu,
            m.machine_cpu,
            mib(m.rss_idle_kib),
            mib(m.rss_peak_kib),
            m.ceiling_per_second,
            m.per_second() / m.ceiling_per_second,
        ));
    }
    let mut summary = Vec::new();
    for m in &measures {
        let (rate, p99) = (m.per_second(), m.percentile(99.0));
        summary.push(SummaryRow {
            what: format!(
                "Orders of {ORDER_SIZE} licences from {} clients, {}",
                args.clients,
                m.mode.as_str()
            ),
            database: m.database.clone(),
            measured: format!("{rate:.0} orders/s, p99 {p99:.0} ms"),
            ceiling: format!(
                "{:.0} orders/s (the same rows through sqlx)",
                m.ceiling_per_second
            ),
            ratio: Some(rate / m.ceiling_per_second),
            target: "≥ 300 orders/s, p99 < 100 ms".to_owned(),
            met: Some(rate >= 300.0 && p99 < 100.0),
        });
        summary.push(SummaryRow {
            what: format!(
                "Memory: server RSS idle / peak under the {} order load",
                m.mode.as_str()
            ),
            database: m.database.clone(),
            measured: format!(
                "{:.1} / {:.1} MiB",
                mib(m.rss_idle_kib),
                mib(m.rss_peak_kib)
            ),
            ceiling: "—".to_owned(),
            ratio: None,
            target: "—".to_owned(),
            met: None,
        });
    }
    support::write_summary(&args.out, "orders", &summary)?;
    std::fs::create_dir_all(&args.out)?;
    let path = format!("{}/{}", args.out, args.file);
    std::fs::File::create(&path)?.write_all(report.as_bytes())?;
    println!("{report}\nWritten to {path}");
    Ok(())
}
