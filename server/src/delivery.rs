//! The delivery worker: sends the outbox's events to Orange (contract section 6).
//!
//! It claims due events under a lease, gets an OAuth 2.0 client-credentials token (cached until
//! shortly before it expires, fetched again once on a 401), POSTs each event, records the attempt
//! and lets `fleetdesk_core::outbox::delivery::decide` schedule what follows. The storage side
//! (claims, leases, ordering, attempts) lives in `fleetdesk_core::outbox::delivery`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::{Mutex, Notify, watch};

use fleetdesk_core::outbox::delivery::{self, Attempt, Claimed, Next};
use fleetdesk_core::outbox::settings::{self as delivery_settings, DeliverySettings};
use fleetdesk_core::{Db, clock};

/// How many events one pass claims and sends at once (never two about the same resource: the
/// claim takes at most the oldest waiting event of each order or licence).
const BATCH: u32 = 16;
/// How often the worker looks for due events when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
struct Token {
    value: String,
    /// Renew after this instant.
    fresh_until: Instant,
    /// For which token URL and client (a settings change invalidates it).
    for_client: (String, String),
}

/// One instance's delivery worker.
pub struct Worker {
    db: Db,
    owner: String,
    client: reqwest::Client,
    token: Mutex<Option<Token>>,
}

impl Worker {
    pub fn new(db: Db) -> anyhow::Result<Worker> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("fleetdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("failed to build the HTTP client")?;
        Ok(Worker {
            db,
            owner: delivery::owner_name(),
            client,
            token: Mutex::new(None),
        })
    }

