//! The delivery engine: every outgoing HTTP call Fleetdesk owes, read from the outbox and sent to
//! its destination: events to Orange, and webhooks to the partner's product (provisioning), two
//! kinds of destination of one engine. The storage side (claims, leases, ordering, attempts) is `fleetdesk_core::outbox::delivery`.
//!
//! How it runs, per instance:
//! - One **lane** per destination (`target` in the outbox). A lane claims due events in batches,
//!   keeps at most `concurrency` requests in flight (fewer while the receiver pushes back), and
//!   never waits for another lane: a dead destination only holds its own lane.
//! - Events of one ordering key go one after the other (the claim takes only a key's oldest open
//!   event); different keys go side by side.
//! - A **recorder** writes finished attempts in batches (one transaction for all that finished
//!   meanwhile), then lets the lanes claim what became due.
//! - A **renewer** extends this instance's leases while attempts run and gives back events whose
//!   lease ran out elsewhere. An attempt checks its lease right before it sends, and is abandoned
//!   (its connection dropped) once the lease is gone, so that no event is ever sent by two
//!   instances at the same time.
//! - A receiver that answers 429 or 503 slows its lane: nothing new goes out before its
//!   `Retry-After`, and the lane's concurrency is halved, then grows back one success at a time.

pub mod orange;
pub mod product;

use fleetdesk_vocab::EventId;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::{Notify, mpsc, watch};

use fleetdesk_core::outbox::delivery::{self, Attempt, Claimed, Next, Outcome, Recorded};
use fleetdesk_core::{Db, clock};

/// How long a destination uses the delivery settings it read before reading them again: a pause,
/// or any other change made on the console, reaches the engine within this.
pub const SETTINGS_FRESH_FOR: Duration = Duration::from_millis(500);
/// How often a lane looks for due events (retries coming due) when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);
/// The most events one claim takes.
const CLAIM_BATCH: usize = 256;
/// The most outcomes one recorder transaction writes.
const RECORD_BATCH: usize = 512;
/// How often a batch of outcomes is tried again when the database refuses it (about a minute).
const RECORD_TRIES: u32 = 15;

/// The engine's own settings (from the configuration, not the console).
#[derive(Debug, Clone, Copy)]
pub struct EngineSettings {
    /// Requests in flight per destination at the most.
    pub concurrency: usize,
    /// How long a claim holds an event without renewal; renewed every quarter of it.
    pub lease: Duration,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            concurrency: 64,
            lease: Duration::from_secs(30),
        }
    }
}

/// What a destination needs to know about delivery right now.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Seconds before each retry; after the last one the event is `failed`.
    pub retry_delays_seconds: Vec<u64>,
    /// How long one request may take.
    pub timeout: Duration,
}

/// A request ready to go out.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    /// Sent as they are (credentials included).
    pub headers: Vec<(String, String)>,
    /// As recorded in the attempt log (credentials masked).
    pub recorded_headers: Vec<(String, String)>,
    pub body: String,
    pub timeout: Duration,
    /// Which credential the request carries, for [`Destination::rejected`].
    pub credential: Option<String>,
}

/// One kind of receiver: where an event goes, with which credentials, on which schedule.
#[async_trait]
pub trait Destination: Send + Sync + 'static {
    /// The outbox `target` this destination serves.
    fn target(&self) -> &'static str;
    /// The schedule, or `None` while delivery to it is paused or not configured.
    async fn schedule(&self) -> anyhow::Result<Option<Schedule>>;
    /// The request for one event, or why it cannot be made (recorded as the attempt's error).
    async fn prepare(&self, event: &Claimed, schedule: &Schedule) -> Result<Outgoing, String>;
    /// The receiver answered 401 to `outgoing`: forget its credential and say whether a request
    /// with a fresh one is worth sending at once.
    fn rejected(&self, outgoing: &Outgoing) -> bool;
    /// Attempts of this destination were just recorded (what follows a delivery may start).
    fn recorded(&self) {}
}

