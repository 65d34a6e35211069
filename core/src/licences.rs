//! Licences: what Fleetdesk sells, one per end user, in a customer's fleet.
//!
//! - `state`: the state machine and the changes Orange asks for (state, termination, offering),
//!   checked and applied.
//! - `list` and `detail`: the console's list ([`list()`], [`count()`]) and page ([`detail()`]).
//! - `changes`: what the partner changes on its own initiative (end user, realizing resource,
//!   login), each with its audit entry and Orange's event in one transaction.
//! - [`bulk`]: the same changes from a CSV file, applied by a worker.
//!
//! How Orange reads licences and asks for changes (its userService resource) is
//! `crate::orange::user_service`.

/// The assignments that end the Orange operation in progress on a licence (no operation, task or
/// start), as a literal for `concat!`, so that every statement ending one clears the same columns.
macro_rules! end_pending {
    () => {
        "pending_operation = NULL, pending_task_id = NULL, pending_since = NULL"
    };
}
pub(crate) use end_pending;

mod changes;
mod detail;
mod list;
mod state;

pub mod bulk;

pub use crate::audit::Acting;
pub(crate) use changes::tell_orange;
pub use changes::{
    ChangeError, Changed, remove_end_user, renew_login, replace_resource, set_end_user,
};
pub(crate) use detail::end_user_of;
pub use detail::{LicenceDetail, ResourceDetail, TimelineEntry, detail};
pub use list::{COUNT_CAP, LicenceFilter, LicenceRow, count, list};
pub use state::{Change, LicenceState, check_transition};
pub(crate) use state::{
    Current, apply, apply_many, check_change, current, current_many, mark_pending,
    mark_pending_many,
};

#[cfg(test)]
mod tests;
