//! The operator console: the HTML shell, the routes and pages, and the server functions that feed
//! them. Built twice: with `ssr` into the server, with `hydrate` into the browser's wasm.

pub mod api;
pub mod i18n;
mod layout;
pub mod model;
mod pages;
pub mod posts;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::layout::ConsoleLayout;
use crate::pages::{
    ActivationQueuePage, AuditPage, CredentialsPage, DeliverySettingsPage, EventPage, EventsPage,
    EventsResendPage, ExchangePage, ExchangesPage, LicencePage, LicencesPage, LoginPage, NotFound,
    OfferingEditPage, OfferingsPage, OperatorsPage, OrangeSettingsPage, OverviewPage,
    ProvisioningSettingsPage, ReferencePage, SearchPage, SelfTestPage, StuckWorkPage,
};
use crate::pages::{
    BulkChangesPage, BulkFilePage, CustomerPage, CustomersPage, FleetPage, OrderPage, OrdersPage,
    TaskPage, TasksPage,
};

/// The HTML document around the console.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = stylesheet_href(&options);
    view! {
        <!DOCTYPE html>
        <html lang=i18n::detect().code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="fleetdesk" href=stylesheet/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's address: `/pkg/fleetdesk.<hash>.css` when the site's assets are named by
/// their content (the `css:` line of the hash file `scripts/site` writes), else
/// `/pkg/fleetdesk.css`.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let name = options.output_name.as_ref();
    let pkg = options.site_pkg_dir.as_ref();
    let hash = if options.hash_files {
        std::fs::read_to_string(options.hash_file.as_ref())
            .ok()
            .and_then(|text| {
                text.lines().find_map(|line| {
                    let (kind, hash) = line.split_once(':')?;
                    (kind.trim() == "css").then(|| hash.trim().to_owned())
                })
            })
    } else {
        None
    };
    match hash {
        Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
        None => format!("/{pkg}/{name}.css"),
    }
}

/// The console's routes. Every page renders completely on the server before it is sent
/// (`SsrMode::Async`), so it reads the same with JavaScript off.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(i18n::detect());
    // Marks the page once the browser has taken over, for tests and for styles that need it.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    #[cfg(feature = "hydrate")]
    refuse_double_submits();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Fleetdesk".to_owned() } else { format!("{page} · Fleetdesk") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("operators") view=OperatorsPage ssr=SsrMode::Async/>
                    <Route path=path!("offerings") view=OfferingsPage ssr=SsrMode::Async/>
                    <Route path=path!("offerings/:id") view=OfferingEditPage ssr=SsrMode::Async/>
                    <Route path=path!("exchanges") view=ExchangesPage ssr=SsrMode::Async/>
                    <Route path=path!("exchanges/:id") view=ExchangePage ssr=SsrMode::Async/>
                    <Route path=path!("events") view=EventsPage ssr=SsrMode::Async/>
                    // Before `events/:id`: the first matching route wins.
                    <Route path=path!("events/resend") view=EventsResendPage ssr=SsrMode::Async/>
                    <Route path=path!("events/:id") view=EventPage ssr=SsrMode::Async/>
                    <Route path=path!("licences") view=LicencesPage ssr=SsrMode::Async/>
                    <Route path=path!("licences/bulk") view=BulkChangesPage ssr=SsrMode::Async/>
                    <Route path=path!("licences/bulk/:id") view=BulkFilePage ssr=SsrMode::Async/>
                    <Route path=path!("licences/:id") view=LicencePage ssr=SsrMode::Async/>
                    <Route path=path!("reference") view=ReferencePage ssr=SsrMode::Async/>
                    <Route path=path!("search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("stuck") view=StuckWorkPage ssr=SsrMode::Async/>
                    <Route path=path!("activation") view=ActivationQueuePage ssr=SsrMode::Async/>
                    <Route path=path!("customers") view=CustomersPage ssr=SsrMode::Async/>
                    <Route path=path!("customers/:id") view=CustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("fleets/:id") view=FleetPage ssr=SsrMode::Async/>
                    <Route path=path!("orders") view=OrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("orders/:id") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("tasks") view=TasksPage ssr=SsrMode::Async/>
                    <Route path=path!("tasks/:id") view=TaskPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/orange") view=OrangeSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/credentials") view=CredentialsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/delivery") view=DeliverySettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/provisioning") view=ProvisioningSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/self-test") view=SelfTestPage ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=AuditPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A form posts once: a second submit while the first is on its way (a double click, an impatient
/// Enter) is dropped, and the form shows it is busy until the next page arrives. Without
/// JavaScript the browser's own navigation does the same for most clicks.
#[cfg(feature = "hydrate")]
fn refuse_double_submits() {
    use leptos::wasm_bindgen::JsCast;

    let handle = window_event_listener(leptos::ev::submit, |event| {
        let Some(form) = event
            .target()
            .and_then(|target| target.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        // GET forms (filters, search) may be sent again at will.
        if !form.method().eq_ignore_ascii_case("post") {
            return;
        }
        if form.has_attribute("data-submitting") {
            event.prevent_default();
            return;
        }
        let _ = form.set_attribute("data-submitting", "true");
        let _ = form.set_attribute("aria-busy", "true");
        // Should the page stay (a download, a page kept by the browser's back button), the form
        // takes submissions again after a few seconds.
        set_timeout(
            move || {
                let _ = form.remove_attribute("data-submitting");
                let _ = form.remove_attribute("aria-busy");
            },
            std::time::Duration::from_secs(5),
        );
    });
    on_cleanup(move || handle.remove());
}

/// The wasm entry point: attaches the browser to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

#[cfg(test)]
mod tests {
    /// Every block of the stylesheet is closed: served as it is, a block left open would nest
    /// every rule after it (CSS nesting) and silently switch them off.
    #[test]
    fn the_stylesheet_closes_every_block() {
        let css = include_str!("../../style/main.css");
        let mut depth = 0_i32;
        let mut line = 1;
        let mut rest = css;
        while let Some(ch) = rest.chars().next() {
            if rest.starts_with("/*") {
                let end = rest.find("*/").expect("a comment is closed") + 2;
                line += rest[..end].matches('\n').count();
                rest = &rest[end..];
                continue;
            }
            match ch {
                '\n' => line += 1,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    assert!(depth >= 0, "a `}}` closes nothing, line {line}");
                }
                _ => {}
            }
            rest = &rest[ch.len_utf8()..];
        }
        assert_eq!(depth, 0, "blocks left open at the end of style/main.css");
    }
}
