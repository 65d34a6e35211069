//! The Fleetdesk server: configuration, telemetry, the HTTP surface (console and probes), the
//! background tasks and the command line. `main.rs` only dispatches to these.

pub mod backup;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod http;
pub mod metrics;
pub mod offering_import;
pub mod orange;
pub mod product_stub;
pub mod provisioning_api;
pub mod self_test;
pub mod serve;
pub mod simulate;
pub mod sink;
pub mod state;
pub mod telemetry;
