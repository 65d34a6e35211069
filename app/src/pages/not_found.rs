//! Any path the console does not know.

use fleetdesk_vocab::Text;
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
        <Title text=lang.t(Text::PageNotFound)/>
        <main id="main" class="login">
            <div class="login-card">
                <h1>{lang.t(Text::PageNotFound)}</h1>
                <p class="muted">{lang.t(Text::ThereIsNothingAtThisAddress)}</p>
                <p><a class="button primary" href="/">{lang.t(Text::BackToTheOverview)}</a></p>
            </div>
        </main>
    }
}