    /// Runs until `stopped` changes: delivers what is due, then waits for `wake` or the poll.
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
        loop {
            let delivered_some = match self.pass(&stopped).await {
                Ok(n) => n > 0,
                Err(error) => {
                    tracing::warn!(error = %error, "event delivery pass failed");
                    false
                }
            };
            if *stopped.borrow() {
                return;
            }
            if delivered_some {
                continue;
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
                _ = stopped.changed() => return,
            }
        }
    }

    /// Claims and sends one batch; returns how many events it handled.
    pub async fn pass(&self, stopped: &watch::Receiver<bool>) -> anyhow::Result<usize> {
        let settings = delivery_settings::load(&self.db).await?;
        if settings.paused || !settings.is_configured() {
            return Ok(0);
        }
        // The lease outlives the longest attempt (token request plus event request, each bounded
        // by the timeout) with a margin; after a crash the event is taken up again once it ends.
        let lease = Duration::from_secs(settings.timeout_seconds * 2 + 5);
        let claimed = delivery::claim(&self.db, &self.owner, lease, BATCH).await?;
        let count = claimed.len();
        if *stopped.borrow() {
            for event in claimed {
                delivery::release(&self.db, &self.owner, &event.id).await?;
            }
            return Ok(0);
        }
        // Sent side by side, so every attempt of the batch ends within its lease.
        let sent = futures_util::future::join_all(
            claimed
                .into_iter()
                .map(|event| self.deliver(&settings, event)),
        )
        .await;
        for result in sent {
            result?;
        }
        Ok(count)
    }

    async fn deliver(&self, settings: &DeliverySettings, event: Claimed) -> anyhow::Result<()> {
        let url = match event.target.as_str() {
            "orange_product_order" => settings.product_order_url.clone(),
            _ => settings.user_service_url.clone(),
        };
        let renewed_before = self.token.lock().await.is_some();
        let mut attempt = self.attempt(settings, &url, &event).await;
        let mut next = decide(&attempt, &event, settings);
        if attempt.response_status == Some(401) && renewed_before {
            // The cached token may have been revoked early: fetch a new one and try once more.
            *self.token.lock().await = None;
            attempt = self.attempt(settings, &url, &event).await;
            next = decide(&attempt, &event, settings);
        }
        let recorded = delivery::finish(&self.db, &self.owner, &event.id, &attempt, next).await?;
        match (recorded, next) {
            (false, _) => {
                tracing::warn!(event.id = %event.id, "lease lost while delivering; another instance took the event")
            }
            (true, Next::Delivered) => {
                tracing::info!(event.id = %event.id, duration_ms = attempt.latency_ms, "event delivered")
            }
            (true, Next::RetryAt(at)) => {
                tracing::info!(event.id = %event.id, status = ?attempt.response_status, error = ?attempt.error, retry_at = %clock::format(at), "event delivery will be retried")
            }
            (true, Next::Failed) => {
                tracing::warn!(event.id = %event.id, status = ?attempt.response_status, error = ?attempt.error, "event delivery failed for good")
            }
        }
        Ok(())
    }

    /// One try: token, then the event. Never fails: every problem is written into the attempt.
    async fn attempt(&self, settings: &DeliverySettings, url: &str, event: &Claimed) -> Attempt {
        let started = Instant::now();
        let mut attempt = Attempt {
            url: url.to_owned(),
            request_body: event.payload.clone(),
            request_headers: vec![
                ("authorization".to_owned(), "Bearer ***".to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
            ],
            ..Attempt::default()
        };
        if let Some(request_id) = &event.request_id {
            attempt
                .request_headers
                .push(("x-request-id".to_owned(), request_id.clone()));
        }
        let token = match self.token(settings).await {
            Ok(token) => token,
            Err(error) => {
                attempt.error = Some(format!("token: {error}"));
                attempt.latency_ms = elapsed_ms(started);
                return attempt;
            }
        };
        let timeout = Duration::from_secs(settings.timeout_seconds);
        let mut request = self
            .client
            .post(url)
            .timeout(timeout)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(event.payload.clone());
        if let Some(request_id) = &event.request_id {
            request = request.header("x-request-id", request_id);
        }
        match request.send().await {
            Err(error) => {
                attempt.error = Some(describe(&error, timeout));
            }
            Ok(response) => {
                let status = response.status().as_u16();
                attempt.response_status = Some(status);
                attempt.retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| delivery::parse_retry_after(v, clock::now()));
                attempt.response_headers = response
                    .headers()
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
                match response.text().await {
                    Ok(body) => attempt.response_body = Some(body),
                    Err(error) => attempt.error = Some(describe(&error, timeout)),
                }
            }
        }
        attempt.latency_ms = elapsed_ms(started);
        attempt
    }

    /// The cached token, or a new one from the token endpoint.
    async fn token(&self, settings: &DeliverySettings) -> anyhow::Result<String> {
        let client_key = (settings.token_url.clone(), settings.client_id.clone());
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref()
            && token.for_client == client_key
            && Instant::now() < token.fresh_until
        {
            return Ok(token.value.clone());
        }
        let mut form = vec![("grant_type", "client_credentials")];
        if !settings.scope.is_empty() {
            form.push(("scope", settings.scope.as_str()));
        }
        let response = self
            .client
            .post(&settings.token_url)
            .timeout(Duration::from_secs(settings.timeout_seconds))
            .basic_auth(&settings.client_id, Some(&settings.client_secret))
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                anyhow::anyhow!(describe(&e, Duration::from_secs(settings.timeout_seconds)))
            })?;
        let status = response.status();
        if !status.is_success() {
            anyhow::bail!("the token endpoint answered {}", status.as_u16());
        }
        #[derive(serde::Deserialize)]
        struct Grant {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let grant: Grant = response
            .json()
            .await
            .context("the token endpoint's answer is not a token")?;
        let lifetime = grant.expires_in.unwrap_or(300);
        // Renewed shortly before it runs out: a tenth of its life, at most a minute, early.
        let margin = (lifetime / 10).min(60);
        let token = Token {
            value: grant.access_token,
            fresh_until: Instant::now() + Duration::from_secs(lifetime.saturating_sub(margin)),
            for_client: client_key,
        };
        let value = token.value.clone();
        *cached = Some(token);
        Ok(value)
    }
}

fn decide(attempt: &Attempt, event: &Claimed, settings: &DeliverySettings) -> Next {
    let attempt_no = usize::try_from(event.attempt_count).unwrap_or(0) + 1;
    delivery::decide(
        attempt,
        attempt_no,
        &settings.retry_delays_seconds,
        clock::now(),
        rand::random::<f64>(),
    )
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// A transport error in words, without the URL's query or any header.
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        format!("no answer within {} s (timeout)", timeout.as_secs())
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read".to_owned()
    } else {
        "the request failed".to_owned()
    }
}
