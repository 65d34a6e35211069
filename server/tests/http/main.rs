//! The HTTP tests: a real Fleetdesk server on a real socket, over SQLite and PostgreSQL, driven
//! the way Orange's systems, the console's users and the command line drive it. One test binary
//! for all of them (linked once, not once per file); each file below is one area.

mod assets;
mod broken_partner;
mod common;
mod mock_orange;
mod mock_product;
mod orange;

mod cli;
mod console_activation;
mod console_audit;
mod console_auth;
mod console_browse;
mod console_bulk;
mod console_events;
mod console_licences;
mod console_orange_admin;
mod console_provisioning;
mod console_self_test;
mod console_work;
mod delivery;
mod demo;
mod faults;
mod orange_api;
mod orange_fuzz;
mod orange_logs;
mod privacy;
mod product_stub;
mod provisioning;
mod simulate;