/// A lease this instance holds: until when it may still send (`None` once lost).
struct Held {
    valid: watch::Sender<Option<Instant>>,
    /// When the event was written, for the delivery delay in the metrics.
    created_at: String,
    /// Where it goes, for the metrics.
    destination: crate::metrics::Destination,
}

/// What became of a claimed event, for the recorder.
enum Finished {
    /// Attempts made (usually one; two after a 401 answered with a fresh credential).
    Sent(Vec<Outcome>),
    /// Not sent: to be given back (stopping, or delivery paused meanwhile).
    NotSent(EventId),
    /// Not sent: the lease looked lost before sending; given back where it is still held.
    Abandoned(EventId),
}

/// One destination's lane.
struct Lane {
    destination: Arc<dyn Destination>,
    wake: Notify,
    gate: Gate,
    /// Claimed and not yet recorded.
    held: AtomicUsize,
    /// Nothing new is sent before this instant (the receiver asked to slow down).
    throttled_until: Mutex<Option<Instant>>,
}

impl Lane {
    fn throttle(&self, pause: Duration) {
        let until = Instant::now() + pause;
        let mut throttled = lock(&self.throttled_until);
        if throttled.is_none_or(|t| t < until) {
            *throttled = Some(until);
        }
        self.gate.decrease();
    }

    fn throttled_until(&self) -> Option<Instant> {
        let mut throttled = lock(&self.throttled_until);
        match *throttled {
            Some(until) if until > Instant::now() => Some(until),
            _ => {
                *throttled = None;
                None
            }
        }
    }
}

/// One instance's delivery engine.
pub struct Engine {
    db: Db,
    owner: String,
    client: reqwest::Client,
    settings: EngineSettings,
    lanes: Vec<Arc<Lane>>,
    held: Mutex<HashMap<EventId, Held>>,
    metrics: Arc<crate::metrics::Metrics>,
}

