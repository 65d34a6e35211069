//! The console's two languages and its message catalogue.
//!
//! The texts live in `locales/en.ftl` and `locales/fr.ftl` (Fluent syntax), keyed. The build turns
//! them into Rust (see `build.rs`) and fails when a key is in one language and not the other, or
//! when a message's variables differ between the two; code that names a key the catalogue lacks
//! does not compile. A text without variables is a [`Text`], given in a language by [`Lang::t`];
//! a text with variables is a function of [`say`]: `say::rows_applied(lang, done, total)`.
//! Counts choose their words by each language's plural rules ([`plural`]).

use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/text.rs"));

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The cookie that remembers a reader's choice.
    pub const COOKIE: &'static str = "fleetdesk_lang";

    /// The catalogue's text in this language.
    pub fn t(self, text: Text) -> &'static str {
        text.in_lang(self)
    }

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

/// A whole number a message counts with (`{ $count -> [one] … *[other] … }`).
pub trait Number: std::fmt::Display + Copy {
    fn value(self) -> i64;
}

macro_rules! numbers {
    ($($ty:ty),*) => {$(
        impl Number for $ty {
            #[allow(clippy::cast_possible_wrap, clippy::cast_lossless)]
            fn value(self) -> i64 {
                self as i64
            }
        }
    )*};
}
numbers!(i32, i64, u32, u64, usize);

/// The plural category (CLDR's cardinal rules) of a whole number in a language.
///
/// English: `one` for 1. French: `one` for 0 and 1, `many` for a non-zero multiple of a million
/// ("1 000 000 de licences"), `other` otherwise. The tests check these against CLDR's data.
pub fn plural(lang: Lang, number: i64) -> &'static str {
    let whole = number.unsigned_abs();
    match lang {
        Lang::En if whole == 1 => "one",
        Lang::Fr if whole <= 1 => "one",
        Lang::Fr if whole.is_multiple_of(1_000_000) => "many",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

    use super::{Lang, Text, plural, say};

    fn name(category: PluralCategory) -> &'static str {
        match category {
            PluralCategory::ZERO => "zero",
            PluralCategory::ONE => "one",
            PluralCategory::TWO => "two",
            PluralCategory::FEW => "few",
            PluralCategory::MANY => "many",
            PluralCategory::OTHER => "other",
        }
    }

    #[test]
    fn plural_categories_follow_cldr() {
        for lang in Lang::ALL {
            let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a language tag");
            let rules = PluralRules::create(id, PluralRuleType::CARDINAL).expect("CLDR rules");
            for number in (0..=20_000).chain([99_999, 100_001, 999_999, 1_000_001]) {
                let cldr = name(rules.select(number).expect("a category"));
                assert_eq!(plural(lang, number), cldr, "{lang:?} {number}");
            }
        }
        // CLDR 38 gave French `many` for millions; the rules data above predates it.
        assert_eq!(plural(Lang::Fr, 1_000_000), "many");
        assert_eq!(plural(Lang::Fr, 3_000_000), "many");
        assert_eq!(plural(Lang::En, 1_000_000), "other");
    }

    #[test]
    fn every_text_has_words_in_both_languages() {
        for text in Text::ALL {
            for lang in Lang::ALL {
                assert!(
                    !lang.t(*text).trim().is_empty(),
                    "{} in {lang:?}",
                    text.key()
                );
            }
        }
    }

    /// Every Rust source file of the workspace, read.
    fn workspace_sources() -> String {
        fn walk(dir: &std::path::Path, into: &mut String) {
            let entries = std::fs::read_dir(dir)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, into);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    into.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut sources = String::new();
        for crate_dir in ["app/src", "core/src", "server/src", "vocab/src"] {
            walk(&root.join(crate_dir), &mut sources);
        }
        sources
    }

    #[test]
    fn every_text_of_the_catalogue_is_used() {
        let sources = workspace_sources();
        let unused: Vec<&str> = Text::ALL
            .iter()
            .map(|text| text.key())
            .filter(|key| {
                let variant: String = key
                    .split('-')
                    .map(|word| {
                        let mut chars = word.chars();
                        chars.next().map_or_else(String::new, |first| {
                            first.to_uppercase().chain(chars).collect()
                        })
                    })
                    .collect();
                !sources.contains(&format!("Text::{variant}"))
            })
            .collect();
        assert!(unused.is_empty(), "texts no code uses: {unused:?}");
    }

    #[test]
    fn counts_choose_their_words() {
        assert_eq!(say::search_results_count(Lang::En, 1), "1 result");
        assert_eq!(say::search_results_count(Lang::En, 0), "0 results");
        assert_eq!(say::search_results_count(Lang::Fr, 0), "0 résultat");
        assert_eq!(say::search_results_count(Lang::Fr, 1), "1 résultat");
        assert_eq!(say::search_results_count(Lang::Fr, 2), "2 résultats");
        // A count chooses the words of one language and is only shown in the other.
        assert_eq!(say::bulk_count_applied(Lang::En, 2), "2 applied");
        assert_eq!(say::bulk_count_applied(Lang::Fr, 1), "1 appliquée");
        assert_eq!(say::bulk_count_applied(Lang::Fr, 2), "2 appliquées");
        // Text around a choice, and a variable inside one.
        assert_eq!(
            say::sign_in_locked(Lang::Fr, 1),
            "Trop d’échecs. La connexion est verrouillée depuis ce poste ; réessayez dans 1 minute."
        );
        assert_eq!(
            say::sign_in_locked(Lang::En, 15),
            "Too many failed attempts. Sign-in is locked from here; try again in 15 minutes."
        );
        // Blanks kept where Fluent would trim them.
        assert!(say::purge_counts(Lang::Fr, 1, 2, 3).starts_with(" : 1 échanges"));
    }

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
}
