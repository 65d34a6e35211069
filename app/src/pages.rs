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
mod reference;
mod search;
mod stuck;
mod task;
mod tasks;

use std::future::Future;

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::Serialize;
use serde::de::DeserializeOwned;

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
pub use reference::ReferencePage;
pub use search::SearchPage;
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

/// The page of one thing named by the `{id}` of its address: its title, the way back to its
/// list, then what `body` shows of it once `fetch` has loaded it, or why it cannot be shown.
#[component]
pub fn DetailPage<I, T, Fut, V>(
    title: Text,
    /// The list's address and the link's words.
    back: (&'static str, Text),
    fetch: fn(I) -> Fut,
    body: fn(T) -> V,
) -> impl IntoView
where
    I: fleetdesk_vocab::Id + Send + Sync,
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, ConsoleError>> + Send + 'static,
    V: IntoView + 'static,
{
    let lang = crate::i18n::use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || I::from(params.get().get("id").unwrap_or_default()),
        fetch,
    );
    let (list, back_text) = back;
    view! {
        <Title text=lang.t(title)/>
        <p class="breadcrumb"><a href=list>{lang.t(back_text)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(value) => body(value).into_any(),
                    Err(error) => view! {
                        <h1>{lang.t(title)}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// A panel of rows: its heading, then a table of the rows under their column names, or the
/// `empty` words when there are none.
#[component]
pub fn TablePanel<R, F, V>(
    heading: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    empty: Text,
    columns: Vec<Text>,
    rows: Vec<R>,
    row: F,
) -> impl IntoView
where
    R: Send + 'static,
    F: Fn(R) -> V + Send + 'static,
    V: IntoView + 'static,
{
    let lang = crate::i18n::use_lang();
    view! {
        <section class="panel" data-testid=testid>
            <h2>{heading}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{lang.t(empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            {columns.into_iter().map(|column| view! { <th scope="col">{lang.t(column)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>{rows.into_iter().map(row).collect_view()}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
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
