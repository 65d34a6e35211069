//! Where the console sends a browser after a form that names its own way back (`next` after
//! sign-in, `back` after choosing a language): only to a page of this site.

use url::{Position, Url};

/// The page a browser is sent to when the target asked for is refused.
pub const DEFAULT_PAGE: &str = "/";

/// `target` as a path of this site (path, query and fragment), if it is one: read as a URL against
/// the server's own `origin` it must stay on that origin, and it must hold no control character and
/// no backslash, neither as sent nor percent-decoded. Browsers drop tabs and newlines and read a
/// backslash as a slash, so that `/\t/evil.example` or `/\evil.example` would take them to
/// another site.
pub fn local_target(target: &str, origin: &Url) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
    let suspicious = |text: &str| text.chars().any(|c| c.is_control() || c == '\\');
    if target.is_empty() || suspicious(target) || suspicious(&decoded) {
        return None;
    }
    let resolved = origin.join(target).ok()?;
    if resolved.origin() != origin.origin() {
        return None;
    }
    Some(resolved[Position::BeforePath..].to_owned())
}

/// `target` if it is a page of this site, the default page otherwise.
pub fn local_or_default(target: &str, origin: &Url) -> String {
    local_target(target, origin).unwrap_or_else(|| DEFAULT_PAGE.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Url {
        Url::parse("https://fleetdesk.example/").expect("a URL")
    }

    #[test]
    fn only_pages_of_this_site_are_followed() {
        for refused in [
            "/\t/evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "http://fleetdesk.example/",
            "https://fleetdesk.example:8443/",
            "/%09/evil.example",
            "/%5Cevil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(local_or_default(refused, &origin()), "/", "{refused:?}");
        }
        for (kept, as_path) in [
            ("/licences?state=active", "/licences?state=active"),
            ("/operators?x=1#top", "/operators?x=1#top"),
            ("/", "/"),
            ("https://fleetdesk.example/events", "/events"),
            ("/customers/caf%C3%A9", "/customers/caf%C3%A9"),
        ] {
            assert_eq!(local_or_default(kept, &origin()), as_path, "{kept:?}");
        }
    }
}