impl Engine {
    /// An engine for `destinations`, sending through `client` (one connection pool for all),
    /// counting its attempts in `metrics`.
    pub fn new(
        db: Db,
        client: reqwest::Client,
        settings: EngineSettings,
        destinations: Vec<Arc<dyn Destination>>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Engine {
        let concurrency = settings.concurrency.max(1);
        Engine {
            db,
            owner: delivery::owner_name(),
            client,
            settings,
            lanes: destinations
                .into_iter()
                .map(|destination| {
                    Arc::new(Lane {
                        destination,
                        wake: Notify::new(),
                        gate: Gate::new(concurrency),
                        held: AtomicUsize::new(0),
                        throttled_until: Mutex::new(None),
                    })
                })
                .collect(),
            held: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    /// The HTTP client every destination shares: keep-alive connections, HTTP/2 where offered.
    pub fn http_client() -> anyhow::Result<reqwest::Client> {
        use anyhow::Context;
        reqwest::Client::builder()
            .user_agent(concat!("fleetdesk/", env!("CARGO_PKG_VERSION")))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .context("failed to build the HTTP client")
    }

    /// Runs until `stopped` changes; `wake` is notified when events were written.
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, stopped: watch::Receiver<bool>) {
        let (finished, outcomes) = mpsc::unbounded_channel();
        let fan_out = {
            let engine = self.clone();
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        () = wake.notified() => engine.lanes.iter().for_each(|l| l.wake.notify_one()),
                        _ = stopped.changed() => return,
                    }
                }
            })
        };
        let renewer = tokio::spawn(self.clone().renew(stopped.clone()));
        let lanes: Vec<_> = self
            .lanes
            .iter()
            .map(|lane| {
                tokio::spawn(self.clone().claim_loop(
                    lane.clone(),
                    finished.clone(),
                    stopped.clone(),
                ))
            })
            .collect();
        drop(finished);
        // The recorder ends once every lane and attempt has finished and dropped its sender.
        self.clone().record_loop(outcomes).await;
        for lane in lanes {
            let _ = lane.await;
        }
        fan_out.abort();
        renewer.abort();
    }

    /// Claims due events for `lane` while it has room, and starts an attempt for each.
    async fn claim_loop(
        self: Arc<Self>,
        lane: Arc<Lane>,
        finished: mpsc::UnboundedSender<(usize, Finished)>,
        mut stopped: watch::Receiver<bool>,
    ) {
        let lane_no = self
            .lanes
            .iter()
            .position(|l| Arc::ptr_eq(l, &lane))
            .unwrap_or(0);
        // Four times the concurrency may be held: the next requests are ready while the recorder
        // writes and the next claim runs.
        let room_max = self.settings.concurrency.max(1) * 4;
        // A claim waits until it can take a quarter of that (or anything, when the lane holds
        // nothing): one round trip per batch, not one per event the recorder just freed.
        let worth_claiming = (room_max / 4).max(1);
        loop {
            if *stopped.borrow() {
                return;
            }
            let held = lane.held.load(Ordering::Acquire);
            let room = room_max.saturating_sub(held);
            let wait = if room == 0 || (held > 0 && room < worth_claiming) {
                Some(Duration::from_secs(3600))
            } else if let Some(until) = lane.throttled_until() {
                Some(until.saturating_duration_since(Instant::now()))
            } else {
                match lane.destination.schedule().await {
                    Ok(Some(schedule)) => {
                        match self
                            .claim_some(&lane, lane_no, room, &schedule, &finished, &stopped)
                            .await
                        {
                            Ok(n) if n == room.min(CLAIM_BATCH) => None,
                            Ok(_) => Some(POLL),
                            Err(error) => {
                                tracing::warn!(error = %error, target = lane.destination.target(), "claiming events failed");
                                Some(POLL)
                            }
                        }
                    }
                    Ok(None) => Some(POLL),
                    Err(error) => {
                        tracing::warn!(error = %error, "reading the delivery settings failed");
                        Some(POLL)
                    }
                }
            };
            if let Some(wait) = wait {
                tokio::select! {
                    () = lane.wake.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                    _ = stopped.changed() => return,
                }
            }
        }
    }

    async fn claim_some(
        self: &Arc<Self>,
        lane: &Arc<Lane>,
        lane_no: usize,
        room: usize,
        schedule: &Schedule,
        finished: &mpsc::UnboundedSender<(usize, Finished)>,
        stopped: &watch::Receiver<bool>,
    ) -> anyhow::Result<usize> {
        let limit = room.min(CLAIM_BATCH);
        let started = Instant::now();
        let claimed = delivery::claim(
            &self.db,
            &self.owner,
            lane.destination.target(),
            self.settings.lease,
            u32::try_from(limit).unwrap_or(u32::MAX),
        )
        .await?;
        let count = claimed.len();
        let valid_until = started + self.usable(self.settings.lease);
        for event in claimed {
            let (valid, lease) = watch::channel(Some(valid_until));
            let held = Held {
                valid,
                created_at: event.created_at.clone(),
                destination: crate::metrics::Destination::of_target(lane.destination.target()),
            };
            lock(&self.held).insert(event.id.clone(), held);
            lane.held.fetch_add(1, Ordering::AcqRel);
            let engine = self.clone();
            let lane = lane.clone();
            let finished = finished.clone();
            let schedule = schedule.clone();
            let stopped = stopped.clone();
            tokio::spawn(async move {
                let done = engine.attempt(&lane, event, schedule, lease, stopped).await;
                let _ = finished.send((lane_no, done));
            });
        }
        Ok(count)
    }

    /// How long after a claim or renewal started this instance may still send: the lease, less
    /// a margin for the time an abandoned request takes to stop.
    fn usable(&self, lease: Duration) -> Duration {
        lease.saturating_sub(Duration::from_millis(500) + lease / 10)
    }

    /// One event: waits for a slot, checks the lease, sends, and says what happened.
    async fn attempt(
        &self,
        lane: &Lane,
        event: Claimed,
        schedule: Schedule,
        mut lease: watch::Receiver<Option<Instant>>,
        mut stopped: watch::Receiver<bool>,
    ) -> Finished {
        let _slot = tokio::select! {
            slot = lane.gate.enter() => slot,
            () = stopping(&mut stopped) => return Finished::NotSent(event.id),
        };
        while let Some(until) = lane.throttled_until() {
            tokio::select! {
                () = tokio::time::sleep_until(until.into()) => {}
                () = stopping(&mut stopped) => return Finished::NotSent(event.id),
            }
        }
        // Paused (or unconfigured) since the claim: given back unsent.
        if *stopped.borrow() || !matches!(lane.destination.schedule().await, Ok(Some(_))) {
            return Finished::NotSent(event.id);
        }
        let mut outcomes = Vec::new();
        let mut retried_401 = false;
        loop {
            if !lease_held(&lease) {
                return match outcomes.is_empty() {
                    true => Finished::Abandoned(event.id),
                    false => Finished::Sent(outcomes),
                };
            }
            let outgoing = match lane.destination.prepare(&event, &schedule).await {
                Ok(outgoing) => outgoing,
                Err(error) => {
                    let attempt = Attempt {
                        url: String::new(),
                        request_body: event.payload.clone(),
                        error: Some(error),
                        ..Attempt::default()
                    };
                    outcomes.push(self.outcome(
                        lane,
                        &event,
                        &schedule,
                        attempt,
                        clock::now(),
                        outcomes.len(),
                    ));
                    return Finished::Sent(outcomes);
                }
            };
            // Right before sending: a lease lost while waiting for a slot or a token stops here.
            if !lease_held(&lease) {
                return match outcomes.is_empty() {
                    true => Finished::Abandoned(event.id),
                    false => Finished::Sent(outcomes),
                };
            }
            let started_at = clock::now();
            let attempt = send(&self.client, &outgoing, &event, &mut lease, &mut stopped).await;
            if *stopped.borrow() && attempt.response_status.is_none() {
                // Cut short by the shutdown: due again at once, for whichever instance is up.
                outcomes.push(Outcome {
                    event_id: event.id.clone(),
                    attempt,
                    next: Next::RetryAt(clock::now()),
                    started_at,
                    log_only: false,
                });
                return Finished::Sent(outcomes);
            }
            let unauthorized = attempt.response_status == Some(401);
            if unauthorized && !retried_401 && lane.destination.rejected(&outgoing) {
                // The credential may have been revoked early: a fresh one, and once more. The
                // first attempt is logged too.
                retried_401 = true;
                outcomes.push(Outcome {
                    event_id: event.id.clone(),
                    attempt,
                    next: Next::RetryAt(clock::now()),
                    started_at,
                    log_only: true,
                });
                continue;
            }
            let outcome =
                self.outcome(lane, &event, &schedule, attempt, started_at, outcomes.len());
            outcomes.push(outcome);
            return Finished::Sent(outcomes);
        }
    }

    /// Decides what follows an attempt, and lets the answer steer the lane's pace.
    fn outcome(
        &self,
        lane: &Lane,
        event: &Claimed,
        schedule: &Schedule,
        attempt: Attempt,
        started_at: time::OffsetDateTime,
        earlier: usize,
    ) -> Outcome {
        match attempt.response_status {
            Some(429 | 503) => lane.throttle(
                attempt
                    .retry_after
                    .unwrap_or(Duration::from_secs(1))
                    .min(Duration::from_secs(60)),
            ),
            Some(200..=299) => lane.gate.increase(),
            None if attempt
                .error
                .as_deref()
                .is_some_and(|e| e.contains("timeout")) =>
            {
                lane.gate.decrease()
            }
            _ => {}
        }
        let attempt_no = usize::try_from(event.attempt_count).unwrap_or(0) + earlier + 1;
        let next = delivery::decide(
            &attempt,
            attempt_no,
            &schedule.retry_delays_seconds,
            clock::now(),
            rand::random::<f64>(),
        );
        log_outcome(event.id.as_str(), &attempt, next);
        Outcome {
            event_id: event.id.clone(),
            attempt,
            next,
            started_at,
            log_only: false,
        }
    }

    /// Writes what attempts finished, in batches, then lets the lanes claim again.
    async fn record_loop(
        self: Arc<Self>,
        mut outcomes: mpsc::UnboundedReceiver<(usize, Finished)>,
    ) {
        while let Some(first) = outcomes.recv().await {
            let mut batch = vec![first];
            while batch.len() < RECORD_BATCH {
                match outcomes.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            self.record_batch(&batch).await;
            let mut lanes = HashSet::new();
            {
                let mut held = lock(&self.held);
                for (lane_no, finished) in &batch {
                    let id = match finished {
                        Finished::Sent(outcomes) => outcomes.first().map(|o| &o.event_id),
                        Finished::NotSent(id) | Finished::Abandoned(id) => Some(id),
                    };
                    if let Some(id) = id {
                        held.remove(id);
                    }
                    if let Some(lane) = self.lanes.get(*lane_no) {
                        lane.held.fetch_sub(1, Ordering::AcqRel);
                        lanes.insert(*lane_no);
                    }
                }
            }
            for lane_no in lanes {
                let lane = &self.lanes[lane_no];
                lane.destination.recorded();
                lane.wake.notify_one();
            }
        }
    }

    /// Counts the attempts now in the attempt log, and asks for the shared numbers to be read
    /// again.
    fn count(&self, outcomes: &[Outcome], recorded: &[Recorded]) {
        let held = lock(&self.held);
        for (outcome, recorded) in outcomes.iter().zip(recorded) {
            if *recorded == Recorded::LeaseLost {
                tracing::warn!(event.id = %outcome.event_id, "lease lost during an attempt; logged, the event is left to its new holder");
            }
            // The delay is the event's: counted once, by its delivery.
            let delivered_at_last = !outcome.log_only && *recorded == Recorded::Applied;
            let found = held.get(&outcome.event_id);
            let destination =
                found.map_or(crate::metrics::Destination::Orange, |held| held.destination);
            let created_at = found
                .filter(|_| delivered_at_last)
                .map(|held| held.created_at.as_str());
            self.metrics.attempt(
                destination,
                outcome.next,
                Duration::from_millis(u64::try_from(outcome.attempt.latency_ms).unwrap_or(0)),
                created_at,
            );
        }
        self.metrics.backlog_changed();
    }

    /// Writes one batch; a database that does not answer is tried again for a while (leases that
    /// ran out meanwhile are recorded as lost, so nothing is written twice). A batch that still
    /// cannot be written is dropped with an error: its events' leases run out and they are sent
    /// again (at least once, same `eventId`), rather than the lane waiting for ever.
    async fn record_batch(&self, batch: &[(usize, Finished)]) {
        let outcomes: Vec<Outcome> = batch
            .iter()
            .flat_map(|(_, f)| match f {
                Finished::Sent(outcomes) => outcomes.clone(),
                _ => Vec::new(),
            })
            .collect();
        // Not sent, or abandoned before sending (the lease looked lost here): given back at once
        // where this instance still holds them, rather than waiting for the lease to run out.
        let not_sent: Vec<EventId> = batch
            .iter()
            .filter_map(|(_, f)| match f {
                Finished::NotSent(id) | Finished::Abandoned(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        let mut pause = Duration::from_millis(200);
        let mut tries = 0;
        loop {
            let written = async {
                let recorded = delivery::record(&self.db, &self.owner, &outcomes).await?;
                delivery::release(&self.db, &self.owner, &not_sent).await?;
                Ok::<_, fleetdesk_core::db::DbError>(recorded)
            }
            .await;
            match written {
                Ok(recorded) => {
                    self.count(&outcomes, &recorded);
                    return;
                }
                Err(error) if tries < RECORD_TRIES => {
                    tracing::warn!(error = %error, count = outcomes.len(), "recording delivery attempts failed; trying again");
                    tries += 1;
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                Err(error) => {
                    tracing::error!(error = %error, count = outcomes.len(), "recording delivery attempts failed for good; their events will be sent again once their leases run out");
                    return;
                }
            }
        }
    }

    /// Renews this instance's leases every quarter of a lease, and gives back expired ones.
    ///
    /// The renewals start on a fixed beat (a renewal that takes long delays the next one, it does
    /// not add up): an attempt may send until [`usable`](Self::usable) after the last renewal
    /// started, so the next one must be done by then, whatever the time the previous renewal and
    /// the giving back took. With a lease of 2 s and a renewal every third of it, a machine under
    /// load left a renewal 630 ms, and an attempt was abandoned with its answer on the way.
    async fn renew(self: Arc<Self>, mut stopped: watch::Receiver<bool>) {
        let lease = self.settings.lease;
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + lease / 4, lease / 4);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = beat.tick() => {}
                _ = stopped.changed() => {}
            }
            let started = Instant::now();
            let asked: Vec<EventId> = lock(&self.held).keys().cloned().collect();
            match delivery::renew(&self.db, &self.owner, &asked, lease).await {
                Ok(ids) => {
                    let still: HashSet<EventId> = ids.into_iter().collect();
                    let valid_until = started + self.usable(lease);
                    let asked: HashSet<&EventId> = asked.iter().collect();
                    for (id, held) in lock(&self.held).iter() {
                        if still.contains(id) {
                            held.valid.send_replace(Some(valid_until));
                        } else if asked.contains(id) {
                            // Asked about and no longer ours: taken over, or run out.
                            held.valid.send_replace(None);
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "renewing delivery leases failed");
                }
            }
            match delivery::reclaim_expired(&self.db).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(count = n, "events whose lease ran out are due again");
                    self.lanes.iter().for_each(|l| l.wake.notify_one());
                }
                Err(error) => tracing::warn!(error = %error, "giving back expired leases failed"),
            }
        }
    }
}

