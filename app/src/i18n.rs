//! The console's two languages, English and French, and its dates.
//!
//! The language comes from the `fleetdesk_lang` cookie (set by the switch in the top bar and on the
//! sign-in page, kept a year), else from the browser's `Accept-Language`, else English. The server
//! finds it for each request and writes it into `<html lang>`; the browser reads it back from there
//! when it hydrates, so both render the same words. Texts sit where they are used, in both languages:
//! `lang.t("Customers", "Clients")`.
//!
//! Dates are stored in UTC. The server renders them in UTC, said so; once the page has hydrated,
//! the browser rewrites each `<time>` in the reader's own time zone and locale.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// The cookie that remembers a reader's choice.
    pub const COOKIE: &'static str = "fleetdesk_lang";

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// The text in this language.
    pub fn t(self, en: &'static str, fr: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    /// The browser's preferred language among ours (`Accept-Language`, by quality then order).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(lang) = Lang::parse(primary) else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// The language a request asks for: the cookie, else `Accept-Language`, else English.
    pub fn of_headers(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(|cookies| {
                cookies.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    (name == Lang::COOKIE).then(|| Lang::parse(value)).flatten()
                })
            })
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }
}

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
                title=lang.t("Show the console in French", "Afficher la console en anglais")
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

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2026-11-27T12:04:05.123Z` as `27 Nov 2026, 12:04 UTC` or `27/11/2026 12:04 UTC`.
pub fn utc_text(stored: &str, lang: Lang) -> String {
    let field = |range: std::ops::Range<usize>| stored.get(range);
    match (field(0..4), field(5..7), field(8..10), field(11..16)) {
        (Some(year), Some(month), Some(day), Some(time)) => match lang {
            Lang::Fr => format!("{day}/{month}/{year} {time} UTC"),
            Lang::En => {
                let name = month
                    .parse::<usize>()
                    .ok()
                    .and_then(|m| MONTHS_EN.get(m.wrapping_sub(1)))
                    .copied()
                    .unwrap_or(month);
                format!("{} {name} {year}, {time} UTC", day.trim_start_matches('0'))
            }
        },
        _ => stored.to_owned(),
    }
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
    fn the_cookie_wins_then_the_browser_then_english() {
        assert_eq!(
            Lang::of_headers(Some("a=b; fleetdesk_lang=fr"), Some("en-GB")),
            Lang::Fr
        );
        assert_eq!(
            Lang::of_headers(None, Some("fr-FR,fr;q=0.9,en;q=0.8")),
            Lang::Fr
        );
        assert_eq!(
            Lang::of_headers(Some("fleetdesk_lang=xx"), Some("de, en;q=0.5")),
            Lang::En
        );
        assert_eq!(Lang::of_headers(None, Some("de-DE")), Lang::En);
        assert_eq!(Lang::of_headers(None, None), Lang::En);
    }

    #[test]
    fn quality_orders_the_browser_languages() {
        assert_eq!(
            Lang::from_accept_language("en;q=0.4, fr;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("fr;q=0, en"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("*"), None);
    }

    #[test]
    fn utc_dates_read_in_each_language() {
        let at = "2026-03-07T09:04:05.123Z";
        assert_eq!(utc_text(at, Lang::En), "7 Mar 2026, 09:04 UTC");
        assert_eq!(utc_text(at, Lang::Fr), "07/03/2026 09:04 UTC");
        assert_eq!(utc_text("garbled", Lang::Fr), "garbled");
    }
}
