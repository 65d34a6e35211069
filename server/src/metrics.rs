//! `GET /metrics`: numbers a monitoring system scrapes, in the Prometheus text format, kept with
//! the `metrics` crate and rendered by `metrics-exporter-prometheus`. No authentication, like the
//! health probes: they hold counts and ages, never data. A scrape reads no database.
//!
//! Two kinds of numbers, said in each one's help text:
//! - **This instance, since it started** (counters and histograms, counted as things happen):
//!   delivery attempts by outcome, their duration, the delay from an event's creation to its
//!   delivery, Orange API calls refused for want of a credential or over the rate limit. With
//!   several instances, add them up (`sum`).
//! - **The shared database** (gauges, the same on every instance): events by state, the age of the
//!   oldest undelivered event, whether delivery is paused. They are read in the background every
//!   15 seconds, and soon after this instance records delivery attempts; take one instance's
//!   value (`max`), not the sum.
//!
//! The delivery engine's numbers carry a `destination` label: `orange` (events to Orange) or
//! `product` (webhooks to the partner's product), so that one failing receiver shows apart from
//! the other; `sum without (destination)` gives the whole.
//!
//! Each server has its own recorder, held in its state: no recorder is installed for the process,
//! so that two servers in one process (the tests, on SQLite then PostgreSQL) count apart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Gauge, Histogram, Key, Label, Recorder, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use fleetdesk_core::outbox::delivery::Next;
use fleetdesk_core::outbox::metrics::{Backlog, Counting};
use fleetdesk_core::{Db, clock};
use fleetdesk_vocab::EventState;

use crate::state::AppState;

/// How often the shared database's numbers are read when nothing happens.
const BACKLOG_EVERY: Duration = Duration::from_secs(15);
/// The least time between two readings, however often delivery records attempts. Each reading
/// counts the open events, walking the state index through the entries every delivered event
/// leaves there until it is vacuumed, and every instance reads: at one second, two instances
/// draining a backlog read 170 index entries per event delivered, most of PostgreSQL's work in
/// that drain (`pg_stat_user_indexes`, the delivery benchmark's database table).
const BACKLOG_AT_MOST_EVERY: Duration = Duration::from_secs(5);

/// Histogram buckets, in seconds, for attempt durations and delivery delays.
const BUCKETS_SECONDS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0, 600.0];

const ATTEMPTS: &str = "fleetdesk_outbox_attempts_total";
const ATTEMPT_DURATION: &str = "fleetdesk_outbox_attempt_duration_seconds";
const DELIVERY_DELAY: &str = "fleetdesk_outbox_delivery_delay_seconds";
const UNAUTHENTICATED: &str = "fleetdesk_orange_unauthenticated_calls_total";
const RATE_LIMITED: &str = "fleetdesk_orange_rate_limited_calls_total";
const EVENTS: &str = "fleetdesk_outbox_events";
const OLDEST_AGE: &str = "fleetdesk_outbox_oldest_undelivered_age_seconds";
const PAUSED: &str = "fleetdesk_outbox_delivery_paused";

/// Where the delivery engine sends: Orange's event endpoints, or the partner's product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Orange,
    Product,
}

impl Destination {
    pub const ALL: [Destination; 2] = [Destination::Orange, Destination::Product];

    /// The destination of an outbox `target`.
    pub fn of_target(target: &str) -> Destination {
        if target == "provisioning_webhook" {
            Destination::Product
        } else {
            Destination::Orange
        }
    }

    fn label(self) -> &'static str {
        match self {
            Destination::Orange => "orange",
            Destination::Product => "product",
        }
    }
}

/// The delivery numbers of one destination.
struct Delivery {
    destination: Destination,
    delivered: Counter,
    retried: Counter,
    failed: Counter,
    attempt_duration: Histogram,
    delivery_delay: Histogram,
    events: Vec<(EventState, Gauge)>,
    oldest_age: Gauge,
    /// When the oldest undelivered event was created, as last read: its age is worked out at
    /// each scrape, so that it grows between two readings.
    oldest_undelivered: Mutex<Option<OffsetDateTime>>,
}

/// One server's metrics: its recorder's handle, and a handle on each number it keeps.
pub struct Metrics {
    rendered: PrometheusHandle,
    deliveries: Vec<Delivery>,
    /// Orange API calls refused for want of a valid credential.
    pub unauthenticated_calls: Counter,
    /// Orange API calls refused with 429 for going over their credential's rate limit.
    pub rate_limited_calls: Counter,
    paused: Gauge,
    /// Asks for the shared numbers to be read again soon.
    stale: Notify,
}