/// Resolves once the engine is asked to stop.
async fn stopping(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

fn lease_held(lease: &watch::Receiver<Option<Instant>>) -> bool {
    lease.borrow().is_some_and(|until| Instant::now() < until)
}

/// Sends `outgoing`; gives up (dropping the connection) as soon as the lease is gone.
async fn send(
    client: &reqwest::Client,
    outgoing: &Outgoing,
    event: &Claimed,
    lease: &mut watch::Receiver<Option<Instant>>,
    stopped: &mut watch::Receiver<bool>,
) -> Attempt {
    let started = Instant::now();
    let mut attempt = Attempt {
        url: outgoing.url.clone(),
        request_headers: outgoing.recorded_headers.clone(),
        request_body: event.payload.clone(),
        ..Attempt::default()
    };
    let mut request = client
        .post(&outgoing.url)
        .timeout(outgoing.timeout)
        .body(outgoing.body.clone());
    for (name, value) in &outgoing.headers {
        request = request.header(name, value);
    }
    let exchange = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await;
        Ok::<_, reqwest::Error>((status, headers, body))
    };
    tokio::pin!(exchange);
    let answered = loop {
        let Some(until) = *lease.borrow_and_update() else {
            break None;
        };
        tokio::select! {
            answered = &mut exchange => break Some(answered),
            () = stopping(stopped) => break None,
            () = tokio::time::sleep_until(until.into()) => {
                if *lease.borrow() == Some(until) {
                    break None;
                }
            }
            changed = lease.changed() => {
                if changed.is_err() {
                    break None;
                }
            }
        }
    };
    match answered {
        None if *stopped.borrow() => {
            attempt.error = Some("abandoned: the server was stopping".to_owned());
        }
        None => {
            attempt.error = Some("abandoned: the lease ran out before the answer came".to_owned());
        }
        Some(Err(error)) => attempt.error = Some(describe(&error, outgoing.timeout)),
        Some(Ok((status, headers, body))) => {
            attempt.response_status = Some(status);
            attempt.retry_after = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| delivery::parse_retry_after(v, clock::now()));
            attempt.response_headers = headers
                .iter()
                .map(|(name, value)| {
                    let value = if name.as_str() == "set-cookie" {
                        "***".to_owned()
                    } else {
                        String::from_utf8_lossy(value.as_bytes()).into_owned()
                    };
                    (name.as_str().to_owned(), value)
                })
                .collect();
            match body {
                Ok(body) => attempt.response_body = Some(body),
                Err(error) => attempt.error = Some(describe(&error, outgoing.timeout)),
            }
        }
    }
    attempt.latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    attempt
}

