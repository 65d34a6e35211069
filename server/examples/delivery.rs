//! Benchmark: delivering events to Orange from the outbox (contract section 6). Run by
//! `scripts/bench` (`--only delivery`), which builds the release binary and passes its path; results go to
//! `bench/results/delivery.md`.
//!
//! A real `fleetdesk serve` process delivers to a do-nothing Orange running inside this process
//! (`delivery/receiver.rs`: token endpoint and both event resources, on a runtime of its own),
//! whose own ceiling is measured first with 64 keep-alive connections. On each database:
//!
//! 1. Backlog, built the way Orange builds it: delivery configured towards the receiver but
//!    paused, every operation asynchronous, then over HTTP with an Orange credential: customers
//!    created with licence orders, then every licence suspended by `userServiceTask`s of up to
//!    10,000 licences, one event per licence (each licence its own ordering key). The time from a
//!    task's request to all of its events being written is measured.
//! 2. Drain: delivery resumed; time until the receiver has every event, events/s, delay from
//!    `outbox_events.created_at` to the receipt (and to `delivered_at`), duplicates, and the
//!    server's peak resident memory (VmHWM).
//! 3. Live: with delivery running, `--clients` clients call the API for `--live-seconds`
//!    (suspension/reactivation tasks of 100 licences, a chunk asked again only once its last task
//!    completed, and orders of 10 licences); events created and delivered per second in that
//!    window, the creation-to-delivery delay of its events, the CPU the server, PostgreSQL and the
//!    machine used, and how long after the window the last work completed and was delivered.
//! 4. PostgreSQL only: a new backlog drained by two server processes on the same database; the
//!    combined rate, its ratio to one instance's, and any `eventId` received twice. The ratio is
//!    taken from the first event received to the last, so that the wait for a worker's next poll
//!    after the resume (shorter with two workers polling) does not count.
//! 5. PostgreSQL only: the same comparison again, one instance then two, each on a new backlog,
//!    with the receiver waiting `--slow-receiver-ms` (default 50) before each answer, as Orange
//!    across a network would: an instance's rate is then bounded by its requests in flight, not by
//!    the CPUs that the instances, PostgreSQL and the receiver share on this machine.
//!
//! Every `FLEETDESK_DELIVERY_*` variable in the environment reaches the servers and is listed in
//! the report (e.g. `FLEETDESK_DELIVERY_CONCURRENCY=32`).
//!
//! Options: `--bin PATH` (required), `--postgres ADMIN_URL`, `--out DIR`, `--events N` (licence
//! events per backlog, default 20000), `--clients N` (live clients, default 16), `--live-seconds N`
//! (default 20), `--sqlite-only`, `--postgres-only`, `--skip-two-instances`,
//! `--slow-receiver-ms N` (0 leaves phase 5 out), `--quick` (1000 events, 3 s live, PostgreSQL's
//! counts per drain left out: a smoke run),
//! `--note TEXT` (a line under the report's title).

#[path = "delivery/orange.rs"]
mod orange;
#[path = "delivery/receiver.rs"]
mod receiver;
mod support;

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fleetdesk_core::audit::Acting;
use fleetdesk_core::orange::settings::{self as api_settings, Mode};
use fleetdesk_core::outbox::settings::{self as delivery_settings, DeliverySettings};
use fleetdesk_core::{Db, clock};
use fleetdesk_server::delivery::SETTINGS_FRESH_FOR;
use futures_util::StreamExt;
use orange::Api;
use receiver::Receiver;
use support::{
    Running, SummaryRow, Targets, machine_busy_seconds, proc_cpu_seconds, proc_status_kib,
    processes_cpu_seconds, start_server,
};
use time::OffsetDateTime;

/// Licences per order while building the backlog (one new customer each).
const ORDER_SIZE: usize = 1_000;
/// Licences per suspension task while building the backlog (the contract's maximum).
const TASK_SIZE: usize = 10_000;
/// Licences per task and per order in the live phase.
const LIVE_TASK_SIZE: usize = 100;
const LIVE_ORDER_SIZE: usize = 10;
/// Connections loading the receiver to find its ceiling.
const CEILING_CONNECTIONS: usize = 64;
const ORANGE_EVENTS: &str = "target IN ('orange_product_order', 'orange_user_service')";

struct Args {
    bin: String,
    postgres: Option<String>,
    events: usize,
    clients: usize,
    live_seconds: u64,
    ceiling_seconds: u64,
    two_instances: bool,
    /// The receiver's wait before each answer in the second two-instance comparison (0: none).
    slow_receiver_ms: u64,
    /// Only PostgreSQL (profiling the multi-instance case without the SQLite phases first).
    postgres_only: bool,
    /// What PostgreSQL counted during each drain ([`DbWork`]); not in a smoke run, where its
    /// readings' waits would take longer than the drains.
    db_work: bool,
    out: String,
    command: String,
    note: Option<String>,
}

#[derive(clap::Parser)]
#[command(about = "Event delivery to Orange (server/examples/delivery.rs)")]
struct Cli {
    #[command(flatten)]
    common: support::CommonArgs,
    /// Licence events per backlog (default 20000; 1000 with --quick).
    #[arg(long)]
    events: Option<usize>,
    /// Live clients.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Seconds of the live phase (default 20; 3 with --quick).
    #[arg(long)]
    live_seconds: Option<u64>,
    #[arg(long)]
    sqlite_only: bool,
    /// Only PostgreSQL (profiling the multi-instance case without the SQLite phases first).
    #[arg(long)]
    postgres_only: bool,
    #[arg(long)]
    skip_two_instances: bool,
    /// Milliseconds the receiver waits before each answer when one instance and then two drain
    /// again, as Orange across a network would (0 leaves that comparison out).
    #[arg(long, default_value_t = 50)]
    slow_receiver_ms: u64,
    /// The command named in the report.
    #[arg(long, default_value = "scripts/bench --only delivery")]
    command: String,
    /// A line under the report's title.
    #[arg(long)]
    note: Option<String>,
}

