//! The events owed to Orange (the outbox), for every signed-in operator: a filtered list, newest
//! first, paged by keyset, with the counts by state and whether delivery runs; one event with its
//! payload and every attempt; and, for operators and administrators, the count a bulk resend
//! would touch. The actions themselves are plain form posts (`server/src/http/events.rs`).

use fleetdesk_vocab::EventId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{BulkResendView, EventDetailView, EventsPage};

/// How many events one page of the list shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

/// Events matching the filter's fields (empty ones ignored), older than `before_at`/`before_id`
/// when given.
#[server(prefix = "/console/api", endpoint = "events", input = GetUrl)]
pub async fn fetch_events(
    state: String,
    event_type: String,
    resource: String,
    from: String,
    to: String,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<EventsPage, ConsoleError> {
    use fleetdesk_core::outbox::browse;

    use crate::model::EventFilter;

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let filter = EventFilter {
        state,
        event_type,
        resource,
        from,
        to,
    };
    let counted = browse::counts_by_state(&db)
        .await
        .map_err(super::ssr::internal)?;
    let counts = fleetdesk_vocab::EventState::ALL
        .into_iter()
        .map(|state| {
            let n = counted
                .iter()
                .find(|(s, _)| *s == state)
                .map_or(0, |(_, n)| *n);
            (state, n)
        })
        .collect();
    let delivery = ssr::delivery_status(&db).await?;
    let (rows, older, filter_error) = match core_filter(&filter, crate::i18n::detect()) {
        Ok(filter) => {
            let mut found = browse::list(&db, &filter, before_at.zip(before_id), PAGE_SIZE + 1)
                .await
                .map_err(super::ssr::internal)?;
            let older = super::ssr::keyset_page(&mut found, PAGE_SIZE, |last| {
                (last.created_at.clone(), last.id.to_string())
            });
            (found, older, None)
        }
        Err(problem) => (Vec::new(), None, Some(problem)),
    };
    Ok(EventsPage {
        rows: rows.into_iter().map(ssr::row_view).collect(),
        older,
        counts,
        delivery,
        can_act: fleetdesk_core::access::Permission::ChangeData.allows(operator.role),
        can_configure: fleetdesk_core::access::Permission::Administer.allows(operator.role),
        filter_error,
    })
}

/// One event, with its payload and every delivery attempt in order.
#[server(prefix = "/console/api", endpoint = "event", input = GetUrl)]
pub async fn fetch_event(id: EventId) -> Result<EventDetailView, ConsoleError> {
    use super::exchanges::ssr::pretty;
    use crate::model::AttemptView;

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let detail = match fleetdesk_core::outbox::browse::detail(&db, &id).await {
        Ok(Some(detail)) => detail,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    Ok(EventDetailView {
        event: ssr::row_view(detail.event),
        payload: pretty(&detail.payload),
        request_id: detail.request_id,
        attempts: detail
            .attempts
            .into_iter()
            .map(|attempt| AttemptView {
                attempt_no: attempt.attempt_no,
                started_at: attempt.started_at,
                url: attempt.url,
                outcome: attempt.outcome,
                response_status: attempt.response_status,
                latency_ms: attempt.latency_ms,
                error: attempt.error,
                request_headers: attempt.request_headers,
                request_body: pretty(&attempt.request_body),
                response_headers: attempt.response_headers,
                response_body: attempt.response_body.as_deref().map(pretty),
                response_body_bytes: attempt.response_body_bytes,
            })
            .collect(),
        delivery: ssr::delivery_status(&db).await?,
        can_act: fleetdesk_core::access::Permission::ChangeData.allows(operator.role),
    })
}

/// How many events a bulk resend with this filter would send again (operators and
/// administrators).
#[server(prefix = "/console/api", endpoint = "events-resend", input = GetUrl)]
pub async fn fetch_bulk_resend(
    state: String,
    event_type: String,
    resource: String,
    from: String,
    to: String,
) -> Result<BulkResendView, ConsoleError> {
    use fleetdesk_core::outbox::browse;
    use fleetdesk_vocab::EventState;

    use crate::model::EventFilter;

    let operator = super::ssr::current_operator()?;
    if !fleetdesk_core::access::Permission::ChangeData.allows(operator.role) {
        return Err(ConsoleError::Forbidden);
    }
    let db = super::ssr::db()?;
    let filter = EventFilter {
        state,
        event_type,
        resource,
        from,
        to,
    }
    .trimmed();
    let core = match core_filter(&filter, crate::i18n::detect()) {
        Ok(core) => core,
        Err(problem) => {
            return Ok(BulkResendView {
                filter,
                count: 0,
                delivering: 0,
                filter_error: Some(problem),
            });
        }
    };
    let count = browse::count(&db, &core)
        .await
        .map_err(super::ssr::internal)?;
    let delivering = if core
        .state
        .is_none_or(|state| state == EventState::Delivering)
    {
        let only_delivering = browse::Filter {
            state: Some(EventState::Delivering),
            ..core
        };
        browse::count(&db, &only_delivering)
            .await
            .map_err(super::ssr::internal)?
    } else {
        0
    };
    Ok(BulkResendView {
        filter,
        count,
        delivering,
        filter_error: None,
    })
}

/// The storage filter for a form's filter, or why it cannot be one (in words). Dates are whole
/// UTC days, both ends included; state and event type must be known values, so that a typo never
/// widens a bulk resend.
#[cfg(feature = "ssr")]
pub fn core_filter(
    filter: &crate::model::EventFilter,
    lang: crate::i18n::Lang,
) -> Result<fleetdesk_core::outbox::browse::Filter, String> {
    use fleetdesk_vocab::{EventState, OrangeEventType, Text, say};

    let filter = filter.trimmed();
    let set = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    let state = match set(&filter.state) {
        None => None,
        Some(text) => {
            Some(EventState::parse(&text).ok_or_else(|| say::not_an_event_state(lang, &text))?)
        }
    };
    if !filter.event_type.is_empty() && OrangeEventType::parse(&filter.event_type).is_none() {
        return Err(say::not_an_orange_event_type(lang, &filter.event_type));
    }
    let from = match set(&filter.from) {
        Some(text) => Some(ssr::day(&text).ok_or(lang.t(Text::TheStartDateIsNotA))?),
        None => None,
    };
    let to = match set(&filter.to) {
        Some(text) => Some(ssr::day(&text).ok_or(lang.t(Text::TheEndDateIsNotA))?),
        None => None,
    };
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(lang.t(Text::TheStartDateIsAfterThe).to_owned());
    }
    Ok(fleetdesk_core::outbox::browse::Filter {
        state,
        event_type: set(&filter.event_type),
        resource: set(&filter.resource),
        // Stored times are fixed-width RFC 3339 text, so a bare date compares as its midnight.
        from: from.map(ssr::date_text),
        // "Up to that day included": before the next day's midnight.
        to: to.and_then(time::Date::next_day).map(ssr::date_text),
    })
}

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    use fleetdesk_core::Db;
    use fleetdesk_core::outbox::browse::EventRow;
    use time::macros::format_description;

    use crate::api::ConsoleError;
    use crate::model::{DeliveryStatus, EventRowView};

    pub fn row_view(row: EventRow) -> EventRowView {
        EventRowView {
            id: row.id,
            event_type: row.event_type,
            correlation_id: row.correlation_id,
            resource_kind: row.resource_kind,
            resource_id: row.resource_id,
            state: row.state,
            attempt_count: row.attempt_count,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            last_response_status: row.last_response_status,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
            failed_at: row.failed_at,
        }
    }

    pub async fn delivery_status(db: &Db) -> Result<DeliveryStatus, ConsoleError> {
        let settings = fleetdesk_core::outbox::settings::load(db)
            .await
            .map_err(crate::api::ssr::internal)?;
        Ok(DeliveryStatus {
            configured: settings.is_configured(),
            paused: settings.paused,
        })
    }

    pub fn day(text: &str) -> Option<time::Date> {
        time::Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
    }

    pub fn date_text(date: time::Date) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::core_filter;
    use crate::i18n::Lang;
    use crate::model::EventFilter;

    fn filter(state: &str, event_type: &str, from: &str, to: &str) -> EventFilter {
        EventFilter {
            state: state.into(),
            event_type: event_type.into(),
            resource: " lic_1 ".into(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn dates_are_whole_days_with_both_ends_included() {
        let core = core_filter(
            &filter(
                "failed",
                "userServiceStateChangeEvent",
                "2026-02-28",
                "2026-02-28",
            ),
            Lang::En,
        )
        .expect("valid");
        assert_eq!(core.state, Some(fleetdesk_vocab::EventState::Failed));
        assert_eq!(core.resource.as_deref(), Some("lic_1"));
        assert_eq!(core.from.as_deref(), Some("2026-02-28"));
        assert_eq!(core.to.as_deref(), Some("2026-03-01"));
        let empty = core_filter(&EventFilter::default(), Lang::En).expect("valid");
        assert_eq!(empty, fleetdesk_core::outbox::browse::Filter::default());
    }

    #[test]
    fn unknown_values_and_bad_dates_are_refused_rather_than_ignored() {
        for (bad, why) in [
            (filter("lost", "", "", ""), "not an event state"),
            (filter("", "orderEvent", "", ""), "not an Orange event type"),
            (filter("", "", "yesterday", ""), "start date is not a date"),
            (filter("", "", "", "2026-13-01"), "end date is not a date"),
            (
                filter("", "", "2026-03-02", "2026-03-01"),
                "start date is after",
            ),
        ] {
            let problem = core_filter(&bad, Lang::En).expect_err("refused");
            assert!(problem.contains(why), "{problem}");
        }
    }
}