impl Metrics {
    pub fn new() -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(ATTEMPT_DURATION.to_owned()), &BUCKETS_SECONDS)
            .and_then(|builder| {
                builder.set_buckets_for_metric(
                    Matcher::Full(DELIVERY_DELAY.to_owned()),
                    &BUCKETS_SECONDS,
                )
            })
            .expect("the buckets are a fixed, non-empty list")
            .build_recorder();
        let metadata = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        let counter = |name: &'static str, labels: Vec<Label>, help: &'static str| {
            recorder.describe_counter(name.into(), None, help.into());
            recorder.register_counter(&Key::from_parts(name, labels), &metadata)
        };
        let gauge = |name: &'static str, labels: Vec<Label>, help: &'static str| {
            recorder.describe_gauge(name.into(), None, help.into());
            recorder.register_gauge(&Key::from_parts(name, labels), &metadata)
        };
        let histogram = |name: &'static str, labels: Vec<Label>, help: &'static str| {
            recorder.describe_histogram(name.into(), Some(Unit::Seconds), help.into());
            recorder.register_histogram(&Key::from_parts(name, labels), &metadata)
        };
        let deliveries = Destination::ALL
            .into_iter()
            .map(|destination| {
                let to = || Label::new("destination", destination.label());
                let attempts = |outcome: &'static str| {
                    counter(
                        ATTEMPTS,
                        vec![to(), Label::new("outcome", outcome)],
                        "Delivery attempts by destination and outcome (this instance, since it \
                         started).",
                    )
                };
                Delivery {
                    destination,
                    delivered: attempts("delivered"),
                    retried: attempts("retry"),
                    failed: attempts("failed"),
                    attempt_duration: histogram(
                        ATTEMPT_DURATION,
                        vec![to()],
                        "Duration of delivery attempts, request to the receiver's answer (this \
                         instance, since it started).",
                    ),
                    delivery_delay: histogram(
                        DELIVERY_DELAY,
                        vec![to()],
                        "Time from an event's creation to its delivery (events this instance \
                         delivered, since it started).",
                    ),
                    events: EventState::ALL
                        .into_iter()
                        .map(|state| {
                            let shown = gauge(
                                EVENTS,
                                vec![to(), Label::new("state", state.to_string())],
                                "Events in the outbox by destination and state (the shared \
                                 database).",
                            );
                            (state, shown)
                        })
                        .collect(),
                    oldest_age: gauge(
                        OLDEST_AGE,
                        vec![to()],
                        "Age of the oldest event not yet delivered (0 when none; the shared \
                         database).",
                    ),
                    oldest_undelivered: Mutex::new(None),
                }
            })
            .collect();
        Metrics {
            deliveries,
            unauthenticated_calls: counter(
                UNAUTHENTICATED,
                Vec::new(),
                "Calls to the Orange API without a valid credential, refused unread (this instance).",
            ),
            rate_limited_calls: counter(
                RATE_LIMITED,
                Vec::new(),
                "Calls to the Orange API refused with 429 for going over their credential's rate \
                 limit (this instance).",
            ),
            paused: gauge(
                PAUSED,
                Vec::new(),
                "1 while delivery is paused (the shared database).",
            ),
            stale: Notify::new(),
            rendered: recorder.handle(),
        }
    }

    fn delivery(&self, destination: Destination) -> &Delivery {
        self.deliveries
            .iter()
            .find(|d| d.destination == destination)
            .unwrap_or(&self.deliveries[0])
    }

    /// Counts a delivery attempt that is in the attempt log: its destination, outcome and
    /// duration, and for a delivery, the delay since the event was written (`created_at`, as
    /// stored).
    pub fn attempt(
        &self,
        destination: Destination,
        next: Next,
        duration: Duration,
        created_at: Option<&str>,
    ) {
        let delivery = self.delivery(destination);
        match next {
            Next::Delivered => delivery.delivered.increment(1),
            Next::RetryAt(_) => delivery.retried.increment(1),
            Next::Failed => delivery.failed.increment(1),
        }
        delivery.attempt_duration.record(duration.as_secs_f64());
        if next == Next::Delivered
            && let Some(created) = created_at.and_then(|text| clock::parse(text).ok())
        {
            delivery
                .delivery_delay
                .record((clock::now() - created).as_seconds_f64().max(0.0));
        }
    }

    /// Asks for the shared database's numbers to be read again (delivery moved events on).
    pub fn backlog_changed(&self) {
        self.stale.notify_one();
    }

    fn show_backlog(&self, backlog: &Backlog) {
        for delivery in &self.deliveries {
            let mine = |target: &str| Destination::of_target(target) == delivery.destination;
            for (state, gauge) in &delivery.events {
                if !backlog.counted.covers(*state) {
                    continue;
                }
                let n: i64 = backlog
                    .by_target_state
                    .iter()
                    .filter(|(target, s, _)| s == state && mine(target))
                    .map(|(_, _, n)| *n)
                    .sum();
                gauge.set(n as f64);
            }
            *lock(&delivery.oldest_undelivered) = backlog
                .oldest_undelivered
                .iter()
                .filter(|(target, _)| mine(target))
                .map(|(_, at)| *at)
                .min();
        }
        self.paused.set(f64::from(u8::from(backlog.paused)));
    }

    /// Every number in the Prometheus text format.
    pub fn render(&self) -> String {
        for delivery in &self.deliveries {
            let age = lock(&delivery.oldest_undelivered)
                .map_or(0.0, |at| (clock::now() - at).as_seconds_f64().max(0.0));
            delivery.oldest_age.set(age);
        }
        self.rendered.render()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Reads the shared database's numbers every 15 seconds, and soon after delivery asks for it, until
/// `stopped` changes; a reading that fails keeps the last numbers and is tried again later. The
/// events already delivered, failed or cancelled, most of the outbox, are counted at most every
/// 15 seconds: while delivery runs, every instance read the whole outbox every second.
pub async fn keep_backlog(db: Db, metrics: Arc<Metrics>, mut stopped: watch::Receiver<bool>) {
    let mut counted_all: Option<std::time::Instant> = None;
    loop {
        let counted = if counted_all.is_none_or(|at| at.elapsed() >= BACKLOG_EVERY) {
            Counting::All
        } else {
            Counting::Open
        };
        match fleetdesk_core::outbox::metrics::backlog(&db, counted).await {
            Ok(backlog) => {
                if counted == Counting::All {
                    counted_all = Some(std::time::Instant::now());
                }
                metrics.show_backlog(&backlog);
            }
            Err(error) => {
                tracing::warn!(error = %error, "reading the outbox for the metrics failed")
            }
        }
        // Histograms keep their samples until rendered: cleared here even when nobody scrapes.
        metrics.rendered.run_upkeep();
        tokio::select! {
            () = tokio::time::sleep(BACKLOG_AT_MOST_EVERY) => {}
            _ = stopped.changed() => return,
        }
        tokio::select! {
            () = metrics.stale.notified() => {}
            () = tokio::time::sleep(BACKLOG_EVERY - BACKLOG_AT_MOST_EVERY) => {}
            _ = stopped.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(text: &'a str, start: &str) -> Option<&'a str> {
        text.lines().find(|line| line.starts_with(start))
    }

    #[test]
    fn each_server_counts_apart_and_keeps_the_names_and_help_texts() {
        let one = Metrics::new();
        let other = Metrics::new();
        one.attempt(
            Destination::Orange,
            Next::Delivered,
            Duration::from_millis(120),
            Some("2020-01-01T00:00:00Z"),
        );
        one.attempt(
            Destination::Orange,
            Next::Failed,
            Duration::from_millis(30),
            None,
        );
        one.attempt(
            Destination::Product,
            Next::RetryAt(clock::now()),
            Duration::from_millis(300),
            None,
        );
        one.unauthenticated_calls.increment(3);
        let text = one.render();
        for expected in [
            "fleetdesk_outbox_attempts_total{destination=\"orange\",outcome=\"delivered\"} 1",
            "fleetdesk_outbox_attempts_total{destination=\"orange\",outcome=\"retry\"} 0",
            "fleetdesk_outbox_attempts_total{destination=\"orange\",outcome=\"failed\"} 1",
            "fleetdesk_outbox_attempts_total{destination=\"product\",outcome=\"retry\"} 1",
            "fleetdesk_outbox_attempts_total{destination=\"product\",outcome=\"delivered\"} 0",
            "fleetdesk_outbox_attempt_duration_seconds_bucket{destination=\"orange\",le=\"0.05\"} 1",
            "fleetdesk_outbox_attempt_duration_seconds_bucket{destination=\"orange\",le=\"0.25\"} 2",
            "fleetdesk_outbox_attempt_duration_seconds_count{destination=\"orange\"} 2",
            "fleetdesk_outbox_attempt_duration_seconds_count{destination=\"product\"} 1",
            "fleetdesk_outbox_delivery_delay_seconds_bucket{destination=\"orange\",le=\"600\"} 0",
            "fleetdesk_outbox_delivery_delay_seconds_bucket{destination=\"orange\",le=\"+Inf\"} 1",
            "fleetdesk_orange_unauthenticated_calls_total 3",
            "fleetdesk_orange_rate_limited_calls_total 0",
            "fleetdesk_outbox_oldest_undelivered_age_seconds{destination=\"orange\"} 0",
            "fleetdesk_outbox_oldest_undelivered_age_seconds{destination=\"product\"} 0",
            "# HELP fleetdesk_outbox_attempts_total Delivery attempts by destination and outcome (this instance, since it started).",
            "# TYPE fleetdesk_outbox_attempt_duration_seconds histogram",
        ] {
            assert!(
                text.lines().any(|l| l == expected),
                "missing `{expected}` in\n{text}"
            );
        }
        let untouched = other.render();
        assert_eq!(
            line(&untouched, "fleetdesk_orange_unauthenticated_calls_total "),
            Some("fleetdesk_orange_unauthenticated_calls_total 0")
        );
        assert_eq!(
            line(
                &untouched,
                "fleetdesk_outbox_attempt_duration_seconds_count{destination=\"orange\"}"
            ),
            Some("fleetdesk_outbox_attempt_duration_seconds_count{destination=\"orange\"} 0")
        );
    }

    #[test]
    fn the_shared_numbers_show_the_last_reading_by_destination_and_the_age_grows_from_it() {
        let metrics = Metrics::new();
        let first = EventState::ALL[0];
        metrics.show_backlog(&Backlog {
            counted: Counting::All,
            by_target_state: vec![
                ("orange_product_order".to_owned(), first, 4),
                ("orange_user_service".to_owned(), first, 3),
                ("provisioning_webhook".to_owned(), first, 2),
            ],
            oldest_undelivered: vec![(
                "provisioning_webhook".to_owned(),
                clock::now() - time::Duration::seconds(90),
            )],
            paused: true,
        });
        let text = metrics.render();
        for expected in [
            format!("fleetdesk_outbox_events{{destination=\"orange\",state=\"{first}\"}} 7"),
            format!("fleetdesk_outbox_events{{destination=\"product\",state=\"{first}\"}} 2"),
            "fleetdesk_outbox_oldest_undelivered_age_seconds{destination=\"orange\"} 0".to_owned(),
            "fleetdesk_outbox_delivery_paused 1".to_owned(),
        ] {
            assert!(
                text.lines().any(|l| l == expected),
                "missing `{expected}` in\n{text}"
            );
        }
        let age: f64 = line(
            &text,
            "fleetdesk_outbox_oldest_undelivered_age_seconds{destination=\"product\"} ",
        )
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("an age");
        assert!((90.0..100.0).contains(&age), "{age}");
    }

    #[test]
    fn a_reading_of_the_open_events_keeps_the_delivered_count_of_the_last_whole_reading() {
        let metrics = Metrics::new();
        let reading = |counted, by_target_state| Backlog {
            counted,
            by_target_state,
            oldest_undelivered: Vec::new(),
            paused: false,
        };
        let orange = |state, n| ("orange_user_service".to_owned(), state, n);
        metrics.show_backlog(&reading(
            Counting::All,
            vec![
                orange(EventState::Delivered, 5),
                orange(EventState::Pending, 3),
            ],
        ));
        metrics.show_backlog(&reading(
            Counting::Open,
            vec![orange(EventState::Delivering, 1)],
        ));
        let text = metrics.render();
        for (state, n) in [("delivered", 5), ("pending", 0), ("delivering", 1)] {
            let expected =
                format!("fleetdesk_outbox_events{{destination=\"orange\",state=\"{state}\"}} {n}");
            assert!(
                text.lines().any(|l| l == expected),
                "missing `{expected}` in\n{text}"
            );
        }
    }
}