fn args() -> anyhow::Result<Args> {
    let cli = <Cli as clap::Parser>::parse();
    let (events, live_seconds, sqlite_only) = (cli.events, cli.live_seconds, cli.sqlite_only);
    let mut args = Args {
        bin: cli.common.bin,
        postgres: cli.common.postgres,
        events: 20_000,
        clients: cli.clients,
        live_seconds: 20,
        ceiling_seconds: 3,
        two_instances: !cli.skip_two_instances,
        slow_receiver_ms: cli.slow_receiver_ms,
        postgres_only: cli.postgres_only,
        db_work: !cli.common.quick,
        out: cli.common.out,
        command: cli.command,
        note: cli.note,
    };
    if cli.common.quick {
        (args.events, args.live_seconds, args.ceiling_seconds) = (1_000, 3, 1);
    }
    args.events = events.unwrap_or(args.events).max(1);
    args.live_seconds = live_seconds.unwrap_or(args.live_seconds);
    args.clients = args.clients.max(1);
    if sqlite_only {
        args.postgres = None;
    }
    if args.postgres_only && args.postgres.is_none() {
        bail!("--postgres-only needs PostgreSQL (--postgres <admin URL>)");
    }
    Ok(args)
}

/// One database's server, with delivery pointed at the receiver and an Orange credential.
struct Fixture {
    server: Running,
    db: Db,
    api: Api,
    data_dir: std::path::PathBuf,
}

