//! The frame of every signed-in page: top bar with navigation, the operator and sign-out, the
//! flash message, then the page.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::api::fetch_console_context;
use crate::i18n::{LangSwitch, When, use_lang};
use crate::model::{Flash, FlashKind, OperatorView};
use crate::pages::ErrorPanel;

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let lang = use_lang();
    let context = Resource::new(|| (), |()| fetch_console_context());
    // The page (the Outlet) renders beside this Suspense, not inside it: a page's own Suspense
    // nested in the layout's has been seen to stall a server-side render now and then.
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(context) => view! {
                        <TopBar operator=context.operator/>
                        {context.sandbox_since.map(|since| view! { <SandboxBanner since/> })}
                        {context.flash.map(|flash| view! {
                            <div class="page flash-area"><FlashMessage flash/></div>
                        })}
                    }
                    .into_any(),
                    Err(error) => view! {
                        <div class="page flash-area">
                            <ErrorPanel error/>
                            <p><a href="/login">{lang.t(Text::SignIn)}</a></p>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
        <main id="main" class="page">
            <Outlet/>
        </main>
    }
}

/// On every page while the sandbox is on: nobody should leave an installation that serves Orange
/// sending its events to the built-in sink.
#[component]
fn SandboxBanner(since: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="sandbox-banner" role="note" data-testid="sandbox-banner">
            <p>
                <strong>{lang.t(Text::SandboxBanner)}</strong>
                " "
                <When at=since/>
                " · "
                <a href="/settings/self-test">{lang.t(Text::SandboxBannerLink)}</a>
            </p>
        </div>
    }
}

#[component]
fn TopBar(operator: OperatorView) -> impl IntoView {
    let is_admin = operator.is_admin();
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <a class="skip-link" href="#main">{t(Text::SkipToContent)}</a>
        <header class="topbar">
            {view! { <div class="topbar-main">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"F"</span>
                    "Fleetdesk"
                </a>
                <form method="get" action="/search" role="search" class="global-search">
                    <label for="global-search" class="visually-hidden">{t(Text::Search)}</label>
                    <input
                        id="global-search"
                        name="q"
                        type="search"
                        placeholder=t(Text::SearchPlaceholder)
                        aria-keyshortcuts="/"
                    />
                </form>
                <Shortcuts/>
                <div class="who" data-testid="current-operator">
                    <span class="who-name">{operator.display_name}</span>
                    <span class=format!("badge role-{}", operator.role)>{operator.role.as_str()}</span>
                </div>
                <form method="post" action="/auth/logout" class="signout">
                    <button type="submit" class="button secondary">{t(Text::SignOut)}</button>
                </form>
                <LangSwitch/>
            </div> }.into_any()}
            {view! { <nav class="nav" aria-label=t(Text::Main)>
                <a href="/">{t(Text::Overview)}</a>
                <a href="/customers">{t(Text::Customers)}</a>
                <a href="/licences">{t(Text::Licences)}</a>
                <a href="/orders">{t(Text::Orders)}</a>
                <a href="/events">{t(Text::Events)}</a>
                <a href="/stuck">{t(Text::StuckWork)}</a>
                <a href="/activation">{t(Text::ActivationQueue)}</a>
                <a href="/offerings">{t(Text::Offerings)}</a>
                <a href="/exchanges">{t(Text::Exchanges)}</a>
                <a href="/audit">{t(Text::AuditLog)}</a>
                {is_admin.then(|| view! {
                    <span class="nav-group" role="group" aria-label=t(Text::Administration)>
                        <a href="/settings/credentials">{t(Text::Credentials)}</a>
                        <a href="/settings/orange">{t(Text::OrangeSettings)}</a>
                        <a href="/settings/delivery">{t(Text::DeliverySettings)}</a>
                        <a href="/settings/provisioning">{t(Text::ProvisioningSettings)}</a>
                        <a href="/settings/self-test">{t(Text::SelfTest)}</a>
                        <a href="/reference">{t(Text::ApiReference)}</a>
                        <a href="/operators">{t(Text::Operators)}</a>
                    </span>
                })}
            </nav> }.into_any()}
        </header>
    }
}

#[component]
fn FlashMessage(flash: Flash) -> impl IntoView {
    let details = (!flash.details.is_empty()).then(|| {
        view! {
            <ul class="flash-details">
                {flash.details.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
        }
    });
    match flash.kind {
        FlashKind::Success => view! {
            <div class="flash success" role="status"><p>{flash.text}</p>{details}</div>
        }
        .into_any(),
        FlashKind::Error => view! {
            <div class="flash error" role="alert"><p>{flash.text}</p>{details}</div>
        }
        .into_any(),
    }
}

/// The keyboard shortcuts, listed in a disclosure that `?` opens (it opens by click without
/// JavaScript too). With JavaScript, `/` focuses the search box and `g` then a letter goes to a page.
#[component]
fn Shortcuts() -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    #[cfg(feature = "hydrate")]
    install_shortcuts();
    let keys: [(&str, Text); 10] = [
        ("/", Text::Search),
        ("?", Text::ShowOrHideThisList),
        ("g d", Text::Overview),
        ("g c", Text::Customers),
        ("g l", Text::Licences),
        ("g o", Text::Orders),
        ("g e", Text::Events),
        ("g s", Text::StuckWork),
        ("g a", Text::AuditLog),
        ("Esc", Text::CloseThisList),
    ];
    view! {
        <details class="shortcuts" id="shortcuts-help">
            <summary aria-keyshortcuts="?" title=t(Text::KeyboardShortcuts)>
                <span aria-hidden="true">"?"</span>
                <span class="visually-hidden">{t(Text::KeyboardShortcuts)}</span>
            </summary>
            <div class="shortcuts-panel" role="region" aria-label=t(Text::KeyboardShortcuts)>
                <h2>{t(Text::KeyboardShortcuts)}</h2>
                <dl>
                    {keys
                        .into_iter()
                        .map(|(key, text)| view! { <dt><kbd>{key}</kbd></dt><dd>{lang.t(text)}</dd> })
                        .collect_view()}
                </dl>
            </div>
        </details>
    }
}

/// Listens for the shortcuts on the whole page, ignoring keys typed into a field.
#[cfg(feature = "hydrate")]
fn install_shortcuts() {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys;

    let after_g = StoredValue::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |event| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let typing = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || element.has_attribute("contenteditable")
            });
        let help = || {
            document()
                .get_element_by_id("shortcuts-help")
                .and_then(|element| element.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        };
        let key = event.key();
        if key == "Escape" {
            if let Some(help) = help() {
                help.set_open(false);
            }
            return;
        }
        if typing {
            return;
        }
        let go_to = if after_g.get_value() {
            after_g.set_value(false);
            match key.as_str() {
                "d" => Some("/"),
                "c" => Some("/customers"),
                "l" => Some("/licences"),
                "o" => Some("/orders"),
                "e" => Some("/events"),
                "s" => Some("/stuck"),
                "a" => Some("/audit"),
                _ => None,
            }
        } else {
            None
        };
        if let Some(path) = go_to {
            event.prevent_default();
            let _ = window().location().set_href(path);
            return;
        }
        match key.as_str() {
            "/" => {
                if let Some(input) = document()
                    .get_element_by_id("global-search")
                    .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    event.prevent_default();
                    let _ = input.focus();
                }
            }
            "?" => {
                if let Some(help) = help() {
                    event.prevent_default();
                    help.set_open(!help.open());
                }
            }
            "g" => after_g.set_value(true),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}
