//! The outbox's numbers in the Prometheus text format, read from the database so that every
//! instance reports the same truth: events by state, attempts by outcome, attempt duration and
//! delivery delay histograms, the age of the oldest undelivered event, and whether delivery is
//! paused.

use std::fmt::Write;

use sqlx::Row;

use crate::clock;
use crate::db::{Db, DbError};

const BUCKETS_SECONDS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0, 600.0];

fn histogram(out: &mut String, name: &str, help: &str, values: &[f64]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} histogram");
    for bucket in BUCKETS_SECONDS {
        let n = values.iter().filter(|v| **v <= bucket).count();
        let _ = writeln!(out, "{name}_bucket{{le=\"{bucket}\"}} {n}");
    }
    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", values.len());
    let _ = writeln!(out, "{name}_sum {}", values.iter().sum::<f64>());
    let _ = writeln!(out, "{name}_count {}", values.len());
}

/// Renders every outbox metric.
pub async fn render(db: &Db) -> Result<String, DbError> {
    let mut out = String::new();
    let now = clock::now();

    let states = super::browse::counts_by_state(db).await?;
    let _ = writeln!(
        out,
        "# HELP fleetdesk_outbox_events Events in the outbox by state."
    );
    let _ = writeln!(out, "# TYPE fleetdesk_outbox_events gauge");
    for state in fleetdesk_vocab::EventState::ALL {
        let n = states
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "fleetdesk_outbox_events{{state=\"{state}\"}} {n}");
    }

    let outcomes =
        sqlx::query("SELECT outcome, COUNT(*) AS n FROM outbox_attempts GROUP BY outcome")
            .fetch_all(db.pool())
            .await?;
    let _ = writeln!(
        out,
        "# HELP fleetdesk_outbox_attempts_total Delivery attempts by outcome."
    );
    let _ = writeln!(out, "# TYPE fleetdesk_outbox_attempts_total counter");
    for outcome in ["delivered", "retry", "failed"] {
        let mut n = 0_i64;
        for row in &outcomes {
            let name: String = row.try_get("outcome")?;
            if name == outcome {
                n = row.try_get("n")?;
            }
        }
        let _ = writeln!(
            out,
            "fleetdesk_outbox_attempts_total{{outcome=\"{outcome}\"}} {n}"
        );
    }

    // The last day's attempts and deliveries, so the histograms stay cheap to compute.
    let since = clock::format(now - time::Duration::days(1));
    let latencies: Vec<Option<i64>> = sqlx::query_scalar(
        "SELECT latency_ms FROM outbox_attempts WHERE started_at >= $1 ORDER BY started_at DESC LIMIT 100000",
    )
    .bind(&since)
    .fetch_all(db.pool())
    .await?;
    let latencies: Vec<f64> = latencies
        .into_iter()
        .flatten()
        .map(|ms| ms as f64 / 1000.0)
        .collect();
    histogram(
        &mut out,
        "fleetdesk_outbox_attempt_duration_seconds",
        "Duration of delivery attempts over the last day (request to Orange's answer).",
        &latencies,
    );
    let delivered = sqlx::query(
        "SELECT created_at, delivered_at FROM outbox_events WHERE state = 'delivered' \
         AND delivered_at >= $1 ORDER BY delivered_at DESC LIMIT 100000",
    )
    .bind(&since)
    .fetch_all(db.pool())
    .await?;
    let mut delays = Vec::with_capacity(delivered.len());
    for row in &delivered {
        let created: String = row.try_get("created_at")?;
        let done: Option<String> = row.try_get("delivered_at")?;
        if let (Ok(created), Some(Ok(done))) =
            (clock::parse(&created), done.as_deref().map(clock::parse))
        {
            delays.push((done - created).as_seconds_f64().max(0.0));
        }
    }
    histogram(
        &mut out,
        "fleetdesk_outbox_delivery_delay_seconds",
        "Time from an event's creation to its delivery, for events delivered over the last day.",
        &delays,
    );

    let oldest: Option<String> = sqlx::query_scalar(
        "SELECT MIN(created_at) FROM outbox_events WHERE state IN ('pending', 'delivering')",
    )
    .fetch_one(db.pool())
    .await?;
    let age = oldest
        .as_deref()
        .and_then(|t| clock::parse(t).ok())
        .map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0));
    let _ = writeln!(
        out,
        "# HELP fleetdesk_outbox_oldest_undelivered_age_seconds Age of the oldest event not yet delivered (0 when none)."
    );
    let _ = writeln!(
        out,
        "# TYPE fleetdesk_outbox_oldest_undelivered_age_seconds gauge"
    );
    let _ = writeln!(
        out,
        "fleetdesk_outbox_oldest_undelivered_age_seconds {age:.3}"
    );

    let paused = super::settings::load(db).await?.paused;
    let _ = writeln!(
        out,
        "# HELP fleetdesk_outbox_delivery_paused 1 while delivery is paused."
    );
    let _ = writeln!(out, "# TYPE fleetdesk_outbox_delivery_paused gauge");
    let _ = writeln!(
        out,
        "fleetdesk_outbox_delivery_paused {}",
        i32::from(paused)
    );
    Ok(out)
}