/// The audit entry of a setting the benchmark changes.
async fn prepare(args: &Args, url: &str, receiver: &Receiver) -> anyhow::Result<Fixture> {
    let data_dir =
        std::env::temp_dir().join(format!("fleetdesk-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&data_dir)?;
    let server = start_server(&args.bin, url, &data_dir).await?;
    let db = support::connect(url).await?;
    delivery_settings::save(
        &db,
        &DeliverySettings {
            product_order_url: format!("{}/events/productOrder", receiver.base),
            user_service_url: format!("{}/events/userService", receiver.base),
            token_url: format!("{}/oauth/token", receiver.base),
            client_id: receiver::CLIENT_ID.to_owned(),
            client_secret: receiver::CLIENT_SECRET.to_owned(),
            paused: true,
            ..DeliverySettings::default()
        },
        &Acting::cli(),
    )
    .await?;
    let mut modes = api_settings::load(&db).await?;
    modes.set_every_mode(Mode::Async);
    api_settings::save(&db, &modes, &Acting::cli()).await?;
    support::offering(&db, orange::OFFER_CODE).await?;
    let api = Api::new(&server.base, &support::orange_secret(&db).await?)?;
    Ok(Fixture {
        server,
        db,
        api,
        data_dir,
    })
}

/// Waits until the order or task `id` in `table` is no longer acknowledged or in progress.
async fn settled(db: &Db, table: &str, id: &str) -> anyhow::Result<String> {
    let sql = format!("SELECT state FROM {table} WHERE id = $1");
    let started = Instant::now();
    loop {
        let state: String = sqlx::query_scalar(&sql)
            .bind(id)
            .fetch_one(db.pool())
            .await?;
        if state != "acknowledged" && state != "inProgress" {
            return Ok(state);
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("{id} is still {state} after 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn count(db: &Db, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(db.pool()).await?)
}

async fn waiting_events(db: &Db) -> anyhow::Result<i64> {
    count(
        db,
        &format!(
            "SELECT COUNT(*) FROM outbox_events WHERE {ORANGE_EVENTS} \
             AND state IN ('pending', 'delivering')"
        ),
    )
    .await
}

struct Seeded {
    licences: Vec<String>,
    customers: Vec<String>,
    orders_seconds: f64,
    /// `(licences, seconds from the request to all its events written)` per suspension task.
    tasks: Vec<(usize, f64)>,
    seconds: f64,
}

impl Seeded {
    /// The largest task's size and, of the tasks of that size, the longest time: what the target
    /// is judged on, in the table and in the summary alike.
    fn largest_task(&self) -> (usize, f64) {
        self.tasks
            .iter()
            .copied()
            .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
            .unwrap_or((0, f64::NAN))
    }
}

/// Orders `licences` licences (new customers, [`ORDER_SIZE`] each) and suspends them all.
async fn seed(db: &Db, api: &Api, licences: usize) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let sizes: Vec<usize> = (0..licences)
        .step_by(ORDER_SIZE)
        .map(|from| ORDER_SIZE.min(licences - from))
        .collect();
    let placed: Vec<_> = futures_util::stream::iter(sizes)
        .map(|quantity| api.new_customer_with_licences(quantity))
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let mut ids = Vec::with_capacity(licences);
    for order in &placed {
        let state = settled(db, "product_orders", &order.order_id).await?;
        if state != "completed" {
            bail!("order {} ended {state}", order.order_id);
        }
    }
    let orders_seconds = started.elapsed().as_secs_f64();
    for order in &placed {
        ids.extend(api.order_licence_ids(&order.order_id).await?);
    }
    if ids.len() != licences {
        bail!("ordered {licences} licences, the orders list {}", ids.len());
    }
    let mut tasks = Vec::new();
    for chunk in ids.chunks(TASK_SIZE) {
        let asked = Instant::now();
        let (status, task) = api.change_state(chunk, "suspended").await?;
        let task = task.filter(|_| status == 201).with_context(|| {
            format!("the suspension task was answered {status} without a task id")
        })?;
        let state = settled(db, "user_service_tasks", &task).await?;
        if state != "completed" {
            bail!("suspension task {task} ended {state}");
        }
        tasks.push((chunk.len(), asked.elapsed().as_secs_f64()));
    }
    Ok(Seeded {
        licences: ids,
        customers: placed.into_iter().map(|p| p.customer_id).collect(),
        orders_seconds,
        tasks,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round();
    sorted[rank as usize]
}

fn seconds_between(from: OffsetDateTime, to: OffsetDateTime) -> f64 {
    (to - from).as_seconds_f64()
}

/// p50 and p99 of `values`, in seconds.
fn p50_p99(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (percentile(&values, 0.5), percentile(&values, 0.99))
}

fn peak_mib(pids: &[u32]) -> String {
    pids.iter()
        .map(|pid| format!("{:.0}", proc_status_kib(*pid, "VmHWM") as f64 / 1024.0))
        .collect::<Vec<_>>()
        .join(" + ")
}

struct Drained {
    backlog: usize,
    received: usize,
    seconds: f64,
    first_after: f64,
    /// From the first event received to the last.
    receiving_seconds: f64,
    receipt: (f64, f64),
    delivered: (f64, f64),
    duplicates: Vec<(String, u32)>,
    posts: u64,
    /// Server CPU seconds used per second of drain (summed over instances).
    server_cpu: f64,
    /// PostgreSQL's CPU seconds per second of drain (every `postgres` process on the machine).
    database_cpu: f64,
    /// The whole machine's busy CPU seconds per second of drain (of `nproc` cores).
    machine_cpu: f64,
    peak_mib: String,
    /// PostgreSQL only: what its statistics say the database did during the drain.
    work: Option<DbWork>,
}

/// What PostgreSQL counted for the benchmark's database (`pg_stat_database`) and for
/// `outbox_events` (`pg_stat_user_tables`): a drain's share is the difference of two readings.
#[derive(Clone, Default)]
struct DbWork {
    /// Rows scans returned, and rows fetched by index scans.
    returned: i64,
    fetched: i64,
    /// Buffers found in shared memory, and read in.
    hit: i64,
    read: i64,
    commits: i64,
    outbox_index_scans: i64,
    outbox_updates: i64,
    outbox_hot_updates: i64,
    /// Index entries read, by index of `outbox_events` (`pg_stat_user_indexes.idx_tup_read`).
    outbox_indexes: Vec<(String, i64)>,
}

impl DbWork {
    /// The reading now, once every connection has reported what it did: an idle PostgreSQL
    /// backend reports its counts within 10 s (`PGSTAT_IDLE_INTERVAL`), hence the wait.
    async fn read(db: &Db) -> anyhow::Result<Option<DbWork>> {
        if db.dialect() != fleetdesk_core::Dialect::Postgres {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_secs(11)).await;
        let row: (i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT d.tup_returned, d.tup_fetched, d.blks_hit, d.blks_read, d.xact_commit, \
             COALESCE(t.idx_scan, 0), t.n_tup_upd, t.n_tup_hot_upd \
             FROM pg_stat_database d, pg_stat_user_tables t \
             WHERE d.datname = current_database() AND t.relname = 'outbox_events'",
        )
        .fetch_one(db.pool())
        .await?;
        let outbox_indexes: Vec<(String, i64)> = sqlx::query_as(
            "SELECT CAST(indexrelname AS TEXT), idx_tup_read FROM pg_stat_user_indexes \
             WHERE relname = 'outbox_events' ORDER BY indexrelname",
        )
        .fetch_all(db.pool())
        .await?;
        Ok(Some(DbWork {
            returned: row.0,
            fetched: row.1,
            hit: row.2,
            read: row.3,
            commits: row.4,
            outbox_index_scans: row.5,
            outbox_updates: row.6,
            outbox_hot_updates: row.7,
            outbox_indexes,
        }))
    }

    fn since(self, before: &DbWork) -> DbWork {
        DbWork {
            returned: self.returned - before.returned,
            fetched: self.fetched - before.fetched,
            hit: self.hit - before.hit,
            read: self.read - before.read,
            commits: self.commits - before.commits,
            outbox_index_scans: self.outbox_index_scans - before.outbox_index_scans,
            outbox_updates: self.outbox_updates - before.outbox_updates,
            outbox_hot_updates: self.outbox_hot_updates - before.outbox_hot_updates,
            outbox_indexes: self
                .outbox_indexes
                .iter()
                .map(|(name, read)| {
                    let earlier = before
                        .outbox_indexes
                        .iter()
                        .find(|(n, _)| n == name)
                        .map_or(0, |(_, r)| *r);
                    (name.clone(), read - earlier)
                })
                .collect(),
        }
    }
}

impl Drained {
    fn rate(&self) -> f64 {
        self.received as f64 / self.seconds
    }

    /// Events per second from the first received to the last: without the wait for the worker's
    /// next poll after the resume, which differs between one instance and two.
    fn receiving_rate(&self) -> f64 {
        self.received as f64 / self.receiving_seconds.max(1e-3)
    }

    /// Cores the whole machine kept busy while events arrived: its busy CPU seconds over the
    /// drain (the wait before the first event costs next to nothing) spread over the receiving
    /// time.
    fn cores_while_receiving(&self) -> f64 {
        self.machine_cpu * self.seconds / self.receiving_seconds.max(1e-3)
    }
}

/// Waits until a pause set by the caller holds: the engine has seen it and no event is being
/// delivered. Until then an engine may still claim and send events of a backlog being written,
/// which the receiver would see before the drain resets it, and the drain would wait for them.
async fn paused_for_good(db: &Db) -> anyhow::Result<()> {
    // The engine may act on the settings it read before the pause for this long, then a margin.
    tokio::time::sleep(SETTINGS_FRESH_FOR + Duration::from_millis(200)).await;
    let started = Instant::now();
    loop {
        let delivering = count(
            db,
            &format!(
                "SELECT COUNT(*) FROM outbox_events WHERE {ORANGE_EVENTS} AND state = 'delivering'"
            ),
        )
        .await?;
        if delivering == 0 {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("{delivering} events still being delivered 60 s after delivery was paused");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Resumes delivery (paused by the caller before the backlog was written) and waits until the
/// receiver has every waiting event; fails if it has not got them all within the limit.
/// With `db_work`, what PostgreSQL counted during the drain too ([`DbWork`]).
async fn drain(
    db: &Db,
    receiver: &Receiver,
    pids: &[u32],
    db_work: bool,
) -> anyhow::Result<Drained> {
    let db_work = async || match db_work {
        true => DbWork::read(db).await,
        false => Ok(None),
    };
    paused_for_good(db).await?;
    receiver.reset();
    let expected: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT id, created_at FROM outbox_events WHERE {ORANGE_EVENTS} \
         AND state IN ('pending', 'delivering')"
    ))
    .fetch_all(db.pool())
    .await?;
    let backlog = expected.len();
    let limit = Duration::from_secs(300.max(backlog as u64 / 20));
    let work_before = db_work().await?;
    let tokens_before = receiver.tokens();
    let cpu_before: f64 = pids.iter().map(|pid| proc_cpu_seconds(*pid)).sum();
    let database_before = processes_cpu_seconds("postgres");
    let machine_before = machine_busy_seconds();
    let resumed_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    delivery_settings::set_paused(db, false, &Acting::cli()).await?;
    let mut report_at = Duration::from_secs(10);
    while receiver.distinct() < backlog && started.elapsed() < limit {
        if started.elapsed() >= report_at {
            eprintln!(
                "  {} of {backlog} events received after {} s",
                receiver.distinct(),
                report_at.as_secs()
            );
            report_at += Duration::from_secs(10);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if receiver.distinct() < backlog {
        bail!(
            "only {} of the {backlog} events reached the receiver within {} s",
            receiver.distinct(),
            limit.as_secs()
        );
    }
    let snapshot = receiver.snapshot();
    let server_cpu = (pids.iter().map(|pid| proc_cpu_seconds(*pid)).sum::<f64>() - cpu_before)
        / started.elapsed().as_secs_f64();
    let database_cpu =
        (processes_cpu_seconds("postgres") - database_before) / started.elapsed().as_secs_f64();
    let machine_cpu = (machine_busy_seconds() - machine_before) / started.elapsed().as_secs_f64();
    // The last attempts are recorded just after their answers.
    let recorded_by = Instant::now() + Duration::from_secs(30);
    while waiting_events(db).await? > 0 && Instant::now() < recorded_by {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let created: HashMap<&str, OffsetDateTime> = expected
        .iter()
        .map(|(id, at)| Ok::<_, anyhow::Error>((id.as_str(), clock::parse(at)?)))
        .collect::<anyhow::Result<_>>()?;
    let receipts: Vec<(OffsetDateTime, OffsetDateTime)> = snapshot
        .iter()
        .filter_map(|(id, seen)| created.get(id.as_str()).map(|at| (*at, seen.first_at)))
        .collect();
    let first = receipts.iter().map(|r| r.1).min().unwrap_or(resumed_at);
    let last = receipts.iter().map(|r| r.1).max().unwrap_or(resumed_at);
    let delivered: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT id, delivered_at FROM outbox_events WHERE {ORANGE_EVENTS} \
         AND delivered_at IS NOT NULL AND delivered_at >= $1"
    ))
    .bind(clock::format(resumed_at - Duration::from_secs(1)))
    .fetch_all(db.pool())
    .await?;
    let delivered_delays = delivered
        .iter()
        .filter_map(|(id, at)| {
            Some(seconds_between(
                *created.get(id.as_str())?,
                clock::parse(at).ok()?,
            ))
        })
        .collect();
    if receiver.tokens() == tokens_before {
        eprintln!("  (the token was still cached from an earlier phase)");
    }
    let mut duplicates: Vec<(String, u32)> = snapshot
        .iter()
        .filter(|(_, seen)| seen.count > 1)
        .map(|(id, seen)| (id.clone(), seen.count))
        .collect();
    duplicates.sort();
    let work = match (work_before, db_work().await?) {
        (Some(before), Some(after)) => Some(after.since(&before)),
        _ => None,
    };
    Ok(Drained {
        backlog,
        received: receipts.len(),
        seconds: seconds_between(resumed_at, last),
        first_after: seconds_between(resumed_at, first),
        receiving_seconds: seconds_between(first, last),
        receipt: p50_p99(
            receipts
                .iter()
                .map(|(c, r)| seconds_between(*c, *r))
                .collect(),
        ),
        delivered: p50_p99(delivered_delays),
        duplicates,
        posts: receiver.posts(),
        server_cpu,
        database_cpu,
        machine_cpu,
        peak_mib: peak_mib(pids),
        work,
    })
}

#[derive(Default)]
struct Calls {
    answered: u64,
    refused: u64,
    failed: u64,
    /// 20 ms waits of a client whose next chunk still had its task in progress.
    waits: u64,
}

/// One live client: tasks flipping its own chunks of licences between suspended and active, and
/// every fourth call an order of a few licences for a customer. A chunk is asked again only once
/// its last task has completed (as Orange would not change licences with an operation in flight),
/// so every task's licences all change and every answered task is work done.
async fn live_client(
    api: Api,
    db: Db,
    chunks: Vec<Vec<String>>,
    customer: String,
    until: Instant,
) -> Calls {
    let mut calls = Calls::default();
    let mut suspended = vec![true; chunks.len()];
    let mut open: Vec<Option<String>> = vec![None; chunks.len()];
    let mut next_chunk = 0;
    let mut turn = 0_u64;
    while Instant::now() < until {
        let status = if chunks.is_empty() || (turn + 1).is_multiple_of(4) {
            turn += 1;
            api.order_licences(&customer, LIVE_ORDER_SIZE).await
        } else {
            let k = next_chunk % chunks.len();
            next_chunk += 1;
            // Chunks are taken in turn, so this one's task is the client's oldest: wait for it,
            // looking every 20 ms (a query each time, kept few so that the database works for
            // the server rather than for the benchmark).
            if let Some(task) = &open[k] {
                while !matches!(task_settled(&db, task).await, Ok(true)) && Instant::now() < until {
                    calls.waits += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if Instant::now() >= until {
                    break;
                }
            }
            turn += 1;
            let state = if suspended[k] { "active" } else { "suspended" };
            let answer = api.change_state(&chunks[k], state).await;
            if let Ok((201, task)) = &answer {
                suspended[k] = !suspended[k];
                open[k] = task.clone();
            }
            answer.map(|(status, _)| status)
        };
        match status {
            Ok(200..=299) => calls.answered += 1,
            Ok(_) => calls.refused += 1,
            Err(_) => calls.failed += 1,
        }
    }
    calls
}

/// Whether the task is no longer acknowledged or in progress.
async fn task_settled(db: &Db, task: &str) -> anyhow::Result<bool> {
    let state: String = sqlx::query_scalar("SELECT state FROM user_service_tasks WHERE id = $1")
        .bind(task)
        .fetch_one(db.pool())
        .await?;
    Ok(state != "acknowledged" && state != "inProgress")
}

/// Orders and tasks acknowledged and not yet completed.
async fn open_work(db: &Db) -> anyhow::Result<i64> {
    count(
        db,
        "SELECT (SELECT COUNT(*) FROM product_orders WHERE state IN ('acknowledged', 'inProgress')) \
         + (SELECT COUNT(*) FROM user_service_tasks WHERE state IN ('acknowledged', 'inProgress'))",
    )
    .await
}

struct Live {
    seconds: f64,
    calls: Calls,
    created: usize,
    delivered_in_window: i64,
    delay: (f64, f64),
    waiting_at_end: i64,
    open_at_end: i64,
    /// Cores busy during the window: the server, PostgreSQL, the whole machine.
    cpu: (f64, f64, f64),
    tail_seconds: f64,
    peak_mib: String,
}

async fn live(args: &Args, fixture: &Fixture, seeded: &Seeded) -> anyhow::Result<Live> {
    let mut shares: Vec<Vec<Vec<String>>> = vec![Vec::new(); args.clients];
    for (i, chunk) in seeded.licences.chunks(LIVE_TASK_SIZE).enumerate() {
        shares[i % args.clients].push(chunk.to_vec());
    }
    let pid = fixture.server.child.id();
    let cpu_before = (
        proc_cpu_seconds(pid),
        processes_cpu_seconds("postgres"),
        machine_busy_seconds(),
    );
    let from = clock::now_text();
    let started = Instant::now();
    let until = started + Duration::from_secs(args.live_seconds);
    let clients: Vec<_> = shares
        .into_iter()
        .enumerate()
        .map(|(i, chunks)| {
            let customer = seeded.customers[i % seeded.customers.len()].clone();
            tokio::spawn(live_client(
                fixture.api.clone(),
                fixture.db.clone(),
                chunks,
                customer,
                until,
            ))
        })
        .collect();
    let mut calls = Calls::default();
    for client in clients {
        let done = client.await?;
        calls.answered += done.answered;
        calls.refused += done.refused;
        calls.failed += done.failed;
        calls.waits += done.waits;
    }
    let to = clock::now_text();
    let seconds = started.elapsed().as_secs_f64();
    let cpu = (
        (proc_cpu_seconds(pid) - cpu_before.0) / seconds,
        (processes_cpu_seconds("postgres") - cpu_before.1) / seconds,
        (machine_busy_seconds() - cpu_before.2) / seconds,
    );
    let waiting_at_end = waiting_events(&fixture.db).await?;
    let open_at_end = open_work(&fixture.db).await?;
    // Work acknowledged in the window is followed until completed and its events delivered, so
    // that their delays count in full and nothing is left for the next phase.
    let tail = Instant::now();
    while (open_work(&fixture.db).await? > 0 || waiting_events(&fixture.db).await? > 0)
        && tail.elapsed() < Duration::from_secs(600)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tail_seconds = tail.elapsed().as_secs_f64();
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT created_at, delivered_at FROM outbox_events WHERE {ORANGE_EVENTS} \
         AND created_at >= $1 AND created_at <= $2"
    ))
    .bind(&from)
    .bind(&to)
    .fetch_all(fixture.db.pool())
    .await?;
    let delays = rows
        .iter()
        .filter_map(|(created, delivered)| {
            Some(seconds_between(
                clock::parse(created).ok()?,
                clock::parse(delivered.as_deref()?).ok()?,
            ))
        })
        .collect();
    let delivered_in_window: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM outbox_events WHERE {ORANGE_EVENTS} \
         AND delivered_at >= $1 AND delivered_at <= $2"
    ))
    .bind(&from)
    .bind(&to)
    .fetch_one(fixture.db.pool())
    .await?;
    Ok(Live {
        seconds,
        calls,
        created: rows.len(),
        delivered_in_window,
        delay: p50_p99(delays),
        waiting_at_end,
        open_at_end,
        cpu,
        tail_seconds,
        peak_mib: peak_mib(&[pid]),
    })
}

fn seed_table(seeded: &Seeded, backlog: i64) -> String {
    let (largest, largest_seconds) = seeded.largest_task();
    format!(
        "| licences ordered and suspended | orders (one new customer each) | orders completed after (s) | suspension tasks | largest task (licences) | its request -> all its events written (s) | backlog (events) | seeding (s) |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {:.1} | {} | {largest} | {largest_seconds:.2} | {backlog} | {:.1} |\n",
        seeded.licences.len(),
        seeded.customers.len(),
        seeded.orders_seconds,
        seeded.tasks.len(),
        seeded.seconds,
    )
}

fn drain_table(rows: &[(&str, &Drained)], compare: Option<&Side>) -> String {
    let single_rate = compare.map(|one| one.rate);
    let single_receiving = compare.map(|one| one.receiving_rate);
    let mut table = String::from(
        "| instances | events | received | drain (s) | events/s | first event after (s) | events/s from first to last receipt | machine cores busy while receiving | creation -> receipt p50 / p99 (s) | creation -> delivered_at p50 / p99 (s) | POSTs received | duplicate eventIds | server CPU (cores busy) | PostgreSQL CPU (cores busy) | machine CPU (cores busy) | server VmHWM (MiB) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (label, d) in rows {
        let ratio = single_rate
            .map(|single| format!(" ({:.2}x one instance's mean)", d.rate() / single))
            .unwrap_or_default();
        let receiving_ratio = single_receiving
            .map(|single| format!(" ({:.2}x)", d.receiving_rate() / single))
            .unwrap_or_default();
        table.push_str(&format!(
            "| {label} | {} | {} | {:.1} | {:.0}{ratio} | {:.2} | {:.0}{receiving_ratio} | {:.2} | {:.1} / {:.1} | {:.1} / {:.1} | {} | {} | {:.2} | {:.2} | {:.2} | {} |\n",
            d.backlog,
            d.received,
            d.seconds,
            d.rate(),
            d.first_after,
            d.receiving_rate(),
            d.cores_while_receiving(),
            d.receipt.0,
            d.receipt.1,
            d.delivered.0,
            d.delivered.1,
            d.posts,
            d.duplicates.len(),
            d.server_cpu,
            d.database_cpu,
            d.machine_cpu,
            d.peak_mib,
        ));
    }
    if rows.iter().any(|(_, d)| d.work.is_some()) {
        table.push_str(
            "\nWhat PostgreSQL counted during each drain, per event received (`pg_stat_database`, \
             `pg_stat_user_tables`; read 11 s after the drain, once every connection has reported):\n\n\
             | instances | rows returned by scans | rows fetched by index scans | buffers hit | buffers read | commits | index scans of outbox_events | updates of outbox_events (HOT) | index entries read, by index of outbox_events |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---|\n",
        );
        for (label, d) in rows {
            if let Some(w) = &d.work {
                let per = |n: i64| n as f64 / d.received.max(1) as f64;
                let mut indexes: Vec<&(String, i64)> =
                    w.outbox_indexes.iter().filter(|(_, n)| *n > 0).collect();
                indexes.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
                let indexes: Vec<String> = indexes
                    .iter()
                    .map(|(name, n)| format!("{name} {:.1}", per(*n)))
                    .collect();
                table.push_str(&format!(
                    "| {label} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} ({:.2}) | {} |\n",
                    per(w.returned),
                    per(w.fetched),
                    per(w.hit),
                    per(w.read),
                    per(w.commits),
                    per(w.outbox_index_scans),
                    per(w.outbox_updates),
                    per(w.outbox_hot_updates),
                    indexes.join(", "),
                ));
            }
        }
    }
    for (label, d) in rows {
        if !d.duplicates.is_empty() {
            let shown: Vec<_> = d
                .duplicates
                .iter()
                .take(20)
                .map(|(id, n)| format!("`{id}` x{n}"))
                .collect();
            table.push_str(&format!(
                "\nReceived more than once ({label}): {}\n",
                shown.join(", ")
            ));
        }
    }
    table
}

fn live_table(args: &Args, live: &Live) -> String {
    let calls = live.calls.answered + live.calls.refused + live.calls.failed;
    format!(
        "| clients | window (s) | API calls/s answered 2xx | refused (non-2xx) / failed | client waits | events created/s | events delivered/s | orders and tasks open / events waiting at the window's end | creation -> delivered_at p50 / p99 (s) | tail done in (s) | server / PostgreSQL / machine CPU (cores busy) | server VmHWM (MiB) |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {:.1} | {:.0} ({calls} calls) | {} / {} | {} | {:.0} ({} events) | {:.0} | {} / {} | {:.1} / {:.1} | {:.1} | {:.2} / {:.2} / {:.2} | {} |\n",
        args.clients,
        live.seconds,
        live.calls.answered as f64 / live.seconds,
        live.calls.refused,
        live.calls.failed,
        live.calls.waits,
        live.created as f64 / live.seconds,
        live.created,
        live.delivered_in_window as f64 / live.seconds,
        live.open_at_end,
        live.waiting_at_end,
        live.delay.0,
        live.delay.1,
        live.tail_seconds,
        live.cpu.0,
        live.cpu.1,
        live.cpu.2,
        live.peak_mib,
    )
}

/// Every phase on one database; the report's section for it.
async fn run_on(
    args: &Args,
    receiver: &Receiver,
    label: &str,
    url: &str,
) -> anyhow::Result<(String, Vec<SummaryRow>)> {
    let mut section = format!("\n## {label}\n");
    let fixture = prepare(args, url, receiver).await?;
    let pid = fixture.server.child.id();

    eprintln!(
        "[{label}] building a backlog of {} licence events",
        args.events
    );
    let seeded = seed(&fixture.db, &fixture.api, args.events).await?;
    let backlog = waiting_events(&fixture.db).await?;
    section.push_str(&format!(
        "\n### Backlog, built through the API with delivery paused\n\n{}",
        seed_table(&seeded, backlog)
    ));

    let body: String = sqlx::query_scalar(
        "SELECT payload_json FROM outbox_events WHERE target = 'orange_user_service' LIMIT 1",
    )
    .fetch_one(fixture.db.pool())
    .await?;
    eprintln!("[{label}] measuring the receiver's ceiling");
    let ceiling = receiver
        .ceiling(
            body.clone(),
            CEILING_CONNECTIONS,
            Duration::from_secs(args.ceiling_seconds),
        )
        .await?;
    section.push_str(&format!(
        "\nReceiver ceiling: **{ceiling:.0} requests/s** ({CEILING_CONNECTIONS} keep-alive connections \
         from the benchmark for {} s, the same {}-byte userService event body).\n",
        args.ceiling_seconds,
        body.len()
    ));

    eprintln!("[{label}] draining {backlog} events with one instance");
    let single = drain(&fixture.db, receiver, &[pid], args.db_work).await?;
    eprintln!("[{label}] drained: {:.0} events/s", single.rate());

    eprintln!(
        "[{label}] live for {} s with {} clients",
        args.live_seconds, args.clients
    );
    receiver.reset();
    let live = live(args, &fixture, &seeded).await?;

    let drains = [("one", single)];
    // Two instances are compared with one on backlogs built the same way at the same point, on a
    // database grown by the runs before: the first drain, on a new database, is not comparable.
    let mut pair = None;
    if args.two_instances && label == "PostgreSQL" {
        eprintln!("[{label}] new backlogs drained by one instance, two, two and one");
        pair = Some(paired_drains(args, &fixture, receiver, url).await?);
    }
    // The memory row covers the drains and the live load, before the phase with a slow receiver
    // (whose table shows its own peak).
    let peak = proc_status_kib(pid, "VmHWM") as f64 / 1024.0;
    let mut slow = None;
    if args.two_instances && args.slow_receiver_ms > 0 && label == "PostgreSQL" {
        receiver.set_delay(Duration::from_millis(args.slow_receiver_ms));
        let drained = paired_drains(args, &fixture, receiver, url).await;
        receiver.set_delay(Duration::ZERO);
        slow = Some(drained?);
    }

    let single_rate = drains[0].1.rate();
    let largest_task = seeded.largest_task();
    let ceiling_text = format!("{ceiling:.0} requests/s (the receiver alone)");
    let live_rate = live.delivered_in_window as f64 / live.seconds;
    let row =
        |what: String, measured: String, ceiling: String, ratio, target: &str, met| SummaryRow {
            what,
            database: label.to_owned(),
            measured,
            ceiling,
            ratio,
            target: target.to_owned(),
            met: Some(met),
        };
    let mut summary = vec![
        row(
            format!(
                "Delivery: drain of {} events, one instance",
                drains[0].1.backlog
            ),
            format!("{single_rate:.0} events/s"),
            ceiling_text.clone(),
            Some(single_rate / ceiling),
            "≥ 3,000 events/s",
            single_rate >= 3_000.0,
        ),
        row(
            "Delivery: live, events delivered while API calls create them".to_owned(),
            format!("{live_rate:.0} events/s"),
            ceiling_text,
            Some(live_rate / ceiling),
            "≥ 1,500 events/s",
            live_rate >= 1_500.0,
        ),
        row(
            format!(
                "Suspension task of {} licences: request to all its events written",
                largest_task.0
            ),
            format!("{:.2} s", largest_task.1),
            "—".to_owned(),
            None,
            "< 3 s",
            largest_task.1 < 3.0,
        ),
        row(
            "Memory: delivery server's peak RSS (VmHWM) over drain and live load".to_owned(),
            format!("{peak:.0} MiB"),
            "—".to_owned(),
            None,
            "< 100 MiB",
            peak < 100.0,
        ),
    ];
    let mut compare = |what: &str, paired: &Paired| {
        let (one, two) = (&paired.one, &paired.two);
        let times = two.receiving_rate / one.receiving_rate;
        summary.push(row(
            format!("Delivery: {what}"),
            format!(
                "{:.0} events/s from first to last receipt ({:.0} from the resume; mean of {} drains)",
                two.receiving_rate, two.rate, two.drains
            ),
            format!(
                "{:.0} events/s (one instance, same run; {:.0} from the resume; mean of {} drains)",
                one.receiving_rate, one.rate, one.drains
            ),
            Some(times),
            "≥ 1.6 × one instance",
            times >= 1.6,
        ));
    };
    if let Some(pair) = &pair {
        compare(
            "drain with two instances on one database, receiver answering at once",
            pair,
        );
    }
    if let Some(slow) = &slow {
        compare(
            &format!(
                "drain with two instances on one database, receiver answering after {} ms",
                args.slow_receiver_ms
            ),
            slow,
        );
    }
    section.push_str("\n### Drain: delivery resumed, until the receiver has every event\n\n");
    section.push_str(&drain_table(
        &drains.iter().map(|(l, d)| (*l, d)).collect::<Vec<_>>(),
        None,
    ));
    section.push_str(&format!(
        "\nThe delay from creation includes the time the backlog waited while paused (the backlog was \
         written over {:.1} s before delivery resumed); the worker polls every second, hence \"first \
         event after\".\n",
        seeded.seconds
    ));
    if let Some(pair) = &pair {
        section.push_str(&format!(
            "\n### Drain again: one instance and two, receiver answering at once\n\n{PAIRED_ROUNDS_TEXT}\n\n{}",
            paired_table(pair)
        ));
        let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
        let one = pair.one.cores;
        section.push_str(&format!(
            "\nWhile events arrived, one instance with its database, the receiver and the benchmark \
             kept {one:.2} of the machine's {cores:.0} cores busy (mean of its drains): on this \
             machine two instances can deliver at most {:.2} times as fast as one unless each event \
             costs less CPU. They kept {:.2} cores busy.\n",
            cores / one,
            pair.two.cores,
        ));
    }
    if let Some(slow) = &slow {
        section.push_str(&format!(
            "\n### Drain again, receiver answering after {} ms\n\n\
             {PAIRED_ROUNDS_TEXT} The receiver waits before each answer, as Orange across a \
             network would, so that an instance's rate is bounded by its requests in flight \
             (`FLEETDESK_DELIVERY_CONCURRENCY`, 64 by default) rather than by the machine's CPUs, \
             as it is when instances run on machines of their own.\n\n{}",
            args.slow_receiver_ms,
            paired_table(slow)
        ));
    }
    section.push_str(&format!(
        "\n### Live: API calls while delivery runs\n\n{}\n\
         Each client flips its own chunks of {LIVE_TASK_SIZE} licences between suspended and active \
         with userServiceTasks (one event per licence), asking a chunk again only once its last \
         task has completed (\"client waits\": 20 ms waits for the next chunk's task), and \
         every fourth call orders {LIVE_ORDER_SIZE} licences (one event per order). Delays are for \
         the events created in the window, followed until delivered; the tail is the time after \
         the window until every order and task is completed and every event delivered.\n",
        live_table(args, &live)
    ));

    fixture.db.close().await;
    drop(fixture.server);
    let _ = std::fs::remove_dir_all(&fixture.data_dir);
    Ok((section, summary))
}

/// Pauses delivery, builds a new backlog and drains it with `instances` (1 or 2) server processes:
/// the fixture's own, and a second one started for the drain and stopped after it.
async fn drain_new_backlog(
    args: &Args,
    fixture: &Fixture,
    receiver: &Receiver,
    url: &str,
    instances: usize,
) -> anyhow::Result<Drained> {
    delivery_settings::set_paused(&fixture.db, true, &Acting::cli()).await?;
    seed(&fixture.db, &fixture.api, args.events).await?;
    let backlog = waiting_events(&fixture.db).await?;
    let mut servers = vec![fixture.server.child.id()];
    let mut second = None;
    if instances == 2 {
        let data_dir = fixture
            .data_dir
            .join(format!("second-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&data_dir)?;
        let running = start_server(&args.bin, url, &data_dir).await?;
        servers.push(running.child.id());
        second = Some(running);
    }
    eprintln!("  draining {backlog} events with {instances} instance(s)");
    let drained = drain(&fixture.db, receiver, &servers, args.db_work).await?;
    drop(second);
    Ok(drained)
}

/// The drains comparing one instance with two, in this order, each of a new backlog built the same
/// way. Every backlog grows the database, and each drain reads more than the one before (on
/// PostgreSQL, more of it from outside shared buffers): in a balanced order both sides drain, on
/// average, a database grown alike. With one instance first and two second, two always had the
/// larger database.
const PAIRED_ROUNDS: [(&str, usize); 4] = [("one", 1), ("two", 2), ("two", 2), ("one", 1)];

const PAIRED_ROUNDS_TEXT: &str = "Four new backlogs built the same way, one after the other on the \
    same database, drained by one instance, two, two and one (the database grows with each \
    backlog; in this order both sides find it grown alike on average). Ratios are to one \
    instance's mean.";

/// The drains of a comparison ([`PAIRED_ROUNDS`]), in the order they ran, and each side's mean.
struct Paired {
    drains: Vec<(&'static str, Drained)>,
    one: Side,
    two: Side,
}

/// One side of a comparison, as the mean of its drains.
struct Side {
    drains: usize,
    rate: f64,
    receiving_rate: f64,
    cores: f64,
}

impl Side {
    fn of(drains: &[(&str, Drained)], label: &str) -> Side {
        let side: Vec<&Drained> = drains
            .iter()
            .filter(|(l, _)| *l == label)
            .map(|(_, d)| d)
            .collect();
        let mean = |f: fn(&Drained) -> f64| {
            side.iter().map(|d| f(d)).sum::<f64>() / side.len().max(1) as f64
        };
        Side {
            drains: side.len(),
            rate: mean(Drained::rate),
            receiving_rate: mean(Drained::receiving_rate),
            cores: mean(Drained::cores_while_receiving),
        }
    }
}

/// The rounds of a comparison, numbered in the order they ran, with ratios to one instance's mean.
fn paired_table(paired: &Paired) -> String {
    let labels: Vec<String> = paired
        .drains
        .iter()
        .enumerate()
        .map(|(n, (label, _))| format!("{}. {label}", n + 1))
        .collect();
    let rows: Vec<(&str, &Drained)> = labels
        .iter()
        .zip(&paired.drains)
        .map(|(label, (_, d))| (label.as_str(), d))
        .collect();
    drain_table(&rows, Some(&paired.one))
}

/// Backlogs drained by one instance and by two ([`PAIRED_ROUNDS`]), to the receiver as the caller
/// set it (answering at once, or after a delay).
async fn paired_drains(
    args: &Args,
    fixture: &Fixture,
    receiver: &Receiver,
    url: &str,
) -> anyhow::Result<Paired> {
    let mut drains = Vec::new();
    for (label, instances) in PAIRED_ROUNDS {
        let drained = drain_new_backlog(args, fixture, receiver, url, instances).await?;
        eprintln!(
            "[PostgreSQL] drained: {:.0} events/s from first to last receipt",
            drained.receiving_rate()
        );
        drains.push((label, drained));
    }
    Ok(Paired {
        one: Side::of(&drains, "one"),
        two: Side::of(&drains, "two"),
        drains,
    })
}

async fn run_all(args: &Args, targets: &Targets) -> anyhow::Result<Vec<(String, Vec<SummaryRow>)>> {
    let receiver = Receiver::start()?;
    let mut sections = Vec::new();
    for (label, url) in &targets.list {
        if args.postgres_only && label != "PostgreSQL" {
            continue;
        }
        sections.push(run_on(args, &receiver, label, url).await?);
    }
    Ok(sections)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let targets = Targets::new(args.postgres.as_deref()).await?;
    let sections = run_all(&args, &targets).await;
    targets.finish().await;
    let sections = sections?;

    let mut report = String::from("# Event delivery benchmark\n\n");
    if let Some(note) = &args.note {
        report.push_str(&format!("{note}\n\n"));
    }
    report.push_str(&format!("- Command: `{}`\n", args.command));
    report.push_str(&support::machine_and_commit());
    let env = support::passed_env("FLEETDESK_DELIVERY_");
    report.push_str(&format!(
        "- Server environment: {}\n",
        if env.is_empty() {
            "no `FLEETDESK_DELIVERY_*` variable set".to_owned()
        } else {
            env.iter()
                .map(|(k, v)| format!("`{k}={v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    report.push_str(&format!(
        "- Sizes: {} licence events per backlog, {} live clients for {} s\n",
        args.events, args.clients, args.live_seconds
    ));
    report.push_str(
        "\nOne `fleetdesk serve` release process per database (two for the two-instance drain), \
         delivering to a do-nothing Orange inside the benchmark process (token endpoint and both \
         event resources answering 200 at once, unless a section says otherwise). The benchmark, the receiver and the server share \
         the machine's CPUs. Method: `server/examples/delivery.rs`.\n",
    );
    for (section, _) in &sections {
        report.push_str(section);
    }
    let summary: Vec<SummaryRow> = sections.into_iter().flat_map(|(_, rows)| rows).collect();
    support::write_summary(&args.out, "delivery", &summary)?;
    std::fs::create_dir_all(&args.out)?;
    let path = format!("{}/delivery.md", args.out);
    std::fs::File::create(&path)?.write_all(report.as_bytes())?;
    println!("{report}\nWritten to {path}");
    Ok(())
}
