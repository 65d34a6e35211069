//! The Orange contract (orange-api.md, sections 2 to 6) as domain services: customer creation and
//! licence orders, licence consultation and changes, bulk tasks, and the events they owe Orange.
//!
//! - [`wire`] holds every serde type of the wire format and its mapping to domain values, in one
//!   place, so that a partner holding Orange's real field list adapts one module.
//! - [`error`] is the TMF630 error vocabulary.
//! - [`orders`], [`licences`] and [`tasks`] are the services the HTTP handlers call.
//! - [`completion`] finishes acknowledged (asynchronous) work in the background.
//! - [`settings`] and [`exchanges`] are the API's settings and the raw exchanges kept for support.

pub mod completion;
pub mod error;
pub mod exchanges;
pub mod licences;
pub mod orders;
pub mod settings;
pub mod tasks;
pub mod wire;

pub use error::{ApiError, ErrorCode};
