//! The frame of every signed-in page: top bar with navigation, the operator and sign-out, the
//! flash message, then the page.

use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::api::fetch_console_context;
use crate::i18n::{LangSwitch, use_lang};
use crate::model::{Flash, FlashKind, OperatorView};
use crate::pages::ErrorPanel;

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let lang = use_lang();
    let context = Resource::new(|| (), |()| fetch_console_context());
    // The page (the Outlet) renders beside this Suspense, not inside it: a page's own Suspense
    // nested in the layout's has been seen to stall a server-side render now and then.
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(context) => view! {
                        <TopBar operator=context.operator/>
                        {context.flash.map(|flash| view! {
                            <div class="page flash-area"><FlashMessage flash/></div>
                        })}
                    }
                    .into_any(),
                    Err(error) => view! {
                        <div class="page flash-area">
                            <ErrorPanel error/>
                            <p><a href="/login">{lang.t("Sign in", "Se connecter")}</a></p>
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

#[component]
fn TopBar(operator: OperatorView) -> impl IntoView {
    let is_admin = operator.is_admin();
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    view! {
        <a class="skip-link" href="#main">{t("Skip to content", "Aller au contenu")}</a>
        <header class="topbar">
            {view! { <div class="topbar-main">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"F"</span>
                    "Fleetdesk"
                </a>
                <form method="get" action="/search" role="search" class="global-search">
                    <label for="global-search" class="visually-hidden">{t("Search", "Rechercher")}</label>
                    <input
                        id="global-search"
                        name="q"
                        type="search"
                        placeholder=t("Search… ( / )", "Rechercher… ( / )")
                        aria-keyshortcuts="/"
                    />
                </form>
                <Shortcuts/>
                <div class="who" data-testid="current-operator">
                    <span class="who-name">{operator.display_name}</span>
                    <span class=format!("badge role-{}", operator.role)>{operator.role.as_str()}</span>
                </div>
                <form method="post" action="/auth/logout" class="signout">
                    <button type="submit" class="button secondary">{t("Sign out", "Se déconnecter")}</button>
                </form>
                <LangSwitch/>
            </div> }.into_any()}
            {view! { <nav class="nav" aria-label=t("Main", "Principale")>
                <a href="/">{t("Overview", "Vue d’ensemble")}</a>
                <a href="/customers">{t("Customers", "Clients")}</a>
                <a href="/licences">{t("Licences", "Licences")}</a>
                <a href="/orders">{t("Orders", "Commandes")}</a>
                <a href="/events">{t("Events", "Événements")}</a>
                <a href="/stuck">{t("Stuck work", "Travaux bloqués")}</a>
                <a href="/offerings">{t("Offerings", "Offres")}</a>
                <a href="/exchanges">{t("Exchanges", "Échanges")}</a>
                <a href="/audit">{t("Audit log", "Journal d’audit")}</a>
                {is_admin.then(|| view! {
                    <span class="nav-group" role="group" aria-label=t("Administration", "Administration")>
                        <a href="/settings/credentials">{t("Credentials", "Identifiants API")}</a>
                        <a href="/settings/orange">{t("Orange settings", "Réglages Orange")}</a>
                        <a href="/settings/delivery">{t("Delivery settings", "Réglages d’envoi")}</a>
                        <a href="/reference">{t("API reference", "Référence de l’API")}</a>
                        <a href="/operators">{t("Operators", "Opérateurs")}</a>
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
    let t = move |en, fr| lang.t(en, fr);
    #[cfg(feature = "hydrate")]
    install_shortcuts();
    let keys: [(&str, &str, &str); 10] = [
        ("/", "Search", "Rechercher"),
        (
            "?",
            "Show or hide this list",
            "Afficher ou masquer cette liste",
        ),
        ("g d", "Overview", "Vue d’ensemble"),
        ("g c", "Customers", "Clients"),
        ("g l", "Licences", "Licences"),
        ("g o", "Orders", "Commandes"),
        ("g e", "Events", "Événements"),
        ("g s", "Stuck work", "Travaux bloqués"),
        ("g a", "Audit log", "Journal d’audit"),
        ("Esc", "Close this list", "Fermer cette liste"),
    ];
    view! {
        <details class="shortcuts" id="shortcuts-help">
            <summary aria-keyshortcuts="?" title=t("Keyboard shortcuts", "Raccourcis clavier")>
                <span aria-hidden="true">"?"</span>
                <span class="visually-hidden">{t("Keyboard shortcuts", "Raccourcis clavier")}</span>
            </summary>
            <div class="shortcuts-panel" role="region" aria-label=t("Keyboard shortcuts", "Raccourcis clavier")>
                <h2>{t("Keyboard shortcuts", "Raccourcis clavier")}</h2>
                <dl>
                    {keys
                        .into_iter()
                        .map(|(key, en, fr)| view! { <dt><kbd>{key}</kbd></dt><dd>{lang.t(en, fr)}</dd> })
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
