//! The console's pages, one file each.

mod login;
mod not_found;
mod operators;
mod overview;

use leptos::prelude::*;

use crate::api::ConsoleError;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use operators::OperatorsPage;
pub use overview::OverviewPage;

/// A failed page load, explained.
#[component]
pub fn ErrorPanel(error: ConsoleError) -> impl IntoView {
    view! { <p class="flash error" role="alert">{error.to_string()}</p> }
}

/// `2026-11-27T12:04:05.123Z` as `2026-11-27 12:04 UTC`.
pub fn short_time(stored: &str) -> String {
    match (stored.get(..10), stored.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => stored.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::short_time;

    #[test]
    fn stored_times_read_as_minutes_in_utc() {
        assert_eq!(
            short_time("2026-11-27T12:04:05.123Z"),
            "2026-11-27 12:04 UTC"
        );
        assert_eq!(short_time("garbled"), "garbled");
    }
}
