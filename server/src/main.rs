//! `fleetdesk`: runs the server or one of the administration commands (see `fleetdesk --help`).

use std::process::ExitCode;

use fleetdesk_server::cli::{self, Cli, Command};
use fleetdesk_server::config::{self, Config, Unread, generate_session_key};
use fleetdesk_server::{serve, telemetry};

fn main() -> ExitCode {
    // First, so that clap reads the variables it sets.
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("fleetdesk: failed to read the .env file: {error}");
        return ExitCode::from(2);
    }
    let cli: Cli = match config::read_command_line() {
        Ok(cli) => cli,
        Err(Unread::Setting(error)) => {
            eprintln!("fleetdesk: invalid configuration: {error}");
            return ExitCode::from(2);
        }
        Err(Unread::CommandLine(error)) => error.exit(),
    };
    if let Some(Command::GenerateSessionKey) = cli.command {
        println!("{}", generate_session_key());
        return ExitCode::SUCCESS;
    }
    if let Some(Command::GenerateSecretKey) = cli.command {
        println!("{}", fleetdesk_core::sealing::generate_key());
        return ExitCode::SUCCESS;
    }
    if let Some(Command::ProductStub(options)) = cli.command {
        return cli::product_stub(options);
    }
    if let Some(Command::Simulate(args)) = cli.command {
        return cli::simulate(args);
    }
    if let Some(Command::Sink(options)) = cli.command {
        return cli::sink(options);
    }
    let mut cli = cli;
    if let Some(Command::Demo(options)) = &cli.command
        && let Err(error) = fleetdesk_server::demo::prepare(&mut cli.settings, options)
    {
        eprintln!("fleetdesk: {error:#}");
        return ExitCode::FAILURE;
    }
    let config = match Config::new(cli.settings) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("fleetdesk: invalid configuration: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("fleetdesk: failed to start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            None | Some(Command::Serve) => serve::run(config).await,
            Some(Command::Migrate) => {
                let db = serve::open_database(&config).await?;
                db.close().await;
                println!("The database is up to date.");
                Ok(())
            }
            Some(Command::Operator(command)) => cli::operator(&config, command).await,
            Some(Command::Credential(command)) => cli::credential(&config, command).await,
            Some(Command::Offering(command)) => cli::offering(&config, command).await,
            Some(Command::Backup { file }) => cli::backup(&config, &file).await,
            Some(Command::Restore { file }) => cli::restore(&config, &file).await,
            Some(Command::Demo(options)) => fleetdesk_server::demo::run(config, options).await,
            Some(Command::Seed {
                customers,
                licences_per_customer,
                seed,
            }) => {
                cli::seed(
                    &config,
                    fleetdesk_core::seed::Plan {
                        customers,
                        licences_per_customer,
                        seed,
                    },
                )
                .await
            }
            Some(
                Command::GenerateSessionKey
                | Command::GenerateSecretKey
                | Command::ProductStub(_)
                | Command::Simulate(_)
                | Command::Sink(_),
            ) => Ok(()),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fleetdesk: {error:#}");
            ExitCode::FAILURE
        }
    }
}
