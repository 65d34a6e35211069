//! `fleetdesk simulate`'s command line: runs the simulation, prints the progress and the report,
//! writes the report files.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::{Mode, Options, SinkChoice, base_of, run};

/// The command line of `fleetdesk simulate`. `Debug` hides the secrets.
#[derive(Clone, clap::Args)]
pub struct Args {
    /// The installation's base URL, e.g. https://fleetdesk.example.fr.
    #[arg(long, value_name = "URL")]
    pub target: String,
    /// An Orange API credential's client id (fleetdesk credential issue).
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// That credential's secret.
    #[arg(
        long,
        value_name = "S",
        env = "FLEETDESK_SIMULATE_SECRET",
        hide_env_values = true
    )]
    pub secret: String,
    /// The installation's mode for every operation.
    #[arg(long, value_enum, default_value_t = Mode::Sync)]
    pub mode: Mode,
    /// An offer code of the installation's catalogue, for the licence orders.
    #[arg(long, value_name = "CODE", default_value = "OFFER-PRO-M")]
    pub offer: String,
    /// Another offer code of the catalogue, for the offering change.
    #[arg(long, value_name = "CODE", default_value = "OFFER-BASIC")]
    pub offer_b: String,
    /// Asynchronous mode: where to receive the events (the delivery settings point there).
    #[arg(long, value_name = "ADDR")]
    pub sink: Option<SocketAddr>,
    /// The OAuth client id the sink accepts.
    #[arg(long, value_name = "ID", default_value = "fleetdesk-sink")]
    pub sink_client_id: String,
    /// The OAuth client secret the sink accepts.
    #[arg(long, value_name = "S", default_value = "fleetdesk-sink-secret")]
    pub sink_secret: String,
    /// Seconds to wait, in all, for asynchronous work and its events.
    #[arg(long, value_name = "SECONDS", default_value_t = 180)]
    pub time_limit: u64,
    /// Write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write the whole report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Args")
            .field("target", &self.target)
            .field("client_id", &self.client_id)
            .field("secret", &"***")
            .field("mode", &self.mode)
            .field("sink", &self.sink)
            .field("sink_client_id", &self.sink_client_id)
            .field("sink_secret", &"***")
            .finish_non_exhaustive()
    }
}

/// `fleetdesk simulate`: runs, prints the report, writes the files; true when every step passed.
pub async fn run_command(args: Args) -> anyhow::Result<bool> {
    use anyhow::Context;
    let options = Options {
        target: args.target.clone(),
        client_id: args.client_id.clone(),
        secret: args.secret.clone(),
        mode: args.mode,
        offer: args.offer.clone(),
        offer_b: args.offer_b.clone(),
        sink: args.sink.map(|addr| SinkChoice::Listen {
            addr,
            client_id: args.sink_client_id.clone(),
            secret: args.sink_secret.clone(),
        }),
        time_limit: Duration::from_secs(args.time_limit),
    };
    println!(
        "simulate: {} in {} mode{}",
        base_of(&options.target),
        options.mode.as_str(),
        match args.sink {
            Some(addr) => format!(
                ", events expected at http://{addr}/events/productOrder and /events/userService (token http://{addr}/oauth/token, client id {})",
                args.sink_client_id
            ),
            None => String::new(),
        }
    );
    let mut count = 0usize;
    let report = run(options, |step| {
        count += 1;
        println!(
            "[{count:>3}] {} {} ({} ms)",
            if step.passed { "pass" } else { "FAIL" },
            step.name,
            step.duration_ms
        );
    })
    .await;
    println!();
    print!("{}", report.text());
    if let Some(path) = &args.report {
        report
            .write_junit(path)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    if let Some(path) = &args.json {
        report
            .write_json(path)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(report.success())
}
