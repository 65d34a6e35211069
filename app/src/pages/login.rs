//! `/login`: the sign-in form. It posts to `/auth/login`, a plain form handler, so it works the
//! same with and without JavaScript; the outcome comes back in the query string.

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::{LangSwitch, use_lang};

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_else(|| "/".to_owned());
    let alert = match query.get("error").as_deref() {
        Some("invalid") => Some(lang.t(Text::InvalidUsernameOrPassword).to_owned()),
        Some("missing") => Some(lang.t(Text::EnterYourUsernameAndPassword).to_owned()),
        Some("locked") => {
            let minutes = query
                .get("minutes")
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(15);
            Some(say::sign_in_locked(lang, minutes))
        }
        Some("busy") => Some(lang.t(Text::TooManySignInsAtOnce).to_owned()),
        Some("unavailable") => Some(lang.t(Text::SignInIsUnavailableRightNow).to_owned()),
        _ => None,
    };
    let signed_out = query.get("signed_out").is_some();
    view! {
        <Title text=lang.t(Text::SignInTitle)/>
        <main id="main" class="login">
            <div class="login-card">
                <p class="brand login-brand">
                    <span class="brand-mark" aria-hidden="true">"F"</span>
                    "Fleetdesk"
                </p>
                <h1>{lang.t(Text::SignInToFleetdesk)}</h1>
                <p class="muted">
                    {lang.t(Text::PartnerBackOfficeForOrangeBusiness)}
                </p>
                {alert.map(|text| view! { <p class="flash error" role="alert">{text}</p> })}
                {signed_out.then(|| view! { <p class="flash success" role="status">{lang.t(Text::YouHaveBeenSignedOut)}</p> })}
                <form method="post" action="/auth/login" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="login">{lang.t(Text::Username)}</label>
                    <input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus/>
                    <label for="password">{lang.t(Text::Password)}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <button type="submit" class="button primary">{lang.t(Text::SignIn)}</button>
                </form>
                <LangSwitch/>
            </div>
        </main>
    }
}
