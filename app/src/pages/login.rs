//! `/login`: the sign-in form. It posts to `/auth/login`, a plain form handler, so it works the
//! same with and without JavaScript; the outcome comes back in the query string.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_else(|| "/".to_owned());
    let alert = match query.get("error").as_deref() {
        Some("invalid") => Some("Invalid username or password.".to_owned()),
        Some("missing") => Some("Enter your username and password.".to_owned()),
        Some("locked") => {
            let minutes = query
                .get("minutes")
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(15);
            Some(format!(
                "Too many failed attempts. This account is locked; try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ))
        }
        Some("unavailable") => {
            Some("Sign-in is unavailable right now; please try again shortly.".to_owned())
        }
        _ => None,
    };
    let signed_out = query.get("signed_out").is_some();
    view! {
        <Title text="Sign in"/>
        <main id="main" class="login">
            <div class="login-card">
                <p class="brand login-brand">
                    <span class="brand-mark" aria-hidden="true">"F"</span>
                    "Fleetdesk"
                </p>
                <h1>"Sign in to Fleetdesk"</h1>
                <p class="muted">"Partner back-office for Orange Business Applications France."</p>
                {alert.map(|text| view! { <p class="flash error" role="alert">{text}</p> })}
                {signed_out.then(|| view! { <p class="flash success" role="status">"You have been signed out."</p> })}
                <form method="post" action="/auth/login" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="login">"Username"</label>
                    <input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <button type="submit" class="button primary">"Sign in"</button>
                </form>
            </div>
        </main>
    }
}
