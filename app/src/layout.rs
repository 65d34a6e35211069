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
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(context) => view! {
                        <TopBar operator=context.operator/>
                        <main id="main" class="page">
                            <FlashMessage flash=context.flash/>
                            <Outlet/>
                        </main>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <main id="main" class="page">
                            <ErrorPanel error/>
                            <p><a href="/login">{lang.t("Sign in", "Se connecter")}</a></p>
                        </main>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
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
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"F"</span>
                "Fleetdesk"
            </a>
            <nav class="nav" aria-label=t("Main", "Principale")>
                <a href="/">{t("Overview", "Vue d’ensemble")}</a>
                <a href="/offerings">{t("Offerings", "Offres")}</a>
                <a href="/exchanges">{t("Exchanges", "Échanges")}</a>
                <a href="/events">{t("Events", "Événements")}</a>
                <a href="/audit">{t("Audit log", "Journal d’audit")}</a>
                {is_admin.then(|| view! {
                    <a href="/settings/credentials">{t("Credentials", "Identifiants API")}</a>
                    <a href="/settings/orange">{t("Orange settings", "Réglages Orange")}</a>
                    <a href="/settings/delivery">{t("Delivery settings", "Réglages d’envoi")}</a>
                    <a href="/reference">{t("API reference", "Référence de l’API")}</a>
                    <a href="/operators">{t("Operators", "Opérateurs")}</a>
                })}
            </nav>
            <div class="who" data-testid="current-operator">
                <span class="who-name">{operator.display_name}</span>
                <span class=format!("badge role-{}", operator.role)>{operator.role.clone()}</span>
            </div>
            <form method="post" action="/auth/logout" class="signout">
                <button type="submit" class="button secondary">{t("Sign out", "Se déconnecter")}</button>
            </form>
            <LangSwitch/>
        </header>
    }
}

#[component]
fn FlashMessage(flash: Option<Flash>) -> impl IntoView {
    flash.map(|flash| {
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
    })
}
