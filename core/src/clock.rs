//! Time as Fleetdesk stores and sends it: RFC 3339, UTC, millisecond precision.
//!
//! Times are kept as fixed-width text (`2026-11-27T12:00:00.000Z`) in both databases, so they sort
//! as text and read the same in SQLite and PostgreSQL.

use time::{OffsetDateTime, UtcOffset, format_description::FormatItem, macros::format_description};

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// How far this process's clock is set off the system's, in milliseconds (0 but in tests).
static OFFSET_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Sets this process's clock `offset` away from the system clock. Tests use it to play instances
/// whose clocks disagree; nothing in Fleetdesk may rely on clocks agreeing between instances.
pub fn set_offset(offset: time::Duration) {
    let millis = i64::try_from(offset.whole_milliseconds()).unwrap_or(0);
    OFFSET_MS.store(millis, std::sync::atomic::Ordering::Relaxed);
}

/// The current time, truncated to what is stored.
pub fn now() -> OffsetDateTime {
    let offset = OFFSET_MS.load(std::sync::atomic::Ordering::Relaxed);
    let now = OffsetDateTime::now_utc() + time::Duration::milliseconds(offset);
    now.replace_millisecond(now.millisecond())
        .expect("a millisecond taken from a valid time is valid")
}

/// Formats a time the way it is stored and sent.
pub fn format(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(FORMAT)
        .expect("every UTC time formats with a fixed description")
}

/// Parses a stored time (any RFC 3339 time is accepted).
pub fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
}

/// The current time as stored text.
pub fn now_text() -> String {
    format(now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_stored_as_fixed_width_utc_text() {
        assert_eq!(
            format(datetime!(2026-11-27 13:04:05.123456 +01:00)),
            "2026-11-27T12:04:05.123Z"
        );
        assert_eq!(
            format(datetime!(2026-01-02 03:04:05 UTC)),
            "2026-01-02T03:04:05.000Z"
        );
    }

    #[test]
    fn stored_text_parses_back_to_the_same_instant() {
        let at = now();
        assert_eq!(parse(&format(at)).expect("own format parses"), at);
    }
}
