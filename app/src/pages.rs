//! The console's pages, one file each.

mod activation;
mod audit;
mod bulk;
mod credentials;
mod customer;
mod customers;
mod delivery_settings;
mod event;
mod events;
mod events_resend;
mod exchange;
mod exchanges;
mod fleet;
mod licence;
mod licences;
mod login;
mod not_found;
mod offering_edit;
mod offerings;
mod operators;
mod orange_settings;
mod order;
mod orders;
mod overview;
mod parts;
mod provisioning_settings;
mod reference;
mod search;
mod self_test;
mod stuck;
mod task;
mod tasks;

use leptos::prelude::*;

use crate::api::ConsoleError;

pub use activation::ActivationQueuePage;
pub use audit::AuditPage;
pub use bulk::{BulkChangesPage, BulkFilePage};
pub use credentials::CredentialsPage;
pub use customer::CustomerPage;
pub use customers::CustomersPage;
pub use delivery_settings::DeliverySettingsPage;
pub use event::EventPage;
pub use events::EventsPage;
pub use events_resend::EventsResendPage;
pub use exchange::ExchangePage;
pub use exchanges::ExchangesPage;
pub use fleet::FleetPage;
pub use licence::LicencePage;
pub use licences::LicencesPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use offering_edit::OfferingEditPage;
pub use offerings::OfferingsPage;
pub use operators::OperatorsPage;
pub use orange_settings::OrangeSettingsPage;
pub use order::OrderPage;
pub use orders::OrdersPage;
pub use overview::OverviewPage;
pub use provisioning_settings::ProvisioningSettingsPage;
pub use reference::ReferencePage;
pub use search::SearchPage;
pub use self_test::SelfTestPage;
pub use stuck::StuckWorkPage;
pub use task::TaskPage;
pub use tasks::TasksPage;

/// A failed page load, explained; the answer's status says the same (404 for nothing there, 403
/// when the reader's role may not see the page: the server function's own permission check
/// decides, there is no rule by path).
#[component]
pub fn ErrorPanel(error: ConsoleError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        match error {
            ConsoleError::NotFound => response.set_status(http::StatusCode::NOT_FOUND),
            ConsoleError::Forbidden => response.set_status(http::StatusCode::FORBIDDEN),
            _ => {}
        }
    }
    let text = error.text(crate::i18n::use_lang());
    view! { <p class="flash error" role="alert">{text}</p> }
}

/// `?name=value&…` with every value percent-encoded; empty for no pairs.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut query = String::new();
    for (name, value) in pairs {
        query.push(if query.is_empty() { '?' } else { '&' });
        query.push_str(name);
        query.push('=');
        for byte in value.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                query.push(char::from(byte));
            } else {
                query.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    query
}

#[cfg(test)]
mod tests {
    use super::query_string;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_string(&[]), "");
        assert_eq!(
            query_string(&[
                ("before_at", "2026-11-27T12:04:05.123Z".to_owned()),
                ("object_id", "a b&c".to_owned()),
            ]),
            "?before_at=2026-11-27T12%3A04%3A05.123Z&object_id=a%20b%26c"
        );
    }
}
