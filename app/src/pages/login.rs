//! `/login`: the sign-in form. It posts to `/auth/login`, a plain form handler, so it works the
//! same with and without JavaScript; the outcome comes back in the query string.

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
        Some("invalid") => Some(
            lang.t(
                "Invalid username or password.",
                "Identifiant ou mot de passe incorrect.",
            )
            .to_owned(),
        ),
        Some("missing") => Some(
            lang.t(
                "Enter your username and password.",
                "Saisissez votre identifiant et votre mot de passe.",
            )
            .to_owned(),
        ),
        Some("locked") => {
            let minutes = query
                .get("minutes")
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(15);
            let plural = if minutes == 1 { "" } else { "s" };
            Some(match lang {
                crate::i18n::Lang::En => format!(
                    "Too many failed attempts. Sign-in is locked from here; try again in {minutes} minute{plural}."
                ),
                crate::i18n::Lang::Fr => format!(
                    "Trop d’échecs. La connexion est verrouillée depuis ce poste ; réessayez dans {minutes} minute{plural}."
                ),
            })
        }
        Some("busy") => Some(
            lang.t(
                "Too many sign-ins at once; please try again in a moment.",
                "Trop de connexions en même temps ; réessayez dans un instant.",
            )
            .to_owned(),
        ),
        Some("unavailable") => Some(
            lang.t(
                "Sign-in is unavailable right now; please try again shortly.",
                "La connexion est indisponible pour le moment ; réessayez dans un instant.",
            )
            .to_owned(),
        ),
        _ => None,
    };
    let signed_out = query.get("signed_out").is_some();
    view! {
        <Title text=lang.t("Sign in", "Connexion")/>
        <main id="main" class="login">
            <div class="login-card">
                <p class="brand login-brand">
                    <span class="brand-mark" aria-hidden="true">"F"</span>
                    "Fleetdesk"
                </p>
                <h1>{lang.t("Sign in to Fleetdesk", "Connexion à Fleetdesk")}</h1>
                <p class="muted">
                    {lang.t(
                        "Partner back-office for Orange Business Applications France.",
                        "Back-office partenaire d’Orange Business Applications France.",
                    )}
                </p>
                {alert.map(|text| view! { <p class="flash error" role="alert">{text}</p> })}
                {signed_out.then(|| view! { <p class="flash success" role="status">{lang.t("You have been signed out.", "Vous êtes déconnecté.")}</p> })}
                <form method="post" action="/auth/login" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="login">{lang.t("Username", "Identifiant")}</label>
                    <input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus/>
                    <label for="password">{lang.t("Password", "Mot de passe")}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <button type="submit" class="button primary">{lang.t("Sign in", "Se connecter")}</button>
                </form>
                <LangSwitch/>
            </div>
        </main>
    }
}