fn log_outcome(event_id: &str, attempt: &Attempt, next: Next) {
    match next {
        Next::Delivered => {
            tracing::debug!(event.id = %event_id, duration_ms = attempt.latency_ms, "event delivered")
        }
        Next::RetryAt(at) => {
            tracing::info!(event.id = %event_id, status = ?attempt.response_status, error = ?attempt.error, retry_at = %clock::format(at), "event delivery will be retried")
        }
        Next::Failed => {
            tracing::warn!(event.id = %event_id, status = ?attempt.response_status, error = ?attempt.error, "event delivery failed for good")
        }
    }
}

/// A transport error in words, without the URL's query or any header.
pub(crate) fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        format!("no answer within {} s (timeout)", timeout.as_secs_f64())
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read".to_owned()
    } else {
        "the request failed".to_owned()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A lane's limit on requests in flight: halved when the receiver pushes back, grown by one on
/// each success, never above the configured concurrency.
struct Gate {
    state: Mutex<(usize, usize)>,
    max: usize,
    freed: Notify,
}

struct GateSlot<'a>(&'a Gate);

impl Drop for GateSlot<'_> {
    fn drop(&mut self) {
        lock(&self.0.state).0 -= 1;
        self.0.freed.notify_waiters();
    }
}

impl Gate {
    fn new(max: usize) -> Gate {
        Gate {
            state: Mutex::new((0, max)),
            max,
            freed: Notify::new(),
        }
    }

