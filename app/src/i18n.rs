//! The console's two languages, English and French, and its dates.
//!
//! The language comes from the `fleetdesk_lang` cookie (set by the switch in the top bar and on the
//! sign-in page, kept a year), else from the browser's `Accept-Language`, else English. The server
//! finds it for each request and writes it into `<html lang>`; the browser reads it back from there
//! when it hydrates, so both render the same words. Texts come from the message catalogue:
//! `lang.t(Text::Customers)`, from the catalogue in `vocab/locales/` (see `fleetdesk_vocab::Text`).
//!
//! Dates are stored in UTC. The server renders them in UTC, said so; once the page has hydrated,
//! the browser rewrites each `<time>` in the reader's own time zone and locale.

use leptos::prelude::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

pub use fleetdesk_vocab::{Lang, Text, say};

/// The language of the request being rendered (server) or of the page (browser).
pub fn detect() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name| {
                    parts
                        .headers
                        .get(name)
                        .and_then(|value: &http::HeaderValue| value.to_str().ok())
                };
                Lang::of_headers(
                    header(http::header::COOKIE),
                    header(http::header::ACCEPT_LANGUAGE),
                )
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
}

/// The language the page is in; [`App`](crate::App) provides it.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// English and Français: a form posting the choice, so it works with JavaScript off too.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let other = lang.other();
    let back = leptos_router::hooks::use_location();
    let here = move || format!("{}{}", back.pathname.get(), back.search.get());
    view! {
        <form method="post" action="/auth/lang" class="lang-switch">
            <input type="hidden" name="back" value=here/>
            <input type="hidden" name="lang" value=other.code()/>
            <button
                type="submit"
                class="link-button"
                lang=other.code()
                data-testid="lang-switch"
                title=lang.t(Text::ShowTheConsoleInFrench)
            >
                {other.name()}
            </button>
        </form>
    }
}

/// A stored UTC time (`2026-11-27T12:04:05.123Z`) as the reader reads dates.
///
/// Server-rendered in UTC, in the page's language; after hydration, in the browser's time zone.
#[component]
pub fn When(#[prop(into)] at: String) -> impl IntoView {
    let lang = use_lang();
    let shown = RwSignal::new(utc_text(&at, lang));
    #[cfg(feature = "hydrate")]
    {
        let at = at.clone();
        Effect::new(move |_| {
            if let Some(local) = local_text(&at, lang) {
                shown.set(local);
            }
        });
    }
    view! { <time datetime=at.clone() title=at>{move || shown.get()}</time> }
}

/// `2026-11-27T12:04:05.123Z` as `27 Nov 2026, 12:04 UTC` or `27/11/2026 12:04 UTC`; a text that
/// is not such a time is shown as it is.
pub fn utc_text(stored: &str, lang: Lang) -> String {
    let Ok(at) = OffsetDateTime::parse(stored, &Rfc3339) else {
        return stored.to_owned();
    };
    let at = at.to_offset(time::UtcOffset::UTC);
    let shown = match lang {
        Lang::En => at.format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
        )),
        Lang::Fr => at.format(format_description!(
            "[day]/[month]/[year] [hour]:[minute] UTC"
        )),
    };
    shown.unwrap_or_else(|_| stored.to_owned())
}

/// The same instant in the browser's time zone and the page's locale.
#[cfg(feature = "hydrate")]
fn local_text(stored: &str, lang: Lang) -> Option<String> {
    use wasm_bindgen::JsValue;
    let date = js_sys::Date::new(&JsValue::from_str(stored));
    if date.get_time().is_nan() {
        return None;
    }
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).ok()?;
    js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into()).ok()?;
    let locale = match lang {
        Lang::En => "en-GB",
        Lang::Fr => "fr-FR",
    };
    date.to_locale_string(locale, &options).as_string()
}

#[cfg(test)]
mod tests {
    use super::{Lang, utc_text};

    #[test]
    fn utc_dates_read_in_each_language() {
        let at = "2026-03-07T09:04:05.123Z";
        assert_eq!(utc_text(at, Lang::En), "7 Mar 2026, 09:04 UTC");
        assert_eq!(utc_text(at, Lang::Fr), "07/03/2026 09:04 UTC");
        assert_eq!(
            utc_text("2026-03-07T23:30:00+02:00", Lang::En),
            "7 Mar 2026, 21:30 UTC"
        );
        assert_eq!(utc_text("garbled", Lang::Fr), "garbled");
    }
}
