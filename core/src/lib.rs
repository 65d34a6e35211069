//! Fleetdesk's domain rules and storage, with no HTTP and no Leptos in it.
//!
//! Everything here runs on SQLite (the embedded default) and on PostgreSQL (several instances)
//! through one SQL code path: [`db`] owns the pool, the migrations and the few places where the
//! dialects differ.
//!
//! Each entity has its module: [`licences`] (state machine, console reads, partner changes, bulk
//! files), [`orders`] (writing an order with its customer, fleets and licences; console reads),
//! [`tasks`] (writing a task and deciding its items; console reads), [`customers`], [`fleets`],
//! [`offerings`]. [`orange`] is Orange's contract: its wire format, its error vocabulary, and the
//! services that map its requests to those modules and answer in its shape.

pub mod access;
pub mod audit;
pub mod clock;
pub mod credentials;
pub mod csv_export;
pub mod customers;
pub mod dashboard;
pub mod db;
pub mod fleets;
pub mod ids;
pub mod licences;
pub mod login;
pub mod offerings;
pub mod operators;
pub mod orange;
pub mod orders;
pub mod outbox;
pub mod password;
pub mod privacy;
pub mod provisioning;
pub mod retention;
pub mod sealing;
pub mod search;
pub mod seed;
pub mod self_test;
pub mod sessions;
pub mod settings;
pub mod stuck;
pub mod tasks;
pub mod work;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use db::{Db, DbError, Dialect};
