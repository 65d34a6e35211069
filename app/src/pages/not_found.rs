//! Any path the console does not know.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_lang;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Title text=lang.t("Page not found", "Page introuvable")/>
        <main id="main" class="login">
            <div class="login-card">
                <h1>{lang.t("Page not found", "Page introuvable")}</h1>
                <p class="muted">{lang.t("There is nothing at this address.", "Il n’y a rien à cette adresse.")}</p>
                <p><a class="button primary" href="/">{lang.t("Back to the overview", "Retour à la vue d’ensemble")}</a></p>
            </div>
        </main>
    }
}