    async fn enter(&self) -> GateSlot<'_> {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut state = lock(&self.state);
                if state.0 < state.1 {
                    state.0 += 1;
                    return GateSlot(self);
                }
            }
            freed.await;
        }
    }

    fn decrease(&self) {
        let mut state = lock(&self.state);
        state.1 = (state.1 / 2).max(1);
    }

    fn increase(&self) {
        let grew = {
            let mut state = lock(&self.state);
            let before = state.1;
            state.1 = (state.1 + 1).min(self.max);
            state.1 > before
        };
        if grew {
            self.freed.notify_waiters();
        }
    }

    #[cfg(test)]
    fn limit(&self) -> usize {
        lock(&self.state).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_gate_halves_on_push_back_and_grows_back_one_success_at_a_time() {
        let gate = Gate::new(8);
        gate.decrease();
        assert_eq!(gate.limit(), 4);
        gate.decrease();
        gate.decrease();
        gate.decrease();
        assert_eq!(gate.limit(), 1, "never below one");
        let first = gate.enter().await;
        let second = tokio::time::timeout(Duration::from_millis(50), gate.enter()).await;
        assert!(
            second.is_err(),
            "a second request waits while the limit is one"
        );
        for _ in 0..20 {
            gate.increase();
        }
        assert_eq!(gate.limit(), 8, "never above the configured concurrency");
        let second = tokio::time::timeout(Duration::from_millis(50), gate.enter()).await;
        assert!(second.is_ok(), "room again once the limit grew");
        drop(first);
    }
}
